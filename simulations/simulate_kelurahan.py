"""Design-based simulation of the kelurahan P0 estimators: direct, Fay-Herriot and unit-level EBP.

    .venv/bin/python simulations/simulate_kelurahan.py --seed 20250521 --reps 200 --boot 200
    .venv/bin/python simulations/simulate_kelurahan.py --seed 777 --reps 50 --boot 50   # quicker

Design. The synthetic population of ``--seed`` is built with the generator
(``analysis.synth.population.build_population``); each replicate draws a new Susenas-Maret-2024
style sample with the generator's own sampler (``draw_susenas_sample``: 9 strata, 57 blocks by
PPS, 10 households per block, 559 respondents with welfare-related nonresponse) and runs

* the direct kelurahan P0 (Taylor linearisation, logit interval),
* the stage's Fay-Herriot map (``smallarea.kelurahan_poverty_map``, default covariate),
* the stage's unit-level EBP (``unitlevel.kelurahan_ebp``: transformation, covariates, MC EB,
  bootstrap MSE -- everything re-selected in every replicate, as a user would).

The census of the EBP is the set of true households that are in the registry
(``in_registry == 1``; the ~3.5 % missing are represented by the kecamatan calibration), with the
registry's housing, asset and head variables as generated -- cleaner than the demo's raw registry
(no ghost or duplicate records).

Truth: the person P0 of each kelurahan in the population (the generator's truth; used here only to
score). Output: ``results/kelurahan_<seed>.csv`` (one row per replicate x kelurahan x estimator) and
``results/kelurahan_summary.csv`` (appended per seed): RMSE, relative bias, coverage of the 95 %
intervals, mean Spearman correlation with the true P0 per replicate, mean share of kelurahan with
RSE < 25 %. Not part of ``make test``.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from analysis import survey
from analysis.poverty import direct, smallarea, unitlevel
from analysis.synth.population import build_population
from analysis.synth.surveys import draw_susenas_sample

HERE = Path(__file__).parent
Z95 = 1.959963984540054
YEAR = 2024


def census_from_population(pop) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Registry-like households and head records of the registered true households."""
    h = pop.households[pop.households["in_registry"] == 1].copy()
    hh = h.rename(columns={"jumlah_art": "jumlah_anggota", "kode_kelurahan": "kode_kel",
                           "kode_kecamatan": "kode_kec"})
    hh["hh_key"] = hh["hh_id"].astype(str)
    hh["status_verifikasi"] = "terverifikasi"
    hh["kode_kel"] = hh["kode_kel"].astype(str)
    hh["kode_kec"] = hh["kode_kec"].astype(str)
    members = pd.DataFrame({"hh_key": hh["hh_key"], "hubungan_kk": 1, "jenis_kelamin": hh["jk_krt"],
                            "pendidikan": hh["pendidikan_krt"].astype(str), "umur": hh["umur_krt"]})
    return hh.reset_index(drop=True), members.reset_index(drop=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=20250521, help="generator seed (the synthetic city)")
    ap.add_argument("--reps", type=int, default=200)
    ap.add_argument("--mc", type=int, default=100)
    ap.add_argument("--boot", type=int, default=200)
    a = ap.parse_args(argv)
    pop = build_population(seed=a.seed)
    line = pop.poverty_line(YEAR)
    hh = pop.households
    w = hh["jumlah_art"].to_numpy(float)
    kel_all = hh["kode_kelurahan"].astype(str).to_numpy()
    truth = (pd.Series(w * hh[f"miskin_{YEAR}"].to_numpy(bool)).groupby(kel_all).sum()
             / pd.Series(w).groupby(kel_all).sum() * 100)
    codes = sorted(truth.index)
    kec_pop = pd.Series(w).groupby(hh["kode_kecamatan"].astype(str).to_numpy()).sum().to_dict()
    census, members = census_from_population(pop)
    cov = smallarea.registry_area_covariates(census, area_col="kode_kel").reindex(codes)
    xw = dict(zip(pop.kelurahan["kode_kecamatan_bps"].astype(str), pop.kelurahan["kode_kecamatan"].astype(str)))
    seeds = np.random.SeedSequence([a.seed, 4242]).spawn(a.reps)
    recs = []
    t0 = time.time()
    for r, ss in enumerate(seeds):
        rng = np.random.default_rng(ss)
        s = draw_susenas_sample(pop, YEAR, rng)
        s["kode_kec"] = s["kode_kecamatan_bps"].astype(str).map(xw)
        s["kode_kel"] = s["kode_kelurahan"].astype(str)
        d = direct.prepare_susenas(s)
        des = direct.design(d, "adjust")
        kel = survey.fgt(des, "pengeluaran_kapita", line, alpha=0, by="kode_kel", size="jumlah_art")
        city = survey.fgt(des, "pengeluaran_kapita", line, alpha=0, size="jumlah_art")
        for _, k in kel.iterrows():
            lo, hi, _ = direct.p0_interval([100 * k["estimate"]], [100 * k["se"]], [k["n_sample"]], [k["df"]], "logit")
            recs.append({"rep": r, "domain_code": str(k["kode_kel"]), "estimator": "direct",
                         "estimate": 100 * k["estimate"], "se": 100 * k["se"], "ci_low": lo[0], "ci_high": hi[0]})
        km = smallarea.kelurahan_poverty_map(kel.rename(columns={"kode_kel": "domain_code"}), cov,
                                             float(city["estimate"].iloc[0]))
        for _, k in km.table.iterrows():
            e, se = 100 * k["eblup"], 100 * k["eblup_se"]
            recs.append({"rep": r, "domain_code": k["domain_code"], "estimator": "fay_herriot", "estimate": e,
                         "se": se, "ci_low": max(e - Z95 * se, 0), "ci_high": e + Z95 * se})
        um = unitlevel.kelurahan_ebp(d, census, members, line, kelurahan_codes=codes, kecamatan_population=kec_pop,
                                     mc_reps=a.mc, boot_reps=a.boot, seed=int(ss.generate_state(1)[0]))
        for _, k in um.kelurahan.iterrows():
            e, se = 100 * k["p0"], 100 * k["se_p0"]
            recs.append({"rep": r, "domain_code": k["domain_code"], "estimator": "ebp", "estimate": e, "se": se,
                         "ci_low": max(e - Z95 * se, 0), "ci_high": e + Z95 * se,
                         "transformation": um.transformation_label if hasattr(um, "transformation_label")
                         else um.method.split(";")[1]})
        if r % 10 == 9:
            print(f"{r + 1} replicates, {time.time() - t0:.0f} s", file=sys.stderr, flush=True)
    raw = pd.DataFrame(recs)
    raw["truth"] = raw["domain_code"].map(truth)
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    raw.to_csv(out / f"kelurahan_{a.seed}.csv", index=False, float_format="%.10g")
    summ = summarise(raw)
    summ.insert(0, "seed", a.seed)
    summ.insert(1, "reps", a.reps)
    summ.insert(2, "boot", a.boot)
    path = out / "kelurahan_summary.csv"
    if path.is_file():
        old = pd.read_csv(path)
        summ = pd.concat([old[(old["seed"] != a.seed)], summ], ignore_index=True)
    summ.to_csv(path, index=False, float_format="%.6g")
    print(summ.to_string(index=False))
    return 0


