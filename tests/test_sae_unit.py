"""Unit-level SAE: nested-error REML against R lme4, transformations, EBP and census weights."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import sae_unit

FIX = Path(__file__).parent / "fixtures" / "sae_unit"


@pytest.fixture(scope="module")
def lme4():
    d = pd.read_csv(FIX / "data.csv")
    ref = pd.read_csv(FIX / "lme4_reference.csv").set_index("item")["value"].astype(float)
    X = np.column_stack([np.ones(len(d)), d["x1"], d["x2"]])
    fit = sae_unit.fit_nested_error(d["y"], X, d["area"].to_numpy())
    return d, ref, fit


def test_reml_matches_lme4(lme4):
    """beta, sigma2_u, sigma2_e and the REML log-likelihood agree with lme4 (fixture made by
    tests/fixtures/sae_unit/make_fixture.py)."""
    _, ref, fit = lme4
    np.testing.assert_allclose(fit.beta, ref[["beta_(Intercept)", "beta_x1", "beta_x2"]].to_numpy(), atol=1e-6)
    assert fit.sigma2_u == pytest.approx(ref["sigma2_u"], abs=1e-6)
    assert fit.sigma2_e == pytest.approx(ref["sigma2_e"], abs=1e-6)
    assert fit.loglik == pytest.approx(ref["reml_loglik"], abs=1e-6)


def test_eblup_area_effects_and_means_match_lme4(lme4):
    d, ref, fit = lme4
    re = ref[[f"ranef_{i}" for i in range(12)]].to_numpy()
    np.testing.assert_allclose(fit.random_effects, re, atol=1e-6)
    # EBLUP of the area means at the sample covariate means = xbar' beta + u
    beta_ref = ref[["beta_(Intercept)", "beta_x1", "beta_x2"]].to_numpy()
    np.testing.assert_allclose(fit.eblup_means(fit.xbar), fit.xbar @ beta_ref + re, atol=1e-6)


def test_ml_differs_from_reml_and_tau_zero_is_found():
    rng = np.random.default_rng(1)
    area = np.repeat(np.arange(10), 20)
    X = np.column_stack([np.ones(200), rng.normal(size=200)])
    y = X @ [1.0, 2.0] + rng.normal(size=200)            # no area effect at all
    fit = sae_unit.fit_nested_error(y, X, area)
    assert fit.sigma2_u < 0.02
    ml = sae_unit.fit_nested_error(y, X, area, method="ML")
    assert ml.sigma2_e < fit.sigma2_e                     # ML divides by n, REML by n - p
    with pytest.raises(ValueError, match="REML or ML"):
        sae_unit.fit_nested_error(y, X, area, method="OLS")


def test_transformations_invert_and_boxcox_lambda_is_interior():
    """The Jacobian keeps Box-Cox lambda off its bound; log-normal data choose log or a lambda near 0."""
    rng = np.random.default_rng(7)
    area = np.repeat(np.arange(15), 30)
    x = rng.normal(size=area.size)
    X = np.column_stack([np.ones(area.size), x])
    y = np.exp(13.0 + 0.4 * x + rng.normal(0, 0.2, 15)[area] + rng.normal(0, 0.5, area.size))
    tr, tab = sae_unit.select_transformation(y, X, area)
    bc = tab.set_index("transformation").loc["boxcox"]
    assert abs(bc["param"]) < 0.3 and not bc["at_bound"]
    for t in (sae_unit.Transformation("log", 0, 1e6), sae_unit.Transformation("boxcox", 0.4, 1e6),
              sae_unit.Transformation("log_shift", 0.3, 1e6)):
        np.testing.assert_allclose(t.inverse(t.forward(y)), y, rtol=1e-10)


def _toy(seed=3, m=8, n_per=25, N_per=2000):
    rng = np.random.default_rng(seed)
    u = rng.normal(0, 0.3, m)
    area_c = np.repeat(np.arange(m), N_per)
    xc = rng.normal(size=area_c.size)
    yc = np.exp(12 + 0.5 * xc + u[area_c] + rng.normal(0, 0.6, area_c.size))
    s = np.concatenate([rng.choice(np.flatnonzero(area_c == i), n_per, replace=False) for i in range(m)])
    Xc = np.column_stack([np.ones(area_c.size), xc])
    return yc, Xc, area_c, s


def test_ebp_is_reproducible_and_close_to_truth():
    yc, Xc, area_c, s = _toy()
    z = float(np.quantile(yc, 0.2))
    tr = sae_unit.Transformation("log", 0.0, float(np.exp(np.mean(np.log(yc[s])))))
    a = sae_unit.ebp(yc[s], Xc[s], area_c[s], Xc, area_c, z, m=8, transformation=tr, mc_reps=100, boot_reps=50, seed=5)
    b = sae_unit.ebp(yc[s], Xc[s], area_c[s], Xc, area_c, z, m=8, transformation=tr, mc_reps=100, boot_reps=50, seed=5)
    pd.testing.assert_frame_equal(a.table, b.table)                      # same seed, same bytes
    true_p0 = np.bincount(area_c, yc < z) / np.bincount(area_c)
    err = a.table["p0"].to_numpy() - true_p0
    assert np.sqrt(np.mean(err ** 2)) < 0.05
    # Monte Carlo EB and the exact conditional expectation agree within MC error
    np.testing.assert_allclose(a.table["p0"], a.table["p0_exact"], atol=0.01)
    assert (a.table["se_p0"] > 0).all() and (a.table["se_p0"] < 0.1).all()
    assert np.corrcoef(a.table["p0"], true_p0)[0, 1] > 0.8


def test_area_without_sample_gets_the_synthetic_prediction():
    yc, Xc, area_c, s = _toy()
    s = s[area_c[s] != 7]                                 # area 7 not sampled
    z = float(np.quantile(yc, 0.2))
    tr = sae_unit.Transformation("log", 0.0, 1e5)
    r = sae_unit.ebp(yc[s], Xc[s], area_c[s], Xc, area_c, z, m=8, transformation=tr, mc_reps=100, boot_reps=20, seed=1)
    row = r.table.iloc[7]
    assert row["n_sample"] == 0 and row["gamma"] == 0 and row["random_effect"] == 0
    assert 0 < row["p0"] < 1 and row["se_p0"] > r.table["se_p0"].iloc[:7].min()


def test_census_weights_reach_the_kecamatan_totals():
    """Registry families missing from the census are represented by weighting each kecamatan's
    registered persons up to its population total."""
    group = np.array(["a", "a", "b", "b", "b", "c"])
    persons = np.array([3, 2, 4, 4, 2, 5], float)
    w = sae_unit.calibrate_census_weights(group, persons, {"a": 10, "b": 11})
    assert (w * persons)[group == "a"].sum() == pytest.approx(10)
    assert (w * persons)[group == "b"].sum() == pytest.approx(11)
    assert w[group == "c"] == pytest.approx(1.0)          # no total: unweighted


def test_covariate_selection_drops_noise_groups():
    rng = np.random.default_rng(11)
    area = np.repeat(np.arange(12), 40)
    n = area.size
    X = pd.DataFrame({"const": 1.0, "x": rng.normal(size=n), "noise1": rng.normal(size=n),
                      "noise2": rng.normal(size=n)})
    y = 1 + 0.8 * X["x"].to_numpy() + rng.normal(0, 0.3, 12)[area] + rng.normal(size=n)
    cols, steps = sae_unit.select_covariates(y, X, area, {"x": ["x"], "noise1": ["noise1"], "noise2": ["noise2"]})
    assert cols == ["const", "x"]
    assert set(steps["removed"]) >= {"noise1", "noise2"}
