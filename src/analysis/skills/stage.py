"""Stage 04 (skills): ``run_skills_stage(cfg) -> analysis.stage.StageOutputs``.

``analysis.stage.write_stage(outputs, cfg, "skills")`` writes it.

Writes ``data/processed/<period>/skills/estimates.csv`` (estimates contract) and ``skills/tables/``:

================================  =============================================================
``occupation_gaps.csv``           signals, composite shortage index (90/95 % CIs), label, per
                                  KBJI unit (4 digits; thin ones pooled to 3/2 digits)
``certificate_gaps.csv``          Gap_c = positions requiring c - (seekers holding c + certified)
``programme_scorecard.csv``       funnel, completion/certification, E6/RE6, ATT (CI), CPA (CI)
``recommendations.csv``           expand / maintain / insufficient_evidence / reduce / close, seat
                                  change, needed sample, quadrant data; pooled ``ALL`` row
``programme_effect_power.csv``    effective sample, minimum detectable effect, sample needed for a
                                  10-point effect, per programme and pooled
``programme_effect_sensitivity.csv``  E-values and propensity overlap per programme and pooled
``programme_effects_methods.csv`` pooled effect by method (own AIPW/IPW, Logit AME, TreatmentEffect)
``classifier_metrics.csv``        held-out accuracy of the occupation coder (unseen titles, seen
                                  titles, baselines)
``balance.csv``                   SMD before/after weighting (pooled and by programme)
``tracer_response.csv``           6-month tracer response rates
``mismatch_index.csv``            Jackman-Layard-Savouri and Sahin et al. by year and digits
``seekers_vacancies_by_major_group.csv``  AK/I stock against vacancy positions, KBJI major groups
``occupation_titles.csv``         KBJI code -> Indonesian and English title (codes of the brief)
================================  =============================================================

``programme_scorecard.csv`` also carries the columns the brief reads: ``shortage_index`` (of the
target occupations), ``att_pp``, ``att_ci_low``, ``att_ci_high`` (95 %, percentage points),
``recommendation`` and ``seat_change``.

Counts of persons below ``privacy.suppression_min_count`` are blanked (and so are ratios that
would reveal them); every table lists its blanked cells in ``suppressed_cells``. The coding
review queue (vacancy titles below the auto-coding threshold, aggregated) is a work file in
``skills/coding_review_queue.csv``, not a published table.
"""
from __future__ import annotations

import time

import numpy as np
import pandas as pd
from scipy import stats

from analysis import disclosure
from analysis.codes import KOTA_CODE, KOTA_NAME
from analysis.estimates import ESTIMATE_COLUMNS, to_estimate_rows
from analysis.skills import coding, effects, gaps, recommend
from analysis.skills.data import STAGE, SkillsData, load_skills_inputs
from analysis.stage import StageOutputs, settings

DEFAULT_SKILLS = {
    "coding_C": 5.0, "coding_threshold": 0.5, "coding_margin": 0.1, "coding_cv_folds": 5,
    "bootstrap_B": 500, "effects_bootstrap_B": 500, "min_cell": 30, "balanced_band": 0.5,
    "propensity_trim": [0.05, 0.95], "sahin_alpha": 0.5, "class_size": 16, "max_extra_classes": 4,
    "signal_weights": None, "recommend": None,
}


Z95 = float(stats.norm.ppf(0.975))
"""Normal quantile of the 95 % percentile-bootstrap intervals of :mod:`analysis.skills.gaps`."""


def skills_settings(cfg) -> dict:
    """The ``skills:`` section over :data:`DEFAULT_SKILLS` (an unknown key is an error)."""
    return settings(cfg, STAGE, DEFAULT_SKILLS)


