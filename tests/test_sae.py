"""Tests of analysis.sae against samplics 0.6.1 fixtures (tests/fixtures/sae/make_fixtures.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

from analysis.sae import (
    FayHerriotResult,
    benchmark,
    diagnostics,
    fay_herriot,
    normality_tests,
    smooth_variances,
)

FIX = Path(__file__).parent / "fixtures" / "sae"
RTOL = 1e-6
PER_AREA = ("gamma", "eblup", "mse", "g1", "g2", "g3")


def load(name: str) -> tuple[pd.DataFrame, dict]:
    expected = json.loads((FIX / f"expected_{name}.json").read_text())
    data = pd.read_csv(FIX / expected["dataset"], dtype={"area": str})
    return data, expected


def fit_case(name: str, method: str, **kw) -> tuple[FayHerriotResult, dict]:
    data, expected = load(name)
    res = fay_herriot(data["direct"], data["vardir"], data[expected["xcols"]], method=method, **kw)
    return res, expected["fits"][method]


def assert_matches(res: FayHerriotResult, exp: dict, rtol: float = RTOL) -> None:
    np.testing.assert_allclose(res.sigma2_u, exp["sigma2_u"], rtol=rtol, atol=0)
    np.testing.assert_allclose(res.beta, exp["beta"], rtol=rtol, atol=0)
    np.testing.assert_allclose(res.beta_se, exp["beta_se"], rtol=rtol, atol=0)
    ins = res.in_sample
    for key in PER_AREA:
        np.testing.assert_allclose(getattr(res, key)[ins], exp[key], rtol=rtol, atol=0, err_msg=key)


# ---------------------------------------------------------------------------
# Agreement with samplics
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, method",
    [
        ("milk", "REML"),
        ("milk", "ML"),
        ("milk", "FH"),
        ("bontang_like", "REML"),
        ("boundary", "REML"),
        ("boundary", "ML"),
    ],
)
def test_matches_samplics(name, method):
    res, exp = fit_case(name, method)
    assert res.converged
    assert res.method == method
    assert_matches(res, exp)


@pytest.mark.parametrize("name", ["milk", "bontang_like"])
def test_reml_matches_independent_root(name):
    """Fisher scoring lands on the root of the REML score found by brentq."""
    res, exp = fit_case(name, "REML")
    np.testing.assert_allclose(res.sigma2_u, exp["sigma2_u_brentq"], rtol=1e-9)


def test_milk_known_sae_values():
    """sae's documented milk example: sigma2_u ~ 0.0186, beta ~ (0.968, 0.133, 0.227, -0.241)."""
    res, _ = fit_case("milk", "REML")
    assert res.sigma2_u == pytest.approx(0.01855, abs=5e-6)
    np.testing.assert_allclose(res.beta, [0.9682, 0.1328, 0.2269, -0.2413], atol=1e-4)
    assert res.m == 43 and res.exog_names == ["const", "major_2", "major_3", "major_4"]


def test_reml_maximises_restricted_likelihood():
    """Independent check: maximise the REML log-likelihood numerically."""
    data, exp = load("bontang_like")
    y = data["direct"].to_numpy()
    D = data["vardir"].to_numpy()
    X = np.column_stack([np.ones(len(y)), data[exp["xcols"]].to_numpy()])

    def neg_reml(a):
        V = a + D
        XtVi = X.T / V
        Q = np.linalg.inv(XtVi @ X)
        r = y - X @ (Q @ XtVi @ y)
        return 0.5 * (np.sum(np.log(V)) + np.linalg.slogdet(XtVi @ X)[1] + np.sum(r**2 / V))

    opt = optimize.minimize_scalar(
        neg_reml, bounds=(0, 1), method="bounded", options={"xatol": 1e-14}
    )
    res = fay_herriot(y, D, data[exp["xcols"]])
    np.testing.assert_allclose(res.sigma2_u, opt.x, rtol=1e-6)


