"""Programme scorecard and recommendations (docs/methods.md §9.4).

Each programme is placed by the shortage index of its target occupations (weights of
``target_kbji``; the bootstrap replicates of the index give the CI of the weighted sum) and by
its effect on employment 6 months after training (ATT, CI) -- the quadrant chart.

Rule (``recommend``; its levels and assumptions are config keys ``skills.recommend``, see
``RULE_DEFAULTS``): **expand** only when the target occupations are short of workers and the
effect's interval at the stated level lies above zero and the estimate is not flagged
insufficient; **reduce** (or **close**, when no seat would be left) for surplus occupations with no
such evidence; **maintain** when it works without a shortage; **insufficient_evidence** otherwise,
with the sample that would be needed to detect a 10-point effect (``power_table``). A pooled
``ALL`` row closes the table.

Seat change: expand by ``max(0, Gap_o) x w_po / (CR x KR x RE6)`` summed over target occupations
(the gap of an occupation is split among the expanding programmes that target it, in proportion
to their current seats), rounded up to classes of 16 and capped at ``max_extra_classes``
classes; reduce by ``reduce_share`` of the current seats, rounded up to whole classes (a demo
assumption); maintain and insufficient_evidence keep their seats. Equity flags: women, long-term unemployed (>= 12 months
registered) and SMK graduates among trainees (flag when women >= 50 %, long-term unemployed
>= 50 %, SMK >= 40 % of trainees).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.skills.data import num
from analysis.skills.gaps import target_weights

EMPLOYED = ("wage_employed", "self_employed")


def trainee_rates(trainees: pd.DataFrame, cohorts: pd.DataFrame) -> pd.DataFrame:
    """Completion, certification, E6 and RE6 per programme (all classes with a due tracer).

    Tracer non-response is adjusted by weighting classes (programme x education level):
    respondents carry n_due / n_responding of their class.
    """
    c = cohorts.set_index(cohorts["cohort_id"].astype(str))
    t = trainees.copy()
    t["program_id"] = t["cohort_id"].astype(str).map(c["program_id"]).astype(str)
    t["due"] = np.nan_to_num(num(t["tracer_due_6m"])) == 1
    t["resp"] = np.nan_to_num(num(t["tracer_responded_6m"])) == 1
    t["emp"] = t["status_6m"].astype("string").fillna("").isin(EMPLOYED).to_numpy()
    t["rel"] = np.nan_to_num(num(t["related_to_training"])) == 1
    edu_cls = {"sd": "low", "smp": "low", "sma": "mid", "smk": "mid"}
    t["edu_cls"] = t["pendidikan"].astype(str).map(edu_cls).fillna("high")
    d = t[t["due"]].copy()
    cell = d["program_id"] + "|" + d["edu_cls"]
    n_due = cell.map(cell.value_counts())
    n_resp = cell.map(cell[d["resp"]].value_counts()).fillna(0)
    d["w"] = np.where(d["resp"] & (n_resp > 0), n_due / n_resp.replace(0, np.nan), 0.0)
    g = d.groupby("program_id")
    rates = pd.DataFrame({
        "tracer_due": g.size(),
        "tracer_response_rate": g["resp"].mean(),
        "employment_rate_6m": g.apply(lambda s: np.average(s["emp"], weights=s["w"]) if s["w"].sum() > 0 else np.nan,
                                      include_groups=False),
        "related_employment_rate_6m": g.apply(lambda s: np.average(s["emp"] & s["rel"], weights=s["w"])
                                              if s["w"].sum() > 0 else np.nan, include_groups=False),
    })
    ga = t.groupby("program_id")
    rates["completion_rate"] = ga["completed"].apply(lambda s: np.nanmean(num(s)))
    done = t[np.nan_to_num(num(t["completed"])) == 1]
    comp = done.groupby("program_id")["certified"].apply(lambda s: np.nanmean(num(s)))
    rates["certification_rate"] = comp
    unemp = num(t["unemployment_months_at_entry"])
    t["ltu"] = unemp >= 12
    t["female"] = t["jenis_kelamin"].astype(str) == "2"
    t["smk"] = t["pendidikan"].astype(str) == "smk"
    rates["share_women"] = ga["female"].mean()
    rates["share_long_term_unemployed"] = t.groupby("program_id")["ltu"].mean()
    rates["share_smk"] = ga["smk"].mean()
    return rates.reset_index().rename(columns={"index": "program_id"})


def period_counts(cohorts: pd.DataFrame, year: int) -> pd.DataFrame:
    c = cohorts[cohorts["start_date"].dt.year == year]
    g = c.groupby(c["program_id"].astype(str))
    return pd.DataFrame({
        "classes": g.size(), "seats": g["seats"].apply(lambda s: num(s).sum()),
        "applicants": g["applicants_n"].apply(lambda s: num(s).sum()),
        "enrolled": g["enrolled_n"].apply(lambda s: num(s).sum()),
        "completed": g["completed_n"].apply(lambda s: num(s).sum()),
        "certified": g["certified_n"].apply(lambda s: num(s).sum()),
    }).rename_axis("program_id").reset_index()


def target_index(programs: pd.DataFrame, occupations: pd.DataFrame, class_map: pd.DataFrame,
                 replicates: pd.DataFrame) -> pd.DataFrame:
    """Weighted shortage index of each programme's target occupations with bootstrap 90 and 95 % CIs."""
    tw = target_weights(programs)
    unit = class_map.set_index("kbji4")["unit_code"]
    tw["unit_code"] = tw["kbji4"].map(unit).fillna(tw["kbji4"])
    occ = occupations.set_index("kbji_code")
    rows = []
    for p, grp in tw.groupby("program_id", sort=True):  # loop over ~30 programmes
        units = grp["unit_code"].to_numpy()
        w = grp["weight"].to_numpy()
        si = occ["shortage_index"].reindex(units).to_numpy(dtype=float)
        ok = np.isfinite(si)
        gap = occ["gap_D_minus_S"].reindex(units).to_numpy(dtype=float)
        if not ok.any():
            rows.append((p, np.nan, np.nan, np.nan, np.nan, np.nan, ";".join(units), np.nan))
            continue
        ww = w[ok] / w[ok].sum()
        rep = replicates[list(units[ok])].to_numpy() @ ww
        lo95, lo, hi, hi95 = np.nanpercentile(rep, [2.5, 5, 95, 97.5])
        rows.append((p, float(si[ok] @ ww), lo, hi, lo95, hi95, ";".join(units), float(np.nansum(gap * w))))
    return pd.DataFrame(rows, columns=["program_id", "target_si", "target_si_ci90_low", "target_si_ci90_high",
                                       "target_si_ci95_low", "target_si_ci95_high", "target_units", "target_gap"])


