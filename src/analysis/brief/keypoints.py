"""Topic: the key points, generated from every change the stages tested.

Every row of the stages' ``changes.csv`` tables (all indicators, all domain levels, both
directions) is one test. Reading each test at 5 % would make about one in twenty of them look
"significant" by chance, so the brief applies a multiple-comparison rule to the whole family
before it calls any change a rise or a fall: Benjamini-Hochberg at a false-discovery rate of
``brief.fdr`` (default 0.05), or Holm when ``brief.multiple_comparison: holm``. The wording of each
point is generated from the same rows (:func:`change_points`), and
``tests/test_keypoints.py`` checks it against the changes table.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.brief import fmt
from analysis.brief.i18n import indicator_name, level_name, t

METHODS = ("bh", "holm")
DEFAULT_FDR = 0.05
# Units of the changes tables that are percentages: their change is in "persen poin".
PERCENT_UNITS = {"percent", "percentage_points"}


def settings(cfg) -> tuple[str, float]:
    """(method, level) from ``brief.multiple_comparison`` and ``brief.fdr``; errors name the key."""
    b = getattr(cfg, "brief", None) or {}
    method = str(b.get("multiple_comparison", "bh")).lower()
    if method not in METHODS:
        raise ValueError(f"{getattr(cfg, 'path', 'config')}: brief.multiple_comparison: {method!r} must be one of "
                         f"{', '.join(METHODS)}")
    try:
        level = float(b.get("fdr", DEFAULT_FDR))
    except (TypeError, ValueError):
        level = -1.0
    if not 0 < level < 1:
        raise ValueError(f"{getattr(cfg, 'path', 'config')}: brief.fdr: {b.get('fdr')!r} must be between 0 and 1")
    return method, level


def adjust(p: np.ndarray, method: str = "bh") -> np.ndarray:
    """Adjusted p-values (Benjamini-Hochberg step-up or Holm step-down); NaN stays NaN."""
    p = np.asarray(p, dtype=float)
    out = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    q = p[ok]
    m = len(q)
    if m == 0:
        return out
    order = np.argsort(q, kind="mergesort")
    ranked = q[order]
    if method == "bh":
        adj = ranked * m / np.arange(1, m + 1)
        adj = np.minimum.accumulate(adj[::-1])[::-1]
    elif method == "holm":
        adj = ranked * (m - np.arange(m))
        adj = np.maximum.accumulate(adj)
    else:
        raise ValueError(f"unknown multiple-comparison method {method!r}")
    res = np.empty(m)
    res[order] = np.minimum(adj, 1.0)
    out[ok] = res
    return out


def tested_changes(changes: pd.DataFrame | None, method: str = "bh", level: float = DEFAULT_FDR) -> pd.DataFrame:
    """All tests of the changes tables with ``p_adjusted``, ``nominal`` (p < 0.05) and ``holds``.

    ``holds`` = the change survives the multiple-comparison rule. Rows without a p-value are kept
    (never called significant). Sorted by adjusted p, then indicator, level and code.
    """
    cols = ["indicator", "domain_level", "domain_code", "domain_name", "estimate", "ci_low", "ci_high", "p_value",
            "unit"]
    if changes is None or changes.empty or "p_value" not in changes.columns:
        return pd.DataFrame(columns=cols + ["p_adjusted", "nominal", "holds"])
    df = changes.copy()
    for c in cols:
        if c not in df.columns:
            df[c] = np.nan
    df = df[cols].drop_duplicates(["indicator", "domain_level", "domain_code"]).reset_index(drop=True)
    df["p_value"] = pd.to_numeric(df["p_value"], errors="coerce")
    df["p_adjusted"] = adjust(df["p_value"].to_numpy(), method)
    df["nominal"] = df["p_value"] < 0.05
    df["holds"] = df["p_adjusted"] < level
    return df.sort_values(["p_adjusted", "indicator", "domain_level", "domain_code"], kind="mergesort",
                          na_position="last").reset_index(drop=True)


def _label(r, lang: str) -> str:
    name = indicator_name(r["indicator"], lang)
    if r["domain_level"] == "kota":
        return f"{name} {r['domain_name']}"
    return f"{name} ({level_name(r['domain_level'], lang)}: {r['domain_name']})"


def change_text(r, lang: str, claim: bool = True) -> str:
    """"<indicator> (<level>: <domain>) naik/turun X persen poin (SK 95%: a s.d. b; p = …)".

    ``claim=False`` (a change that does not survive the rule) gives a signed difference instead
    of the words "naik"/"turun", so that no rise or fall is asserted.
    """
    unit = str(r.get("unit", ""))
    dec = 1 if unit in PERCENT_UNITS else 3
    est = float(r["estimate"])
    pts = unit in PERCENT_UNITS
    if not claim:
        amount = fmt.signed(est, dec, lang) + (" " + t("unit_pp", lang) if pts else "")
        return t("kp_difference", lang, what=_label(r, lang), amount=amount,
                 ci=f"{fmt.ci_label(lang=lang)}: {fmt.ci(r['ci_low'], r['ci_high'], dec, lang)}",
                 p=fmt.number(r["p_value"], 3, lang), padj=fmt.number(r["p_adjusted"], 3, lang))
    word = t("word_up" if est > 0 else "word_down", lang)
    amount = fmt.points(est, dec, lang) if pts else fmt.number(abs(est), dec, lang)
    return t("kp_change", lang, what=_label(r, lang), word=word, amount=amount,
             ci=f"{fmt.ci_label(lang=lang)}: {fmt.ci(r['ci_low'], r['ci_high'], dec, lang)}",
             p=fmt.number(r["p_value"], 3, lang), padj=fmt.number(r["p_adjusted"], 3, lang))


def change_points(tests: pd.DataFrame, method: str, level: float, lang: str = "id", max_listed: int = 3) -> list[str]:
    """Key points about change: the rule, the changes that hold, the nominal ones that do not."""
    if tests.empty:
        return []
    n = int(tests["p_value"].notna().sum())
    holds = tests[tests["holds"]]
    nominal_only = tests[tests["nominal"] & ~tests["holds"]]
    rule = t(f"mc_{method}", lang, level=fmt.number(level * 100, 0, lang))
    pts = [t("kp_family", lang, n=fmt.number(n, 0, lang), nominal=fmt.number(int(tests["nominal"].sum()), 0, lang),
             holds=fmt.number(len(holds), 0, lang), rule=rule)]
    for _, r in holds.head(max_listed).iterrows():
        pts.append(change_text(r, lang) + " " + t("kp_holds", lang))
    if len(holds) > max_listed:
        pts.append(t("kp_more", lang, n=len(holds) - max_listed))
    if not nominal_only.empty:
        listed = "; ".join(change_text(r, lang, claim=False) for _, r in nominal_only.head(max_listed).iterrows())
        if len(nominal_only) > max_listed:
            listed += t("kp_nominal_more", lang, n=len(nominal_only) - max_listed)
        pts.append(t("kp_nominal", lang, n=len(nominal_only), items=listed))
    return pts
