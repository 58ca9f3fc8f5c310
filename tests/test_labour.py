"""Tests of the labour stage (stage 03).

Three groups:

1. definitional unit tests, one per BPS rule, on hand-built persons;
2. fixture tests: the design-based estimates against R survey (``svyratio``, ``svyby``) on the
   seeded sample in ``tests/fixtures/labour/`` (see ``make_fixtures.R`` for how to rerun);
3. stage tests: AK/I decomposition, published context, outputs, privacy suppression.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.labour import definitions as d

FIXTURES = Path(__file__).parent / "fixtures" / "labour"
REL_TOL = 1e-6


# ----------------------------------------------------------------------------- helpers
BASE = {
    "umur": 30, "jenis_kelamin": "1", "pendidikan": "sma", "kegiatan_utama": "lainnya",
    "bekerja_seminggu": 0, "sementara_tidak_bekerja": 0, "mencari_pekerjaan": 0,
    "mempersiapkan_usaha": 0, "alasan_tidak_mencari": "", "jam_kerja": np.nan,
    "mencari_kerja_tambahan": 0, "bersedia_tambah_jam": 0, "status_pekerjaan": np.nan,
    "kbli_kategori": "", "kbji_golongan": "", "sedang_sekolah": 0, "ikut_pelatihan": 0,
}
WORKER = {"bekerja_seminggu": 1, "jam_kerja": 40, "status_pekerjaan": 4, "kbli_kategori": "C",
          "kegiatan_utama": "bekerja", "kbji_golongan": "7"}


def person(**kw) -> pd.DataFrame:
    """A one-row person frame: the base person (30, not working, not looking) plus overrides."""
    return pd.DataFrame([{**BASE, **kw}])


def worker(**kw) -> pd.DataFrame:
    return person(**{**WORKER, **kw})


def one(series: pd.Series):
    assert len(series) == 1
    return series.iloc[0]


# ----------------------------------------------------------------------------- 1. definitions
def test_worked_one_hour_is_employed():
    p = worker(jam_kerja=1, kegiatan_utama="sekolah")
    assert one(d.employed(p))
    assert one(d.labour_force(p))
    assert not one(d.unemployed(p))


def test_zero_hours_not_absent_is_not_employed():
    p = person(bekerja_seminggu=0, jam_kerja=0)
    assert not one(d.employed(p))


def test_temporarily_absent_is_employed():
    p = person(sementara_tidak_bekerja=1, jam_kerja=0, status_pekerjaan=4)
    assert one(d.employed(p))
    assert one(d.temporarily_absent(p))
    assert one(d.labour_force(p))
    # absent workers are employed but neither full- nor part-time
    assert not one(d.part_time(p)) and not one(d.full_time(p)) and not one(d.underemployed(p))


def test_employed_person_who_also_looks_is_employed_not_unemployed():
    p = worker(mencari_pekerjaan=1)
    assert one(d.employed(p)) and not one(d.unemployed(p))


def test_job_seeker_is_unemployed():
    p = person(mencari_pekerjaan=1)
    assert one(d.unemployed(p))
    assert one(d.unemployment_category(p)) == "mencari_pekerjaan"


def test_preparing_business_is_unemployed():
    p = person(mempersiapkan_usaha=1)
    assert one(d.unemployed(p))
    assert one(d.unemployment_category(p)) == "mempersiapkan_usaha"


def test_discouraged_worker_is_unemployed():
    p = person(alasan_tidak_mencari="putus_asa")
    assert one(d.unemployed(p))
    assert one(d.unemployment_category(p)) == "putus_asa"
    assert one(d.labour_force(p))


def test_already_accepted_not_started_is_unemployed():
    p = person(alasan_tidak_mencari="sudah_diterima")
    assert one(d.unemployed(p))
    assert one(d.unemployment_category(p)) == "sudah_diterima"


def test_student_who_looked_for_work_is_unemployed():
    p = person(umur=19, kegiatan_utama="sekolah", sedang_sekolah=1, mencari_pekerjaan=1)
    assert one(d.unemployed(p))
    assert one(d.labour_force(p))


def test_student_not_looking_is_outside_labour_force():
    p = person(umur=19, kegiatan_utama="sekolah", sedang_sekolah=1, alasan_tidak_mencari="sekolah")
    assert one(d.outside_labour_force(p)) and not one(d.labour_force(p))


def test_homemaker_not_looking_is_outside_labour_force():
    p = person(kegiatan_utama="mengurus_rumah_tangga", alasan_tidak_mencari="mengurus_rumah_tangga")
    assert one(d.outside_labour_force(p))
    assert not one(d.labour_force(p)) and not one(d.unemployed(p))


def test_homemaker_who_looked_for_work_is_unemployed():
    p = person(kegiatan_utama="mengurus_rumah_tangga", mencari_pekerjaan=1)
    assert one(d.unemployed(p))


def test_fourteen_year_old_is_outside_working_age_population():
    p = worker(umur=14)
    assert not one(d.working_age(p))
    assert not one(d.employed(p)) and not one(d.labour_force(p)) and not one(d.outside_labour_force(p))
    q = person(umur=14, mencari_pekerjaan=1)
    assert not one(d.unemployed(q))


def test_fifteen_year_old_is_working_age_and_no_upper_limit():
    assert one(d.working_age(person(umur=15)))
    assert one(d.employed(worker(umur=80)))


def test_34_hours_and_willing_is_underemployed():
    p = worker(jam_kerja=34, bersedia_tambah_jam=1)
    assert one(d.underemployed(p)) and not one(d.part_time(p))


def test_34_hours_and_looking_for_more_is_underemployed():
    p = worker(jam_kerja=34, mencari_kerja_tambahan=1)
    assert one(d.underemployed(p))


def test_34_hours_neither_is_part_time():
    p = worker(jam_kerja=34)
    assert one(d.part_time(p)) and not one(d.underemployed(p))


def test_35_hours_is_full_time():
    p = worker(jam_kerja=35, bersedia_tambah_jam=1, mencari_kerja_tambahan=1)
    assert one(d.full_time(p))
    assert not one(d.underemployed(p)) and not one(d.part_time(p))


def test_unpaid_family_worker_is_informal():
    p = worker(status_pekerjaan=7, jam_kerja=20)
    assert one(d.informal(p)) and not one(d.formal(p))


@pytest.mark.parametrize("status,is_formal", [(1, False), (2, False), (3, True), (4, True),
                                              (5, False), (6, False), (7, False)])
def test_formal_informal_status_rule(status, is_formal):
    p = worker(status_pekerjaan=status)
    assert bool(one(d.formal(p))) is is_formal
    assert bool(one(d.informal(p))) is (not is_formal)


def test_status_read_from_strings():
    p = worker(status_pekerjaan="7")
    assert one(d.informal(p))


def test_neet_unemployed_youth_not_in_school():
    assert one(d.neet(person(umur=20, mencari_pekerjaan=1)))


def test_neet_inactive_youth_not_in_school():
    assert one(d.neet(person(umur=22, kegiatan_utama="mengurus_rumah_tangga")))


def test_student_is_not_neet():
    assert not one(d.neet(person(umur=17, sedang_sekolah=1, kegiatan_utama="sekolah")))


def test_trainee_is_not_neet():
    assert not one(d.neet(person(umur=21, ikut_pelatihan=1)))


def test_employed_youth_is_not_neet():
    assert not one(d.neet(worker(umur=20)))


def test_neet_only_15_to_24():
    assert not one(d.neet(person(umur=25)))
    assert not one(d.neet(person(umur=14)))
    assert one(d.neet(person(umur=24)))


def test_flags_tolerate_strings_and_missing():
    p = pd.DataFrame({**{k: [v] for k, v in BASE.items()}})
    p["bekerja_seminggu"] = pd.array(["1"], dtype="string")
    p["jam_kerja"] = ["40"]
    assert one(d.employed(p))
    q = person(bekerja_seminggu=np.nan, sementara_tidak_bekerja=None)
    assert not one(d.employed(q))


def test_age_and_education_groups():
    df = pd.concat([person(umur=a, pendidikan=e) for a, e in
                    [(15, "tidak_sekolah"), (24, "belum_tamat_sd"), (25, "sd"), (44, "smp"),
                     (45, "sma"), (54, "smk"), (55, "diploma"), (90, "universitas"), (12, "sd")]],
                   ignore_index=True)
    assert list(d.age_group(df)) == ["15-24", "15-24", "25-34", "35-44", "45-54", "45-54", "55+", "55+", ""]
    assert list(d.education_group(df)) == ["sd_kebawah"] * 3 + ["smp", "sma", "smk", "diploma",
                                                                "universitas", "sd_kebawah"]


def test_kbli_kbji_only_for_employed():
    df = pd.concat([worker(kbli_kategori="c", kbji_golongan="0"), person(kbli_kategori="G", kbji_golongan=5)],
                   ignore_index=True)
    assert list(d.kbli_section(df)) == ["C", ""]
    assert list(d.kbji_major_group(df)) == ["0", ""]


def test_classify_is_consistent():
    rng = np.random.default_rng(1)
    n = 2000
    df = pd.DataFrame({
        **{k: [v] * n for k, v in BASE.items()},
        "umur": rng.integers(10, 80, n),
        "bekerja_seminggu": rng.integers(0, 2, n),
        "sementara_tidak_bekerja": rng.integers(0, 2, n),
        "mencari_pekerjaan": rng.integers(0, 2, n),
        "mempersiapkan_usaha": rng.integers(0, 2, n),
        "alasan_tidak_mencari": rng.choice(["", "putus_asa", "sudah_diterima", "sekolah", "lainnya"], n),
        "jam_kerja": rng.integers(0, 60, n),
        "bersedia_tambah_jam": rng.integers(0, 2, n),
        "status_pekerjaan": rng.integers(1, 8, n),
        "sedang_sekolah": rng.integers(0, 2, n),
    })
    c = d.classify(df)
    wa = c["working_age"]
    # partition of the working-age population
    total = c["employed"].astype(int) + c["unemployed"].astype(int) + c["outside_labour_force"].astype(int)
    assert (total[wa] == 1).all() and (total[~wa] == 0).all()
    # partition of the employed at work by hours
    hrs = c["underemployed"].astype(int) + c["part_time"].astype(int) + d.full_time(df).astype(int)
    assert (hrs[c["at_work"]] == 1).all()
    assert (c["formal"] ^ c["informal"])[c["employed"]].all()
    assert not (c["neet"] & ~c["youth"]).any()


# ----------------------------------------------------------------------------- 2. fixtures (R survey)
def _fixture_sample() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "sample.csv", dtype=str, keep_default_na=False)


def _expected() -> pd.DataFrame:
    exp = pd.read_csv(FIXTURES / "expected.csv", dtype=str, keep_default_na=False)
    exp["value"] = exp["value"].astype(float)
    return exp.pivot_table(index=["year", "indicator", "domain_level", "domain_code"], columns="stat",
                           values="value", aggfunc="first").reset_index()


@pytest.fixture(scope="module")
def fixture_estimates():
    from analysis.labour import estimation as est

    sample = _fixture_sample()
    out = {}
    for year in ("2023", "2024"):
        s = est.prepare_sample(sample[sample["tahun"] == year].copy(), year)
        out[year] = est.estimate_indicators(s, reliability={"min_n_sample": 0})
    dfs = tuple(est.prepare_sample(sample[sample["tahun"] == y].copy(), y).design.df for y in ("2023", "2024"))
    changes_est, changes = est.estimate_changes(out["2023"], out["2024"], df=dfs)
    return out, changes_est, changes


def _close(a, b, rel=REL_TOL):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return np.abs(a - b) <= rel * np.maximum(np.abs(b), 1e-12)


def test_fixture_sample_shape():
    s = _fixture_sample()
    per_year = s.groupby("tahun").agg(n=("id_art", "size"), strata=("strata", "nunique"))
    psus = s.groupby("tahun").apply(lambda g: g[["strata", "psu"]].drop_duplicates().shape[0])
    assert (per_year["strata"] == 3).all()
    assert psus.between(28, 32).all()
    assert per_year["n"].between(550, 650).all()


def test_estimates_match_r_survey(fixture_estimates):
    years, _, _ = fixture_estimates
    exp = _expected()
    exp = exp[exp["year"].isin(["2023", "2024"]) & (exp["indicator"] != "design")]
    ours = pd.concat(years.values(), ignore_index=True).rename(columns={"period": "year"})
    m = exp.merge(ours, on=["year", "indicator", "domain_level", "domain_code"], how="outer",
                  suffixes=("_r", ""), indicator=True)
    missing = m[m["_merge"] != "both"]
    cols = ["year", "indicator", "domain_level", "domain_code", "_merge"]
    assert missing.empty, f"domains differ from R: {missing[cols].head(10)}"
    assert len(m) > 150
    for stat in ("estimate", "se", "ci_low", "ci_high"):
        ok = _close(m[stat], m[f"{stat}_r"] if f"{stat}_r" in m else m[stat])
        bad = m.loc[~ok, ["year", "indicator", "domain_level", "domain_code", stat, f"{stat}_r"]]
        assert ok.all(), f"{stat} differs from R survey beyond {REL_TOL}:\n{bad.head(10)}"
    assert (m["n_sample"].astype(int) == m["n_sample_r"].astype(int)).all()


def test_changes_match_r_survey(fixture_estimates):
    _, changes_est, changes = fixture_estimates
    exp = _expected()
    exp = exp[exp["year"] == "2023-2024"]
    m = exp.merge(changes, on=["indicator", "domain_level", "domain_code"], how="outer",
                  suffixes=("_r", ""), indicator=True)
    assert (m["_merge"] == "both").all() and len(m) > 60
    for col in ("estimate", "se", "ci_low", "ci_high", "statistic", "p_value", "df"):
        assert _close(m[col], m[f"{col}_r"]).all(), f"change {col} differs from R"
    assert (m["significant"].astype(bool) == (m["p_value_r"] < 0.05)).all()
    # the contract rows carry the same numbers and say when a change is not significant
    kota = changes_est[(changes_est["indicator"] == "tpt_change") & (changes_est["domain_level"] == "kota")]
    assert kota["period"].iloc[0] == "2023-2024"
    assert kota["method"].iloc[0] == "difference_independent_samples"
    row = m[(m["indicator"] == "tpt") & (m["domain_level"] == "kota")].iloc[0]
    assert _close(kota["estimate"], row["estimate_r"]).all()
    assert kota["flag"].iloc[0].endswith(";not_significant") == (row["p_value_r"] >= 0.05)


def test_naive_subsetting_would_fail_the_fixture():
    """The fixture is discriminating: kecamatan SEs from a design rebuilt on the kecamatan's rows
    (the classic mistake) miss R's domain SEs by far more than the tolerance."""
    from analysis import survey
    from analysis.labour import estimation as est

    sample = _fixture_sample()
    s = est.prepare_sample(sample[sample["tahun"] == "2023"].copy(), "2023")
    exp = _expected()
    exp = exp[(exp["year"] == "2023") & (exp["indicator"] == "tpt") & (exp["domain_level"] == "kecamatan")]
    worst = 0.0
    for _, row in exp.iterrows():
        sub = s.frame[s.frame["kode_kec"] == row["domain_code"]].reset_index(drop=True)
        des = survey.SurveyDesign(sub, weight="bobot", strata="strata", psu="psu", lonely_psu="remove")
        naive = survey.ratio(des, "unemployed", "labour_force", scale=100.0)
        assert _close(naive["estimate"], row["estimate"]).all()  # the point estimate agrees ...
        worst = max(worst, abs(naive["se"].iloc[0] / row["se"] - 1))
    assert worst > 100 * REL_TOL  # ... the SE does not


