"""Field worklists of the DTSEN update: which families to visit, by kelurahan and RT, and who can help.

The follow-up coordination meeting (August 2025) asked for verification down to RT level and for
poor families grouped by the programme that can help them. A worklist holds the registry families

* whose verification is still pending (``status_verifikasi != terverifikasi``), or
* whose record was found invalid at verification (``hasil_verifikasi`` in ``invalid_outcomes``:
  moved, deceased, duplicate, not found),

ranked within the kelurahan by their **poverty likelihood** from the proxy-means test (PMT) of
stage 02: ``P(log y < log z | x) = Phi((log z - x'b) / s)`` with ``z`` the poverty line, ``x'b``
the PMT prediction and ``s`` the person-weighted residual standard deviation of the PMT in
Susenas (a normal model of the PMT error; the ranking equals that of the predicted expenditure,
the probability makes it readable). Each family also shows its current programmes (PKH, BPNT,
PBI) and an **intervention channel** under configurable rules (config ``poverty.worklists``):

``kemensos_pkh_bpnt``
    predicted per-capita expenditure below the ``kemensos_share`` quantile of the person-weighted
    Susenas distribution of the same prediction (default 0.40, the desil 1-4 that Kemensos
    programmes target in DTSEN), and a record Kemensos can pay on (not in ``relocate_outcomes``
    or ``close_outcomes``);
``lokal_apbd_tjsl_baznas``
    predicted below the ``local_share`` quantile (default 0.60: the near-poor desil 5-6 that
    Kemensos does not reach), or meeting the Kemensos criterion on a record Kemensos cannot pay
    on until re-registered (moved, not found): local budget (APBD), company CSR (TJSL) or zakat
    (BAZNAS);
``tidak_layak``
    everything else, and records to close (``close_outcomes``: deceased, duplicate).

Source of the targeting concepts: DTSEN (Inpres 4/2025) ranks families in welfare desil 1-10 by a
proxy-means test, and bansos such as PKH and BPNT generally target desil 1-4 (sometimes 5); the
city's coordination meeting of 21 August 2025 split the poor into those meeting Kemensos criteria
and those to be helped through APBD, TJSL/CSR or BAZNAS. The shares are configurable because the
city's own rule may differ, and the PMT here is the pipeline's, not Kemensos's 39-variable model.

Privacy: everything here is row-level and goes to ``restricted/<period>/worklists/`` only (one
xlsx per kelurahan, a sheet per RT). Names and addresses are joined from the RAW registry on the
pseudonymous key only when the workbooks are written (:func:`attach_identities`); the processed
data never hold them. The public tier gets only :func:`rt_channel_counts`, suppressed by
:mod:`analysis.disclosure`.
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import norm

from analysis import disclosure

CHANNELS = ("kemensos_pkh_bpnt", "lokal_apbd_tjsl_baznas", "tidak_layak")
CHANNEL_LABELS = {
    "kemensos_pkh_bpnt": "Memenuhi kriteria Kemensos (PKH/BPNT)",
    "lokal_apbd_tjsl_baznas": "Perlu intervensi lokal (APBD/TJSL/BAZNAS)",
    "tidak_layak": "Tidak layak / tutup data",
}
DEFAULT_RULES = {
    "kemensos_share": 0.40,
    "local_share": 0.60,
    "invalid_outcomes": ["pindah", "meninggal", "ganda", "tidak_ditemukan"],
    "relocate_outcomes": ["pindah", "tidak_ditemukan"],
    "close_outcomes": ["meninggal", "ganda"],
}
PROGRAMME_COLUMNS = {"PKH": "penerima_pkh", "BPNT": "penerima_bpnt", "PBI": "penerima_pbi"}
# the columns of a worklist sheet, in order (Bahasa Indonesia for the field teams)
SHEET_COLUMNS = {
    "peringkat": "rank in the kelurahan by poverty likelihood (1 = most likely poor)",
    "id_keluarga": "DTSEN family id (to find the record in SIKS-NG)",
    "nama_kepala_keluarga": "head of family (raw registry)",
    "alamat": "address (raw registry)",
    "rt": "RT",
    "jumlah_anggota": "family members",
    "alasan": "why on the list: belum_diverifikasi or the verification outcome",
    "peluang_miskin": "poverty likelihood from the PMT (0-1)",
    "pengeluaran_prediksi": "PMT predicted monthly per-capita expenditure (Rp)",
    "desil_nasional": "national desil before verification",
    "program_saat_ini": "current programmes",
    "saluran": "intervention channel",
    "hh_key": "pseudonymous key (links to the processed data)",
}
FIXED_TIME = datetime(2025, 1, 1, tzinfo=timezone.utc)   # xlsx metadata: no wall-clock time


def worklist_rules(conf: dict | None) -> dict:
    """Defaults merged with ``poverty.worklists``; unknown keys and inconsistent shares refused."""
    conf = dict(conf or {})
    unknown = sorted(set(conf) - set(DEFAULT_RULES))
    if unknown:
        raise ValueError(f"unknown key(s) under 'poverty.worklists': {', '.join(unknown)}")
    r = {**DEFAULT_RULES, **conf}
    if not 0 < float(r["kemensos_share"]) <= float(r["local_share"]) <= 1:
        raise ValueError("poverty.worklists: need 0 < kemensos_share <= local_share <= 1, got "
                         f"{r['kemensos_share']} and {r['local_share']}")
    for k in ("invalid_outcomes", "relocate_outcomes", "close_outcomes"):
        r[k] = [str(x) for x in r[k]]
    return r


def _flag(s: pd.Series) -> np.ndarray:
    num = pd.to_numeric(s, errors="coerce")
    txt = s.astype("string").str.strip().str.lower()
    return np.where(num.notna(), num > 0, txt.isin(["ya", "true", "yes"]).fillna(False)).astype(bool)


def candidates(households: pd.DataFrame, log_pred: np.ndarray, *, log_line: float, sigma: float,
               kemensos_cut: float, local_cut: float, rules: dict) -> pd.DataFrame:
    """Families on the worklists (pseudonymous: no names), with likelihood and channel.

    Parameters
    ----------
    households : DataFrame
        Processed registry families (every record, invalid ones included): ``hh_key, kode_kec,
        kode_kel, rt, status_verifikasi, hasil_verifikasi, jumlah_anggota, desil_nasional`` and the
        programme flags.
    log_pred : array
        PMT predicted log per-capita expenditure of each row of ``households``.
    log_line, sigma : float
        Log poverty line; residual SD of the PMT (log scale).
    kemensos_cut, local_cut : float
        Predicted expenditure cuts (Rp) of the ``kemensos_share`` and ``local_share`` quantiles.
    rules : dict
        :func:`worklist_rules`.

    Returns
    -------
    DataFrame
        One row per listed family, sorted by kelurahan, then rank.
    """
    h = households
    status = h["status_verifikasi"].astype("string").str.strip().str.lower().fillna("")
    hasil = h["hasil_verifikasi"].astype("string").str.strip().str.lower().fillna("")
    pending = (status != "terverifikasi").to_numpy(bool)
    invalid = hasil.isin(rules["invalid_outcomes"]).to_numpy(bool)
    keep = pending | invalid
    pred = np.exp(np.asarray(log_pred, float))
    like = norm.cdf((log_line - np.asarray(log_pred, float)) / sigma)
    close = hasil.isin(rules["close_outcomes"]).to_numpy(bool)
    relocate = hasil.isin(rules["relocate_outcomes"]).to_numpy(bool)
    kemensos = (pred < kemensos_cut) & ~close & ~relocate
    local = ~kemensos & ~close & (pred < local_cut)
    channel = np.select([kemensos, local], ["kemensos_pkh_bpnt", "lokal_apbd_tjsl_baznas"], "tidak_layak")
    progs = np.full(len(h), "", dtype=object)
    for label, col in PROGRAMME_COLUMNS.items():
        if col in h.columns:
            f = _flag(h[col])
            progs = np.where(f, np.where(progs == "", label, progs + ";" + label), progs)
    out = pd.DataFrame({
        "hh_key": h["hh_key"].astype(str).to_numpy(),
        "kode_kec": h["kode_kec"].astype(str).to_numpy(), "kode_kel": h["kode_kel"].astype(str).to_numpy(),
        "rt": h["rt"].astype("string").fillna("").astype(str).to_numpy(),
        "jumlah_anggota": pd.to_numeric(h["jumlah_anggota"], errors="coerce").astype("Int64").to_numpy(),
        "alasan": np.where(invalid, hasil.to_numpy(object), "belum_diverifikasi"),
        "peluang_miskin": np.round(like, 3),
        "pengeluaran_prediksi": np.round(pred, -3),
        "desil_nasional": pd.to_numeric(h.get("desil_nasional"), errors="coerce").astype("Int64").to_numpy(),
        "program_saat_ini": np.where(progs == "", "-", progs),
        "saluran": channel,
    })[keep]
    # rank: most likely poor first; ties broken by the key so the order never depends on input order
    out = out.sort_values(["kode_kel", "peluang_miskin", "pengeluaran_prediksi", "hh_key"],
                          ascending=[True, False, True, True], kind="mergesort")
    out.insert(0, "peringkat", out.groupby("kode_kel", sort=False).cumcount() + 1)
    return out.reset_index(drop=True)


def rt_channel_counts(cand: pd.DataFrame, kelurahan_names: dict[str, str], rules_: disclosure.Rules | int
                      ) -> pd.DataFrame:
    """Public table: families on the worklists per kelurahan and RT by channel, suppressed.

    One row per RT plus a kelurahan total row (``rt == "semua"``). The channels of a row add up to
    its ``n_families`` and the RT rows of a kelurahan to its total row: both relations get
    complementary suppression (:func:`analysis.disclosure.suppress`), so at RT level only cells
    resting on at least the threshold survive.
    """
    cols = [f"n_{c}" for c in CHANNELS]
    base = cand.assign(_one=1)
    wide = base.pivot_table(index=["kode_kec", "kode_kel", "rt"], columns="saluran", values="_one",
                            aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=list(CHANNELS), fill_value=0)
    wide.columns = cols
    wide = wide.reset_index()
    tot = wide.groupby(["kode_kec", "kode_kel"], sort=True)[cols].sum().reset_index().assign(rt="semua")
    t = pd.concat([tot, wide], ignore_index=True)
    t["n_families"] = t[cols].sum(axis=1)
    t["_total"] = t["rt"] == "semua"
    t = t.sort_values(["kode_kel", "_total", "rt"], ascending=[True, False, True], kind="mergesort")
    t.insert(2, "kelurahan", t["kode_kel"].map(kelurahan_names).fillna(""))
    t = t[["kode_kec", "kode_kel", "kelurahan", "rt", "n_families", *cols, "_total"]].reset_index(drop=True)
    for c in ["n_families", *cols]:
        t[c] = t[c].astype("int64")
    t = disclosure.suppress(t, ["n_families", *cols], rules_, row_groups=[["n_families", *cols]],
                            col_groups=["kode_kel"], total_rows="_total")
    return t.drop(columns="_total")


def attach_identities(cand: pd.DataFrame, identities: pd.DataFrame) -> pd.DataFrame:
    """Join ``id_keluarga``, name and address on the pseudonymous key.

    ``identities`` (``hh_key, id_keluarga, nama_kepala_keluarga, alamat``) come from the RAW
    registry through :func:`analysis.cleaning.identities.registry_identities`, keyed with the
    run's pseudonym. A family whose key is not there (should not happen) keeps empty identity
    cells rather than being dropped from the list.
    """
    ident = identities[["hh_key", "id_keluarga", "nama_kepala_keluarga", "alamat"]].drop_duplicates("hh_key")
    out = cand.merge(ident, on="hh_key", how="left", validate="many_to_one")
    for c in ("id_keluarga", "nama_kepala_keluarga", "alamat"):
        out[c] = out[c].fillna("")
    return out[list(SHEET_COLUMNS) + [c for c in out.columns if c not in SHEET_COLUMNS]]


def _sheet_name(rt: str) -> str:
    rt = rt or "tanpa RT"
    return re.sub(r"[\[\]\*\?/\\:]", "_", f"RT {rt}")[:31]


def workbook_bytes(rows: pd.DataFrame, title: str, rules: dict) -> bytes:
    """One kelurahan's worklist as xlsx bytes: an info sheet, then a sheet per RT.

    Byte-reproducible: fixed document times and zip entry times (openpyxl stamps both with the
    wall clock), entries in a fixed order.
    """
    from openpyxl import Workbook

    wb = Workbook()
    info = wb.active
    info.title = "Keterangan"
    info.append([title])
    info.append(["Daftar kerja verifikasi DTSEN: keluarga belum diverifikasi atau datanya tidak valid, "
                 "diurutkan menurut peluang miskin (PMT). DATA TERBATAS: jangan disebarkan."])
    info.append([])
    info.append(["saluran", "arti"])
    info.append(["kemensos_pkh_bpnt", f"{CHANNEL_LABELS['kemensos_pkh_bpnt']}: prediksi pengeluaran di bawah "
                 f"kuantil {rules['kemensos_share']:.2f} dan data dapat dibayar Kemensos"])
    info.append(["lokal_apbd_tjsl_baznas", f"{CHANNEL_LABELS['lokal_apbd_tjsl_baznas']}: di bawah kuantil "
                 f"{rules['local_share']:.2f}, atau memenuhi kriteria Kemensos tetapi pindah/tidak ditemukan"])
    info.append(["tidak_layak", f"{CHANNEL_LABELS['tidak_layak']}: lainnya; data meninggal/ganda ditutup"])
    info.append([])
    info.append(["kolom", "column meaning"])
    for c, meaning in SHEET_COLUMNS.items():
        info.append([c, meaning])
    for rt, g in rows.groupby("rt", sort=True):
        ws = wb.create_sheet(_sheet_name(str(rt)))
        ws.append(list(SHEET_COLUMNS))
        for rec in g[list(SHEET_COLUMNS)].itertuples(index=False):
            ws.append([None if (v is pd.NA or (isinstance(v, float) and np.isnan(v))) else
                       (int(v) if isinstance(v, (np.integer,)) else float(v) if isinstance(v, np.floating) else v)
                       for v in rec])
        ws.freeze_panes = "A2"
    wb.properties.creator = "analysis (bontang pipeline)"
    wb.properties.created = FIXED_TIME.replace(tzinfo=None)
    wb.properties.modified = FIXED_TIME.replace(tzinfo=None)
    buf = io.BytesIO()
    wb.save(buf)
    return normalise_xlsx(buf.getvalue())


def normalise_xlsx(data: bytes) -> bytes:
    """Rewrite an xlsx zip with fixed entry times and fixed document timestamps."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name in src.namelist():
            body = src.read(name)
            if name == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", body)
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, body)
    return out.getvalue()


def workbooks(listed: pd.DataFrame, kelurahan_names: dict[str, str], rules: dict) -> dict[str, bytes]:
    """``{"<kode_kel>_<name>.xlsx": bytes}`` for every kelurahan with listed families."""
    out = {}
    for kel, g in listed.groupby("kode_kel", sort=True):
        name = kelurahan_names.get(kel, "")
        slug = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower()
        out[f"{kel}_{slug}.xlsx" if slug else f"{kel}.xlsx"] = workbook_bytes(
            g, f"Kelurahan {name} ({kel})", rules)
    return out