def test_sae_default_precision_is_measurably_different():
    """The comparison is sharp: sae's default PRECISION=1e-4 misses the fixture by > 1e-9."""
    loose, exp = fit_case("milk", "REML", tol=1e-4)
    rel = abs(loose.sigma2_u / exp["sigma2_u"] - 1)
    assert 1e-9 < rel < 1e-3
    tight, _ = fit_case("milk", "REML")
    assert tight.iterations > loose.iterations


# ---------------------------------------------------------------------------
# Out-of-sample areas
# ---------------------------------------------------------------------------
def test_out_of_sample_synthetic():
    data, expected = load("bontang_like")
    exp = expected["oos"]
    direct = data.set_index("area")["direct"].copy()
    direct[exp["oos_areas"]] = np.nan
    vardir = data.set_index("area")["vardir"].copy()
    vardir[exp["oos_areas"]] = np.nan  # ignored out of sample
    X = data.set_index("area")[expected["xcols"]]
    res = fay_herriot(direct, vardir, X)

    assert list(res.area) == list(data["area"])
    oos = ~res.in_sample
    assert list(res.area[oos]) == exp["oos_areas"]
    assert res.m == 13
    assert_matches(res, exp)
    np.testing.assert_allclose(res.eblup[oos], exp["oos_synthetic"], rtol=RTOL)
    np.testing.assert_allclose(res.mse[oos], exp["oos_mse"], rtol=RTOL)
    # D -> inf limit: gamma 0, g1 = sigma2_u, g3 = 0, estimate = synthetic
    assert np.all(res.gamma[oos] == 0)
    np.testing.assert_allclose(res.g1[oos], res.sigma2_u)
    assert np.all(res.g3[oos] == 0)
    np.testing.assert_array_equal(res.eblup[oos], res.synthetic[oos])
    assert np.isnan(res.direct[oos]).all() and np.isnan(res.vardir[oos]).all()
    # predict_synthetic gives the same for the same covariates
    est, mse = res.predict_synthetic(X.loc[exp["oos_areas"]].to_numpy())
    np.testing.assert_allclose(est, exp["oos_synthetic"], rtol=1e-12)
    np.testing.assert_allclose(mse, exp["oos_mse"], rtol=1e-12)
    # the synthetic MSE exceeds every in-sample EBLUP MSE with the same design
    assert mse.min() > res.sigma2_u


def test_out_of_sample_mse_is_large_vardir_limit():
    """An area with a huge sampling variance approaches the synthetic-estimate MSE."""
    data, expected = load("milk")
    X = data[expected["xcols"]].to_numpy()
    direct = data["direct"].to_numpy().copy()
    res_nan = fay_herriot(
        np.append(direct, np.nan), np.append(data["vardir"], np.nan), np.vstack([X, X[:1]])
    )
    # compare with the in-sample formula, D -> inf, holding sigma2_u and Q fixed
    r = fay_herriot(direct, data["vardir"], X)
    x = np.r_[1.0, X[0]]
    D = 1e12
    B = D / (r.sigma2_u + D)
    pr = (
        r.sigma2_u * D / (r.sigma2_u + D)
        + B**2 * x @ r.beta_cov @ x
        + 2 * B**2 * r.sigma2_u_var / (r.sigma2_u + D)
    )
    np.testing.assert_allclose(res_nan.mse[-1], pr, rtol=1e-9)


# ---------------------------------------------------------------------------
# Shapes, labels, validation
# ---------------------------------------------------------------------------
def test_shapes_and_labels():
    data, expected = load("milk")
    direct = pd.Series(data["direct"].to_numpy(), index=[f"area{i}" for i in range(len(data))])
    X = data[expected["xcols"]].set_axis(direct.index)
    res = fay_herriot(direct, data["vardir"].to_numpy(), X)
    m = len(data)
    for key in (
        "direct",
        "vardir",
        "synthetic",
        "gamma",
        "eblup",
        "g1",
        "g2",
        "g3",
        "mse",
        "in_sample",
    ):
        assert getattr(res, key).shape == (m,), key
    assert res.beta.shape == (4,) and res.beta_cov.shape == (4, 4)
    assert list(res.area) == list(direct.index)
    frame = res.to_frame()
    assert frame.shape == (m, 10) and list(frame.index) == list(direct.index)
    coef = res.coefficients()
    assert list(coef.index) == ["const", "major_2", "major_3", "major_4"]
    assert list(coef.columns) == ["beta", "std_error", "z_value", "p_value"]
    assert np.all((res.gamma > 0) & (res.gamma < 1))
    assert np.all(res.mse > 0) and np.all(res.g1 < res.vardir)
    assert np.isfinite([res.loglike, res.aic, res.bic]).all()
    np.testing.assert_allclose(res.rmse**2, res.mse)


