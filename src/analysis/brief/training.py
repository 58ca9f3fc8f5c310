"""Topic: training programmes, with an evidence grade and honest recommendation wording.

The skills stage decides the recommendation (``recommendation``, ``seat_change`` of
``programme_scorecard.csv``); this module only *renders* it, under the rule the brief states:

* a programme "helps" only when the 95 % confidence interval of its employment effect lies above
  zero and the estimate is not flagged unreliable (flag of ``training_att_pp`` in estimates.csv,
  else the scorecard's ``precision``);
* otherwise the brief says "belum cukup bukti" / "not enough evidence", with the sample that
  would be needed, even when the stage's own rule says expand (the stage's word is kept beside
  it, marked, so the reader sees both);
* a seat change that takes a programme to 0 seats is written "ditutup" / "closed".

The sample needed is read from the stage when it publishes one (a column of the scorecard or a
``power`` table); otherwise the brief gives a stated approximation: the current number of
responding trainees and controls scaled by ``(2.80 x SE / target effect)^2`` (80 % power, 5 %
two-sided test, SE shrinking with the square root of n), with the target effect from
``brief.training_target_effect_pp`` (default 10 percentage points).
"""
from __future__ import annotations

import math

import pandas as pd

from analysis.brief import fmt, html
from analysis.brief.i18n import t

GRADES = ("helps", "harms", "insufficient")
NEEDED_COLUMNS = ("needed_sample", "n_needed", "n_required", "required_n", "n_needed_total", "sample_needed")
DEFAULT_TARGET_PP = 10.0
Z_POWER = 2.80  # z(0.975) + z(0.80): 5 % two-sided test with 80 % power


def _num(x) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def target_effect(cfg) -> float:
    """``brief.training_target_effect_pp`` (percentage points, > 0) or the default 10."""
    raw = (getattr(cfg, "brief", None) or {}).get("training_target_effect_pp", DEFAULT_TARGET_PP)
    v = _num(raw)
    if v is None or v <= 0:
        raise ValueError(f"{getattr(cfg, 'path', 'config')}: brief.training_target_effect_pp: {raw!r} must be a "
                         "positive number of percentage points")
    return v


def programme_table(scorecard: pd.DataFrame | None, effects: pd.DataFrame) -> pd.DataFrame | None:
    """Scorecard rows joined with their ``training_att_pp`` estimate (``est_*`` columns).

    ``effects`` are the ``training_att_pp`` rows at level ``programme`` (the pooled ``ALL`` row
    is left out here; see :func:`pooled`).
    """
    if scorecard is None or scorecard.empty or "program_id" not in scorecard.columns:
        return None
    sc = scorecard[scorecard["program_id"].astype(str) != "ALL"].copy()
    sc["program_id"] = sc["program_id"].astype(str)
    if not effects.empty:
        e = effects[effects["domain_code"].astype(str) != "ALL"][["domain_code", "estimate", "se", "ci_low", "ci_high",
                                                                  "n_sample", "flag"]]
        e = e.rename(columns={"domain_code": "program_id", **{c: f"est_{c}" for c in
                                                              ("estimate", "se", "ci_low", "ci_high", "n_sample", "flag")}})
        sc = sc.merge(e, on="program_id", how="left")
    return sc.sort_values("program_id", kind="mergesort").reset_index(drop=True)


def _effect(r) -> tuple[float | None, float | None, float | None]:
    est = _num(r.get("est_estimate")) if _num(r.get("est_estimate")) is not None else _num(r.get("att_pp"))
    lo = _num(r.get("est_ci_low")) if _num(r.get("est_ci_low")) is not None else _num(r.get("att_ci_low"))
    hi = _num(r.get("est_ci_high")) if _num(r.get("est_ci_high")) is not None else _num(r.get("att_ci_high"))
    return est, lo, hi


def flag_of(r) -> str:
    """Reliability flag of a programme effect: the estimate's flag, else from ``precision``."""
    f = r.get("est_flag")
    if isinstance(f, str) and f:
        return f
    prec = str(r.get("precision", "") or "")
    return "unreliable" if prec == "insufficient" else ("ok" if prec else "")