def scorecard(programs, cohorts, trainees, effects: pd.DataFrame, occupations, class_map, replicates,
              year: int) -> pd.DataFrame:
    """One row per programme: funnel, rates, ATT (CI), CPA (CI), target shortage index."""
    base = programs[["program_id", "program_name", "provider_type", "target_kbji", "certificate",
                     "cost_per_trainee_idr"]].copy()
    base["program_id"] = base["program_id"].astype(str)
    base["cost_per_trainee_idr"] = num(base["cost_per_trainee_idr"])
    out = (base.merge(period_counts(cohorts, year), on="program_id", how="left")
           .merge(trainee_rates(trainees, cohorts), on="program_id", how="left")
           .merge(effects.drop(columns=["cost_per_trainee_idr"], errors="ignore"), on="program_id", how="left")
           .merge(target_index(programs, occupations, class_map, replicates), on="program_id", how="left"))
    has_cert = out["certificate"].astype("string").fillna("") != ""
    out["certification_rate"] = np.where(has_cert, out["certification_rate"], np.nan)
    return out.sort_values("program_id").reset_index(drop=True)


RULE_DEFAULTS = {
    "effect_ci_level": 0.95,          # "works" = the ATT interval at this level lies above zero
    "shortage_ci_level": 0.90,        # target shortage / surplus = the index interval excludes zero
    "expand_requires_cpa_at_most_median": True,
    "reduce_share": 0.5,              # "reduce" cuts this share of seats (whole classes); 0 seats left = "close"
    "power_effect_pp": 10.0,          # effect (percentage points) the needed sample is computed for
    "power": 0.8,
    "power_alpha": 0.05,
}
"""The recommendation rule's settings (config ``skills.recommend``); every key is required to be
known: an unknown key is an error."""