def test_intercept_false_equivalent():
    data, expected = load("milk")
    X = data[expected["xcols"]].to_numpy()
    a = fay_herriot(data["direct"], data["vardir"], X)
    b = fay_herriot(
        data["direct"], data["vardir"], np.column_stack([np.ones(len(X)), X]), intercept=False
    )
    np.testing.assert_allclose(a.eblup, b.eblup, rtol=1e-13)
    np.testing.assert_allclose(a.mse, b.mse, rtol=1e-13)
    assert b.exog_names[0] == "x1"


def test_validation_errors():
    data, expected = load("milk")
    y, D, X = data["direct"], data["vardir"].to_numpy().copy(), data[expected["xcols"]]
    D0 = D.copy()
    D0[3] = 0.0
    with pytest.raises(ValueError, match="smooth_variances"):
        fay_herriot(y, D0, X)
    with pytest.raises(ValueError, match="method"):
        fay_herriot(y, D, X, method="bayes")
    with pytest.raises(ValueError, match="rank"):
        fay_herriot(y, D, np.column_stack([X, X.iloc[:, 0]]))
    with pytest.raises(ValueError, match="one row per area"):
        fay_herriot(y, D, X.iloc[:-1].to_numpy())
    with pytest.raises(ValueError, match="more in-sample areas"):
        fay_herriot(y[:3], D[:3], X.iloc[:3].to_numpy())
    with pytest.raises(ValueError, match="same index"):
        fay_herriot(y, D, X.iloc[::-1])  # misaligned pandas rows are refused


def test_repr_is_short():
    res, _ = fit_case("milk", "REML")
    text = repr(res)
    assert text.startswith("FayHerriotResult(method='REML', m=43") and len(text) < 200


def test_nonconvergence_warns():
    data, expected = load("milk")
    with pytest.warns(RuntimeWarning, match="did not converge"):
        res = fay_herriot(data["direct"], data["vardir"], data[expected["xcols"]], max_iter=2)
    assert not res.converged and res.iterations == 2


# ---------------------------------------------------------------------------
# Boundary sigma2_u = 0
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["REML", "ML"])
def test_boundary_case(method):
    res, exp = fit_case("boundary", method)
    assert exp["sigma2_u"] == 0.0
    assert res.sigma2_u == 0.0 and res.boundary and res.sigma2_u_raw < 0
    assert np.all(res.gamma == 0)
    np.testing.assert_array_equal(res.eblup, res.synthetic)
    assert np.all(res.g1 == 0)
    if method == "REML":
        np.testing.assert_allclose(res.mse, res.g2 + 2 * res.g3, rtol=1e-15)
    assert np.all(np.isfinite(res.mse)) and np.all(res.mse > 0)


def test_boundary_far_outside_parameter_space():
    """Residuals much smaller than the sampling SEs: the first Fisher step leaves the
    region where V is positive definite; the estimate is set to the boundary 0."""
    data, exp = load("boundary")
    fitted = fay_herriot(data["direct"], data["vardir"], data[exp["xcols"]])
    shrunk = fitted.synthetic + 0.2 * (data["direct"].to_numpy() - fitted.synthetic)
    res = fay_herriot(shrunk, data["vardir"], data[exp["xcols"]])
    assert res.converged and res.boundary and res.sigma2_u == 0.0
    assert res.sigma2_u_raw + data["vardir"].min() <= 0  # left the valid region
    assert np.all(np.isfinite(res.mse)) and np.all(res.gamma == 0)


