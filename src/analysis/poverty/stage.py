"""Stage 02 (poverty): inputs, the whole computation, and the writer.

``run_poverty_stage(cfg)`` reads the cleaned Parquet files of stage 01 (its declared inputs in
:data:`analysis.stage.STAGES`, reference tables included) and returns a
:class:`analysis.stage.StageOutputs` (estimates in the output contract, plus tidy tables);
``analysis.stage.write_stage(outputs, cfg, "poverty")`` writes them. Nothing here reads
``data/raw`` or ``data/truth``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import disclosure, paths, survey
from analysis.codes import KOTA_CODE, KOTA_NAME, area_names
from analysis.estimates import ESTIMATE_COLUMNS, published_until, reliability_flag, to_estimate_rows
from analysis.poverty import change as change_mod
from analysis.io import atomic_write_bytes
from analysis.poverty import context, direct, smallarea, targeting, unitlevel, worklists
from analysis.stage import (STAGES, StageOutputs, as_text, ci_quantile, read_inputs, read_processed, settings,
                            write_outputs)

STAGE = "poverty"
TABLE_NAMES = STAGES[STAGE].tables
DEFAULTS = {
    "lonely_psu": "adjust",           # survey.SurveyDesign rule for strata with one PSU
    "p0_ci": "logit",                 # published P0 interval: logit (Korn-Graubard at 0) | korn_graubard | wald
    "fh_covariates": list(smallarea.DEFAULT_COVARIATES),
    "fh_method": "REML",
    "gvf_method": "deff",
    "pmt_folds": 5,
    "bottom_share": 0.40,
    "ebp_mc_reps": 200,               # Monte Carlo replicates of the kelurahan EBP (>= 100)
    "ebp_bootstrap_reps": 200,        # parametric bootstrap replicates of its MSE (>= 200 published)
    "worklists": {},                  # field worklist rules (poverty.worklists: defaults in worklists.py)
}


@dataclass
class PovertyInputs:
    """Everything stage 02 reads."""

    susenas: dict[str, pd.DataFrame]   # year -> cleaned household frame
    households: pd.DataFrame           # cleaned registry families
    members: pd.DataFrame              # cleaned registry members
    wilayah: pd.DataFrame
    poverty_lines: pd.DataFrame        # year, poverty_line
    published: pd.DataFrame


# ------------------------------------------------------------------------------------ inputs
def read_poverty_lines(df: pd.DataFrame) -> pd.DataFrame:
    """``year, poverty_line`` from ``reference/poverty_lines.csv`` (column ``garis_kemiskinan_rp``)."""
    val = next(c for c in ("garis_kemiskinan_rp", "poverty_line", "garis_kemiskinan", "value") if c in df)
    return pd.DataFrame({"year": df["year"].astype(str), "poverty_line": pd.to_numeric(df[val]).astype(float)})


def poverty_line(lines: pd.DataFrame, year) -> float:
    """The line of one year; a missing year is an error (never interpolated)."""
    row = lines[lines["year"] == str(year)]
    if len(row) != 1:
        raise KeyError(f"reference/poverty_lines.csv has no poverty line for {year}")
    return float(row["poverty_line"].iloc[0])


def load_inputs(cfg) -> PovertyInputs:
    """Read the stage's declared inputs: cleaned Parquet of stage 01 (reference tables as text)."""
    t = read_inputs(cfg, STAGE)
    published = as_text(t["published_indicators"])
    published["value"] = pd.to_numeric(published["value"], errors="coerce")
    return PovertyInputs(
        susenas={y: t[f"susenas_{y}"] for y in (cfg.previous_period, cfg.period)},
        households=t["dtsen_households"],
        members=t["dtsen_members"],
        wilayah=as_text(t["wilayah"]),
        poverty_lines=read_poverty_lines(as_text(t["poverty_lines"])),
        published=published,
    )