def rule_settings(overrides: dict | None) -> dict:
    """``RULE_DEFAULTS`` updated by ``overrides``; unknown keys and unsupported levels are errors."""
    o = dict(overrides or {})
    unknown = sorted(set(o) - set(RULE_DEFAULTS))
    if unknown:
        raise ValueError(f"skills.recommend: unknown key(s) {unknown}; known: {sorted(RULE_DEFAULTS)}")
    st = {**RULE_DEFAULTS, **o}
    for k in ("effect_ci_level", "shortage_ci_level"):
        if float(st[k]) not in (0.90, 0.95):
            raise ValueError(f"skills.recommend.{k}: {st[k]} is not supported (0.90 or 0.95)")
    if not 0 < float(st["reduce_share"]) <= 1:
        raise ValueError(f"skills.recommend.reduce_share: {st['reduce_share']} must be in (0, 1]")
    return st


def power_table(effects: pd.DataFrame, programs: pd.DataFrame, *, effect_pp: float = 10.0, power: float = 0.8,
                alpha: float = 0.05) -> pd.DataFrame:
    """Each programme's effective sample and the sample it would need to detect ``effect_pp``.

    *Effective sample*: the number of applicants, split equally between admitted and comparison,
    that simple random sampling would need to give the estimate's standard error,
    ``n_eff = 4 p (1 - p) / se^2`` with ``p`` the employment rate of the treated. It folds in the
    weights, trimming, non-response and class clustering of the real design.

    *Needed sample*: responding applicants (both arms) for a two-sided test at ``alpha`` with
    ``power`` against an effect of ``effect_pp`` points, at the programme's current design
    efficiency: ``n_needed = n_responding x (se / se_target)^2``, ``se_target = effect /
    (z_{1-alpha/2} + z_power)``; ``mde_pp`` is the effect detectable at the current sample.
    """
    from scipy.stats import norm

    z = norm.ppf(1 - alpha / 2) + norm.ppf(power)
    e = effects.copy()
    n_resp = (e["n_treated_responding"] + e["n_control_responding"]).astype(float)
    se = e["att_se"].astype(float)
    p = e["employment_treated"].astype(float).clip(0.05, 0.95) if "employment_treated" in e else 0.5
    target = effect_pp / 100.0 / z
    names = programs.set_index(programs["program_id"].astype(str))["program_name"].astype(str)
    out = pd.DataFrame({
        "program_id": e["program_id"].astype(str),
        "program_name": e["program_id"].astype(str).map(names).fillna("All programmes"),
        "classes": e["classes_in_effect_sample"], "n_treated_responding": e["n_treated_responding"],
        "n_control_responding": e["n_control_responding"], "n_responding": n_resp,
        "att_pp": 100 * e["att"], "se_pp": 100 * se,
        "effective_sample": np.round(4 * p * (1 - p) / se ** 2),
        "mde_pp": 100 * z * se,
        "needed_sample": np.ceil(n_resp * (se / target) ** 2),
        "effect_for_needed_sample_pp": effect_pp, "power": power, "alpha": alpha,
        "precision": e["precision"],
    })
    out["needed_over_current"] = out["needed_sample"] / out["n_responding"]
    return out.reset_index(drop=True)