# ---------------------------------------------------------------------------
# GVF smoothing
# ---------------------------------------------------------------------------
def test_gvf_hand_example():
    # valid areas: deff_1 = 0.018 / (0.09/10) = 2, deff_2 = 0.016 / (0.16/20) = 2
    # deff_bar = (10*0.018 + 20*0.016) / (0.09 + 0.16) = 0.5 / 0.25 = 2
    # p_ref = (10*0.1 + 20*0.2 + 10*0) / 40 = 0.125; p(1-p) = 0.109375
    p = [0.1, 0.2, 0.0]
    v = [0.018, 0.016, 0.0]
    n = [10, 20, 10]
    out, params = smooth_variances(p, v, n, full_output=True)
    np.testing.assert_allclose(out, [0.021875, 0.0109375, 0.021875], rtol=1e-14)
    assert params["deff_bar"] == pytest.approx(2.0, rel=1e-14)
    assert params["n_valid"] == 2
    np.testing.assert_allclose(params["p_ref"], 0.125)


def test_gvf_degenerate_inputs_positive_finite():
    p = np.array([0.0, 0.0, 1 / 30, 0.1, np.nan, 0.05, 1.0])
    v = np.array([0.0, np.nan, 0.0, 0.004, np.nan, 0.0015, 0.0])
    n = np.array([30, 40, 30, 50, 20, 40, 10])
    out = smooth_variances(p, v, n)
    assert out.shape == p.shape
    assert np.all(np.isfinite(out)) and np.all(out > 0)
    # areas with a zero estimate get the variance of an area of the same size
    assert out[0] == out[2]
    # and are usable by Fay-Herriot together with the zero direct estimate
    res = fay_herriot(p, out, np.arange(p.size, dtype=float))
    assert np.all(np.isfinite(res.mse)) and np.all(res.mse > 0)


def test_gvf_reproduces_fixture():
    data, expected = load("bontang_like")
    out, params = smooth_variances(data["direct"], data["vardir_raw"], data["n"], full_output=True)
    np.testing.assert_allclose(out, data["vardir"], rtol=1e-13)
    assert params["deff_bar"] == pytest.approx(expected["gvf"]["deff_bar"], rel=1e-13)
    assert params["n_valid"] == expected["gvf"]["n_valid"]
    assert (data["vardir_raw"] == 0).any()


def test_gvf_loglinear_and_p_ref():
    n = np.array([10.0, 20.0, 40.0, 80.0])
    v = 0.5 * n**-0.9
    p = np.array([0.1, 0.0, 0.2, 0.15])
    vv = v.copy()
    vv[1] = 0.0  # degenerate area: not used in the fit, still smoothed
    out, params = smooth_variances(p, vv, n, method="loglinear", full_output=True)
    np.testing.assert_allclose(out, v, rtol=1e-12)
    assert params["b"] == pytest.approx(-0.9) and params["smearing"] == pytest.approx(1.0)
    # per-area reference proportions
    out2 = smooth_variances([0.1, 0.2], [0.018, 0.016], [10, 20], p_ref=[0.5, 0.1])
    np.testing.assert_allclose(out2, [2 * 0.25 / 10, 2 * 0.09 / 20])
    with pytest.raises(ValueError):
        smooth_variances([0.0, 0.0], [0.0, 0.0], [10, 10])
    with pytest.raises(ValueError):
        smooth_variances([0.1], [0.01], [0])
    # an area without a sample (n = 0) has nothing to smooth: NaN, others unaffected
    out3 = smooth_variances([0.1, 0.2, np.nan], [0.018, 0.016, np.nan], [10, 20, 0])
    assert np.isnan(out3[2])
    np.testing.assert_allclose(out3[:2], smooth_variances([0.1, 0.2], [0.018, 0.016], [10, 20]))
    with pytest.raises(ValueError):
        smooth_variances([0.1], [0.01], [10], method="spline")