def test_perturbed_weight_breaks_agreement():
    from analysis.labour import estimation as est

    sample = _fixture_sample()
    y = sample[sample["tahun"] == "2024"].copy()
    y.loc[y.index[0], "bobot"] = str(float(y["bobot"].iloc[0]) * 1.5)
    res = est.estimate_indicators(est.prepare_sample(y, "2024"), plan={"kota": (("kota",), ("tpak",))}, shares={})
    exp = _expected()
    r = exp[(exp["year"] == "2024") & (exp["indicator"] == "tpak") & (exp["domain_level"] == "kota")]
    assert not _close(res["estimate"], r["estimate"]).all()


def test_tkk_is_100_minus_tpt(fixture_estimates):
    years, _, _ = fixture_estimates
    e = years["2024"].set_index(["indicator", "domain_level", "domain_code"])["estimate"]
    assert np.isclose(e[("tkk", "kota", "64.74")], 100 - e[("tpt", "kota", "64.74")])


# ----------------------------------------------------------------------------- 3. AK/I vs TPT
def _cards() -> pd.DataFrame:
    rows = [
        # key, registered, n_renewals, last_renewal, valid_until, ktp, status, placement
        ("A", "2024-01-10", 0, None, "2024-07-09", 1, "expired", None),      # lapsed in the window
        ("B", "2023-03-01", 2, "2024-03-01", "2024-08-31", 1, "expired", None),  # two renewals in window
        ("C", "2024-05-01", 0, None, "2024-10-31", 1, "placed", "2024-06-15"),  # placed, card still valid
        ("D", "2022-01-01", 0, None, "2022-06-30", 1, "expired", None),      # outside the window
        ("E", "2024-08-20", 0, None, "2025-02-19", 1, "active", None),       # after the reference date
        ("F", "2024-02-01", 1, "2024-08-01", "2025-01-31", 0, "active", None),  # valid, no Bontang KTP
    ]
    df = pd.DataFrame(rows, columns=["seeker_key", "registration_date", "n_renewals", "last_renewal_date",
                                     "valid_until", "ktp_bontang", "status", "placement_date"])
    for c in ("registration_date", "last_renewal_date", "valid_until", "placement_date"):
        df[c] = pd.to_datetime(df[c])
    return df


