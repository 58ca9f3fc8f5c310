"""Tests of analysis.survey against R's survey package (fixtures in tests/fixtures/survey/).

The expected values were produced by tests/fixtures/survey/make_fixtures.R (R 4.2.2,
survey 4.1-1) from survey_sample.csv (make_data.py). Gini values come from a hand
transcription of convey's svygini in that script (convey is not a Debian package).
Estimates, SEs and t intervals (qt(0.975, degf)) are compared at a relative 1e-8.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis import survey as sv
from analysis.survey import SurveyDesign

FIX = Path(__file__).parent / "fixtures" / "survey"
RTOL = 1e-8
ATOL = 1e-15
LINE = 700_000
STATS = ("estimate", "se", "ci_low", "ci_high")


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return pd.read_csv(
        FIX / "survey_sample.csv",
        dtype={"strata": str, "kec": str, "sex_head": str, "small": str, "strata_lonely": str},
    )


@pytest.fixture(scope="module")
def expected() -> pd.DataFrame:
    return pd.read_csv(FIX / "expected.csv", dtype={"case": str, "domain": str, "stat": str})


@pytest.fixture(scope="module")
def des(data) -> SurveyDesign:
    return SurveyDesign(data, weight="w", strata="strata", psu="psu")


def r_value(expected, case, domain, stat) -> float:
    v = expected.loc[(expected.case == case) & (expected.domain == domain) & (expected.stat == stat), "value"]
    assert len(v) == 1, f"no unique R value for {case}/{domain}/{stat}"
    return float(v.iloc[0])


def assert_matches_r(expected, case, res: pd.DataFrame, stats_=STATS, skip=()):
    """Every row of ``res`` (identified by its domain) against R's values for ``case``."""
    have_r = set(expected.loc[expected.case == case, "domain"])
    assert set(res["domain"]) <= have_r, f"domains {set(res['domain']) - have_r} not in fixture {case}"
    checked = 0
    for _, row in res.iterrows():
        for st in stats_:
            if (row["domain"], st) in skip:
                continue
            want = r_value(expected, case, row["domain"], st)
            np.testing.assert_allclose(row[st], want, rtol=RTOL, atol=ATOL,
                                       err_msg=f"{case} {row['domain']} {st}")
            checked += 1
    assert checked > 0


# ---------------------------------------------------------------------------------------
# Agreement with R survey
# ---------------------------------------------------------------------------------------
BYS = [None, "kec", ["kec", "sex_head"]]


@pytest.mark.parametrize("by", BYS, ids=["all", "kec", "kec_x_sex"])
def test_total_matches_svytotal(des, expected, by):
    assert_matches_r(expected, "total_y", sv.total(des, "y", by))


@pytest.mark.parametrize("by", BYS + ["small"], ids=["all", "kec", "kec_x_sex", "small"])
def test_mean_matches_svymean_svyby(des, expected, by):
    assert_matches_r(expected, "mean_y", sv.mean(des, "y", by))


@pytest.mark.parametrize("by", [None, "kec"])
def test_ratio_matches_svyratio(des, expected, by):
    assert_matches_r(expected, "ratio_food_y", sv.ratio(des, "food", "y", by))


@pytest.mark.parametrize("by", BYS, ids=["all", "kec", "kec_x_sex"])
@pytest.mark.parametrize("size", [None, "m"], ids=["household", "person"])
def test_fgt_matches_svymean_and_svyratio(des, expected, by, size):
    res = sv.fgt(des, "y", LINE, alpha=(0, 1, 2), by=by, size=size)
    level = "hh" if size is None else "person"
    assert list(res["indicator"].unique()) == ["p0", "p1", "p2"]
    for a in range(3):
        case = f"fgt_{level}_a{a}"
        if by == ["kec", "sex_head"] and level == "hh":
            continue  # not in the fixture
        assert_matches_r(expected, case, res[res["alpha"] == a])


