"""Benchmark: P0, P1, P2 with linearised SEs, city-wide and by 15 domains.

Times ``analysis.survey`` (design construction + ``fgt`` for the whole population + ``fgt``
by 15 domains) on synthetic person records and, optionally, R survey's
``svyby(~g0 + g1 + g2, ~domain, design, svymean)`` on the same data (``bench_fgt.R``).
Also records peak memory against the size of the input DataFrame.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_fgt.py                      # 1M and 10M, with R
    .venv/bin/python benchmarks/bench_fgt.py --sizes 1000000 --no-r
    .venv/bin/python benchmarks/bench_fgt.py --r-max-rows 1000000  # R at 1M only

Each size runs in a fresh child process: it reads the data, resets the kernel's peak-RSS
counter (``/proc/self/clear_refs``), times the estimation (best and median of ``--repeat``
runs), reads the peak RSS, then repeats the estimation once under ``tracemalloc`` to measure
the peak of the memory allocated by the estimation itself. The Python and R estimates are
compared (relative difference) to make sure both computed the same thing.

Synthetic design (Susenas-like): 20 strata; PSUs of about 40 persons (25,000 PSUs per
million rows), each PSU in one of 15 domains; records sorted by PSU as in survey files;
weights vary by PSU and person; the line is set near the 12th percentile.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from analysis import survey as sv  # noqa: E402

LINE = 700_000.0
N_STRATA = 20
N_DOMAINS = 15
PERSONS_PER_PSU = 40


def generate(n: int, seed: int = 20250521) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n_psu = max(n // PERSONS_PER_PSU, N_STRATA * 2)
    psu_stratum = rng.integers(0, N_STRATA, n_psu)
    psu_domain = rng.integers(0, N_DOMAINS, n_psu)
    psu_effect = rng.normal(0, 0.3, n_psu)
    psu_weight = rng.uniform(50, 400, n_psu)
    psu = np.sort(rng.integers(0, n_psu, n))
    y = np.exp(np.log(1_150_000) + psu_effect[psu] + rng.normal(0, 0.45, n))
    return pd.DataFrame({
        "y": np.round(y, 2),
        "w": np.round(psu_weight[psu] * rng.uniform(0.8, 1.25, n), 4),
        "strata": psu_stratum[psu].astype(np.int64) + 1,
        "psu": psu.astype(np.int64) + 1,
        "domain": psu_domain[psu].astype(np.int64) + 1,
    })


def estimate(df: pd.DataFrame) -> tuple[dict, pd.DataFrame]:
    """The timed work: design + city-wide FGT + FGT by domain."""
    t0 = time.perf_counter()
    des = sv.SurveyDesign(df, weight="w", strata="strata", psu="psu")
    t1 = time.perf_counter()
    city = sv.fgt(des, "y", LINE, alpha=(0, 1, 2))
    t2 = time.perf_counter()
    by = sv.fgt(des, "y", LINE, alpha=(0, 1, 2), by="domain")
    t3 = time.perf_counter()
    times = {"design": t1 - t0, "city": t2 - t1, "by_domain": t3 - t2, "total": t3 - t0}
    return times, pd.concat([city, by], ignore_index=True)


def _status(key: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key):
                return int(line.split()[1]) * 1024
    return -1


def child(parquet: str, repeat: int, out_json: str, out_est: str) -> None:
    df = pd.read_parquet(parquet)
    input_bytes = int(df.memory_usage(deep=True).sum())
    rss_before = _status("VmRSS")
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # reset VmHWM to the current RSS
        hwm_reset = True
    except OSError:
        hwm_reset = False
    runs = []
    for _ in range(repeat):
        times, est = estimate(df)
        runs.append(times)
    peak_rss = _status("VmHWM")
    tracemalloc.start()
    estimate(df)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    est.to_csv(out_est, index=False)
    res = {
        "rows": len(df),
        "psu": int(df["psu"].nunique()),
        "input_bytes": input_bytes,
        "rss_before": rss_before,
        "peak_rss": peak_rss if hwm_reset else None,
        "traced_peak": traced_peak,
        "runs": runs,
        "best": {k: min(r[k] for r in runs) for k in runs[0]},
        "median": {k: float(np.median([r[k] for r in runs])) for k in runs[0]},
    }
    Path(out_json).write_text(json.dumps(res, indent=2))


def run_r(csv: Path, out: Path, timeout: float) -> dict | None:
    rscript = shutil.which("Rscript")
    if rscript is None:
        print("  Rscript not found: R skipped")
        return None
    cmd = [rscript, str(ROOT / "benchmarks" / "bench_fgt.R"), str(csv), str(LINE), str(out)]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"  R exceeded {timeout:.0f} s: skipped")
        return {"timeout": timeout}
    if p.returncode != 0:
        print(p.stdout, p.stderr)
        raise RuntimeError("bench_fgt.R failed")
    return json.loads(Path(str(out) + ".json").read_text())


def compare_estimates(py_csv: Path, r_csv: Path) -> float:
    """Max relative difference between the Python and R estimates and SEs."""
    py = pd.read_csv(py_csv, dtype={"domain": str})
    r = pd.read_csv(r_csv, dtype={"domain": str})
    m = py.merge(r, on=["domain", "indicator"], suffixes=("", "_r"), validate="1:1")
    assert len(m) == len(py) == len(r), "domains differ between Python and R"
    rel = [np.max(np.abs(m[c] - m[c + "_r"]) / np.abs(m[c + "_r"])) for c in ("estimate", "se")]
    return float(max(rel))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-r", action="store_true", help="skip R")
    ap.add_argument("--r-max-rows", type=int, default=10_000_000)
    ap.add_argument("--r-timeout", type=float, default=900.0)
    ap.add_argument("--out", type=Path, default=None, help="write all figures to this JSON file")
    ap.add_argument("--child", nargs=4, metavar=("PARQUET", "REPEAT", "JSON", "EST"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), args.child[2], args.child[3])
        return

    results = {"machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                           "python": platform.python_version(), "numpy": np.__version__,
                           "pandas": pd.__version__}, "sizes": []}
    with tempfile.TemporaryDirectory(prefix="bench_fgt_") as tmp:
        tmp = Path(tmp)
        for n in args.sizes:
            print(f"n = {n:,}")
            df = generate(n)
            pq, csv = tmp / f"d{n}.parquet", tmp / f"d{n}.csv"
            df.to_parquet(pq, index=False)
            with_r = not args.no_r and n <= args.r_max_rows
            if with_r:
                import pyarrow as pa
                import pyarrow.csv as pacsv
                pacsv.write_csv(pa.Table.from_pandas(df, preserve_index=False), csv)
            del df
            js, est = tmp / f"py{n}.json", tmp / f"py{n}.csv"
            subprocess.run([sys.executable, __file__, "--child", str(pq), str(args.repeat), str(js), str(est)],
                           check=True)
            res = json.loads(js.read_text())
            b = res["best"]
            print(f"  python best: design {b['design']:.3f} s, city {b['city']:.3f} s, "
                  f"by domain {b['by_domain']:.3f} s, total {b['total']:.3f} s")
            mb = 2.0**20
            print(f"  input {res['input_bytes'] / mb:.0f} MB; estimation allocations peak "
                  f"{res['traced_peak'] / mb:.0f} MB ({res['traced_peak'] / res['input_bytes']:.2f} x input); "
                  f"process RSS {res['rss_before'] / mb:.0f} MB before, peak {res['peak_rss'] / mb:.0f} MB")
            if with_r:
                r = run_r(csv, tmp / f"r{n}.csv", args.r_timeout)
                res["r"] = r
                if r and "timeout" not in r:
                    res["r_vs_python"] = r["total"] / b["total"]
                    res["max_rel_diff_py_r"] = compare_estimates(est, tmp / f"r{n}.csv")
                    print(f"  R: read {r['read']:.1f} s, design {r['design']:.2f} s, city {r['city']:.2f} s, "
                          f"by domain {r['by_domain']:.2f} s, total {r['total']:.2f} s, peak RSS "
                          f"{r['peak_rss'] / mb:.0f} MB -> python is {res['r_vs_python']:.0f}x faster; "
                          f"max rel diff of estimates/SEs {res['max_rel_diff_py_r']:.1e}")
            results["sizes"].append(res)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2))
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
