"""Topic: the extractive economy (LNG, fertiliser and ammonia, coal) and jobs.

Employment by KBLI section from the labour stage (``employment_share`` at level ``kbli``, both
periods, and its change from ``changes.csv``): Mining and quarrying (B), Manufacturing (C) and
the rest. A change is called a rise or a fall only when it survives the brief's
multiple-comparison rule (:mod:`analysis.brief.keypoints`). Unemployed people by previous sector
and reason for stopping work are shown when the labour stage publishes them
(``unemployed_by_previous_sector``); vacancies by sector when the skills stage publishes
``vacancies_by_sector``. Otherwise the section says what is missing.
"""
from __future__ import annotations

import pandas as pd

from analysis.brief import fmt, html
from analysis.brief.i18n import t

SECTIONS = ("B", "C")


def industry_rows(data, tests: pd.DataFrame, lang: str) -> list[list[str]]:
    """B, C and the rest: share previous and current period, change with SK 95 %, reading."""
    rows, now_sum, prev_sum = [], 0.0, 0.0
    for code in SECTIONS:
        now = data.get("employment_share", "kbli", code)
        prev = data.get("employment_share", "kbli", code, period=data.previous_period)
        if now is None:
            continue
        chg = data.change("employment_share", "kbli", code) or {}
        now_sum += float(now["estimate"])
        prev_sum += float(prev["estimate"]) if prev else float("nan")
        m = tests[(tests["indicator"] == "employment_share") & (tests["domain_level"] == "kbli")
                  & (tests["domain_code"].astype(str) == code)] if not tests.empty else tests
        est = chg.get("estimate")
        if not m.empty and bool(m.iloc[0]["holds"]) and not fmt.is_missing(est):
            reading = t("reading_up" if float(est) > 0 else "reading_down", lang)
        else:
            reading = t("reading_none", lang)
        rows.append([f"{code} \u2013 {now['domain_name']}",
                     f"{fmt.number(prev['estimate'], 1, lang)} ({fmt.ci(prev['ci_low'], prev['ci_high'], 1, lang)})"
                     if prev else fmt.MISSING,
                     f"{fmt.number(now['estimate'], 1, lang)} ({fmt.ci(now['ci_low'], now['ci_high'], 1, lang)})",
                     fmt.signed(est, 1, lang), fmt.ci(chg.get("ci_low"), chg.get("ci_high"), 1, lang), reading])
    if rows:
        rows.append([t("industry_rest", lang), fmt.number(100 - prev_sum, 1, lang), fmt.number(100 - now_sum, 1, lang),
                     fmt.signed((100 - now_sum) - (100 - prev_sum), 1, lang), fmt.MISSING, fmt.MISSING])
    return rows


def industry_section(ctx, tests: pd.DataFrame) -> str:
    lang, d = ctx.lang, ctx.data
    rows = industry_rows(d, tests, lang)
    if not rows:
        return html.section(t("sec_industry", lang), "industri", html.not_available(lang, "labour/estimates.csv"),
                            major=True)
    p, q = str(d.previous_period), str(d.period)
    body = [html.para(t("industry_intro", lang)),
            html.table([t("col_indicator", lang), t("col_share_prev", lang, year=p) + " " + t("col_ci", lang),
                        t("col_share_prev", lang, year=q) + " " + t("col_ci", lang), t("col_change_pp", lang),
                        t("col_ci", lang), t("col_reading", lang)], rows,
                       numeric=[False, True, True, True, True, False], cls="data compact",
                       caption=t("industry_caption", lang, prev=p, now=q),
                       source=ctx.src("labour/estimates", t("ref_labour", lang, year=q), "labour/changes"), lang=lang,
                       exhibit="T9"),
            html.note(t("industry_rest_note", lang))]
    unemp = d.table("unemployed_by_previous_sector")
    if unemp is None or unemp.empty:
        body.append(html.note(t("industry_missing_items", lang)))
    vac = d.table("vacancies_by_sector")
    if vac is None or vac.empty:
        body.append(html.note(t("industry_missing_vacancies", lang)))
    return html.section(t("sec_industry", lang), "industri", *body, major=True)
