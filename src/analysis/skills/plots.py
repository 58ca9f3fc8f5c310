"""Views and charts of the skills stage for ``notebooks/04_skills.py`` (aggregates only).

Every function reads the stage tables (never microdata) and returns a DataFrame for display or
a matplotlib Figure (shown through :func:`analysis.stage.as_image`).
"""
from __future__ import annotations


import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

LABEL_COLOURS = {"shortage": "#d95f02", "surplus": "#1b9e77", "balanced": "#7570b3", "uncertain": "#999999",
                 "insufficient_data": "#dddddd"}
REC_COLOURS = {"expand": "#d95f02", "insufficient_evidence": "#e6ab02", "reduce": "#1b9e77", "close": "#666666",
               "maintain": "#7570b3"}


def classifier_view(metrics: pd.DataFrame) -> pd.DataFrame:
    """Top-1 / top-3 accuracy, macro-F1 and the majority baseline by number of digits."""
    m = metrics[metrics["metric"].isin(["top1_accuracy", "top3_accuracy", "macro_f1", "majority_baseline"])]
    return m.pivot(index="digits", columns="metric", values="value")[
        ["top1_accuracy", "top3_accuracy", "macro_f1", "majority_baseline"]].round(3)


def classifier_other(metrics: pd.DataFrame) -> pd.DataFrame:
    keep = ~metrics["metric"].isin(["top1_accuracy", "top3_accuracy", "macro_f1", "majority_baseline"])
    return metrics.loc[keep, ["metric", "threshold", "value"]].round(3).reset_index(drop=True)


def gaps_view(occ: pd.DataFrame, n: int = 20) -> pd.DataFrame:
    """Top occupations by |SI| with the signals of brief table (2)."""
    o = occ[occ["reportable"].astype(bool)].copy()
    o = o.reindex(o["shortage_index"].abs().sort_values(ascending=False, kind="mergesort").index).head(n)
    cols = ["kbji_code", "title_en", "vacancy_positions", "seekers", "qualified_seekers", "tightness_vu",
            "tightness_vq", "fill_rate", "median_days_to_fill", "nonlocal_share", "openings_12m", "supply_S",
            "flow_gap_G", "shortage_index", "si_ci90_low", "si_ci90_high", "label"]
    return o[cols].round(2).reset_index(drop=True)


def beveridge_chart(occ: pd.DataFrame, *, synthetic: bool = False):
    """Log-log job seekers (U) against vacancy positions (V) by occupation; V = U line; bubble =
    openings over 12 months; colour = shortage label."""
    o = occ[occ["reportable"].astype(bool) & (occ["vacancy_positions"] > 0) & (occ["seekers"] > 0)]
    fig, ax = plt.subplots(figsize=(7.5, 6))
    size = 20 + 2.0 * np.sqrt(o["openings_12m"].fillna(0).to_numpy()) * 8
    ax.scatter(o["seekers"], o["vacancy_positions"], s=size, c=o["label"].map(LABEL_COLOURS).fillna("#999999"),
               alpha=0.75, edgecolors="white", linewidths=0.5)
    lim = [0.5, max(o["seekers"].max(), o["vacancy_positions"].max()) * 1.5]
    ax.plot(lim, lim, color="black", lw=0.8, ls="--")
    ax.text(lim[1] * 0.5, lim[1] * 0.6, "V = U", fontsize=8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    for r in o.itertuples():
        if r.label in ("shortage", "surplus"):
            ax.annotate(r.kbji_code, (r.seekers, r.vacancy_positions), fontsize=7, xytext=(3, 3),
                        textcoords="offset points")
    ax.set_xlabel("Job seekers: average stock of valid, not-placed AK/I cards (log)")
    ax.set_ylabel("Vacancy positions posted in the year (log)")
    handles = [plt.Line2D([], [], marker="o", ls="", color=c, label=k) for k, c in LABEL_COLOURS.items()
               if k != "insufficient_data"]
    ax.legend(handles=handles, fontsize=8, loc="upper left")
    ax.set_title(("SYNTHETIC DATA - " if synthetic else "") + "Seekers and vacancies by occupation")
    fig.tight_layout()
    return fig


def si_bars(occ: pd.DataFrame, n: int = 30, *, synthetic: bool = False):
    """Diverging bars of the shortage index with 90 % bootstrap intervals (largest |SI|)."""
    o = occ[occ["reportable"].astype(bool)].copy()
    o = o.reindex(o["shortage_index"].abs().sort_values(ascending=False, kind="mergesort").index).head(n)
    o = o.sort_values("shortage_index", kind="mergesort")
    fig, ax = plt.subplots(figsize=(8, 0.26 * len(o) + 1.2))
    y = np.arange(len(o))
    ax.barh(y, o["shortage_index"], color=o["label"].map(LABEL_COLOURS).fillna("#999999"))
    ax.errorbar(o["shortage_index"], y, xerr=[o["shortage_index"] - o["si_ci90_low"],
                                              o["si_ci90_high"] - o["shortage_index"]],
                fmt="none", ecolor="black", elinewidth=0.7, capsize=2)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y)
    ax.set_yticklabels([f"{c} {t[:40]}" for c, t in zip(o["kbji_code"], o["title_en"])], fontsize=7)
    ax.set_xlabel("Shortage index (standardised signals; > 0 shortage, < 0 surplus), 90 % CI")
    ax.set_title(("SYNTHETIC DATA - " if synthetic else "") + "Occupational shortage and surplus")
    fig.tight_layout()
    return fig


