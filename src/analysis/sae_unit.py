"""Unit-level small-area estimation: the nested-error model and the empirical best predictor (EBP).

The module is generic (no city, survey or registry names). It provides

* :func:`fit_nested_error` -- REML (or ML) fit of the nested-error regression
  ``y_ij = x_ij' beta + u_i + e_ij``, ``u_i ~ N(0, s2u)``, ``e_ij ~ N(0, s2e)`` (Battese, Harter
  and Fuller 1988), by profiling out ``beta`` and ``s2e`` and maximising over the variance ratio
  ``tau = s2u / s2e`` (one-dimensional, bounded Brent). All sums are area sums, so one likelihood
  evaluation costs O(p^3 + m p^2) whatever the sample size. Matches R ``lme4::lmer`` (REML) to
  1e-6 on the committed fixtures (tests/fixtures/sae_unit/).
* :func:`select_transformation` -- log, Box-Cox or log-shift, chosen by the REML likelihood of the
  transformed model PLUS the log-Jacobian of the transformation (without it the likelihood of a
  Box-Cox model grows without bound in lambda), AIC with one parameter for Box-Cox and log-shift
  (Rojas-Perilla et al. 2020, as R emdi does; emdi scales by the geometric mean, which is the
  same correction).
* :func:`select_covariates` -- backward elimination of covariate GROUPS (a categorical's dummies
  together) by BIC of the ML fit (default) or conditional AIC (Vaida and Blanchard 2005), on
  the transformed scale: computable from the sample alone.
* :func:`ebp` -- Monte Carlo EB prediction of the FGT indices P0, P1, P2 of every area from a
  census of covariates (Molina and Rao 2010) with seeded draws, and the parametric bootstrap MSE
  (Gonzalez-Manteiga et al. 2008; Molina and Rao 2010, section 4) with seeded replicates.

Transformations are applied to ``y / g`` with ``g`` the geometric mean of the sample outcome, so
the same scale enters the census simulation and the back-transformation; the poverty line is
divided by the same ``g``.

Bootstrap MSE: in replicate b a census population is generated from the fitted model (new area
effects and unit errors), its true FGT values computed, a sample generated with the same area
effects at the sample's covariates, the model refitted (transformation parameter held at its
estimate) and the EB predictor recomputed. In the replicates the EB P0 is evaluated as the exact
conditional expectation ``E[P0_i | data] = E_u[sum_j w_j Phi((t_z - x_j'b - u)/s_e)] / sum_j w_j``
by Gauss-Hermite quadrature over the posterior of ``u_i`` (the Monte Carlo EB estimates the same
quantity; quadrature removes the Monte Carlo error from the bootstrap and makes it fast).

References
----------
Battese, G. E., Harter, R. M. and Fuller, W. A. (1988). An error-components model for prediction
    of county crop areas using survey and satellite data. *JASA* 83, 28-36.
Molina, I. and Rao, J. N. K. (2010). Small area estimation of poverty indicators. *Canadian
    Journal of Statistics* 38, 369-385.
Gonzalez-Manteiga, W., Lombardia, M. J., Molina, I., Morales, D. and Santamaria, L. (2008).
    Bootstrap mean squared error of a small-area EBLUP. *J. Stat. Comput. Simul.* 78, 443-462.
Rojas-Perilla, N., Pannier, S., Schmid, T. and Tzavidis, N. (2020). Data-driven transformations
    in small area estimation. *JRSS A* 183, 121-148.
Kreutzmann, A.-K. et al. (2019). The R package emdi for estimating and mapping regionally
    disaggregated indicators. *J. Stat. Softw.* 91(7).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, special
from threadpoolctl import threadpool_limits

__all__ = ["NestedErrorFit", "fit_nested_error", "Transformation", "select_transformation",
           "select_covariates", "EBPResult", "ebp", "calibrate_census_weights"]

TAU_MAX = 1e4          # upper bound of s2u / s2e in the search (a ratio this large is a fixed effect)


# --------------------------------------------------------------------------------------------
# nested-error model
# --------------------------------------------------------------------------------------------
@dataclass
class _Sums:
    """Area sums of a sample: everything the likelihood needs."""
    XtX: np.ndarray
    Xty: np.ndarray
    yty: float
    S: np.ndarray        # m x p area sums of X
    sy: np.ndarray       # m area sums of y
    n_i: np.ndarray      # m area sample sizes
    n: int
    p: int


def _sums(y: np.ndarray, X: np.ndarray, area_idx: np.ndarray, m: int) -> _Sums:
    A = (area_idx[None, :] == np.arange(m)[:, None]).astype(float)   # m x n area indicator
    S = A @ X
    return _Sums(XtX=X.T @ X, Xty=X.T @ y, yty=float(y @ y), S=S, sy=np.bincount(area_idx, y, m),
                 n_i=np.bincount(area_idx, minlength=m).astype(float), n=y.size, p=X.shape[1])


def _profile(tau: float, s: _Sums, reml: bool) -> tuple[float, np.ndarray, float, np.ndarray]:
    """-2 x profile log-likelihood at variance ratio ``tau``; also beta, s2e and (X'WX)^-1."""
    c = tau / (1.0 + s.n_i * tau)                     # V_i^-1 = (I - c_i J) / s2e
    XWX = s.XtX - (s.S * c[:, None]).T @ s.S
    XWy = s.Xty - s.S.T @ (c * s.sy)
    L = np.linalg.cholesky(XWX)
    beta = np.linalg.solve(XWX, XWy)
    Q = s.yty - float(c @ s.sy ** 2) - float(beta @ XWy)
    dof = s.n - s.p if reml else s.n
    s2e = Q / dof
    m2ll = dof * np.log(2 * np.pi * s2e) + np.sum(np.log1p(s.n_i * tau)) + dof
    if reml:
        m2ll += 2.0 * np.sum(np.log(np.diag(L)))
    return m2ll, beta, s2e, XWX


@dataclass
class NestedErrorFit:
    """A fitted nested-error model (areas are ``0..m-1`` as passed to :func:`fit_nested_error`)."""
    beta: np.ndarray
    sigma2_u: float
    sigma2_e: float
    cov_beta: np.ndarray
    loglik: float              # REML or ML log-likelihood (transformed scale)
    method: str
    n_i: np.ndarray            # sample size per area (0 for areas without sample)
    ybar: np.ndarray           # sample mean of y per area (nan without sample)
    xbar: np.ndarray           # sample mean of X per area
    columns: list = field(default_factory=list)

    @property
    def gamma(self) -> np.ndarray:
        """Shrinkage ``s2u / (s2u + s2e / n_i)`` (0 for areas without sample)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            g = self.sigma2_u / (self.sigma2_u + self.sigma2_e / self.n_i)
        return np.where(self.n_i > 0, g, 0.0)

    @property
    def random_effects(self) -> np.ndarray:
        """BLUP of the area effects ``gamma_i (ybar_i - xbar_i' beta)`` (0 without sample)."""
        r = np.where(self.n_i > 0, self.ybar - self.xbar @ self.beta, 0.0)
        return self.gamma * np.nan_to_num(r)

    @property
    def icc(self) -> float:
        return self.sigma2_u / (self.sigma2_u + self.sigma2_e)

    def eblup_means(self, Xbar_pop: np.ndarray) -> np.ndarray:
        """EBLUP of area means of y for population covariate means ``Xbar_pop`` (m x p), large-N form."""
        return Xbar_pop @ self.beta + self.random_effects


def fit_nested_error(y, X, area, m: int | None = None, *, method: str = "REML",
                     columns=None, tol: float = 1e-10) -> NestedErrorFit:
    """Fit the nested-error regression by REML (default) or ML.

    Parameters
    ----------
    y : array_like, shape (n,)
        Outcome (already transformed).
    X : array_like, shape (n, p)
        Design matrix including the intercept column.
    area : array_like of int, shape (n,)
        Area index ``0..m-1`` of each unit.
    m : int, optional
        Number of areas (default ``max(area) + 1``); areas without sample are allowed.
    method : {"REML", "ML"}
    columns : list of str, optional
        Names of the columns of ``X``.
    tol : float
        Absolute tolerance of log(tau) in the search (1e-10 for published fits; model selection
        uses 1e-6).

    Returns
    -------
    NestedErrorFit
    """
    y = np.asarray(y, float)
    X = np.asarray(X, float)
    area = np.asarray(area, np.int64)
    m = int(area.max()) + 1 if m is None else int(m)
    if method not in ("REML", "ML"):
        raise ValueError(f"method must be REML or ML, not {method!r}")
    if not (np.isfinite(y).all() and np.isfinite(X).all()):
        raise ValueError("y and X must be finite")
    s = _sums(y, X, area, m)
    reml = method == "REML"

    def f(log_tau):
        return _profile(np.exp(log_tau), s, reml)[0]

    # the variance ratio is searched on the log scale; tau = 0 (no area effect) is checked apart
    res = optimize.minimize_scalar(f, bounds=(np.log(1e-8), np.log(TAU_MAX)), method="bounded",
                                   options={"xatol": tol, "maxiter": 500})
    tau = float(np.exp(res.x))
    m2ll, beta, s2e, XWX = _profile(tau, s, reml)
    m2ll0, beta0, s2e0, XWX0 = _profile(0.0, s, reml)
    if m2ll0 <= m2ll:
        tau, m2ll, beta, s2e, XWX = 0.0, m2ll0, beta0, s2e0, XWX0
    with np.errstate(invalid="ignore", divide="ignore"):
        ybar = s.sy / s.n_i
        xbar = s.S / s.n_i[:, None]
    return NestedErrorFit(beta=beta, sigma2_u=tau * s2e, sigma2_e=s2e, cov_beta=s2e * np.linalg.inv(XWX),
                          loglik=-0.5 * m2ll, method=method, n_i=s.n_i, ybar=ybar, xbar=xbar,
                          columns=list(columns) if columns is not None else [f"x{j}" for j in range(s.p)])


# --------------------------------------------------------------------------------------------
# transformations
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Transformation:
    """``kind`` in {"log", "boxcox", "log_shift"}; ``param`` lambda or the shift; ``scale`` g."""
    kind: str
    param: float = 0.0
    scale: float = 1.0

    def forward(self, y) -> np.ndarray:
        x = np.asarray(y, float) / self.scale
        if self.kind == "log":
            return np.log(x)
        if self.kind == "log_shift":
            return np.log(x + self.param)
        lam = self.param
        return np.log(x) if abs(lam) < 1e-12 else (x ** lam - 1.0) / lam

    def inverse(self, t) -> np.ndarray:
        t = np.asarray(t, float)
        if self.kind == "log":
            x = np.exp(t)
        elif self.kind == "log_shift":
            x = np.maximum(np.exp(t) - self.param, 0.0)
        else:
            lam = self.param
            if abs(lam) < 1e-12:
                x = np.exp(t)
            else:
                # outside the range of the transformation: y = 0 when lambda > 0, y = +inf when
                # lambda < 0 (the transformed scale is bounded above by -1/lambda)
                base = np.maximum(lam * t + 1.0, 0.0)
                with np.errstate(divide="ignore"):
                    x = base ** (1.0 / lam)
        return x * self.scale

    def log_jacobian(self, y) -> float:
        """sum log |dT/dy| on the scaled outcome (the constant -n log g is common to all kinds)."""
        x = np.asarray(y, float) / self.scale
        if self.kind == "log":
            return float(-np.sum(np.log(x)))
        if self.kind == "log_shift":
            return float(-np.sum(np.log(x + self.param)))
        return float((self.param - 1.0) * np.sum(np.log(x)))

    @property
    def label(self) -> str:
        return {"log": "log", "boxcox": "boxcox", "log_shift": "logshift"}[self.kind]


def _transformed_loglik(tr: Transformation, y, X, area, m) -> float:
    fit = fit_nested_error(tr.forward(y), X, area, m, tol=1e-7)
    return fit.loglik + tr.log_jacobian(y)


def select_transformation(y, X, area, m: int | None = None, *, kinds=("log", "boxcox", "log_shift"),
                          lambda_bounds=(-1.0, 2.0)) -> tuple[Transformation, pd.DataFrame]:
    """Choose the transformation by AIC of the REML likelihood including the Jacobian.

    Returns the chosen :class:`Transformation` and a table (kind, param, loglik, transformation_params, aic,
    chosen, at_bound). A parameter that lands on its search bound is reported (``at_bound``):
    the likelihood then prefers a transformation outside the family's sensible range.
    """
    y = np.asarray(y, float)
    if (y <= 0).any():
        raise ValueError("the outcome must be positive for log / Box-Cox / log-shift")
    g = float(np.exp(np.mean(np.log(y))))
    rows = []
    cands = {}
    for kind in kinds:
        if kind == "log":
            tr, k, at_bound = Transformation("log", 0.0, g), 0, False
        elif kind == "boxcox":
            lo, hi = lambda_bounds
            r = optimize.minimize_scalar(lambda lam: -_transformed_loglik(Transformation("boxcox", lam, g), y, X, area, m),
                                         bounds=(lo, hi), method="bounded", options={"xatol": 1e-6})
            tr, k = Transformation("boxcox", float(r.x), g), 1
            at_bound = min(abs(r.x - lo), abs(r.x - hi)) < 1e-3
        elif kind == "log_shift":
            xmin = float(y.min() / g)
            lo, hi = -0.999 * xmin, 20.0            # shift in units of the geometric mean
            r = optimize.minimize_scalar(lambda s_: -_transformed_loglik(Transformation("log_shift", s_, g), y, X, area, m),
                                         bounds=(lo, hi), method="bounded", options={"xatol": 1e-6})
            tr, k = Transformation("log_shift", float(r.x), g), 1
            at_bound = min(abs(r.x - lo), abs(r.x - hi)) < 1e-3
        else:
            raise ValueError(f"unknown transformation {kind!r}")
        ll = _transformed_loglik(tr, y, X, area, m)
        cands[kind] = tr
        rows.append({"transformation": tr.label, "param": tr.param, "scale": g, "loglik": ll,
                     "transformation_params": k, "aic": -2 * ll + 2 * k, "at_bound": bool(at_bound)})
    tab = pd.DataFrame(rows)
    ok = tab[~tab["at_bound"]] if (~tab["at_bound"]).any() else tab
    best = ok.sort_values(["aic", "transformation_params"], kind="mergesort").iloc[0]
    tab["chosen"] = tab["transformation"] == best["transformation"]
    return cands[{"log": "log", "boxcox": "boxcox", "logshift": "log_shift"}[best["transformation"]]], tab


def conditional_aic(y, X, area, m: int | None = None) -> float:
    """Conditional AIC of the REML nested-error fit (Vaida and Blanchard 2005).

    ``-2 log f(y | beta, u) + 2 (rho + 1)`` with ``rho`` the trace of the hat matrix of the
    conditional fitted values ``X beta + Z u`` (effective number of parameters, between p and
    p + m) and one more for ``s2e``; the variance ratio is treated as known (the Greven-Kneib
    correction for its estimation is not applied). It targets the prediction of area effects,
    which is what a small-area model is for.
    """
    y = np.asarray(y, float)
    X = np.asarray(X, float)
    area = np.asarray(area, np.int64)
    m = int(area.max()) + 1 if m is None else int(m)
    fit = fit_nested_error(y, X, area, m)
    n, p = X.shape
    resid = y - X @ fit.beta - fit.random_effects[area]
    ll_c = -0.5 * (n * np.log(2 * np.pi * fit.sigma2_e) + float(resid @ resid) / fit.sigma2_e)
    if fit.sigma2_u <= 0:
        rho = float(p)
    else:
        Z = (area[:, None] == np.arange(m)[None, :]).astype(float)
        C0 = np.block([[X.T @ X, X.T @ Z], [Z.T @ X, Z.T @ Z]])
        C = C0.copy()
        C[p:, p:] += np.eye(m) * (fit.sigma2_e / fit.sigma2_u)
        rho = float(np.trace(np.linalg.solve(C, C0)))
    return -2 * ll_c + 2 * (rho + 1)


def select_covariates(y, X: pd.DataFrame, area, groups: dict[str, list[str]], m: int | None = None,
                      *, keep=("const",), criterion: str = "bic") -> tuple[list[str], pd.DataFrame]:
    """Backward elimination of covariate groups by BIC of the ML nested-error fit (default) or by
    conditional AIC (``criterion="caic"``, :func:`conditional_aic`).

    BIC is the default: with few areas (15 kelurahan) the conditional AIC keeps area-level
    covariates until the area effect variance is 0 (on the demo: four kelurahan aggregates,
    ``s2u = 0``), an over-fitted area model.

    Parameters
    ----------
    y : array_like
        Transformed outcome.
    X : DataFrame
        All candidate columns (with ``const``).
    groups : dict
        Group name -> its columns (a categorical's dummies form one group).
    keep : tuple
        Columns never dropped.

    Returns
    -------
    (columns kept, step table with the BIC of each removal tried)
    """
    y = np.asarray(y, float)
    n = y.size
    active = [g for g in groups if any(c in X.columns for c in groups[g])]

    if criterion not in ("caic", "bic"):
        raise ValueError(f"criterion must be caic or bic, not {criterion!r}")

    def bic(gs):
        cols = list(keep) + [c for g in gs for c in groups[g] if c in X.columns and c not in keep]
        if criterion == "caic":
            return conditional_aic(y, X[cols].to_numpy(float), area, m), cols
        fit = fit_nested_error(y, X[cols].to_numpy(float), area, m, method="ML", tol=1e-6)
        k = len(cols) + 2
        return -2 * fit.loglik + k * np.log(n), cols

    cur, cols = bic(active)
    steps = [{"step": 0, "removed": "", "criterion": criterion, "value": cur, "design_columns": len(cols)}]
    step = 0
    while active:
        trials = [(bic([g for g in active if g != drop])[0], drop) for drop in active]
        best, drop = min(trials)
        if best >= cur:
            break
        step += 1
        active.remove(drop)
        cur = best
        steps.append({"step": step, "removed": drop, "criterion": criterion, "value": best,
                      "design_columns": len(bic(active)[1])})
    return bic(active)[1], pd.DataFrame(steps)


# --------------------------------------------------------------------------------------------
# census weights
# --------------------------------------------------------------------------------------------
def calibrate_census_weights(group, persons, totals: dict) -> np.ndarray:
    """Unit weights so that the persons of each group (e.g. kecamatan) add to a known total.

    A registry misses some households; with this weight every registered household of a
    kecamatan stands also for the missing ones of that kecamatan (they are assumed to resemble
    the registered ones). Groups without a total keep weight 1.
    """
    group = np.asarray(group).astype(str)
    persons = np.asarray(persons, float)
    w = np.ones(group.size)
    for g, tot in totals.items():
        sel = group == str(g)
        have = persons[sel].sum()
        if sel.any() and have > 0:
            w[sel] = float(tot) / have
    return w


# --------------------------------------------------------------------------------------------
# EBP
# --------------------------------------------------------------------------------------------
@dataclass
class EBPResult:
    """EB predictions and bootstrap MSE per area (FGT indices as proportions)."""
    table: pd.DataFrame            # area, n_sample, N_units, persons, p0, p1, p2, mse_p0, se_p0, ...
    fit: NestedErrorFit
    transformation: Transformation
    mc_reps: int
    boot_reps: int


def _fgt_by_area(y, z, w, area_idx, m, alpha_list=(0, 1, 2)) -> np.ndarray:
    """FGT indices per area (rows alpha, cols area) with unit weights ``w``."""
    poor = y < z
    gap = np.where(poor, 1.0 - y / z, 0.0)
    W = np.bincount(area_idx, w, m)
    out = np.empty((len(alpha_list), m))
    for k, a in enumerate(alpha_list):
        v = poor.astype(float) if a == 0 else gap ** a
        out[k] = np.bincount(area_idx, w * v, m) / W
    return out


def _posterior(fit: NestedErrorFit) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of u_i given the sample (prior for areas without sample)."""
    mean = fit.random_effects
    var = np.where(fit.n_i > 0, fit.sigma2_u * (1.0 - fit.gamma), fit.sigma2_u)
    return mean, var


_GH_X, _GH_W = np.polynomial.hermite_e.hermegauss(9)
_GH_W = _GH_W / _GH_W.sum()
_BIN = 0.005           # width of the bins of x'b, in units of s_e (error of order _BIN^2 / 24)


def _p0_quadrature(mu, tz, s_e, post_mean, post_var, area_idx, w, m) -> np.ndarray:
    """EB P0 per area as the exact conditional expectation
    ``E_u[sum_j w_j Phi((tz - mu_j - u)/s_e)] / W_i``, Gauss-Hermite (9 nodes) in u.

    The census units of an area are first pooled into bins of ``mu`` of width ``_BIN * s_e`` (the
    weights of a bin summed, Phi evaluated at the bin centre), which turns one evaluation per unit
    into one per occupied bin; the pooling error is of order 1e-6 of P0.
    """
    h = _BIN * s_e
    lo = float(mu.min())
    b = np.floor((mu - lo) / h).astype(np.int64)
    nb = int(b.max()) + 1
    key = area_idx * nb + b
    dense = np.bincount(key, w, m * nb)                   # dense (area, bin) table, then its occupied cells
    cells = np.flatnonzero(dense)
    cw = dense[cells]
    c_area = cells // nb
    c_mu = lo + (cells % nb + 0.5) * h
    W = np.bincount(c_area, cw, m)
    sd = np.sqrt(post_var)
    out = np.zeros(m)
    for xk, wk in zip(_GH_X, _GH_W):
        u = post_mean + sd * xk
        out += wk * np.bincount(c_area, cw * special.ndtr((tz - c_mu - u[c_area]) / s_e), m)
    return out / W


def ebp(y, X_s, area_s, X_c, area_c, z: float, *, m: int, census_weight=None, transformation: Transformation,
        mc_reps: int = 200, boot_reps: int = 200, seed: int = 0, columns=None, chunk: int = 25) -> EBPResult:
    """EB predictor of P0, P1, P2 per area and parametric bootstrap MSE of P0.

    Parameters
    ----------
    y : array_like
        Sample outcome on the original scale (positive), e.g. per-capita expenditure.
    X_s, area_s : sample design matrix and area index (0..m-1).
    X_c, area_c : census design matrix (same columns) and area index of every census unit.
    z : float
        Poverty line on the original scale.
    m : int
        Number of areas.
    census_weight : array_like, optional
        Persons represented by each census unit (e.g. household size x calibration weight); the
        indices are person shares. Default 1.
    transformation : Transformation
        From :func:`select_transformation`.
    mc_reps, boot_reps : int
        Monte Carlo replicates of the EB prediction; bootstrap replicates of the MSE (0: none).
    seed : int
        Seed of ``numpy.random.SeedSequence``; the MC and the bootstrap use separate children.
    chunk : int
        Monte Carlo replicates generated at once (memory: chunk x census units doubles).

    Returns
    -------
    EBPResult
    """
    # small BLAS calls in a loop: threads only contend (measured 2x slower on a shared 2-core machine)
    with threadpool_limits(1):
        return _ebp(y, X_s, area_s, X_c, area_c, z, m=m, census_weight=census_weight, transformation=transformation,
                    mc_reps=mc_reps, boot_reps=boot_reps, seed=seed, columns=columns, chunk=chunk)


def _ebp(y, X_s, area_s, X_c, area_c, z, *, m, census_weight, transformation, mc_reps, boot_reps, seed, columns,
         chunk) -> EBPResult:
    tr = transformation
    y = np.asarray(y, float)
    X_s, X_c = np.asarray(X_s, float), np.asarray(X_c, float)
    area_s, area_c = np.asarray(area_s, np.int64), np.asarray(area_c, np.int64)
    w = np.ones(area_c.size) if census_weight is None else np.asarray(census_weight, float)
    ty = tr.forward(y)
    fit = fit_nested_error(ty, X_s, area_s, m, columns=columns)
    ss_mc, ss_boot = np.random.SeedSequence(seed).spawn(2)
    rng = np.random.default_rng(ss_mc)
    mu = X_c @ fit.beta
    pm, pv = _posterior(fit)
    s_e = np.sqrt(fit.sigma2_e)
    acc = np.zeros((3, m))
    done = 0
    while done < mc_reps:
        k = min(chunk, mc_reps - done)
        u = pm[None, :] + np.sqrt(pv)[None, :] * rng.standard_normal((k, m))
        e = rng.standard_normal((k, area_c.size)) * s_e
        yy = tr.inverse(mu[None, :] + u[:, area_c] + e)
        for r in range(k):
            acc += _fgt_by_area(yy[r], z, w, area_c, m)
        done += k
    est = acc / mc_reps
    tz = float(tr.forward(np.array([z]))[0])
    p0_quad = _p0_quadrature(mu, tz, s_e, pm, pv, area_c, w, m)

    mse = np.full(m, np.nan)
    if boot_reps > 0:
        mse = _bootstrap_mse(fit, tr, X_s, area_s, X_c, area_c, w, z, tz, m, boot_reps, ss_boot)
    tab = pd.DataFrame({"area": np.arange(m), "n_sample": fit.n_i.astype(int),
                        "n_units": np.bincount(area_c, minlength=m), "persons": np.bincount(area_c, w, m),
                        "p0": est[0], "p1": est[1], "p2": est[2], "p0_exact": p0_quad,
                        "mse_p0": mse, "se_p0": np.sqrt(mse), "gamma": fit.gamma,
                        "random_effect": fit.random_effects})
    return EBPResult(table=tab, fit=fit, transformation=tr, mc_reps=mc_reps, boot_reps=boot_reps)


def _bootstrap_mse(fit, tr, X_s, area_s, X_c, area_c, w, z, tz, m, B, ss) -> np.ndarray:
    """Parametric bootstrap MSE of the EB P0 (see the module docstring)."""
    rng = np.random.default_rng(ss)
    s_u, s_e = np.sqrt(fit.sigma2_u), np.sqrt(fit.sigma2_e)
    mu_c = X_c @ fit.beta
    mu_s = X_s @ fit.beta
    s0 = _sums(np.zeros(area_s.size), X_s, area_s, m)     # X sums do not change across replicates
    n_i = s0.n_i
    sq = np.zeros(m)
    W = np.bincount(area_c, w, m)
    for _ in range(B):
        u = rng.standard_normal(m) * s_u
        yc = mu_c + u[area_c] + rng.standard_normal(area_c.size) * s_e
        true_p0 = np.bincount(area_c, w * (yc < tz), m) / W
        ys = mu_s + u[area_s] + rng.standard_normal(area_s.size) * s_e
        s = _Sums(s0.XtX, X_s.T @ ys, float(ys @ ys), s0.S, np.bincount(area_s, ys, m), n_i, ys.size, s0.p)
        res = optimize.minimize_scalar(lambda lt: _profile(np.exp(lt), s, True)[0],
                                       bounds=(np.log(1e-8), np.log(TAU_MAX)), method="bounded",
                                       options={"xatol": 1e-6})
        tau = float(np.exp(res.x))
        m2ll, beta, s2e, _ = _profile(tau, s, True)
        if _profile(0.0, s, True)[0] <= m2ll:
            tau = 0.0
            _, beta, s2e, _ = _profile(0.0, s, True)
        s2u = tau * s2e
        with np.errstate(divide="ignore", invalid="ignore"):
            gam = np.where(n_i > 0, s2u / (s2u + s2e / n_i), 0.0)
            resid = np.where(n_i > 0, s.sy / n_i - (s0.S / n_i[:, None]) @ beta, 0.0)
        pm = gam * np.nan_to_num(resid)
        pv = np.where(n_i > 0, s2u * (1 - gam), s2u)
        est = _p0_quadrature(X_c @ beta, tz, np.sqrt(s2e), pm, pv, area_c, w, m)
        sq += (est - true_p0) ** 2
    return sq / B
