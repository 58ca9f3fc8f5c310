"""Vacancy records (with re-postings) and the employer survey."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .common import EDU_RANK, EXTRACT, FIELD_BY_MG, YEARS, _logistic
from .titles import make_titles


def _vacancies(rng, cat, emp, aff, v_base):
    """Vacancy records 2022-2025 (positions ~1,500/yr), with re-postings (duplicates)."""
    months = pd.period_range("2022-01", "2025-12", freq="M")
    yr = months.year.to_numpy()
    mo = months.month.to_numpy()
    t = yr - 2022
    kappa = cat["kappa"].to_numpy()
    growth = 0.07 * kappa                          # shortage occupations: demand rising
    macro = np.select([yr == 2024, yr == 2025], [0.88, 0.95], 1.0)  # 2024 contraction
    ta = np.isin(mo, [3, 4, 9, 10])                # turnaround months: contractor trades
    contractor_occ = (cat["sectors"] == "C").to_numpy()
    rate = (v_base[None, :] / 12.0) * np.exp(growth[None, :] * t[:, None]) * macro[:, None]
    rate = rate * np.where(ta[:, None] & contractor_occ[None, :], 1.6, 1.0)
    rate = rate * np.where(np.isin(mo, [1, 2, 11, 12])[:, None] & contractor_occ[None, :], 0.7, 1.0)
    # positions per record: bulk postings for TA trades
    mean_pos = np.where(contractor_occ, 2.4, 1.35)
    rec_rate = rate / mean_pos[None, :]
    n_rec = rng.poisson(rec_rate)                  # month x occupation
    mi, oi = np.nonzero(n_rec)
    reps = n_rec[mi, oi]
    mi = np.repeat(mi, reps)
    oi = np.repeat(oi, reps)
    n = len(mi)
    posted = months[mi].to_timestamp() + pd.to_timedelta(rng.integers(0, 28, n), unit="D")
    posted = pd.Series(posted)
    extra = rng.poisson(mean_pos[oi] - 1.0)
    npos = 1 + extra
    # employer: draw from affinity column
    cum = np.cumsum(aff, axis=0)
    u = rng.random(n)
    e_idx = np.empty(n, dtype=int)
    for j in np.unique(oi):  # loop over occupations
        m = oi == j
        e_idx[m] = np.minimum(np.searchsorted(cum[:, j], u[m] * cum[-1, j]), len(emp) - 1)
    codes = cat["kbji4"].to_numpy()[oi]
    k = kappa[oi]
    yrs = posted.dt.year.to_numpy() - 2022
    # requirements
    min_rank = cat["min_edu"].map(EDU_RANK).to_numpy()[oi] + rng.choice([0, 0, 0, 0, -1, 1], n)
    min_rank = np.clip(min_rank, 1, 5)
    min_edu = np.select([min_rank == 1, min_rank == 2, min_rank == 3, min_rank == 4], ["sd", "smp", "sma", "diploma"],
                        "universitas")
    cert = cat["cert"].to_numpy()[oi]
    need = rng.random(n) < np.where(cert != "", np.where(np.isin(cert, ["BNSP-SMAW-6G", "K3-UMUM"]), 0.88, 0.75), 0.0)
    req_cert = np.where(need, cert, "")
    welder = codes == "7212"
    req_cert = np.where(welder & need & (rng.random(n) < 0.25), "BNSP-SMAW-3G", req_cert)
    k3_extra = (rng.random(n) < 0.12) & np.isin(codes, ["7212", "7215", "7119", "3115", "3123"])
    req_cert = np.where(k3_extra & (req_cert != ""), pd.Series(req_cert) + ";K3-UMUM",
                        np.where(k3_extra, "K3-UMUM", req_cert))
    skill = cat["kbji4"].str[0].map({"1": 4, "2": 4, "3": 3, "4": 2, "5": 2, "6": 2, "7": 2, "8": 2, "9": 1}).to_numpy()[oi]
    min_exp = np.where(rng.random(n) < 0.5, 0, rng.integers(1, 4, n) + (skill >= 3))
    age_max = np.where(rng.random(n) < 0.55, np.where(np.isin(codes, ["5414", "5223", "5230", "5131"]), 30, 40), 0)
    age_max = np.where((age_max == 40) & (rng.random(n) < 0.4), 35, age_max)
    local_only = (rng.random(n) < 0.3).astype(int)
    wage_base = cat["wage"].to_numpy()[oi] * 1e6
    wage_g = 0.035 + 0.03 * k
    wage = wage_base * np.exp(wage_g * yrs) * np.exp(rng.normal(0, 0.12, n))
    wage = np.round(wage / 50_000) * 50_000
    wage_missing = rng.random(n) < 0.3
    contract = np.where(np.isin(codes, ["7212", "7119", "7215", "7126", "7132", "7214", "9313", "9312", "8343"])
                        & np.isin(posted.dt.month.to_numpy(), [3, 4, 9, 10]) & (rng.random(n) < 0.6),
                        "TA-turnaround", rng.choice(["PKWTT", "PKWT", "PKWT", "harian", "magang"], n,
                                                    p=[0.25, 0.3, 0.25, 0.12, 0.08]))
    source = rng.choice(["karirhub", "disnaker_form", "portal"], n, p=[0.45, 0.35, 0.2])
    # outcomes
    fr = _logistic(1.2 - 0.9 * k + rng.normal(0, 0.3, n))
    days_open = np.round(np.exp(np.log(25.0) + 0.33 * k + rng.normal(0, 0.45, n))).astype(int) + 3
    closed = posted + pd.to_timedelta(days_open + 10, unit="D")
    is_closed = (closed <= EXTRACT).to_numpy()
    filled = rng.binomial(npos, fr)
    nl = _logistic(-2.0 + 0.8 * k + rng.normal(0, 0.3, n))
    filled_local = filled - rng.binomial(filled, nl)
    filled_local = np.where(local_only == 1, np.maximum(filled_local, np.round(filled * 0.9)).astype(int), filled_local)
    apps = rng.poisson(npos * 12.0 * np.exp(-0.6 * k))
    qual = rng.binomial(apps, _logistic(-0.8 - 0.5 * k))
    suit = rng.binomial(qual, 0.6)
    days_fill = np.where(filled > 0, np.minimum(days_open, np.round(days_open * rng.uniform(0.5, 1.0, n))), -1)
    reason = np.where(filled < npos, rng.choice(["no_applicants", "lacking_certificate", "lacking_experience", "wage",
                                                 "other"], n, p=[0.2, 0.3, 0.25, 0.15, 0.1]), "")
    reason = np.where((filled < npos) & (req_cert == "") & (reason == "lacking_certificate"), "lacking_experience",
                      reason)
    titles = make_titles(rng, codes, cat, kind="vacancy")

    df = pd.DataFrame({
        "posted_date": posted, "employer_id": emp["employer_id"].to_numpy()[e_idx],
        "source": source, "job_title_text": titles, "n_positions": npos, "contract_type": contract,
        "min_education": min_edu, "required_field": np.where(np.isin(min_edu, ["smk", "diploma", "universitas"]) |
                                                              (rng.random(n) < 0.3), cat["kbji4"].str[0].map(
                                                                  lambda m: FIELD_BY_MG[m][0]).to_numpy()[oi], ""),
        "required_certificates": req_cert, "min_experience_years": min_exp.astype(int),
        "age_max": age_max.astype(float), "offered_wage_idr_month": np.where(wage_missing, np.nan, wage),
        "local_only": local_only, "applicants_n": apps, "qualified_applicants_n": qual,
        "suitable_applicants_n": suit, "closed": is_closed, "closed_date": closed, "filled_n": filled,
        "filled_local_n": filled_local, "days_to_fill": days_fill, "unfilled_reason": reason,
        "kbji4_true": codes,
    })
    df.loc[df["age_max"] == 0, "age_max"] = np.nan
    # re-postings on another channel within 60 days (same vacancy: must be de-duplicated)
    dup = rng.random(n) < 0.08
    d2 = df[dup].copy()
    d2["posted_date"] = d2["posted_date"] + pd.to_timedelta(rng.integers(1, 40, len(d2)), unit="D")
    d2["source"] = np.where(d2["source"] == "karirhub", "portal", "karirhub")
    case = rng.random(len(d2))
    d2["job_title_text"] = np.where(case < 0.4, d2["job_title_text"].str.lower(),
                                    np.where(case < 0.7, d2["job_title_text"].str.upper(),
                                             d2["job_title_text"] + " "))
    d2["job_title_text"] = d2["job_title_text"].str.rstrip() + np.where(case > 0.85, " ", "")
    d2["true_duplicate"] = 1
    df["true_duplicate"] = 0
    df["group"] = np.arange(n)
    d2["group"] = np.flatnonzero(dup)
    df = pd.concat([df, d2], ignore_index=True)
    df = df[df["posted_date"] <= EXTRACT].copy()
    df = df.sort_values(["posted_date", "employer_id", "group", "true_duplicate"], kind="mergesort").reset_index(drop=True)
    yr_s = df["posted_date"].dt.year.astype(str)
    seq = df.groupby(yr_s).cumcount() + 1
    df["vacancy_id"] = "LOW-" + yr_s + "-" + seq.map("{:05d}".format)
    first_id = df.groupby("group")["vacancy_id"].transform("first")
    closed_ok = df["closed"] & (df["closed_date"] <= EXTRACT)
    out = pd.DataFrame({
        "vacancy_id": df["vacancy_id"], "employer_id": df["employer_id"],
        "posted_date": df["posted_date"].dt.strftime("%Y-%m-%d"),
        "closed_date": df["closed_date"].dt.strftime("%Y-%m-%d").where(closed_ok, ""),
        "source": df["source"], "job_title_text": df["job_title_text"], "n_positions": df["n_positions"],
        "contract_type": df["contract_type"], "min_education": df["min_education"],
        "required_field": df["required_field"], "required_certificates": df["required_certificates"],
        "min_experience_years": df["min_experience_years"], "age_max": df["age_max"].astype("Int64"),
        "offered_wage_idr_month": df["offered_wage_idr_month"].round().astype("Int64"),
        "local_only": df["local_only"], "applicants_n": df["applicants_n"],
        "qualified_applicants_n": df["qualified_applicants_n"], "suitable_applicants_n": df["suitable_applicants_n"],
        "filled_n": df["filled_n"].astype("Int64").where(closed_ok),
        "filled_local_n": df["filled_local_n"].astype("Int64").where(closed_ok),
        "days_to_fill": df["days_to_fill"].astype("Int64").where(closed_ok & (df["days_to_fill"] >= 0)),
        "unfilled_reason": df["unfilled_reason"].where(closed_ok, ""),
    })
    truth = pd.DataFrame({"vacancy_id": out["vacancy_id"], "employer_id": out["employer_id"],
                          "title": out["job_title_text"], "kbji4": df["kbji4_true"],
                          "duplicate_of": np.where(df["true_duplicate"] == 1, first_id, ""),
                          "posted_date": df["posted_date"]})
    return out, truth

def _employer_survey(rng, cat, emp, aff, v_base):
    """Annual establishment survey (January waves 2022-2025): stratified sample with weights."""
    typ = emp["employer_type"].to_numpy()
    rows = []
    kappa = cat["kappa"].to_numpy()
    for year in YEARS:
        t = year - 2022
        macro = {2024: 0.88, 2025: 0.95}.get(year, 1.0)
        exp_hires = aff * (v_base * np.exp(0.07 * kappa * t) * macro)[None, :]   # employer x occ
        take = np.zeros(len(emp), dtype=bool)
        weight = np.ones(len(emp))
        for s, n_s in (("anchor_plant", None), ("contractor", None), ("services", 20), ("umkm", 20)):
            idx = np.flatnonzero(typ == s)
            if n_s is None:
                take[idx] = True
            else:
                sel = rng.choice(idx, n_s, replace=False)
                take[sel] = True
                weight[idx] = len(idx) / n_s
        resp = take & (rng.random(len(emp)) < 0.9)
        for i in np.flatnonzero(resp):
            e = exp_hires[i]
            occ = np.flatnonzero(e > 0.15)
            if len(occ) == 0:
                continue
            if len(occ) > 8:
                occ = occ[np.argsort(-e[occ], kind="mergesort")[:8]]
            planned = rng.poisson(e[occ] * rng.lognormal(0, 0.25, len(occ)))
            employed = np.maximum(planned * rng.integers(4, 12, len(occ)) + rng.poisson(3, len(occ)), 1)
            seps = rng.poisson(employed * 0.08)
            htf = rng.binomial(planned, np.clip(_logistic(-1.5 + 0.9 * kappa[occ]), 0, 1))
            for j, o in enumerate(occ):
                rows.append((year, emp["employer_id"].iat[i], cat["kbji4"].iat[o], int(employed[j]),
                             int(planned[j]), int(seps[j]), int(htf[j]), round(float(weight[i]), 4)))
    return pd.DataFrame(rows, columns=["survey_year", "employer_id", "kbji4", "employed_now", "planned_hires_12m",
                                       "expected_separations_12m", "hard_to_fill_n", "survey_weight"])
