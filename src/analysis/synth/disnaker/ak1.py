"""AK/I (kartu kuning) registrations of job seekers, and the tracer-card placement link."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .common import CERTS, EDU_CODES, EDU_ISCED, EDU_RANK, EXTRACT, FIELD_BY_MG, REPORT_RATE, START, _months
from .titles import make_titles


_SYL = ["ar", "di", "ra", "ma", "sa", "ti", "na", "wan", "ri", "ka", "yu", "ni", "to", "ha", "fi",
        "la", "de", "wi", "ja", "nu", "ro", "si", "ta", "bu", "mi", "an", "in", "ad", "ri", "sya"]

_STREETS = ["Jl. Sintetis", "Jl. Contoh", "Jl. Dummy", "Gg. Fiktif", "Jl. Demo", "Jl. Rekaan"]

def _fake_names(rng, n) -> np.ndarray:
    """Synthetic name-like strings built from syllables (no real names)."""
    s = np.array(_SYL)
    a = s[rng.integers(0, len(s), (n, 3))]
    b = s[rng.integers(0, len(s), (n, 2))]
    first = pd.Series(a[:, 0]).str.cat([a[:, 1], a[:, 2]]).str.capitalize()
    last = pd.Series(b[:, 0]).str.cat(b[:, 1]).str.capitalize()
    return (first + " " + last + " (sintetis)").to_numpy()

def _fake_addresses(rng, n) -> np.ndarray:
    st = np.array(_STREETS)[rng.integers(0, len(_STREETS), n)]
    no = rng.integers(1, 200, n).astype(str)
    rt = pd.Series(rng.integers(1, 60, n)).map("{:02d}".format)
    return (pd.Series(st) + " No. " + no + ", RT " + rt).to_numpy()

def link_tracer_placements(rng, ak1: pd.DataFrame, trainee_truth: pd.DataFrame
                           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Make the AK/I cards of trainees agree with their 6-month situation, as in reality.

    A placement reported to Disnaker is a job the trainee holds, so the tracer sees it: for each
    seeker with a due tracer, the card carries a placement exactly when the seeker was wage
    employed six months after a course (the last such course) *and* the employer reported it
    (probability ``REPORT_RATE``); the placement date falls between the course end and the
    tracer, with the tracer's employer and occupation. Cards of trainees without a reported job
    lose any placement the independent card draw gave them (status back to active/expired).

    Returns
    -------
    (ak1, truth)
        The corrected cards and one truth row ``unreported_placement_share``: ``value`` is the
        realised share, over wage-employed due trainee records (respondents or not), of those
        whose card carries no placement (what the tracer link estimates), ``value2`` the generator's rate ``1 - REPORT_RATE``.
    """
    due = trainee_truth[trainee_truth["due"]]
    # one card per seeker: the job of the seeker's last course with a wage job at its tracer
    wage_rec = due[due["status"] == "wage_employed"].sort_values(["seeker_id", "end_date"], kind="mergesort")
    t = due.drop_duplicates("seeker_id", keep="last").set_index("seeker_id")[[]].copy()
    job = wage_rec.drop_duplicates("seeker_id", keep="last").set_index("seeker_id")
    t = t.join(job[["employer_id", "kbji4", "end_date"]])
    wage = t["end_date"].notna().to_numpy()
    reported = wage & (rng.random(len(t)) < REPORT_RATE)
    lag = pd.to_timedelta(rng.integers(15, 175, len(t)), unit="D")
    pdate = (pd.to_datetime(t["end_date"]) + lag).where(reported)
    out = ak1.copy()
    row = pd.Series(np.arange(len(out)), index=out["seeker_id"].to_numpy())
    i = row.reindex(t.index.to_numpy()).to_numpy()
    ok = ~np.isnan(i)
    i, rep, pdate, tt = i[ok].astype(int), reported[ok], pdate[ok], t[ok]
    valid_until = pd.to_datetime(out["valid_until"].iloc[i]).to_numpy()
    status = np.where(rep, "placed", np.where(valid_until >= np.datetime64(EXTRACT), "active", "expired"))
    out.iloc[i, out.columns.get_loc("status")] = status
    out.iloc[i, out.columns.get_loc("placement_date")] = pdate.dt.strftime("%Y-%m-%d").to_numpy(dtype=object)
    out.iloc[i, out.columns.get_loc("placement_employer_id")] = np.where(rep, tt["employer_id"].fillna(""), "")
    out.iloc[i, out.columns.get_loc("placement_kbji4")] = np.where(rep, tt["kbji4"].fillna(""), "")
    # the estimand of the tracer link: wage-employed due trainee records whose card has no placement
    on_card = pd.Series(rep, index=tt.index)
    linked = wage_rec["seeker_id"].map(on_card).dropna().astype(bool)
    n_wage = int(len(linked))
    share = float((~linked).mean()) if n_wage else np.nan
    truth = pd.DataFrame({"truth_type": ["unreported_placement_share"], "key": ["trainees_wage_employed_6m"],
                          "kbji4": [""], "text": [""], "label": [f"n={n_wage}"], "value": [share],
                          "value2": [1.0 - REPORT_RATE],
                          "note": ["DEMO ASSUMPTION (synthetic truth, not a fact about Bontang)"]})
    return out, truth

