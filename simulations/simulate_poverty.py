"""Monte-Carlo check of the poverty estimators: bias and 95 % CI coverage against the synthetic truth.

    .venv/bin/python simulations/simulate_poverty.py            # 1000 replicates, 2 workers
    .venv/bin/python simulations/simulate_poverty.py --reps 500 --workers 2

Each replicate draws a fresh Susenas-Maret-style sample of each year from the SYNTHETIC population
with the survey's own design (``analysis.synth.surveys.draw_susenas_sample``: 9 strata, 57 blocks
drawn by systematic PPS, 10 households per block, 559 respondents) and runs the stage's estimators
exactly as ``analysis.poverty`` does:

* direct P0 (with the Wald, logit and Korn-Graubard intervals), P1, P2 and Gini for the city and
  each kecamatan, for both years, and the change 2023-2024 of the city P0;
* the Fay-Herriot kelurahan P0 (GVF-smoothed variances, REML, registry covariates fixed at the
  cleaned registry), unbenchmarked and benchmarked, with the ``eblup +/- 1.96 sqrt(MSE)``
  interval, beside the direct kelurahan estimates.

The truth is read from ``data/truth/demo/`` (the generator's truth files); the population is
rebuilt from ``config/synth-demo.yaml`` (same seed, so the same households). Results:
``simulations/results/poverty_coverage.csv`` (one row per estimator x indicator x domain x
interval) and a short summary on stdout, copied into ``simulations/README.md``.

Not part of ``make test``: it takes a minute or two on two cores (``make simulate``).
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from analysis import paths, survey  # noqa: E402
from analysis.poverty import direct, smallarea  # noqa: E402
from analysis.progress import progress  # noqa: E402
from analysis.synth.population import build_population, poverty_truth  # noqa: E402
from analysis.synth.surveys import draw_susenas_sample  # noqa: E402

YEARS = (2023, 2024)
FH_YEAR = 2024
Z95 = 1.959963984540054
RESULTS = ROOT / "simulations" / "results" / "poverty_coverage.csv"

_STATE: dict = {}   # per-process: population, crosswalk, covariates (inherited by fork)


# ----------------------------------------------------------------------------- set-up
def load_truth(pop) -> tuple[pd.DataFrame, str]:
    """The generator's poverty truth (``indicator, domain_level, domain_code, period, value``)."""
    for f in sorted((paths.TRUTH_DIR / "demo").glob("*.csv")):
        t = pd.read_csv(f, dtype={"domain_code": str, "period": str})
        if {"indicator", "domain_level", "domain_code", "period", "value"} <= set(t.columns) \
                and (t["indicator"] == "p0").any() and (t["domain_level"] == "kelurahan").any():
            return t, str(f.relative_to(ROOT))
    # same function the generator writes the truth files with (same seed -> same values)
    return poverty_truth(pop), "analysis.synth.population.poverty_truth (truth file not found)"


def registry_covariates(pop) -> tuple[pd.DataFrame, str]:
    """Kelurahan covariates from the cleaned registry of the demo run, else from the population."""
    from analysis.config import load_config

    period = load_config(paths.CONFIG_DIR / "demo-2024.yaml").period
    proc = paths.processed_dir(period) / "dtsen_households.parquet"
    if proc.is_file():
        return smallarea.registry_area_covariates(pd.read_parquet(proc)), str(proc.relative_to(paths.output_root()))
    h = pop.households.rename(columns={"jumlah_art": "jumlah_anggota", "kode_kelurahan": "kode_kel"}).copy()
    h["registry_verified"] = True
    return smallarea.registry_area_covariates(h), "population households (no cleaned registry found)"


def crosswalk() -> dict[str, str]:
    """BPS -> Kemendagri kecamatan codes from the demo raw reference (never by suffix)."""
    w = pd.read_csv(paths.RAW_DIR / "demo" / "reference" / "wilayah_bontang.csv", dtype=str, keep_default_na=False)
    k = w[w["level"] == "kecamatan"]
    return dict(zip(k["bps_code"], k["kemendagri_code"]))


def _init(covariate_names):
    pop = build_population()
    _STATE["pop"] = pop
    _STATE["xwalk"] = crosswalk()
    _STATE["cov"], _ = registry_covariates(pop)
    _STATE["cov_names"] = covariate_names
    _STATE["lines"] = {y: pop.poverty_line(y) for y in YEARS}