# ------------------------------------------------------------------------------------ parts
def kelurahan_map(inp: PovertyInputs, d_curr: pd.DataFrame, city_direct_pct: float, line: float, *,
                  period: str, conf: dict, reliability: dict, names: dict, z: float = 1.959963984540054) -> tuple:
    """Fay-Herriot kelurahan map -> (estimate rows, kelurahan_p0 table, diagnostics, summary).

    ``z`` is the normal quantile of the run's confidence level (:func:`analysis.stage.ci_quantile`).
    """
    des = direct.design(d_curr, conf["lonely_psu"])
    kel = survey.fgt(des, "pengeluaran_kapita", line, alpha=0, by="kode_kel", size="jumlah_art")
    kel = kel.rename(columns={"kode_kel": "domain_code"})
    cov = smallarea.registry_area_covariates(inp.households, area_col="kode_kel")
    all_kel = sorted(names["kelurahan"])
    cov = cov.reindex(all_kel)
    if cov[conf["fh_covariates"]].isna().any().any():
        bad = cov.index[cov[conf["fh_covariates"]].isna().any(axis=1)].tolist()
        raise ValueError(f"registry covariates missing for kelurahan {bad}")
    km = smallarea.kelurahan_poverty_map(kel, cov, city_direct_pct / 100, covariate_names=conf["fh_covariates"],
                                         method=conf["fh_method"], gvf_method=conf["gvf_method"])
    t = km.table.copy()
    t["domain_name"] = t["domain_code"].map(names["kelurahan"])
    t["kode_kec"] = t["domain_code"].str.slice(0, 8)
    t["kecamatan_name"] = t["kode_kec"].map(names["kecamatan"])
    t["share_unverified"] = cov["share_unverified"].to_numpy(float)
    rel = {k: v for k, v in reliability.items() if k in ("rse_caution", "rse_unreliable")}
    rows = []
    for kind, est_col, se_col in (("eblup", "eblup", "eblup_se"), ("benchmarked", "benchmarked", "benchmarked_se")):
        e = pd.DataFrame({
            "domain_code": t["domain_code"], "domain_name": t["domain_name"],
            "estimate": 100 * t[est_col], "se": 100 * t[se_col], "n_sample": t["n_sample"],
        })
        e["ci_low"] = (e["estimate"] - z * e["se"]).clip(lower=0)
        e["ci_high"] = (e["estimate"] + z * e["se"]).clip(upper=100)
        with np.errstate(divide="ignore", invalid="ignore"):
            e["rse"] = np.where(e["estimate"] > 0, 100 * e["se"] / e["estimate"], np.nan)
        # model-based figures are judged on their RSE (from the MSE), not suppressed by sample size
        e["flag"] = reliability_flag(e["rse"], np.full(len(e), np.inf), min_n_sample=0, **rel)
        suffix = pd.Series("", index=e.index, dtype=object)
        suffix[~t["in_sample"].to_numpy(bool)] = "synthetic_estimate"
        unver = t["share_unverified"].to_numpy(float) > 0
        suffix[unver] = np.where(suffix[unver] == "", "unverified_registry", suffix[unver] + ";unverified_registry")
        if kind == "eblup":
            method = np.where(t["in_sample"], "fay_herriot", "fay_herriot_synthetic")
            ind = "p0"
        else:
            method = np.full(len(t), "fay_herriot_benchmarked")
            ind = "p0_benchmarked"
        for m in sorted(set(method)):
            sel = method == m
            rows.append(to_estimate_rows(e[sel], indicator=ind, domain_level="kelurahan", unit="percent", method=m,
                                         period=period, flag_suffix=suffix[sel]))
    est_rows = pd.concat(rows, ignore_index=True)

    kd = kel.set_index("domain_code").reindex(t["domain_code"])
    dlo, dhi, _ = direct.p0_interval(100 * t["direct"].to_numpy(float), 100 * t["direct_se"].to_numpy(float),
                                     t["n_sample"].to_numpy(float), kd["df"].to_numpy(float), conf["p0_ci"])
    tab = pd.DataFrame({
        "domain_code": t["domain_code"], "domain_name": t["domain_name"], "kecamatan_code": t["kode_kec"],
        "kecamatan_name": t["kecamatan_name"], "in_sample": t["in_sample"], "n_sample": t["n_sample"],
        "direct_estimate": 100 * t["direct"], "direct_se": 100 * t["direct_se"],
        "direct_ci_low": np.where(t["in_sample"], dlo, np.nan), "direct_ci_high": np.where(t["in_sample"], dhi, np.nan),
        "direct_se_smoothed": 100 * np.sqrt(t["vardir_smoothed"]),
        "eblup": 100 * t["eblup"], "eblup_se": 100 * t["eblup_se"],
        "benchmarked": 100 * t["benchmarked"], "benchmarked_se": 100 * t["benchmarked_se"],
        "synthetic": 100 * t["synthetic"], "gamma": t["gamma"], "pop_weight": t["pop_weight"],
        "share_unverified": t["share_unverified"],
        **{c: cov[c].to_numpy(float) for c in smallarea.COVARIATE_DESCRIPTIONS
           if c not in ("share_unverified", "persons", "families")},
    })
    tab["fh_covariates"] = ";".join(km.covariates)
    tab["method"] = np.where(tab["in_sample"], "fay_herriot", "fay_herriot_synthetic")
    diag = km.diagnostics.copy()
    for c in ("direct", "eblup", "synthetic", "residual", "random_effect"):
        diag[c] = 100 * diag[c]
    diag["std_residual"] = km.diagnostics["std_residual"]
    diag["domain_name"] = diag["domain_code"].map(names["kelurahan"])
    diag["direct_se"] = 100 * np.sqrt(diag["vardir_direct"])
    diag["direct_se_smoothed"] = 100 * np.sqrt(diag["vardir_smoothed"])
    diag["eblup_se"] = 100 * np.sqrt(diag["mse"])
    diag = diag[["domain_code", "domain_name", "in_sample", "n_sample", "direct", "direct_se", "direct_se_smoothed",
                 "synthetic", "eblup", "eblup_se", "gamma", "residual", "std_residual", "random_effect",
                 "cv_direct", "cv_eblup", "cv_ratio"]]
    summ = km.summary()
    coef = km.fit.coefficients().reset_index()
    summary_rows = [{"item": k, "value": float(v) if isinstance(v, (int, float, np.floating, np.integer, bool))
                     else str(v)} for k, v in summ.items() if k not in ("beta", "covariates")]
    summary_rows.append({"item": "covariates", "value": ";".join(summ["covariates"])})
    for _, r in coef.iterrows():
        summary_rows.append({"item": f"beta[{r['term']}]", "value": float(r["beta"])})
        summary_rows.append({"item": f"beta_se[{r['term']}]", "value": float(r["std_error"])})
    fh_summary = pd.DataFrame(summary_rows)
    # a mixed text/number column: format numbers as the CSV writers do (10 significant digits)
    fh_summary["value"] = fh_summary["value"].map(lambda v: f"{v:.10g}" if isinstance(v, float) else str(v))
    return est_rows, tab, diag, fh_summary, km