def test_renewal_dates_reconstructed_every_six_months():
    from analysis.labour import aki

    r = aki.renewal_dates(_cards())
    b = r[r["seeker_key"] == "B"]["renewal_date"].dt.strftime("%Y-%m-%d").tolist()
    assert b == ["2023-09-01", "2024-03-01"]
    assert r[r["seeker_key"] == "F"]["renewal_date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-08-01"]
    assert set(r["seeker_key"]) == {"B", "F"}


def test_add_months_clips_day():
    from analysis.labour import aki

    out = aki.add_months(pd.Series(pd.to_datetime(["2024-08-31", "2023-01-15"])), [6, 12])
    assert out.dt.strftime("%Y-%m-%d").tolist() == ["2025-02-28", "2024-01-15"]


def test_registry_components_by_hand():
    from analysis.labour import aki

    share = aki.UnreportedShare(0.5, 0.1, 100, 50, "tracer_link")
    reg = aki.registry_components(_cards(), "2024-08-15", unreported=share)
    assert reg["transactions"] == 6  # A, B x2 renewals, C, F registration + renewal
    assert reg["cards"] == 4 and reg["duplicate_renewals"] == 2
    assert reg["placed_reported"] == 1 and reg["expired"] == 1
    assert reg["valid_unplaced"] == 2 and reg["placed_reported_still_valid"] == 1
    assert reg["unreported_placements"] == pytest.approx(1.0)  # 1 reported x odds 1
    assert reg["unreported_placements_se"] == pytest.approx(1 * 0.1 / 0.25)
    assert reg["non_bontang_ktp"] == pytest.approx(0.5)  # F, times the share not already placed
    assert reg["valid_unplaced_local"] == pytest.approx(0.5)


