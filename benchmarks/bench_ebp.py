"""Speed of the unit-level EBP (analysis.sae_unit.ebp): fit, Monte Carlo EB and bootstrap MSE.

    .venv/bin/python benchmarks/bench_ebp.py                 # demo size: 559 sample, 52k census, 15 areas
    .venv/bin/python benchmarks/bench_ebp.py --census 1200000 --areas 100 --boot 100

Synthetic nested-error data with 9 covariates (the demo model's size); times one ``ebp()`` call
with ``--mc`` Monte Carlo and ``--boot`` bootstrap replicates (transformation Box-Cox fixed;
the model selection of the stage is not included). Compare: svy-sae 0.4.1 (JAX), as quoted in
issue 10, takes 34.5 s for 200 MC + 100 bootstrap replicates at demo size on this machine kind.
"""
import argparse
import time

import numpy as np

from analysis import sae_unit


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=559)
    ap.add_argument("--census", type=int, default=52160)
    ap.add_argument("--areas", type=int, default=15)
    ap.add_argument("--mc", type=int, default=200)
    ap.add_argument("--boot", type=int, default=200)
    a = ap.parse_args(argv)
    rng = np.random.default_rng(1)
    p = 9
    area_c = rng.integers(0, a.areas, a.census)
    Xc = np.column_stack([np.ones(a.census), rng.normal(size=(a.census, p))])
    beta = np.r_[0.0, rng.normal(0, 0.15, p)]
    u = rng.normal(0, 0.1, a.areas)
    y = np.exp(Xc @ beta + u[area_c] + rng.normal(0, 0.55, a.census)) * 1.9e6
    s = rng.choice(a.census, a.sample, replace=False)
    z = float(np.quantile(y, 0.04))
    tr = sae_unit.Transformation("boxcox", -0.3, float(np.exp(np.log(y[s]).mean())))
    t = time.perf_counter()
    r = sae_unit.ebp(y[s], Xc[s], area_c[s], Xc, area_c, z, m=a.areas, transformation=tr, mc_reps=a.mc,
                     boot_reps=a.boot, seed=1)
    dt = time.perf_counter() - t
    print(f"ebp: sample {a.sample}, census {a.census}, areas {a.areas}, MC {a.mc}, bootstrap {a.boot}: {dt:.2f} s "
          f"(mean P0 {r.table['p0'].mean():.4f})")


if __name__ == "__main__":
    main()
