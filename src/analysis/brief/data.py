"""Tolerant loaders of everything a brief shows.

The brief reads the outputs of stages 01-04 from ``data/processed/<period>/`` (or another root):

==============  ================================================================================
stage folder    files read (all optional: a missing file hides its section with a visible note)
==============  ================================================================================
``poverty/``    ``estimates.csv``; ``tables/changes.csv``, ``tables/kelurahan_p0.csv``,
                ``tables/targeting_errors.csv``, ``tables/concept_notes.csv``,
                ``tables/published_poverty.csv``
``labour/``     ``estimates.csv``; ``tables/changes.csv``, ``tables/aki_vs_tpt.csv``,
                ``tables/aki_reasons.csv``, ``tables/tpt_published.csv``
``skills/``     ``estimates.csv``; ``tables/programme_scorecard.csv``,
                ``tables/recommendations.csv``, ``tables/occupation_titles.csv``
``clean/``      ``progress_kecamatan.csv``, ``progress_kelurahan.csv``, ``cleaning_summary.csv``,
                ``validation_report.csv``, ``decile_transitions.csv``
==============  ================================================================================

Published context comes from the stage tables ``published_poverty`` and ``tpt_published``; the
brief never reads the raw folder. Column names of the progress tables are
matched through short alias lists (:data:`ALIASES`), so that a stage may say ``kode_kec`` or
``domain_code``. Nothing here computes an estimate: the loaders select and rename only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.estimates import ESTIMATE_COLUMNS, read_estimates

STAGES = ("poverty", "labour", "skills")
CLEAN = "clean"

ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("domain_code", "kode_kec", "kode_kel", "kemendagri_code", "code"),
    "name": ("domain_name", "kecamatan", "kelurahan", "nama_kecamatan", "nama_kelurahan", "name"),
    "parent": ("kecamatan_code", "kode_kec", "parent_code"),
    "target": ("households_target", "target", "n_target", "jumlah_target", "target_kk"),
    "done": ("households_verified", "verified", "n_verified", "jumlah_terverifikasi", "verified_kk"),
    "pct": ("pct_verified", "percent_verified", "persen_terverifikasi", "progress_pct"),
}


def pick(df: pd.DataFrame, role: str, required: bool = True) -> str | None:
    """Name of the first column of ``df`` that plays ``role`` (see :data:`ALIASES`)."""
    for c in ALIASES.get(role, (role,)):
        if c in df.columns:
            return c
    if required:
        raise KeyError(f"no column for role {role!r} among {list(df.columns)}")
    return None


def _read_table(path: Path) -> pd.DataFrame | None:
    if not path.is_file():
        return None
    return pd.read_csv(path, dtype=str, keep_default_na=False).pipe(_numeric)


def _numeric(df: pd.DataFrame) -> pd.DataFrame:
    """Convert columns that are entirely numeric (or empty) to numbers; codes stay strings."""
    code_like = {"domain_code", "kode_kec", "kode_kel", "kecamatan_code", "kemendagri_code", "parent_code",
                 "target_kbji", "kbji4", "reason_code", "program_id", "year", "period", "code",
                 "note_id", "language", "text", "kode_kecamatan_bps"}
    for c in df.columns:
        if c in code_like:
            continue
        s = df[c].replace("", pd.NA)
        num = pd.to_numeric(s, errors="coerce")
        if num.notna().sum() == s.notna().sum() and s.notna().any():
            df[c] = num.astype(float)
        elif set(s.dropna().str.lower()) <= {"true", "false"} and s.notna().any():
            df[c] = s.str.lower().map({"true": True, "false": False})
    return df


@dataclass
class BriefData:
    """Stage outputs available to a brief, with the accessors the notebooks use."""

    period: str
    previous_period: str
    estimates: pd.DataFrame
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    # table key -> file as published in reports/<period>/ (estimates.csv, tables/<stage>/<name>.csv)
    sources: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)

    # -- estimates -------------------------------------------------------------------------
    def get(self, indicator: str, level: str = "kota", code: str | None = None,
            period: str | None = None) -> dict | None:
        """One estimate row as a dict (``None`` when absent)."""
        df = self.select(indicator, level, period)
        if code is not None:
            df = df[df["domain_code"] == str(code)]
        if df.empty:
            return None
        return df.iloc[0].to_dict()

    def select(self, indicator: str, level: str, period: str | None = None) -> pd.DataFrame:
        """Rows of one indicator at one domain level and period (default: the current period)."""
        e = self.estimates
        if e.empty:
            return e
        period = self.period if period is None else period
        m = (e["indicator"] == indicator) & (e["domain_level"] == level) & (e["period"] == str(period))
        return e[m].sort_values("domain_code", kind="mergesort").reset_index(drop=True)

    def has(self, indicator: str, level: str = "kota") -> bool:
        return not self.select(indicator, level).empty

    @property
    def change_period(self) -> str:
        return f"{self.previous_period}-{self.period}"

    def change(self, indicator: str, level: str = "kota", code: str | None = None) -> dict | None:
        """The change of an indicator between the two periods.

        Merges the ``<indicator>_change`` estimate row with the ``changes.csv`` row of the same
        domain (``p_value``, ``significant``); either source alone is enough.
        """
        row = self.get(f"{indicator}_change", level, code, period=self.change_period) or {}
        tab = self.table("changes")
        if tab is not None and {"indicator", "domain_level", "domain_code"} <= set(tab.columns):
            m = (tab["indicator"] == indicator) & (tab["domain_level"] == level)
            if code is not None:
                m &= tab["domain_code"] == str(code)
            if m.any():
                t = tab[m].iloc[0].to_dict()
                for k, v in t.items():
                    if k not in row or pd.isna(row.get(k)):
                        row[k] = v
                row.setdefault("p_value", t.get("p_value"))
                row["significant"] = t.get("significant")
        return row or None

    # -- tables ----------------------------------------------------------------------------
    def table(self, name: str, stage: str | None = None) -> pd.DataFrame | None:
        """A stage table by name (``changes`` merges the tables of the same name of all stages)."""
        if stage is not None:
            return self.tables.get(f"{stage}/{name}")
        if name == "changes":
            parts = [v for k, v in self.tables.items() if k.endswith("/changes")]
            return pd.concat(parts, ignore_index=True) if parts else None
        for k, v in self.tables.items():
            if k.split("/", 1)[1] == name:
                return v
        return None

    def concept_note(self, note_id: str, lang: str = "id") -> str | None:
        """Text of one note of ``poverty/tables/concept_notes.csv`` (``note_id``, ``language``, ``text``)."""
        tab = self.table("concept_notes")
        if tab is None or not {"note_id", "language", "text"} <= set(tab.columns):
            return None
        m = tab[(tab["note_id"] == note_id) & (tab["language"] == lang.split("_")[0])]
        if m.empty or not str(m.iloc[0]["text"]).strip():
            return None
        return str(m.iloc[0]["text"]).strip()

    def stage_estimates(self) -> dict[str, pd.DataFrame]:
        """Estimates by the stage that published them (``stage`` column added by the loader)."""
        e = self.estimates
        if e.empty or "stage" not in e.columns:
            return {}
        return {s: e[e["stage"] == s] for s in STAGES if (e["stage"] == s).any()}

    def source_of(self, name: str) -> str:
        """Relative path of the file a table or a stage's estimates came from."""
        for k, v in self.sources.items():
            if k == name or k.split("/", 1)[-1] == name:
                return v
        return name


