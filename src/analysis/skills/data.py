"""Inputs of the skills stage: the processed Parquet of stage 01, never the raw files.

Stage 01 writes ``data/processed/<period>/<name>.parquet`` with PII dropped and ``seeker_key``
instead of ``seeker_id``; :func:`load_skills_inputs` reads the stage's declared inputs
(:data:`analysis.stage.STAGES`). :func:`skills_data` shapes any set of frames (tests build them
from generator output) the same way: the seeker identifier is ``seeker`` (``seeker_key``, or
``seeker_id`` in frames that never went through stage 01), dates are ``datetime64``, codes are
strings.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from analysis.stage import STAGES, read_inputs

STAGE = "skills"
INPUTS = STAGES[STAGE].inputs + STAGES[STAGE].optional_inputs
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


def load_skills_inputs(cfg) -> SkillsData:
    """Read every declared input of the stage (``employer_survey`` is optional)."""
    return skills_data(read_inputs(cfg, STAGE), source="processed")


def skills_data(frames: Mapping[str, pd.DataFrame | None], source: str = "processed") -> SkillsData:
    """Shape a set of input frames (by run input name) into :class:`SkillsData`."""
    missing = [n for n in STAGES[STAGE].inputs if frames.get(n) is None]
    if missing:
        raise KeyError(f"skills inputs missing: {', '.join(missing)}")
    f = {n: (None if frames.get(n) is None else _coerce(frames[n].copy())) for n in INPUTS}
    return SkillsData(ak1=f["ak1_registrations"], employers=f["employers"], vacancies=f["vacancies"],
                      employer_survey=f["employer_survey"], programs=f["training_programs"],
                      cohorts=f["training_cohorts"], applicants=f["applicants"], trainees=f["trainees"],
                      kbji=f["kbji2014"], synonyms=f["occupation_synonyms"], coded=f["coded_titles"], source=source)