@pytest.mark.parametrize("fpc,case", [("fpc_n", "fpcn"), ("fpc_frac", "fpcf")])
def test_fpc_population_size_and_fraction(data, expected, fpc, case):
    d = SurveyDesign(data, "w", "strata", "psu", fpc=fpc)
    assert_matches_r(expected, f"mean_y_{case}", sv.mean(d, "y"))
    assert_matches_r(expected, f"mean_y_{case}", sv.mean(d, "y", "kec"))
    assert_matches_r(expected, f"total_y_{case}", sv.total(d, "y"))
    # the correction lowers the SE
    assert sv.mean(d, "y")["se"].iloc[0] < sv.mean(SurveyDesign(data, "w", "strata", "psu"), "y")["se"].iloc[0]


@pytest.mark.parametrize("rule", ["adjust", "remove", "average", "certainty"])
def test_lonely_psu_rules_match_r(data, expected, rule):
    d = SurveyDesign(data, "w", "strata_lonely", "psu", lonely_psu=rule)
    assert d.df == int(r_value(expected, "design_lonely", "all", "df"))
    for by in (None, "kec"):
        assert_matches_r(expected, f"mean_y_lonely_{rule}", sv.mean(d, "y", by))
        assert_matches_r(expected, f"total_y_lonely_{rule}", sv.total(d, "y", by))
    assert_matches_r(expected, f"ratio_food_y_lonely_{rule}", sv.ratio(d, "food", "y"))


def test_lonely_psu_rules_differ(data):
    se = {rule: sv.total(SurveyDesign(data, "w", "strata_lonely", "psu", lonely_psu=rule), "y")["se"].iloc[0]
          for rule in ("adjust", "remove", "average")}
    assert se["adjust"] > se["remove"] and se["average"] > se["remove"]


def test_lonely_psu_fail_names_the_stratum(data):
    with pytest.raises(ValueError, match=r"'S5'.*strata_lonely.*only one PSU"):
        SurveyDesign(data, "w", "strata_lonely", "psu")


def test_degrees_of_freedom(des, data, expected):
    assert des.df == int(r_value(expected, "design", "all", "df")) == 40 - 4
    res = sv.mean(des, "y", "kec", df="domain")
    for _, row in res.iterrows():
        assert row["df"] == r_value(expected, "design", row["domain"], "df_domain")
    assert (sv.mean(des, "y", "kec")["df"] == 36).all()  # default: the design df
    small = sv.mean(des, "y", "small", df="domain")
    assert small.loc[small.domain == "yes", "df"].iloc[0] == 1  # 3 PSUs in 2 strata
    # intervals use qt(0.975, df)
    row = sv.mean(des, "y").iloc[0]
    q = stats.t.ppf(0.975, 36)
    np.testing.assert_allclose(row["ci_high"] - row["estimate"], q * row["se"], rtol=1e-12)


# ---------------------------------------------------------------------------------------
# Proportions: svyciprop logit and beta (Korn-Graubard)
# ---------------------------------------------------------------------------------------
def test_korn_graubard_matches_svyciprop_beta(des, expected):
    assert_matches_r(expected, "ciprop_beta", sv.proportion(des, "rare", method="korn_graubard"))
    for by in ("kec", "small"):  # svyby: every domain a subsetted design -> domain df and n
        assert_matches_r(expected, "ciprop_beta", sv.proportion(des, "rare", by, method="beta", df="domain"))
    p0 = sv.proportion(des, (des.data["y"] < LINE).to_numpy(), method="korn_graubard")
    assert_matches_r(expected, "ciprop_g0_beta", p0, stats_=("ci_low", "ci_high"))


