"""Area-level small-area estimation: the Fay-Herriot model and its companions.

The module is generic (it knows nothing about any particular city or survey). It provides

* :func:`fay_herriot` -- the Fay-Herriot (1979) EBLUP with REML (default), ML or
  FH-moment fitting of the area-effect variance, Prasad-Rao (1990) / Datta-Lahiri (2000)
  MSE estimates, and the synthetic (regression) predictor for areas without a direct
  estimate. The fit reproduces R's ``sae::eblupFH`` / ``sae::mseFH`` (Molina and
  Marhuenda 2015) step by step.
* :func:`smooth_variances` -- generalised variance function (GVF) smoothing of direct
  sampling variances, needed when some areas have a degenerate (zero) direct variance.
* :func:`benchmark` -- ratio or difference benchmarking of area estimates to a reliable
  aggregate.
* :func:`diagnostics` and :func:`normality_tests` -- model checking tables.

The model
---------
For areas ``i = 1..m`` with direct estimate ``y_i`` of the area parameter ``theta_i``::

    y_i     = theta_i + e_i,           e_i ~ N(0, D_i)      (sampling model, D_i known)
    theta_i = x_i' beta + u_i,         u_i ~ N(0, sigma2_u) (linking model)

so that ``y_i ~ N(x_i' beta, V_i)`` with ``V_i = sigma2_u + D_i``. Given ``sigma2_u`` the
best linear unbiased predictor is ``gamma_i y_i + (1 - gamma_i) x_i' beta_hat`` with
shrinkage factor ``gamma_i = sigma2_u / (sigma2_u + D_i)``; the EBLUP plugs in an estimate
of ``sigma2_u``.

References
----------
Fay, R. E. and Herriot, R. A. (1979). Estimates of income for small places: an application
    of James-Stein procedures to census data. *JASA* 74, 269-277.
Prasad, N. G. N. and Rao, J. N. K. (1990). The estimation of the mean squared error of
    small-area estimators. *JASA* 85, 163-171.
Datta, G. S. and Lahiri, P. (2000). A unified measure of uncertainty of estimated best
    linear unbiased predictors in small area estimation problems. *Statistica Sinica* 10,
    613-627.
Molina, I. and Marhuenda, Y. (2015). sae: an R package for small area estimation.
    *The R Journal* 7(1), 81-98.
Rao, J. N. K. and Molina, I. (2015). *Small Area Estimation*, 2nd ed. Wiley. (Ch. 6-7.)
Wang, J., Fuller, W. A. and Qu, Y. (2008). Small area estimation under a restriction.
    *Survey Methodology* 34, 29-36.
Wolter, K. M. (2007). *Introduction to Variance Estimation*, 2nd ed., ch. 7 (GVFs).
Duan, N. (1983). Smearing estimate: a nonparametric retransformation method. *JASA* 78,
    605-610.
Li, H. and Lahiri, P. (2010). An adjusted maximum likelihood method for solving small area
    estimation problems. *Journal of Multivariate Analysis* 101, 882-892.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "FayHerriotResult",
    "benchmark",
    "diagnostics",
    "fay_herriot",
    "normality_tests",
    "smooth_variances",
]

_METHODS = ("REML", "ML", "FH")


# ---------------------------------------------------------------------------
# Input helpers
# ---------------------------------------------------------------------------
def _as_float_vector(values, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    return arr


def _check_aligned(*objs) -> None:
    """Refuse pandas inputs whose indexes disagree (rows are matched by position)."""
    indexes = [o.index for o in objs if isinstance(o, (pd.Series, pd.DataFrame))]
    for idx in indexes[1:]:
        if not idx.equals(indexes[0]):
            raise ValueError(
                "pandas inputs must share the same index (rows are matched by position)"
            )


def _design(X, m: int, intercept: bool) -> tuple[np.ndarray, list[str]]:
    """Return the design matrix (with the intercept column first if requested) and names."""
    if isinstance(X, pd.Series):
        X = X.to_frame()
    if isinstance(X, pd.DataFrame):
        names = [str(c) for c in X.columns]
        mat = X.to_numpy(dtype=float)
    else:
        mat = np.asarray(X, dtype=float)
        if mat.ndim == 1:
            mat = mat[:, None]
        names = [f"x{j + 1}" for j in range(mat.shape[1])]
    if mat.ndim != 2 or mat.shape[0] != m:
        raise ValueError(f"X must have one row per area ({m}), got shape {mat.shape}")
    if intercept:
        mat = np.column_stack([np.ones(m), mat])
        names = ["const", *names]
    if mat.shape[1] == 0:
        raise ValueError("the model needs at least one covariate or an intercept")
    if not np.all(np.isfinite(mat)):
        raise ValueError("X must be finite for every area (in- and out-of-sample)")
    return mat, names


# ---------------------------------------------------------------------------
# Fisher scoring (transcription of sae::eblupFH)
# ---------------------------------------------------------------------------
def _score_and_information(
    A: float, y: np.ndarray, X: np.ndarray, D: np.ndarray, method: str
) -> tuple[float, float]:
    """Score ``s`` and (expected) information ``F`` of the variance-component equation at A.

    As in ``sae::eblupFH``:

    * REML: ``s = -tr(P)/2 + y'PPy/2``, ``F = tr(PP)/2``,
      with ``P = V^-1 - V^-1 X (X'V^-1X)^-1 X'V^-1``;
    * ML: ``s = -sum(1/V_i)/2 + y'PPy/2``, ``F = sum(1/V_i^2)/2``;
    * FH (moment): ``s = sum(r_i^2 / V_i) - (m - p)``, ``F = sum(1/V_i)``, with ``r`` the GLS
      residuals.
    """
    Vi = 1.0 / (A + D)
    XtVi = (Vi[:, None] * X).T  # p x m, = X' V^-1
    Q = np.linalg.inv(XtVi @ X)
    if method == "FH":
        beta = Q @ (XtVi @ y)
        resid = y - X @ beta
        m, p = X.shape
        return float(np.sum(resid**2 * Vi) - (m - p)), float(np.sum(Vi))
    P = np.diag(Vi) - XtVi.T @ Q @ XtVi
    Py = P @ y
    if method == "REML":
        s = -0.5 * np.trace(P) + 0.5 * (Py @ Py)
        F = 0.5 * np.einsum("ij,ji->", P, P)  # tr(PP)
    else:  # ML
        s = -0.5 * np.sum(Vi) + 0.5 * (Py @ Py)
        F = 0.5 * np.sum(Vi**2)
    return float(s), float(F)


def _fisher_scoring(
    y: np.ndarray, X: np.ndarray, D: np.ndarray, method: str, tol: float, max_iter: int
) -> tuple[float, float, int, bool, bool]:
    """Fisher scoring exactly as ``sae::eblupFH``.

    Start at ``median(D)``; update ``A <- A + s(A)/F(A)`` without any truncation; stop when
    the relative step ``|A_new - A| / |A|`` is not above ``tol`` or after ``max_iter`` steps;
    the caller truncates the final value at 0.

    One safeguard that sae lacks: if an iterate leaves the region where every ``A + D_i > 0``
    (a step that overshoots far to the negative side, typically when the direct estimates
    scatter much less around the regression than their sampling variances imply), sae
    would carry on with a meaningless, non-positive-definite V. Here we stop and return the
    boundary value 0 when the score at 0 is not positive (the criterion then decreases on
    [0, inf) near 0), and report non-convergence otherwise. Wherever sae's iteration stays
    valid, the two agree step by step.

    Returns
    -------
    A_raw, diff, iterations, converged, hit_invalid_region
    """
    A = float(np.median(D))
    diff = tol + 1.0
    k = 0
    with np.errstate(divide="ignore", invalid="ignore"):
        while diff > tol and k < max_iter:
            if np.min(A + D) <= 0.0:
                s0, _ = _score_and_information(0.0, y, X, D, method)
                return A, diff, k, s0 <= 0.0, True
            k += 1
            s, F = _score_and_information(A, y, X, D, method)
            A_new = A + s / F
            diff = abs((A_new - A) / A)
            A = A_new
    converged = not (k >= max_iter and diff >= tol)
    return A, float(diff), k, converged, False


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class FayHerriotResult:
    """Fitted Fay-Herriot model (returned by :func:`fay_herriot`).

    All per-area arrays have one entry per area, in input order, for in-sample *and*
    out-of-sample areas (``in_sample`` tells which). For an out-of-sample area (no direct
    estimate) the EBLUP is the synthetic estimate ``x_i' beta_hat``: it is the BLUP in the
    limit ``D_i -> inf`` (``gamma_i = 0``), and all MSE terms below are that limit.

    Attributes
    ----------
    method : {"REML", "ML", "FH"}
    area : pandas.Index
        Area labels.
    exog_names : list of str
        Names of the columns of ``X`` ("const" first when an intercept was added).
    X : ndarray, shape (m, p)
        The design matrix actually used.
    direct, vardir : ndarray
        Direct estimates and their sampling variances (NaN where out of sample).
    in_sample : ndarray of bool
    beta, beta_cov : ndarray
        GLS coefficients at ``sigma2_u`` and ``(X'V^-1X)^-1`` (in-sample areas).
    sigma2_u : float
        Estimated area-effect variance, truncated at 0 (as sae).
    sigma2_u_raw : float
        Last Fisher-scoring iterate before truncation (negative when on the boundary).
    sigma2_u_var : float
        Asymptotic variance of the variance estimator used in ``g3``: ``2 / sum(1/V_i^2)``
        for REML and ML, ``2 m / (sum 1/V_i)^2`` for FH.
    bias_sigma2_u : float
        Asymptotic bias ``b`` of the variance estimator used in the MSE (0 for REML).
    iterations : int
    converged : bool
    boundary : bool
        True when ``sigma2_u`` was truncated to 0.
    tol : float
    loglike, aic, bic : float
        sae's goodness-of-fit figures: Gaussian log-likelihood of ``y`` at the estimates
        (not the restricted one) and ``AIC/BIC`` with ``p + 1`` parameters.
    synthetic : ndarray
        ``x_i' beta_hat`` for every area.
    gamma : ndarray
        Shrinkage factors ``sigma2_u / (sigma2_u + D_i)`` (0 out of sample).
    eblup : ndarray
        EBLUP (in sample) or synthetic estimate (out of sample).
    g1, g2, g3 : ndarray
        Prasad-Rao MSE components.
    mse : ndarray
        Estimated MSE: ``g1 + g2 + 2 g3 - b (1 - gamma)^2``.
    """

    method: str
    area: pd.Index
    exog_names: list[str]
    X: np.ndarray
    direct: np.ndarray
    vardir: np.ndarray
    in_sample: np.ndarray
    beta: np.ndarray
    beta_cov: np.ndarray
    sigma2_u: float
    sigma2_u_raw: float
    sigma2_u_var: float
    bias_sigma2_u: float
    iterations: int
    converged: bool
    boundary: bool
    tol: float
    loglike: float
    aic: float
    bic: float
    synthetic: np.ndarray
    gamma: np.ndarray
    eblup: np.ndarray
    g1: np.ndarray
    g2: np.ndarray
    g3: np.ndarray
    mse: np.ndarray

    def __repr__(self) -> str:
        n_out = int((~self.in_sample).sum())
        return (
            f"FayHerriotResult(method={self.method!r}, m={self.m}, out_of_sample={n_out}, "
            f"p={len(self.exog_names)}, sigma2_u={self.sigma2_u:.6g}, boundary={self.boundary}, "
            f"converged={self.converged}, iterations={self.iterations})"
        )

    @property
    def beta_se(self) -> np.ndarray:
        """Standard errors of ``beta``: ``sqrt(diag((X'V^-1X)^-1))``."""
        return np.sqrt(np.diag(self.beta_cov))

    @property
    def m(self) -> int:
        """Number of in-sample areas used in the fit."""
        return int(self.in_sample.sum())

    @property
    def rmse(self) -> np.ndarray:
        """Root MSE per area."""
        return np.sqrt(self.mse)

    def coefficients(self) -> pd.DataFrame:
        """Coefficient table as in ``sae``: beta, std_error, z value, two-sided normal p."""
        se = self.beta_se
        z = self.beta / se
        return pd.DataFrame(
            {
                "beta": self.beta,
                "std_error": se,
                "z_value": z,
                "p_value": 2.0 * stats.norm.sf(np.abs(z)),
            },
            index=pd.Index(self.exog_names, name="term"),
        )

    def to_frame(self) -> pd.DataFrame:
        """Per-area table: direct, vardir, in_sample, synthetic, gamma, eblup, g1-g3, mse."""
        return pd.DataFrame(
            {
                "in_sample": self.in_sample,
                "direct": self.direct,
                "vardir": self.vardir,
                "synthetic": self.synthetic,
                "gamma": self.gamma,
                "eblup": self.eblup,
                "g1": self.g1,
                "g2": self.g2,
                "g3": self.g3,
                "mse": self.mse,
            },
            index=self.area,
        )

    def predict_synthetic(self, X_new) -> tuple[np.ndarray, np.ndarray]:
        """Synthetic estimates and their MSE for new (out-of-sample) areas.

        Parameters
        ----------
        X_new : array_like, shape (k, p) or (k, p - 1)
            Covariates of the new areas, *with the same columns as the fit*; when the fit
            added an intercept, pass the covariates without it (it is added again).

        Returns
        -------
        estimate, mse : ndarray
            ``x' beta_hat`` and ``sigma2_u + x'(X'V^-1X)^-1 x - b`` (see :func:`fay_herriot`).
        """
        Xn = np.asarray(X_new, dtype=float)
        if Xn.ndim == 1:
            Xn = Xn[None, :]
        p = len(self.exog_names)
        if self.exog_names[0] == "const" and Xn.shape[1] == p - 1:
            Xn = np.column_stack([np.ones(Xn.shape[0]), Xn])
        if Xn.shape[1] != p:
            raise ValueError(f"X_new must have {p} (or {p - 1} without const) columns")
        est = Xn @ self.beta
        mse = self.sigma2_u + np.einsum("ij,jk,ik->i", Xn, self.beta_cov, Xn) - self.bias_sigma2_u
        return est, mse


# ---------------------------------------------------------------------------
# Fay-Herriot
# ---------------------------------------------------------------------------
def fay_herriot(
    direct,
    vardir,
    X,
    method: str = "REML",
    tol: float = 1e-12,
    max_iter: int = 100,
    *,
    intercept: bool = True,
    area=None,
) -> FayHerriotResult:
    """Fit the Fay-Herriot area-level model and return EBLUPs with their MSE.

    The variance component is estimated by Fisher scoring exactly as R's
    ``sae::eblupFH`` (Molina and Marhuenda 2015): start at ``sigma2_u = median(vardir)``,
    iterate ``A <- A + s(A)/F(A)`` with no truncation along the way, stop when the relative
    step ``|A_{k+1} - A_k| / |A_k| <= tol`` (sae's ``PRECISION``), and truncate the final
    value at 0. The MSE follows ``sae::mseFH``:

    * ``g1_i = gamma_i D_i``
    * ``g2_i = (1 - gamma_i)^2 x_i' (X'V^-1X)^-1 x_i``
    * ``g3_i = (1 - gamma_i)^2 Var(sigma2_u_hat) / V_i``, with ``Var = 2 / sum 1/V_j^2``
      (REML, ML) or ``2 m / (sum 1/V_j)^2`` (FH)
    * REML (Prasad and Rao 1990; Datta and Lahiri 2000): ``mse = g1 + g2 + 2 g3``;
      ML: ``mse = g1 + g2 + 2 g3 - b (1 - gamma_i)^2`` with the Datta-Lahiri bias
      ``b = -tr[(X'V^-1X)^-1 X'V^-2X] / sum 1/V_j^2``;
      FH: same with ``b = 2 (m sum 1/V_j^2 - (sum 1/V_j)^2) / (sum 1/V_j)^3``.

    **Out-of-sample areas** (``direct`` is NaN) are left out of the fit and get the
    synthetic estimate ``x_l' beta_hat`` with

        ``mse_l = sigma2_u_hat + x_l' (X'V^-1X)^-1 x_l - b``

    (Rao and Molina 2015, ch. 6): the model error ``u_l`` is independent of
    ``beta_hat`` because area ``l`` did not contribute to it, so
    ``E(x_l'beta_hat - theta_l)^2 = sigma2_u + x_l' Var(beta_hat) x_l``. This is the limit of
    the Prasad-Rao formula as ``D_l -> inf`` (``g1 -> sigma2_u``, ``g2 -> x'Qx``,
    ``g3 -> 0``, ``(1-gamma)^2 b -> b``). REML's bias is ``o(1/m)``, so ``b = 0`` there.

    **Boundary.** When the estimating equation has its root at a negative value, the
    estimate is 0 (``boundary=True``): every ``gamma_i = 0``, the EBLUP equals the synthetic
    estimate and ``g1 = 0``, so the MSE is ``g2 + 2 g3`` -- as in sae. Note that the
    synthetic MSE of out-of-sample areas then reduces to ``x'Qx`` and understates the
    uncertainty (no adjusted-likelihood fix such as Li and Lahiri 2010 is applied).

    Parameters
    ----------
    direct : array_like, shape (m,)
        Direct estimates; NaN marks an area without a direct estimate (out of sample).
        A pandas Series supplies the area labels.
    vardir : array_like, shape (m,)
        Sampling variances ``D_i`` of the direct estimates (variances, not standard
        errors). Must be finite and > 0 for in-sample areas; ignored out of sample. Zero
        variances (e.g. a proportion estimated as 0) must be smoothed first, see
        :func:`smooth_variances`.
    X : array_like, shape (m,) or (m, k)
        Area-level covariates for all areas. A DataFrame supplies the column names.
    method : {"REML", "ML", "FH"}
        Variance-component estimator. REML is the default and the reference method.
    tol : float
        Relative-step stopping rule (sae's ``PRECISION``; sae's default 1e-4 leaves about
        3e-5 relative error in ``sigma2_u``).
    max_iter : int
        Maximum number of Fisher-scoring steps (sae's ``MAXITER``).
    intercept : bool, keyword-only
        Prepend a column of ones named "const" (as an R formula does). Use False when X
        already contains a constant.
    area : array_like, optional, keyword-only
        Area labels; defaults to the index of ``direct`` when it is a Series, else 0..m-1.

    Returns
    -------
    FayHerriotResult

    Warns
    -----
    RuntimeWarning
        When Fisher scoring did not converge within ``max_iter`` steps (sae returns no
        estimates in that case; here they are returned with ``converged=False``).

    Examples
    --------
    >>> res = fay_herriot(y, D, X)                    # doctest: +SKIP
    >>> res.eblup, res.mse, res.sigma2_u, res.coefficients()   # doctest: +SKIP
    """
    method = str(method).upper()
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}")
    if not tol > 0:
        raise ValueError("tol must be positive")

    _check_aligned(direct, vardir, X)
    if area is None and isinstance(direct, pd.Series):
        area = direct.index
    y_all = _as_float_vector(direct, "direct")
    D_all = _as_float_vector(vardir, "vardir")
    n_areas = y_all.size
    if D_all.size != n_areas:
        raise ValueError("direct and vardir must have the same length")
    area_index = pd.Index(np.arange(n_areas) if area is None else area)
    if len(area_index) != n_areas:
        raise ValueError("area must have one label per area")
    X_all, names = _design(X, n_areas, intercept)

    ins = np.isfinite(y_all)
    y, D, Xs = y_all[ins], D_all[ins], X_all[ins]
    m, p = Xs.shape
    if np.any(~np.isfinite(D)) or np.any(D <= 0):
        raise ValueError(
            "vardir must be finite and strictly positive for areas with a direct estimate; "
            "smooth degenerate (zero) variances with smooth_variances() first"
        )
    if m <= p:
        raise ValueError(f"need more in-sample areas ({m}) than regression terms ({p})")
    if np.linalg.matrix_rank(Xs) < p:
        raise ValueError("X (in-sample rows, with the intercept if added) is rank deficient")

    A_raw, diff, iterations, converged, invalid = _fisher_scoring(y, Xs, D, method, tol, max_iter)
    if invalid and converged:
        A_raw = min(A_raw, 0.0)
    if not converged:
        warnings.warn(
            f"Fay-Herriot {method} Fisher scoring did not converge in {iterations} iterations "
            f"(last relative step {diff:.3g}); sae would return no estimates",
            RuntimeWarning,
            stacklevel=2,
        )
    A = max(A_raw, 0.0)

    # Coefficients at the final variance (sae recomputes them after truncation).
    V = A + D
    Vi = 1.0 / V
    XtVi = (Vi[:, None] * Xs).T
    Q = np.linalg.inv(XtVi @ Xs)
    beta = Q @ (XtVi @ y)
    resid = y - Xs @ beta

    # Goodness of fit as sae reports it.
    loglike = float(-0.5 * np.sum(np.log(2.0 * np.pi * V) + resid**2 / V))
    aic = -2.0 * loglike + 2.0 * (p + 1)
    bic = -2.0 * loglike + (p + 1) * np.log(m)

    # Variance and bias of the variance-component estimator (sae::mseFH).
    sum_vi, sum_vi2 = np.sum(Vi), np.sum(Vi**2)
    if method == "FH":
        var_A = 2.0 * m / sum_vi**2
        bias_A = 2.0 * (m * sum_vi2 - sum_vi**2) / sum_vi**3
    else:
        var_A = 2.0 / sum_vi2
        bias_A = 0.0 if method == "REML" else -np.trace(Q @ (XtVi * Vi) @ Xs) / sum_vi2

    # Per-area quantities; out-of-sample areas take the D -> inf limit.
    synthetic = X_all @ beta
    xQx = np.einsum("ij,jk,ik->i", X_all, Q, X_all)
    gamma = np.zeros(n_areas)
    eblup = synthetic.copy()
    g1 = np.full(n_areas, A)
    g2 = xQx.copy()
    g3 = np.zeros(n_areas)
    B = np.ones(n_areas)  # 1 - gamma

    gamma[ins] = A * Vi
    B[ins] = D * Vi
    eblup[ins] = synthetic[ins] + A * Vi * resid
    g1[ins] = D * gamma[ins]
    g2[ins] = B[ins] ** 2 * xQx[ins]
    g3[ins] = B[ins] ** 2 * var_A / V
    mse = g1 + g2 + 2.0 * g3 - bias_A * B**2

    direct_out = np.where(ins, y_all, np.nan)
    vardir_out = np.where(ins, D_all, np.nan)
    return FayHerriotResult(
        method=method,
        area=area_index,
        exog_names=names,
        X=X_all,
        direct=direct_out,
        vardir=vardir_out,
        in_sample=ins,
        beta=beta,
        beta_cov=Q,
        sigma2_u=float(A),
        sigma2_u_raw=float(A_raw),
        sigma2_u_var=float(var_A),
        bias_sigma2_u=float(bias_A),
        iterations=int(iterations),
        converged=bool(converged),
        boundary=bool(A_raw <= 0.0),
        tol=float(tol),
        loglike=loglike,
        aic=float(aic),
        bic=float(bic),
        synthetic=synthetic,
        gamma=gamma,
        eblup=eblup,
        g1=g1,
        g2=g2,
        g3=g3,
        mse=mse,
    )


# ---------------------------------------------------------------------------
# Generalised variance function
# ---------------------------------------------------------------------------
def smooth_variances(
    p_hat,
    vardir,
    n,
    *,
    method: str = "deff",
    p_ref=None,
    full_output: bool = False,
):
    """Smooth direct sampling variances of area proportions with a GVF.

    Why: a direct proportion estimated as 0 (no poor household in the area's sample) has a
    design-based variance of exactly 0, and a small sample with a low estimate has a
    variance that is small *because* the estimate is low. Fed to Fay-Herriot, such a
    variance gets full weight (``gamma_i = 1``): the EBLUP would keep the zero and report
    an MSE of 0. The direct variances are also very noisy with a handful of PSUs per area.
    A generalised variance function replaces them by values that depend only on the area
    sample size (and a common design effect), which are positive, stable, and not
    correlated with the direct estimate (Rao and Molina 2015, ch. 6, on unknown sampling
    variances; Wolter 2007, ch. 7).

    Methods
    -------
    ``"deff"`` (default): pooled design-effect model::

        deff_bar = sum_valid n_i * vardir_i / sum_valid p_i (1 - p_i)
        smoothed_i = deff_bar * p_ref_i (1 - p_ref_i) / n_i

    ``deff_bar`` is the ``p(1-p)``-weighted mean of the area design effects
    ``deff_i = vardir_i / (p_i(1-p_i)/n_i)`` over *valid* areas (finite ``vardir > 0``,
    ``0 < p_hat < 1``, ``n > 0``). ``p_ref`` defaults to the pooled proportion
    ``sum n_i p_i / sum n_i`` over all areas with a direct estimate (zeros included); it
    may also be one value per area (e.g. a first-pass synthetic estimate).

    ``"loglinear"``: the classic log-linear GVF ``log vardir_i = a + b log n_i`` fitted by
    least squares on the valid areas, back-transformed with Duan's (1983) smearing factor
    ``mean(exp(residual))``: ``smoothed_i = smear * exp(a + b log n_i)``. It does not use
    ``p_hat`` at all.

    Parameters
    ----------
    p_hat : array_like, shape (m,)
        Direct proportions (NaN allowed for areas without a sample).
    vardir : array_like, shape (m,)
        Their direct sampling variances (0 or NaN allowed: such areas are not used to fit
        the GVF but still get a smoothed value).
    n : array_like, shape (m,)
        Area sample sizes (households, persons or an effective size; use one measure
        consistently: the design effect absorbs the choice). Areas with ``n`` of 0 or NaN
        (no sample) get NaN: they have no direct estimate to smooth.
    method : {"deff", "loglinear"}
    p_ref : float or array_like, optional
        Reference proportion(s) for the ``"deff"`` method, in (0, 1).
    full_output : bool
        Also return a dict of fitted parameters (``deff_bar``, ``p_ref``, ``n_valid`` or
        ``a``, ``b``, ``smearing``, ``n_valid``).

    Returns
    -------
    smoothed : ndarray, shape (m,)
        Positive, finite smoothed variances for every area with ``n > 0``.
    params : dict
        Only if ``full_output``.
    """
    p = _as_float_vector(p_hat, "p_hat")
    v = _as_float_vector(vardir, "vardir")
    size = _as_float_vector(n, "n")
    if not (p.size == v.size == size.size):
        raise ValueError("p_hat, vardir and n must have the same length")
    with np.errstate(invalid="ignore"):
        sampled = np.isfinite(size) & (size > 0)
        valid = sampled & np.isfinite(v) & (v > 0) & np.isfinite(p) & (p > 0) & (p < 1)
    if not sampled.any():
        raise ValueError("n must be > 0 for at least one area")
    size = np.where(sampled, size, np.nan)
    n_valid = int(valid.sum())

    if method == "deff":
        if n_valid < 1:
            raise ValueError("no area has a positive variance and 0 < p_hat < 1")
        deff_bar = np.sum(size[valid] * v[valid]) / np.sum(p[valid] * (1.0 - p[valid]))
        if p_ref is None:
            has = np.isfinite(p) & sampled
            p_ref = np.sum(size[has] * p[has]) / np.sum(size[has])
        p_ref = np.broadcast_to(np.asarray(p_ref, dtype=float), p.shape)
        pr = p_ref[sampled]
        if np.any(~np.isfinite(pr)) or np.any(pr <= 0) or np.any(pr >= 1):
            raise ValueError("p_ref must lie strictly between 0 and 1")
        smoothed = deff_bar * p_ref * (1.0 - p_ref) / size
        params = {"deff_bar": float(deff_bar), "p_ref": p_ref.copy(), "n_valid": n_valid}
    elif method == "loglinear":
        if n_valid < 3 or np.unique(size[valid]).size < 2:
            raise ValueError("the log-linear GVF needs >= 3 valid areas with distinct n")
        Z = np.column_stack([np.ones(n_valid), np.log(size[valid])])
        coef, *_ = np.linalg.lstsq(Z, np.log(v[valid]), rcond=None)
        resid = np.log(v[valid]) - Z @ coef
        smear = float(np.mean(np.exp(resid)))
        smoothed = smear * np.exp(coef[0] + coef[1] * np.log(size))
        params = {"a": float(coef[0]), "b": float(coef[1]), "smearing": smear, "n_valid": n_valid}
    else:
        raise ValueError("method must be 'deff' or 'loglinear'")
    return (smoothed, params) if full_output else smoothed


# ---------------------------------------------------------------------------
# Benchmarking
# ---------------------------------------------------------------------------
def benchmark(estimate, weights, target: float, *, method: str = "ratio", mse=None) -> np.ndarray:
    """Benchmark area estimates so that ``sum_i w_i * est_i == target``.

    Use it to make model-based area estimates (EBLUPs) add up to a reliable direct
    aggregate, e.g. population-share-weighted area poverty rates to the city rate. Keep the
    unbenchmarked EBLUP alongside: it is the model estimate (and the one that matches
    sae); the benchmarked one trades a little MSE for consistency.

    Methods
    -------
    ``"ratio"``: ``est_i * target / sum_j w_j est_j`` (keeps signs and ratios between
    areas; needs a non-zero weighted sum).

    ``"difference"`` (additive): ``est_i + a_i (target - sum_j w_j est_j)`` with

    * no ``mse``: ``a_i = 1 / sum_j w_j`` -- the same shift for every area;
    * ``mse`` given: ``a_i = w_i mse_i / sum_j w_j^2 mse_j`` -- the Wang, Fuller and Qu
      (2008) solution minimising ``sum (new_i - est_i)^2 / mse_i`` under the constraint, so
      imprecise areas absorb more of the discrepancy.

    Parameters
    ----------
    estimate : array_like, shape (m,)
        Area estimates (all areas that make up the aggregate, in or out of sample).
    weights : array_like, shape (m,)
        Aggregation weights, e.g. population shares (summing to 1 for a mean/rate) or
        population counts (with a total as target). Not renormalised.
    target : float
        The aggregate to match.
    method : {"ratio", "difference"}
    mse : array_like, optional
        Area MSEs, only for ``method="difference"``.

    Returns
    -------
    ndarray
        Benchmarked estimates.
    """
    est = _as_float_vector(estimate, "estimate")
    w = _as_float_vector(weights, "weights")
    if est.size != w.size:
        raise ValueError("estimate and weights must have the same length")
    if not (np.all(np.isfinite(est)) and np.all(np.isfinite(w)) and np.isfinite(target)):
        raise ValueError("estimate, weights and target must be finite")
    if np.any(w < 0) or not np.sum(w) > 0:
        raise ValueError("weights must be non-negative with a positive sum")
    total = float(np.sum(w * est))
    if method == "ratio":
        if total == 0.0:
            raise ValueError("ratio benchmarking needs a non-zero weighted sum")
        if mse is not None:
            raise ValueError("mse is only used by method='difference'")
        return est * (target / total)
    if method == "difference":
        if mse is None:
            a = np.full(est.size, 1.0 / np.sum(w))
        else:
            phi = _as_float_vector(mse, "mse")
            if phi.size != est.size or np.any(~np.isfinite(phi)) or np.any(phi < 0):
                raise ValueError("mse must be finite, non-negative, one per area")
            denom = np.sum(w**2 * phi)
            if not denom > 0:
                raise ValueError("sum of w^2 * mse must be positive")
            a = w * phi / denom
        return est + a * (target - total)
    raise ValueError("method must be 'ratio' or 'difference'")


# ---------------------------------------------------------------------------
# Diagnostics
# ---------------------------------------------------------------------------
def diagnostics(result: FayHerriotResult) -> pd.DataFrame:
    """Per-area model diagnostics of a Fay-Herriot fit.

    Columns
    -------
    in_sample, direct, eblup, synthetic
    gamma : shrinkage factor ``sigma2_u / (sigma2_u + D_i)``
    residual : ``direct - x'beta_hat``
    std_residual : ``residual / sqrt(sigma2_u + D_i)`` -- approximately N(0, 1) under the
        model (marginal variance; ignores the estimation of beta)
    random_effect : predicted area effect ``u_i = gamma_i * residual``
    cv_direct : ``sqrt(D_i) / direct``
    cv_eblup : ``sqrt(mse_i) / eblup``
    cv_ratio : ``cv_eblup / cv_direct`` (below 1 means the model helped)

    CVs are NaN where the estimate is 0. Out-of-sample areas have NaN residual columns
    and direct CV. For a normality check of the residuals use :func:`normality_tests`.
    """
    r = result
    resid = r.direct - r.synthetic
    std_resid = resid / np.sqrt(r.sigma2_u + r.vardir)
    with np.errstate(divide="ignore", invalid="ignore"):
        cv_direct = np.where(r.direct != 0, np.sqrt(r.vardir) / np.abs(r.direct), np.nan)
        cv_eblup = np.where(r.eblup != 0, np.sqrt(r.mse) / np.abs(r.eblup), np.nan)
        cv_ratio = cv_eblup / cv_direct
    return pd.DataFrame(
        {
            "in_sample": r.in_sample,
            "direct": r.direct,
            "eblup": r.eblup,
            "synthetic": r.synthetic,
            "gamma": r.gamma,
            "residual": resid,
            "std_residual": std_resid,
            "random_effect": r.gamma * resid,
            "cv_direct": cv_direct,
            "cv_eblup": cv_eblup,
            "cv_ratio": cv_ratio,
        },
        index=r.area,
    )


def normality_tests(result: FayHerriotResult) -> pd.DataFrame:
    """Normality checks of the standardized residuals and predicted random effects.

    Returns one row per quantity ("std_residual", "random_effect") with the number of
    areas, skewness, excess kurtosis and the Shapiro-Wilk statistic and p-value
    (``scipy.stats.shapiro``). Statistics are NaN when fewer than 3 areas are available
    or the values are constant (e.g. random effects when ``sigma2_u = 0``).
    """
    d = diagnostics(result)
    rows = {}
    for col in ("std_residual", "random_effect"):
        x = d.loc[d["in_sample"], col].to_numpy(dtype=float)
        n = x.size
        if n >= 3 and np.ptp(x) > 0:
            sw = stats.shapiro(x)
            rows[col] = {
                "n": n,
                "skewness": float(stats.skew(x)),
                "kurtosis": float(stats.kurtosis(x)),
                "shapiro_w": float(sw.statistic),
                "shapiro_p": float(sw.pvalue),
            }
        else:
            rows[col] = dict.fromkeys(("skewness", "kurtosis", "shapiro_w", "shapiro_p"), np.nan)
            rows[col]["n"] = n
    out = pd.DataFrame.from_dict(rows, orient="index")
    return out[["n", "skewness", "kurtosis", "shapiro_w", "shapiro_p"]]