def recommend(card: pd.DataFrame, occupations: pd.DataFrame, class_map: pd.DataFrame, programs: pd.DataFrame, *,
              class_size: int = 16, max_extra_classes: int = 4, rules: dict | None = None,
              power: pd.DataFrame | None = None) -> pd.DataFrame:
    """Apply the scorecard rule; suggested seat change in whole classes; a pooled ``ALL`` row.

    * **expand** -- target shortage (index interval at ``shortage_ci_level`` above zero), the
      effect's interval at ``effect_ci_level`` above zero, the estimate not flagged insufficient,
      and (if ``expand_requires_cpa_at_most_median``) cost per placement at most the median;
    * **reduce** -- target surplus and no such evidence that it works; cut ``reduce_share`` of
      the seats in whole classes; **close** when that leaves no seat;
    * **maintain** -- evidence that it works, but no shortage (or CPA above the median);
    * **insufficient_evidence** -- everything else: the data cannot tell whether the programme
      helps; the ``needed_sample`` column (from ``power``) says how many responding applicants
      would be needed to detect the configured effect.
    """
    st = rule_settings(rules)
    c = card.copy()
    sl = "90" if float(st["shortage_ci_level"]) == 0.90 else "95"
    el = "90" if float(st["effect_ci_level"]) == 0.90 else "95"
    shortage = c[f"target_si_ci{sl}_low"] > 0
    surplus = c[f"target_si_ci{sl}_high"] < 0
    adequate = c["precision"] == "adequate"
    works = adequate & (c[f"att_ci{el}_low"] > 0)
    cpa_med = np.nanmedian(c.loc[works, "cpa_idr"]) if works.any() else np.nan
    cheap = (c["cpa_idr"] <= cpa_med) if st["expand_requires_cpa_at_most_median"] else pd.Series(True, index=c.index)
    rec = np.select([shortage & works & cheap, surplus & ~works, works],
                    ["expand", "reduce", "maintain"], "insufficient_evidence").astype(object)
    # reason codes are fixed strings (the brief words them in both languages); the levels are in "rule"
    c["reason"] = np.select(
        [shortage & works & cheap, shortage & works, surplus & ~works, works, ~adequate],
        ["shortage; effect CI above zero; CPA <= median", "shortage; effect CI above zero; CPA above median",
         "surplus; no evidence that it works", "effect CI above zero; no clear shortage",
         "too few classes or respondents to estimate the effect"],
        "effect CI includes zero")
    # seat change
    seats = c["seats"].fillna(0).to_numpy(dtype=float)
    cr = c["completion_rate"].fillna(1.0).to_numpy()
    kr = c["certification_rate"].fillna(1.0).to_numpy()
    re6 = c["related_employment_rate_6m"].to_numpy(dtype=float)
    re6 = np.where(np.isfinite(re6) & (re6 > 0.05), re6, 0.05)
    tw = target_weights(programs)
    unit = class_map.set_index("kbji4")["unit_code"]
    tw["unit_code"] = tw["kbji4"].map(unit).fillna(tw["kbji4"])
    gap = occupations.set_index("kbji_code")["gap_D_minus_S"]
    tw["gap"] = np.maximum(tw["unit_code"].map(gap).fillna(0).to_numpy(dtype=float), 0.0)
    exp_ids = c.loc[rec == "expand", "program_id"]
    tw = tw[tw["program_id"].isin(exp_ids)].merge(c[["program_id", "seats"]], on="program_id", how="left")
    tw["seats"] = tw["seats"].fillna(0) + 1e-9
    tw["share"] = tw["seats"] / tw.groupby("unit_code")["seats"].transform("sum")
    need = (tw["gap"] * tw["share"] * tw["weight"]).groupby(tw["program_id"]).sum()
    idx = {p: i for i, p in enumerate(c["program_id"])}
    need_arr = np.zeros(len(c))
    for p, v in need.items():
        need_arr[idx[p]] = v
    extra = np.ceil(need_arr / (cr * kr * re6) / class_size) * class_size
    extra = np.clip(extra, class_size, max_extra_classes * class_size)
    cut = -np.minimum(seats, np.ceil(seats * float(st["reduce_share"]) / class_size) * class_size)
    rec = np.where((rec == "reduce") & (seats + cut <= 0), "close", rec)
    c["recommendation"] = rec
    c["seat_change"] = np.select([rec == "expand", np.isin(rec, ["reduce", "close"])], [extra, cut], 0.0)
    c["classes_change"] = c["seat_change"] / class_size
    c["rule"] = (f"expand if shortage ({st['shortage_ci_level']:.0%} CI) and effect {st['effect_ci_level']:.0%} "
                 f"CI > 0 and adequate" + (" and CPA <= median" if st["expand_requires_cpa_at_most_median"] else ""))
    flags = []
    for r in c.itertuples():
        f = []
        if r.share_women >= 0.5:
            f.append("women")
        if r.share_long_term_unemployed >= 0.5:
            f.append("long_term_unemployed")
        if r.share_smk >= 0.4:
            f.append("smk_graduates")
        flags.append(";".join(f))
    c["equity_flags"] = flags
    if power is not None:
        pw = power.set_index("program_id")
        c["effective_sample"] = c["program_id"].map(pw["effective_sample"])
        c["needed_sample"] = c["program_id"].map(pw["needed_sample"])
        c["mde_pp"] = c["program_id"].map(pw["mde_pp"])
    else:
        c["effective_sample"] = c["needed_sample"] = c["mde_pp"] = np.nan
    cols = ["program_id", "program_name", "provider_type", "target_kbji", "target_units", "target_si",
            "target_si_ci90_low", "target_si_ci90_high", "att", "att_ci90_low", "att_ci90_high", "att_ci95_low",
            "att_ci95_high", "precision", "related_employment_rate_6m", "cpa_idr", "cpa_ci95_low", "cpa_ci95_high",
            "cpa_flag", "enrolled", "seats", "recommendation", "reason", "rule", "seat_change", "classes_change",
            "effective_sample", "needed_sample", "mde_pp", "equity_flags"]
    out = c[cols].sort_values("program_id").reset_index(drop=True)
    return pd.concat([out, _pooled_row(out, card, power, el)], ignore_index=True)