def test_logit_matches_svyciprop_logit(des, expected):
    # Against svyglm converged fully (see make_fixtures.R): 1e-8.
    assert_matches_r(expected, "ciprop_logit_tight", sv.proportion(des, "rare", method="logit"),
                     stats_=("estimate", "ci_low", "ci_high"))
    for by in ("kec", "small"):
        assert_matches_r(expected, "ciprop_logit_tight", sv.proportion(des, "rare", by, method="logit", df="domain"),
                         stats_=("estimate", "ci_low", "ci_high"))
    # Against svyciprop as shipped, whose IRLS stops at a 1e-8 relative deviance change:
    # agreement to about 5e-8. Domain "yes" has df = 1, where R's confint.svyglm computes
    # 1 - 2 * pnorm(qt(0.025, 1)) == 1 and returns [0, NaN]; it is left out.
    res = sv.proportion(des, "rare", ["kec"], method="logit", df="domain")
    for _, row in res.iterrows():
        for st in STATS:
            np.testing.assert_allclose(row[st], r_value(expected, "ciprop_logit", row["domain"], st), rtol=1e-7)
    np.testing.assert_allclose(
        sv.proportion(des, "rare", method="logit")["se"].iloc[0], r_value(expected, "ciprop_logit", "all", "se"),
        rtol=RTOL)


def test_proportion_wald_is_mean_and_validates_indicator(des):
    p = sv.proportion(des, "rare", "kec")
    m = sv.mean(des, "rare", "kec")
    pd.testing.assert_frame_equal(p, m, check_like=True, check_exact=False, rtol=1e-14)
    with pytest.raises(ValueError, match="0/1 indicator"):
        sv.proportion(des, "m")


def test_korn_graubard_at_zero(des):
    # no cases: se = 0 -> n_eff = n (R returns NaN), then Korn-Graubard's df adjustment
    none = np.zeros(des.n_rows)
    res = sv.proportion(des, none, method="korn_graubard").iloc[0]
    assert res["estimate"] == 0 and res["ci_low"] == 0
    n = des.n_rows
    n_eff = n * (stats.t.ppf(0.025, n - 1) / stats.t.ppf(0.025, des.df)) ** 2
    np.testing.assert_allclose(res["ci_high"], stats.beta.ppf(0.975, 1, n_eff), rtol=1e-10)
    assert np.isnan(sv.proportion(des, none, method="logit")["ci_low"].iloc[0])


# ---------------------------------------------------------------------------------------
# Gini: convey's svygini (hand transcription in make_fixtures.R)
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("by", [None, "kec", "small"])
def test_gini_matches_convey_transcription(des, expected, by):
    assert_matches_r(expected, "gini_y", sv.gini(des, "y", by=by))


@pytest.mark.parametrize("by", [None, "kec"])
def test_gini_person_level_with_size(des, expected, by):
    assert_matches_r(expected, "gini_y_size", sv.gini(des, "y", size="m", by=by))


# ---------------------------------------------------------------------------------------
# Domains are subpopulations, not subsets
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("dom_col,level", [("kec", "K1"), ("kec", "K2"), ("small", "yes")])
def test_domain_is_subpopulation_not_subset(data, des, expected, dom_col, level):
    res = sv.mean(des, "y", dom_col)
    se_engine = res.loc[res.domain == level, "se"].iloc[0]
    se_svyby = r_value(expected, "mean_y", level, "se")
    se_naive = r_value(expected, "mean_y_naive_subset", level, "se")
    np.testing.assert_allclose(se_engine, se_svyby, rtol=RTOL)
    assert abs(se_engine - se_naive) / se_naive > 0.01  # the wrong answer is far away
    # ... and building a design from the domain's rows reproduces R's naive (wrong) SE
    sub = data[data[dom_col] == level]
    naive = sv.mean(SurveyDesign(sub, "w", "strata", "psu", lonely_psu="remove"), "y")
    np.testing.assert_allclose(naive["se"].iloc[0], se_naive, rtol=RTOL)
    np.testing.assert_allclose(naive["estimate"].iloc[0], res.loc[res.domain == level, "estimate"].iloc[0],
                               rtol=1e-12)