def test_registry_waterfall_adds_up():
    from analysis.labour import aki

    share = aki.UnreportedShare(0.4, 0.05, 200, 80, "tracer_link")
    reg = aki.registry_components(_cards(), "2024-08-15", unreported=share)
    t = aki.decomposition_table(reg, {}, share, min_count=0).set_index("component")["count"]
    assert t["aki_transactions_12m"] + t["aki_duplicate_renewals"] == t["aki_cards_12m"]
    assert t["aki_cards_12m"] + t["aki_placed_reported"] + t["aki_expired"] == t["aki_valid_unplaced"]


def test_unreported_share_from_tracer_link():
    from analysis.labour import aki

    cards = pd.DataFrame({"seeker_key": [f"S{i}" for i in range(50)],
                          "status": ["placed"] * 20 + ["active"] * 30,
                          "placement_date": [pd.Timestamp("2024-01-01")] * 20 + [pd.NaT] * 30})
    trainees = pd.DataFrame({"seeker_key": [f"S{i}" for i in range(50)] + ["X"],
                             "status_6m": ["wage_employed"] * 40 + ["unemployed"] * 10 + ["wage_employed"]})
    u = aki.estimate_unreported_share(cards, trainees)
    # wage employees S0-S39: S0-S19 have a placement report, S20-S39 none; X is not linked
    assert u.n == 40 and u.n_unreported == 20 and u.share == pytest.approx(0.5)
    assert u.se == pytest.approx(np.sqrt(0.25 / 40))
    assert aki.estimate_unreported_share(cards, None).method == "not_estimable"
    assert np.isnan(aki.estimate_unreported_share(cards, trainees.iloc[:10]).share)  # too few links


