"""Benchmark: the fused FGT and ratio estimators against the code they replaced, in one run.

Times, on the synthetic data of ``bench_fgt.py`` (20 strata, PSUs of about 40 persons, 15
domains, rows sorted by PSU), design construction + P0/P1/P2 with SEs for the city + the
same by 15 domains + a weighted mean by domain, with the current ``analysis.survey`` and
with the frozen copy of the previous implementation (``survey_before_fusion.py``). The two
run alternately in the same process, so machine load affects both alike; the ratio of the
best times (wall and CPU) is the figure to quote. The estimates of both are compared
(largest relative difference of estimates and SEs must stay below 1e-12).

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_fgt_fused.py                  # 1M rows, 9 rounds
    .venv/bin/python benchmarks/bench_fgt_fused.py --rows 10000000 --rounds 3
    .venv/bin/python benchmarks/bench_fgt_fused.py --only new       # one side (e.g. under callgrind)
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from bench_fgt import LINE, generate  # noqa: E402

from analysis import survey as new  # noqa: E402
from analysis.progress import progress  # noqa: E402


def _old_module():
    spec = importlib.util.spec_from_file_location("survey_before_fusion", HERE / "survey_before_fusion.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


STEPS = ("design", "fgt city", "fgt 15 domains", "mean 15 domains")


def workload(sv, df):
    """The timed work; returns (wall seconds per step, cpu seconds per step, results)."""
    wall, cpu, res = [], [], []
    t, c = time.perf_counter(), time.process_time()

    def tick(r=None):
        nonlocal t, c
        t2, c2 = time.perf_counter(), time.process_time()
        wall.append(t2 - t)
        cpu.append(c2 - c)
        t, c = t2, c2
        if r is not None:
            res.append(r)

    des = sv.SurveyDesign(df, weight="w", strata="strata", psu="psu")
    tick()
    tick(sv.fgt(des, "y", LINE, alpha=(0, 1, 2)))
    tick(sv.fgt(des, "y", LINE, alpha=(0, 1, 2), by="domain"))
    tick(sv.mean(des, "y", by="domain"))
    return np.array(wall), np.array(cpu), res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--only", choices=("old", "new"), default=None)
    args = ap.parse_args()
    df = generate(args.rows)
    sides = {"old": _old_module(), "new": new}
    if args.only:
        sides = {args.only: sides[args.only]}
    best = {k: [np.full(len(STEPS), np.inf), np.full(len(STEPS), np.inf)] for k in sides}
    results = {}
    for _ in progress(range(args.rounds), args.rounds, "rounds"):
        for name, sv in sides.items():
            wall, cpu, res = workload(sv, df)
            best[name][0] = np.minimum(best[name][0], wall)
            best[name][1] = np.minimum(best[name][1], cpu)
            results[name] = res
    print(f"{args.rows:,} rows, best of {args.rounds} rounds (ms)")
    print(f"{'step':18s}" + "".join(f"{k + ' wall':>11s}{k + ' cpu':>10s}" for k in sides))
    for i, step in enumerate(STEPS + ("total",)):
        cells = []
        for k in sides:
            w, c = best[k]
            cells.append(f"{1e3 * (w.sum() if i == len(STEPS) else w[i]):11.1f}"
                         f"{1e3 * (c.sum() if i == len(STEPS) else c[i]):10.1f}")
        print(f"{step:18s}" + "".join(cells))
    if len(sides) == 2:
        (ow, oc), (nw, nc) = best["old"], best["new"]
        print(f"speed-up old/new: wall {ow.sum() / nw.sum():.2f}x, cpu {oc.sum() / nc.sum():.2f}x")
        worst = 0.0
        for a, b in zip(results["old"], results["new"]):
            for col in ("estimate", "se", "ci_low", "ci_high"):
                x, y = a[col].to_numpy(), b[col].to_numpy()
                worst = max(worst, float(np.max(np.abs(x - y) / np.abs(x))))
        print(f"largest relative difference of estimates, SEs and CIs: {worst:.1e}")
        if not worst < 1e-12:
            raise SystemExit("old and new estimates differ by more than 1e-12")


if __name__ == "__main__":
    main()