def kelurahan_unit_map(inp: PovertyInputs, d_curr: pd.DataFrame, line: float, *, period: str, conf: dict,
                       reliability: dict, names: dict, seed: int, z: float = 1.959963984540054) -> dict:
    """Unit-level EBP kelurahan map (:mod:`analysis.poverty.unitlevel`) -> estimate rows and tables.

    The registry is the census; its families are weighted to the kecamatan populations of the
    wilayah table (``population_<period>`` column when present; else unweighted)."""
    mc, boot = int(conf["ebp_mc_reps"]), int(conf["ebp_bootstrap_reps"])
    if mc < 1 or boot < 0:
        raise ValueError(f"poverty.ebp_mc_reps must be >= 1 and ebp_bootstrap_reps >= 0, got {mc}, {boot}")
    w = inp.wilayah[inp.wilayah["level"] == "kecamatan"]
    popcol = f"population_{period}"
    pop = {}
    if popcol in w.columns:
        vals = pd.to_numeric(w[popcol], errors="coerce")
        pop = {str(k): float(v) for k, v in zip(w["kemendagri_code"], vals) if np.isfinite(v)}
    um = unitlevel.kelurahan_ebp(d_curr, inp.households, inp.members, line, kelurahan_codes=sorted(names["kelurahan"]),
                                 kecamatan_population=pop, mc_reps=mc, boot_reps=boot, seed=seed)
    t = um.kelurahan
    e = pd.DataFrame({"domain_code": t["domain_code"], "domain_name": t["domain_code"].map(names["kelurahan"]),
                      "estimate": 100 * t["p0"], "se": 100 * t["se_p0"], "n_sample": t["n_sample"]})
    e["ci_low"] = (e["estimate"] - z * e["se"]).clip(lower=0)
    e["ci_high"] = (e["estimate"] + z * e["se"]).clip(upper=100)
    with np.errstate(divide="ignore", invalid="ignore"):
        e["rse"] = np.where(e["estimate"] > 0, 100 * e["se"] / e["estimate"], np.nan)
    rel = {k: v for k, v in reliability.items() if k in ("rse_caution", "rse_unreliable")}
    e["flag"] = reliability_flag(e["rse"], np.full(len(e), np.inf), min_n_sample=0, **rel)
    suffix = pd.Series("", index=e.index, dtype=object)
    suffix[t["n_sample"].to_numpy() == 0] = "synthetic_estimate"
    # the census is the registry: kelurahan with unverified records carry the same qualifier as FH
    cov = smallarea.registry_area_covariates(inp.households, area_col="kode_kel").reindex(t["domain_code"])
    unver = cov["share_unverified"].to_numpy(float) > 0
    suffix[unver] = np.where(suffix[unver] == "", "unverified_registry", suffix[unver] + ";unverified_registry")
    rows = to_estimate_rows(e, indicator="p0", domain_level="kelurahan", unit="percent", method=um.method,
                            period=period, flag_suffix=suffix)
    kel = pd.DataFrame({
        "domain_code": t["domain_code"], "domain_name": e["domain_name"], "kecamatan_code": t["kecamatan_code"],
        "n_sample": t["n_sample"], "census_units": t["n_units"], "census_persons": t["persons"],
        "p0": 100 * t["p0"], "p0_se": 100 * t["se_p0"], "p0_ci_low": e["ci_low"], "p0_ci_high": e["ci_high"],
        "p0_rse": e["rse"], "flag": e["flag"], "p0_exact_eb": 100 * t["p0_exact"],
        "p1": 100 * t["p1"], "p2": 100 * t["p2"], "gamma": t["gamma"], "random_effect": t["random_effect"],
        "method": um.method,
    })
    agg = um.aggregates.copy()
    for c in ("ebp_p0", "ebp_p1", "ebp_p2"):
        agg[c] = 100 * agg[c]
    return {"rows": rows, "kelurahan": kel, "aggregates": agg, "diagnostics": um.diagnostics,
            "coefficients": um.coefficients, "transformations": um.transformations, "selection": um.selection,
            "harmonisation": um.harmonisation, "map": um}