def test_decomposition_suppresses_small_counts_and_complements():
    from analysis.labour import aki

    share = aki.UnreportedShare(np.nan, np.nan, 0, 0, "not_estimable")
    reg = aki.registry_components(_cards(), "2024-08-15", unreported=share)
    srv = {"unemployed": {"estimate": 7000.0, "se": 700.0, "n": 70},
           "looking": {"estimate": 5600.0, "se": 600.0, "n": 56},
           "preparing_business": {"estimate": 500.0, "se": 200.0, "n": 5},
           "discouraged": {"estimate": 500.0, "se": 200.0, "n": 6},
           "accepted_not_started": {"estimate": 400.0, "se": 150.0, "n": 3}}
    t = aki.decomposition_table(reg, srv, share, min_count=10).set_index("component")
    # every registry count here rests on fewer than 10 cards: blank
    assert t.loc[["aki_cards_12m", "aki_expired", "aki_placed_reported"], "count"].isna().all()
    # the three small categories (5 + 6 + 3 = 14 persons) are blank; "looking" stays
    assert t.loc[["sakernas_preparing_business", "sakernas_discouraged", "sakernas_accepted_not_started"],
                 "count"].isna().all()
    assert t.loc["sakernas_looking", "count"] == 5600
    # the reasons still give their sum (unemployed - looking: 14 persons, not a small cell)
    r = aki.reasons_table(t.reset_index()).set_index("reason_code")
    assert r.loc["concept_not_searching", "value"] == 1400
    assert t.loc["sakernas_unemployed_not_registered", "source"].startswith("not estimable")
    # with one small category only, a second one is blanked too (else total - others reveals it)
    srv2 = {**srv, "preparing_business": {"estimate": 900.0, "se": 200.0, "n": 12},
            "accepted_not_started": {"estimate": 400.0, "se": 150.0, "n": 12}}
    t2 = aki.decomposition_table(reg, srv2, share, min_count=10).set_index("component")
    blank = t2.loc[list(aki.SURVEY_PARTITION), "count"].isna()
    assert blank.sum() == 2 and blank["sakernas_discouraged"]