# ---------------------------------------------------------------------------
# Benchmarking
# ---------------------------------------------------------------------------
def test_benchmark_adds_up():
    res, _ = fit_case("bontang_like", "REML")
    rng = np.random.default_rng(1)
    w = rng.uniform(1, 3, res.eblup.size)
    w = w / w.sum()
    target = 0.09
    before = res.eblup.copy()
    ratio = benchmark(res.eblup, w, target)
    diff = benchmark(res.eblup, w, target, method="difference")
    wfq = benchmark(res.eblup, w, target, method="difference", mse=res.mse)
    for b in (ratio, diff, wfq):
        assert np.sum(w * b) == pytest.approx(target, rel=1e-13)
    np.testing.assert_array_equal(res.eblup, before)  # unbenchmarked EBLUP untouched
    np.testing.assert_allclose(ratio / res.eblup, target / np.sum(w * res.eblup))
    np.testing.assert_allclose(diff - res.eblup, target - np.sum(w * res.eblup))
    shift = (wfq - res.eblup) / (w * res.mse)
    np.testing.assert_allclose(shift, shift[0])  # adjustment proportional to w_i * mse_i


def test_benchmark_hand_example_and_errors():
    est = np.array([0.1, 0.2])
    w = np.array([0.5, 0.5])
    np.testing.assert_allclose(benchmark(est, w, 0.3), [0.2, 0.4])
    np.testing.assert_allclose(benchmark(est, w, 0.3, method="difference"), [0.25, 0.35])
    # totals: population counts as weights, a total as target
    np.testing.assert_allclose(benchmark(est, [100, 300], 140.0), est * 140 / 70)
    with pytest.raises(ValueError):
        benchmark(est, w, 0.3, method="raking")
    with pytest.raises(ValueError):
        benchmark([0.0, 0.0], w, 0.3)
    with pytest.raises(ValueError):
        benchmark(est, [-1, 2], 0.3)


# ---------------------------------------------------------------------------
# Diagnostics
# ---------------------------------------------------------------------------
def test_diagnostics_frame():
    res, _ = fit_case("milk", "REML")
    d = diagnostics(res)
    assert d.shape == (43, 11)
    expected_cols = {
        "in_sample",
        "direct",
        "eblup",
        "synthetic",
        "gamma",
        "residual",
        "std_residual",
        "random_effect",
        "cv_direct",
        "cv_eblup",
        "cv_ratio",
    }
    assert set(d.columns) == expected_cols
    np.testing.assert_allclose(
        d["std_residual"], (res.direct - res.synthetic) / np.sqrt(res.sigma2_u + res.vardir)
    )
    np.testing.assert_allclose(d["cv_eblup"], np.sqrt(res.mse) / res.eblup)
    np.testing.assert_allclose(d["random_effect"], res.eblup - res.synthetic, atol=1e-15)
    assert (d["cv_ratio"] < 1).all()  # EBLUP is more precise than the direct estimate here

    nt = normality_tests(res)
    assert list(nt.index) == ["std_residual", "random_effect"]
    assert list(nt.columns) == ["n", "skewness", "kurtosis", "shapiro_w", "shapiro_p"]
    sw = stats.shapiro(d["std_residual"])
    assert nt.loc["std_residual", "shapiro_w"] == pytest.approx(sw.statistic)
    assert nt.loc["std_residual", "n"] == 43


def test_diagnostics_boundary_and_out_of_sample():
    res, _ = fit_case("boundary", "REML")
    nt = normality_tests(res)
    assert np.isnan(nt.loc["random_effect", "shapiro_w"])  # all effects are 0
    assert np.isfinite(nt.loc["std_residual", "shapiro_w"])

    data, expected = load("bontang_like")
    direct = data["direct"].copy()
    direct[[4, 10]] = np.nan
    d = diagnostics(fay_herriot(direct, data["vardir"], data[expected["xcols"]]))
    assert d.loc[[4, 10], "std_residual"].isna().all()
    assert d.loc[[4, 10], "cv_eblup"].notna().all()
    assert d["cv_direct"].isna().sum() == 3  # two out of sample + one zero estimate