def _pmt_eval(pred_log, y, w_hh, w_person, line: float, share: float) -> list[dict]:
    """R² (log scale) and the PMT's own errors at both cuts, from predicted and actual log welfare."""
    r2 = targeting.weighted_r2(y, pred_log, w_hh)
    act, pw = np.exp(y), np.exp(pred_log)
    return [{"cut": "poverty_line", "r2_weighted": r2, **targeting.pmt_errors(act, pw, w_hh, line=line)},
            {"cut": "bottom40", "r2_weighted": r2,
             **targeting.pmt_errors(act, pw, w_hh, share=share, threshold_weights=w_person)}]


def _susenas_pmt_parts(d: pd.DataFrame):
    frame = targeting.pmt_frame(d, size_col="jumlah_art")
    y = np.log(d["pengeluaran_kapita"].to_numpy(float))
    w = d["bobot"].to_numpy(float)
    wp = w * d["jumlah_art"].to_numpy(float)
    clusters = (d["strata"].astype(str) + "|" + d["psu"].astype(str)).to_numpy()
    return frame, y, w, wp, clusters


def pmt_validation(d_prev: pd.DataFrame, d_curr: pd.DataFrame, line_curr: float, *,
                   folds: int, share: float, seed: int) -> tuple[pd.DataFrame, targeting.PMTModel]:
    """Fit the PMT on the current year and validate it in sample, out of time and by PSU folds.

    Error rates are shares of HOUSEHOLDS (weights ``bobot``: families are the programmes' unit);
    the bottom-40 thresholds are person-weighted percentiles (``bobot x jumlah_art``).
    """
    fc, yc, wc, wpc, gc = _susenas_pmt_parts(d_curr)
    fp, yp, wp_hh, _, gp = _susenas_pmt_parts(d_prev)
    final = targeting.fit_pmt(fc, yc, wc, gc)
    old = targeting.fit_pmt(fp, yp, wp_hh, gp)
    # K-fold by PSU on the current year: whole PSUs are held out
    rng = np.random.default_rng(seed)
    psus = np.unique(gc)
    fold_of = dict(zip(psus, rng.permutation(len(psus)) % folds))
    fold = np.array([fold_of[g] for g in gc])
    pred_cv = np.empty(len(yc))
    for k in range(folds):
        tr, te = fold != k, fold == k
        pred_cv[te] = targeting.fit_pmt(fc.loc[tr], yc[tr], wc[tr], gc[tr]).predict_log(fc.loc[te])
    rows = []
    for name, pred, n_train in (("in_sample_current", final.predict_log(fc), len(yc)),
                                ("out_of_time_previous_to_current", old.predict_log(fc), len(yp)),
                                (f"kfold_psu_{folds}", pred_cv, int(round(len(yc) * (folds - 1) / folds)))):
        rows += [dict(validation=name, n_train=n_train, n_test=len(yc), **r)
                 for r in _pmt_eval(pred, yc, wc, wpc, line_curr, share)]
    tab = pd.DataFrame(rows)
    tab = tab[["validation", "cut", "n_train", "n_test", "r2_weighted", "share_truly_poor",
               "share_predicted_eligible", "exclusion_error", "inclusion_error"]]
    return tab.sort_values(["validation", "cut"], kind="mergesort").reset_index(drop=True), final