def test_reasons_are_bilingual_and_cover_every_reason():
    from analysis.labour import aki

    share = aki.UnreportedShare(0.4, 0.05, 200, 80, "tracer_link")
    reg = aki.registry_components(_cards(), "2024-08-15", unreported=share)
    t = aki.decomposition_table(reg, {"unemployed": {"estimate": 7000.0, "se": 700.0, "n": 70}}, share,
                                min_count=0)
    r = aki.reasons_table(t, n_households=525)
    assert list(r.columns) == ["reason_code", "text_id", "text_en", "value", "unit"]
    assert {"concept", "coverage_ktp", "coverage_never_register", "validity_expired", "placements_unreported",
            "double_counting"} <= set(r["reason_code"])
    assert r["text_id"].str.len().gt(20).all() and r["text_en"].str.len().gt(20).all()
    assert (r["text_id"] != r["text_en"]).all()
    never = r.set_index("reason_code").loc["coverage_never_register"]
    assert np.isnan(never["value"]) and "tidak dapat diperkirakan" in never["text_id"]
    assert "40 persen" in r.set_index("reason_code").loc["placements_unreported", "text_id"]
    assert "525" in r.set_index("reason_code").loc["sampling_error", "text_en"]


# ----------------------------------------------------------------------------- privacy, published
def test_published_table_keeps_sources_and_labels_synthetic():
    from analysis.labour.published import published_labour_table

    pub = pd.DataFrame({
        "year": ["2023", "2024", "2019", "2019", "2024", "2024"],
        "indicator": ["bontang_tpt_agustus", "bontang_tpt_agustus", "bontang_tpt_agustus_original_weights",
                      "bontang_tpt_agustus_backcast_supas2015", "kaltim_tpt_agustus", "bontang_p0_maret"],
        "value": ["7.74", "7.06", "9.19", "9.02", "5.14", "3.74"], "unit": "pct",
        "source": ["s1", "s2", "s3", "s4", "s5", "s6"], "grade": ["V", "V", "V", "V", "V", "V"]})
    est = pd.DataFrame({"indicator": ["tpt", "tpt_change"], "domain_level": ["kota", "kota"],
                        "domain_code": ["64.74", "64.74"], "estimate": [7.9, -0.4], "se": [1.0, 1.2],
                        "ci_low": [5.8, -2.9], "ci_high": [9.9, 2.1], "flag": ["ok", "ok"],
                        "unit": ["percent", "percentage_points"], "period": ["2024", "2023-2024"]})
    t = published_labour_table(pub, est, synthetic=True)
    assert "bontang_p0_maret" not in set(t["published_indicator"])
    assert len(t[(t["year"] == 2019) & (t["area"] == "bontang")]) == 2  # two vintages, two rows
    syn = t[t["series"] == "synthetic_estimate"]
    assert len(syn) == 1 and syn["label"].iloc[0].startswith("demo estimate on SYNTHETIC")
    assert t.loc[t["published_indicator"] == "kaltim_tpt_agustus", "source"].iloc[0] == "s5"
    assert {"year", "value", "source", "grade"} <= set(t.columns)


# ----------------------------------------------------------------------------- 4. the stage
def _stage_inputs():
    from analysis.labour.stage import LabourInputs

    sample = _fixture_sample()
    sak = {y: sample[sample["tahun"] == y].reset_index(drop=True) for y in ("2023", "2024")}
    rng = np.random.default_rng(7)
    n = 400
    reg = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 600, n), unit="D")
    nren = rng.integers(0, 3, n)
    valid = [r + pd.DateOffset(months=6 * (k + 1)) - pd.Timedelta(days=1) for r, k in zip(reg, nren)]
    placed = rng.random(n) < 0.3
    cards = pd.DataFrame({
        "seeker_key": [f"K{i:04d}" for i in range(n)], "registration_date": reg, "n_renewals": nren,
        "last_renewal_date": [r + pd.DateOffset(months=6 * k) if k else pd.NaT for r, k in zip(reg, nren)],
        "valid_until": valid, "ktp_bontang": (rng.random(n) < 0.85).astype(int),
        "status": np.where(placed, "placed", "active"),
        "placement_date": [r + pd.Timedelta(days=60) if p else pd.NaT for r, p in zip(reg, placed)],
    })
    trainees = pd.DataFrame({"seeker_key": cards["seeker_key"].iloc[:120],
                             "status_6m": rng.choice(["wage_employed", "unemployed"], 120)})
    pub = pd.DataFrame({"year": ["2023", "2024"], "indicator": ["bontang_tpt_agustus"] * 2,
                        "value": ["7.74", "7.06"], "unit": "pct", "source": ["a", "b"], "grade": ["V", "V"]})
    return LabourInputs(sakernas=sak, ak1=cards, trainees=trainees,
                        kecamatan_names={"64.74.01": "Bontang Utara", "64.74.02": "Bontang Selatan",
                                         "64.74.03": "Bontang Barat"}, published=pub)


@pytest.fixture(scope="module")
def stage_outputs(demo_config_path):
    from analysis.config import load_config
    from analysis.labour.stage import run_labour_stage

    cfg = load_config(demo_config_path)
    return cfg, run_labour_stage(cfg, _stage_inputs())