def test_domains_partition_the_total(des):
    by_kec = sv.total(des, "y", "kec")
    np.testing.assert_allclose(by_kec["estimate"].sum(), sv.total(des, "y")["estimate"].iloc[0], rtol=1e-12)
    assert by_kec["n_sample"].sum() == des.n_rows
    crossed = sv.mean(des, "y", ["kec", "sex_head"])
    assert list(crossed.columns[:3]) == ["kec", "sex_head", "domain"]
    assert crossed["domain"].tolist() == ["K1|1", "K1|2", "K2|1", "K2|2", "K3|1", "K3|2"]


def test_row_order_does_not_matter(data, des):
    shuffled = data.sample(frac=1.0, random_state=1).reset_index(drop=True)
    d2 = SurveyDesign(shuffled, "w", "strata", "psu")
    for f in (lambda d: sv.mean(d, "y", "kec"), lambda d: sv.fgt(d, "y", LINE, by="kec", size="m")):
        a, b = f(des), f(d2)
        np.testing.assert_allclose(a[["estimate", "se"]].to_numpy(), b[["estimate", "se"]].to_numpy(), rtol=1e-12)


# ---------------------------------------------------------------------------------------
# FGT conventions
# ---------------------------------------------------------------------------------------
def test_fgt_strict_inequality_at_ties(des, data):
    on_line = data["y"] == LINE
    assert on_line.sum() == 30
    w = data["w"]
    p0 = sv.fgt(des, "y", LINE, alpha=0)["estimate"].iloc[0]
    strict = (w * (data["y"] < LINE)).sum() / w.sum()
    weak = (w * (data["y"] <= LINE)).sum() / w.sum()  # convey's y <= z
    np.testing.assert_allclose(p0, strict, rtol=1e-14)
    assert weak - strict > 0.01
    # moving the line just above the ties counts them
    p0_up = sv.fgt(des, "y", np.nextafter(LINE, np.inf), alpha=0)["estimate"].iloc[0]
    np.testing.assert_allclose(p0_up, weak, rtol=1e-14)


def test_fgt_scale_100(des):
    a = sv.fgt(des, "y", LINE, by="kec", size="m")
    b = sv.fgt(des, "y", LINE, by="kec", size="m", scale=100)
    for col in STATS:
        np.testing.assert_allclose(b[col], 100 * a[col], rtol=1e-14)
    np.testing.assert_allclose(b["rse"], a["rse"], rtol=1e-14)
    assert (b["df"] == a["df"]).all() and (b["n_sample"] == a["n_sample"]).all()


def test_fgt_line_per_unit(des, data):
    const = sv.fgt(des, "y", LINE)
    per_row = sv.fgt(des, "y", np.full(len(data), float(LINE)))
    pd.testing.assert_frame_equal(const, per_row)


