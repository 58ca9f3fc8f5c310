"""How predictable is the synthetic city? R2 of log per-capita expenditure on the registry covariates.

Builds the synthetic population (``config/synth-demo.yaml`` or ``--config``; ``--seed`` overrides
the seed) and prints, for 2024:

* the OLS R2 of log per-capita expenditure on the proxy-means-test design (the registry's
  household covariates: size, floor area per capita, head's education, age and sex, housing
  categories, tenure, assets) over all households, and in three Susenas-style samples drawn with
  the generator's own sampler;
* the share of the OLS residual variance between kelurahan;
* city P0 and the Gini ratio;
* the registry's targeting errors against the truth (persons): poor persons outside desil 1-4
  (exclusion) and desil 1-4 persons who are not poor (inclusion).

It reads the generator's truth and so lives here, outside the pipeline. Used for
docs/welfare_model.md.
"""
from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from analysis.synth import population as P
from analysis.synth.surveys import draw_susenas_sample


def r2(X: np.ndarray, y: np.ndarray) -> float:
    """OLS R2 of y on X (X holds the intercept)."""
    b, *_ = np.linalg.lstsq(X, y, rcond=None)
    r = y - X @ b
    return 1.0 - float(r @ r) / float(((y - y.mean()) ** 2).sum())


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default="config/synth-demo.yaml")
    ap.add_argument("--seed", type=int, default=None)
    a = ap.parse_args(argv)
    pop = P.build_population(a.config, seed=a.seed)
    hh = pop.households
    codes = {v: np.asarray(hh[v].cat.codes) for v in P.HOUSING}
    codes["status_rumah"] = np.asarray(hh["status_rumah"].cat.codes)
    codes.update({v: hh[v].to_numpy() for v in P.ASSETS})
    size = hh["jumlah_art"].to_numpy()
    X = P._pmt_design({"frame": {"luas_lantai_m2": hh["luas_lantai_m2"].to_numpy()}, "codes": codes}, size,
                      P.EDU_YEARS[hh["edu_krt_code"].to_numpy()], hh["umur_krt"].to_numpy(), hh["jk_krt"].to_numpy())
    y = np.log(hh["pengeluaran_kapita_2024"].to_numpy())
    print(f"population R2: {r2(X, y):.3f}")
    b, *_ = np.linalg.lstsq(X, y, rcond=None)
    res = y - X @ b
    kel = hh["kode_kelurahan"].astype(str).to_numpy()
    between = pd.Series(res).groupby(kel).transform("mean").to_numpy()
    print(f"residual variance {res.var():.4f}; between-kelurahan share {between.var() / res.var():.4f}")
    for s in range(3):
        smp = draw_susenas_sample(pop, 2024, np.random.default_rng(100 + s), respondents=559, with_truth=True)
        ids = smp["_hh_id"].to_numpy()
        print(f"Susenas-style sample {s + 1} (559 households) R2: {r2(X[ids], y[ids]):.3f}")
    w = size.astype(float)
    poor = hh["miskin_2024"].to_numpy(bool)
    d14 = (hh["desil_nasional"] <= 4).to_numpy()
    print(f"P0 2024 {np.average(poor, weights=w) * 100:.2f} %; Gini 2024 "
          f"{P.weighted_gini(hh['pengeluaran_kapita_2024'].to_numpy(), w):.3f}")
    print(f"registry desil 1-4 vs poverty line (persons): exclusion {w[poor & ~d14].sum() / w[poor].sum() * 100:.1f} %, "
          f"inclusion {w[d14 & ~poor].sum() / w[d14].sum() * 100:.1f} %")


if __name__ == "__main__":
    main()
