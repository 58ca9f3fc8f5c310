"""Programme scorecard and recommendations (skills_methods §4 'Scorecard').

Each programme is placed by the shortage index of its target occupations (weights of
``target_kbji``; the bootstrap replicates of the index give the CI of the weighted sum) and by
its effect on employment 6 months after training (ATT, CI) -- the quadrant chart.

Rule (for discussion, as in the reference):

* **expand**   -- target SI 90 % CI > 0, the programme works (ATT 90 % CI > 0 with adequate
  samples, or ATT > 0 and related employment RE6 above the median) and CPA <= median CPA;
* **redesign** -- target SI 90 % CI > 0 but no evidence that it works (ATT ~ 0);
* **reduce**   -- target SI 90 % CI < 0 and ATT ~ 0 (90 % CI not above 0);
* **maintain** -- everything else (incl. shortage programmes that work but cost more than the
  median per additional placement).

Seat change: expand by ``max(0, Gap_o) x w_po / (CR x KR x RE6)`` summed over target occupations
(the gap of an occupation is split among the expanding programmes that target it, in proportion
to their current seats), rounded up to classes of 16 and capped at ``max_extra_classes``
classes; reduce by half the current seats, rounded up to whole classes (a demo assumption);
redesign and maintain keep their seats. Equity flags: women, long-term unemployed (>= 12 months
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
    """Weighted shortage index of each programme's target occupations with a bootstrap 90 % CI."""
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
            rows.append((p, np.nan, np.nan, np.nan, ";".join(units), np.nan))
            continue
        ww = w[ok] / w[ok].sum()
        rep = replicates[list(units[ok])].to_numpy() @ ww
        lo, hi = np.nanpercentile(rep, [5, 95])
        rows.append((p, float(si[ok] @ ww), lo, hi, ";".join(units), float(np.nansum(gap * w))))
    return pd.DataFrame(rows, columns=["program_id", "target_si", "target_si_ci90_low", "target_si_ci90_high",
                                       "target_units", "target_gap"])


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


def recommend(card: pd.DataFrame, occupations: pd.DataFrame, class_map: pd.DataFrame, programs: pd.DataFrame, *,
              class_size: int = 16, max_extra_classes: int = 4) -> pd.DataFrame:
    """Apply the scorecard rule; suggested seat change in whole classes."""
    c = card.copy()
    shortage = c["target_si_ci90_low"] > 0
    surplus = c["target_si_ci90_high"] < 0
    adequate = c["precision"] == "adequate"
    works_ci = adequate & (c["att_ci90_low"] > 0)
    re6_med = np.nanmedian(c["related_employment_rate_6m"])
    works = works_ci | ((c["att"] > 0) & (c["related_employment_rate_6m"] > re6_med))
    cpa_med = np.nanmedian(c.loc[c["att"] > 0, "cpa_idr"]) if (c["att"] > 0).any() else np.nan
    cheap = c["cpa_idr"] <= cpa_med
    rec = np.select([shortage & works & cheap, shortage & ~works, surplus & ~works_ci],
                    ["expand", "redesign", "reduce"], "maintain")
    c["recommendation"] = rec
    c["reason"] = np.select(
        [shortage & works & cheap, shortage & works & ~cheap, shortage & ~works, surplus & ~works_ci, surplus],
        ["shortage; works; CPA <= median", "shortage; works but CPA above median", "shortage; no evidence it works",
         "surplus; no evidence it works", "surplus; but it works"], "no clear shortage or surplus")
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
    exp_ids = c.loc[c["recommendation"] == "expand", "program_id"]
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
    cut = -np.minimum(seats, np.ceil(seats / 2.0 / class_size) * class_size)
    c["seat_change"] = np.select([c["recommendation"] == "expand", c["recommendation"] == "reduce"], [extra, cut], 0.0)
    c["classes_change"] = c["seat_change"] / class_size
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
    cols = ["program_id", "program_name", "provider_type", "target_kbji", "target_units", "target_si",
            "target_si_ci90_low", "target_si_ci90_high", "att", "att_ci90_low", "att_ci90_high", "att_ci95_low",
            "att_ci95_high", "precision", "related_employment_rate_6m", "cpa_idr", "cpa_ci95_low", "cpa_ci95_high",
            "cpa_flag", "enrolled", "seats", "recommendation", "reason", "seat_change", "classes_change",
            "equity_flags"]
    return c[cols].sort_values("program_id").reset_index(drop=True)


def scorecard_for_brief(card: pd.DataFrame, recs: pd.DataFrame) -> pd.DataFrame:
    """The scorecard with the recommendation and the columns read by ``analysis.brief``:
    ``shortage_index`` (target occupations), ``att_pp``, ``att_ci_low``, ``att_ci_high`` (95 %,
    percentage points), ``recommendation``, ``reason``, ``seat_change``."""
    out = card.copy()
    r = recs.set_index("program_id")
    out["shortage_index"] = out["target_si"]
    out["att_pp"] = 100 * out["att"]
    out["att_ci_low"] = 100 * out["att_ci95_low"]
    out["att_ci_high"] = 100 * out["att_ci95_high"]
    for c in ("recommendation", "reason", "seat_change", "equity_flags"):
        out[c] = out["program_id"].map(r[c])
    return out