def test_stage_outputs_follow_the_contracts(stage_outputs):
    from analysis.estimates import validate_estimates

    cfg, out = stage_outputs
    e = validate_estimates(out.estimates)
    assert set(e["period"]) == {"2023", "2024", "2023-2024"}
    kota = e[(e["domain_level"] == "kota") & (e["period"] == "2024")]
    assert {"tpt", "tpak", "tkk", "underemployment", "parttime", "informal", "youth_tpt", "neet",
            "unemployed_persons", "labour_force_persons"} <= set(kota["indicator"])
    assert e.loc[e["domain_code"] == "64.74.01", "domain_name"].eq("Bontang Utara").all()
    ch = e[e["period"] == "2023-2024"]
    assert ch["indicator"].str.endswith("_change").all()
    assert (ch["method"] == "difference_independent_samples").all()
    assert set(out.tables) >= {"changes", "aki_vs_tpt", "aki_reasons", "tpt_published"}
    assert list(out.tables["changes"].columns[:10]) == ["indicator", "domain_level", "domain_code", "estimate",
                                                        "se", "ci_low", "ci_high", "statistic", "p_value",
                                                        "significant"]
    assert "tpt" in set(out.tables["changes"]["indicator"])  # base names, as the poverty stage
    assert list(out.tables["aki_vs_tpt"].columns[:4]) == ["component", "count", "share", "source"]
    k = kota.set_index("indicator")["estimate"]
    assert k["tpt"] == pytest.approx(100 * k["unemployed_persons"] / k["labour_force_persons"], rel=1e-12)
    assert k["tpak"] == pytest.approx(100 * k["labour_force_persons"] / k["working_age_persons"], rel=1e-12)
    # the fixture matches R: the stage must reproduce the R city TPT of 2024
    r = _expected()
    r_tpt = r[(r["year"] == "2024") & (r["indicator"] == "tpt") & (r["domain_level"] == "kota")]["estimate"].iloc[0]
    assert _close(kota.set_index("indicator").loc["tpt", "estimate"], r_tpt)


def test_stage_tables_hold_no_small_counts(stage_outputs):
    cfg, out = stage_outputs
    k = int(cfg.privacy["suppression_min_count"])
    aki_t = out.tables["aki_vs_tpt"]
    persons = aki_t[aki_t["unit"] == "persons"]["count"].abs()
    assert not ((persons > 0) & (persons < k)).any()
    cats = out.tables["unemployment_categories"]
    assert not ((cats["n_sample"] > 0) & (cats["n_sample"] < k)).any()
    lfs = out.tables["labour_force_summary"]
    assert not ((lfs["n_sample"] > 0) & (lfs["n_sample"] < k)).any()
    for name, t in out.tables.items():  # aggregates only: no person-level identifiers
        assert not ({"id_art", "id_rt", "seeker_key", "seeker_id", "nik"} & set(t.columns)), name


def test_write_stage_outputs_is_byte_stable(stage_outputs, tmp_path):
    from analysis.estimates import read_estimates
    from analysis.stage import STAGES, write_outputs

    cfg, out = stage_outputs
    declared = STAGES["labour"].outputs(cfg)
    a = write_outputs(out, tmp_path / "a", declared=declared)
    b = write_outputs(out, tmp_path / "b", declared=declared)
    assert [p.relative_to(tmp_path / "a") for p in a] == [p.relative_to(tmp_path / "b") for p in b]
    for pa, pb in zip(a, b):
        assert pa.read_bytes() == pb.read_bytes()
    assert (tmp_path / "a" / "tables" / "aki_vs_tpt.csv").is_file()
    assert len(read_estimates(tmp_path / "a" / "estimates.csv")) == len(out.estimates)


def test_written_tables_pass_the_privacy_gate(stage_outputs, tmp_path):
    from analysis.brief.privacy import check_outputs
    from analysis.stage import write_outputs

    cfg, out = stage_outputs
    written = write_outputs(out, tmp_path / "labour")
    check_outputs(written, min_count=int(cfg.privacy["suppression_min_count"]))


def test_stage_needs_processed_sakernas(output_dir, demo_config_path):
    from analysis.config import load_config
    from analysis.labour.stage import load_inputs

    # no raw fallback: the error names the missing file and the stage that writes it
    with pytest.raises(FileNotFoundError, match=r"sakernas_2023.parquet: written by stage 'clean'"):
        load_inputs(load_config(demo_config_path))


