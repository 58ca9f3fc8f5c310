"""Training programmes, cohorts, applicants (admitted and wait-listed) and trainees with 6-month outcomes."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .common import EDU_RANK, EXTRACT, YEARS, _logistic


def _training(rng, prog, ak1, cat):
    """Programmes, cohorts, applicants (incl. rejected), trainees with 6-month tracer outcomes."""
    cost = (prog["cost_juta"] * 1e6).round().astype(int)
    programs_out = pd.DataFrame({
        "program_id": prog["program_id"],
        "provider_id": prog["provider_type"].map({"BLKI-Prov UPTD": "PRV-BLKI", "LPK swasta": "PRV-LPK",
                                                  "CSR": "PRV-CSR", "Disnaker-APBD": "PRV-DISNAKER",
                                                  "BLK Komunitas": "PRV-BLKK", "online-Prakerja": "PRV-ONLINE"})
        + "-" + prog["program_id"].str[-2:],
        "provider_type": prog["provider_type"], "program_name": prog["program_name"],
        "skkni_scheme": np.where(prog["certificate"] != "", "SKEMA-" + prog["certificate"], "SKEMA-UNIT-"
                                 + prog["program_id"]),
        "target_kbji": prog["target_kbji"], "certificate": prog["certificate"],
        "duration_days": prog["duration_days"], "duration_hours": prog["duration_days"] * 6,
        "class_size": 16, "cost_per_trainee_idr": cost,
        "certification_body": np.where(prog["certificate"].str.startswith("BNSP"), "LSP P1 BLKI",
                                       np.where(prog["certificate"] != "", "LSP/PJK3", "LSP P3")),
        "funding_source": prog["funding_source"], "self_employment_oriented": prog["self_emp"],
    })
    # cohorts
    rows = []
    for p in prog.itertuples():
        for year in YEARS:
            n_c = max(1, p.cohorts_per_year + int(rng.integers(-1, 2)))
            starts = np.sort(rng.choice(np.arange(1, 11), n_c, replace=n_c > 10))
            for sm in starts:
                rows.append((p.program_id, year, int(sm)))
    coh = pd.DataFrame(rows, columns=["program_id", "year", "month"])
    coh["start_date"] = pd.to_datetime(dict(year=coh["year"], month=coh["month"], day=1)) + \
        pd.to_timedelta(rng.integers(0, 20, len(coh)), unit="D")
    coh = coh.merge(prog, on="program_id", how="left")
    coh["end_date"] = coh["start_date"] + pd.to_timedelta(np.ceil(coh["duration_days"] * 1.4).astype(int), unit="D")
    coh = coh.sort_values(["start_date", "program_id"], kind="mergesort").reset_index(drop=True)
    coh["cohort_id"] = "COH-" + coh["year"].astype(str) + "-" + (coh.groupby("year").cumcount() + 1).map("{:03d}".format)
    coh["seats"] = 16
    ratio = coh["oversub"].to_numpy() * rng.lognormal(0, 0.12, len(coh))
    not_over = rng.random(len(coh)) < 0.12
    ratio = np.where(not_over, rng.uniform(0.8, 1.0, len(coh)), ratio)
    coh["applicants_n"] = np.maximum(np.round(16 * ratio), 10).astype(int)
    coh["selection_rule"] = rng.choice(["first_come", "test", "lottery"], len(coh), p=[0.3, 0.5, 0.2])

    # applicants: AK/I holders valid at the cohort start; weights follow the programme profile
    reg = pd.to_datetime(ak1["registration_date"]).to_numpy()
    vu = pd.to_datetime(ak1["valid_until"]).to_numpy()
    female = (ak1["jenis_kelamin"] == "2").to_numpy()
    rank = ak1["pendidikan"].map(EDU_RANK).to_numpy()
    age_reg = (pd.to_datetime(ak1["registration_date"]).dt.year - ak1["birth_year"]).to_numpy()
    fem_share = {"7212": 0.03, "7215": 0.02, "7119": 0.02, "3257": 0.3, "7233": 0.02, "8342": 0.03, "8344": 0.05,
                 "7411": 0.05, "7412": 0.05, "3133": 0.15, "7127": 0.05, "7231": 0.03, "4120": 0.9, "4110": 0.7,
                 "7531": 0.9, "5141": 0.3, "5142": 0.97, "5120": 0.8, "6111": 0.4, "9112": 0.6, "5414": 0.08,
                 "6221": 0.5, "2431": 0.6, "4132": 0.6}
    app_rows = []
    for c in coh.itertuples():  # loop over ~280 cohorts (vector ops over seekers inside)
        first = c.target_kbji.split(":")[0]
        fs = fem_share.get(first, 0.3)
        valid = (reg <= np.datetime64(c.start_date)) & (vu >= np.datetime64(c.start_date))
        w = valid * np.where(female, fs, 1 - fs) * np.where(rank >= 3, 1.5, 1.0)
        w = w / w.sum()
        idx = rng.choice(len(ak1), c.applicants_n, replace=False, p=w)
        app_rows.append(pd.DataFrame({"cohort_id": c.cohort_id, "seeker_idx": idx}))
    app = pd.concat(app_rows, ignore_index=True).merge(coh[["cohort_id", "program_id", "start_date", "end_date", "seats",
                                                            "selection_rule", "true_att", "self_emp", "year"]],
                                                       on="cohort_id", how="left")
    s = ak1.iloc[app["seeker_idx"].to_numpy()].reset_index(drop=True)
    app["seeker_id"] = s["seeker_id"].to_numpy()
    app["jenis_kelamin"] = s["jenis_kelamin"].to_numpy()
    app["female"] = (app["jenis_kelamin"] == "2").astype(int)
    app["age"] = (app["start_date"].dt.year - s["birth_year"]).to_numpy()
    app["pendidikan"] = s["pendidikan"].to_numpy()
    app["edu_rank"] = app["pendidikan"].map(EDU_RANK)
    app["education_field"] = s["education_field"].to_numpy()
    app["ktp_bontang"] = s["ktp_bontang"].to_numpy()
    app["employed_before"] = (s["experience_years"].to_numpy() > 0).astype(int)
    app["unemployment_months"] = np.clip(np.round(
        (app["start_date"] - pd.to_datetime(s["registration_date"]).to_numpy()).dt.days / 30.4), 0, 72).astype(int)
    app["kode_kecamatan_bps"] = s["kode_kecamatan_bps"].to_numpy()
    n = len(app)
    app["application_date"] = app["start_date"] - pd.to_timedelta(rng.integers(10, 45, n), unit="D")
    # selection: test score depends on X (observables only: ignorable given X)
    score = np.where(app["selection_rule"] == "lottery", rng.random(n),
                     np.where(app["selection_rule"] == "test",
                              0.6 * (app["edu_rank"] - 3) - 0.04 * (app["age"] - 28) + 0.3 * app["employed_before"]
                              + 0.3 * app["ktp_bontang"] + rng.normal(0, 0.9, n),
                              rng.random(n)))  # first come ~ random arrival
    app["score"] = score
    app["rank"] = app.groupby("cohort_id")["score"].rank(ascending=False, method="first").astype(int)
    app["admitted"] = (app["rank"] <= app["seats"]).astype(int)
    app["lottery_number"] = np.where(app["selection_rule"] == "lottery", rng.integers(1, 1000, n), -1)

    # outcomes at 6 months (potential outcomes; effect heterogeneity by sex and long-term unemployment)
    t = app["year"].to_numpy()
    xb = (-0.55 + 0.25 * (app["edu_rank"] - 3) - 0.025 * (app["age"] - 28) + 0.45 * app["employed_before"]
          - 0.02 * np.minimum(app["unemployment_months"], 36) + 0.25 * app["ktp_bontang"]
          - 0.25 * app["female"] - 0.25 * (t == 2024) + 0.1 * (t == 2022)
          + rng.normal(0, 0.15, n)).to_numpy()
    p0 = _logistic(xb)
    tau = app["true_att"].to_numpy() * (0.85 + 0.35 * app["female"].to_numpy()
                                        + 0.15 * (app["unemployment_months"].to_numpy() >= 12))
    p1 = np.clip(p0 + tau, 0.0, 0.99)
    d = app["admitted"].to_numpy()
    y = rng.random(n) < np.where(d == 1, p1, p0)
    self_share = np.where(app["self_emp"].to_numpy() == 1, 0.55, 0.15)
    self_e = y & (rng.random(n) < self_share)
    nonemp = rng.choice(["unemployed", "unemployed", "unemployed", "not_in_LF", "further_training"], n)
    status = np.where(y, np.where(self_e, "self_employed", "wage_employed"), nonemp)
    due = (app["end_date"] + pd.Timedelta(days=183) <= EXTRACT).to_numpy()
    resp = rng.random(n) < _logistic(0.75 + 0.35 * (app["edu_rank"].to_numpy() - 3) + 0.35 * app["ktp_bontang"]
                                     - 0.02 * (app["age"].to_numpy() - 28) + 0.2 * app["employed_before"])
    resp = resp & due
    # completion and certification (admitted)
    completed = (rng.random(n) < 0.9) & (d == 1)
    certified = completed & (rng.random(n) < np.where(coh.set_index("cohort_id").loc[app["cohort_id"], "certificate"]
                                                      .to_numpy() != "", 0.8, 0.88))
    earn = np.where(y, np.round(np.exp(np.log(4.2e6) + 0.1 * (app["edu_rank"].to_numpy() - 3)
                                       + rng.normal(0, 0.35, n)) / 50_000) * 50_000, 0)
    target_codes = app["cohort_id"].map(coh.set_index("cohort_id")["target_kbji"]).str.split(":").str[0].to_numpy()
    related = y & (rng.random(n) < np.where(d == 1, 0.6, 0.35))
    other = cat["kbji4"].to_numpy()[rng.integers(0, len(cat), n)]
    kbji6 = np.where(y, np.where(related, target_codes, other), "")
    emp6 = np.where(y & (status == "wage_employed"), "EMP-" + pd.Series(rng.integers(1, 151, n)).map("{:04d}".format),
                    "")
    contract6 = np.where(status == "wage_employed", rng.choice(["PKWTT", "PKWT", "harian", "TA-turnaround"], n,
                                                               p=[0.25, 0.45, 0.2, 0.1]), "")
    app = app.sort_values(["cohort_id", "rank"], kind="mergesort")
    order = app.index.to_numpy()
    app = app.reset_index(drop=True)
    app["applicant_id"] = "APL-" + pd.Series(np.arange(1, len(app) + 1)).map("{:06d}".format)

    def take(a):
        return np.asarray(a)[order]

    y, d, status, resp, due = take(y), take(d), take(status), take(resp), take(due)
    completed, certified, earn, kbji6, emp6, contract6, p0, p1 = (take(completed), take(certified), take(earn),
                                                                  take(kbji6), take(emp6), take(contract6),
                                                                  take(p0), take(p1))
    show = resp
    applicants = pd.DataFrame({
        "applicant_id": app["applicant_id"], "seeker_id": app["seeker_id"], "cohort_id": app["cohort_id"],
        "application_date": app["application_date"].dt.strftime("%Y-%m-%d"),
        "jenis_kelamin": app["jenis_kelamin"], "age": app["age"], "pendidikan": app["pendidikan"],
        "education_field": app["education_field"], "ktp_bontang": app["ktp_bontang"],
        "employed_before": app["employed_before"], "unemployment_months": app["unemployment_months"],
        "kode_kecamatan_bps": app["kode_kecamatan_bps"], "admitted": d, "rank": app["rank"],
        "lottery_number": app["lottery_number"].astype("Int64").where(app["lottery_number"] >= 0),
        # wait-list follow-up of rejected applicants (phone tracer at the cohort's 6-month date)
        "followup_due_6m": np.where(d == 0, due.astype(int), pd.NA),
        "followup_responded_6m": np.where((d == 0) & due, resp.astype(int), pd.NA),
        "followup_status_6m": np.where((d == 0) & show, status, ""),
    })
    for c in ("followup_due_6m", "followup_responded_6m"):
        applicants[c] = applicants[c].astype("Int64")
    tr = app[d == 1].copy()
    m = d == 1
    tr_show = show[m]
    trainees = pd.DataFrame({
        "trainee_id": "TRN-" + pd.Series(np.arange(1, m.sum() + 1)).map("{:06d}".format),
        "applicant_id": tr["applicant_id"].to_numpy(), "seeker_id": tr["seeker_id"].to_numpy(),
        "cohort_id": tr["cohort_id"].to_numpy(), "age": tr["age"].to_numpy(),
        "jenis_kelamin": tr["jenis_kelamin"].to_numpy(), "pendidikan": tr["pendidikan"].to_numpy(),
        "education_field": tr["education_field"].to_numpy(), "employed_before": tr["employed_before"].to_numpy(),
        "unemployment_months_at_entry": tr["unemployment_months"].to_numpy(),
        "ktp_bontang": tr["ktp_bontang"].to_numpy(), "completed": completed[m].astype(int),
        "certified": certified[m].astype(int), "tracer_due_6m": due[m].astype(int),
        "tracer_responded_6m": pd.array(np.where(due[m], resp[m].astype(int), -1)).astype("Int64"),
        "status_6m": np.where(tr_show, status[m], ""),
        "kbji4_6m": np.where(tr_show, kbji6[m], ""),
        "employer_id_6m": np.where(tr_show, emp6[m], ""),
        "related_to_training": pd.array(np.where(tr_show & y[m], (kbji6[m] != "") &
                                                 (pd.Series(kbji6[m]).str[:3].to_numpy()
                                                  == pd.Series(tr["cohort_id"].map(coh.set_index("cohort_id")[
                                                      "target_kbji"]).str[:3]).to_numpy()), -1)).astype("Int64"),
        "monthly_earnings_6m_idr": pd.array(np.where(tr_show & y[m], earn[m], -1)).astype("Int64"),
        "contract_type_6m": np.where(tr_show, contract6[m], ""),
    })
    for c in ("tracer_responded_6m", "related_to_training", "monthly_earnings_6m_idr"):
        trainees[c] = trainees[c].where(trainees[c] >= 0)
    trainees.loc[trainees["related_to_training"].notna(), "related_to_training"] = \
        trainees["related_to_training"].astype("Int64")
    # cohort counts
    agg = pd.DataFrame({"cohort_id": app["cohort_id"], "adm": d, "comp": completed, "cert": certified})
    g = agg.groupby("cohort_id").agg(applicants_n=("adm", "size"), enrolled_n=("adm", "sum"),
                                     completed_n=("comp", "sum"), certified_n=("cert", "sum")).reset_index()
    cohorts = coh[["cohort_id", "program_id", "start_date", "end_date", "seats", "selection_rule"]].merge(
        g, on="cohort_id", how="left")
    cohorts["start_date"] = cohorts["start_date"].dt.strftime("%Y-%m-%d")
    cohorts["end_date"] = cohorts["end_date"].dt.strftime("%Y-%m-%d")
    cohorts = cohorts[["cohort_id", "program_id", "start_date", "end_date", "seats", "applicants_n", "enrolled_n",
                       "completed_n", "certified_n", "selection_rule"]].sort_values("cohort_id").reset_index(drop=True)
    # truth: ATT among admitted applicants of oversubscribed cohorts whose tracer is due
    ovs = app.groupby("cohort_id")["admitted"].transform(lambda s: (s == 0).any()).to_numpy()
    est_pop = (d == 1) & ovs & due
    att = pd.DataFrame({"program_id": app["program_id"], "gain": p1 - p0, "est": est_pop, "adm": d == 1})
    att_truth = (att[att["est"]].groupby("program_id")["gain"].agg(["mean", "size"])
                 .rename(columns={"mean": "att", "size": "n_treated"}).reset_index())
    att_all = att[att["adm"]].groupby("program_id")["gain"].mean().rename("att_all_trainees").reset_index()
    att_truth = att_truth.merge(att_all, on="program_id", how="outer")
    pooled = float(att.loc[att["est"], "gain"].mean())
    att_truth = pd.concat([att_truth, pd.DataFrame({"program_id": ["ALL"], "att": [pooled],
                                                     "n_treated": [int(att["est"].sum())],
                                                     "att_all_trainees": [float(att.loc[att["adm"], "gain"].mean())]})],
                          ignore_index=True)
    att_truth = att_truth.merge(prog[["program_id", "true_att"]], on="program_id", how="left")
    # true 6-month situation of every trainee (also the tracer non-respondents): the card link
    trainee_truth = pd.DataFrame({"seeker_id": tr["seeker_id"].to_numpy(), "status": status[m],
                                  "employer_id": emp6[m], "kbji4": kbji6[m], "due": due[m],
                                  "end_date": tr["end_date"].to_numpy()})
    return programs_out, cohorts, applicants, trainees, att_truth, trainee_truth