def registry_targeting(inp: PovertyInputs, model: targeting.PMTModel, d_curr: pd.DataFrame, line: float, *,
                       share: float, min_count: int, names: dict) -> pd.DataFrame:
    """Apply the PMT to the registry and tabulate PKH/BPNT inclusion/exclusion errors."""
    hh_all = inp.households
    heads = targeting.registry_heads(inp.members, key="hh_key")
    fam = smallarea.current_families(hh_all).copy()
    invalid = hh_all.loc[~hh_all.index.isin(fam.index)]
    head = heads.reindex(fam["hh_key"].to_numpy())
    head.index = fam.index
    frame = targeting.pmt_frame(fam, size_col="jumlah_anggota", head=head)
    fam["pred_welfare"] = model.predict_welfare(frame)
    fc, _, _, wpc, _ = _susenas_pmt_parts(d_curr)
    b40 = targeting.weighted_quantile(model.predict_welfare(fc), wpc, share)
    fam["eligible_poverty_line"] = fam["pred_welfare"] < line
    fam["eligible_bottom40"] = fam["pred_welfare"] < b40
    if "registry_verified" not in fam:
        fam["registry_verified"] = fam["status_verifikasi"].astype(str).eq("terverifikasi")
    tab = targeting.registry_targeting_table(fam, min_count=min_count,
                                             domain_names={KOTA_CODE: KOTA_NAME, **names["kecamatan"]})
    # recipients still paid on records found moved, dead, duplicated or not found
    inv = []
    for prog, col in targeting.PROGRAMMES.items():
        rec = targeting._as_flag(invalid[col]).astype(bool) if len(invalid) else np.zeros(0, bool)
        kec = invalid["kode_kec"].astype(str).to_numpy() if len(invalid) else np.zeros(0, str)
        inv.append({"programme": prog, "domain_code": KOTA_CODE, "n_recipients_invalid_record": float(rec.sum())})
        for k in sorted(names["kecamatan"]):
            inv.append({"programme": prog, "domain_code": k,
                        "n_recipients_invalid_record": float((rec & (kec == k)).sum())})
    inv = pd.DataFrame(inv)
    inv["_kota"] = inv["domain_code"] == KOTA_CODE
    inv = disclosure.suppress(inv, ["n_recipients_invalid_record"], min_count, col_groups=["programme"],
                              total_rows="_kota", marker="_marker").drop(columns="_kota")
    inv["n_recipients_invalid_record"] = inv["n_recipients_invalid_record"].round().astype("Int64")
    tab = tab.merge(inv, on=["programme", "domain_code"], how="left", validate="many_to_one")
    # one marker per row: the blanked cells of both parts
    tab[disclosure.MARKER] = [";".join(x for x in (a, b) if isinstance(x, str) and x)
                              for a, b in zip(tab[disclosure.MARKER], tab.pop("_marker"))]
    tab["eligibility_threshold"] = np.where(tab["cut"] == "poverty_line", line, b40)
    return tab