def cleaned(sample: pd.DataFrame, xwalk: dict) -> pd.DataFrame:
    """What stage 01 adds that the estimators need: Kemendagri codes (via the BPS crosswalk)."""
    s = sample.copy()
    s["kode_kec"] = s["kode_kecamatan_bps"].astype(str).map(xwalk)
    s["kode_kel"] = s["kode_kelurahan"].astype(str)
    return s


# ----------------------------------------------------------------------------- one replicate
def replicate(seed: int) -> list[dict]:
    pop, xwalk, cov, lines = _STATE["pop"], _STATE["xwalk"], _STATE["cov"], _STATE["lines"]
    rng = np.random.default_rng(seed)
    recs = []
    city_p0 = {}
    for year in YEARS:
        d = direct.prepare_susenas(cleaned(draw_susenas_sample(pop, year, rng), xwalk))
        des = direct.design(d, "adjust")
        for level, col in (("kota", None), ("kecamatan", "kode_kec")):
            f = survey.fgt(des, "pengeluaran_kapita", lines[year], alpha=(0, 1, 2), by=col, size="jumlah_art",
                           scale=100.0)
            codes = np.full(len(f), direct.KOTA_CODE) if col is None else f[col].astype(str).to_numpy()
            for (_, r), code in zip(f.iterrows(), codes):
                base = {"period": str(year), "domain_level": level, "domain_code": code, "indicator": r["indicator"],
                        "estimator": "direct", "estimate": r["estimate"], "se": r["se"]}
                if r["indicator"] == "p0":
                    for m in ("wald", "logit", "korn_graubard"):
                        lo, hi, _ = direct.p0_interval([r["estimate"]], [r["se"]], [r["n_sample"]], [r["df"]], m)
                        recs.append({**base, "interval": m, "ci_low": lo[0], "ci_high": hi[0]})
                    if level == "kota":
                        city_p0[year] = (r["estimate"], r["se"], r["df"])
                else:
                    recs.append({**base, "interval": "wald", "ci_low": r["ci_low"], "ci_high": r["ci_high"]})
                    lo, hi = direct.log_interval(r["estimate"], r["se"], r["df"])
                    recs.append({**base, "interval": "log", "ci_low": float(lo), "ci_high": float(hi)})
            g = survey.gini(des, "pengeluaran_kapita", size="jumlah_art", by=col)
            codes = np.full(len(g), direct.KOTA_CODE) if col is None else g[col].astype(str).to_numpy()
            for (_, r), code in zip(g.iterrows(), codes):
                recs.append({"period": str(year), "domain_level": level, "domain_code": code, "indicator": "gini",
                             "estimator": "direct", "estimate": r["estimate"], "se": r["se"], "interval": "wald",
                             "ci_low": r["ci_low"], "ci_high": r["ci_high"]})
        if year == FH_YEAR:
            kel = survey.fgt(des, "pengeluaran_kapita", lines[year], alpha=0, by="kode_kel", size="jumlah_art")
            for _, r in kel.iterrows():
                lo, hi, _ = direct.p0_interval([100 * r["estimate"]], [100 * r["se"]], [r["n_sample"]], [r["df"]],
                                               "logit")
                recs.append({"period": str(year), "domain_level": "kelurahan", "domain_code": str(r["kode_kel"]),
                             "indicator": "p0", "estimator": "direct", "estimate": 100 * r["estimate"],
                             "se": 100 * r["se"], "interval": "logit", "ci_low": lo[0], "ci_high": hi[0]})
            km = smallarea.kelurahan_poverty_map(kel.rename(columns={"kode_kel": "domain_code"}), cov,
                                                 city_p0[year][0] / 100, covariate_names=_STATE["cov_names"])
            t = km.table
            for _, r in t.iterrows():
                for est, col, se_col in (("fay_herriot", "eblup", "eblup_se"),
                                         ("fay_herriot_benchmarked", "benchmarked", "benchmarked_se")):
                    e, s = 100 * r[col], 100 * r[se_col]
                    recs.append({"period": str(year), "domain_level": "kelurahan", "domain_code": r["domain_code"],
                                 "indicator": "p0", "estimator": est if r["in_sample"] else est + "_synthetic",
                                 "estimate": e, "se": s, "interval": "mse_normal",
                                 "ci_low": max(e - Z95 * s, 0.0), "ci_high": e + Z95 * s})
            recs.append({"period": str(year), "domain_level": "model", "domain_code": "fh", "indicator": "sigma2_u",
                         "estimator": "fay_herriot", "estimate": km.fit.sigma2_u * 1e4, "se": np.nan,
                         "interval": "none", "ci_low": np.nan, "ci_high": np.nan,
                         "boundary": float(km.fit.boundary)})
    # change of the city P0, independent samples, t with summed df
    (a, sa, dfa), (b, sb, dfb) = city_p0[YEARS[0]], city_p0[YEARS[1]]
    ch = survey.difference(a, sa, b, sb, dfa + dfb)
    recs.append({"period": f"{YEARS[0]}-{YEARS[1]}", "domain_level": "kota", "domain_code": direct.KOTA_CODE,
                 "indicator": "p0_change", "estimator": "difference_independent_samples",
                 "estimate": float(ch["change"].iloc[0]), "se": float(ch["se"].iloc[0]), "interval": "t",
                 "ci_low": float(ch["ci_low"].iloc[0]), "ci_high": float(ch["ci_high"].iloc[0])})
    for rec in recs:
        rec["rep_seed"] = seed
    return recs


