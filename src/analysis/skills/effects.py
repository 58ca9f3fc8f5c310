"""Programme effects on employment 6 months after training (docs/methods.md §9.5).

Design (best available in the Disnaker data): applicants to *oversubscribed* classes; admitted
applicants are the treated, rejected (wait-listed) applicants the comparison group. Admission is
by arrival, lottery or a selection test on observables, so adjustment for X (age, sex,
education, prior employment, unemployment duration, local KTP, cohort year) plus the class's
admission ratio makes it ignorable. Outcome: wage or self-employed at the 6-month tracer
(trainees) / wait-list follow-up (rejected). Estimand: the ATT (effect of admission = ITT on
the admitted).

Estimators
----------
* **AIPW (doubly robust) ATT**, own implementation: programme-specific propensity (logistic,
  mild L2), a pooled control-outcome model with programme effects, tracer non-response weights
  1/P^(R=1|X,T), trimming of propensities outside [0.05, 0.95], normalised (Hajek) weights.
  CIs by a bootstrap of applicants within class x arm (``CLUSTER_STAGE`` adds a first stage
  that resamples classes) on the estimating-equation sums (index arrays, vectorised over
  replicates); the nuisance models are held fixed (first-order irrelevant for the doubly robust
  score). The pooled ATT adds the programme replicates (stratified by programme).
* **IPW ATT**: the same without the outcome model.
* **Logit** (statsmodels): E6 ~ admitted x programme + programme + X + year on tracer
  respondents, SEs clustered by cohort; pooled AME of admission with ``get_margeff`` and
  per-programme AMEs over the programme's admitted (delta method).
* **statsmodels TreatmentEffect** ``ipw`` (ATT, ``effect_group=1``) and ``aipw`` (ATE) as a pooled
  cross-check; ``ipw_ra``/``aipw_wls`` are NOT used (statsmodels 0.14.6/0.15.0 bug: they hard-code
  a 6-parameter selection model, PR #10221).

Cost per additional job placed: CPA_p = cost per trainee / ATT_p, with the bootstrap CI.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from sklearn.linear_model import LogisticRegression

from analysis.codes import education_rank
from analysis.skills.data import num

EMPLOYED = ("wage_employed", "self_employed")
# Resampling classes too (two-stage bootstrap) makes the 4-8 classes of a programme dominate the
# interval (median 95 % CI width ~0.8 on the demo, over-covering); resampling applicants within
# class x arm keeps the class structure fixed (class shocks enter through the covariates) and gave
# ~90 % coverage of the true programme ATT over four synthetic draws. Switch on for real data
# with many classes per programme.
CLUSTER_STAGE = False
MIN_CONTROLS = 10   # responding treated and controls below this: estimate flagged 'insufficient'
MIN_CLASSES = 4     # fewer classes than this: a clustered variance has too few clusters ('insufficient')
# Adjustment set = every person item of the training application form (Disnaker's form and the AK/I
# card it copies): age, sex, education level, prior work, months registered, KTP, kecamatan. It is
# fixed by the form, not chosen by what the admission score happens to use. Education *field* is
# left out: it largely is the programme choice (and would add ~10 levels per 16-seat class).
COVARIATES = ["age", "age2", "female", "edu_low", "edu_diploma", "edu_university", "employed_before",
              "log_unemp_months", "ktp_bontang", "kec_2", "kec_3"]
# Test-based admission may select on any item of the form: all of them interact with the test rule.
SELECTION_X = ["age", "female", "edu_low", "edu_diploma", "edu_university", "employed_before", "log_unemp_months",
               "ktp_bontang", "kec_2", "kec_3"]
CI_LEVEL = 0.95
PROPENSITY_C = 5.0     # mild L2 on standardised features (small samples per programme)
BALANCE_COVARIATES = ["age", "female", "edu_low", "edu_diploma", "edu_university", "employed_before",
                      "log_unemp_months", "ktp_bontang", "kec_2", "kec_3"]


def program_groups(programs: pd.DataFrame) -> pd.Series:
    """Programme family by the KBJI major group of its first target occupation."""
    first = programs["target_kbji"].astype(str).str[:1]
    fam = first.map({"7": "trades", "8": "operators", "3": "technicians", "2": "technicians", "4": "clerical",
                     "5": "services", "6": "agri_other", "9": "agri_other"}).fillna("agri_other")
    return pd.Series(fam.to_numpy(), index=programs["program_id"].astype(str).to_numpy())


def effect_sample(applicants: pd.DataFrame, trainees: pd.DataFrame, cohorts: pd.DataFrame,
                  programs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Applicants of oversubscribed classes whose 6-month outcome date has passed, with X, T, R, Y."""
    a = applicants.copy()
    tr = trainees.set_index(trainees["applicant_id"].astype(str))
    aid = a["applicant_id"].astype(str)
    T = np.nan_to_num(num(a["admitted"])).astype(int)
    due = np.where(T == 1, num(aid.map(tr["tracer_due_6m"])), num(a["followup_due_6m"]))
    resp = np.where(T == 1, num(aid.map(tr["tracer_responded_6m"])), num(a["followup_responded_6m"]))
    status = np.where(T == 1, aid.map(tr["status_6m"]).astype("string").fillna("").to_numpy(dtype=object),
                      a["followup_status_6m"].astype("string").fillna("").to_numpy(dtype=object))
    c = cohorts.set_index(cohorts["cohort_id"].astype(str))
    cid = a["cohort_id"].astype(str)
    out = pd.DataFrame({
        "applicant_id": aid.to_numpy(), "cohort_id": cid.to_numpy(), "program_id": cid.map(c["program_id"]).astype(str),
        "year": cid.map(c["start_date"]).dt.year.to_numpy(),
        "T": T, "due": np.nan_to_num(due) == 1, "R": np.nan_to_num(resp) == 1, "status": status,
    })
    age = num(a["age"])
    edu = a["pendidikan"].astype("string").fillna("").to_numpy(dtype=object)
    out["age"] = age
    out["age2"] = (age - 30.0) ** 2 / 100.0
    out["female"] = (a["jenis_kelamin"].astype(str) == "2").astype(float).to_numpy()
    out["edu_low"] = np.isin(edu, [c for c, r in education_rank().items() if r <= 2]).astype(float)  # SMP or less
    out["edu_diploma"] = (edu == "diploma").astype(float)
    out["edu_university"] = (edu == "universitas").astype(float)
    out["employed_before"] = np.nan_to_num(num(a["employed_before"]))
    out["unemp_months"] = np.nan_to_num(num(a["unemployment_months"]))
    out["log_unemp_months"] = np.log1p(out["unemp_months"])
    out["ktp_bontang"] = np.nan_to_num(num(a["ktp_bontang"]))
    kec = a["kode_kecamatan_bps"].astype("string").fillna("").to_numpy(dtype=object) \
        if "kode_kecamatan_bps" in a else np.full(len(a), "", dtype=object)
    levels = sorted(set(kec) - {""})
    for j, name in ((1, "kec_2"), (2, "kec_3")):  # kecamatan dummies (first kecamatan = reference)
        out[name] = (kec == levels[j]).astype(float) if len(levels) > j else 0.0
    seats = num(cid.map(c["seats"]))
    n_app = out.groupby("cohort_id")["T"].transform("size").to_numpy(dtype=float)
    out["log_admission_ratio"] = np.log(np.minimum(seats / n_app, 1.0))
    rule = cid.map(c["selection_rule"]).astype("string").fillna("").to_numpy(dtype=object) \
        if "selection_rule" in c else np.full(len(out), "", dtype=object)
    out["test_rule"] = (rule == "test").astype(float)
    over = out.groupby("cohort_id")["T"].transform(lambda s: (s == 0).any()).to_numpy()
    out["Y"] = np.isin(out["status"], EMPLOYED).astype(float)
    out["program_group"] = (out["program_id"].map(program_groups(programs)).fillna("other")
                            if programs is not None else "all")
    out = out[over & out["due"]].reset_index(drop=True)
    return out


