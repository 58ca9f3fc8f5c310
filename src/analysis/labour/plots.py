"""Views and charts of the labour stage for ``notebooks/03_labour.py`` (aggregates only).

Every function reads estimates-contract rows or the stage tables -- never microdata -- and
returns a DataFrame (for display) or a matplotlib Figure. Suppressed cells stay visible as
"suppressed" rather than disappearing.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.labour import definitions as d
from analysis.labour.estimation import INDICATORS

SMK_COLOUR = "#d95f02"
BAR_COLOUR = "#1b9e77"
SEX_ORDER = ("1", "2")
SEX_EN = {"1": "Male", "2": "Female"}


def headline_view(estimates: pd.DataFrame, periods: tuple[str, str]) -> pd.DataFrame:
    """City indicators of both rounds and the change (estimate, 95 % CI, flag)."""
    prev, cur = periods
    rows = []
    for ind in INDICATORS:
        r = {"indicator": ind}
        for per, key in ((prev, prev), (cur, cur), (f"{prev}-{cur}", "change")):
            name = ind if key != "change" else f"{ind}_change"
            m = (estimates["indicator"] == name) & (estimates["domain_level"] == "kota") & (estimates["period"] == per)
            if m.any():
                e = estimates[m].iloc[0]
                r[f"{key}"] = _fmt_ci(e)
                r[f"{key}_flag"] = e["flag"]
        rows.append(r)
    return pd.DataFrame(rows).set_index("indicator")


def _fmt_ci(e) -> str:
    if pd.isna(e["estimate"]):
        return "suppressed"
    return f"{e['estimate']:.2f} ({e['ci_low']:.2f} to {e['ci_high']:.2f})"


def domain_view(estimates: pd.DataFrame, indicator: str, level: str, period: str) -> pd.DataFrame:
    """One indicator at one domain level: estimate, SE, CI, RSE, n and flag."""
    m = (estimates["indicator"] == indicator) & (estimates["domain_level"] == level) & (estimates["period"] == period)
    cols = ["domain_code", "domain_name", "estimate", "se", "ci_low", "ci_high", "rse", "n_sample", "flag"]
    return estimates.loc[m, cols].round(2).reset_index(drop=True)


def _bars(ax, labels, est, lo, hi, colours, xlabel):
    y = np.arange(len(labels))[::-1]
    est = np.asarray(est, dtype=float)
    ok = np.isfinite(est)
    ax.barh(y[ok], est[ok], color=np.asarray(colours, dtype=object)[ok], height=0.6)
    err = np.vstack([est - np.asarray(lo, dtype=float), np.asarray(hi, dtype=float) - est])
    ax.errorbar(est[ok], y[ok], xerr=err[:, ok], fmt="none", ecolor="black", capsize=3, lw=1)
    for yi, good in zip(y, ok):
        if not good:
            ax.text(0.2, yi, "suppressed", va="center", fontsize=8, color="grey")
    ax.set_yticks(y, labels)
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", alpha=0.3)


def tpt_by_education_sex(estimates: pd.DataFrame, period: str, *, synthetic: bool = False):
    """TPT by education (left) and by sex (right), 95 % CIs; dashed line: city TPT."""
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4), gridspec_kw={"width_ratios": [3, 2]})
    sel = estimates[(estimates["indicator"] == "tpt") & (estimates["period"] == period)]
    edu = sel[sel["domain_level"] == "education"].set_index("domain_code").reindex(d.EDUCATION_GROUP_ORDER)
    _bars(a1, [d.EDUCATION_GROUP_NAMES[c] for c in edu.index], edu["estimate"], edu["ci_low"], edu["ci_high"],
          [SMK_COLOUR if c == "smk" else BAR_COLOUR for c in edu.index], "TPT (percent)")
    a1.set_title("By education")
    sex = sel[sel["domain_level"] == "sex"].set_index("domain_code").reindex(SEX_ORDER)
    _bars(a2, [SEX_EN[c] for c in sex.index], sex["estimate"], sex["ci_low"], sex["ci_high"],
          [BAR_COLOUR] * len(sex), "TPT (percent)")
    a2.set_title("By sex")
    kota = sel[sel["domain_level"] == "kota"]
    if len(kota) and pd.notna(kota["estimate"].iloc[0]):
        for ax in (a1, a2):
            ax.axvline(float(kota["estimate"].iloc[0]), ls="--", color="grey", lw=1)
    title = f"Open unemployment rate (TPT), Sakernas August {period}, 95 % CI"
    fig.suptitle(title + (" — SYNTHETIC DATA" if synthetic else ""), x=0.01, ha="left", fontweight="bold")
    fig.tight_layout()
    return fig


def tpt_history(tpt_published: pd.DataFrame):
    """Published August TPT of Bontang and Kaltim with this run's estimates (and CIs)."""
    fig, ax = plt.subplots(figsize=(8, 4))
    t = tpt_published[tpt_published["indicator"] == "tpt"]
    for (area, series), g in t.groupby(["area", "series"], sort=True):
        g = g.sort_values("year")
        if series == "published":
            ax.plot(g["year"], g["value"], marker="o", label=f"{g['area_name'].iloc[0]} (published)")
        elif series in ("synthetic_estimate", "estimate"):
            lab = "Bontang, this run (SYNTHETIC)" if series == "synthetic_estimate" else "Bontang, this run"
            ax.errorbar(g["year"], g["value"], yerr=[g["value"] - g["ci_low"], g["ci_high"] - g["value"]],
                        fmt="s", color="black", capsize=3, label=lab)
        else:
            ax.plot(g["year"], g["value"], marker="x", ls="none", label=f"{area}: {series.replace('_', ' ')}")
    ax.set_ylabel("TPT (percent)")
    ax.set_title("August TPT: Bontang and East Kalimantan")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def aki_waterfall(aki_vs_tpt: pd.DataFrame):
    """Registry waterfall (AK/I) beside the Sakernas unemployed (with 95 % interval)."""
    t = aki_vs_tpt.set_index("component")
    order = ["aki_transactions_12m", "aki_duplicate_renewals", "aki_placed_reported", "aki_expired",
             "aki_unreported_placements", "aki_non_bontang_ktp", "aki_valid_unplaced_local"]
    labels = ["Card transactions (12 m)", "− renewals of same card", "− placements reported",
              "− expired cards", "− unreported placements (est.)", "− no Bontang KTP", "Remaining cards"]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    level = 0.0
    for i, (c, lab) in enumerate(zip(order, labels)):
        v = float(t["count"].get(c, np.nan)) if c in t.index else np.nan
        if not np.isfinite(v):
            ax.text(i, 0, "n/a", ha="center", fontsize=8)
            continue
        if i == 0 or c == "aki_valid_unplaced_local":
            ax.bar(i, v, color="#7570b3")
            level = v
        else:
            ax.bar(i, v, bottom=level, color="#e7298a")
            level += v
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right", fontsize=8)
    if "sakernas_unemployed" in t.index and np.isfinite(t.loc["sakernas_unemployed", "count"]):
        u, se = float(t.loc["sakernas_unemployed", "count"]), float(t.loc["sakernas_unemployed", "se"])
        i = len(labels)
        ax.bar(i, u, color=BAR_COLOUR)
        ax.errorbar(i, u, yerr=1.96 * se, color="black", capsize=4)
        ax.set_xticks(list(range(len(labels))) + [i], labels + ["Sakernas unemployed"], rotation=30, ha="right",
                      fontsize=8)
    ax.set_ylabel("persons")
    ax.set_title("AK/I registry and Sakernas unemployment: different concepts, side by side")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig
