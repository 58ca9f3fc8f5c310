"""Tests of the poverty stage (stage 02).

1. definitions on hand-built households: strict inequality at the line, x100 units, the P0
   interval, change-test wording inputs;
2. targeting: error definitions on a hand-made example, suppression of small cells, the
   ``;unverified_registry`` qualifier, PMT shapes and encoding;
3. small-area estimation: GVF input, synthetic areas, benchmarking adds up;
4. integration on the demo data (skipped, with the reason, when stage 01 has not run): the city
   P0 of the synthetic truth lies inside the estimated 95 % interval, outputs follow the contract.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import paths
from analysis.estimates import ESTIMATE_COLUMNS, validate_estimates
from analysis.poverty import change, context, direct, smallarea, targeting

LINE = 800_000.0


# ----------------------------------------------------------------------------- helpers
def households(n_psu: int = 8, per_psu: int = 6, seed: int = 1) -> pd.DataFrame:
    """A small two-stratum Susenas-like household frame (cleaned layout)."""
    rng = np.random.default_rng(seed)
    rows = []
    for p in range(n_psu):
        for _ in range(per_psu):
            rows.append({
                "strata": "S1" if p < n_psu // 2 else "S2", "psu": f"P{p}",
                "bobot": float(rng.uniform(50, 150)), "jumlah_art": int(rng.integers(1, 7)),
                "pengeluaran_kapita": float(np.exp(rng.normal(np.log(1.3e6), 0.5))),
                "kode_kec": ["64.74.01", "64.74.02", "64.74.03"][p % 3],
                "kode_kel": ["64.74.01.1001", "64.74.02.1001", "64.74.03.1001"][p % 3],
                "jk_krt": str(rng.integers(1, 3)), "pendidikan_krt": rng.choice(["sd", "sma", "universitas"]),
            })
    return pd.DataFrame(rows)


def long_of(d: pd.DataFrame, line: float = LINE) -> pd.DataFrame:
    return direct.direct_long(direct.prepare_susenas(d), line, lonely_psu="adjust")


def kota(long: pd.DataFrame, ind: str) -> pd.Series:
    return long[(long["indicator"] == ind) & (long["domain_level"] == "kota")].iloc[0]


# ----------------------------------------------------------------------------- 1. definitions
def test_household_exactly_on_the_line_is_not_poor():
    d = households()
    d.loc[:9, "pengeluaran_kapita"] = LINE          # ten households exactly on the line
    d.loc[10:14, "pengeluaran_kapita"] = LINE - 1   # five just below
    d.loc[15:, "pengeluaran_kapita"] = np.maximum(d.loc[15:, "pengeluaran_kapita"], LINE + 1)
    w = d["bobot"] * d["jumlah_art"]
    expected = 100 * w[10:15].sum() / w.sum()
    p0 = kota(long_of(d), "p0")
    assert p0["estimate"] == pytest.approx(expected, rel=1e-12)
    # the <= convention would count the ten households on the line as well
    assert p0["estimate"] < 100 * w[:15].sum() / w.sum()


def test_fgt_units_are_times_100_and_person_weighted():
    d = households(seed=3)
    y, m, w = d["pengeluaran_kapita"], d["jumlah_art"], d["bobot"]
    gap = np.clip((LINE - y) / LINE, 0, None) * (y < LINE)
    pw = w * m
    long = long_of(d)
    assert kota(long, "p0")["estimate"] == pytest.approx(100 * (pw * (y < LINE)).sum() / pw.sum(), rel=1e-12)
    assert kota(long, "p1")["estimate"] == pytest.approx(100 * (pw * gap).sum() / pw.sum(), rel=1e-12)
    assert kota(long, "p2")["estimate"] == pytest.approx(100 * (pw * gap ** 2).sum() / pw.sum(), rel=1e-12)
    assert kota(long, "p0")["unit"] == "percent" and kota(long, "p1")["unit"] == "index_x100"
    assert kota(long, "gini")["unit"] == "ratio" and 0 < kota(long, "gini")["estimate"] < 1
    # household-weighted P0 differs (larger poor households): the person weighting matters
    assert kota(long, "p0")["estimate"] != pytest.approx(100 * (w * (y < LINE)).sum() / w.sum())


def test_domains_are_subpopulations_of_the_full_design():
    d = households(seed=4)
    long = long_of(d)
    kec = long[(long["indicator"] == "p0") & (long["domain_level"] == "kecamatan")]
    assert list(kec["domain_code"]) == ["64.74.01", "64.74.02", "64.74.03"]
    assert (kec["df"] == kota(long, "p0")["df"]).all()          # design df, not the domain's
    assert kec["n_sample"].sum() == len(d)


def test_p0_interval_is_logit_inside_0_100_and_korn_graubard_at_zero():
    lo, hi, used = direct.p0_interval([3.0, 0.0], [1.2, 0.0], [570, 90], [48, 48], "logit")
    assert used.tolist() == ["logit", "korn_graubard"]
    assert 0 < lo[0] < 3.0 < hi[0] < 100
    assert (lo[0], hi[0]) != pytest.approx((3.0 - 2.01 * 1.2, 3.0 + 2.01 * 1.2), abs=0.05)  # not Wald
    assert lo[1] == 0 and 0 < hi[1] < 10                       # Clopper-Pearson-type upper bound
    long = long_of(households())
    assert kota(long, "p0")["method"] in ("taylor_linearisation;ci_logit", "taylor_linearisation;ci_korn_graubard")


def test_p1_p2_intervals_are_log_scale_and_bounded_by_p0_at_zero():
    d = households(seed=6)
    d.loc[d["kode_kec"] == "64.74.03", "pengeluaran_kapita"] = 2 * LINE     # no poor in one kecamatan
    long = long_of(d)
    p1 = long[(long["indicator"] == "p1") & (long["domain_level"] == "kecamatan")].set_index("domain_code")
    p0 = long[(long["indicator"] == "p0") & (long["domain_level"] == "kecamatan")].set_index("domain_code")
    pos = p1[p1["estimate"] > 0]
    assert (pos["method"] == "taylor_linearisation;ci_log").all()
    assert ((pos["ci_low"] > 0) & (pos["ci_low"] < pos["estimate"]) & (pos["estimate"] < pos["ci_high"])).all()
    # log scale: the limits are symmetric around the estimate in ratio, not in difference
    assert (pos["ci_high"] / pos["estimate"]).to_numpy() == pytest.approx((pos["estimate"] / pos["ci_low"]).to_numpy())
    z = p1.loc["64.74.03"]
    assert z["estimate"] == 0 and z["ci_low"] == 0 and z["method"] == "taylor_linearisation;ci_bounded_by_p0"
    assert z["ci_high"] == pytest.approx(p0.loc["64.74.03", "ci_high"]) and z["ci_high"] > 0


def _long(est_prev, se_prev, est_curr, se_curr, rse=10.0):
    def one(est, se):
        return pd.DataFrame({"indicator": ["p0"], "domain_level": ["kota"], "domain_code": ["64.74"],
                             "domain_name": ["Kota Bontang"], "estimate": [est], "se": [se], "ci_low": [0.0],
                             "ci_high": [1.0], "rse": [rse], "df": [48.0], "n_sample": [570], "unit": ["percent"],
                             "method": ["taylor_linearisation;ci_logit"]})
    return one(est_prev, se_prev), one(est_curr, se_curr)


def test_change_is_current_minus_previous_with_independent_se():
    a, b = _long(4.11, 0.9, 3.74, 0.8)
    table, rows = change.changes(a, b, period_label="2023-2024")
    r = table.iloc[0]
    assert r["estimate"] == pytest.approx(-0.37)
    assert r["se"] == pytest.approx(np.hypot(0.9, 0.8))
    assert r["statistic"] == pytest.approx(-0.37 / np.hypot(0.9, 0.8))
    assert not r["significant"] and r["direction"] == "no_significant_change"
    assert r["estimate_previous"] == 4.11 and r["estimate_current"] == 3.74 and r["df"] == 96
    assert rows["indicator"].iloc[0] == "p0_change" and rows["period"].iloc[0] == "2023-2024"
    assert rows["flag"].iloc[0] == "ok;not_significant"
    assert rows["method"].iloc[0] == "difference_independent_samples"
    assert list(table.columns[:10]) == ["indicator", "domain_level", "domain_code", "estimate", "se", "ci_low",
                                        "ci_high", "statistic", "p_value", "significant"]


def test_significant_fall_is_worded_down():
    a, b = _long(8.0, 0.5, 5.0, 0.5)
    table, rows = change.changes(a, b, period_label="2023-2024")
    assert table["significant"].iloc[0] and table["direction"].iloc[0] == "down"
    assert table["p_value"].iloc[0] < 0.001
    assert rows["flag"].iloc[0] == "ok"


def test_change_flag_takes_the_worse_level():
    a, b = _long(8.0, 0.5, 5.0, 0.5)
    b["rse"] = 40.0
    _, rows = change.changes(a, b, period_label="2023-2024")
    assert rows["flag"].iloc[0] == "caution"


# ----------------------------------------------------------------------------- 2. targeting
def test_targeting_error_definitions_on_a_hand_made_example():
    #            eligible:  1  1  1  1  0  0  0  0  0  0
    #            receiving: 1  0  0  0  1  1  1  0  0  0
    eligible = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0], bool)
    receiving = np.array([1, 0, 0, 0, 1, 1, 1, 0, 0, 0], bool)
    r = targeting.targeting_rates(eligible, receiving)
    assert r["n_eligible"] == 4 and r["n_recipients"] == 4
    assert r["exclusion_error"] == pytest.approx(75.0)   # 3 eligible of 4 not receiving
    assert r["inclusion_error"] == pytest.approx(75.0)   # 3 recipients of 4 not eligible
    r = targeting.targeting_rates(eligible, eligible)
    assert r["exclusion_error"] == 0 and r["inclusion_error"] == 0
    w = np.array([2.0] * 5 + [1.0] * 5)
    r = targeting.targeting_rates(eligible, receiving, w)
    assert r["exclusion_error"] == pytest.approx(100 * 6 / 8)
    assert r["inclusion_error"] == pytest.approx(100 * 4 / 6)   # recipients 2+2+1+1, not eligible 2+1+1


def test_pmt_errors_swap_roles_correctly():
    actual = np.array([1, 2, 3, 4, 10, 11, 12, 13], float)
    predicted = np.array([1, 20, 3, 4, 2, 11, 12, 13], float)   # one poor missed, one non-poor selected
    r = targeting.pmt_errors(actual, predicted, np.ones(8), line=5)
    assert r["exclusion_error"] == pytest.approx(25.0)   # 1 of 4 truly poor not predicted
    assert r["inclusion_error"] == pytest.approx(25.0)   # 1 of 4 predicted not truly poor
    assert r["share_truly_poor"] == 50


def _registry(n_a: int = 200, n_b: int = 60, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = n_a + n_b
    return pd.DataFrame({
        "kode_kec": ["64.74.02"] * n_a + ["64.74.01"] * n_b,
        "eligible_poverty_line": rng.uniform(size=n) < 0.3,
        "eligible_bottom40": rng.uniform(size=n) < 0.4,
        "penerima_pkh": (rng.uniform(size=n) < 0.3).astype(int),
        "penerima_bpnt": (rng.uniform(size=n) < 0.03).astype(int),   # few recipients: suppressed
        "registry_verified": [True] * n_a + list(rng.uniform(size=n_b) < 0.5),
    })


def test_registry_targeting_table_flags_and_suppression():
    reg = _registry()
    tab = targeting.registry_targeting_table(reg, min_count=10, domain_names={"64.74.01": "Bontang Utara"})
    assert set(tab["programme"]) == {"pkh", "bpnt"} and set(tab["cut"]) == {"poverty_line", "bottom40"}
    kec_b = tab[(tab["domain_code"] == "64.74.01")]
    kec_a = tab[(tab["domain_code"] == "64.74.02")]
    assert kec_b["flag"].str.endswith(";unverified_registry").all()
    assert not kec_a["flag"].str.contains("unverified").any()
    assert tab.loc[tab["domain_level"] == "kota", "flag"].str.endswith(";unverified_registry").all()
    # recomputed by hand for PKH, poverty line, kecamatan A
    g = reg[reg["kode_kec"] == "64.74.02"]
    e, r = g["eligible_poverty_line"], g["penerima_pkh"].astype(bool)
    row = kec_a[(kec_a["programme"] == "pkh") & (kec_a["cut"] == "poverty_line")].iloc[0]
    assert row["n_eligible"] == e.sum() and row["n_recipients"] == r.sum()
    assert row["exclusion_error"] == pytest.approx(100 * (e & ~r).sum() / e.sum())
    assert row["inclusion_error"] == pytest.approx(100 * (r & ~e).sum() / r.sum())
    # no published count is between 1 and 9; a rate resting on such a cell is blank
    counts = tab[["n_families", "n_eligible", "n_recipients", "n_excluded", "n_included_in_error"]]
    vals = counts.to_numpy(dtype=float, na_value=np.nan)
    assert not ((vals > 0) & (vals < 10)).any()
    bpnt = tab[tab["programme"] == "bpnt"]
    small = bpnt["n_recipients"].isna()
    assert small.any() and bpnt.loc[small, "inclusion_error"].isna().all()
    assert bpnt.loc[small, "flag"].str.startswith("suppressed").all()


def _pmt_data(n: int = 400, seed: int = 2):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "jumlah_art": rng.integers(1, 8, n), "luas_lantai_m2": rng.uniform(20, 120, n),
        **{c: rng.choice(["a", "b", "c"], n) for c in targeting.HOUSING_CATEGORICAL},
        **{c: rng.integers(0, 2, n) for c in targeting.ASSETS},
        "jk_krt": rng.choice(["1", "2"], n), "pendidikan_krt": rng.choice(["sd", "sma", "universitas"], n),
        "umur_krt": rng.integers(20, 80, n), "kode_kec": rng.choice(["64.74.01", "64.74.02", "64.74.03"], n),
    })
    y = 13.5 + 0.5 * df["punya_mobil"] - 0.3 * np.log(df["jumlah_art"]) + 0.2 * (df["jenis_lantai"] == "c") \
        + rng.normal(0, 0.3, n)
    return df, y.to_numpy(), rng.uniform(50, 150, n), rng.integers(0, 40, n)


def test_pmt_shapes_and_encoding():
    df, y, w, g = _pmt_data()
    frame = targeting.pmt_frame(df, size_col="jumlah_art")
    model = targeting.fit_pmt(frame, y, w, g)
    X = model.spec.matrix(frame)
    assert X.shape == (len(df), len(model.params)) and list(X.columns) == list(model.params.index)
    assert X.columns[0] == "const"
    assert 0.2 < model.r2_weighted < 1 and model.n_clusters == len(np.unique(g))
    assert model.params["punya_mobil"] == pytest.approx(0.5, abs=0.15)
    coef = model.coefficients()
    assert list(coef.columns) == ["term", "estimate", "se_cluster_psu", "t", "p_value"]
    # a registry row with an unseen category and no floor area still gets a prediction
    new = df.head(3).copy()
    new["jenis_lantai"] = "never_seen"
    new.loc[new.index[0], "luas_lantai_m2"] = np.nan
    pred = model.predict_welfare(targeting.pmt_frame(new, size_col="jumlah_art"))
    assert pred.shape == (3,) and np.isfinite(pred).all() and (pred > 0).all()


def test_registry_heads_take_relation_1_then_oldest():
    members = pd.DataFrame({"hh_key": ["a", "a", "b", "b"], "hubungan_kk": [3, 1, 3, 2],
                            "jenis_kelamin": ["1", "2", "1", "2"], "pendidikan": ["sd", "sma", "smp", "sd"],
                            "umur": [10, 40, 15, 50]})
    h = targeting.registry_heads(members)
    assert h.loc["a", "head_sex"] == "2" and h.loc["a", "head_age"] == 40
    assert h.loc["b", "head_age"] == 50   # no head recorded: oldest member


# ----------------------------------------------------------------------------- 3. small areas
def _map_inputs(seed: int = 5):
    rng = np.random.default_rng(seed)
    codes = [f"64.74.0{k}.100{i}" for k in (1, 2, 3) for i in range(1, 6)]
    cov = pd.DataFrame({"share_desil_1_3": rng.uniform(0.01, 0.08, 15),
                        "share_no_own_toilet": rng.uniform(0.02, 0.12, 15),
                        "persons": rng.integers(5000, 20000, 15).astype(float)}, index=codes)
    p = (0.01 + 0.8 * cov["share_desil_1_3"] + rng.normal(0, 0.01, 15)).to_numpy()
    n = rng.integers(10, 80, 15)
    direct_ = pd.DataFrame({"domain_code": codes, "estimate": np.clip(p, 0, 1), "n_sample": n,
                            "se": np.sqrt(1.5 * p.clip(0.005) * (1 - p) / n)})
    direct_.loc[2, ["estimate", "se"]] = 0.0         # a zero estimate with zero variance
    direct_ = direct_.drop(index=[7, 11])             # two kelurahan without sample
    return direct_, cov


def test_fay_herriot_map_benchmarks_to_the_city_and_flags_synthetic_areas():
    d, cov = _map_inputs()
    km = smallarea.kelurahan_poverty_map(d, cov, city_direct=0.045,
                                         covariate_names=("share_desil_1_3", "share_no_own_toilet"))
    t = km.table
    assert (t["pop_weight"] * t["benchmarked"]).sum() == pytest.approx(0.045, rel=1e-12)
    assert t["pop_weight"].sum() == pytest.approx(1.0)
    assert (~t["in_sample"]).sum() == 2 and t.loc[~t["in_sample"], "gamma"].eq(0).all()
    zero = t[t["domain_code"] == d["domain_code"].iloc[2]].iloc[0]
    assert zero["vardir_smoothed"] > 0                 # the zero-variance area was not fed raw
    assert (t.loc[t["in_sample"], "vardir_smoothed"] > 0).all()
    assert (t["mse"] > 0).all() and (t["eblup"] >= 0).all()
    assert 0 <= km.summary()["gamma_min"] <= km.summary()["gamma_max"] <= 1
    assert set(km.diagnostics.columns) >= {"residual", "std_residual", "gamma", "cv_direct", "cv_eblup"}


def test_kelurahan_rows_flag_synthetic_and_unverified_areas():
    from analysis.poverty import stage

    kels = [f"64.74.0{k}.100{i}" for k, i in ((1, 1), (1, 2), (2, 1), (2, 2), (3, 1), (3, 2))]
    rng = np.random.default_rng(8)
    d = households(n_psu=10, per_psu=8, seed=8)
    d["kode_kel"] = [kels[p % 5] for p in range(10) for _ in range(8)]     # kels[5] has no sample
    d["kode_kec"] = d["kode_kel"].str.slice(0, 8)
    d.loc[::7, "pengeluaran_kapita"] = LINE / 2                              # some poor everywhere
    n = 600
    reg = pd.DataFrame({
        "kode_kel": rng.choice(kels, n), "jumlah_anggota": rng.integers(1, 7, n),
        "luas_lantai_m2": rng.uniform(20, 100, n), "desil_nasional": rng.integers(1, 11, n),
        "desil_verifikasi": pd.array([pd.NA] * n, dtype="Int64"),
        "fasilitas_bab": rng.choice(["sendiri", "bersama", "tidak_ada"], n, p=[0.85, 0.1, 0.05]),
        "penerima_pkh": rng.integers(0, 2, n), "penerima_bpnt": rng.integers(0, 2, n),
        "hasil_verifikasi": "",
    })
    reg["registry_verified"] = ~reg["kode_kel"].str.startswith("64.74.01")
    wil = pd.DataFrame({"kemendagri_code": ["64.74", "64.74.01", "64.74.02", "64.74.03", *kels],
                        "name": ["Kota", "BU", "BS", "BB", *[f"Kel {k}" for k in kels]],
                        "level": ["kota"] + ["kecamatan"] * 3 + ["kelurahan"] * 6})
    inp = stage.PovertyInputs(susenas={}, households=reg, members=pd.DataFrame(), wilayah=wil,
                              poverty_lines=pd.DataFrame(), published=pd.DataFrame())
    prepared = direct.prepare_susenas(d)
    city = kota(direct.direct_long(prepared, LINE, levels=("kota",)), "p0")["estimate"]
    rows, tab, diag, summary, km = stage.kelurahan_map(
        inp, prepared, city, LINE, period="2024", conf=stage.DEFAULTS, reliability={}, names=stage.area_names(wil))
    validate_estimates(rows)
    eb = rows[rows["indicator"] == "p0"].set_index("domain_code")
    assert eb.loc[kels[5], "method"] == "fay_herriot_synthetic"
    assert eb.loc[kels[5], "flag"].endswith(";synthetic_estimate") and eb.loc[kels[5], "n_sample"] == 0
    assert (eb.drop(index=kels[5])["method"] == "fay_herriot").all()
    assert eb.loc[kels[0], "flag"].endswith(";unverified_registry")                  # Bontang Utara
    assert "unverified" not in eb.loc[kels[2], "flag"]
    bm = rows[rows["indicator"] == "p0_benchmarked"]
    assert (bm["method"] == "fay_herriot_benchmarked").all()
    assert (tab["pop_weight"] * tab["benchmarked"]).sum() == pytest.approx(city)
    assert (eb["se"] > 0).all()
    assert set(summary["item"]) >= {"sigma2_u", "gamma_min", "gamma_max", "m_synthetic"}
    assert float(summary.set_index("item").loc["m_synthetic", "value"]) == 1.0


def test_registry_area_covariates():
    h = pd.DataFrame({
        "kode_kel": ["k1", "k1", "k1", "k2"], "jumlah_anggota": [2, 4, 3, 1], "luas_lantai_m2": [20, 40, 30, 50],
        "desil_nasional": [1, 5, 2, 9], "desil_verifikasi": [np.nan, 3, np.nan, 9],
        "fasilitas_bab": ["sendiri", "bersama", "sendiri", "tidak_ada"], "penerima_pkh": [1, 0, 0, 0],
        "penerima_bpnt": [1, 1, 0, 0], "registry_verified": [False, True, True, True],
        "hasil_verifikasi": ["", "tetap", "meninggal", "tetap"],
    })
    c = smallarea.registry_area_covariates(h)
    assert c.loc["k1", "families"] == 2                        # the deceased family's record is dropped
    assert c.loc["k1", "share_desil_1_3"] == 1.0               # desil 1 and verified desil 3
    assert c.loc["k1", "mean_floor_pc"] == pytest.approx((10 + 10) / 2)
    assert c.loc["k1", "share_no_own_toilet"] == 0.5 and c.loc["k2", "share_no_own_toilet"] == 1.0
    assert c.loc["k1", "persons"] == 6 and c.loc["k1", "share_unverified"] == 0.5


# ----------------------------------------------------------------------------- context
def test_concept_notes_and_published_table():
    pub = pd.DataFrame({"year": ["2023", "2024", "2024", "2024"],
                        "indicator": ["bontang_p0_maret", "bontang_p0_maret", "bontang_penduduk_miskin", "kaltim_p0_maret"],
                        "value": [4.11, 3.74, 7110, 5.78], "unit": ["pct", "pct", "persons", "pct"],
                        "source": ["s1", "s2", "s3", "s4"], "grade": ["V", "V", "V", "V"]})
    notes = context.concept_notes(pub, registry_persons_desil_1_4=16384.0)
    assert set(notes["language"]) == {"id", "en"}
    reg = notes[notes["note_id"] == "registry_vs_bps"].set_index("language")["text"]
    assert "7.110 jiwa" in reg["id"] and "7,110 people" in reg["en"] and "3,74 persen" in reg["id"]
    assert "puluhan ribu" in reg["id"] and "tens of thousands" in reg["en"]
    tab = context.published_poverty_table(pub)
    assert set(tab["published_indicator"]) == {"bontang_p0_maret", "bontang_penduduk_miskin"}
    assert list(tab.columns) == context.PUBLISHED_COLUMNS
    assert (tab["grade"] == "V").all()


# ----------------------------------------------------------------------------- 4. integration
def _truth_p0(period: str) -> float | None:
    for f in sorted((paths.TRUTH_DIR / "demo").glob("*poverty*.csv")):
        t = pd.read_csv(f, dtype=str)
        if {"indicator", "domain_level", "period"} <= set(t.columns):
            m = (t["indicator"] == "p0") & (t["domain_level"] == "kota") & (t["period"] == period)
            if m.any():
                return float(t.loc[m, "value"].iloc[0])
    return None


def _demo_cfg():
    from analysis.config import load_config

    return load_config(paths.CONFIG_DIR / "demo-2024.yaml")


def _raw_susenas(cfg, year: str) -> pd.DataFrame:
    """Raw demo Susenas with the Kemendagri codes stage 01 adds (BPS code via the crosswalk)."""
    from analysis.cleaning.reader import read_table

    df, _ = read_table(cfg.input_path(f"susenas_{year}"))
    w = pd.read_csv(cfg.input_path("wilayah"), dtype=str, keep_default_na=False)
    k = w[w["level"] == "kecamatan"]
    df["kode_kec"] = df["kode_kecamatan_bps"].astype(str).map(dict(zip(k["bps_code"], k["kemendagri_code"])))
    df["kode_kel"] = df["kode_kelurahan"].astype(str)
    return df


def test_demo_city_p0_covers_the_truth():
    """Direct city P0 of both demo years: the synthetic truth lies in the published 95 % interval.

    Reads the cleaned Parquet of stage 01 when present, else the raw demo files.
    """
    from analysis.poverty.stage import poverty_line, read_poverty_lines

    cfg = _demo_cfg()
    proc = paths.processed_dir(cfg.period)
    lines = read_poverty_lines(pd.read_csv(cfg.input_path("poverty_lines"), dtype=str)) \
        if cfg.input_path("poverty_lines").is_file() else None
    for year in (cfg.previous_period, cfg.period):
        truth = _truth_p0(year)
        if truth is None or lines is None:
            pytest.skip("demo data absent: no data/truth/demo/poverty.csv or raw poverty lines (run make data)")
        f = proc / f"susenas_{year}.parquet"
        if f.is_file():
            hh = pd.read_parquet(f)
        elif cfg.input_path(f"susenas_{year}").is_file():
            hh = _raw_susenas(cfg, year)
        else:
            pytest.skip(f"neither processed nor raw Susenas {year} present (run make data / make report)")
        long = direct.direct_long(direct.prepare_susenas(hh), poverty_line(lines, year), levels=("kota",))
        row = kota(long, "p0")
        assert row["ci_low"] <= truth <= row["ci_high"], (year, truth, row.to_dict())
        assert 0 < row["estimate"] < 20 and row["method"] == "taylor_linearisation;ci_logit"
        assert row["n_sample"] == len(hh) and row["df"] == 57 - 9


@pytest.fixture(scope="module")
def demo_outputs(tmp_path_factory):
    """The whole stage on the demo data: the cleaned Parquet of stage 01 when present, otherwise
    stage 01 is run first into a scratch folder (slow, about a minute)."""
    from analysis.poverty import run_poverty_stage

    cfg = _demo_cfg()
    if (paths.processed_dir(cfg.period) / f"susenas_{cfg.period}.parquet").is_file():
        return cfg, run_poverty_stage(cfg)
    if not cfg.input_path(f"susenas_{cfg.period}").is_file():
        pytest.skip("demo raw data absent (run make data)")
    from analysis.cleaning import run_clean_stage, write_clean_outputs

    mp = pytest.MonkeyPatch()
    mp.setenv("ANALYSIS_OUTPUT_DIR", str(tmp_path_factory.mktemp("clean_out")))
    try:
        write_clean_outputs(run_clean_stage(cfg), cfg)
        return cfg, run_poverty_stage(cfg)
    finally:
        mp.undo()


@pytest.mark.slow
def test_demo_stage_covers_the_truth(demo_outputs):
    cfg, out = demo_outputs
    e = out.estimates
    for period in (cfg.previous_period, cfg.period):
        truth = _truth_p0(period)
        if truth is None:
            pytest.skip("no poverty truth file in data/truth/demo")
        row = e[(e["indicator"] == "p0") & (e["domain_level"] == "kota") & (e["period"] == period)].iloc[0]
        assert row["ci_low"] <= truth <= row["ci_high"], (period, truth, row.to_dict())


@pytest.mark.slow
def test_demo_outputs_follow_the_contract(demo_outputs, tmp_path):
    from analysis.poverty import TABLE_NAMES
    from analysis.stage import STAGES, write_outputs

    cfg, out = demo_outputs
    validate_estimates(out.estimates)
    assert list(out.estimates.columns) == ESTIMATE_COLUMNS
    kel = out.estimates[out.estimates["domain_level"] == "kelurahan"]
    assert len(kel) == 3 * 15                           # EBP p0, FH p0_fay_herriot, FH p0_benchmarked
    ebp = kel[kel["indicator"] == "p0"]
    assert len(ebp) == 15 and ebp["method"].str.fullmatch(r"ebp;(log|boxcox|logshift);bootstrap_mse").all()
    assert (ebp["se"] > 0).all() and (ebp["ci_low"] <= ebp["estimate"]).all() and (ebp["estimate"] <= ebp["ci_high"]).all()
    assert set(kel.loc[kel["indicator"] != "p0", "method"]) <= {"fay_herriot", "fay_herriot_synthetic",
                                                                 "fay_herriot_benchmarked"}
    # sanity check: the EBP city P0 lies inside the direct estimate's 95 % interval
    agg = out.tables["ebp_aggregates"].set_index("domain_code")
    assert agg.loc["64.74", "direct_ci_low"] <= agg.loc["64.74", "ebp_p0"] <= agg.loc["64.74", "direct_ci_high"]
    harm = out.tables["covariate_harmonisation"]
    assert {"column", "survey_mean", "registry_mean", "z", "differs"} <= set(harm.columns) and len(harm) > 10
    assert kel.loc[kel["method"] == "fay_herriot_synthetic", "flag"].str.contains("synthetic_estimate").all()
    assert kel.loc[kel["domain_code"].str.startswith("64.74.01"), "flag"].str.contains("unverified_registry").all()
    kt = out.tables["kelurahan_p0"]
    city = out.estimates.query("indicator == 'p0' and domain_level == 'kota' and period == @cfg.period")
    assert (kt["pop_weight"] * kt["benchmarked"]).sum() == pytest.approx(city["estimate"].iloc[0])
    targ = out.tables["targeting_errors"]
    utara = targ[targ["domain_code"] == "64.74.01"]
    assert utara["flag"].str.contains("unverified_registry").all()
    selatan = targ[targ["domain_code"] == "64.74.02"]
    assert not selatan["flag"].str.contains("unverified_registry").any()
    written = write_outputs(out, tmp_path / "poverty", declared=STAGES["poverty"].outputs(cfg))
    assert {p.name for p in written} == {"estimates.csv"} | {f"{n}.csv" for n in TABLE_NAMES}
