"""Inputs of the skills stage: processed Parquet (stage 01 output) or, failing that, raw files.

Stage 01 writes ``data/processed/<period>/<name>.parquet`` with PII dropped and ``seeker_key``
instead of ``seeker_id``. Before that stage exists (and in tests) the raw CSV/xlsx files of the
config are read directly; PII columns are dropped on reading. Either way the frames returned here
have the same columns: the seeker identifier is ``seeker`` (``seeker_key`` when processed,
``seeker_id`` when raw), dates are ``datetime64``, codes are strings.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import paths

INPUTS = ("ak1_registrations", "employers", "vacancies", "employer_survey", "training_programs",
          "training_cohorts", "applicants", "trainees", "kbji2014", "occupation_synonyms", "coded_titles")
OPTIONAL = {"employer_survey"}
PII_COLUMNS = {"nama", "alamat"}
DATE_COLUMNS = {"registration_date", "last_renewal_date", "valid_until", "placement_date", "posted_date",
                "closed_date", "start_date", "end_date", "application_date"}
STRING_COLUMNS = {"kbji4", "kode", "parent_kode", "kode_kecamatan_bps", "kbli2020_2d", "placement_kbji4",
                  "kbji4_6m", "jenis_kelamin", "isced_f", "record_id", "employer_id", "survey_year_str"}


@dataclass
class SkillsData:
    """The tables the stage uses (one attribute per input; ``employer_survey`` may be None)."""

    ak1: pd.DataFrame
    employers: pd.DataFrame
    vacancies: pd.DataFrame
    employer_survey: pd.DataFrame | None
    programs: pd.DataFrame
    cohorts: pd.DataFrame
    applicants: pd.DataFrame
    trainees: pd.DataFrame
    kbji: pd.DataFrame
    synonyms: pd.DataFrame
    coded: pd.DataFrame
    source: str = "raw"


def read_raw_table(path: Path) -> pd.DataFrame:
    """Read a raw CSV, or an xlsx whose header sits below title rows (found by content)."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xls"):
        head = pd.read_excel(path, header=None, nrows=30, dtype=str)
        filled = head.notna().sum(axis=1).to_numpy()
        header_row = int(np.argmax(filled >= max(3, 0.6 * filled.max())))
        return pd.read_excel(path, header=header_row, dtype=str)
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    except UnicodeDecodeError:
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="cp1252")


def _coerce(df: pd.DataFrame) -> pd.DataFrame:
    df = df.drop(columns=[c for c in PII_COLUMNS if c in df.columns])
    for c in df.columns:
        if c in DATE_COLUMNS:
            df[c] = pd.to_datetime(df[c], errors="coerce")
        elif c in STRING_COLUMNS or df[c].dtype == object or str(df[c].dtype).startswith("str"):
            if c not in DATE_COLUMNS:
                s = df[c]
                if pd.api.types.is_numeric_dtype(s):
                    continue
                df[c] = s.astype("string").str.strip().replace("", pd.NA)
    if "seeker_key" in df.columns:
        df["seeker"] = df["seeker_key"].astype("string")
    elif "seeker_id" in df.columns:
        df["seeker"] = df["seeker_id"].astype("string")
    return df


def num(s: pd.Series) -> np.ndarray:
    """Numeric view of a column that may arrive as strings, nullable ints or floats."""
    return pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)


def load_skills_inputs(cfg, source: str = "auto") -> SkillsData:
    """Load every input of the stage.

    Parameters
    ----------
    cfg : RunConfig
    source : {"auto", "processed", "raw"}
        ``auto`` reads processed Parquet when all of it exists, otherwise the raw files.
    """
    proc = paths.processed_dir(cfg.period)
    frames: dict[str, pd.DataFrame | None] = {}
    use_processed = source == "processed" or (
        source == "auto" and all(_processed_path(proc, cfg, n) is not None for n in INPUTS if n not in OPTIONAL))
    for name in INPUTS:
        if use_processed:
            p = _processed_path(proc, cfg, name)
            if p is None:
                if name in OPTIONAL:
                    frames[name] = None
                    continue
                raise FileNotFoundError(f"processed input '{name}' not found under {proc}")
            df = pd.read_parquet(p)
        else:
            if name not in cfg.inputs:
                if name in OPTIONAL:
                    frames[name] = None
                    continue
                raise KeyError(f"{cfg.path}: input '{name}' is not declared under 'inputs' "
                               "(see the inputs of config/demo-2024.yaml)")
            df = read_raw_table(cfg.input_path(name))
        frames[name] = _coerce(df)
    return SkillsData(ak1=frames["ak1_registrations"], employers=frames["employers"], vacancies=frames["vacancies"],
                      employer_survey=frames["employer_survey"], programs=frames["training_programs"],
                      cohorts=frames["training_cohorts"], applicants=frames["applicants"],
                      trainees=frames["trainees"], kbji=frames["kbji2014"], synonyms=frames["occupation_synonyms"],
                      coded=frames["coded_titles"], source="processed" if use_processed else "raw")


def _processed_path(proc: Path, cfg, name: str) -> Path | None:
    candidates = [proc / f"{name}.parquet"]
    if name in cfg.inputs:
        candidates.append(proc / f"{cfg.input_schema(name)}.parquet")
    return next((p for p in candidates if p.exists()), None)
