"""Kelurahan poverty map by the unit-level EBP with the social registry as the census.

Steps (all from the data; no truth file is read):

1. **Harmonisation.** Survey and registry households go through the same
   :func:`analysis.poverty.targeting.pmt_frame` (housing, assets, household size, head's sex,
   education and age) and one design encoding learnt on the survey. :func:`harmonisation_table`
   compares, column by column, the survey-weighted mean (with its with-replacement PSU standard
   error) and the registry mean. A column differs when ``|z| > z_crit`` with the Bonferroni
   critical value for 5 % over all compared columns; the covariate GROUP of a differing column
   (a categorical's dummies together) is not offered to the model.
2. **Transformation** (log / Box-Cox / log-shift) by AIC of the REML likelihood with the Jacobian,
   first on all offered covariates; **covariates** by backward elimination of groups on BIC (ML)
   on that scale; the transformation is then chosen again on the kept covariates.
3. **EBP** of P0, P1, P2 by kelurahan with Monte Carlo replicates and a parametric bootstrap MSE
   of P0 (:func:`analysis.sae_unit.ebp`).
4. **Census weights.** The registry misses a few percent of households (and holds a few that
   have left). Each registered family gets the weight that makes the registry's persons of its
   kecamatan equal the kecamatan's published population: the missing households are taken to
   resemble the registered ones of the same kecamatan. Kelurahan shares are unaffected by a
   kecamatan-constant weight; the kecamatan and city aggregates are population-weighted.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from threadpoolctl import threadpool_limits

from analysis import sae_unit
from analysis.codes import KOTA_CODE
from analysis.poverty import smallarea, targeting

# kelurahan aggregates of the registry offered to the model (smallarea.COVARIATE_DESCRIPTIONS)
CONTEXT_COVARIATES = ("share_desil_1_3", "share_desil_1_4", "mean_floor_pc", "share_no_own_toilet",
                      "share_pkh", "share_bpnt")
NUMERIC_GROUPS = {"log_hh_size": ["log_hh_size"], "log_floor_pc": ["log_floor_pc", "log_floor_pc_missing"],
                  "head_age": ["head_age", "head_age_missing", "head_age_sq"]}


def covariate_groups(columns) -> dict[str, list[str]]:
    """Group -> design columns (numeric blocks, each asset, each categorical's dummies)."""
    groups: dict[str, list[str]] = {}
    for c in columns:
        if c == "const":
            continue
        g = next((k for k, v in NUMERIC_GROUPS.items() if c in v), c.split("=")[0])
        groups.setdefault(g, []).append(c)
    return groups


def registry_census(households: pd.DataFrame, members: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Current registry families and their PMT frame (head from the members table)."""
    fam = smallarea.current_families(households).copy()
    heads = targeting.registry_heads(members, key="hh_key")
    head = heads.reindex(fam["hh_key"].to_numpy())
    head.index = fam.index
    return fam, targeting.pmt_frame(fam, size_col="jumlah_anggota", head=head)


def _psu_se(x: np.ndarray, w: np.ndarray, strata: np.ndarray, psu: np.ndarray) -> np.ndarray:
    """With-replacement linearised SE of weighted means (columns of x), PSUs within strata."""
    W = w.sum()
    mean = (w[:, None] * x).sum(0) / W
    z = w[:, None] * (x - mean) / W
    key = pd.Series(strata.astype(str)) + "|" + pd.Series(psu.astype(str))
    tot = pd.DataFrame(z).groupby(key.to_numpy()).sum()
    st = pd.Series([k.split("|")[0] for k in tot.index])
    var = np.zeros(x.shape[1])
    for h, idx in st.groupby(st).groups.items():
        t = tot.iloc[list(idx)].to_numpy()
        nh = t.shape[0]
        if nh > 1:
            var += nh / (nh - 1) * ((t - t.mean(0)) ** 2).sum(0)
    return np.sqrt(var)


def harmonisation_table(Xs: pd.DataFrame, w_s, strata, psu, Xc: pd.DataFrame, w_c) -> pd.DataFrame:
    """Survey-weighted vs registry means of every design column, with the difference flag."""
    cols = [c for c in Xs.columns if c != "const"]
    xs = Xs[cols].to_numpy(float)
    xc = Xc[cols].to_numpy(float)
    w_s, w_c = np.asarray(w_s, float), np.asarray(w_c, float)
    ms = (w_s[:, None] * xs).sum(0) / w_s.sum()
    se = _psu_se(xs, w_s, np.asarray(strata), np.asarray(psu))
    mc = (w_c[:, None] * xc).sum(0) / w_c.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        zval = (mc - ms) / se
    zcrit = float(stats.norm.ppf(1 - 0.025 / max(len(cols), 1)))
    groups = covariate_groups(cols)
    group_of = {c: g for g, cs in groups.items() for c in cs}
    differs = np.where(se > 0, np.abs(zval) > zcrit, np.abs(mc - ms) > 1e-12)
    return pd.DataFrame({"column": cols, "group": [group_of[c] for c in cols], "survey_mean": ms,
                         "survey_se": se, "registry_mean": mc, "difference": mc - ms, "z": zval,
                         "z_critical": zcrit, "differs": differs})


@dataclass
class UnitMap:
    """Everything the stage publishes from the EBP."""
    kelurahan: pd.DataFrame        # one row per kelurahan: EBP p0/p1/p2, se, ci, rse, direct
    aggregates: pd.DataFrame       # kecamatan and city EBP P0 (population-weighted) next to direct
    harmonisation: pd.DataFrame
    transformations: pd.DataFrame
    selection: pd.DataFrame
    diagnostics: pd.DataFrame
    coefficients: pd.DataFrame
    method: str
    result: sae_unit.EBPResult


def kelurahan_ebp(d: pd.DataFrame, households: pd.DataFrame, members: pd.DataFrame, line: float, *,
                  kelurahan_codes: list[str], kecamatan_population: dict[str, float], mc_reps: int,
                  boot_reps: int, seed: int) -> UnitMap:
    """Fit and predict the kelurahan EBP from a prepared Susenas frame and the cleaned registry.

    ``d`` needs ``pengeluaran_kapita, jumlah_art, bobot, strata, psu, kode_kel`` and the PMT
    inputs; ``households``/``members`` are the cleaned registry tables.
    """
    with threadpool_limits(1):       # many small BLAS calls: threads only contend
        return _kelurahan_ebp(d, households, members, line, kelurahan_codes=kelurahan_codes,
                              kecamatan_population=kecamatan_population, mc_reps=mc_reps, boot_reps=boot_reps,
                              seed=seed)


def _kelurahan_ebp(d, households, members, line, *, kelurahan_codes, kecamatan_population, mc_reps, boot_reps,
                   seed) -> UnitMap:
    codes = list(kelurahan_codes)
    idx = {c: i for i, c in enumerate(codes)}
    m = len(codes)
    fs = targeting.pmt_frame(d, size_col="jumlah_art")
    w_s = d["bobot"].to_numpy(float)
    spec = targeting.make_design_spec(fs, w_s)
    # kecamatan dummies are area-level: the kelurahan effect already absorbs them
    spec.columns = [c for c in spec.columns if not c.startswith("kode_kec=")]
    Xs = spec.matrix(fs)
    fam, fc = registry_census(households, members)
    Xc = spec.matrix(fc)
    size_c = pd.to_numeric(fam["jumlah_anggota"], errors="coerce").fillna(1).clip(lower=1).to_numpy(float)
    kec_c = fam["kode_kec"].astype(str).to_numpy()
    cal = sae_unit.calibrate_census_weights(kec_c, size_c, kecamatan_population)

    harm = harmonisation_table(Xs, w_s, d["strata"].to_numpy(), d["psu"].to_numpy(), Xc, cal * size_c / size_c)
    bad_groups = set(harm.loc[harm["differs"], "group"])
    offered = ["const"] + [c for c in Xs.columns if c != "const" and harm.set_index("column").loc[c, "group"]
                           not in bad_groups]
    y = d["pengeluaran_kapita"].to_numpy(float)
    area_s = d["kode_kel"].astype(str).map(idx)
    if area_s.isna().any():
        raise ValueError(f"survey kelurahan codes not in the wilayah table: {sorted(set(d['kode_kel'][area_s.isna()]))}")
    area_s = area_s.to_numpy(np.int64)
    area_c = pd.Series(fam["kode_kel"].astype(str).to_numpy()).map(idx)
    keep_c = area_c.notna().to_numpy()
    area_c_all = area_c.to_numpy(float)
    area_c = area_c[keep_c].to_numpy(np.int64)

    # contextual (kelurahan-level) covariates: registry aggregates of each kelurahan, the same
    # value for the survey and the census units of a kelurahan (so nothing to harmonise)
    ctx = smallarea.registry_area_covariates(households, area_col="kode_kel").reindex(codes)
    ctx_cols = []
    for c in CONTEXT_COVARIATES:
        v = ctx[c].to_numpy(float)
        if np.isfinite(v).all() and v.std() > 0:
            z = (v - v.mean()) / v.std()
            Xs[f"ctx_{c}"] = z[area_s]
            ctx_cols.append(f"ctx_{c}")
            Xc[f"ctx_{c}"] = z[np.nan_to_num(area_c_all, nan=0).astype(np.int64)]
    offered = offered + ctx_cols
    tr0, _ = sae_unit.select_transformation(y, Xs[offered].to_numpy(float), area_s, m)
    groups = {g: cs for g, cs in covariate_groups(offered).items()}
    cols, steps = sae_unit.select_covariates(tr0.forward(y), Xs[offered], area_s, groups, m)
    tr, ttab = sae_unit.select_transformation(y, Xs[cols].to_numpy(float), area_s, m)
    res = sae_unit.ebp(y, Xs[cols].to_numpy(float), area_s, Xc[cols].to_numpy(float)[keep_c], area_c, line, m=m,
                       census_weight=(cal * size_c)[keep_c], transformation=tr, mc_reps=mc_reps,
                       boot_reps=boot_reps, seed=seed, columns=cols)
    fit = res.fit
    method = f"ebp;{tr.label};bootstrap_mse"

    t = res.table.copy()
    t.insert(0, "domain_code", codes)
    t["kecamatan_code"] = t["domain_code"].str.slice(0, 8)
    # aggregates: persons-weighted EBP (point) with the MSE of a sum of independent area errors
    # as a lower bound is not claimed; aggregates are reported as checks beside direct estimates
    agg_rows = []
    for level, key in (("kecamatan", t["kecamatan_code"]), ("kota", pd.Series(KOTA_CODE, index=t.index))):
        for code, grp in t.groupby(key.to_numpy()):
            W = grp["persons"].sum()
            agg_rows.append({"domain_level": level, "domain_code": code,
                             "ebp_p0": float((grp["p0"] * grp["persons"]).sum() / W),
                             "ebp_p1": float((grp["p1"] * grp["persons"]).sum() / W),
                             "ebp_p2": float((grp["p2"] * grp["persons"]).sum() / W), "persons": W})
    agg = pd.DataFrame(agg_rows)

    # diagnostics: residuals, ICC, marginal / conditional R2 (Nakagawa-Schielzeth)
    ty = tr.forward(y)
    Xm = Xs[cols].to_numpy(float)
    fixed = Xm @ fit.beta
    u = fit.random_effects
    resid = ty - fixed - u[area_s]
    var_f = float(np.var(fixed))
    r2_m = var_f / (var_f + fit.sigma2_u + fit.sigma2_e)
    r2_c = (var_f + fit.sigma2_u) / (var_f + fit.sigma2_u + fit.sigma2_e)
    sw = stats.shapiro(resid)
    sw_u = stats.shapiro(u[fit.n_i > 0]) if (fit.n_i > 0).sum() >= 3 else (np.nan, np.nan)
    diag = pd.DataFrame([
        {"item": "transformation", "value": tr.label},
        {"item": "transformation_param", "value": f"{tr.param:.10g}"},
        {"item": "transformation_scale", "value": f"{tr.scale:.10g}"},
        {"item": "n_sample", "value": str(len(y))},
        {"item": "n_census_units", "value": str(int(keep_c.sum()))},
        {"item": "n_areas", "value": str(m)},
        {"item": "n_covariates", "value": str(len(cols) - 1)},
        {"item": "covariates", "value": ";".join(c for c in cols if c != "const")},
        {"item": "sigma2_u", "value": f"{fit.sigma2_u:.10g}"},
        {"item": "sigma2_e", "value": f"{fit.sigma2_e:.10g}"},
        {"item": "icc", "value": f"{fit.icc:.10g}"},
        {"item": "r2_marginal", "value": f"{r2_m:.10g}"},
        {"item": "r2_conditional", "value": f"{r2_c:.10g}"},
        {"item": "residual_skewness", "value": f"{stats.skew(resid):.10g}"},
        {"item": "residual_kurtosis", "value": f"{stats.kurtosis(resid, fisher=False):.10g}"},
        {"item": "residual_shapiro_w", "value": f"{sw[0]:.10g}"},
        {"item": "residual_shapiro_p", "value": f"{sw[1]:.10g}"},
        {"item": "random_effect_shapiro_w", "value": f"{sw_u[0]:.10g}"},
        {"item": "random_effect_shapiro_p", "value": f"{sw_u[1]:.10g}"},
        {"item": "mc_reps", "value": str(mc_reps)},
        {"item": "bootstrap_reps", "value": str(boot_reps)},
        {"item": "seed", "value": str(seed)},
        {"item": "groups_dropped_by_harmonisation", "value": ";".join(sorted(bad_groups))},
    ])
    se_b = np.sqrt(np.diag(fit.cov_beta))
    coef = pd.DataFrame({"term": cols, "beta": fit.beta, "se": se_b, "t": fit.beta / se_b})
    return UnitMap(kelurahan=t, aggregates=agg, harmonisation=harm, transformations=ttab, selection=steps,
                   diagnostics=diag, coefficients=coef, method=method, result=res)
