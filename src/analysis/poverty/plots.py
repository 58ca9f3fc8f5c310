"""Charts and compact views of the poverty stage for notebooks/02_poverty.py (aggregates only).

Every function takes stage outputs (estimates rows or tables) and returns a matplotlib Figure or a
small DataFrame; nothing here computes an estimate.
"""
from __future__ import annotations


import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats

BLUE, ORANGE, GREY, GREEN, PURPLE = "#0072B2", "#E69F00", "#999999", "#009E73", "#CC79A7"


def _subplots(*args, figsize, **kw):
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.subplots(*args, **kw)


def _style(ax):
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", color="#DDDDDD", lw=0.6)
    ax.set_axisbelow(True)


def headline_view(estimates: pd.DataFrame, levels=("kota", "kecamatan"),
                  indicators=("p0", "p1", "p2", "gini", "poor_persons")) -> pd.DataFrame:
    """Direct estimates by period: estimate, SE, 95 % CI, RSE, n, flag (rounded for display)."""
    e = estimates[estimates["indicator"].isin(indicators) & estimates["domain_level"].isin(levels)
                  & ~estimates["period"].str.contains("-")]
    cols = ["indicator", "period", "domain_level", "domain_name", "estimate", "se", "ci_low", "ci_high", "rse",
            "n_sample", "flag", "method"]
    out = e[cols].sort_values(["indicator", "period", "domain_level", "domain_name"], kind="mergesort")
    return out.round({"estimate": 3, "se": 3, "ci_low": 3, "ci_high": 3, "rse": 1}).reset_index(drop=True)


def domain_view(estimates: pd.DataFrame, level: str, period: str, indicators=("p0", "p1", "p2")) -> pd.DataFrame:
    """One domain level (e.g. ``hh_head_education``) in wide form: estimate and flag per indicator."""
    e = estimates[(estimates["domain_level"] == level) & (estimates["period"] == period)
                  & estimates["indicator"].isin(indicators)]
    wide = e.pivot_table(index=["domain_code", "domain_name"], columns="indicator",
                         values=["estimate", "se"], aggfunc="first")
    wide.columns = [f"{ind}_{stat}" for stat, ind in wide.columns]
    flags = e.pivot_table(index=["domain_code", "domain_name"], columns="indicator", values="flag", aggfunc="first")
    flags.columns = [f"{c}_flag" for c in flags.columns]
    n = e.groupby(["domain_code", "domain_name"])["n_sample"].first().rename("n_sample")
    return wide.join(flags).join(n).round(3).reset_index()


def p0_by_kecamatan(estimates: pd.DataFrame, periods: tuple[str, str]):
    """P0 with its published 95 % interval, city and kecamatan, two periods side by side."""
    e = estimates[(estimates["indicator"] == "p0") & estimates["domain_level"].isin(["kota", "kecamatan"])]
    fig, ax = _subplots(figsize=(7, 3.2))
    names = e.sort_values("domain_code")["domain_name"].drop_duplicates().tolist()
    y = np.arange(len(names))[::-1]
    for k, (period, color) in enumerate(zip(periods, (GREY, BLUE))):
        d = e[e["period"] == period].set_index("domain_name").reindex(names)
        off = 0.15 if k == 0 else -0.15
        err = np.vstack([d["estimate"] - d["ci_low"], d["ci_high"] - d["estimate"]])
        ax.errorbar(d["estimate"], y + off, xerr=err, fmt="o", color=color, capsize=3, label=period)
    ax.set_yticks(y, names)
    ax.set_xlabel("P0 (percent of persons), 95 % CI")
    ax.legend(frameon=False, loc="lower right")
    _style(ax)
    return fig


def fh_residuals(diag: pd.DataFrame):
    """Standardised FH residuals against the synthetic (regression) estimate, and their normal QQ."""
    d = diag[diag["in_sample"].astype(bool)]
    fig, (a1, a2) = _subplots(1, 2, figsize=(8, 3.2))
    a1.scatter(d["synthetic"], d["std_residual"], color=BLUE)
    for yv in (-2, 0, 2):
        a1.axhline(yv, color=GREY, lw=0.8, ls="--" if yv else "-")
    a1.set_xlabel("synthetic estimate x'b (P0, %)")
    a1.set_ylabel("standardised residual")
    a1.set_title("Residuals")
    r = np.sort(d["std_residual"].to_numpy(float))
    q = stats.norm.ppf((np.arange(1, len(r) + 1) - 0.5) / len(r))
    a2.scatter(q, r, color=BLUE)
    lim = [min(q.min(), r.min()) - 0.2, max(q.max(), r.max()) + 0.2]
    a2.plot(lim, lim, color=GREY, lw=0.8)
    a2.set_xlabel("normal quantile")
    a2.set_ylabel("standardised residual")
    a2.set_title("Normal QQ")
    for a in (a1, a2):
        a.spines[["top", "right"]].set_visible(False)
    return fig