def _population_persons(population):
    """Working-age persons of the synthetic population, or None (flexible column names)."""
    if population is None:
        return None
    persons = getattr(population, "persons", None)
    if persons is None and isinstance(population, dict):
        persons = population.get("persons")
    if not isinstance(persons, pd.DataFrame):
        return None
    cols = {c.lower(): c for c in persons.columns}

    def pick(*names):
        return next((cols[n] for n in names if n in cols), None)

    sex, age, edu = pick("jenis_kelamin", "sex"), pick("umur", "age"), pick("pendidikan", "education")
    kec = pick("kode_kecamatan_bps", "kecamatan_bps", "bps_kecamatan")
    if not all((sex, age, edu, kec)):
        return None
    p = pd.DataFrame({"sex": persons[sex].astype(str).str[0], "age": pd.to_numeric(persons[age], errors="coerce"),
                      "edu": persons[edu].astype(str), "kec": persons[kec].astype(str)})
    # AK/I holders are mostly the unemployed, some employed looking for a better job
    lf = pick("status_angkatan_kerja_2024", "status_angkatan_kerja")
    if lf is not None:
        st = persons[lf].astype(str).to_numpy()
        p["w"] = np.select([st == "pengangguran", st == "bekerja"], [1.0, 0.08], 0.03)
    else:
        p["w"] = 1.0
    # ... and young: AK/I registrants are mostly school leavers and young adults
    p["w"] = p["w"] * np.select([p["age"] < 25, p["age"] < 30, p["age"] < 35, p["age"] < 45],
                                [1.0, 0.8, 0.45, 0.2], 0.08)
    p = p[p["age"].between(18, 57) & p["edu"].isin(EDU_CODES) & p["sex"].isin(["1", "2"])]
    return p.reset_index(drop=True) if len(p) > 1000 else None