def worklist_candidates(inp: PovertyInputs, model: targeting.PMTModel, d_curr: pd.DataFrame, line: float,
                        conf: dict) -> pd.DataFrame:
    """Registry families pending verification or found invalid, with PMT poverty likelihood and
    intervention channel (:mod:`analysis.poverty.worklists`; pseudonymous, restricted tier)."""
    rules = worklists.worklist_rules(conf.get("worklists"))
    hh = inp.households
    heads = targeting.registry_heads(inp.members, key="hh_key")
    head = heads.reindex(hh["hh_key"].to_numpy())
    head.index = hh.index
    log_pred = model.predict_log(targeting.pmt_frame(hh, size_col="jumlah_anggota", head=head))
    fc, y, _, wpc, _ = _susenas_pmt_parts(d_curr)
    fit = model.predict_log(fc)
    sigma = float(np.sqrt(np.sum(wpc * (y - fit) ** 2) / np.sum(wpc)))   # person-weighted residual SD
    pred_s = np.exp(fit)
    return worklists.candidates(
        hh, log_pred, log_line=float(np.log(line)), sigma=sigma,
        kemensos_cut=targeting.weighted_quantile(pred_s, wpc, float(rules["kemensos_share"])),
        local_cut=targeting.weighted_quantile(pred_s, wpc, float(rules["local_share"])), rules=rules)


def write_worklists(cfg, outputs: StageOutputs) -> list[Path]:
    """Write the field worklists (one xlsx per kelurahan) into ``restricted/<period>/worklists/``.

    Only here are names and addresses joined on the pseudonymous key; the cleaning package reads
    them from the RAW registry (:func:`analysis.cleaning.identities.registry_identities`, the only
    raw reader) and :func:`analysis.poverty.worklists.attach_identities` joins them. Workbooks of
    kelurahan no longer listed are removed, so a rebuild has the same file list.
    """
    from analysis.cleaning.identities import registry_identities

    listed = outputs.info.get("worklists")
    if listed is None:
        return []
    rows = worklists.attach_identities(listed, registry_identities(cfg))
    rules = worklists.worklist_rules(settings(cfg, STAGE, DEFAULTS)["worklists"])
    names = area_names(as_text(read_processed(cfg, "wilayah", stage_name=STAGE)))["kelurahan"]
    books = worklists.workbooks(rows, names, rules)
    # the one stage writer: the worklists folder is swapped whole, so a kelurahan no longer listed
    # leaves no stale workbook behind
    return write_outputs({name: (lambda p, data=data: atomic_write_bytes(data, p)) for name, data in books.items()},
                         paths.restricted_dir(cfg.period) / "worklists")


