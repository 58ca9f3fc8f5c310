"""An evaluation title set for the occupation coder, generated apart from the synthetic generator.

The noise process here is written independently of ``analysis.synth.disnaker`` (which makes the
titles the coder is trained on) and of anything the coder uses: it starts from the KBJI unit
titles a coder would look up (Indonesian and English) and applies what real free-text titles do
to them -- shortening to the head words, word-order changes, mixing Indonesian and English,
abbreviations, informal and regional synonyms, keyboard typos and letter drops, decorations of
job adverts. Its own seed; its own word lists.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

# informal/regional words for common title words (East Kalimantan / Indonesian usage)
_INFORMAL = {"pekerja": ["buruh", "karyawan"], "juru": ["tukang"], "petugas": ["staf", "karyawan"],
             "operator": ["opt", "optr"], "asisten": ["pembantu"], "penjual": ["pedagang"],
             "pengemudi": ["sopir", "supir"], "pembersih": ["cleaning"], "penjaga": ["jaga"],
             "teknisi": ["tehnisi"], "mekanik": ["montir"], "pengawas": ["mandor"], "juru masak": ["koki"]}
_ABBR = {"teknik": "tek", "pekerja": "pkj", "petugas": "ptgs", "dan": "&", "mesin": "msn", "asisten": "ast",
         "bangunan": "bgn", "listrik": "lstrk", "kantor": "ktr", "administrasi": "admin", "perawatan": "prwtn",
         "industri": "ind", "umum": "umm", "and": "&", "workers": "wrkr", "operators": "oprs"}
_DECOR_PRE = ["cari kerja ", "butuh ", "kerja: ", "posisi ", "lowker ", "info loker "]
_DECOR_SUF = [" (harian lepas)", " shift malam", " - bagian produksi", " wilayah Bontang Selatan", " (s1/d3)",
              " penempatan Kaltim", " ASAP", " lulusan baru"]
_KEYS = {"a": "sq", "e": "wr", "i": "uo", "o": "ip", "u": "yi", "n": "bm", "r": "et", "s": "ad", "t": "ry",
         "k": "jl", "l": "k", "m": "n", "g": "fh", "p": "o", "d": "sf"}


def _typo(rng, t: str) -> str:
    if len(t) < 5:
        return t
    j = int(rng.integers(1, len(t) - 1))
    c = t[j]
    kind = rng.integers(0, 3)
    if kind == 0 and c in _KEYS:              # neighbouring key
        return t[:j] + _KEYS[c][int(rng.integers(0, len(_KEYS[c])))] + t[j + 1:]
    if kind == 1 and c in "aeiou":            # dropped vowel (SMS style)
        return t[:j] + t[j + 1:]
    return t[:j] + c + t[j:]                  # doubled letter


def evaluation_titles(kbji: pd.DataFrame, n_per_code: int = 12, seed: int = 4242) -> pd.DataFrame:
    """``n_per_code`` noisy titles for every 4-digit code of ``kbji``: columns ``title``, ``kbji4``."""
    rng = np.random.default_rng(seed)
    unit = kbji[kbji["kode"].astype(str).str.len() == 4]
    rows = []
    for r in unit.itertuples():  # ~100 codes x n titles: string work, no vectorised form
        ind = str(r.judul_id).lower().replace(",", " ").split()
        eng = str(r.title_en).lower().replace(",", " ").split()
        for _ in range(n_per_code):
            words = list(ind if rng.random() < 0.65 else eng)
            if rng.random() < 0.5 and len(words) > 2:         # head words only
                words = words[: int(rng.integers(1, 3))]
            if rng.random() < 0.2 and len(words) > 1:          # word order
                k = int(rng.integers(1, len(words)))
                words = words[k:] + words[:k]
            if rng.random() < 0.2 and len(eng) and len(ind) > 1:   # Indonesian/English mix
                words = [eng[-1]] + words[1:]
            words = [(_INFORMAL[w][int(rng.integers(0, len(_INFORMAL[w])))] if w in _INFORMAL and rng.random() < 0.4
                      else w) for w in words]
            words = [(_ABBR[w] if w in _ABBR and rng.random() < 0.3 else w) for w in words]
            t = " ".join(words)
            if rng.random() < 0.3:
                t = _typo(rng, t)
            if rng.random() < 0.2:
                t = _DECOR_PRE[int(rng.integers(0, len(_DECOR_PRE)))] + t
            if rng.random() < 0.2:
                t = t + _DECOR_SUF[int(rng.integers(0, len(_DECOR_SUF)))]
            if rng.random() < 0.3:
                t = t.upper() if rng.random() < 0.5 else t.title()
            rows.append((t, str(r.kode)))
    return pd.DataFrame(rows, columns=["title", "kbji4"])
