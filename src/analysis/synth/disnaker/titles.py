"""Messy free-text job titles (vacancy and AK/I texts) from the occupation catalogue."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .catalogues import _GENERIC_BY_CODE


_PREFIX = ["dibutuhkan ", "lowongan ", "urgent ", "hiring ", "dicari ", "req. ", "loker ", "BU: "]

_SUFFIX = [" (PKWT)", " - project TA", " shutdown", " pengalaman min 2 thn", " min SMK", " utk proyek pabrik",
           " area Bontang", " lokal Bontang", " (kontrak 6 bln)", " site Lok Tuan", " bersertifikat",
           " - urgent!!", " 2 org", " exp.", " senior", " junior", " KIE", " fresh graduate"]

_ABBREV = [("operator", "opr"), ("operator", "op."), ("teknisi", "tek."), ("teknisi", "tknisi"),
           ("administrasi", "adm"), ("mekanik", "mek."), ("supervisor", "spv"), ("assistant", "asst"),
           ("staff", "staf"), ("electrical", "elect."), ("mechanic", "mech."), ("security", "scurity"),
           ("welder", "welders"), ("produksi", "prod."), ("gudang", "gdg"), ("lapangan", "lap.")]

_AK1_PREFIX = ["ingin jadi ", "kerja ", "pengalaman ", "bisa ", "", "", "mencari kerja "]

_AK1_SUFFIX = [" / apa saja", " atau lainnya", ", siap kerja", " (ada sertifikat)", " pengalaman 1 thn",
               " dll", " / helper", " / admin"]

def _title_variants(cat: pd.DataFrame) -> pd.DataFrame:
    """Long table code -> candidate title with a weight (official titles rarer than local ones)."""
    rows = []
    for r in cat.itertuples():
        rows.append((r.kbji4, r.title_id.lower(), 0.25))
        rows.append((r.kbji4, r.title_en.lower(), 0.3))
        for v in r.variants.split(";"):
            rows.append((r.kbji4, v, 1.0))
    return pd.DataFrame(rows, columns=["kbji4", "text", "w"])

def _typo(rng, texts: np.ndarray, p: float) -> np.ndarray:
    """One random character edit (drop, double, swap, neighbour key) in a share p of texts."""
    n = len(texts)
    hit = rng.random(n) < p
    kind = rng.integers(0, 4, n)
    pos_u = rng.random(n)
    letters = np.array(list("aeiounrstlkm"))
    rep = letters[rng.integers(0, len(letters), n)]
    out = texts.copy()
    for i in np.flatnonzero(hit):  # string surgery: no vectorised equivalent
        t = out[i]
        if len(t) < 4:
            continue
        j = 1 + int(pos_u[i] * (len(t) - 2))
        k = kind[i]
        if k == 0:
            t = t[:j] + t[j + 1:]
        elif k == 1:
            t = t[:j] + t[j] + t[j:]
        elif k == 2:
            t = t[:j - 1] + t[j] + t[j - 1] + t[j + 1:]
        else:
            t = t[:j] + rep[i] + t[j + 1:]
        out[i] = t
    return out

def make_titles(rng, codes: np.ndarray, cat: pd.DataFrame, *, kind: str = "vacancy",
                p_generic: float = 0.17) -> np.ndarray:
    """Noisy free-text job titles for true KBJI codes.

    Mixes official titles (ID/EN), local terms, generic titles that fit several codes
    (``operator``, ``helper``, ``teknisi``, ``staff``, ``crew`` ...), abbreviations, decorations,
    case changes and typos -- the things that keep a title classifier honest.
    """
    codes = np.asarray(codes).astype(str)
    n = len(codes)
    var = _title_variants(cat)
    out = np.empty(n, dtype=object)
    u = rng.random(n)
    for code, idx in pd.Series(np.arange(n)).groupby(codes):  # loop over codes, not rows
        v = var[var["kbji4"] == code]
        cw = np.cumsum(v["w"].to_numpy())
        pick = np.searchsorted(cw / cw[-1], u[idx.to_numpy()], side="right")
        out[idx.to_numpy()] = v["text"].to_numpy()[np.minimum(pick, len(v) - 1)]
    # generic titles
    gen_u = rng.random(n)
    gen_pick = rng.random(n)
    for code, idx in pd.Series(np.arange(n)).groupby(codes):
        terms = _GENERIC_BY_CODE.get(code)
        if not terms:
            continue
        ii = idx.to_numpy()
        sel = ii[gen_u[ii] < p_generic * 1.6]
        if len(sel):
            out[sel] = np.array(terms, dtype=object)[(gen_pick[sel] * len(terms)).astype(int)]
    # abbreviations
    ab = rng.random(n) < 0.25
    which = rng.integers(0, len(_ABBREV), n)
    s = pd.Series(out, dtype=object)
    for k, (a, b) in enumerate(_ABBREV):
        m = ab & (which == k)
        if m.any():
            s[m] = s[m].str.replace(a, b, regex=False)
    out = s.to_numpy(dtype=object)
    # decorations
    pre, suf = (_PREFIX, _SUFFIX) if kind == "vacancy" else (_AK1_PREFIX, _AK1_SUFFIX)
    p_pre, p_suf = (0.25, 0.35) if kind == "vacancy" else (0.3, 0.25)
    hp = rng.random(n) < p_pre
    hs = rng.random(n) < p_suf
    prefix = np.where(hp, np.array(pre, dtype=object)[rng.integers(0, len(pre), n)], "")
    suffix = np.where(hs, np.array(suf, dtype=object)[rng.integers(0, len(suf), n)], "")
    out = (pd.Series(prefix) + pd.Series(out) + pd.Series(suffix)).to_numpy(dtype=object)
    out = _typo(rng, out, 0.18 if kind == "vacancy" else 0.25)
    case = rng.random(n)
    s = pd.Series(out, dtype=object)
    s = s.where(case >= 0.3, s.str.upper())
    s = s.where((case < 0.3) | (case >= 0.55), s.str.title())
    # double spaces / stray punctuation
    sp = rng.random(n) < 0.08
    s = s.where(~sp, s.str.replace(" ", "  ", n=1, regex=False))
    return s.str.strip().to_numpy(dtype=object)