def quadrant_chart(recs: pd.DataFrame, *, synthetic: bool = False):
    """Programmes by target shortage index (x) and effect on employment (y, ATT in pp); bubble =
    enrolment in the period; colour = recommendation."""
    r = recs[np.isfinite(recs["target_si"]) & np.isfinite(recs["att"])]
    fig, ax = plt.subplots(figsize=(8, 6))
    size = 30 + 4 * r["enrolled"].fillna(10).to_numpy()
    ax.scatter(r["target_si"], 100 * r["att"], s=size, c=r["recommendation"].map(REC_COLOURS), alpha=0.75,
               edgecolors="black", linewidths=0.4)
    for row in r.itertuples():
        ax.annotate(row.program_id, (row.target_si, 100 * row.att), fontsize=7, xytext=(4, 2),
                    textcoords="offset points")
    ax.axvline(0, color="black", lw=0.8)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xlabel("Shortage index of the target occupations (weighted)")
    ax.set_ylabel("Effect on employment 6 months after training (ATT, percentage points)")
    handles = [plt.Line2D([], [], marker="o", ls="", color=c, label=k) for k, c in REC_COLOURS.items()]
    ax.legend(handles=handles, fontsize=8, loc="upper left")
    ax.set_title(("SYNTHETIC DATA - " if synthetic else "") + "Programmes: labour-market need against effect")
    fig.tight_layout()
    return fig


def balance_view(balance: pd.DataFrame) -> pd.DataFrame:
    """Pooled covariate balance (SMD before and after weighting) and the share of programmes
    balanced on every covariate."""
    pooled = balance[balance["scope"] == "ALL"][["covariate", "smd_unweighted", "smd_weighted", "balanced"]]
    return pooled.round(3).reset_index(drop=True)


def balance_by_programme(balance: pd.DataFrame) -> pd.DataFrame:
    b = balance[balance["scope"] != "ALL"]
    g = b.groupby("scope").agg(max_abs_smd_unweighted=("smd_unweighted", lambda s: s.abs().max()),
                               max_abs_smd_weighted=("smd_weighted", lambda s: s.abs().max()),
                               covariates_balanced=("balanced", "mean"))
    return g.round(3)


def scorecard_view(card: pd.DataFrame) -> pd.DataFrame:
    cols = ["program_id", "program_name", "provider_type", "target_kbji", "seats", "completion_rate",
            "certification_rate", "employment_rate_6m", "related_employment_rate_6m", "att", "att_ci95_low",
            "att_ci95_high", "precision", "cost_per_trainee_idr", "cpa_idr", "target_si"]
    c = card[cols].copy()
    for k in ("att", "att_ci95_low", "att_ci95_high"):
        c[k] = 100 * c[k]
    return c.round(2)


def recommendations_view(recs: pd.DataFrame) -> pd.DataFrame:
    cols = ["program_id", "program_name", "target_units", "target_si", "target_si_ci90_low", "target_si_ci90_high",
            "att", "att_ci95_low", "att_ci95_high", "precision", "recommendation", "reason", "seat_change",
            "effective_sample", "needed_sample", "equity_flags"]
    r = recs[cols].copy()
    for k in ("att", "att_ci95_low", "att_ci95_high"):
        r[k] = 100 * r[k]
    return r.round(2)