def summarise(raw: pd.DataFrame) -> pd.DataFrame:
    """Per estimator, averaged over kelurahan: RMSE, |relative bias|, coverage, Spearman, RSE < 25 %."""
    rows = []
    for est, g in raw.groupby("estimator", sort=True):
        err = g["estimate"] - g["truth"]
        by_kel = g.assign(err=err).groupby("domain_code")
        rmse = np.sqrt(by_kel["err"].apply(lambda e: np.mean(e ** 2)))
        rbias = by_kel.apply(lambda x: x["err"].mean() / x["truth"].iloc[0] * 100)
        cover = ((g["ci_low"] <= g["truth"]) & (g["truth"] <= g["ci_high"])).groupby(g["domain_code"]).mean()
        sp = g.groupby("rep").apply(lambda x: stats.spearmanr(x["estimate"], x["truth"]).statistic)
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = (g["se"] / g["estimate"]).where(g["estimate"] > 0)
        reliable = (rel < 0.25).groupby(g["rep"]).sum()
        rows.append({"estimator": est, "rmse_pp": rmse.mean(), "abs_rel_bias_pct": rbias.abs().mean(),
                     "coverage_pct": 100 * cover.mean(), "spearman_mean": sp.mean(),
                     "spearman_min": sp.min(), "reliable_mean_of_15": reliable.mean()})
    return pd.DataFrame(rows)


if __name__ == "__main__":
    sys.exit(main())