def fh_shrinkage(kel: pd.DataFrame):
    """Shrinkage factor gamma (weight on the direct estimate) against the kelurahan sample size."""
    d = kel[kel["in_sample"].astype(bool)]
    fig, ax = _subplots(figsize=(5, 3.2))
    ax.scatter(d["n_sample"], d["gamma"], color=BLUE)
    ax.set_xlabel("sample households in the kelurahan")
    ax.set_ylabel("gamma = weight on the direct estimate")
    ax.set_ylim(-0.02, 1.02)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def fh_cv(diag: pd.DataFrame):
    """Coefficient of variation (%) of the direct and the model estimate, per kelurahan."""
    d = diag.sort_values("domain_code", ascending=False).reset_index(drop=True)
    fig, ax = _subplots(figsize=(7, 0.3 * len(d) + 1.2))
    y = np.arange(len(d))
    ax.scatter(100 * d["cv_direct"], y, marker="o", facecolors="white", edgecolors=GREY, label="direct")
    ax.scatter(100 * d["cv_eblup"], y, marker="s", color=BLUE, label="Fay-Herriot")
    ax.axvline(25, color=ORANGE, lw=0.8, ls="--")
    ax.axvline(50, color=PURPLE, lw=0.8, ls="--")
    top = np.nanmax(100 * d[["cv_direct", "cv_eblup"]].to_numpy(float))
    if np.isfinite(top) and top > 200:   # a near-zero estimate has a huge CV: log axis
        ax.set_xscale("log")
    ax.set_yticks(y, d["domain_name"])
    ax.set_xlabel("CV (%)  (dashed: 25 % caution, 50 % unreliable; direct CV from the smoothed variance, "
                  "undefined where the direct estimate is 0)", fontsize=8)
    ax.legend(frameon=False, loc="lower right")
    _style(ax)
    return fig


def kelurahan_estimates(kel: pd.DataFrame):
    """Direct, EBLUP and benchmarked P0 per kelurahan with 95 % intervals (synthetic areas marked)."""
    d = kel.sort_values("domain_code", ascending=False).reset_index(drop=True)
    fig, ax = _subplots(figsize=(7.5, 0.35 * len(d) + 1.3))
    y = np.arange(len(d))
    has = d["in_sample"].astype(bool).to_numpy()
    dd = d[has]
    ax.errorbar(dd["direct_estimate"], y[has] + 0.22,
                xerr=np.vstack([dd["direct_estimate"] - dd["direct_ci_low"], dd["direct_ci_high"] - dd["direct_estimate"]]),
                fmt="o", mfc="white", color=GREY, capsize=2, label="direct (logit CI)")
    lo = np.clip(d["eblup"] - 1.96 * d["eblup_se"], 0, None)
    ax.errorbar(d["eblup"], y, xerr=np.vstack([d["eblup"] - lo, 1.96 * d["eblup_se"]]), fmt="s", color=BLUE,
                capsize=2, label="Fay-Herriot EBLUP")
    ax.scatter(d["benchmarked"], y - 0.22, marker="D", color=GREEN, s=18, label="benchmarked")
    labels = [n + ("  (no sample: synthetic)" if not h else "") for n, h in zip(d["domain_name"], has)]
    ax.set_yticks(y, labels)
    ax.set_xlabel("P0 (%)")
    ax.set_xlim(left=0)
    ax.legend(frameon=False, loc="lower right", fontsize=8)
    _style(ax)
    return fig


def targeting_bars(targ: pd.DataFrame, cut: str = "poverty_line"):
    """Exclusion and inclusion errors of PKH and BPNT by area at one eligibility cut."""
    d = targ[targ["cut"] == cut]
    progs = sorted(d["programme"].unique())
    fig, axes = _subplots(1, len(progs), figsize=(4 * len(progs), 2.8), sharey=True)
    axes = np.atleast_1d(axes)
    for ax, prog in zip(axes, progs):
        g = d[d["programme"] == prog].sort_values("domain_code", ascending=False)
        y = np.arange(len(g))
        ax.barh(y + 0.2, g["exclusion_error"], height=0.38, color=PURPLE, label="exclusion")
        ax.barh(y - 0.2, g["inclusion_error"], height=0.38, color=ORANGE, label="inclusion")
        ax.set_yticks(y, g["domain_name"])
        ax.set_xlim(0, 100)
        ax.set_title(f"{prog.upper()} ({cut})")
        ax.set_xlabel("percent of families")
        _style(ax)
    axes[-1].legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    return fig