def code_records(model: coding.OccupationCoder, data: SkillsData, vac: pd.DataFrame
                 ) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Soft codes of vacancies (hand codes where the coding index has the record) and seekers."""
    classes = model.classes_
    vP = coding.probability_frame(model, vac["job_title_text"])
    c = data.coded[data.coded["source"].astype(str) == "vacancy"].sort_values("coding_id", kind="mergesort")
    hand = c.drop_duplicates("record_id").set_index(c.drop_duplicates("record_id")["record_id"].astype(str))["kbji4"]
    hc = vac["vacancy_id"].astype(str).map(hand)
    ci = {k: i for i, k in enumerate(classes)}
    m = (hc.notna() & hc.astype(str).isin(ci)).to_numpy()
    vP[m] = 0.0
    vP[np.flatnonzero(m), hc[m].astype(str).map(ci).to_numpy().astype(int)] = 1.0
    text = data.ak1["desired_job_text"].astype("string").fillna(data.ak1["last_job_text"].astype("string"))
    sP = coding.probability_frame(model, text)
    info = pd.DataFrame({"hand_coded": m})
    return vP, sP, info


def run_skills_stage(cfg, data: SkillsData | None = None, *, overrides: dict | None = None) -> StageOutputs:
    """Run stage 04 on one config (``overrides`` replace ``skills:`` settings, e.g. a small B in tests).

    Returns
    -------
    analysis.stage.StageOutputs
        ``estimates``; ``tables`` and the written work file ``coding_review_queue`` (floats
        rounded to 6 decimals when written: last-bit noise of the bootstrap never changes a
        byte); the other work frames and the run summary in ``info``.
    """
    t0 = time.perf_counter()
    st = {**skills_settings(cfg), **(overrides or {})}
    seed = int(cfg.seed)
    year = int(cfg.period)
    data = data or load_skills_inputs(cfg)
    min_count = int(cfg.privacy.get("suppression_min_count", 10))
    timings: dict[str, float] = {}

    def lap(name: str, t: float) -> float:
        now = time.perf_counter()
        timings[name] = round(now - t, 2)
        return now

    t = lap("load", t0)

    # 1. occupation coder: held-out evaluation, then the final model
    ev = coding.evaluate_coder(data.kbji, data.coded, n_splits=int(st["coding_cv_folds"]), seed=seed,
                               C=float(st["coding_C"]), threshold=float(st["coding_threshold"]),
                               margin=float(st["coding_margin"]))
    t = lap("coder_evaluation", t)
    model = coding.fit_final_coder(data.kbji, data.coded, seed=seed, C=float(st["coding_C"]))
    classes = model.classes_

    # 2. vacancies de-duplicated, soft codes
    vac = data.vacancies.copy()
    vac = vac[vac["posted_date"].notna()].reset_index(drop=True)
    dup = gaps.dedup_vacancies(vac)
    vac = vac[~dup.to_numpy()].reset_index(drop=True)
    vP, sP, hand = code_records(model, data, vac)
    tv = coding.top_codes(np.nan_to_num(vP), classes, float(st["coding_threshold"]), float(st["coding_margin"]))
    ts = coding.top_codes(np.nan_to_num(sP), classes, float(st["coding_threshold"]), float(st["coding_margin"]))
    in_period = (vac["posted_date"].dt.year == year).to_numpy()
    metrics = ev["metrics"].copy()
    applied = pd.DataFrame([
        ("vacancy_duplicates_removed", 4, np.nan, float(dup.sum())),
        ("vacancies_hand_coded_share", 4, np.nan, float(hand["hand_coded"].mean())),
        ("vacancies_auto_coded_share", 4, float(st["coding_threshold"]),
         float((tv["auto_coded"] & ~hand["hand_coded"]).mean())),
        ("vacancies_review_queue_share", 4, float(st["coding_threshold"]),
         float((~tv["auto_coded"] & ~hand["hand_coded"]).mean())),
        ("seeker_texts_auto_coded_share", 4, float(st["coding_threshold"]),
         float(ts["auto_coded"][~np.isnan(sP).any(axis=1)].mean())),
    ], columns=["metric", "digits", "threshold", "value"])
    metrics = pd.concat([metrics, applied], ignore_index=True)
    queue = _review_queue(vac, tv, hand, min_count)
    t = lap("coding", t)

    # 3. gaps and shortage index
    gr = gaps.run_gaps(vac, vP, data.ak1, sP, classes, year=year, survey=data.employer_survey,
                       cohorts=data.cohorts, programs=data.programs, employers=data.employers, kbji=data.kbji,
                       B=int(st["bootstrap_B"]), seed=seed, min_cell=float(st["min_cell"]),
                       balanced_band=float(st["balanced_band"]), alpha=float(st["sahin_alpha"]),
                       weights=st.get("signal_weights"))
    t = lap("gaps_bootstrap", t)

    # 4. programme effects
    er = effects.estimate_effects(data.applicants, data.trainees, data.cohorts, data.programs,
                                  B=int(st["effects_bootstrap_B"]), seed=seed,
                                  trim=tuple(st["propensity_trim"]))
    t = lap("effects", t)

    # 5. scorecard and recommendations
    card = recommend.scorecard(data.programs, data.cohorts, data.trainees, er.effects, gr.occupations,
                               gr.class_map, gr.replicates, year)
    rules = recommend.rule_settings(st.get("recommend"))
    power = recommend.power_table(er.effects, data.programs, effect_pp=float(rules["power_effect_pp"]),
                                  power=float(rules["power"]), alpha=float(rules["power_alpha"]))
    pooled = er.effects[er.effects["program_id"] == "ALL"]
    card.attrs["pooled_effect"] = pooled.iloc[0].to_dict() if len(pooled) else None
    recs = recommend.recommend(card, gr.occupations, gr.class_map, data.programs, class_size=int(st["class_size"]),
                               max_extra_classes=int(st["max_extra_classes"]), rules=rules, power=power)
    card = recommend.scorecard_for_brief(card, recs)

    # 6. estimates
    est = _estimates(cfg, gr, er, min_count, data.programs)
    tables = {
        "occupation_gaps": gr.occupations,
        "certificate_gaps": gr.certificates,
        "programme_scorecard": card,
        "recommendations": recs,
        "programme_effect_power": power,
        "programme_effect_sensitivity": _sensitivity(er.effects),
        "programme_effects_methods": er.methods,
        "classifier_metrics": metrics,
        "balance": er.balance,
        "tracer_response": er.response,
        "mismatch_index": gr.mismatch,
        "seekers_vacancies_by_major_group": gr.by_major_group,
        "occupation_titles": _occupation_titles(data.kbji, gr.occupations),
    }
    tables = {k: suppress(k, v, min_count) for k, v in tables.items()}
    lap("scorecard_tables", t)
    info = {"runtime_seconds": round(time.perf_counter() - t0, 1), "timings": timings, "data_source": data.source,
            **{f"gaps_{k}": v for k, v in gr.summary.items()}}
    info["work"] = {"si_replicates": gr.replicates, "att_replicates": er.replicates,
                    "coder_heldout": ev["predictions"]}
    return StageOutputs(estimates=est, tables=tables, work={"coding_review_queue": queue}, info=info,
                        round_digits=6)


def _sensitivity(eff: pd.DataFrame) -> pd.DataFrame:
    """Overlap and unmeasured-selection sensitivity of each effect (E-values; propensity ranges)."""
    cols = ["program_id", "att", "att_ci95_low", "att_ci95_high", "employment_treated", "employment_counterfactual",
            "risk_ratio", "e_value", "e_value_ci", "pscore_min_treated", "pscore_max_treated", "pscore_min_control",
            "pscore_max_control", "trimmed_applicants", "classes_in_effect_sample", "precision"]
    return eff[[c for c in cols if c in eff.columns]].reset_index(drop=True)


def _occupation_titles(kbji: pd.DataFrame, occ: pd.DataFrame) -> pd.DataFrame:
    """KBJI titles (ID/EN) of every code the stage reports (pooled remainders named as such)."""
    t = pd.DataFrame({"kbji4": kbji["kode"].astype(str), "title_id": kbji["judul_id"].astype(str),
                      "title_en": kbji["title_en"].astype(str)})
    t = t[~t["kbji4"].isin(occ["kbji_code"])]
    o = pd.DataFrame({"kbji4": occ["kbji_code"].astype(str), "title_id": occ["title_id"].astype(str),
                      "title_en": occ["title_en"].astype(str)})
    return pd.concat([o, t], ignore_index=True).sort_values("kbji4", kind="mergesort").reset_index(drop=True)


def _review_queue(vac, tv, hand, min_count) -> pd.DataFrame:
    """Vacancy titles not hand-coded and below the auto-coding rule, aggregated by normalised title."""
    q = pd.DataFrame({"title": coding.normalise_title(vac["job_title_text"]), "code1": tv["code1"], "p1": tv["p1"],
                      "code2": tv["code2"], "p2": tv["p2"], "code3": tv["code3"], "p3": tv["p3"]})
    q = q[(~tv["auto_coded"] & ~hand["hand_coded"]).to_numpy()]
    g = q.groupby(["title", "code1", "code2", "code3"], sort=True).agg(postings=("p1", "size"), p1=("p1", "mean"),
                                                                       p2=("p2", "mean"), p3=("p3", "mean"))
    return g.reset_index().sort_values(["postings", "title"], ascending=[False, True], kind="mergesort")


def _estimates(cfg, gr: gaps.GapResult, er: effects.EffectResult, min_count: int, programs: pd.DataFrame
               ) -> pd.DataFrame:
    period = cfg.period
    rel = {k: cfg.reliability[k] for k in ("rse_caution", "rse_unreliable", "min_n_sample") if k in cfg.reliability}
    occ = gr.occupations[gr.occupations["reportable"]].copy()
    n = np.round(occ["vacancy_records"] + occ["seekers"]).astype(int)
    base_flag = np.where(n >= rel.get("min_n_sample", 30), "ok", np.where(n >= min_count, "caution", "suppressed"))
    sig = (occ["si_ci90_low"] > 0) | (occ["si_ci90_high"] < 0)
    si_rows = pd.DataFrame({
        "domain_code": occ["kbji_code"], "domain_name": occ["title_en"], "estimate": occ["shortage_index"],
        "se": occ["si_se"], "ci_low": occ["si_ci95_low"], "ci_high": occ["si_ci95_high"], "n_sample": n,
        "rse": np.nan, "flag": np.where(sig, base_flag, np.char.add(base_flag.astype(str), ";not_significant")),
    })
    out = [to_estimate_rows(si_rows, indicator="shortage_index", domain_level="occupation", unit="index",
                            method="cluster_bootstrap", period=period, reliability=rel)]
    th = gr.theta_replicates[occ["kbji_code"].to_numpy()]
    with np.errstate(invalid="ignore"):
        lo, hi = np.nanpercentile(th.to_numpy(), [2.5, 97.5], axis=0)
    th_rows = pd.DataFrame({
        "domain_code": occ["kbji_code"].to_numpy(), "domain_name": occ["title_en"].to_numpy(),
        "estimate": occ["tightness_vu"].to_numpy(), "se": np.nanstd(th.to_numpy(), axis=0, ddof=1), "ci_low": lo,
        "ci_high": hi, "n_sample": n.to_numpy(),
    })
    rr = to_estimate_rows(th_rows, indicator="tightness_vu", domain_level="occupation", unit="ratio",
                          method="cluster_bootstrap", period=period, reliability=rel)
    small_u = disclosure.too_few(occ["seekers"], min_count)   # V/U would reveal a small seeker count
    rr.loc[small_u, ["estimate", "se", "ci_low", "ci_high", "rse"]] = np.nan
    rr.loc[small_u, "flag"] = "suppressed"
    out.append(rr)
    # kota: V/U and mismatch indices (4-digit and 1-digit)
    vu = gr.vu_total
    lo, hi = np.nanpercentile(vu["replicates"], [2.5, 97.5])
    kota = [("vu_ratio", "ratio", vu["estimate"], float(np.nanstd(vu["replicates"], ddof=1)), lo, hi)]
    mm = gr.mismatch[gr.mismatch["year"] == int(period)]
    for r in mm.itertuples():
        if r.digits in (1, 4):
            short = "jls" if r.index.startswith("jackman") else "sahin"
            kota.append((f"mismatch_{short}_{r.digits}d", "index", r.value, np.nan, r.ci95_low, r.ci95_high))
    k = pd.DataFrame(kota, columns=["indicator", "unit", "estimate", "se", "ci_low", "ci_high"])
    # bootstrap percentile CI without a replicate SE: the normal-equivalent SE of its width
    k["se"] = np.where(np.isnan(k["se"]), (k["ci_high"] - k["ci_low"]) / (2 * Z95), k["se"])
    for r in k.itertuples():
        row = pd.DataFrame({"domain_code": [KOTA_CODE], "domain_name": [KOTA_NAME], "estimate": [r.estimate],
                            "se": [r.se], "ci_low": [r.ci_low], "ci_high": [r.ci_high],
                            "n_sample": [int(round(gr.summary["U_total"]))], "flag": ["ok"]})
        out.append(to_estimate_rows(row, indicator=r.indicator, domain_level="kota", unit=r.unit,
                                    method="cluster_bootstrap", period=period, reliability=rel))
    # programme effects (percentage points)
    e = er.effects.copy()
    n_e = (e["n_treated_responding"] + e["n_control_responding"]).astype(int)
    names = programs.set_index(programs["program_id"].astype(str))["program_name"].astype(str)
    pname = e["program_id"].map(names).fillna("All programmes")
    att = pd.DataFrame({"domain_code": e["program_id"], "domain_name": pname, "estimate": 100 * e["att"],
                        "se": 100 * e["att_se"], "ci_low": 100 * e["att_ci95_low"], "ci_high": 100 * e["att_ci95_high"],
                        "n_sample": n_e})
    incl0 = (e["att_ci95_low"] <= 0) & (e["att_ci95_high"] >= 0)
    suffix = pd.Series(np.where(incl0, "not_significant", ""), index=att.index)
    rows = to_estimate_rows(att, indicator="training_att_pp", domain_level="programme", unit="percent",
                            method="aipw_cr2_class", period=period, reliability=rel, flag_suffix=suffix)
    bad = (e["precision"] != "adequate").to_numpy() & ~rows["flag"].str.startswith("suppressed").to_numpy()
    rows.loc[bad, "flag"] = "unreliable" + np.where(incl0[bad], ";not_significant", "")
    out.append(rows)
    est = pd.concat(out, ignore_index=True)[ESTIMATE_COLUMNS]
    return est


# ---------------------------------------------------------------------------------------------
# Privacy: blank person counts < min_count (and ratios that would reveal them)
# ---------------------------------------------------------------------------------------------
PERSON_COUNTS = {
    "occupation_gaps": {"seekers": ["tightness_vu"], "qualified_seekers": ["tightness_vq"],
                        "hires": ["nonlocal_share", "hires_local", "above_perda_nonlocal_25pct"], "hires_local": [],
                        "training_completers": []},
    "certificate_gaps": {"seekers_holding": [], "certified_completers": []},
    "programme_scorecard": {"seats": [], "applicants": [], "enrolled": [], "completed": [], "certified": [],
                            "tracer_due": ["tracer_response_rate"], "n_treated": [], "n_control": [],
                            "n_treated_responding": [], "n_control_responding": [], "trimmed_applicants": []},
    "recommendations": {"enrolled": [], "seats": []},
    "programme_effect_power": {"n_treated_responding": [], "n_control_responding": [], "n_responding": []},
    "balance": {"n_treated": [], "n_control": []},
    "tracer_response": {"n_due": ["response_rate"]},
    "seekers_vacancies_by_major_group": {"seekers_stock": ["vacancies_per_seeker"], "qualified_seekers": [],
                                         "new_registrations": [], "placements_reported": []},
}


def suppress(name: str, df: pd.DataFrame, min_count: int) -> pd.DataFrame:
    """Blank person counts below ``min_count`` and the ratios resting on them (zero is kept)."""
    spec = PERSON_COUNTS.get(name)
    if not spec:
        return df.copy()
    rates = {r: (None, col) for col, derived in spec.items() for r in derived}
    return disclosure.suppress(df, list(spec), min_count, rates=rates)