def survey_targeting(d: pd.DataFrame, line: float, *, share: float, lonely_psu: str, names: dict,
                     period: str, reliability: dict) -> pd.DataFrame:
    """Design-based exclusion/inclusion errors of PKH and BPNT against ACTUAL expenditure (Susenas).

    Households (weights ``bobot``). For each programme and cut (poor = below the line; bottom 40 =
    below the person-weighted 40th percentile of per-capita expenditure, treated as fixed):

    * ``<prog>_exclusion_error_<cut>`` = % of eligible households not receiving (domain: eligible);
    * ``<prog>_inclusion_error_<cut>`` = % of receiving households not eligible (domain: receiving).

    Returns estimate rows (kota and kecamatan); logit intervals (Korn-Graubard at 0 or 100 %).
    """
    y = d["pengeluaran_kapita"].to_numpy(float)
    wp = d["bobot"].to_numpy(float) * d["jumlah_art"].to_numpy(float)
    elig = {"poor": y < line, "b40": y < targeting.weighted_quantile(y, wp, share)}
    rel = {k: v for k, v in reliability.items() if k in ("rse_caution", "rse_unreliable", "min_n_sample")}
    dom_names = {KOTA_CODE: KOTA_NAME, **names["kecamatan"]}
    rows = []
    for prog, col in targeting.PROGRAMMES.items():
        rec = targeting._as_flag(d[col]).astype(bool)
        for cut, e in elig.items():
            for kind, dom, val in (("exclusion_error", e, ~rec), ("inclusion_error", rec, ~e)):
                tmp = d.assign(_dom=np.where(dom, "1", "0"), _v=val.astype(float))
                des = direct.design(tmp, lonely_psu)
                for level, col_by in (("kota", None), ("kecamatan", "kode_kec")):
                    r = survey.mean(des, "_v", by=["_dom"] if col_by is None else [col_by, "_dom"])
                    r = r[r["_dom"] == "1"]
                    p, se = r["estimate"].to_numpy(float), r["se"].to_numpy(float)
                    lo, hi, used = direct.p0_interval(100 * p, 100 * se, r["n_sample"], r["df"], "logit")
                    out = pd.DataFrame({
                        "domain_code": KOTA_CODE if col_by is None else r[col_by].astype(str).to_numpy(),
                        "estimate": 100 * p, "se": 100 * se, "ci_low": lo, "ci_high": hi,
                        "n_sample": r["n_sample"].to_numpy(),
                    })
                    out["domain_name"] = out["domain_code"].map(dom_names)
                    with np.errstate(divide="ignore", invalid="ignore"):
                        out["rse"] = np.where(out["estimate"] > 0, 100 * out["se"] / out["estimate"], np.nan)
                    for u in sorted(set(used)):
                        s = used == u
                        rows.append(to_estimate_rows(out[s], indicator=f"{prog}_{kind}_{cut}", domain_level=level,
                                                     unit="percent", method=f"taylor_linearisation;ci_{u}",
                                                     period=period, reliability=rel))
    return pd.concat(rows, ignore_index=True)