# ----------------------------------------------------------------------------- summary
def summarise(raw: pd.DataFrame, truth: pd.DataFrame, names: dict) -> pd.DataFrame:
    t = truth[["indicator", "domain_level", "domain_code", "period", "value"]].copy()
    chg = t[(t["indicator"] == "p0") & (t["domain_level"] == "kota")].set_index("period")["value"]
    t = pd.concat([t, pd.DataFrame([{"indicator": "p0_change", "domain_level": "kota", "domain_code": direct.KOTA_CODE,
                                     "period": f"{YEARS[0]}-{YEARS[1]}",
                                     "value": chg[str(YEARS[1])] - chg[str(YEARS[0])]}])], ignore_index=True)
    r = raw[raw["domain_level"] != "model"].merge(t.rename(columns={"value": "truth"}),
                                                  on=["indicator", "domain_level", "domain_code", "period"],
                                                  how="left", validate="many_to_one")
    r["covered"] = (r["ci_low"] <= r["truth"]) & (r["truth"] <= r["ci_high"])
    r["err"] = r["estimate"] - r["truth"]
    keys = ["estimator", "indicator", "domain_level", "domain_code", "period", "interval"]
    g = r.groupby(keys, sort=True)
    out = g.agg(n_reps=("estimate", "size"), truth=("truth", "first"), mean_estimate=("estimate", "mean"),
                emp_se=("estimate", "std"), mean_se=("se", "mean"), rmse=("err", lambda e: float(np.sqrt(np.mean(e ** 2)))),
                coverage=("covered", "mean"), mean_ci_width=("ci_high", "mean")).reset_index()
    out["mean_ci_width"] = g["ci_high"].mean().to_numpy() - g["ci_low"].mean().to_numpy()
    out["bias"] = out["mean_estimate"] - out["truth"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["rel_bias_pct"] = 100 * out["bias"] / out["truth"]
        out["se_ratio"] = out["mean_se"] / out["emp_se"]
    out["coverage"] = 100 * out["coverage"]
    out["coverage_mc_se"] = np.sqrt(out["coverage"] * (100 - out["coverage"]) / out["n_reps"])
    out["domain_name"] = out["domain_code"].map(names).fillna(out["domain_code"])
    # pooled kelurahan rows (average over the 15 kelurahan, every replicate)
    kel = r[r["domain_level"] == "kelurahan"].copy()
    kel["estimator"] = kel["estimator"].str.replace("_synthetic", "", regex=False)
    pooled = kel.groupby(["estimator", "indicator", "period", "interval"], sort=True).agg(
        n_reps=("estimate", "size"), truth=("truth", "mean"), mean_estimate=("estimate", "mean"),
        rmse=("err", lambda e: float(np.sqrt(np.mean(e ** 2)))), coverage=("covered", "mean"),
        mean_se=("se", "mean")).reset_index()
    pooled["bias"] = pooled["mean_estimate"] - pooled["truth"]
    pooled["coverage"] = 100 * pooled["coverage"]
    pooled["coverage_mc_se"] = np.sqrt(pooled["coverage"] * (100 - pooled["coverage"]) / pooled["n_reps"])
    abs_bias = kel.groupby(["estimator", "domain_code"])["err"].mean().abs().groupby("estimator").mean()
    pooled["mean_abs_bias"] = pooled["estimator"].map(abs_bias)
    pooled["domain_level"], pooled["domain_code"], pooled["domain_name"] = "kelurahan_pooled", "all", "15 kelurahan"
    cols = ["estimator", "indicator", "domain_level", "domain_code", "domain_name", "period", "interval", "n_reps",
            "truth", "mean_estimate", "bias", "rel_bias_pct", "emp_se", "mean_se", "se_ratio", "rmse", "coverage",
            "coverage_mc_se", "mean_ci_width", "mean_abs_bias"]
    res = pd.concat([out, pooled], ignore_index=True).reindex(columns=cols)
    model = raw[raw["domain_level"] == "model"]
    extra = pd.DataFrame([{"estimator": "fay_herriot", "indicator": "sigma2_u_x1e4", "domain_level": "model",
                           "domain_code": "fh", "domain_name": "share of replicates with sigma2_u = 0 in 'coverage'",
                           "period": str(FH_YEAR), "interval": "none", "n_reps": len(model),
                           "mean_estimate": model["estimate"].mean(), "coverage": 100 * model["boundary"].mean()}])
    return pd.concat([res, extra], ignore_index=True).reindex(columns=cols)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=20250521)
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--covariates", default=",".join(smallarea.DEFAULT_COVARIATES))
    args = ap.parse_args(argv)
    if args.reps < 1:
        ap.error("--reps must be positive")
    t0 = time.perf_counter()
    cov_names = tuple(args.covariates.split(","))
    _init(cov_names)
    pop = _STATE["pop"]
    truth, truth_src = load_truth(pop)
    _, cov_src = registry_covariates(pop)
    seeds = [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(args.seed).spawn(args.reps)]
    # replicates in seed order, a few per task, so the progress bar moves steadily
    if args.workers > 1:
        with mp.get_context("fork").Pool(args.workers) as pool:
            parts = list(progress(pool.imap(replicate, seeds, chunksize=2), len(seeds), "replicates"))
    else:
        parts = list(progress(map(replicate, seeds), len(seeds), "replicates"))
    raw = pd.DataFrame([r for p in parts for r in p])
    names = {direct.KOTA_CODE: direct.KOTA_NAME}
    names.update(dict(zip(pop.kelurahan["kode_kelurahan"], pop.kelurahan["kelurahan_nama"])))
    names.update(dict(zip(pop.kelurahan["kode_kecamatan"], pop.kelurahan["kecamatan_nama"])))
    res = summarise(raw, truth, names)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    res.to_csv(args.out, index=False, float_format="%.6g", lineterminator="\n")
    secs = time.perf_counter() - t0
    print(f"{args.reps} replicates, {args.workers} workers, {secs:.0f} s; truth: {truth_src}; covariates "
          f"({', '.join(cov_names)}): {cov_src}")
    show = res[(res["domain_level"].isin(["kota", "kecamatan"])) & (res["indicator"].isin(["p0", "p0_change"]))]
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(show[["indicator", "domain_name", "period", "interval", "truth", "mean_estimate", "rel_bias_pct",
                    "se_ratio", "coverage", "coverage_mc_se"]].round(3).to_string(index=False))
        oth = res[(res["domain_level"] == "kota") & res["indicator"].isin(["p1", "p2", "gini"])]
        print(oth[["indicator", "period", "truth", "mean_estimate", "rel_bias_pct", "se_ratio", "coverage"]]
              .round(4).to_string(index=False))
        print(res[res["domain_level"].isin(["kelurahan_pooled", "model"])][
            ["estimator", "indicator", "interval", "n_reps", "mean_estimate", "rmse", "mean_abs_bias", "coverage"]]
              .round(3).to_string(index=False))
    print(f"written {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
