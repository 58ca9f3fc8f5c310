"""Topic: the meeting's decisions ("Keputusan untuk rapat"), the first page of the city brief.

Three decisions, each with the numbers the meeting needs and an exhibit ID (``exhibits.csv``):

D1 verification  pending families per kecamatan, the pace needed to finish by the target date
                 of the config (``brief.verification_target_date``), and a priority order of
                 kelurahan by pending families x the kelurahan poverty model (an indication of
                 how many poor families still wait for verification).
D2 bansos        PKH/BPNT recipients still paid on records that verification found moved, dead,
                 duplicated or not found, per kecamatan; inclusion and exclusion *errors*; how
                 well the PMT itself finds the poor (validation).
D3 training      every programme with an evidence grade (see :mod:`analysis.brief.training`).

Nothing here estimates anything: counts and rates come from the stage tables; the pace is a
division of a published count by a number of working days, and the priority score is a product
of two published figures, both stated as such in the brief.
"""
from __future__ import annotations

import datetime as _dt
import math

import numpy as np
import pandas as pd

from analysis.brief import fmt, html, training
from analysis.brief.data import pick
from analysis.brief.i18n import t

INVALID_RESULTS = ("pindah", "meninggal", "ganda", "tidak_ditemukan")


# --------------------------------------------------------------------------------------------
# D1 verification
# --------------------------------------------------------------------------------------------
def target_date(cfg) -> _dt.date | None:
    """``brief.verification_target_date`` of the config as a date (``None`` when not set).

    A value that is not an ISO date stops the brief with a message naming the config key.
    """
    raw = (getattr(cfg, "brief", None) or {}).get("verification_target_date")
    if raw in (None, ""):
        return None
    if isinstance(raw, _dt.date):
        return raw
    try:
        return _dt.date.fromisoformat(str(raw))
    except ValueError:
        raise ValueError(f"{getattr(cfg, 'path', 'config')}: brief.verification_target_date: {raw!r} is not a "
                         "date in the form YYYY-MM-DD") from None


def working_days(start: _dt.date, end: _dt.date) -> int:
    """Monday-Friday days from ``start`` (inclusive) to ``end`` (inclusive); 0 when ``end`` < ``start``."""
    if end < start:
        return 0
    return int(np.busday_count(start, end + _dt.timedelta(days=1)))


