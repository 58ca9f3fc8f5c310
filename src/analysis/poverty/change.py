"""Change between two survey rounds (independent samples) with its test.

Susenas Maret draws a new sample every year, so the two rounds are treated as independent:
``change = est_current - est_previous``, ``se = sqrt(se_prev^2 + se_curr^2)``, statistic
``change / se`` referred to t with ``df_prev + df_curr`` degrees of freedom, two-sided p-value
(:func:`analysis.survey.compare`). A change is ``significant`` when p < 0.05 (equivalently the
95 % interval of the change excludes 0).

Changes are in POINTS of the indicator's unit (percentage points for P0, x100 index points for
P1/P2, Gini points as a ratio), which is how BPS words them ("turun 0,37 poin").

Flags of ``<indicator>_change`` rows: the base is the WORSE of the reliability flags of the two
levels (a change is no more reliable than its least reliable component), followed by
``;not_significant`` when p >= 0.05.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import survey
from analysis.estimates import reliability_flag, to_estimate_rows

CHANGE_METHOD = "difference_independent_samples"
CHANGE_COLUMNS = ["indicator", "domain_level", "domain_code", "estimate", "se", "ci_low", "ci_high",
                  "statistic", "p_value", "significant", "domain_name", "period", "estimate_previous",
                  "estimate_current", "df", "direction", "unit"]
_FLAG_ORDER = {"ok": 0, "caution": 1, "unreliable": 2, "suppressed": 3}


def direction(change, significant) -> np.ndarray:
    """Wording input: ``up``/``down`` when significant, ``no_significant_change`` otherwise."""
    change = np.asarray(change, float)
    sig = np.asarray(significant, bool)
    return np.where(~sig, "no_significant_change", np.where(change > 0, "up", "down")).astype(object)


def changes(prev: pd.DataFrame, curr: pd.DataFrame, *, period_label: str,
            indicators=("p0", "p1", "p2", "gini"), reliability: dict | None = None,
            alpha: float = 0.05) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Test the change of each indicator x domain between two long frames of direct estimates.

    Parameters
    ----------
    prev, curr : DataFrame
        From :func:`analysis.poverty.direct.direct_long` for the previous and the current year.
    period_label : str
        e.g. ``"2023-2024"``.
    indicators : sequence of str
    reliability : dict, optional
        Thresholds for the level flags.

    Returns
    -------
    (table, rows)
        ``table``: the tidy ``changes.csv`` (columns :data:`CHANGE_COLUMNS`); ``rows``: the
        ``<indicator>_change`` rows of the estimates contract.
    """
    rel = {k: v for k, v in (reliability or {}).items() if k in ("rse_caution", "rse_unreliable", "min_n_sample")}
    keys = ["indicator", "domain_level", "domain_code"]
    a = prev[prev["indicator"].isin(indicators)]
    b = curr[curr["indicator"].isin(indicators)]
    cmp = survey.compare(a, b, on=keys, df="sum", alpha=alpha)
    meta = b.set_index(keys)[["domain_name", "unit", "n_sample", "rse"]]
    fa = a.set_index(keys)
    cmp = cmp.join(meta, on=keys)
    flag_a = reliability_flag(fa.loc[pd.MultiIndex.from_frame(cmp[keys]), "rse"].astype(float).to_numpy(),
                              fa.loc[pd.MultiIndex.from_frame(cmp[keys]), "n_sample"].astype(float).to_numpy(), **rel)
    flag_b = reliability_flag(cmp["rse"].astype(float).to_numpy(), cmp["n_sample"].astype(float).to_numpy(), **rel)
    worse = np.where([_FLAG_ORDER[x] >= _FLAG_ORDER[y] for x, y in zip(flag_a, flag_b)], flag_a, flag_b)
    sig = cmp["significant"].to_numpy(bool)
    flag = np.where(sig | (worse == "suppressed"), worse, worse + ";not_significant").astype(object)
    table = pd.DataFrame({
        "indicator": cmp["indicator"], "domain_level": cmp["domain_level"], "domain_code": cmp["domain_code"],
        "estimate": cmp["change"], "se": cmp["se"], "ci_low": cmp["ci_low"], "ci_high": cmp["ci_high"],
        "statistic": cmp["statistic"], "p_value": cmp["p_value"], "significant": sig,
        "domain_name": cmp["domain_name"], "period": period_label, "estimate_previous": cmp["estimate_a"],
        "estimate_current": cmp["estimate_b"], "df": cmp["df"],
        "direction": direction(cmp["change"], sig), "unit": cmp["unit"],
    })
    # a change resting on a suppressed level is not published
    supp = worse == "suppressed"
    table.loc[supp, ["estimate", "se", "ci_low", "ci_high", "statistic", "p_value", "estimate_previous",
                     "estimate_current"]] = np.nan
    table.loc[supp, "direction"] = "suppressed"
    table = table.sort_values(keys, kind="mergesort").reset_index(drop=True)
    src = cmp.assign(estimate=cmp["change"], flag=flag, n_sample=np.minimum(
        fa.loc[pd.MultiIndex.from_frame(cmp[keys]), "n_sample"].to_numpy(), cmp["n_sample"].to_numpy()))
    src["rse"] = np.nan  # an RSE of a change (se / |change|) is not a reliability measure
    rows = []
    for (ind, level, unit), g in src.groupby(["indicator", "domain_level", "unit"], sort=True):
        rows.append(to_estimate_rows(g, indicator=f"{ind}_change", domain_level=level, unit=unit,
                                     method=CHANGE_METHOD, period=period_label, reliability=rel))
    return table, pd.concat(rows, ignore_index=True)