def _ak1(rng, cat, inflow, spell, kec_codes, kec_p, population, emp):
    """AK/I cards: one row per seeker (card), registrations 2020-2025, extract 2025-12-31."""
    months = pd.period_range("2020-01", "2025-12", freq="M")
    mo = months.month.to_numpy()
    season = 1.0 + 0.55 * np.isin(mo, [6, 7, 8]) + 0.2 * np.isin(mo, [3, 9])  # school leaving, TA
    year = months.year.to_numpy()
    level = np.select([year <= 2021, year == 2022, year == 2023, year == 2024], [330, 360, 370, 395], 360.0)
    lam = level * season / season.mean()
    n_month = rng.poisson(lam)
    n = int(n_month.sum())
    reg_month = np.repeat(np.arange(len(months)), n_month)
    reg_date = months[reg_month].to_timestamp() + pd.to_timedelta(rng.integers(0, 28, n), unit="D")
    reg_date = pd.Series(reg_date)

    p_occ = inflow / inflow.sum()
    occ_idx = rng.choice(len(cat), n, p=p_occ)
    codes = cat["kbji4"].to_numpy()[occ_idx]
    female = rng.random(n) < cat["female"].to_numpy()[occ_idx] * 0.85
    sex = np.where(female, "2", "1")

    # education by occupation: modal minimum, shifted up a little
    min_rank = cat["min_edu"].map(EDU_RANK).to_numpy()[occ_idx]
    shift = rng.choice([0, 1, -1], n, p=[0.72, 0.14, 0.14])
    rank = np.clip(min_rank + shift, 1, 5)
    rank = np.where((rank == 4) & (rng.random(n) < 0.45), 3, rank)  # many diploma jobs get SMK applicants
    smk_pref = np.isin(codes.astype(str).astype("U1"), ["3", "7", "8"])
    edu = np.select([rank == 1, rank == 2, rank == 3, rank == 4], ["sd", "smp", "sma", "diploma"], "universitas")
    edu = np.where((rank == 3) & (rng.random(n) < np.where(smk_pref, 0.75, 0.35)), "smk", edu)
    age = np.clip(np.round(rng.gamma(4.0, 2.1, n) + 17 + 2 * (rank >= 4)), 18, 57).astype(int)
    kec = kec_codes[rng.choice(len(kec_codes), n, p=kec_p)]

    persons = _population_persons(population)
    if persons is not None:  # demographics from the synthetic population, matched on sex x edu
        key_p = persons["sex"] + "|" + persons["edu"]
        key_s = pd.Series(sex) + "|" + pd.Series(edu)
        pools = {k: (g.index.to_numpy(), np.cumsum(g["w"].to_numpy())) for k, g in persons.groupby(key_p)}
        u = rng.random(n)
        for k, idx in pd.Series(np.arange(n)).groupby(key_s):  # loop over sex x education cells
            pool, cw = pools.get(k, (None, None))
            if pool is None or len(pool) == 0 or cw[-1] <= 0:
                continue
            take = pool[np.minimum(np.searchsorted(cw, u[idx.to_numpy()] * cw[-1], side="right"), len(pool) - 1)]
            age[idx.to_numpy()] = np.clip(persons["age"].to_numpy()[take], 18, 57).astype(int)
            kec[idx.to_numpy()] = persons["kec"].to_numpy()[take]

    birth_year = reg_date.dt.year.to_numpy() - age
    isced = np.vectorize(EDU_ISCED.get)(edu)
    isced = np.where((edu == "universitas") & (rng.random(n) < 0.06), 7, isced)
    mg = codes.astype(str).astype("U1")
    field = np.vectorize(lambda m: FIELD_BY_MG[m][0])(mg)
    field_f = np.vectorize(lambda m: FIELD_BY_MG[m][1])(mg)
    general = np.isin(edu, ["sd", "smp", "sma"])
    field = np.where(general, "Umum", field)
    field_f = np.where(general, "00", field_f)
    grad_year = np.minimum(reg_date.dt.year.to_numpy(), birth_year + np.select(
        [rank == 1, rank == 2, rank == 3, rank == 4], [13, 16, 19, 22], 23) + rng.integers(0, 3, n))
    exp_years = np.clip(np.round(rng.exponential(1.0 + 0.25 * np.maximum(age - 22, 0), n)) *
                        (rng.random(n) < 0.55), 0, 30).astype(int)
    ktp = (rng.random(n) < 0.84).astype(int)

    # certificates held (share by desired occupation: scarce certificates are scarce)
    cert_prob = {
        "BNSP-SMAW-3G": {"7212": 0.55, "7213": 0.15, "7214": 0.15, "7126": 0.12},
        "BNSP-SMAW-6G": {"7212": 0.10, "7126": 0.02},
        "K3-UMUM": {"3257": 0.55, "2263": 0.5, "3115": 0.08, "3123": 0.1, "2144": 0.05},
        "RIGGER-L1": {"7215": 0.45, "8343": 0.15, "7119": 0.05},
        "SCAFF-L1": {"7119": 0.40, "9313": 0.01, "7215": 0.05},
        "SIO-FORKLIFT": {"8344": 0.55, "4321": 0.03, "9333": 0.02},
        "GADA-PRATAMA": {"5414": 0.45},
    }
    cert_cols = []
    for c in CERTS:
        base = 0.0005 if c in ("BNSP-SMAW-6G", "RIGGER-L1", "SCAFF-L1") else 0.003
        p = np.vectorize(lambda k: cert_prob[c].get(k, base))(codes)
        cert_cols.append(np.where(rng.random(n) < p, c, ""))
    cert_arr = np.stack(cert_cols, axis=1)
    certificates = pd.Series([";".join(x for x in row if x) for row in cert_arr.tolist()])

    # search spell, renewals, placements
    L = rng.exponential(spell[occ_idx]) + 0.3
    n_valid_periods = np.ceil(L / 6.0).astype(int)
    n_valid_periods = np.maximum(n_valid_periods, 1)
    valid_until = _months(reg_date, 6 * n_valid_periods) - pd.Timedelta(days=1)
    n_renew = n_valid_periods - 1
    last_renewal = _months(reg_date, 6 * n_renew)
    last_renewal = last_renewal.where(n_renew > 0)
    k = cat["kappa"].to_numpy()[occ_idx]
    placed = rng.random(n) < np.clip(0.45 + 0.08 * k, 0.15, 0.8)
    reported = rng.random(n) < REPORT_RATE
    end_date = reg_date + pd.to_timedelta(np.round(L * 30.4).astype(int), unit="D")
    has_place = placed & reported & (end_date <= EXTRACT)
    place_date = end_date.where(has_place)
    status = np.where(has_place, "placed", np.where(valid_until >= EXTRACT, "active", "expired"))
    status = np.where(~has_place & (reg_date > EXTRACT), "active", status)
    # placement employer and occupation (mostly the desired one)
    emp_ids = emp["employer_id"].to_numpy()
    pe = np.where(has_place, emp_ids[rng.integers(0, len(emp_ids), n)], "")
    pk = np.where(rng.random(n) < 0.8, codes, cat["kbji4"].to_numpy()[rng.integers(0, len(cat), n)])
    pk = np.where(has_place, pk, "")

    # texts: desired job and last job (truth hidden)
    desired = make_titles(rng, codes, cat, kind="ak1", p_generic=0.22)
    blank_desired = rng.random(n) < 0.07
    last_code = np.where(rng.random(n) < 0.6, codes, cat["kbji4"].to_numpy()[rng.choice(len(cat), n, p=p_occ)])
    has_last = exp_years > 0
    last_txt = make_titles(rng, last_code, cat, kind="ak1", p_generic=0.22)
    last_txt = np.where(has_last, last_txt, "")
    desired = np.where(blank_desired & has_last, "", desired)

    keep = (valid_until >= START).to_numpy() & (reg_date <= EXTRACT).to_numpy()
    yr = reg_date.dt.year.astype(str).to_numpy()
    df = pd.DataFrame({
        "reg_date": reg_date, "yr": yr,
    })
    order = np.lexsort((np.arange(n), reg_date.to_numpy()))
    seq = np.empty(n, dtype=int)
    seq[order] = np.arange(n)
    seeker_id = pd.Series(yr) + "-" + pd.Series(seq + 1).map("{:06d}".format)
    seeker_id = "AK1-" + seeker_id
    df = pd.DataFrame({
        "seeker_id": seeker_id,
        "nama": _fake_names(rng, n),
        "alamat": _fake_addresses(rng, n),
        "registration_date": reg_date.dt.strftime("%Y-%m-%d"),
        "last_renewal_date": last_renewal.dt.strftime("%Y-%m-%d"),
        "valid_until": valid_until.dt.strftime("%Y-%m-%d"),
        "n_renewals": n_renew,
        "kode_kecamatan_bps": kec,
        "ktp_bontang": ktp,
        "jenis_kelamin": sex,
        "birth_year": birth_year,
        "pendidikan": edu,
        "isced_level": isced,
        "education_field": field,
        "isced_f": field_f,
        "graduation_year": grad_year,
        "experience_years": exp_years,
        "last_job_text": last_txt,
        "desired_job_text": desired,
        "certificates": certificates,
        "disability": (rng.random(n) < 0.015).astype(int),
        "status": status,
        "placement_date": place_date.dt.strftime("%Y-%m-%d"),
        "placement_employer_id": pe,
        "placement_kbji4": pk,
    })
    truth = pd.DataFrame({"seeker_id": seeker_id, "desired_text": desired, "desired_kbji4": codes,
                          "last_text": last_txt, "last_kbji4": last_code, "placed_true": placed,
                          "reg_date": reg_date, "end_date": end_date})
    df = df[keep].sort_values("seeker_id", kind="mergesort").reset_index(drop=True)
    truth = truth[keep].sort_values("seeker_id", kind="mergesort").reset_index(drop=True)
    return df, truth
