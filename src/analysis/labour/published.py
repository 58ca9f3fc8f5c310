"""Published context: BPS's Bontang labour series and the Kalimantan Timur comparators.

BPS publishes Bontang's open unemployment rate (TPT) once a year from Sakernas Agustus, and the
city has had the highest TPT of Kaltim's ten kab/kota for most of the last decade. The brief shows
that history (with year, source and evidence grade, as recorded in
``reference/published_indicators.csv``) next to this run's estimates, which on the demo data are
SYNTHETIC and labelled so. Published values are copied, never recomputed or "corrected"; two
vintages of the same year (2019: original vs SUPAS2015-backcast weights) stay two rows.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

# published indicator -> (area, indicator in this repository, unit in the estimates contract, series)
PUBLISHED_LABOUR_INDICATORS: dict[str, tuple[str, str, str, str]] = {
    "bontang_tpt_agustus": ("bontang", "tpt", "percent", "published"),
    "bontang_tpt_agustus_original_weights": ("bontang", "tpt", "percent", "published_original_weights"),
    "bontang_tpt_agustus_backcast_supas2015": ("bontang", "tpt", "percent", "published_backcast_supas2015"),
    "bontang_tpak_agustus": ("bontang", "tpak", "percent", "published"),
    "bontang_tkk": ("bontang", "tkk", "percent", "published"),
    "bontang_pengangguran": ("bontang", "unemployed", "count", "published"),
    "bontang_angkatan_kerja": ("bontang", "labour_force", "count", "published"),
    "bontang_bukan_angkatan_kerja": ("bontang", "outside_labour_force", "count", "published"),
    "bontang_tpak_change_yoy": ("bontang", "tpak_change", "percentage_points", "published"),
    "kaltim_tpt_agustus": ("kaltim", "tpt", "percent", "published"),
    "kaltim_tpak_agustus": ("kaltim", "tpak", "percent", "published"),
    "kaltim_pengangguran_agustus": ("kaltim", "unemployed", "count", "published"),
    "kaltim_angkatan_kerja_agustus": ("kaltim", "labour_force", "count", "published"),
    "kaltim_bekerja_agustus": ("kaltim", "employed", "count", "published"),
    "kaltim_pekerja_formal_pct_agustus": ("kaltim", "formal", "percent", "published"),
    "kaltim_setengah_penganggur_pct_agustus": ("kaltim", "underemployment", "percent", "published"),
    "kaltim_pekerja_paruh_waktu_pct_agustus": ("kaltim", "parttime", "percent", "published"),
}
AREA_NAMES = {"bontang": "Kota Bontang", "kaltim": "Provinsi Kalimantan Timur"}
ESTIMATE_INDICATORS = ("tpt", "tpak", "tkk", "underemployment", "parttime", "informal", "youth_tpt", "neet")
PUBLISHED_COLUMNS = ["area", "area_name", "indicator", "year", "series", "value", "unit", "se", "ci_low",
                     "ci_high", "flag", "source", "grade", "published_indicator", "label"]
LABEL_PUBLISHED = "published (BPS, as reported; see source)"
LABEL_DERIVED = "derived from published figures (see source)"
LABEL_SYNTHETIC = "demo estimate on SYNTHETIC data (not a real figure)"
LABEL_REAL = "estimate of this repository (not an official BPS release)"


def published_labour_table(published: pd.DataFrame, estimates: pd.DataFrame | None = None, *,
                           synthetic: bool = True) -> pd.DataFrame:
    """Bontang's published labour history and Kaltim comparators beside this run's estimates.

    Parameters
    ----------
    published : DataFrame
        ``reference/published_indicators.csv`` (``year, indicator, value, unit, source, grade``).
        Rows not in :data:`PUBLISHED_LABOUR_INDICATORS` are ignored.
    estimates : DataFrame, optional
        Rows of the estimates contract; the city rows (``domain_level == 'kota'``) of the
        indicators in :data:`ESTIMATE_INDICATORS`, for single years, are added as series
        ``estimate`` (area ``bontang``) with their SE, CI and flag.
    synthetic : bool
        Label the estimate rows as synthetic demo figures or as repository estimates.

    Returns
    -------
    DataFrame
        Columns :data:`PUBLISHED_COLUMNS`, sorted by area, indicator, year, series. ``grade`` is
        the evidence grade of the reference file (V verified, D derived); estimate rows have grade
        ``synthetic`` or ``estimate``.
    """
    pub = published.copy()
    pub["indicator"] = pub["indicator"].astype(str).str.strip()
    pub = pub[pub["indicator"].isin(PUBLISHED_LABOUR_INDICATORS)]
    spec = pub["indicator"].map(PUBLISHED_LABOUR_INDICATORS)
    out = pd.DataFrame({
        "area": spec.str[0],
        "indicator": spec.str[1],
        "year": pub["year"].astype(int),
        "series": spec.str[3],
        "value": pd.to_numeric(pub["value"], errors="coerce").astype(float),
        "unit": spec.str[2],
        "se": np.nan, "ci_low": np.nan, "ci_high": np.nan, "flag": "",
        "source": pub["source"].astype(str),
        "grade": pub["grade"].astype(str).str.strip(),
        "published_indicator": pub["indicator"],
    })
    out["label"] = np.where(out["grade"] == "D", LABEL_DERIVED, LABEL_PUBLISHED)
    frames = [out]
    if estimates is not None and len(estimates):
        est = estimates[(estimates["domain_level"] == "kota")
                        & estimates["indicator"].isin(ESTIMATE_INDICATORS)
                        & estimates["period"].astype(str).str.fullmatch(r"\d{4}")]
        if len(est):
            frames.append(pd.DataFrame({
                "area": "bontang",
                "indicator": est["indicator"].to_numpy(),
                "year": est["period"].astype(int).to_numpy(),
                "series": "synthetic_estimate" if synthetic else "estimate",
                "value": est["estimate"].astype(float).to_numpy(),
                "unit": est["unit"].to_numpy(),
                "se": est["se"].astype(float).to_numpy(),
                "ci_low": est["ci_low"].astype(float).to_numpy(),
                "ci_high": est["ci_high"].astype(float).to_numpy(),
                "flag": est["flag"].astype(str).to_numpy(),
                "source": "this repository, stage 03 (Sakernas Agustus, design-based)"
                          + (" on SYNTHETIC demo data" if synthetic else ""),
                "grade": "synthetic" if synthetic else "estimate",
                "published_indicator": "",
                "label": LABEL_SYNTHETIC if synthetic else LABEL_REAL,
            }))
    table = pd.concat(frames, ignore_index=True)
    table["area_name"] = table["area"].map(AREA_NAMES)
    table = table[PUBLISHED_COLUMNS]
    return table.sort_values(["area", "indicator", "year", "series"], kind="mergesort").reset_index(drop=True)