# ------------------------------------------------------------------------------------ stage
def run_poverty_stage(cfg, inputs: PovertyInputs | None = None) -> StageOutputs:
    """Compute every poverty output of one run.

    Parameters
    ----------
    cfg : analysis.config.RunConfig
    inputs : PovertyInputs, optional
        Already-loaded inputs (tests, simulations); default: :func:`load_inputs(cfg)`.

    Returns
    -------
    StageOutputs
        ``estimates`` (contract rows: direct P0/P1/P2/Gini/poor persons by domain for both years,
        ``*_change`` rows, kelurahan Fay-Herriot P0, survey-based targeting errors) and ``tables``
        (:data:`TABLE_NAMES`).
    """
    conf = settings(cfg, STAGE, DEFAULTS)
    inp = inputs if inputs is not None else load_inputs(cfg)
    rel = dict(cfg.reliability)
    min_count = int(cfg.privacy.get("suppression_min_count", 10))
    names = area_names(inp.wilayah)
    prev, curr = str(cfg.previous_period), str(cfg.period)
    lines = {y: poverty_line(inp.poverty_lines, y) for y in (prev, curr)}
    prepared = {y: direct.prepare_susenas(inp.susenas[y]) for y in (prev, curr)}
    long = {y: direct.direct_long(prepared[y], lines[y], names={"kecamatan": names["kecamatan"]},
                                  lonely_psu=conf["lonely_psu"], p0_ci=conf["p0_ci"]) for y in (prev, curr)}
    est = [direct.to_rows(long[y], y, rel) for y in (prev, curr)]
    change_table, change_rows = change_mod.changes(long[prev], long[curr], period_label=f"{prev}-{curr}",
                                                   reliability=rel)
    est.append(change_rows)

    city = long[curr]
    city_p0 = float(city.loc[(city["indicator"] == "p0") & (city["domain_level"] == "kota"), "estimate"].iloc[0])
    fh_rows, kel_tab, fh_diag, fh_summary, km = kelurahan_map(inp, prepared[curr], city_p0, lines[curr], period=curr,
                                                              conf=conf, reliability=rel, names=names,
                                                              z=ci_quantile(cfg))
    # the headline kelurahan P0 is the unit-level EBP; the Fay-Herriot EBLUP stays as the
    # comparison under its own indicator name (the estimate key has no method)
    fh_rows = fh_rows.copy()
    fh_rows.loc[fh_rows["indicator"] == "p0", "indicator"] = "p0_fay_herriot"
    est.append(fh_rows)
    um = kelurahan_unit_map(inp, prepared[curr], lines[curr], period=curr, conf=conf, reliability=rel,
                            names=names, seed=cfg.seed, z=ci_quantile(cfg))
    est.append(um["rows"])
    # sanity check published beside the EBP aggregates: the direct P0 of the city and kecamatan
    dp0 = city[(city["indicator"] == "p0") & city["domain_level"].isin(["kota", "kecamatan"])]
    um["aggregates"] = um["aggregates"].merge(
        dp0[["domain_code", "estimate", "se", "ci_low", "ci_high"]].rename(columns={
            "estimate": "direct_p0", "se": "direct_se", "ci_low": "direct_ci_low", "ci_high": "direct_ci_high"}),
        on="domain_code", how="left", validate="one_to_one")

    pmt_tab, model = pmt_validation(prepared[prev], prepared[curr], lines[curr],
                                    folds=int(conf["pmt_folds"]), share=float(conf["bottom_share"]), seed=cfg.seed)
    targ = registry_targeting(inp, model, prepared[curr], lines[curr], share=float(conf["bottom_share"]),
                              min_count=min_count, names=names)
    est.append(survey_targeting(prepared[curr], lines[curr], share=float(conf["bottom_share"]),
                                lonely_psu=conf["lonely_psu"], names=names, period=curr, reliability=rel))
    estimates = pd.concat(est, ignore_index=True)[ESTIMATE_COLUMNS]
    listed = worklist_candidates(inp, model, prepared[curr], lines[curr], conf)

    # registry figures for the concept note (persons in desil 1-4 / 1-3 families)
    fam = smallarea.current_families(inp.households)
    des = smallarea.current_desil(fam)
    size = pd.to_numeric(fam["jumlah_anggota"], errors="coerce")
    published = published_until(inp.published, cfg.period)
    published_tab = context.published_poverty_table(published, estimates, inp.poverty_lines,
                                                    synthetic=bool(cfg.synthetic))
    notes = context.concept_notes(published, registry_persons_desil_1_4=float(size[des <= 4].sum()),
                                  registry_persons_desil_1_3=float(size[des <= 3].sum()),
                                  registry_share_desil_1_4=float(100 * size[des <= 4].sum() / size.sum()),
                                  synthetic=bool(cfg.synthetic))
    coef = model.coefficients()
    tables = {
        "changes": change_table,
        "fh_diagnostics": fh_diag,
        "kelurahan_p0": kel_tab,
        "fh_summary": fh_summary,
        "targeting_errors": targ,
        "pmt_validation": pmt_tab,
        "pmt_coefficients": coef,
        "published_poverty": published_tab,
        "concept_notes": notes,
        "ebp_kelurahan": um["kelurahan"],
        "ebp_aggregates": um["aggregates"],
        "ebp_diagnostics": um["diagnostics"],
        "ebp_coefficients": um["coefficients"],
        "ebp_transformations": um["transformations"],
        "ebp_selection": um["selection"],
        "covariate_harmonisation": um["harmonisation"],
        "worklist_counts": worklists.rt_channel_counts(listed, names["kelurahan"], min_count),
    }
    info = {"fh": km, "ebp": um["map"], "pmt": model, "lines": lines, "dropped_rows": {y: prepared[y].attrs.get("dropped_rows", 0)
                                                                       for y in prepared}}
    # the worklist families are row-level: kept in ``info`` (never written by the stage writer)
    info["worklists"] = listed
    return StageOutputs(estimates=estimates, tables=tables, info=info)