def load_brief_data(cfg, root: str | Path | None = None) -> BriefData:
    """Read the stage outputs of ``cfg.period`` that exist; never fail on an absent one.

    Parameters
    ----------
    cfg : RunConfig
    root : path, optional
        Folder holding the stage folders (default ``paths.processed_dir(cfg.period)``).
    """
    root = Path(root) if root is not None else paths.processed_dir(cfg.period)
    est_parts, tables, sources, missing = [], {}, {}, []
    for stage in STAGES:
        f = root / stage / "estimates.csv"
        if f.is_file():
            est_parts.append(read_estimates(f).assign(stage=stage))
            sources[f"{stage}/estimates"] = "estimates.csv"  # release layout
        else:
            missing.append(f"{stage}/estimates.csv")
        tdir = root / stage / "tables"
        if tdir.is_dir():
            for tf in sorted(tdir.glob("*.csv")):
                tables[f"{stage}/{tf.stem}"] = _read_table(tf)
                sources[f"{stage}/{tf.stem}"] = f"tables/{stage}/{tf.name}"
    cdir = root / CLEAN
    if cdir.is_dir():
        for tf in sorted(cdir.glob("*.csv")):
            tables[f"{CLEAN}/{tf.stem}"] = _read_table(tf)
            sources[f"{CLEAN}/{tf.stem}"] = f"tables/{CLEAN}/{tf.name}"
    est = (pd.concat(est_parts, ignore_index=True) if est_parts
           else pd.DataFrame(columns=[*ESTIMATE_COLUMNS, "stage"]))
    return BriefData(period=str(cfg.period), previous_period=str(cfg.previous_period), estimates=est,
                     tables=tables, sources=sources, missing=missing)