def grade(r) -> str:
    """``helps`` / ``harms`` when the 95 % CI excludes zero and the flag is not unreliable, else ``insufficient``."""
    _, lo, hi = _effect(r)
    base = flag_of(r).split(";")[0]
    if lo is None or hi is None or base in ("unreliable", "suppressed"):
        return "insufficient"
    if lo > 0:
        return "helps"
    if hi < 0:
        return "harms"
    return "insufficient"


def closes(r) -> bool:
    """Whether the stage's seat change takes the programme to 0 seats (or the stage says close)."""
    if str(r.get("recommendation", "")) == "close":
        return True
    seats, change = _num(r.get("seats")), _num(r.get("seat_change"))
    return seats is not None and change is not None and change < 0 and seats + change <= 0


def shown_recommendation(r, lang: str) -> tuple[str, bool]:
    """(word shown in the brief, whether it differs from the stage's recommendation)."""
    code = str(r.get("recommendation", "") or "")
    if closes(r):
        return t("rec_close", lang), False
    g = grade(r)
    if code == "expand" and g != "helps":
        return t("rec_insufficient_evidence", lang), True
    key = f"rec_{code}"
    from analysis.brief.i18n import has
    return (t(key, lang) if has(key) else code), False


def sample_needed(r, target_pp: float, power: pd.DataFrame | None = None) -> tuple[float | None, bool]:
    """(responding trainees + controls needed, whether it is the brief's approximation)."""
    for c in NEEDED_COLUMNS:
        v = _num(r.get(c))
        if v is not None:
            return v, False
    if power is not None and "program_id" in power.columns:
        m = power[power["program_id"].astype(str) == str(r.get("program_id"))]
        for c in NEEDED_COLUMNS:
            if not m.empty and c in m.columns and _num(m.iloc[0][c]) is not None:
                return _num(m.iloc[0][c]), False
    se = _num(r.get("est_se"))
    n_t, n_c = _num(r.get("n_treated_responding")), _num(r.get("n_control_responding"))
    n = (n_t or 0) + (n_c or 0) if (n_t or n_c) else _num(r.get("est_n_sample"))
    if se is None or not n:
        return None, True
    return float(math.ceil(n * (Z_POWER * se / target_pp) ** 2)), True


def pooled(effects: pd.DataFrame) -> dict | None:
    """The pooled effect over all programmes (``training_att_pp``, domain ``ALL``)."""
    if effects.empty:
        return None
    m = effects[effects["domain_code"].astype(str) == "ALL"]
    return None if m.empty else m.iloc[0].to_dict()


def _effects(ctx) -> pd.DataFrame:
    return ctx.data.select("training_att_pp", "programme")


def _pooled_sentence(ctx) -> str:
    lang = ctx.lang
    p = pooled(_effects(ctx))
    if p is None:
        return ""
    from analysis.brief import narrative
    return t("train_pooled", lang, est=fmt.signed(p["estimate"], 1, lang), ci=fmt.ci(p["ci_low"], p["ci_high"], 1, lang),
             n=fmt.number(p.get("n_sample"), 0, lang), flag=narrative.quality_label(p.get("flag"), lang))


def decision_block(ctx) -> str:
    """D3: programmes by evidence grade, the pooled effect, the rule in one sentence."""
    lang = ctx.lang
    parts = [html.h3(t("dec_train_title", lang))]
    tab = programme_table(ctx.data.table("programme_scorecard"), _effects(ctx))
    if tab is None:
        return "".join(parts) + html.not_available(lang, "skills/tables/programme_scorecard.csv")
    tab["_grade"] = [grade(r) for _, r in tab.iterrows()]
    tab["_close"] = [closes(r) for _, r in tab.iterrows()]
    rows = []
    for g in GRADES:
        sub = tab[tab["_grade"] == g]
        if sub.empty:
            continue
        names = (", ".join(f"{r['program_id']}" for _, r in sub.iterrows()) if len(sub) <= 8
                 else t("see_t4", lang))
        rows.append([t(f"grade_{g}", lang), fmt.number(len(sub), 0, lang),
                     fmt.number(sub["seats"].sum(), 0, lang) if "seats" in sub.columns else fmt.MISSING, names])
    parts.append('<div class="cols"><div>')
    parts.append(html.para(t("dec_train_lead", lang, n=len(tab), helps=int((tab["_grade"] == "helps").sum()),
                             harms=int((tab["_grade"] == "harms").sum()),
                             insufficient=int((tab["_grade"] == "insufficient").sum()),
                             closed=int(tab["_close"].sum())), "decision"))
    parts.append("</div><div>")
    parts.append(html.table([t("col_evidence", lang), t("col_programmes", lang), t("col_seats", lang),
                             t("col_programme_ids", lang)], rows, numeric=[False, True, True, False],
                            cls="data compact", caption=t("dec_train_caption", lang),
                            source=ctx.src("skills/programme_scorecard", None, "skills/estimates"), lang=lang,
                            exhibit="D3"))
    parts.append("</div></div>")
    ps = _pooled_sentence(ctx)
    parts.append(html.note(" ".join(x for x in (ps, t("train_rule_short", lang)) if x)))
    return "".join(parts)


