"""Stage 03 entry points: read processed data, estimate, build the tables, write the outputs.

``run_labour_stage(cfg)`` reads only its declared inputs in ``data/processed/<period>/`` (Parquet
written by stage 01, reference tables included) and returns a
:class:`analysis.stage.StageOutputs`; nothing is written until
``analysis.stage.write_stage(outputs, cfg, "labour")`` puts ``estimates.csv`` and
``tables/*.csv`` under ``paths.stage_dir(cfg.period, "labour")``. Tables hold aggregates only,
with cells under ``privacy.suppression_min_count`` blanked.

Config keys of the ``labour:`` block (all optional; an unknown key is an error):

``aki_reference_date``
    Date at which the AK/I registry is compared with Sakernas (default: 15 August of the
    period, the middle of the Sakernas Agustus reference month).
``aki_window_months``
    Length of the registry "year" counted by Disnaker (default 12).
``aki_unreported_share_assumed``
    Share of placements never reported used for the *sensitivity* row only (default 0.40, the
    Disnaker's own account of unreported placements); the waterfall uses the
    share estimated from the tracer link (see ``docs/methods.md``).
``lonely_psu``
    Rule for single-PSU strata (default ``"fail"``, as R survey).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import disclosure, survey
from analysis.codes import KOTA_CODE, area_names
from analysis.estimates import ESTIMATE_COLUMNS, published_until, to_estimate_rows
from analysis.labour import aki, estimation, published
from analysis.labour import definitions as d
from analysis.stage import STAGES, StageOutputs, as_text, read_inputs, settings

STAGE = "labour"
TABLE_NAMES = STAGES[STAGE].tables
DEFAULTS = {
    "lonely_psu": "fail",                  # single-PSU strata: fail, as R survey
    "aki_reference_date": None,            # default: 15 August of the period
    "aki_window_months": 12,
    "aki_unreported_share_assumed": 0.40,
}
COUNT_INDICATORS = {
    "working_age": "working_age_persons", "labour_force": "labour_force_persons",
    "employed": "employed_persons", "unemployed": "unemployed_persons",
    "outside_labour_force": "outside_labour_force_persons",
}
"""0/1 concept -> estimates indicator of its weighted population total (unit ``count``)."""


@dataclass
class LabourInputs:
    """Processed inputs of one run (person-level frames never leave the stage)."""

    sakernas: dict[str, pd.DataFrame]
    ak1: pd.DataFrame | None
    trainees: pd.DataFrame | None
    kecamatan_names: dict[str, str]
    published: pd.DataFrame


# ----------------------------------------------------------------------------- inputs
def load_inputs(cfg) -> LabourInputs:
    """Read the stage's declared inputs from ``data/processed/<period>/``.

    Sakernas of ``cfg.previous_period`` and ``cfg.period``, the wilayah and published-indicator
    tables are required; the AK/I registry (``ak1_registrations``) and the tracer
    (``trainees``) are used when the run declares them -- without them the AK/I comparison
    says so.
    """
    t = read_inputs(cfg, STAGE)
    sak = {str(y): t[f"sakernas_{y}"] for y in (cfg.previous_period, cfg.period)}
    names = area_names(as_text(t["wilayah"]))["kecamatan"]
    return LabourInputs(sakernas=sak, ak1=t["ak1_registrations"], trainees=t["trainees"], kecamatan_names=names,
                        published=t["published_indicators"])


# ----------------------------------------------------------------------------- estimation
def count_estimates(sample: estimation.LabourSample, *, reliability=None) -> pd.DataFrame:
    """Weighted population totals (persons) of the labour-force groups, city and kecamatan."""
    rel = estimation._reliability(reliability)
    frames = []
    for concept, indicator in COUNT_INDICATORS.items():
        for level, by in (("kota", None), ("kecamatan", "kode_kec")):
            res = survey.total(sample.design, concept, by=by)
            if by is None:
                res["domain"] = KOTA_CODE
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
    t = disclosure.suppress(t, ["n_sample"], min_count,
                            rates={c: (None, "n_sample") for c in ("estimate", "se", "ci_low", "ci_high")})
    keys = ["period", "domain_level", "domain_code", "indicator"]
    return t.sort_values(keys, kind="mergesort").reset_index(drop=True)


def unemployment_categories(samples: dict[str, estimation.LabourSample], persons: dict[str, pd.DataFrame],
                            min_count: int) -> pd.DataFrame:
    """Weighted number of unemployed by BPS category (city), both years, with SE and share.

    The four categories partition the unemployed, so a blanked small category is protected by
    blanking a second one (:func:`analysis.disclosure.suppress`, relation across the rows of a period).
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
    t = disclosure.suppress(t, ["n_sample"], min_count, col_groups=["period"],
                            rates={c: (None, "n_sample") for c in ("estimate", "se", "share_of_unemployed",
                                                                   "share_se")})
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
    lab = settings(cfg, STAGE, DEFAULTS)
    reliability = dict(cfg.reliability or {})
    level = float(reliability.get("ci_level", 0.95))
    min_count = int((cfg.privacy or {}).get("suppression_min_count", 10))
    lonely = str(lab["lonely_psu"])
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
    ref = pd.Timestamp(lab["aki_reference_date"] or f"{cur}-08-15")
    window = int(lab["aki_window_months"])
    tables["aki_vs_tpt"], tables["aki_reasons"] = aki_tables(
        inputs.ak1, inputs.trainees, samples[cur], inputs.sakernas[cur], reference_date=ref, window_months=window,
        min_count=min_count, assumed_share=float(lab["aki_unreported_share_assumed"]))
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
