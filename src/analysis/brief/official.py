"""Topic: "Angka resmi BPS", the published BPS figures, set apart from this release's estimates.

The box is drawn with its own frame and heading (``aside.official``) so that a reader never takes
a published BPS figure for one computed here, or the other way round. Each row carries its
citation, and says whether it is the BPS release itself (a ``bps.go.id`` page: Berita Resmi
Statistik or the BPS website) or a news report quoting BPS, which must be checked against the BRS.
"""
from __future__ import annotations

import pandas as pd

from analysis.brief import fmt, html
from analysis.brief.i18n import localise_source, t

POVERTY_ROWS = (("p0", "ind_p0", 2), ("poor_persons", "ind_poor_persons", 0), ("poverty_line", "official_poverty_line", 0))


def is_bps(source: str) -> bool:
    """Whether a citation is a BPS page (``*.bps.go.id``) rather than a report quoting BPS."""
    first = str(source).split(";")[0].strip().lower()
    return ".bps.go.id" in first or first.startswith("bps.go.id")


def _cite(source: str, lang: str) -> str:
    kind = t("official_brs", lang) if is_bps(source) else t("official_secondary", lang)
    return f"{kind}: {localise_source(source, lang)}"


def official_rows(data, years: tuple[str, ...], lang: str) -> list[list[str]]:
    """[indicator, year, value, citation] for the published series of the given years."""
    rows = []
    pov = data.table("published_poverty")
    if pov is not None and {"indicator", "series", "year", "value", "source"} <= set(pov.columns):
        for ind, key, dec in POVERTY_ROWS:
            sub = pov[(pov["indicator"] == ind) & (pov["series"] == "published")
                      & pov["year"].astype(str).isin(years)].sort_values("year", kind="mergesort")
            for r in sub.itertuples():
                v = fmt.rupiah(r.value, lang) if ind == "poverty_line" else fmt.number(r.value, dec, lang)
                rows.append([t(key, lang), str(r.year), v, _cite(r.source, lang)])
    tpt = data.table("tpt_published")
    if tpt is not None and {"area", "indicator", "series", "year", "value", "source"} <= set(tpt.columns):
        sub = tpt[(tpt["indicator"] == "tpt") & (tpt["series"] == "published") & tpt["year"].astype(str).isin(years)]
        sub = sub.assign(_o=sub["area"].map({"bontang": 0, "kaltim": 1})).sort_values(["_o", "year"], kind="mergesort")
        for r in sub.itertuples():
            key = "official_tpt_bontang" if r.area == "bontang" else "official_tpt_kaltim"
            rows.append([t(key, lang), str(r.year), fmt.number(r.value, 2, lang), _cite(r.source, lang)])
    return rows


def official_box(ctx) -> str:
    """The framed box of published BPS figures of the current period (exhibit O1)."""
    lang, d = ctx.lang, ctx.data
    rows = official_rows(d, (str(d.period),), lang)  # earlier years: Annex (Sumber data, T15)
    if not rows:
        return ""
    intro = t("official_intro_synthetic" if ctx.synthetic else "official_intro", lang)
    tab = html.table([t("col_indicator", lang), t("col_vintage", lang), t("col_value", lang), t("col_citation", lang)],
                     rows, numeric=[False, False, True, False], cls="data compact sources", lang=lang,
                     caption=t("official_caption", lang), exhibit="O1")
    return (f'<aside class="official" aria-label="{html.esc(t("sec_official", lang))}">'
            f'<h2>{html.esc(t("sec_official", lang))}</h2>{html.para(intro)}{tab}</aside>')