def _design(df: pd.DataFrame, years: list[int], extra: list[str] = ()) -> np.ndarray:
    cols = [df[c].to_numpy(dtype=float) for c in COVARIATES + list(extra)]
    cols += [(df["year"].to_numpy() == y).astype(float) for y in years[1:]]
    return np.column_stack(cols)


def _propensity_design(d: pd.DataFrame, years: list[int]) -> np.ndarray:
    """Admission model within a programme: class dummies (admission ratio, timing), X, and X
    interacted with test-based selection (random arrival/lottery classes do not select on X)."""
    cls = pd.get_dummies(d["cohort_id"]).to_numpy(float)[:, 1:]
    test = d["test_rule"].to_numpy(float)[:, None]
    inter = np.column_stack([d[c].to_numpy(float) for c in SELECTION_X]) * test
    X = np.column_stack([_design(d, years, ["log_admission_ratio"]), inter, cls])
    return _std(X)


def _std(X: np.ndarray) -> np.ndarray:
    sd = X.std(axis=0)
    return (X - X.mean(axis=0)) / np.where(sd > 0, sd, 1.0)


def _logit_sklearn(X, y, w=None, C=1.0, seed=0) -> LogisticRegression:
    m = LogisticRegression(C=C, max_iter=1000, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m.fit(X, y, sample_weight=w)
    return m


@dataclass
class EffectResult:
    effects: pd.DataFrame        # per programme (+ ALL): AIPW, IPW, logit AME, overlap, CPA
    balance: pd.DataFrame
    response: pd.DataFrame       # tracer response by group and the response model
    methods: pd.DataFrame        # pooled estimates by method (incl. statsmodels TreatmentEffect)
    sample: pd.DataFrame         # analysis frame (microdata: never written)
    replicates: pd.DataFrame     # (B x programmes) AIPW ATT replicates


def estimate_effects(applicants, trainees, cohorts, programs, *, B: int = 500, seed: int = 0,
                     trim: tuple[float, float] = (0.05, 0.95), methods: bool = True) -> EffectResult:
    """All programme-effect estimates (see module docstring).

    ``B`` bootstrap replicates feed the secondary bootstrap interval and P(ATT > 0) (0: none);
    ``methods=False`` skips the logit and statsmodels cross-checks (the coverage simulation).
    """
    df = effect_sample(applicants, trainees, cohorts, programs)
    years = sorted(df["year"].unique().tolist())
    progs = sorted(df["program_id"].unique().tolist())
    # --- tracer non-response weights (pooled response model, MAR given X, T, programme) -------
    Xr = np.column_stack([_design(df, years), df["T"].to_numpy(float)]
                         + [(df["program_id"] == p).to_numpy(float) for p in progs[1:]])
    rmod = _logit_sklearn(_std(Xr), df["R"].to_numpy(int), C=1.0, seed=seed)
    pR = np.clip(rmod.predict_proba(_std(Xr))[:, 1], 0.05, 1.0)
    df["w_R"] = np.where(df["R"], 1.0 / pR, 0.0)
    # --- propensity per programme ---------------------------------------------------------------
    df["e"] = np.nan
    for p in progs:  # loop over programmes (~30), vectorised inside
        m = (df["program_id"] == p).to_numpy()
        X = _propensity_design(df[m], years)
        t = df.loc[m, "T"].to_numpy(int)
        if t.min() == t.max():
            continue
        df.loc[m, "e"] = _logit_sklearn(X, t, C=PROPENSITY_C, seed=seed).predict_proba(X)[:, 1]
    df["trimmed"] = ~df["e"].between(trim[0], trim[1])
    # --- pooled control-outcome model (rejected respondents, response-weighted) ---------------
    Xo = np.column_stack([_design(df, years)] + [(df["program_id"] == p).to_numpy(float) for p in progs[1:]])
    mu, sd = Xo.mean(axis=0), Xo.std(axis=0)
    Xo_s = (Xo - mu) / np.where(sd > 0, sd, 1.0)
    ctrl = (df["T"] == 0) & df["R"]
    omod = _logit_sklearn(Xo_s[ctrl.to_numpy()], df.loc[ctrl, "Y"].to_numpy(int), w=df.loc[ctrl, "w_R"].to_numpy(),
                          C=1.0, seed=seed)
    df["m0"] = omod.predict_proba(Xo_s)[:, 1]
    # --- estimating-equation pieces per cohort ------------------------------------------------
    use = df["R"] & ~df["trimmed"] & df["e"].notna()
    w = np.where(use, df["w_R"], 0.0)
    T = df["T"].to_numpy(float)
    r = df["e"].to_numpy() / (1.0 - df["e"].to_numpy())
    r = np.nan_to_num(r)
    resid = df["Y"].to_numpy() - df["m0"].to_numpy()
    pieces = pd.DataFrame({
        "program_id": df["program_id"], "cohort_id": df["cohort_id"],
        "A": w * T * resid, "B": w * T, "C": w * (1 - T) * r * resid, "D": w * (1 - T) * r,
        "Ai": w * T * df["Y"].to_numpy(), "Ci": w * (1 - T) * r * df["Y"].to_numpy(),
    })
    cols = ["A", "B", "C", "D", "Ai", "Ci"]
    coh = pieces.groupby(["program_id", "cohort_id"], sort=True)[cols].sum().reset_index()
    rng = np.random.default_rng([int(seed), 606])
    rows = []
    rep_cols = {}
    pooled_sums = np.zeros((B, 6))
    for p in progs:  # loop over programmes; replicates are vectorised (index arrays)
        pp = pieces[(pieces["program_id"] == p).to_numpy()]
        vals = pp[cols].to_numpy()
        point = vals.sum(axis=0)
        rep = _two_stage_bootstrap(rng, vals, pp["cohort_id"].to_numpy(), (vals[:, 1] > 0) | (df.loc[
            pp.index, "T"].to_numpy() == 1), B, cluster_stage=CLUSTER_STAGE)
        pooled_sums += rep
        att_r = _att(rep)
        ipw, ipw_r = _att_ipw(point), _att_ipw(rep)
        rep_cols[p] = att_r
        cr = cluster_robust_att(vals, pp["cohort_id"].to_numpy())
        row = _summarise(p, cr, att_r, ipw, ipw_r, df[df["program_id"] == p], pp["cohort_id"].nunique())
        row.update(sensitivity_row(vals, cr["ci_low"], cr["ci_high"]))
        row["bootstrap_unit"] = "class_then_applicant" if CLUSTER_STAGE else "applicant_within_class_arm"
        row["variance"] = "influence_cr2_class_t"
        rows.append(row)
    pooled_point = coh[["A", "B", "C", "D", "Ai", "Ci"]].to_numpy().sum(axis=0)
    rep_cols["ALL"] = _att(pooled_sums)
    allvals = pieces[cols].to_numpy()
    cr = cluster_robust_att(allvals, pieces["cohort_id"].to_numpy())
    row = _summarise("ALL", cr, _att(pooled_sums), _att_ipw(pooled_point), _att_ipw(pooled_sums), df, coh.shape[0])
    row.update(sensitivity_row(allvals, cr["ci_low"], cr["ci_high"]))
    row["bootstrap_unit"] = "stratified"
    row["variance"] = "influence_cr2_class_t"
    rows.append(row)
    eff = pd.DataFrame(rows)
    enough = ((eff["n_control_responding"] >= MIN_CONTROLS) & (eff["n_treated_responding"] >= MIN_CONTROLS)
              & (eff["classes_in_effect_sample"] >= MIN_CLASSES))
    eff["precision"] = np.where(enough, "adequate", "insufficient")
    # --- logit with cluster-robust SEs ------------------------------------------------------
    if methods:
        logit_rows, pooled_ame = _logit_ames(df, years, progs)
        eff = eff.merge(logit_rows, on="program_id", how="left")
    else:
        pooled_ame = {}
    # --- cost per additional placement ----------------------------------------------------------
    cost = programs.set_index(programs["program_id"].astype(str))["cost_per_trainee_idr"]
    eff["cost_per_trainee_idr"] = num(eff["program_id"].map(cost))
    reps = pd.DataFrame(rep_cols)
    cpa = []
    for p in eff["program_id"]:
        c = eff.loc[eff["program_id"] == p, "cost_per_trainee_idr"].iloc[0]
        a = eff.loc[eff["program_id"] == p, "att"].iloc[0]
        lo, hi = eff.loc[eff["program_id"] == p, ["att_ci95_low", "att_ci95_high"]].iloc[0]
        if not np.isfinite(c) or not (a > 0):
            cpa.append((np.nan, np.nan, np.nan, "no_positive_effect"))
        elif lo > 0:
            cpa.append((c / a, c / hi, c / lo, ""))
        else:
            cpa.append((c / a, c / hi if hi > 0 else np.nan, np.nan, "att_ci_includes_zero"))
    eff[["cpa_idr", "cpa_ci95_low", "cpa_ci95_high", "cpa_flag"]] = pd.DataFrame(cpa, index=eff.index)
    balance = balance_table(df, progs)
    response = response_table(df, rmod, Xr)
    mtab = _methods_table(df, eff, pooled_ame, years, progs) if methods else pd.DataFrame()
    return EffectResult(effects=eff, balance=balance, response=response, methods=mtab, sample=df,
                        replicates=reps)


def _two_stage_bootstrap(rng, vals: np.ndarray, cohort: np.ndarray, treated: np.ndarray, B: int,
                         cluster_stage: bool = True) -> np.ndarray:
    """Replicate sums (B x k): applicants resampled with replacement within each class and arm;
    with ``cluster_stage`` the classes (cohorts) are first resampled with replacement (two-stage
    bootstrap, conservative with few classes)."""
    codes, inv = np.unique(cohort, return_inverse=True)
    G = len(codes)
    R = np.zeros((G, B, vals.shape[1]))
    for g in range(G):  # loop over classes x arms (a few per programme)
        for arm in (True, False):
            members = np.flatnonzero((inv == g) & (treated == arm))
            if len(members):
                idx = members[rng.integers(0, len(members), (B, len(members)))]
                R[g] += vals[idx].sum(axis=1)
    if G == 1 or not cluster_stage:
        return R.sum(axis=0)
    pick = rng.integers(0, G, (B, G))
    return R[pick, np.arange(B)[:, None], :].sum(axis=1)


def _att(S: np.ndarray) -> np.ndarray:
    """Normalised AIPW ATT from summed pieces [A, B, C, D, Ai, Ci] (last axis)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return S[..., 0] / S[..., 1] - S[..., 2] / S[..., 3]


def _att_ipw(S: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return S[..., 4] / S[..., 1] - S[..., 5] / S[..., 3]


def cluster_robust_att(vals: np.ndarray, cluster: np.ndarray, level: float = CI_LEVEL) -> dict:
    """ATT of the normalised AIPW estimator with a class-clustered, small-sample-corrected interval.

    The rule, fixed before any coverage was looked at (docs/programme_effects.md):

    * linearise ``ATT = A/B - C/D`` (sums of per-applicant pieces ``[A, B, C, D, ...]``): the
      influence value of applicant i is ``psi_i = (A_i - theta1 B_i)/B - (C_i - theta0 D_i)/D``;
    * sum ``psi`` within classes (the cluster: applicants of one class share its admission ratio,
      trainers and local labour market);
    * CR2-type bias reduction for a weighted mean (Bell & McCaffrey 2002): each class sum is
      divided by ``sqrt(1 - h_g)``, ``h_g`` the class's share of the weight ``B + D``;
    * reference distribution t with G - 1 degrees of freedom (G = classes).

    With fewer than two classes no interval is given.

    Returns
    -------
    dict with ``att``, ``se``, ``df``, ``ci_low``, ``ci_high`` (at ``level``), ``ci90_low``,
    ``ci90_high`` and ``G``.
    """
    from scipy import stats

    S = vals.sum(axis=0)
    att = float(_att(S))
    codes, inv = np.unique(cluster, return_inverse=True)
    G = len(codes)
    out = {"att": att, "se": np.nan, "df": np.nan, "ci_low": np.nan, "ci_high": np.nan, "ci90_low": np.nan,
           "ci90_high": np.nan, "G": G}
    if G < 2 or not np.isfinite(att) or S[1] <= 0 or S[3] <= 0:
        return out
    th1, th0 = S[0] / S[1], S[2] / S[3]
    psi = (vals[:, 0] - th1 * vals[:, 1]) / S[1] - (vals[:, 2] - th0 * vals[:, 3]) / S[3]
    sums = np.bincount(inv, weights=psi, minlength=G)
    wt = np.bincount(inv, weights=vals[:, 1] + vals[:, 3], minlength=G)
    h = np.clip(wt / wt.sum(), 0.0, 0.99)
    se = float(np.sqrt(np.sum(sums ** 2 / (1.0 - h))))
    df = G - 1
    q = stats.t.ppf(0.5 + level / 2.0, df)
    q90 = stats.t.ppf(0.95, df)
    out.update(se=se, df=df, ci_low=att - q * se, ci_high=att + q * se, ci90_low=att - q90 * se,
               ci90_high=att + q90 * se)
    return out


def e_value(rr: float) -> float:
    """E-value of a risk ratio (VanderWeele & Ding 2017): the minimum strength of association,
    on the risk-ratio scale, that an unmeasured confounder would need with both admission and
    employment to explain the estimate away. 1 when the ratio is at or across the null."""
    if not np.isfinite(rr) or rr <= 0:
        return np.nan
    rr = rr if rr >= 1 else 1.0 / rr
    return float(rr + np.sqrt(rr * (rr - 1.0)))


def sensitivity_row(vals: np.ndarray, ci_low: float, ci_high: float) -> dict:
    """E-values of the ATT (point and the CI limit nearest the null) from the treated and the
    weighted comparison employment rates."""
    S = vals.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p1 = S[4] / S[1]
        p0 = p1 - _att(S)
    if not (np.isfinite(p0) and p0 > 0):
        return {"employment_treated": p1, "employment_counterfactual": p0, "risk_ratio": np.nan,
                "e_value": np.nan, "e_value_ci": np.nan}
    rr = p1 / p0
    if ci_low > 0:
        near = (p0 + ci_low) / p0
    elif ci_high < 0:
        near = (p0 + ci_high) / p0
    else:
        near = 1.0
    return {"employment_treated": p1, "employment_counterfactual": p0, "risk_ratio": rr, "e_value": e_value(rr),
            "e_value_ci": e_value(near) if np.isfinite(ci_low) else np.nan}


def _summarise(p, cr: dict, att_r, ipw, ipw_r, d: pd.DataFrame, n_cohorts: int) -> dict:
    treat = d["T"] == 1
    e = d["e"]
    ok = np.isfinite(att_r)
    qb = np.nanpercentile(att_r, [2.5, 97.5]) if ok.any() else [np.nan] * 2
    qi = np.nanpercentile(ipw_r, [2.5, 97.5]) if np.isfinite(ipw_r).any() else [np.nan] * 2
    return {
        "program_id": p, "att": cr["att"], "att_se": cr["se"], "att_df": cr["df"],
        "att_ci95_low": cr["ci_low"], "att_ci90_low": cr["ci90_low"], "att_ci90_high": cr["ci90_high"],
        "att_ci95_high": cr["ci_high"],
        "att_boot_ci95_low": qb[0], "att_boot_ci95_high": qb[1],
        "p_att_positive": float(np.nanmean(att_r > 0)) if ok.any() else np.nan,
        "att_ipw": float(ipw), "att_ipw_ci95_low": qi[0], "att_ipw_ci95_high": qi[1],
        "n_treated": int(treat.sum()), "n_control": int((~treat).sum()),
        "n_treated_responding": int((treat & d["R"]).sum()), "n_control_responding": int((~treat & d["R"]).sum()),
        "trimmed_applicants": int(d["trimmed"].sum()), "classes_in_effect_sample": int(n_cohorts),
        "pscore_min_treated": float(e[treat].min()), "pscore_max_treated": float(e[treat].max()),
        "pscore_min_control": float(e[~treat].min()), "pscore_max_control": float(e[~treat].max()),
    }


def _logit_ames(df: pd.DataFrame, years, progs) -> tuple[pd.DataFrame, dict]:
    """Logit on tracer respondents, cluster-robust (cohort) SEs; pooled and per-programme AMEs."""
    d = df[df["R"]].reset_index(drop=True)
    base = pd.DataFrame({c: d[c].to_numpy(float) for c in COVARIATES})
    for y in years[1:]:
        base[f"year_{y}"] = (d["year"] == y).astype(float)
    for p in progs[1:]:
        base[f"prog_{p}"] = (d["program_id"] == p).astype(float)
    groups = pd.factorize(d["cohort_id"])[0]
    # pooled: one admission dummy
    Xp = sm.add_constant(pd.concat([pd.DataFrame({"admitted": d["T"].to_numpy(float)}), base], axis=1))
    pooled = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = sm.Logit(d["Y"].to_numpy(), Xp).fit(disp=0, cov_type="cluster", cov_kwds={"groups": groups},
                                                        maxiter=200)
            me = res.get_margeff(at="overall", dummy=True).summary_frame()
            pooled = {"ame": float(me.loc["admitted", "dy/dx"]), "se": float(me.loc["admitted", "Std. Err."])}
        except Exception as exc:  # separation or non-convergence: report, do not fail the stage
            pooled = {"ame": np.nan, "se": np.nan, "error": str(exc)}
    # per programme: admitted x programme interactions (programmes with few respondents share one
    # term, otherwise quasi-separation makes Newton crawl to maxiter)
    nt = d[d["T"] == 1].groupby("program_id").size()
    nc = d[d["T"] == 0].groupby("program_id").size()
    big = [p for p in progs if nt.get(p, 0) >= MIN_CONTROLS and nc.get(p, 0) >= MIN_CONTROLS]
    inter = pd.DataFrame({f"adm_{p}": ((d["program_id"] == p) & (d["T"] == 1)).astype(float) for p in big})
    inter["adm_small"] = (~d["program_id"].isin(big) & (d["T"] == 1)).astype(float)
    X = sm.add_constant(pd.concat([inter, base], axis=1))
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = sm.Logit(d["Y"].to_numpy(), X).fit(disp=0, cov_type="cluster", cov_kwds={"groups": groups},
                                                       maxiter=100)
            theta = res.params.to_numpy()
            V = res.cov_params().to_numpy()
            Xa = X.to_numpy()
            for p in progs:
                if p not in big:
                    rows.append((p, np.nan, np.nan))
                    continue
                col = X.columns.get_loc(f"adm_{p}")
                m = Xa[:, col] == 1
                x1 = Xa[m]
                x0 = x1.copy()
                x0[:, col] = 0.0
                l1, l0 = x1 @ theta, x0 @ theta
                f1, f0 = 1 / (1 + np.exp(-l1)), 1 / (1 + np.exp(-l0))
                ame = float(np.mean(f1 - f0))
                grad = (f1 * (1 - f1))[:, None] * x1 - (f0 * (1 - f0))[:, None] * x0
                gbar = grad.mean(axis=0)
                rows.append((p, ame, float(np.sqrt(gbar @ V @ gbar))))
        except Exception:
            rows = [(p, np.nan, np.nan) for p in progs]
    out = pd.DataFrame(rows, columns=["program_id", "logit_ame", "logit_ame_se"])
    out = pd.concat([out, pd.DataFrame({"program_id": ["ALL"], "logit_ame": [pooled.get("ame", np.nan)],
                                        "logit_ame_se": [pooled.get("se", np.nan)]})], ignore_index=True)
    return out, pooled


def _methods_table(df, eff, pooled_ame, years, progs) -> pd.DataFrame:
    """Pooled estimates by method, incl. statsmodels TreatmentEffect ipw (ATT) and aipw (ATE)."""
    allrow = eff[eff["program_id"] == "ALL"].iloc[0]
    rows = [("aipw_att_own", "ATT", allrow["att"], allrow["att_se"], allrow["att_ci95_low"], allrow["att_ci95_high"],
             "influence function clustered by class, CR2-type correction, t(G-1); non-response and "
             "trimming weights"),
            ("aipw_att_own_bootstrap", "ATT", allrow["att"], np.nan, allrow["att_boot_ci95_low"],
             allrow["att_boot_ci95_high"], "secondary: bootstrap of applicants within class x arm (classes fixed)"),
            ("ipw_att_own", "ATT", allrow["att_ipw"], np.nan, allrow["att_ipw_ci95_low"], allrow["att_ipw_ci95_high"],
             "bootstrap as AIPW"),
            ("logit_ame", "AME", pooled_ame.get("ame", np.nan), pooled_ame.get("se", np.nan),
             pooled_ame.get("ame", np.nan) - 1.96 * pooled_ame.get("se", np.nan),
             pooled_ame.get("ame", np.nan) + 1.96 * pooled_ame.get("se", np.nan),
             "statsmodels Logit, cluster-robust by cohort, get_margeff(at='overall', dummy=True)")]
    d = df[df["R"] & df["e"].notna()].reset_index(drop=True)
    Xs = pd.DataFrame({c: d[c].to_numpy(float) for c in COVARIATES})
    for y in years[1:]:
        Xs[f"year_{y}"] = (d["year"] == y).astype(float)
    grp = sorted(d["program_group"].unique())
    for gname in grp[1:]:
        Xs[f"group_{gname}"] = (d["program_group"] == gname).astype(float)
    Xsel = Xs.assign(log_admission_ratio=d["log_admission_ratio"].to_numpy())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            from statsmodels.treatment.treatment_effects import TreatmentEffect

            sel = sm.Logit(d["T"].to_numpy(), sm.add_constant(Xsel)).fit(disp=0, maxiter=300)
            te = TreatmentEffect(sm.OLS(d["Y"].to_numpy(), sm.add_constant(Xs)), d["T"].to_numpy(),
                                 results_select=sel)
            r_ipw = te.ipw(effect_group=1).summary_frame().iloc[0]
            r_aipw = te.aipw().summary_frame().iloc[0]
            for name, est, r in (("statsmodels_te_ipw", "ATT", r_ipw), ("statsmodels_te_aipw", "ATE", r_aipw)):
                rows.append((name, est, float(r["coef"]), float(r["std err"]), float(r["Conf. Int. Low"]),
                             float(r["Conf. Int. Upp."]), "TreatmentEffect GMM SEs (respondents, unweighted; "
                             "ipw_ra/aipw_wls not used: statsmodels 0.15.0 bug)"))
        except Exception as exc:
            rows.append(("statsmodels_te", "ATT", np.nan, np.nan, np.nan, np.nan, f"failed: {exc}"))
    return pd.DataFrame(rows, columns=["method", "estimand", "estimate", "se", "ci95_low", "ci95_high", "note"])


def _smd(x, t, w):
    """Standardised mean difference (pooled unweighted SD in the denominator)."""
    m1 = np.average(x[t], weights=w[t]) if w[t].sum() > 0 else np.nan
    m0 = np.average(x[~t], weights=w[~t]) if w[~t].sum() > 0 else np.nan
    s = np.sqrt((x[t].var() + x[~t].var()) / 2.0)
    return (m1 - m0) / s if s > 0 else 0.0


def balance_table(df: pd.DataFrame, progs) -> pd.DataFrame:
    """SMD of covariates before and after ATT weighting (respondents, trimmed), pooled and by programme."""
    d = df[df["R"] & ~df["trimmed"] & df["e"].notna()]
    rows = []
    scopes = [("ALL", d)] + [(p, d[d["program_id"] == p]) for p in progs]
    for scope, s in scopes:
        t = (s["T"] == 1).to_numpy()
        if t.sum() < 2 or (~t).sum() < 2:
            continue
        w_raw = np.ones(len(s))
        r = (s["e"] / (1 - s["e"])).to_numpy()
        w_att = s["w_R"].to_numpy() * np.where(t, 1.0, r)
        if scope == "ALL":  # normalise control weights within programme (programme-specific ATT)
            ctrl_sum = pd.Series(np.where(~t, w_att, 0.0)).groupby(s["program_id"].to_numpy()).transform("sum")
            trt_sum = pd.Series(np.where(t, w_att, 0.0)).groupby(s["program_id"].to_numpy()).transform("sum")
            w_att = np.where(t, w_att, w_att * trt_sum.to_numpy() / np.maximum(ctrl_sum.to_numpy(), 1e-12))
        for c in BALANCE_COVARIATES:
            x = s[c].to_numpy(float)
            rows.append((scope, c, _smd(x, t, w_raw), _smd(x, t, w_att), int(t.sum()), int((~t).sum())))
    out = pd.DataFrame(rows, columns=["scope", "covariate", "smd_unweighted", "smd_weighted", "n_treated",
                                      "n_control"])
    out["balanced"] = out["smd_weighted"].abs() < 0.1
    return out


def response_table(df: pd.DataFrame, rmod, Xr) -> pd.DataFrame:
    rows = []
    for lab, m in (("admitted", df["T"] == 1), ("rejected", df["T"] == 0), ("all", df["T"] >= 0)):
        rows.append((lab, int(m.sum()), float(df.loc[m, "R"].mean())))
    out = pd.DataFrame(rows, columns=["group", "n_due", "response_rate"])
    return out