def _pooled_row(recs: pd.DataFrame, card: pd.DataFrame, power: pd.DataFrame | None, el: str) -> pd.DataFrame:
    """``ALL``: the pooled effect over programmes, the total seat change and the count of each code."""
    eff = card.attrs.get("pooled_effect")
    counts = recs["recommendation"].value_counts()
    row = {"program_id": "ALL", "program_name": "All programmes",
           "recommendation": "", "seats": recs["seats"].sum(), "enrolled": recs["enrolled"].sum(),
           "seat_change": recs["seat_change"].sum(), "classes_change": recs["classes_change"].sum(),
           "reason": "pooled; " + "; ".join(f"{k}={int(v)}" for k, v in sorted(counts.items()))}
    if eff is not None:
        for k in ("att", "att_ci90_low", "att_ci90_high", "att_ci95_low", "att_ci95_high", "precision"):
            row[k] = eff.get(k)
        lo = eff.get(f"att_ci{el}_low")
        row["reason"] += ("; pooled effect CI above zero" if lo is not None and lo > 0
                          else "; pooled effect CI includes zero")
    if power is not None and (power["program_id"] == "ALL").any():
        pw = power[power["program_id"] == "ALL"].iloc[0]
        row.update(effective_sample=pw["effective_sample"], needed_sample=pw["needed_sample"], mde_pp=pw["mde_pp"])
    return pd.DataFrame([row])


def scorecard_for_brief(card: pd.DataFrame, recs: pd.DataFrame) -> pd.DataFrame:
    """The scorecard with the recommendation and the columns read by ``analysis.brief``:
    ``shortage_index`` (target occupations), ``att_pp``, ``att_ci_low``, ``att_ci_high`` (95 %,
    percentage points), ``recommendation``, ``reason``, ``seat_change``."""
    out = card.copy()
    r = recs[recs["program_id"] != "ALL"].set_index("program_id")
    out["shortage_index"] = out["target_si"]
    out["att_pp"] = 100 * out["att"]
    out["att_ci_low"] = 100 * out["att_ci95_low"]
    out["att_ci_high"] = 100 * out["att_ci95_high"]
    for c in ("recommendation", "reason", "seat_change", "equity_flags", "effective_sample", "needed_sample",
              "mde_pp"):
        out[c] = out["program_id"].map(r[c])
    return out
