"""Monte-Carlo coverage of the programme-effect intervals against the synthetic truth.

    .venv/bin/python simulations/simulate_effects.py               # 200 regenerated cohorts, 2 workers
    .venv/bin/python simulations/simulate_effects.py --reps 100

Each replicate regenerates the whole training side of the Disnaker data -- cohorts, applicants,
admission, 6-month outcomes, tracer response -- with the generator's own code
(``analysis.synth.disnaker._training``) and a fresh seed, from the fixed AK/I register of the demo
(``data/raw/demo``), writes and re-reads it as the stage does, and runs
``analysis.skills.effects.estimate_effects`` with the interval rule of
``docs/programme_effects.md`` (chosen before this simulation was run). The truth of each replicate
is the generator's ATT of that replicate (mean gain p1 - p0 of the admitted applicants of
oversubscribed classes whose tracer is due).

Output: ``simulations/results/effects_coverage.csv`` (per programme and pooled: truth, mean
estimate, bias, empirical and mean estimated SE, 95 % coverage with its Monte-Carlo band, share of
replicates flagged adequate) and a summary on stdout, copied into ``simulations/README.md``.
Seeds: ``SeedSequence(20250521).spawn(reps)``. Not part of ``make test`` (``make simulate-effects``).
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import tempfile
import time
from pathlib import Path

# one BLAS thread per worker: the many tiny L-BFGS fits otherwise spend their time in idle BLAS
# threads competing for the cores (set before numpy loads; spawned workers inherit it)
for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from analysis.skills import effects  # noqa: E402
from analysis.skills.data import _coerce  # noqa: E402
from analysis.synth import disnaker as dn  # noqa: E402

SEED = 20250521
AK1 = ROOT / "data" / "raw" / "demo" / "disnaker" / "ak1_registrations.csv"
OUT = ROOT / "simulations" / "results" / "effects_coverage.csv"
PARTIAL = ROOT / "build" / "simulate_effects_replicates.csv"   # per-replicate rows (not committed)


def _ak1() -> pd.DataFrame:
    a = pd.read_csv(AK1, dtype={"jenis_kelamin": str, "kode_kecamatan_bps": str, "seeker_id": str,
                                "pendidikan": str}, keep_default_na=False, na_values=[""])
    return a


def one_replicate(args) -> pd.DataFrame:
    k, ss = args
    rng = np.random.default_rng(ss)
    cat = dn.catalogue()
    active = cat[cat["u"] > 0].reset_index(drop=True)
    programs, cohorts, applicants, trainees, att_truth, _ = dn._training(rng, dn.programmes(), _ak1(), active)
    with tempfile.TemporaryDirectory() as tmp:  # the stage reads CSV files: so does the simulation
        frames = {}
        for name, df in (("programs", programs), ("cohorts", cohorts), ("applicants", applicants),
                         ("trainees", trainees)):
            p = dn._write_csv(df, Path(tmp) / f"{name}.csv")
            frames[name] = _coerce(pd.read_csv(p, dtype=str, keep_default_na=False, na_values=[""]))
    er = effects.estimate_effects(frames["applicants"], frames["trainees"], frames["cohorts"], frames["programs"],
                                  B=0, seed=SEED, methods=False)
    e = er.effects[["program_id", "att", "att_se", "att_ci95_low", "att_ci95_high", "precision",
                    "classes_in_effect_sample"]]
    t = att_truth[["program_id", "att"]].rename(columns={"att": "truth"})
    out = e.merge(t, on="program_id", how="left")
    out["rep"] = k
    return out


def summarise(res: pd.DataFrame) -> pd.DataFrame:
    r = res[res["truth"].notna() & res["att_ci95_low"].notna()].copy()
    r["covered"] = (r["att_ci95_low"] <= r["truth"]) & (r["truth"] <= r["att_ci95_high"])
    r["width"] = r["att_ci95_high"] - r["att_ci95_low"]
    r["adequate"] = r["precision"] == "adequate"
    g = r.groupby("program_id", sort=True)
    out = pd.DataFrame({
        "reps": g.size(), "truth_mean": g["truth"].mean(), "estimate_mean": g["att"].mean(),
        "bias": g.apply(lambda d: (d["att"] - d["truth"]).mean(), include_groups=False),
        "emp_se": g.apply(lambda d: (d["att"] - d["truth"]).std(ddof=1), include_groups=False),
        "mean_se": g["att_se"].mean(), "coverage95": g["covered"].mean(), "median_width": g["width"].median(),
        "classes_mean": g["classes_in_effect_sample"].mean(), "share_adequate": g["adequate"].mean(),
    }).reset_index()
    n = out["reps"].to_numpy(float)
    band = 1.96 * np.sqrt(0.95 * 0.05 / n)
    out["mc_band_low"], out["mc_band_high"] = 0.95 - band, 0.95 + band
    out["within_mc_error"] = (out["coverage95"] >= out["mc_band_low"]) & (out["coverage95"] <= out["mc_band_high"])
    ad = r[r["adequate"] & (r["program_id"] != "ALL")]
    extra = pd.DataFrame([{"program_id": "PROGRAMMES_ADEQUATE", "reps": len(ad), "coverage95": ad["covered"].mean(),
                           "median_width": ad["width"].median()},
                          {"program_id": "PROGRAMMES_ALL", "reps": int((r["program_id"] != "ALL").sum()),
                           "coverage95": r.loc[r["program_id"] != "ALL", "covered"].mean(),
                           "median_width": r.loc[r["program_id"] != "ALL", "width"].median()}])
    return pd.concat([out, extra], ignore_index=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--summarise-only", action="store_true",
                    help="summarise the replicates already in the partial file (an interrupted run)")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    if not a.summarise_only:
        seeds = np.random.SeedSequence(SEED).spawn(a.reps)
        jobs = list(enumerate(seeds))
        PARTIAL.parent.mkdir(parents=True, exist_ok=True)
        PARTIAL.unlink(missing_ok=True)
        # replicates are appended as they finish, so an interrupted run keeps what it computed
        with mp.get_context("spawn").Pool(max(1, a.workers)) as pool:
            for part in pool.imap_unordered(one_replicate, jobs):
                part.to_csv(PARTIAL, mode="a", header=not PARTIAL.exists(), index=False, lineterminator="\n")
    res = pd.read_csv(PARTIAL, dtype={"program_id": str}).sort_values(["rep", "program_id"], kind="mergesort")
    summ = summarise(res)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    summ.to_csv(OUT, index=False, float_format="%.4f", lineterminator="\n")
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(summ.round(4).to_string(index=False))
    print(f"{res['rep'].nunique()} replicates in {time.perf_counter() - t0:.0f} s -> {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
