"""Kelurahan poverty map: Fay-Herriot EBLUP of P0 with registry covariates.

Susenas samples about 57 census blocks in Bontang, so a kelurahan holds a handful of PSUs (or
none). Direct kelurahan estimates are therefore very noisy, and some are exactly zero with a zero
variance. The Fay-Herriot area-level model borrows strength from covariates known for EVERY
kelurahan -- here aggregates of the cleaned social registry (DTSEN) -- and shrinks each direct
estimate towards the regression prediction in proportion to its sampling variance.

Steps (:func:`kelurahan_poverty_map`):

1. Area covariates from the registry (:func:`registry_area_covariates`): per kelurahan, over the
   registry's current resident families (records found moved, dead, duplicated or not found are
   dropped), the share of families in desil 1-3 (verified desil where available, else the
   pre-verification desil), mean floor area per person, the share without their own toilet, PKH
   coverage, and the number of persons (the population weight used for benchmarking). The model
   uses ``DEFAULT_COVARIATES`` (the share without their own toilet) unless the run config sets
   ``poverty: {fh_covariates: [...]}``; all candidates are kept in ``kelurahan_p0.csv``.
2. Direct P0 per kelurahan (person-level, a domain of the full Susenas design) with its sampling
   variance and sample size (households).
3. GVF smoothing of the sampling variances (``sae.smooth_variances``, pooled design effect):
   every in-sample kelurahan enters the model with the smoothed variance, so zero-estimate and
   zero-variance areas are never fed raw to the model.
4. REML Fay-Herriot fit on the proportion scale (``sae.fay_herriot``), Prasad-Rao MSE; kelurahan
   without sample get the synthetic estimate ``x'beta`` and its MSE.
   The linear model can predict a (slightly) negative proportion for a kelurahan with a low
   covariate value: published EBLUPs are truncated to [0, 1] (the diagnostics keep the raw model
   values); the MSE is not changed by the truncation.
5. Ratio benchmarking (``sae.benchmark``) so that the population-weighted kelurahan figures add
   up to the direct city P0 (weights: persons in current registry families per kelurahan); the
   SE of a benchmarked figure is ``sqrt(MSE)`` times the same ratio (an approximation that
   ignores the variability of the ratio).

Published intervals are ``estimate +/- 1.96 sqrt(MSE)`` truncated to [0, 100]; model-based
figures are flagged by their RSE (``100 sqrt(MSE) / estimate``) only, never suppressed for the
kelurahan's sample size (they do not rest on it alone).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import sae

# candidate area covariates (columns of registry_area_covariates)
COVARIATE_DESCRIPTIONS = {
    "share_desil_1_3": "share of registry families in welfare desil 1-3 (verified desil, else pre-verification)",
    "share_desil_1_4": "share of registry families in welfare desil 1-4",
    "mean_floor_pc": "mean floor area per person (m2) over registry families",
    "share_no_own_toilet": "share of registry families without their own toilet",
    "share_pkh": "share of registry families receiving PKH",
    "share_bpnt": "share of registry families receiving BPNT",
    "share_unverified": "share of registry families not yet verified",
    "persons": "persons in registry families (population weight for benchmarking)",
    "families": "registry families",
}
# One covariate: with 15 kelurahan a second regressor costs more in estimation error than it
# explains, and housing variables are recorded the same way in verified and not-yet-verified
# records, whereas the desil of an unverified family is the stale pre-verification rank (Bontang
# Utara). The Monte-Carlo study (simulations/README.md) compares the candidate sets.
DEFAULT_COVARIATES = ("share_no_own_toilet",)
INVALID_RECORD_OUTCOMES = ("pindah", "meninggal", "ganda", "tidak_ditemukan")
# fasilitas_bab codes meaning "own toilet"; anything else (shared, public, none) is "not own"
OWN_TOILET_CODES = ("sendiri", "milik_sendiri", "jamban_sendiri", "1")


def current_families(households: pd.DataFrame) -> pd.DataFrame:
    """Registry families that currently exist (drops records verified as moved, dead, duplicate
    or not found)."""
    outcome = households.get("hasil_verifikasi")
    if outcome is None:
        return households
    bad = outcome.astype("string").str.strip().str.lower().isin(INVALID_RECORD_OUTCOMES).fillna(False)
    return households.loc[~bad.to_numpy(bool)]


def current_desil(households: pd.DataFrame) -> pd.Series:
    """Verified desil where available, else the pre-verification national desil."""
    ver = pd.to_numeric(households.get("desil_verifikasi"), errors="coerce")
    nat = pd.to_numeric(households.get("desil_nasional"), errors="coerce")
    return ver.where(ver.notna(), nat)


def _flag01(s: pd.Series) -> pd.Series:
    num = pd.to_numeric(s, errors="coerce")
    txt = s.astype("string").str.strip().str.lower()
    return pd.Series(np.where(num.notna(), num > 0, txt.isin(["ya", "true", "yes"]).fillna(False)),
                     index=s.index).astype(float)


def registry_area_covariates(households: pd.DataFrame, *, area_col: str = "kode_kel") -> pd.DataFrame:
    """Kelurahan (or any area) aggregates of the cleaned registry; see ``COVARIATE_DESCRIPTIONS``.

    Parameters
    ----------
    households : DataFrame
        Cleaned registry families (``dtsen_households.parquet``).
    area_col : str
        Area code column.

    Returns
    -------
    DataFrame indexed by area code.
    """
    h = current_families(households)
    size = pd.to_numeric(h["jumlah_anggota"], errors="coerce").clip(lower=1).astype(float)
    floor = pd.to_numeric(h["luas_lantai_m2"], errors="coerce").astype(float)
    desil = current_desil(h)
    bab = h["fasilitas_bab"].astype("string").str.strip().str.lower()
    own = bab.isin(OWN_TOILET_CODES).fillna(False).astype(float)
    verified = h["registry_verified"].astype(bool) if "registry_verified" in h else \
        h["status_verifikasi"].astype("string").eq("terverifikasi").fillna(False)
    frame = pd.DataFrame({
        "area": h[area_col].astype(str).to_numpy(),
        "d13": (desil <= 3).astype(float).to_numpy(),
        "d14": (desil <= 4).astype(float).to_numpy(),
        "floor_pc": (floor / size).to_numpy(),
        "no_own_toilet": (1.0 - own).to_numpy(),
        "pkh": _flag01(h["penerima_pkh"]).to_numpy(),
        "bpnt": _flag01(h["penerima_bpnt"]).to_numpy(),
        "unverified": (~verified).astype(float).to_numpy(),
        "persons": size.to_numpy(),
    })
    g = frame.groupby("area", sort=True)
    out = pd.DataFrame({
        "share_desil_1_3": g["d13"].mean(),
        "share_desil_1_4": g["d14"].mean(),
        "mean_floor_pc": g["floor_pc"].mean(),
        "share_no_own_toilet": g["no_own_toilet"].mean(),
        "share_pkh": g["pkh"].mean(),
        "share_bpnt": g["bpnt"].mean(),
        "share_unverified": g["unverified"].mean(),
        "persons": g["persons"].sum(),
        "families": g.size().astype(float),
    })
    out.index.name = area_col
    return out


@dataclass
class KelurahanMap:
    """Result of :func:`kelurahan_poverty_map` (all proportions on the 0-1 scale)."""

    table: pd.DataFrame          # one row per kelurahan (see kelurahan_poverty_map)
    diagnostics: pd.DataFrame    # sae.diagnostics + variances, sample sizes
    fit: sae.FayHerriotResult
    gvf_params: dict
    covariates: list[str]
    city_direct: float
    benchmark_ratio: float

    def summary(self) -> dict:
        """sigma2_u, shrinkage range, counts of in-sample and synthetic areas, coefficients."""
        f = self.fit
        g = f.gamma[f.in_sample]
        return {"sigma2_u": f.sigma2_u, "sigma2_u_raw": f.sigma2_u_raw, "boundary": f.boundary,
                "converged": f.converged, "iterations": f.iterations,
                "m_in_sample": int(f.in_sample.sum()), "m_synthetic": int((~f.in_sample).sum()),
                "gamma_min": float(g.min()) if g.size else np.nan,
                "gamma_max": float(g.max()) if g.size else np.nan,
                "deff_bar": self.gvf_params.get("deff_bar", np.nan),
                "benchmark_ratio": self.benchmark_ratio, "city_direct": self.city_direct,
                "covariates": list(self.covariates), "beta": dict(zip(f.exog_names, f.beta))}


def kelurahan_poverty_map(direct: pd.DataFrame, covariates: pd.DataFrame, city_direct: float, *,
                          covariate_names=DEFAULT_COVARIATES, method: str = "REML",
                          gvf_method: str = "deff", weight_col: str = "persons") -> KelurahanMap:
    """Fit the Fay-Herriot kelurahan model and benchmark it to the direct city figure.

    Parameters
    ----------
    direct : DataFrame
        Direct kelurahan estimates: ``domain_code`` (Kemendagri kelurahan), ``estimate`` (P0 as a
        proportion), ``se``, ``n_sample`` (households). Kelurahan absent here are out of sample.
    covariates : DataFrame
        Indexed by kelurahan code, one row for EVERY kelurahan of the city (from
        :func:`registry_area_covariates`), holding ``covariate_names`` and ``weight_col``.
    city_direct : float
        Direct city P0 (proportion): the benchmark target.
    covariate_names : sequence of str
        Columns of ``covariates`` used as the model's X (an intercept is added).

    Returns
    -------
    KelurahanMap
        ``table`` columns: ``domain_code, n_sample, direct, direct_se, vardir_direct,
        vardir_smoothed, in_sample, synthetic, gamma, eblup, mse, eblup_se, benchmarked,
        benchmarked_se, pop_weight`` plus the covariates.
    """
    cov = covariates.copy()
    cov.index = cov.index.astype(str)
    d = direct.copy()
    d["domain_code"] = d["domain_code"].astype(str)
    d = d.set_index("domain_code").reindex(cov.index)
    n = d["n_sample"].astype(float).fillna(0).to_numpy()
    p_hat = d["estimate"].astype(float).to_numpy()
    se = d["se"].astype(float).to_numpy()
    has = np.isfinite(p_hat) & (n > 0)
    p_hat = np.where(has, p_hat, np.nan)
    var_direct = np.where(has, se ** 2, np.nan)
    # GVF on in-sample areas only (n must be > 0)
    sm, params = sae.smooth_variances(p_hat[has], var_direct[has], n[has], method=gvf_method,
                                      full_output=True)
    var_sm = np.full(len(cov), np.nan)
    var_sm[has] = sm
    X = cov[list(covariate_names)].astype(float)
    # relative-step tolerance 1e-8 (R sae's default is 1e-4); near the boundary sigma2_u -> 0 the
    # relative step of 1e-12 is not reachable in floating point
    fit = sae.fay_herriot(p_hat, np.where(has, var_sm, np.nan), X, method=method, area=cov.index,
                          tol=1e-8, max_iter=200)
    diag = sae.diagnostics(fit)
    w = cov[weight_col].astype(float).to_numpy()
    w = w / w.sum()
    eblup = np.clip(fit.eblup, 0.0, 1.0)
    bench = sae.benchmark(eblup, w, city_direct, method="ratio") if np.sum(w * eblup) > 0 else eblup
    ratio = float(city_direct / np.sum(w * eblup)) if np.sum(w * eblup) > 0 else np.nan
    mse = np.maximum(fit.mse, 0.0)
    table = pd.DataFrame({
        "domain_code": cov.index, "n_sample": n.astype(int), "direct": p_hat, "direct_se": np.where(has, se, np.nan),
        "vardir_direct": var_direct, "vardir_smoothed": var_sm, "in_sample": fit.in_sample,
        "synthetic": fit.synthetic, "gamma": fit.gamma, "eblup": eblup, "mse": mse,
        "eblup_se": np.sqrt(mse), "benchmarked": bench,
        "benchmarked_se": np.sqrt(mse) * (ratio if np.isfinite(ratio) else 1.0), "pop_weight": w,
    })
    for c in covariate_names:
        table[c] = cov[c].to_numpy(float)
    diag = diag.reset_index(names="domain_code")
    diag.insert(1, "n_sample", n.astype(int))
    diag["vardir_direct"] = var_direct
    diag["vardir_smoothed"] = var_sm
    diag["mse"] = mse
    return KelurahanMap(table=table, diagnostics=diag, fit=fit, gvf_params=params,
                        covariates=list(covariate_names), city_direct=float(city_direct),
                        benchmark_ratio=ratio)