def test_stage_reads_processed_parquet(output_dir, demo_config_path, tmp_path):
    from analysis import paths
    from analysis.config import load_config
    from analysis.labour.stage import load_inputs

    cfg = load_config(demo_config_path)
    inputs = _stage_inputs()
    pdir = paths.processed_dir(cfg.period)
    pdir.mkdir(parents=True)
    for y, df in inputs.sakernas.items():
        df.to_parquet(pdir / f"sakernas_{y}.parquet")
    inputs.ak1.to_parquet(pdir / "ak1_registrations.parquet")
    with pytest.raises(FileNotFoundError, match="wilayah.parquet"):      # reference tables too
        load_inputs(cfg)
    pd.DataFrame({"kemendagri_code": ["64.74", "64.74.01"], "name": ["Kota Bontang", "Bontang Utara"],
                  "level": ["kota", "kecamatan"]}).to_parquet(pdir / "wilayah.parquet")
    pd.DataFrame({"indicator": ["tpt"], "year": ["2024"], "value": [1.0]}).to_parquet(
        pdir / "published_indicators.parquet")
    with pytest.raises(FileNotFoundError, match="trainees.parquet"):     # declared by the run: required
        load_inputs(cfg)
    inputs.trainees.to_parquet(pdir / "trainees.parquet")
    got = load_inputs(cfg)
    assert set(got.sakernas) == {"2023", "2024"} and len(got.ak1) == len(inputs.ak1)
    assert got.kecamatan_names == {"64.74.01": "Bontang Utara"}


def test_notebook_is_thin_and_parameterised():
    import jupytext

    nb = jupytext.read(Path(__file__).parents[1] / "notebooks" / "03_labour.py")
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    assert code[0].source.strip() == 'config_path = "config/demo-2024.yaml"'
    src = "\n".join(c.source for c in code)
    assert "run_labour_stage" in src and "write_stage(" in src
    assert ".head(" not in src and "read_parquet" not in src


def test_missing_design_columns_fail_loudly():
    from analysis.labour import estimation as est

    s = _fixture_sample()
    s = s[s["tahun"] == "2024"].copy()
    s["psu"] = s["psu"].astype(object)
    s.loc[s.index[3], "psu"] = None
    with pytest.raises(ValueError, match="'psu' has 1 missing"):
        est.prepare_sample(s, "2024")


# ----------------------------------------------------------------------------- 5. demo truth
DEMO = Path(__file__).parents[1] / "data" / "raw" / "demo"
TRUTH = Path(__file__).parents[1] / "data" / "truth" / "demo" / "labour.csv"


@pytest.mark.skipif(not (TRUTH.is_file() and (DEMO / "sakernas").is_dir()), reason="demo data not built")
def test_demo_intervals_cover_the_synthetic_truth():
    """On the synthetic Bontang the 95 % intervals of the city and kecamatan rates should cover
    the population's true values about 95 % of the time (read from the raw demo CSVs; tests may
    read data/truth, stages never do)."""
    from analysis.labour import estimation as est

    wil = pd.read_csv(DEMO / "reference" / "wilayah_bontang.csv", dtype=str, keep_default_na=False)
    kec = wil[wil["level"] == "kecamatan"]
    bps = dict(zip(kec["bps_code"], kec["kemendagri_code"]))
    truth = pd.read_csv(TRUTH, dtype={"domain_code": str, "period": str})
    rows = []
    for year in ("2023", "2024"):
        p = pd.read_csv(DEMO / "sakernas" / f"sakernas_agustus_{year}.csv", dtype=str, keep_default_na=False)
        p["kode_kec"] = p["kode_kecamatan_bps"].map(bps)
        p["jam_kerja"] = pd.to_numeric(p["jam_kerja"], errors="coerce").where(lambda h: h <= 98)  # as cleaning
        e = est.estimate_indicators(est.prepare_sample(p, year), plan={
            "kota": (("kota",), tuple(est.INDICATORS)), "kecamatan": (("kode_kec",), tuple(est.INDICATORS))},
            shares={}, reliability={"min_n_sample": 0})
        rows.append(e)
    e = pd.concat(rows).merge(truth, left_on=["indicator", "domain_level", "domain_code", "period"],
                              right_on=["indicator", "domain_level", "domain_code", "period"])
    assert len(e) >= 60
    covered = (e["ci_low"] <= e["value"]) & (e["value"] <= e["ci_high"])
    assert covered.mean() >= 0.85, e.loc[~covered, ["indicator", "domain_code", "period", "estimate", "value"]]


def test_stage_without_disnaker_tables_says_so(demo_config_path):
    from dataclasses import replace

    from analysis.config import load_config
    from analysis.labour.stage import run_labour_stage

    inputs = replace(_stage_inputs(), ak1=None, trainees=None)
    out = run_labour_stage(load_config(demo_config_path), inputs)
    t = out.tables["aki_vs_tpt"].set_index("component")
    assert t.loc[[c for c in t.index if c.startswith("aki_")], "count"].isna().all()
    assert np.isfinite(t.loc["sakernas_unemployed", "count"])
    r = out.tables["aki_reasons"].set_index("reason_code")
    assert "tidak dapat diperkirakan" in r.loc["placements_unreported", "text_id"]