def scorecard_table(ctx) -> str:
    """Annex table T4: every programme with n, effect, SK 95 %, flag, grade, the stage's and the shown word."""
    lang = ctx.lang
    tab = programme_table(ctx.data.table("programme_scorecard"), _effects(ctx))
    if tab is None:
        return html.not_available(lang, "skills/tables/programme_scorecard.csv")
    target = target_effect(ctx.cfg)
    power = ctx.data.table("power") if hasattr(ctx.data, "table") else None
    from analysis.brief import charts, narrative
    rows, approx_used, differs = [], False, False
    for i, r in tab.iterrows():
        est, lo, hi = _effect(r)
        name = str(r.get("program_name", r["program_id"]))
        if not fmt.is_missing(r.get("provider_type")):
            name += f" ({r['provider_type']})"
        n_t, n_c = _num(r.get("n_treated_responding")), _num(r.get("n_control_responding"))
        n_txt = (f"{fmt.number(n_t, 0, lang)}/{fmt.number(n_c, 0, lang)}" if n_t is not None or n_c is not None
                 else fmt.number(r.get("est_n_sample"), 0, lang))
        g = grade(r)
        word, diff = shown_recommendation(r, lang)
        differs |= diff
        stage_word = narrative.rec_word(r.get("recommendation"), lang)
        need = fmt.MISSING
        if g == "insufficient":
            v, approx = sample_needed(r, target, power)
            if v is not None:
                need = ("\u2248" if approx else "") + fmt.number(v, 0, lang)
                approx_used |= approx
        seats = _num(r.get("seats"))
        chg = _num(r.get("seat_change"))
        seat_txt = (f"{fmt.number(seats, 0, lang)} \u2192 {fmt.number((seats or 0) + (chg or 0), 0, lang)}"
                    if seats is not None else fmt.MISSING)
        rows.append([charts.programme_number(r["program_id"], i), name, n_txt, fmt.signed(est, 1, lang),
                     fmt.ci(lo, hi, 1, lang), narrative.quality_label(flag_of(r), lang), t(f"grade_{g}", lang),
                     word + (" \u2021" if diff else ""), stage_word, seat_txt, need])
    header = ["No.", t("col_programme", lang), t("col_n_resp", lang), t("col_effect_pp", lang), t("col_ci", lang),
              t("col_quality", lang), t("col_evidence", lang), t("col_rec_shown", lang), t("col_rec_stage", lang),
              t("col_seats_change", lang), t("col_n_needed", lang)]
    out = [html.table(header, rows, numeric=[True, False, True, True, True, False, False, False, False, True, True],
                      cls="data compact scorecard", caption=t("scorecard_caption", lang),
                      source=ctx.src("skills/programme_scorecard", None, "skills/estimates"), lang=lang, exhibit="T4")]
    notes = [t("train_rule_long", lang, target=fmt.number(target, 0, lang))]
    if differs:
        notes.append("\u2021 " + t("train_differs", lang))
    if approx_used:
        notes.append("\u2248 " + t("train_needed_approx", lang, target=fmt.number(target, 0, lang)))
    notes.append(_pooled_sentence(ctx))
    notes.append(t("train_assumptions", lang))
    out.append(html.note(" ".join(n for n in notes if n)))
    return "".join(out)