def test_tiny_hand_worked_example():
    # One stratum, PSUs A = {1, 2}, B = {3, 4}, C = {5, 6}; line z = 400 (unit 4 is ON the line).
    d = pd.DataFrame({"y": [100.0, 200, 300, 400, 500, 600], "w": [1.0, 2, 1, 2, 1, 1],
                      "psu": ["A", "A", "B", "B", "C", "C"]})
    des = SurveyDesign(d, "w", psu="psu")
    assert des.df == 2  # 3 PSUs - 1 stratum
    # N = 8. Poor: y < 400 -> units 1-3, weights 1 + 2 + 1 = 4: P0 = 4/8 = 0.5 (y <= z: 6/8).
    # Gaps (z - y)/z = .75, .5, .25: P1 = (.75 + 2 * .5 + .25)/8 = 0.25,
    # P2 = (.5625 + 2 * .25 + .0625)/8 = 0.140625.
    # SE(P0): influence w (g - .5)/8 = .0625, .125 | .0625, -.125 | -.0625, -.0625;
    # PSU totals .1875, -.0625, -.125 (mean 0); V = 3/2 * (.1875^2 + .0625^2 + .125^2)
    # = 1.5 * .0546875 = .08203125.
    f = sv.fgt(des, "y", 400)
    np.testing.assert_allclose(f["estimate"], [0.5, 0.25, 0.140625], rtol=1e-15)
    np.testing.assert_allclose(f["se"].iloc[0], np.sqrt(0.08203125), rtol=1e-14)
    np.testing.assert_allclose(f["ci_high"].iloc[0], 0.5 + stats.t.ppf(0.975, 2) * np.sqrt(0.08203125), rtol=1e-14)
    # Gini (convey): r = cumsum(w) = 1, 3, 4, 6, 7, 8; T = sum w y = 2700;
    # sum (2r - 1) w y = 100 + 2000 + 2100 + 8800 + 6500 + 9000 = 28500;
    # G = 28500 / (8 * 2700) - 1 = 23/72.
    # Linearisation: T1 = sum r w y = 15600; T1lin = T - cumsum(wy) + wy + r y
    # = 2800, 3200, 3400, 4300, 4600, 5400; I = T1lin/10800 - 13 y/24300 - 95/576
    # = 635/15552, 379/15552, -55/5184, 299/15552, -101/15552, 73/5184.
    # PSU totals of w I: 1393/15552, 433/15552, 59/7776 (they sum to 1/8, not 0: convey's
    # "- 1" in (2r - 1)); V = 3/2 * sum (Z - 1/24)^2 = 147025/26873856.
    g = sv.gini(des, "y")
    np.testing.assert_allclose(g["estimate"].iloc[0], 23 / 72, rtol=1e-14)
    np.testing.assert_allclose(g["se"].iloc[0], np.sqrt(147025 / 26873856), rtol=1e-13)


# ---------------------------------------------------------------------------------------
# Differences, reliability, validation
# ---------------------------------------------------------------------------------------
def test_difference_independent_samples():
    # Bontang P0 2023 -> 2024, 4.11 -> 3.74, with illustrative SEs
    r = sv.difference(4.11, 0.50, 3.74, 0.45).iloc[0]
    se = np.sqrt(0.5**2 + 0.45**2)
    np.testing.assert_allclose(r["change"], -0.37, rtol=1e-12)
    np.testing.assert_allclose(r["se"], se, rtol=1e-14)
    np.testing.assert_allclose(r["statistic"], -0.37 / se, rtol=1e-12)
    np.testing.assert_allclose(r["p_value"], 2 * stats.norm.sf(0.37 / se), rtol=1e-12)
    np.testing.assert_allclose(r["ci_low"], -0.37 - stats.norm.ppf(0.975) * se, rtol=1e-12)
    assert not r["significant"]
    t = sv.difference([10.0, 10.0], [1.0, 1.0], [14.0, 12.0], [1.0, 1.0], df=20, alpha=0.05)
    np.testing.assert_allclose(t["p_value"], 2 * stats.t.sf(np.array([4, 2]) / np.sqrt(2), 20), rtol=1e-12)
    assert t["significant"].tolist() == [True, False]
    assert ((t["ci_low"] > 0) == t["significant"]).all()  # CI excludes 0 <=> significant


def test_compare_merges_on_domain(des, data):
    a = sv.fgt(des, "y", LINE, by="kec", scale=100)
    b = sv.fgt(SurveyDesign(data.assign(y=data["y"] * 1.05), "w", "strata", "psu"), "y", LINE, by="kec", scale=100)
    c = sv.compare(a, b, on=["domain", "indicator"])
    assert len(c) == 9 and (c["df"] == 72).all()
    np.testing.assert_allclose(c["change"], b["estimate"] - a["estimate"], rtol=1e-12)
    np.testing.assert_allclose(c["se"], np.hypot(a["se"], b["se"]), rtol=1e-12)


def test_reliability_flag_thresholds():
    rse = [10, 25, 25.0001, 50, 50.01, np.inf, np.nan, 5]
    n = [100, 100, 100, 100, 100, 100, 100, 9]
    assert sv.reliability_flag(rse, n, min_n=10).tolist() == [
        "ok", "ok", "caution", "caution", "unreliable", "unreliable", "unreliable", "suppressed"]
    assert sv.reliability_flag(30, 50, min_n=10, caution=30, unreliable=40) == "ok"
    assert sv.reliability_flag(35, 50, min_n=10, caution=30, unreliable=40) == "caution"
    np.testing.assert_allclose(sv.relative_se(-2.0, 0.5), 25.0)


