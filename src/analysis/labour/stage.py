"""Stage 03 entry points: read processed data, estimate, build the tables, write the outputs.

``run_labour_stage(cfg)`` reads only ``data/processed/<period>/`` (Parquet written by stage 01)
plus the published reference figures, and returns a :class:`StageOutputs`; nothing is written
until ``write_stage_outputs(outputs, stage_dir)`` puts ``estimates.csv`` (the contract, via
:func:`analysis.estimates.write_estimates`) and ``tables/*.csv`` (atomic writers) under
``paths.stage_dir(cfg.period, "labour")``. Tables hold aggregates only, with cells under
``privacy.suppression_min_count`` blanked.

Config keys read from the ``labour:`` block (all optional):

``aki_reference_date``
    Date at which the AK/I registry is compared with Sakernas (default: 15 August of the
    period, the middle of the Sakernas Agustus reference month).
``aki_window_months``
    Length of the registry "year" counted by Disnaker (default 12).
``aki_unreported_share_assumed``
    Share of placements never reported used for the *sensitivity* row only (default 0.40, the
    data model of ``skills_methods.md`` §7 and Disnaker's own account); the waterfall uses the
    share estimated from the tracer link.
``lonely_psu``
    Rule for single-PSU strata (default ``"fail"``, as R survey).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import paths, survey
from analysis.estimates import ESTIMATE_COLUMNS, published_until, to_estimate_rows, write_estimates
from analysis.io import atomic_write_csv
from analysis.labour import aki, estimation, published
from analysis.labour import definitions as d
from analysis.labour.privacy import complementary_suppression, suppress_small_cells

STAGE = "labour"
TABLE_NAMES = ("changes", "aki_vs_tpt", "aki_reasons", "tpt_published", "labour_force_summary",
               "unemployment_categories")
COUNT_INDICATORS = {
    "working_age": "working_age_persons", "labour_force": "labour_force_persons",
    "employed": "employed_persons", "unemployed": "unemployed_persons",
    "outside_labour_force": "outside_labour_force_persons",
}
"""0/1 concept -> estimates indicator of its weighted population total (unit ``count``)."""


@dataclass
class StageOutputs:
    """What the labour stage produces: contract rows and named tidy tables (aggregates only)."""

    estimates: pd.DataFrame
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


@dataclass
class LabourInputs:
    """Processed inputs of one run (person-level frames never leave the stage)."""

    sakernas: dict[str, pd.DataFrame]
    ak1: pd.DataFrame | None
    trainees: pd.DataFrame | None
    kecamatan_names: dict[str, str]
    published: pd.DataFrame | None


# ----------------------------------------------------------------------------- inputs
def _read_parquet(path: Path) -> pd.DataFrame | None:
    return pd.read_parquet(path) if path.is_file() else None


def load_inputs(cfg) -> LabourInputs:
    """Read the processed Parquet of ``cfg.period`` (and the reference tables).

    Sakernas of ``cfg.previous_period`` and ``cfg.period`` are required
    (``sakernas_<year>.parquet``); the AK/I registry (``ak1_registrations.parquet``) and the
    tracer (``trainees.parquet``) are optional -- without them the AK/I comparison says so.
    The wilayah and published-indicator tables are read from the processed folder when stage 01
    wrote them, otherwise from the run's raw reference files (declared inputs of the config).
    """
    pdir = paths.processed_dir(cfg.period)
    sak = {}
    for year in (cfg.previous_period, cfg.period):
        f = pdir / f"sakernas_{year}.parquet"
        if not f.is_file():
            raise FileNotFoundError(f"labour stage: {f} not found; run stage 01 (notebooks/01_clean.py) first")
        sak[str(year)] = pd.read_parquet(f)
    wil = _read_parquet(pdir / "wilayah.parquet")
    if wil is None:
        wil = _read_reference(cfg, "wilayah")
    names = {}
    if wil is not None and {"kemendagri_code", "name", "level"} <= set(wil.columns):
        k = wil[wil["level"].astype(str) == "kecamatan"]
        names = dict(zip(k["kemendagri_code"].astype(str), k["name"].astype(str)))
    pub = _read_parquet(pdir / "published_indicators.parquet")
    if pub is None:
        pub = _read_reference(cfg, "published_indicators")
    return LabourInputs(sakernas=sak, ak1=_read_parquet(pdir / "ak1_registrations.parquet"),
                        trainees=_read_parquet(pdir / "trainees.parquet"), kecamatan_names=names, published=pub)


def _read_reference(cfg, name: str) -> pd.DataFrame | None:
    try:
        path = cfg.input_path(name)
    except Exception:  # input not declared in this config
        return None
    return pd.read_csv(path, dtype=str, keep_default_na=False) if Path(path).is_file() else None


# ----------------------------------------------------------------------------- estimation
def count_estimates(sample: estimation.LabourSample, *, reliability=None) -> pd.DataFrame:
    """Weighted population totals (persons) of the labour-force groups, city and kecamatan."""
    rel = estimation._reliability(reliability)
    frames = []
    for concept, indicator in COUNT_INDICATORS.items():
        for level, by in (("kota", None), ("kecamatan", "kode_kec")):
            res = survey.total(sample.design, concept, by=by)
            if by is None:
                res["domain"] = estimation.KOTA_CODE
                res["n_sample"] = int((sample.frame[concept] > 0).sum())
            else:
                counts = sample.frame.loc[sample.frame[concept] > 0, by].value_counts()
                res["n_sample"] = res["domain"].map(counts).fillna(0).astype(int).to_numpy()
                res = res[res["domain"].astype(str) != ""]
            codes = res["domain"].astype(str)
            names = estimation.domain_names(level, codes, None)
            frames.append(to_estimate_rows(res.assign(domain_code=codes.to_numpy(), domain_name=names.to_numpy()),
                                           indicator=indicator, domain_level=level, unit="count",
                                           method=estimation.METHOD, period=sample.period, reliability=rel))
    return pd.concat(frames, ignore_index=True)


def _with_names(df: pd.DataFrame, kecamatan_names: dict[str, str]) -> pd.DataFrame:
    m = df["domain_level"] == "kecamatan"
    df.loc[m, "domain_name"] = df.loc[m, "domain_code"].map(lambda c: kecamatan_names.get(c, c))
    return df


def labour_force_summary(estimates: pd.DataFrame, min_count: int) -> pd.DataFrame:
    """Tidy table of the weighted labour-force totals (from the count rows of the estimates)."""
    inds = list(COUNT_INDICATORS.values())
    t = estimates[estimates["indicator"].isin(inds)].copy()
    t = t[["period", "domain_level", "domain_code", "domain_name", "indicator", "estimate", "se", "ci_low",
           "ci_high", "n_sample", "flag"]]
    t = suppress_small_cells(t, n_col="n_sample", value_cols=["estimate", "se", "ci_low", "ci_high"],
                             min_count=min_count, flag_col=None)
    keys = ["period", "domain_level", "domain_code", "indicator"]
    return t.sort_values(keys, kind="mergesort").reset_index(drop=True)


def unemployment_categories(samples: dict[str, estimation.LabourSample], persons: dict[str, pd.DataFrame],
                            min_count: int) -> pd.DataFrame:
    """Weighted number of unemployed by BPS category (city), both years, with SE and share.

    The four categories partition the unemployed, so a blanked small category is protected by
    blanking a second one (:func:`complementary_suppression`).
    """
    rows = []
    for year, s in samples.items():
        cat = d.unemployment_category(persons[year].reset_index(drop=True)).to_numpy()
        tot = survey.total(s.design, (cat != "").astype(float))
        for c in d.UNEMPLOYMENT_CATEGORIES:
            m = (cat == c).astype(float)
            res = survey.total(s.design, m)
            sh = survey.ratio(s.design, m, (cat != "").astype(float), scale=100.0)
            rows.append({"period": year, "category": c, "estimate": float(res["estimate"].iloc[0]),
                         "se": float(res["se"].iloc[0]), "share_of_unemployed": float(sh["estimate"].iloc[0]),
                         "share_se": float(sh["se"].iloc[0]), "n_sample": int(m.sum()),
                         "total_unemployed": float(tot["estimate"].iloc[0])})
    t = pd.DataFrame(rows)
    t["suppressed"] = (t["n_sample"] > 0) & (t["n_sample"] < min_count)
    t = complementary_suppression(t, group_cols=["period"], n_col="n_sample",
                                  value_cols=["estimate", "se", "share_of_unemployed", "share_se", "n_sample"],
                                  min_count=min_count)
    return t.sort_values(["period", "category"], kind="mergesort").reset_index(drop=True)


# ----------------------------------------------------------------------------- the stage
def run_labour_stage(cfg, inputs: LabourInputs | None = None) -> StageOutputs:
    """Run stage 03 for one config: estimates of both years, changes, AK/I comparison, context.

    Parameters
    ----------
    cfg : RunConfig
    inputs : LabourInputs, optional
        Already loaded inputs (tests); default :func:`load_inputs`.

    Returns
    -------
    StageOutputs
        ``estimates`` (contract columns; both periods and the changes) and ``tables``
        (:data:`TABLE_NAMES`).
    """
    inputs = load_inputs(cfg) if inputs is None else inputs
    lab = dict(cfg.labour or {})
    reliability = dict(cfg.reliability or {})
    level = float(reliability.get("ci_level", 0.95))
    min_count = int((cfg.privacy or {}).get("suppression_min_count", 10))
    lonely = str(lab.get("lonely_psu", "fail"))
    samples, per_year = {}, {}
    for year, persons in inputs.sakernas.items():
        s = estimation.prepare_sample(persons, year, lonely_psu=lonely)
        samples[year] = s
        est = estimation.estimate_indicators(s, reliability=reliability, kecamatan_names=inputs.kecamatan_names,
                                             level=level)
        per_year[year] = pd.concat([est, count_estimates(s, reliability=reliability)], ignore_index=True)
    prev, cur = str(cfg.previous_period), str(cfg.period)
    rate_rows = {y: e[e["unit"] == "percent"] for y, e in per_year.items()}
    change_est, changes = estimation.estimate_changes(rate_rows[prev], rate_rows[cur], alpha=1 - level,
                                                      df=(samples[prev].design.df, samples[cur].design.df))
    estimates = pd.concat([per_year[prev], per_year[cur], change_est], ignore_index=True)
    estimates = _with_names(estimates, inputs.kecamatan_names)[ESTIMATE_COLUMNS]

    tables: dict[str, pd.DataFrame] = {"changes": changes}
    tables["labour_force_summary"] = labour_force_summary(estimates, min_count)
    persons = {y: inputs.sakernas[y] for y in samples}
    tables["unemployment_categories"] = unemployment_categories(samples, persons, min_count)
    ref = pd.Timestamp(lab.get("aki_reference_date", f"{cur}-08-15"))
    window = int(lab.get("aki_window_months", 12))
    tables["aki_vs_tpt"], tables["aki_reasons"] = aki_tables(
        inputs.ak1, inputs.trainees, samples[cur], inputs.sakernas[cur], reference_date=ref, window_months=window,
        min_count=min_count, assumed_share=float(lab.get("aki_unreported_share_assumed", 0.40)))
    if inputs.published is not None:
        tables["tpt_published"] = published.published_labour_table(published_until(inputs.published, cfg.period), estimates,
                                                                   synthetic=bool(cfg.synthetic))
    return StageOutputs(estimates=estimates, tables=tables)


def aki_tables(ak1: pd.DataFrame | None, trainees: pd.DataFrame | None, sample: estimation.LabourSample,
               persons: pd.DataFrame, *, reference_date, window_months: int = 12, min_count: int = 10,
               assumed_share: float = 0.40) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``aki_vs_tpt`` and ``aki_reasons`` for the current round (survey side only without AK/I)."""
    srv = aki.survey_components(sample, persons)
    if ak1 is None or ak1.empty:
        reg = {k: np.nan for k in ("transactions", "duplicate_renewals", "cards", "placed_reported", "expired",
                                   "valid_unplaced", "placed_reported_still_valid", "unreported_placements",
                                   "unreported_placements_se", "non_bontang_ktp", "non_bontang_ktp_cards",
                                   "valid_unplaced_local")}
        share = aki.UnreportedShare(np.nan, np.nan, 0, 0, "not_estimable")
    else:
        share = aki.estimate_unreported_share(ak1, trainees)
        reg = aki.registry_components(ak1, reference_date, window_months=window_months, unreported=share)
    sens = aki.UnreportedShare(assumed_share, 0.0, 0, 0, "assumed")
    reg_sens = (aki.registry_components(ak1, reference_date, window_months=window_months, unreported=sens)
                if ak1 is not None and not ak1.empty else None)
    table = aki.decomposition_table(reg, srv, share, min_count=min_count, reference_date=reference_date,
                                    window_months=window_months, sensitivity=reg_sens, assumed_share=assumed_share,
                                    tracer_status=aki.tracer_status_shares(trainees))
    n_hh = int(persons["id_rt"].nunique()) if "id_rt" in persons.columns else None
    return table, aki.reasons_table(table, n_households=n_hh)


def write_stage_outputs(outputs: StageOutputs, stage_dir: str | Path) -> list[Path]:
    """Write ``estimates.csv`` and ``tables/<name>.csv`` atomically; return the written paths.

    Tables are sorted by their key columns already; floats use the contract's fixed format so
    two runs write identical bytes.
    """
    stage_dir = Path(stage_dir)
    written = [write_estimates(outputs.estimates, stage_dir / "estimates.csv")]
    for name in sorted(outputs.tables):
        written.append(atomic_write_csv(outputs.tables[name], stage_dir / "tables" / f"{name}.csv"))
    return written