def verification_plan(progress_kec: pd.DataFrame | None, start: _dt.date, end: _dt.date | None) -> pd.DataFrame | None:
    """Per kecamatan: pending families and the families per working day needed to finish by ``end``.

    Returns columns ``code, name, pending, target, pct, days, per_day`` (``per_day`` is NaN without
    a target date or when no working day is left), sorted by pending families, largest first.
    """
    if progress_kec is None or progress_kec.empty:
        return None
    code, name = pick(progress_kec, "code"), pick(progress_kec, "name")
    target, done = pick(progress_kec, "target", False), pick(progress_kec, "done", False)
    if "households_pending" in progress_kec.columns:
        pending = progress_kec["households_pending"].astype(float)
    elif target and done:
        pending = progress_kec[target].astype(float) - progress_kec[done].astype(float)
    else:
        return None
    days = working_days(start, end) if end else 0
    out = pd.DataFrame({"code": progress_kec[code].astype(str), "name": progress_kec[name].astype(str),
                        "pending": pending.values,
                        "target": progress_kec[target].astype(float).values if target else np.nan,
                        "pct": progress_kec[pick(progress_kec, "pct")].astype(float).values
                        if pick(progress_kec, "pct", False) else np.nan})
    out["days"] = days
    out["per_day"] = [math.ceil(p / days) if days > 0 and p > 0 else (0.0 if p == 0 else np.nan) for p in out["pending"]]
    return out.sort_values(["pending", "code"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def kelurahan_priority(progress_kel: pd.DataFrame | None, p0_kel: pd.DataFrame) -> pd.DataFrame | None:
    """Kelurahan ordered by pending families x modelled P0 (percent / 100).

    The product is an *indication* of poor families still waiting for verification: the model P0
    is a person rate and is often flagged, so the brief prints the flag beside each kelurahan.
    Kelurahan without pending families are left out. Returns ``code, name, kec, pending, p0,
    p0_flag, score`` sorted by score (largest first), then code.
    """
    if progress_kel is None or progress_kel.empty or "households_pending" not in progress_kel.columns:
        return None
    code = "kode_kel" if "kode_kel" in progress_kel.columns else pick(progress_kel, "code")
    name = "kelurahan" if "kelurahan" in progress_kel.columns else pick(progress_kel, "name")
    kec = "kode_kec" if "kode_kec" in progress_kel.columns else pick(progress_kel, "parent", False)
    df = pd.DataFrame({"code": progress_kel[code].astype(str), "name": progress_kel[name].astype(str),
                       "kec": progress_kel[kec].astype(str) if kec else "",
                       "pending": progress_kel["households_pending"].astype(float)})
    if not p0_kel.empty and "method" in p0_kel.columns:
        # one model row per kelurahan: the release's headline ``p0`` rows are the unit-level EBP;
        # older outputs published Fay-Herriot rows under ``p0`` too, and then Fay-Herriot comes first
        rank = (~p0_kel["method"].astype(str).str.startswith("fay_herriot")).astype(int)
        p0_kel = p0_kel.assign(_r=rank).sort_values(["domain_code", "_r"], kind="mergesort") \
            .drop_duplicates("domain_code")
    else:
        p0_kel = p0_kel.assign(method="")
    p0 = p0_kel[["domain_code", "estimate", "flag", "method"]].rename(
        columns={"domain_code": "code", "estimate": "p0", "flag": "p0_flag"}) if not p0_kel.empty else \
        pd.DataFrame(columns=["code", "p0", "p0_flag", "method"])
    df = df.merge(p0, on="code", how="left")
    df = df[df["pending"] > 0]
    if df.empty:
        return df
    df["score"] = df["pending"] * df["p0"].astype(float) / 100.0
    return df.sort_values(["score", "code"], ascending=[False, True], kind="mergesort", na_position="last") \
        .reset_index(drop=True)


def model_sentence(methods: pd.Series, lang: str) -> str:
    """Which kelurahan model the priority uses, named from the estimates' ``method`` column."""
    first = {str(m).split(";")[0] for m in methods.dropna() if str(m)}
    if first == {"ebp"}:
        return t("dec_priority_model_ebp", lang)
    if first and all(f.startswith("fay_herriot") for f in first):
        return t("dec_priority_model_fh", lang)
    return ""


def _flag_word(flag, lang: str) -> str:
    from analysis.brief import narrative
    return narrative.quality_label(flag, lang) if not fmt.is_missing(flag) else fmt.MISSING


def verification_block(ctx, top: int = 5) -> str:
    lang, d = ctx.lang, ctx.data
    plan = verification_plan(d.table("progress_kecamatan"), _start(ctx), target_date(ctx.cfg))
    if plan is None:
        return html.h3(t("dec_verif_title", lang)) + html.not_available(lang, "clean/progress_kecamatan.csv")
    end = target_date(ctx.cfg)
    total = plan["pending"].sum()
    days = int(plan["days"].iloc[0]) if end else 0
    if total == 0:
        lead = t("dec_verif_done", lang)
    elif end is None:
        lead = t("dec_verif_lead_nodate", lang, pending=fmt.count(total, "families", lang))
    elif days == 0:
        lead = t("dec_verif_lead_late", lang, pending=fmt.count(total, "families", lang),
                 date=fmt.date_long(end, lang))
    else:
        lead = t("dec_verif_lead", lang, pending=fmt.count(total, "families", lang), date=fmt.date_long(end, lang),
                 days=fmt.number(days, 0, lang), per_day=fmt.number(math.ceil(total / days), 0, lang))
    rows = [[r.name, fmt.number(r.target, 0, lang), fmt.number(r.pct, 1, lang), fmt.number(r.pending, 0, lang),
             fmt.number(r.per_day, 0, lang)] for r in plan.itertuples()]
    parts = [html.h3(t("dec_verif_title", lang)), html.para(lead, "decision"), '<div class="cols"><div>',
             html.table([t("col_kecamatan", lang), t("col_target_families", lang), t("col_pct_verified", lang),
                         t("col_pending", lang), t("col_per_day", lang)], rows,
                        numeric=[False, True, True, True, True], cls="data compact",
                        caption=t("dec_verif_caption", lang, date=fmt.date_long(end, lang) if end else fmt.MISSING),
                        source=ctx.src("clean/progress_kecamatan"), lang=lang, exhibit="D1a"), "</div><div>"]
    pri = kelurahan_priority(d.table("progress_kelurahan"), d.select("p0", "kelurahan"))
    if pri is not None and not pri.empty:
        head = pri.head(top)
        rows = [[f"{i + 1}", r.name, fmt.number(r.pending, 0, lang), fmt.number(r.p0, 1, lang),
                 _flag_word(r.p0_flag, lang), fmt.number(r.score, 0, lang)] for i, r in enumerate(head.itertuples())]
        cap = t("dec_priority_caption", lang, k=len(head), n=len(pri))
        parts.append(html.table(["No.", "Kelurahan", t("col_pending", lang), t("col_p0_model", lang), t("col_quality", lang),
                                 t("col_priority_score", lang)], rows, numeric=[True, False, True, True, False, True],
                                cls="data compact", caption=cap,
                                source=ctx.src("clean/progress_kelurahan", None, "poverty/estimates"), lang=lang,
                                exhibit="D1b"))
    parts.append("</div></div>")
    if pri is not None and not pri.empty:
        parts.append(html.note(t("dec_priority_note", lang) + " " + model_sentence(pri["method"], lang)))
    return "".join(parts)


def _start(ctx) -> _dt.date:
    from analysis.brief.sections import release_date
    d = release_date(ctx)
    if isinstance(d, _dt.datetime):
        return d.date()
    if isinstance(d, _dt.date):
        return d
    return _dt.date.fromisoformat(str(d)[:10])


# --------------------------------------------------------------------------------------------
# D2 bansos
# --------------------------------------------------------------------------------------------
def invalid_recipients(targeting: pd.DataFrame | None) -> pd.DataFrame | None:
    """Recipients on invalid records per area and programme (wide: ``code, name, level, pkh, bpnt``).

    ``n_recipients_invalid_record`` does not depend on the eligibility cut, so the first cut of
    each (programme, area) is used.
    """
    if targeting is None or targeting.empty or "n_recipients_invalid_record" not in targeting.columns:
        return None
    tg = targeting.sort_values(["programme", "domain_level", "domain_code", "cut"], kind="mergesort") \
        .drop_duplicates(["programme", "domain_level", "domain_code"])
    wide = tg.pivot_table(index=["domain_level", "domain_code", "domain_name"], columns="programme",
                          values="n_recipients_invalid_record", aggfunc="first").reset_index()
    wide.columns.name = None
    return wide.sort_values(["domain_level", "domain_code"], ascending=[False, True], kind="mergesort") \
        .reset_index(drop=True)


def bansos_block(ctx) -> str:
    lang, d = ctx.lang, ctx.data
    tg = d.table("targeting_errors")
    parts = [html.h3(t("dec_bansos_title", lang))]
    inv = invalid_recipients(tg)
    if inv is None:
        return "".join(parts) + html.not_available(lang, "poverty/tables/targeting_errors.csv")
    progs = [p for p in ("pkh", "bpnt") if p in inv.columns]
    kota = inv[inv["domain_level"] == "kota"]
    if not kota.empty:
        k = kota.iloc[0]
        parts.append(html.para(t("dec_bansos_lead", lang, **{p: fmt.number(k[p], 0, lang) for p in ("pkh", "bpnt")
                                                               if p in progs}, what=t("invalid_records", lang))
                               if set(progs) == {"pkh", "bpnt"} else "", "decision"))
    rows = [[r["domain_name"]] + [fmt.number(r[p], 0, lang) for p in progs] for _, r in inv.iterrows()]
    parts.append('<div class="cols"><div>')
    parts.append(html.table([t("col_domain", lang)] + [t(f"col_invalid_{p}", lang) for p in progs], rows,
                            numeric=[False] + [True] * len(progs), cls="data compact",
                            caption=t("dec_invalid_caption", lang),
                            source=ctx.src("poverty/targeting_errors", t("ref_registry", lang, year=d.period)),
                            lang=lang, exhibit="D2a"))
    parts.append("</div><div>")
    # errors, named as errors, at the city level
    err = tg[(tg["domain_level"] == "kota")] if "domain_level" in tg.columns else tg.iloc[0:0]
    if not err.empty:
        rows = []
        for _, r in err.sort_values(["programme", "cut"], kind="mergesort").iterrows():
            rows.append([t(f"prog_{r['programme']}", lang), t(f"cut_{r['cut']}", lang),
                         fmt.number(r["inclusion_error"], 1, lang), fmt.number(r["exclusion_error"], 1, lang)])
        parts.append(html.table(["Program", t("col_cut", lang), t("col_inclusion", lang), t("col_exclusion", lang)],
                                rows, numeric=[False, False, True, True], cls="data compact",
                                caption=t("dec_errors_caption", lang),
                                source=ctx.src("poverty/targeting_errors", t("ref_registry", lang, year=d.period)),
                                lang=lang, exhibit="D2b"))
    parts.append("</div></div>")
    pv = d.table("pmt_validation")
    if pv is not None and {"cut", "exclusion_error", "inclusion_error", "validation"} <= set(pv.columns):
        txt = []
        for cut in ("poverty_line", "bottom40"):
            s = pv[pv["cut"] == cut]
            if s.empty:
                continue
            lo, hi = fmt.number(s["exclusion_error"].min(), 0, lang), fmt.number(s["exclusion_error"].max(), 0, lang)
            txt.append(t("dec_pmt_cut", lang, cut=t(f"cut_{cut}", lang).lower(),
                         range=lo if lo == hi else f"{lo}\u2013{hi}", n=len(s)))
        if txt:
            parts.append(html.para(t("dec_pmt_lead", lang) + " " + "; ".join(txt) + ". " + t("dec_pmt_close", lang)))
            parts.append(html.note(t("source_line", lang, source=ctx.src("poverty/pmt_validation")) + " [D2c]"))
    return "".join(parts)


# --------------------------------------------------------------------------------------------
# the page
# --------------------------------------------------------------------------------------------
def decision_page(ctx) -> str:
    """"Keputusan untuk rapat": three decisions on one printed page, before anything else."""
    lang = ctx.lang
    body = [html.para(t("dec_intro", lang), "lead"),
            '<div class="decision">' + verification_block(ctx) + "</div>",
            '<div class="decision">' + bansos_block(ctx) + "</div>",
            '<div class="decision">' + training.decision_block(ctx) + "</div>"]
    return html.section(t("sec_decisions", lang), "keputusan", *body, cls="decisions")


# --------------------------------------------------------------------------------------------
# Field worklists (public side): counts only; the lists themselves stay in restricted/
# --------------------------------------------------------------------------------------------
WORKLIST_CHANNELS = ("n_kemensos_pkh_bpnt", "n_lokal_apbd_tjsl_baznas", "n_tidak_layak")


def worklist_summary(counts: pd.DataFrame | None) -> tuple[pd.DataFrame, int, int] | None:
    """Kelurahan rows of ``poverty/tables/worklist_counts.csv`` and how many RT rows show a count.

    The table has one ``rt == "semua"`` row per kelurahan and one row per RT, already suppressed by
    :mod:`analysis.disclosure`; nothing is recomputed here. Returns ``(kelurahan rows, RT rows,
    RT rows with a published family count)`` or ``None`` when the table is absent.
    """
    if counts is None or counts.empty or not {"rt", "n_families", *WORKLIST_CHANNELS} <= set(counts.columns):
        return None
    is_total = counts["rt"].astype(str) == "semua"
    rt = counts[~is_total]
    kel = counts[is_total].sort_values(["kode_kel"], kind="mergesort").reset_index(drop=True)
    return kel, len(rt), int(rt["n_families"].notna().sum())


def worklist_table(ctx) -> str:
    """Families on the field worklists per kelurahan and intervention channel (exhibit T10b)."""
    from analysis.disclosure import Rules

    lang = ctx.lang
    got = worklist_summary(ctx.data.table("worklist_counts"))
    if got is None:
        return ""
    kel, n_rt, n_rt_shown = got
    rows = [[r.kelurahan] + [fmt.number(getattr(r, c), 0, lang) for c in ("n_families", *WORKLIST_CHANNELS)]
            for r in kel.itertuples()]
    header = ["Kelurahan", t("col_wl_families", lang), t("col_wl_kemensos", lang), t("col_wl_local", lang),
              t("col_wl_none", lang)]
    note = t("wl_note", lang, k=Rules.from_config(ctx.cfg).min_count, shown=fmt.number(n_rt_shown, 0, lang),
             rt=fmt.number(n_rt, 0, lang))
    return (html.table(header, rows, numeric=[False, True, True, True, True], cls="data compact",
                       caption=t("wl_caption", lang), source=ctx.src("poverty/worklist_counts"), lang=lang,
                       exhibit="T10b") + html.note(note))