def test_weights_must_be_positive(data):
    bad = data.copy()
    bad.loc[[3, 17], "w"] = [0.0, -1.0]
    with pytest.raises(ValueError, match=r"column 'w' must be positive.*2 row\(s\).*\[3, 17\]"):
        SurveyDesign(bad, "w", "strata", "psu")
    bad.loc[[3, 17], "w"] = np.nan
    with pytest.raises(ValueError, match="'w'"):
        SurveyDesign(bad, "w", "strata", "psu")


def test_missing_values_raise_or_leave_the_domain(data):
    d = data.copy()
    d["y2"] = d["y"].astype(float)
    d.loc[[0, 5, 700], "y2"] = np.nan
    des = SurveyDesign(d, "w", "strata", "psu")
    with pytest.raises(ValueError, match=r"'y2' has 3 missing.*na_rm"):
        sv.mean(des, "y2")
    # na_rm = the domain of non-missing rows (R's na.rm = TRUE)
    d["ok"] = np.where(d["y2"].isna(), "no", "yes")
    des2 = SurveyDesign(d, "w", "strata", "psu")
    a = sv.mean(des, "y2", na_rm=True).iloc[0]
    b = sv.mean(des2, "y", "ok").set_index("domain").loc["yes"]
    np.testing.assert_allclose([a["estimate"], a["se"]], [b["estimate"], b["se"]], rtol=1e-12)
    assert a["n_sample"] == len(d) - 3


def test_design_validation(data):
    with pytest.raises(ValueError, match="lonely_psu"):
        SurveyDesign(data, "w", "strata", "psu", lonely_psu="drop")
    with pytest.raises(KeyError):
        SurveyDesign(data, "weight", "strata", "psu")
    with pytest.raises(ValueError, match="varies within stratum"):
        SurveyDesign(data.assign(f=np.arange(len(data)) + 100), "w", "strata", "psu", fpc="f")
    with pytest.raises(ValueError, match="more PSUs"):
        SurveyDesign(data.assign(f=2), "w", "strata", "psu", fpc="f")
    d = SurveyDesign(data, "w", "strata", "psu")
    assert (d.n_psu_total, d.n_strata, d.n_rows) == (40, 4, len(data))
    with pytest.raises(Exception):
        d.weight = "m"  # frozen


def test_output_columns(des):
    res = sv.mean(des, "y", "kec")
    assert list(res.columns) == ["kec", "domain", "estimate", "se", "ci_low", "ci_high", "rse", "df", "n_sample"]
    assert sv.total(des, "y")["domain"].tolist() == ["all"]
    np.testing.assert_allclose(res["rse"], 100 * res["se"] / res["estimate"].abs(), rtol=1e-14)


# ---------------------------------------------------------------------------------------
# Internal paths: blocks, label types, nesting
# ---------------------------------------------------------------------------------------
def _estimates(d: SurveyDesign) -> np.ndarray:
    parts = [sv.mean(d, "y", "kec"), sv.mean(d, "y", ["kec", "sex_head"]),
             sv.fgt(d, "y", LINE, by="small", size="m"), sv.total(d, "y"), sv.gini(d, "y", by="kec")]
    return np.concatenate([p[["estimate", "se", "n_sample", "df"]].to_numpy(float).ravel() for p in parts])


def test_small_blocks_give_the_same_results(des, monkeypatch):
    want = _estimates(des)
    monkeypatch.setattr(sv, "_BLOCK", 97)  # many blocks, of a length unrelated to anything
    monkeypatch.setattr(sv, "_RUN_BLOCK", 97)
    np.testing.assert_allclose(_estimates(des), want, rtol=1e-12)


