"""Aggregate views of a stage-01 run for ``notebooks/01_clean.py`` (never microdata rows)."""
from __future__ import annotations

import pandas as pd

from analysis.cleaning.pipeline import CleanOutputs


def files_view(out: CleanOutputs) -> pd.DataFrame:
    """What was read: one row per input (format, encoding, header row, rows, SHA-256 prefix)."""
    f = out.clean["input_files"].copy()
    f["sha256"] = f["sha256"].str.slice(0, 12) + "…"
    return f.set_index("dataset")


def validation_summary(out: CleanOutputs) -> pd.DataFrame:
    """Number of rules failed and of rows concerned, by dataset and severity."""
    r = out.clean["validation_report"]
    if r.empty:
        return pd.DataFrame({"rules_failed": [], "rows_concerned": []})
    return (r.groupby(["dataset", "severity"], sort=True)
            .agg(rules_failed=("rule", "size"), rows_concerned=("n_rows", "sum")))


def validation_view(out: CleanOutputs) -> pd.DataFrame:
    """The validation report without example rows or values."""
    r = out.clean["validation_report"]
    return r[["dataset", "column", "rule", "severity", "n_rows", "handled_by"]].set_index(["dataset", "column"])


def corrections_view(out: CleanOutputs) -> pd.DataFrame:
    """Corrections by dataset and column: how many lines and rows. The reasons and officers are in
    the restricted tier (free text can name a person or a date of birth)."""
    c = out.clean["corrections_applied"]
    if c.empty:
        return pd.DataFrame({"corrections": [], "n_rows": []})
    return (c.groupby(["dataset", "column"], sort=True)
            .agg(corrections=("line", "size"), n_rows=("n_rows", "sum")))


def log_view(out: CleanOutputs) -> pd.DataFrame:
    """Cleaning-log summary: rows changed, dropped or flagged, by dataset, rule and action."""
    return out.clean["cleaning_summary"].set_index(["dataset", "rule", "column", "action"])


def log_categories(out: CleanOutputs, rules=("nik_structure", "age_relation")) -> pd.DataFrame:
    """Problem categories of the flagging rules (their ``before`` holds a category, not a value)."""
    log = out.clean["cleaning_log"]
    sub = log[log["rule"].isin(rules) & (log["action"] == "flagged")]
    return sub.groupby(["dataset", "rule", "before"], sort=True).size().rename("n_rows").to_frame()


PROGRESS_COLUMNS = ["kecamatan", "households_target", "households_verified", "pct_verified", "status", "tetap",
                    "baru", "removed", "households_after", "persons_target", "persons_verified"]


def progress_view(out: CleanOutputs) -> pd.DataFrame:
    p = out.clean.get("progress_kecamatan")
    if p is None:
        return pd.DataFrame()
    return p.set_index("kode_kec")[PROGRESS_COLUMNS]


def pending_kelurahan(out: CleanOutputs) -> pd.DataFrame:
    """Kelurahan where verification is not finished, least advanced first."""
    p = out.clean.get("progress_kelurahan")
    if p is None:
        return pd.DataFrame()
    p = p[p["status"] != "selesai"].sort_values("pct_verified", kind="mergesort")
    return p.set_index("kode_kel")[["kelurahan", "kode_kec", "households_target", "households_verified",
                                    "households_pending", "pct_verified", "status"]]


def reasons_view(out: CleanOutputs, level: str = "kecamatan") -> pd.DataFrame:
    """Households by verification outcome (columns) and domain (rows)."""
    r = out.clean.get("progress_reasons")
    if r is None:
        return pd.DataFrame()
    r = r[r["domain_level"] == level]
    order = ["tetap", "baru", "pindah", "meninggal", "ganda", "tidak_ditemukan", "belum_diverifikasi"]
    return (r.pivot(index="domain_name", columns="hasil_verifikasi", values="households")
            .reindex(columns=order))


def decile_matrix(out: CleanOutputs) -> pd.DataFrame:
    """Families by national decile before verification (rows) and outcome after (columns)."""
    t = out.clean.get("decile_transitions")
    if t is None or t.empty:
        return pd.DataFrame()
    m = t.pivot(index="desil_before", columns="desil_after", values="households")
    num = sorted([c for c in m.columns if str(c).isdigit()], key=int)
    other = [c for c in ("pindah", "meninggal", "ganda", "tidak_ditemukan", "belum_diverifikasi") if c in m.columns]
    rows = sorted([i for i in m.index if str(i).isdigit()], key=int) + [i for i in m.index if not str(i).isdigit()]
    return m.reindex(index=rows, columns=num + other)