def test_label_types_and_psu_nesting_do_not_matter(data, des):
    want = _estimates(des)
    # psu labels repeat across strata (the fixture); unique labels; string labels; integer
    # strata and domain codes (lookup-table path instead of hashing)
    d2 = data.assign(psu=data["strata"] + "-" + data["psu"].astype(str))
    d3 = data.assign(strata=data["strata"].str[1:].astype(int) * 1000, kec=data["kec"].str[1:].astype(np.int64))
    for d in (d2, d3):
        got = _estimates(SurveyDesign(d, "w", "strata", "psu"))
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_one_psu_per_row_and_no_strata(data):
    # no psu: every row is a PSU; no strata: one stratum (df = n - 1)
    d = SurveyDesign(data, "w")
    assert d.df == len(data) - 1 and d.n_psu_total == len(data)
    r = sv.mean(d, "y").iloc[0]
    w, y = data["w"].to_numpy(), data["y"].to_numpy(float)
    ybar = (w * y).sum() / w.sum()
    z = w * (y - ybar) / w.sum()
    n = len(y)
    np.testing.assert_allclose(r["se"], np.sqrt(n / (n - 1) * ((z - z.mean()) ** 2).sum()), rtol=1e-12)


def _all_estimators(d: SurveyDesign, by) -> list[pd.DataFrame]:
    return [sv.total(d, "y", by), sv.mean(d, "y", by), sv.ratio(d, "food", "y", by),
            sv.proportion(d, "rare", by, method="korn_graubard", df="domain"),
            sv.fgt(d, "y", LINE, by=by), sv.fgt(d, "y", LINE, by=by, size="m", alpha=(0, 1.5)),
            sv.mean(d, "y_na", by, na_rm=True), sv.fgt(d, "y_na", LINE, by=by, na_rm=True)]


@pytest.mark.parametrize("by", [None, "kec", ["kec", "sex_head"], "small"])
@pytest.mark.parametrize("kind", ["plain", "fpc", "lonely_adjust", "lonely_average", "int_labels"])
def test_psu_run_path_equals_row_path(data, by, kind):
    """Rows grouped by PSU (the run path: reduceat over runs, domains coded per run) and the
    same rows shuffled (the row path: codes and bincount per row) give the same results."""
    d = data.assign(y_na=data["y"].where(np.arange(len(data)) % 37 != 5))
    strata, kw = "strata", {}
    if kind == "fpc":
        kw = {"fpc": "fpc_n"}
    elif kind.startswith("lonely"):
        strata, kw = "strata_lonely", {"lonely_psu": kind.split("_")[1]}
    elif kind == "int_labels":
        d = d.assign(strata=d["strata"].str[1:].astype(int), kec=d["kec"].str[1:].astype(np.int64))
    shuffled = d.sample(frac=1.0, random_state=7)
    runs = SurveyDesign(d, "w", strata, "psu", **kw)
    rows = SurveyDesign(shuffled, "w", strata, "psu", **kw)
    assert runs.run_start is not None and rows.run_start is None
    np.testing.assert_array_equal(runs.psu_stratum, rows.psu_stratum)
    assert runs.df == rows.df
    for a, b in zip(_all_estimators(runs, by), _all_estimators(rows, by)):
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12, atol=1e-15)


def test_psu_runs_with_missing_or_split_labels_take_the_row_path(data):
    # a PSU split in two runs, and a missing domain value: same answers (or the same error)
    split = pd.concat([data.iloc[:3], data.iloc[10:], data.iloc[3:10]], ignore_index=True)
    assert SurveyDesign(split, "w", "strata", "psu").run_start is None
    des = SurveyDesign(data, "w", "strata", "psu")
    bad = data.assign(kec=data["kec"].where(np.arange(len(data)) != 4))
    with pytest.raises(ValueError, match=r"'kec' has missing values, e\.g\. rows \[4\]"):
        sv.mean(SurveyDesign(bad, "w", "strata", "psu"), "y", "kec")
    assert des.run_start is not None
