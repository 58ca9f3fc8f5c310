"""The sections of the city brief and of the one-page kecamatan brief.

Each function takes a :class:`BriefContext` and returns an HTML fragment; the notebooks only call
them and display the result (``html.show``). A section whose inputs are absent returns a visible
"bagian ini belum tersedia" / "this section is not yet available" note instead of failing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.brief import charts, fmt, html, industry, keypoints, narrative, official, training
from analysis.brief.data import BriefData, load_brief_data, pick
from analysis.brief.i18n import T, category_name, has, indicator_name, level_name, localise_source, t
from analysis.codes import KOTA_CODE

KOTA = KOTA_CODE


@dataclass
class BriefContext:
    cfg: object
    data: BriefData
    lang: str = "id"
    provenance: dict | None = None
    kecamatan_code: str | None = None
    notes: list[str] = field(default_factory=list)
    # every change tested by the stages, with the multiple-comparison rule applied (keypoints)
    tests: pd.DataFrame = field(default_factory=pd.DataFrame)
    rule: tuple[str, float] = ("bh", keypoints.DEFAULT_FDR)

    @property
    def synthetic(self) -> bool:
        return bool(getattr(self.cfg, "synthetic", False))

    @property
    def id(self) -> bool:
        return self.lang == "id"

    def src(self, key: str, survey: str | None = None, *more: str) -> str:
        """Source line: survey, file(s) behind the numbers (release paths), synthetic marker."""
        parts = [survey] if survey else []
        parts.append(self.data.source_of(key))
        parts += [self.data.source_of(k) for k in more]
        if self.synthetic:
            parts.append("data sintetis" if self.id else "synthetic data")
        return "; ".join(p for p in parts if p)


def get_provenance(cfg) -> dict:
    """The provenance record of the run (:func:`analysis.provenance.collect`)."""
    from analysis.provenance import collect

    return collect(cfg)


def context(config_path: str, language: str = "id", kecamatan_code: str | None = None,
            root: str | Path | None = None, provenance: dict | None = None) -> BriefContext:
    """Load the config, the stage outputs and the provenance record of one brief."""
    from analysis.config import load_config
    cfg = load_config(config_path)
    if language not in ("id", "en"):
        raise ValueError(f"language must be 'id' or 'en', got {language!r}")
    data = load_brief_data(cfg, root)
    prov = provenance if provenance is not None else get_provenance(cfg)
    rule = keypoints.settings(cfg)
    tests = keypoints.tested_changes(data.table("changes"), *rule)
    apply_rule(data, tests)
    return BriefContext(cfg=cfg, data=data, lang=language, provenance=prov, kecamatan_code=kecamatan_code or None,
                        tests=tests, rule=rule)


def apply_rule(data: BriefData, tests: pd.DataFrame) -> None:
    """Make every "naik/turun" of the brief follow the multiple-comparison rule.

    The stages' ``significant`` (each test at 5 %) is kept as ``significant_single``;
    ``significant`` becomes ``holds`` of :func:`keypoints.tested_changes` and ``p_adjusted`` is added.
    """
    if tests.empty:
        return
    key = ["indicator", "domain_level", "domain_code"]
    adj = tests[key + ["p_adjusted", "holds"]].astype({"domain_code": str})
    for k in [k for k in data.tables if k.endswith("/changes")]:
        tab = data.tables[k]
        if not set(key) <= set(tab.columns) or "p_adjusted" in tab.columns:
            continue
        tab = tab.astype({"domain_code": str}).merge(adj, on=key, how="left")
        if "significant" in tab.columns:
            tab["significant_single"] = tab["significant"]
        tab["significant"] = tab["holds"].fillna(False).astype(bool)
        data.tables[k] = tab.drop(columns=["holds"])


def release_date(ctx: BriefContext):
    """Provenance build date, else the config's ``release_date``, else SOURCE_DATE_EPOCH."""
    bd = (ctx.provenance or {}).get("build_date") or getattr(ctx.cfg, "release_date", None)
    return bd if bd else fmt.build_date()


def _status(ctx: BriefContext) -> str:
    if ctx.synthetic:
        return t("status_synthetic", ctx.lang)
    key = f"status_{(ctx.cfg.brief or {}).get('status', 'provisional')}"
    try:
        return t(key, ctx.lang)
    except KeyError:
        return str((ctx.cfg.brief or {}).get("status"))


def _ref_period(ctx: BriefContext) -> str:
    p = ctx.data.period
    return "; ".join([narrative.period_label("p0", p, ctx.lang).join(["Susenas ", ""]),
                      narrative.period_label("tpt", p, ctx.lang).join(["Sakernas ", ""])])


# --------------------------------------------------------------------------------------------
# city brief
# --------------------------------------------------------------------------------------------
def header(ctx: BriefContext, title: str | None = None) -> str:
    """Synthetic banner (demo runs) and masthead."""
    lang = ctx.lang
    title = title or t("title_city", lang, period=ctx.data.period)
    b = ctx.cfg.brief or {}
    fields = [
        (t("reference_period", lang), _ref_period(ctx)),
        (t("release_date", lang), fmt.date_long(release_date(ctx), lang)),
        (t("status", lang), _status(ctx)),
        ("Nomor rilis" if ctx.id else "Release no.", b.get("release_number", "")),
        (t("next_release", lang), b.get("next_release", "")),
        (t("contact", lang), b.get("contact", "")),
    ]
    return html.banner(ctx.synthetic, lang) + html.masthead(title, lang, fields, t("subtitle", lang))


def _box(ctx, indicator, level="kota", code=None, label=None):
    d = ctx.data
    now = d.get(indicator, level, code)
    if now is None:
        return None
    unit = now.get("unit", "percent")
    lang = ctx.lang
    if narrative.flag_base(now.get("flag")) == "suppressed" or fmt.is_missing(now.get("estimate")):
        return {"label": label or indicator_name(indicator, lang), "value": t("flag_suppressed", lang),
                "period": narrative.period_label(indicator, d.period, lang),
                "quality": _cap(narrative.reliability_phrase(now.get("flag"), None, lang, thresholds=ctx.cfg.reliability))}
    prev = d.get(indicator, level, code, period=d.previous_period)
    chg = d.change(indicator, level, code)
    change = narrative.change_phrase(now, prev, chg, lang,
                                     prev_label=narrative.period_label(indicator, d.previous_period, lang))
    value = fmt.value(now["estimate"], unit, lang) if unit != "count" else fmt.count(now["estimate"], "persons", lang)
    return {
        "label": label or indicator_name(indicator, lang),
        "period": narrative.period_label(indicator, d.period, lang),
        "value": value,
        "ci": f"{fmt.ci_label(lang=lang)}: {fmt.ci(now.get('ci_low'), now.get('ci_high'), fmt.decimals_for(unit), lang)}",
        "change": change[:1].upper() + change[1:] if change else "",
        "quality": _cap(narrative.reliability_phrase(now.get("flag"), now.get("rse"), lang,
                                                     thresholds=ctx.cfg.reliability)),
    }


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def headline_figures(ctx: BriefContext) -> str:
    lang = ctx.lang
    poor = "poor_persons" if ctx.data.has("poor_persons") else "n_poor"
    boxes = [b for b in (_box(ctx, "p0"), _box(ctx, poor), _box(ctx, "tpt")) if b]
    for i, b in enumerate(boxes, 1):
        b["exhibit"] = f"H{i}"
    si = ctx.data.select("shortage_index", "occupation")
    si = si[si["estimate"].notna()] if not si.empty else si
    if not si.empty:
        top = si.sort_values(["estimate", "domain_code"], ascending=[False, True], kind="mergesort").iloc[0]
        boxes.append({
            "label": "Jabatan dengan kekurangan terbesar" if ctx.id else "Occupation with the largest shortage",
            "period": ctx.data.period,
            "value": narrative.occupation_title(ctx.data, top["domain_code"], top["domain_name"], lang),
            "ci": f"{t('ind_shortage_index', lang)} {fmt.number(top['estimate'], 2, lang)} "
                  f"({fmt.ci_label(lang=lang)}: {fmt.ci(top['ci_low'], top['ci_high'], 2, lang)})",
            "quality": f"KBJI {top['domain_code']}",
            "exhibit": f"H{len(boxes) + 1}",
        })
    body = html.key_figures(boxes) if boxes else html.not_available(lang, "estimates.csv")
    return html.section(t("sec_headline", lang), "angka-utama", body)


def main_points(ctx: BriefContext) -> str:
    """Key points [K1]: the city headlines, then every tested change under the stated rule."""
    lang, d = ctx.lang, ctx.data
    pts = [narrative.headline(d, "p0", lang), narrative.headline(d, "tpt", lang)]
    pts += keypoints.change_points(ctx.tests, *ctx.rule, lang=lang)
    pts += [narrative.shortage_point(d, lang)]
    pts = [p for p in pts if p]
    body = (html.bullets(pts, "keypoints", exhibit="K1") if pts else html.not_available(lang, "estimates.csv"))
    return html.section(t("sec_keypoints", lang), "poin-penting", html.exhibit_tag("K1"), body)


def decisions(ctx: BriefContext) -> str:
    """"Keputusan untuk rapat" (:mod:`analysis.brief.decisions`)."""
    from analysis.brief import decisions as dec
    return dec.decision_page(ctx)


def glossary(ctx: BriefContext) -> str:
    """Glossary box [G1] from the ``gl_NN_term`` / ``gl_NN_def`` pairs of the wording files."""
    lang = ctx.lang
    nums = sorted({k[3:5] for k in T if k.startswith("gl_") and k.endswith("_term")})
    pairs = [(t(f"gl_{n}_term", lang), t(f"gl_{n}_def", lang)) for n in nums]
    return (f'<aside class="glossary" id="glosarium"><h2>{html.esc(t("sec_glossary", lang))}</h2>'
            + html.deflist(pairs, "defs glossary-list") + "</aside>")


def official_box(ctx: BriefContext) -> str:
    return official.official_box(ctx)


def annex(ctx: BriefContext) -> str:
    """The heading that starts the annex on a new printed page."""
    return (f'<section class="brief-section annex-start major" id="lampiran"><h2>{html.esc(t("sec_annex", ctx.lang))}</h2>'
            + html.para(t("annex_intro", ctx.lang)) + "</section>")


def industry_section(ctx: BriefContext) -> str:
    return industry.industry_section(ctx, ctx.tests)


def progress(ctx: BriefContext) -> str:
    lang = ctx.lang
    tab = ctx.data.table("progress_kecamatan")
    if tab is None or tab.empty:
        return html.section(t("sec_progress", lang), "pemutakhiran",
                            html.not_available(lang, "clean/progress_kecamatan.csv"))
    fig, alt = charts.progress_bars(tab, lang)
    body = [html.para(narrative.progress_point(ctx.data, lang) or ""),
            html.figure(fig, alt, t("sec_progress", lang), ctx.src("clean/progress_kecamatan",
                        t("ref_registry", lang, year=ctx.data.period)), lang, exhibit="F1")]
    kel = ctx.data.table("progress_kelurahan")
    if kel is not None and not kel.empty:
        body.append(_progress_table(kel, lang, ctx.src("clean/progress_kelurahan"), exhibit="T10"))
    from analysis.brief import decisions as dec

    body.append(dec.worklist_table(ctx))
    return html.section(t("sec_progress", lang), "pemutakhiran", *body)


def _progress_table(tab: pd.DataFrame, lang: str, source: str, caption: str | None = None, cls: str = "data",
                    exhibit: str | None = None) -> str:
    name, pct = pick(tab, "name"), pick(tab, "pct", required=False)
    done, target = pick(tab, "done", required=False), pick(tab, "target", required=False)
    code = pick(tab, "code", required=False)
    tab = tab.sort_values(code or name, kind="mergesort")
    header = ["Kelurahan" if "kode_kel" in tab.columns else t("col_domain", lang)]
    numeric = [False]
    if target:
        header.append("Keluarga sasaran" if lang == "id" else "Target families"); numeric.append(True)
    if done:
        header.append("Terverifikasi" if lang == "id" else "Verified"); numeric.append(True)
    if pct:
        header.append("Persen" if lang == "id" else "Percent"); numeric.append(True)
    rows = []
    for _, r in tab.iterrows():
        row = [r[name]]
        if target:
            row.append(fmt.number(r[target], 0, lang))
        if done:
            row.append(fmt.number(r[done], 0, lang))
        if pct:
            row.append(fmt.number(r[pct], 1, lang))
        rows.append(row)
    cap = caption or ("Kemajuan verifikasi per kelurahan" if lang == "id" else "Verification progress by kelurahan")
    return html.table(header, rows, caption=cap, numeric=numeric, source=source, lang=lang, cls=cls, exhibit=exhibit)


def _estimate_table(rows: pd.DataFrame, lang: str, caption: str, source: str, label=None, exhibit: str | None = None) -> str:
    header = [t("col_domain", lang), t("col_estimate", lang), t("col_ci", lang), t("col_rse", lang), t("col_quality", lang)]
    out = []
    for _, r in rows.iterrows():
        d = r.to_dict()
        name = label(d) if label else d["domain_name"]
        out.append([name, narrative.fmt_row_value(d, lang), html.fmt_ci_cell(d, lang),
                    fmt.number(d.get("rse"), 1, lang), narrative.quality_label(d.get("flag"), lang)])
    return html.table(header, out, caption=caption, numeric=[False, True, True, True, False], source=source, lang=lang,
                      cls="data compact", exhibit=exhibit)


LABOUR_INDICATORS = ("tpt", "tpak", "tkk", "underemployment", "parttime", "informal", "youth_tpt", "neet")


def _stage_of(indicator: str) -> str:
    """Stage whose changes.csv holds an indicator's change test."""
    return "labour" if indicator in LABOUR_INDICATORS else "poverty"


def changes_table(ctx: BriefContext, indicators: tuple[str, ...], levels=("kota", "kecamatan")) -> str:
    """Level in both periods, change with its 95 % CI and whether changes.csv calls it significant."""
    d, lang = ctx.data, ctx.lang
    rows = []
    for ind in indicators:
        for lvl in levels:
            codes = d.select(ind, lvl)["domain_code"].tolist()
            for code in codes:
                now = d.get(ind, lvl, code)
                prev = d.get(ind, lvl, code, period=d.previous_period)
                chg = d.change(ind, lvl, code)
                if not chg or now is None:
                    continue
                unit = now.get("unit", "percent")
                dec = fmt.decimals_for(unit)
                sig = narrative.is_significant(chg)
                est = chg.get("estimate")
                if fmt.is_missing(est):
                    verdict = t("flag_suppressed", lang)
                elif sig:
                    verdict = ("turun" if float(est) < 0 else "naik") if ctx.id else ("down" if float(est) < 0 else "up")
                else:
                    verdict = "dalam batas galat sampling" if ctx.id else "within sampling error"
                name = f"{'P0' if ind == 'p0' else 'TPT' if ind == 'tpt' else indicator_name(ind, lang)} \u2013 {now['domain_name']}"
                rows.append([name, narrative.fmt_row_value(prev or {}, lang), narrative.fmt_row_value(now, lang),
                             fmt.signed(est, dec, lang), fmt.ci(chg.get("ci_low"), chg.get("ci_high"), dec, lang),
                             fmt.number(chg.get("p_value"), 3, lang), fmt.number(chg.get("p_adjusted"), 3, lang), verdict])
    if not rows:
        return ""
    p, q = d.previous_period, d.period
    header = [t("col_domain", lang), p, q, t("col_change_pp", lang), t("col_ci", lang),
              "Nilai p" if ctx.id else "p-value", "p terkoreksi" if ctx.id else "adjusted p", t("col_reading", lang)]
    return html.table(header, rows, numeric=[False, True, True, True, True, True, True, False],
                      exhibit="T7",
                      caption=(f"Perubahan {p}\u2013{q} (uji beda dua sampel independen, 95%)" if ctx.id
                               else f"Change {p}\u2013{q} (two independent samples, 95%)"),
                      source=ctx.src(f"{_stage_of(indicators[0])}/changes"), lang=lang)


def _concept_notes(ctx: BriefContext, ids: tuple[str, ...]) -> list[str]:
    return [n for n in (ctx.data.concept_note(i, ctx.lang) for i in ids) if n]


def poverty(ctx: BriefContext) -> str:
    lang, d = ctx.lang, ctx.data
    kec = d.select("p0", "kecamatan")
    if kec.empty and d.select("p0", "kelurahan").empty and d.select("p0", "kota").empty:
        return html.section(t("sec_poverty", lang), "kemiskinan", html.not_available(lang, "poverty/estimates.csv"),
                            major=True)
    survey = t("ref_poverty", lang, year=d.period)
    body = []
    h = narrative.headline(d, "p0", lang)
    if h:
        body.append(html.para(h))
    if not kec.empty:
        body.append(html.para(narrative.kecamatan_poverty_point(d, lang) or ""))
        fig, alt = charts.poverty_by_kecamatan(d, lang)
        body.append(html.figure(fig, alt, f"{t('ind_p0', lang)} " + ("menurut kecamatan; * = perlu hati-hati atau tidak akurat"
                                                                      if ctx.id else "by kecamatan; * = use with caution or not reliable"),
                                ctx.src("poverty/estimates", survey), lang, exhibit="F2"))
    poor = "poor_persons" if d.has("poor_persons") else "n_poor"
    rows = pd.concat([d.select(i, lvl) for i in ("p0", poor, "p1", "p2", "gini") for lvl in ("kota", "kecamatan")],
                     ignore_index=True)
    if not rows.empty:
        body.append(_estimate_table(rows, lang, ("Indikator kemiskinan dan ketimpangan" if ctx.id else
                                                 "Poverty and inequality indicators"),
                                    ctx.src("poverty/estimates", survey),
                                    label=lambda r: f"{indicator_name(r['indicator'], lang)} \u2013 {r['domain_name']}", exhibit="T11"))
    body.append(changes_table(ctx, ("p0",)))
    body.append(published_poverty(ctx))
    body.append(kelurahan(ctx))
    body.append(html.h3("DTSEN dan angka BPS" if ctx.id else "DTSEN and BPS figures"))
    notes = [narrative.registry_vs_bps_note(lang, d)] + _concept_notes(ctx, ("registry_count", "desil_definition"))
    body.append('<div class="callout">' + "".join(f"<p>{html.esc(n)}</p>" for n in notes) + "</div>")
    return html.section(t("sec_poverty", lang), "kemiskinan", *body, major=True)


def published_poverty(ctx: BriefContext) -> str:
    """Published BPS context: P0 history chart beside this release's estimate, and a small table."""
    lang, d = ctx.lang, ctx.data
    pub = d.table("published_poverty")
    if pub is None or pub.empty:
        return ""
    parts = [html.h3("Konteks: angka BPS yang dipublikasikan" if ctx.id else "Context: published BPS figures")]
    fig, alt = charts.poverty_history(d, lang, synthetic=ctx.synthetic)
    if fig is not None:
        cap = ("P0 Maret Kota Bontang yang dipublikasikan BPS dan estimasi rilis ini" if ctx.id
               else "Published March P0 of Kota Bontang and this release's estimates")
        if ctx.synthetic:
            cap += (" (estimasi rilis ini dari data sintetis: tidak sebanding dengan angka BPS)" if ctx.id
                    else " (this release's estimates come from synthetic data: not comparable with the BPS figures)")
        parts.append(html.figure(fig, alt, cap, "BPS; " + ctx.src("poverty/published_poverty", None, "poverty/estimates"), lang, exhibit="F4"))
    pp = pub[pub["series"].astype(str) == "published"].copy()
    if not pp.empty:
        wide = {}
        for r in pp.itertuples():
            wide.setdefault(str(r.year), {})[r.indicator] = r.value
        years = sorted(wide)
        cols = [("p0", "P0 (%)", lambda v: fmt.number(v, 2, lang)),
                ("poverty_line", "Garis kemiskinan (Rp/kapita/bulan)" if ctx.id else "Poverty line (Rp/capita/month)",
                 lambda v: fmt.rupiah(v, lang)),
                ("poor_persons", "Penduduk miskin (jiwa)" if ctx.id else "Poor people",
                 lambda v: fmt.number(v, 0, lang)),
                ("p1", "P1", lambda v: fmt.number(v, 2, lang)), ("p2", "P2", lambda v: fmt.number(v, 2, lang))]
        cols = [c for c in cols if any(c[0] in wide[y] for y in years)]
        rows = [[y] + [f(wide[y][k]) if k in wide[y] else fmt.MISSING for k, _, f in cols] for y in years]
        parts.append(html.table([t("col_vintage", lang)] + [h for _, h, _ in cols], rows,
                                numeric=[False] + [True] * len(cols), cls="data compact",
                                caption=("Angka kemiskinan Kota Bontang yang dipublikasikan BPS (sumber sekunder, lihat "
                                         "Sumber data)" if ctx.id else
                                         "Published poverty figures of Kota Bontang (secondary sources, see Data sources)"),
                                source=ctx.src("poverty/published_poverty"), lang=lang, exhibit="T13"))
    return "".join(parts)


def kelurahan(ctx: BriefContext) -> str:
    """Kelurahan P0: honest about the model and its reliability (most figures are flagged)."""
    lang, d = ctx.lang, ctx.data
    df = charts._sae_frame(d)
    if df is None or df.empty:
        return ""
    survey = t("ref_poverty", lang, year=d.period)
    base = df["flag"].map(narrative.flag_base)
    n_ok, n_c, n_u = int((base == "ok").sum()), int((base == "caution").sum()), int((base == "unreliable").sum())
    parts = [html.h3("Kelurahan")]
    intro = d.concept_note("kelurahan_model", lang) or narrative.definitions(lang)[5][1]
    if ctx.id:
        q = (f"Dari {len(df)} estimasi model kelurahan, {n_ok} akurat, {n_c} perlu hati-hati jika digunakan (RSE 25\u201350 "
             f"persen) dan {n_u} dianggap tidak akurat (RSE di atas 50 persen). Angka kelurahan hanya boleh dipakai sebagai "
             "indikasi, bukan untuk memeringkat kelurahan: selang kepercayaannya saling tumpang tindih.")
    else:
        q = (f"Of the {len(df)} kelurahan model estimates, {n_ok} are reliable, {n_c} are to be used with caution (RSE "
             f"25\u201350 percent) and {n_u} are not reliable (RSE above 50 percent). Use kelurahan figures as an "
             "indication only, not to rank kelurahan: their confidence intervals overlap.")
    unver = df[df["flag"].astype(str).str.contains("unverified_registry")]
    if not unver.empty:
        kn = sorted({r.domain_name for r in d.select("p0", "kecamatan").itertuples()
                     if r.domain_code in set(unver["kecamatan_code"])})
        where = ", ".join(kn) or ", ".join(unver["domain_name"])
        q += (f" Kelurahan di {where} ditandai karena kovariat modelnya berasal dari registri DTSEN yang belum selesai "
              "diverifikasi." if ctx.id else
              f" Kelurahan in {where} are flagged because their model covariates come from a DTSEN registry whose "
              "verification is not finished.")
    parts += [html.para(intro), html.para(q)]
    fig, alt = charts.kelurahan_direct_vs_model(d, lang)
    parts.append(html.figure(fig, alt, ("P0 kelurahan: estimasi langsung dan model Fay-Herriot (SK 95%); * = perlu hati-hati, "
                                        "** = tidak akurat" if ctx.id else
                                        "Kelurahan P0: direct and Fay-Herriot estimates (95% CI); * = use with caution, "
                                        "** = not reliable"),
                             ctx.src("poverty/kelurahan_p0", survey, "poverty/estimates"), lang, exhibit="F3"))
    # The meeting asked for a map; no boundary files are available offline, so a tile schematic
    # (one tile per kelurahan, grouped by kecamatan) shows where the model estimates sit.
    fig, alt = charts.kelurahan_tiles(d, lang)
    parts.append(html.figure(fig, alt, ("Skema (bukan peta) 15 kelurahan menurut kecamatan, diwarnai menurut P0 model "
                                        "Fay-Herriot; lihat tabel di bawah untuk SK dan kualitas, bukan untuk peringkat"
                                        if ctx.id else
                                        "Schematic (not a map) of the 15 kelurahan by kecamatan, shaded by the Fay-Herriot "
                                        "P0; see the table below for CIs and quality: not a ranking"),
                             ctx.src("poverty/kelurahan_p0", survey, "poverty/estimates"), lang, exhibit="F3b"))
    rows = []
    has_bm = "benchmarked" in df.columns
    for _, r in df.iterrows():
        direct = (f"{fmt.number(r['direct_estimate'], 1, lang)} ({fmt.ci(r.get('direct_ci_low'), r.get('direct_ci_high'), 1, lang)})"
                  if not fmt.is_missing(r.get("direct_estimate")) else fmt.MISSING)
        row = [r["domain_name"] + (" \u2020" if "synthetic" in str(r["method"]) else ""),
               fmt.number(r.get("n_sample"), 0, lang), direct,
               f"{fmt.number(r['estimate'], 1, lang)} ({fmt.ci(r['ci_low'], r['ci_high'], 1, lang)})"]
        if has_bm:
            row.append(fmt.number(r.get("benchmarked"), 1, lang))
        row += [fmt.number(r.get("rse"), 0, lang), narrative.quality_label(r["flag"], lang)
                + (" \u2021" if "unverified_registry" in str(r["flag"]) else "")]
        rows.append(row)
    header = ["Kelurahan", "n", ("Langsung (SK 95%)" if ctx.id else "Direct (95% CI)"),
              ("Model FH (SK 95%)" if ctx.id else "FH model (95% CI)")]
    if has_bm:
        header.append("Dibenchmark" if ctx.id else "Benchmarked")
    header += [t("col_rse", lang), t("col_quality", lang)]
    parts.append(html.table(header, rows, numeric=[False, True, True, True] + ([True] if has_bm else []) + [True, False],
                            cls="data compact", caption=("P0 kelurahan (persen)" if ctx.id else "Kelurahan P0 (percent)"),
                            source=ctx.src("poverty/kelurahan_p0", survey, "poverty/estimates"),
                            lang=lang, exhibit="T6"))
    notes = ["n = " + ("banyaknya rumah tangga sampel Susenas." if ctx.id else "Susenas sample households.")]
    if (df["method"].astype(str).str.contains("synthetic")).any():
        notes.append("\u2020 " + narrative.reliability_phrase("ok;synthetic_estimate", None, lang).split("; ", 1)[-1] + ".")
    if not unver.empty:
        notes.append("\u2021 " + ("data DTSEN belum terverifikasi." if ctx.id else "registry data not yet verified."))
    parts.append(html.note(" ".join(notes)))
    return "".join(parts)


def labour(ctx: BriefContext) -> str:
    lang, d = ctx.lang, ctx.data
    if d.select("tpt", "kota").empty and d.select("tpt", "education").empty:
        body = [html.not_available(lang, "labour/estimates.csv")]
    else:
        survey = t("ref_labour", lang, year=d.period)
        body = [html.para(narrative.headline(d, "tpt", lang) or "")]
        body.append(html.para(narrative.education_point(d, lang) or ""))
        fig, alt = charts.tpt_by_education_sex(d, lang)
        body.append(html.figure(fig, alt, "TPT " + ("menurut pendidikan dan jenis kelamin (SK 95%); * = perlu hati-hati"
                                                    if ctx.id else "by education and sex (95% CI); * = use with caution"),
                                ctx.src("labour/estimates", survey), lang, exhibit="F5"))
        rows = pd.concat([d.select(i, "kota") for i in ("tpt", "tpak", "tkk", "underemployment", "parttime", "informal",
                                                          "youth_tpt", "neet")]
                         + [d.select("tpt", "kecamatan")], ignore_index=True)
        if not rows.empty:
            body.append(_estimate_table(rows, lang, "Indikator ketenagakerjaan" if ctx.id else "Labour indicators",
                                        ctx.src("labour/estimates", survey),
                                        label=lambda r: f"{indicator_name(r['indicator'], lang)} \u2013 {r['domain_name']}", exhibit="T12"))
        body.append(changes_table(ctx, ("tpt",)))
        fig, alt = charts.tpt_history(d, lang, synthetic=ctx.synthetic)
        cap = ("TPT Agustus yang dipublikasikan BPS dan estimasi rilis ini" if ctx.id
               else "Published August TPT and this release's estimates")
        if ctx.synthetic:
            cap += (" (estimasi rilis ini dari data sintetis)" if ctx.id else " (this release's estimates from synthetic data)")
        pub = "labour/tpt_published" if ctx.data.table("tpt_published") is not None else "published_indicators"
        body.append(html.figure(fig, alt, cap, "BPS; " + ctx.src(pub, survey, "labour/estimates"), lang, exhibit="F6"))
    body.append(aki(ctx))
    return html.section(t("sec_labour", lang), "ketenagakerjaan", *body, major=True)


def aki(ctx: BriefContext) -> str:
    lang = ctx.lang
    ex = narrative.aki_explanation(ctx.data.table("aki_vs_tpt"), ctx.data.table("aki_reasons"), lang)
    if ex is None:
        return html.h3(t("sec_aki", lang)) + html.not_available(lang, "labour/tables/aki_vs_tpt.csv, aki_reasons.csv")
    parts = [html.h3(t("sec_aki", lang)), html.para(ex["intro"])]
    for title, items in ex["groups"]:
        parts.append(html.table([t("col_item", lang), t("col_value", lang), t("col_source", lang)],
                                [list(f) for f in items], numeric=[False, True, False], cls="data compact sources",
                                caption=title or ("TPT dan AK/I" if ctx.id else "TPT and AK/I"), lang=lang, exhibit="T3"))
    if ex["groups"]:
        parts.append(html.note(("Sumber: " if ctx.id else "Source: ") + ctx.src("labour/aki_vs_tpt") + ". "
                               + ("\u2013 = tidak dapat diperkirakan dari data ini atau tidak ditampilkan karena sampel "
                                  "terlalu kecil." if ctx.id else
                                  "\u2013 = not estimable from these data, or suppressed because the sample is too small.")))
    if ex["reasons"]:
        parts.append(html.table(["Penyebab perbedaan" if ctx.id else "Reason for the difference", t("col_count", lang)],
                                [list(r) for r in ex["reasons"]], numeric=[False, True], cls="data compact",
                                source=ctx.src("labour/aki_reasons"), lang=lang, exhibit="T3b"))
    parts.append(html.para(ex["closing"]))
    return "".join(parts)


def skills(ctx: BriefContext) -> str:
    lang, d = ctx.lang, ctx.data
    body = []
    if d.select("shortage_index", "occupation").empty:
        body.append(html.not_available(lang, "skills/estimates.csv"))
    else:
        body.append(html.para(narrative.shortage_point(d, lang) or ""))
        fig, alt = charts.shortage_diverging(d, lang)
        body.append(html.figure(fig, alt, (f"{t('ind_shortage_index', lang)} menurut jabatan (KBJI 2014), SK 95%; 12 jabatan "
                                           "dengan nilai mutlak terbesar; batang pudar bergaris = tidak berbeda nyata dari nol"
                                           if ctx.id else
                                           f"{t('ind_shortage_index', lang)} by occupation (KBJI 2014), 95% CI; the 12 "
                                           "occupations with the largest absolute values; faded hatched bars = not "
                                           "significantly different from zero"),
                                ctx.src("skills/estimates", t("ref_disnaker", lang, year=d.period)), lang, exhibit="F7"))
    sc = d.table("programme_scorecard")
    body.append(html.h3("Rekomendasi pelatihan" if ctx.id else "Training recommendations"))
    if sc is None or sc.empty:
        body.append(html.not_available(lang, "skills/tables/programme_scorecard.csv"))
    else:
        body.append(training.scorecard_table(ctx))
        fig, alt = charts.programme_quadrant(sc, lang)
        body.append(html.figure(fig, alt, ("Program pelatihan: indeks kekurangan jabatan sasaran dan efek terhadap peluang "
                                           "bekerja; nomor = kartu skor di atas" if ctx.id else
                                           "Training programmes: target-occupation shortage and employment effect; "
                                           "numbers = scorecard above"),
                                ctx.src("skills/programme_scorecard"), lang, exhibit="F8"))
    return html.section(t("sec_skills", lang), "keterampilan", *body, major=True)


def targeting_table(ctx: BriefContext, df: pd.DataFrame, with_area: bool = True, counts: bool = True,
                    caption: str | None = None, exhibit: str | None = None) -> str:
    """PKH/BPNT x cut (x area) inclusion and exclusion errors from ``targeting_errors.csv`` (‡ = unverified registry)."""
    lang = ctx.lang
    rows, prev = [], None
    for _, r in df.iterrows():
        key = (r["programme"], r["cut"])
        first = key != prev
        prev = key
        row = [t(f"prog_{r['programme']}", lang) if first else "", t(f"cut_{r['cut']}", lang) if first else ""]
        if with_area:
            row.append(str(r.get("domain_name", r["domain_code"]))
                       + (" \u2021" if "unverified_registry" in str(r.get("flag", "")) else ""))
        if counts:
            row += [fmt.number(r.get("n_eligible"), 0, lang), fmt.number(r.get("n_recipients"), 0, lang)]
        row += [fmt.number(r["inclusion_error"], 1, lang), fmt.number(r["exclusion_error"], 1, lang)]
        rows.append(row)
    header = ["Program", "Batas" if ctx.id else "Cut"]
    numeric = [False, False]
    if with_area:
        header.append(t("col_domain", lang)); numeric.append(False)
    if counts:
        header += ["Keluarga layak" if ctx.id else "Families eligible", "Keluarga penerima" if ctx.id else "Families receiving"]
        numeric += [True, True]
    header += ["Inklusi (%)" if ctx.id else "Inclusion (%)", "Eksklusi (%)" if ctx.id else "Exclusion (%)"]
    numeric += [True, True]
    if caption is None:
        caption = ("Kesalahan sasaran PKH dan BPNT per kecamatan" if ctx.id else "PKH and BPNT targeting errors by kecamatan")
    return html.table(header, rows, numeric=numeric, cls="data compact", caption=caption,
                      source=ctx.src("poverty/targeting_errors", t("ref_registry", lang, year=ctx.data.period)), lang=lang, exhibit=exhibit)


def _survey_targeting_note(ctx: BriefContext) -> str:
    """Susenas cross-check of targeting (estimates ``<prog>_<err>_error_<cut>``, kota), published or suppressed."""
    d, lang = ctx.data, ctx.lang
    bits, n_supp = [], 0
    for prog in narrative.PROGRAMMES:
        for cut, ck in (("poor", "poverty_line"), ("b40", "bottom40")):
            for err in ("inclusion", "exclusion"):
                r = d.get(f"{prog}_{err}_error_{cut}", "kota")
                if r is None:
                    continue
                if narrative.flag_base(r.get("flag")) == "suppressed" or fmt.is_missing(r.get("estimate")):
                    n_supp += 1
                    continue
                name = (f"{prog.upper()} {'inklusi' if ctx.id else 'inclusion'}" if err == "inclusion"
                        else f"{prog.upper()} {'eksklusi' if ctx.id else 'exclusion'}")
                rel = narrative.reliability_clause(r, lang)
                bits.append(f"{name}, {t(f'cut_{ck}', lang).lower()}: {fmt.percent(r['estimate'], 1, lang)} "
                            f"({fmt.ci_label(lang=lang)}: {fmt.ci(r['ci_low'], r['ci_high'], 1, lang)}"
                            + (f"; {rel}" if rel else "") + ")")
    if not bits and not n_supp:
        return ""
    s = ("Pemeriksaan silang dengan Susenas (pengeluaran sebenarnya, bukan prediksi PMT; tingkat kota): "
         if ctx.id else "Cross-check with Susenas (actual expenditure, not the PMT prediction; city level): ")
    s += "; ".join(bits) if bits else ("tidak ada angka yang dapat ditampilkan" if ctx.id else "no figure can be shown")
    if n_supp:
        s += (f". {n_supp} angka lain tidak ditampilkan karena sampel penerima terlalu kecil" if ctx.id
              else f". {n_supp} other figures are suppressed because the sample of recipients is too small")
    return html.note(s + ". " + (f"Sumber: {ctx.src('poverty/estimates', t('ref_poverty', lang, year=d.period))}." if ctx.id
                                 else f"Source: {ctx.src('poverty/estimates', t('ref_poverty', lang, year=d.period))}."))


def targeting(ctx: BriefContext, codes: list[str] | None = None) -> str:
    lang = ctx.lang
    df = narrative.targeting_rows(ctx.data, codes)
    if df is None:
        return html.section(t("sec_targeting", lang), "sasaran", html.not_available(lang, "poverty/tables/targeting_errors.csv"),
                            major=True)
    body = [html.para(narrative.targeting_point(ctx.data, lang, codes[0] if codes else KOTA) or "")]
    notes = _concept_notes(ctx, ("targeting_definition", "bottom40_vs_desil"))
    if notes:
        body.append('<div class="callout">' + "".join(f"<p>{html.esc(n)}</p>" for n in notes) + "</div>")
    body.append(targeting_table(ctx, df, exhibit="T8"))
    if df["flag"].astype(str).str.contains("unverified_registry").any():
        body.append(html.note("\u2021 " + ("sebagian data registri wilayah ini belum terverifikasi (pemutakhiran DTSEN belum "
                                           "selesai)." if ctx.id else
                                           "part of this area's registry is not yet verified (DTSEN update not finished).")))
    fig, alt = charts.targeting_errors(ctx.data, lang, codes)
    body.append(html.figure(fig, alt, t("sec_targeting", lang),
                            ctx.src("poverty/targeting_errors", t("ref_registry", lang, year=ctx.data.period)), lang, exhibit="F9"))
    body.append(_survey_targeting_note(ctx))
    return html.section(t("sec_targeting", lang), "sasaran", *body, major=True)


QUALITY_FLAGS = ("ok", "caution", "unreliable", "suppressed")
STAGE_NAMES = {"poverty": ("Kemiskinan", "Poverty"), "labour": ("Ketenagakerjaan", "Labour"),
               "skills": ("Keterampilan", "Skills")}


def quality(ctx: BriefContext) -> str:
    lang, d = ctx.lang, ctx.data
    body = []
    if ctx.synthetic:
        body.append(f'<div class="callout"><strong>{html.esc(t("synthetic_banner", lang))}.</strong> '
                    f'{html.esc(t("synthetic_banner_detail", lang))}</div>')
    e = d.estimates
    if not e.empty:
        lv = e[~e["indicator"].str.endswith("_change")].copy()
        lv["_base"] = lv["flag"].map(narrative.flag_base)
        stages = [s for s in STAGE_NAMES if "stage" in lv.columns and (lv["stage"] == s).any()]
        rows = []
        for f in QUALITY_FLAGS:
            m = lv["_base"] == f
            row = [t(f"flag_{f}", lang)] + [fmt.number(int((m & (lv["stage"] == s)).sum()), 0, lang) for s in stages]
            rows.append(row + [fmt.number(int(m.sum()), 0, lang)])
        body.append(html.para(
            "Keandalan semua estimasi yang diterbitkan bersama ringkasan ini (aturan RSE BPS; tidak termasuk estimasi "
            "perubahan). Sebagian besar estimasi yang tidak akurat adalah rincian kecil (kelurahan, kelompok rumah tangga, "
            "jabatan) yang diterbitkan lengkap untuk transparansi:" if ctx.id else
            "Reliability of all estimates published with this brief (BPS RSE rule; change estimates not included). "
            "Most estimates that are not reliable are small breakdowns (kelurahan, household groups, occupations) "
            "published in full for transparency:"))
        body.append(html.table([t("col_quality", lang)] + [STAGE_NAMES[s][0 if ctx.id else 1] for s in stages] + ["Total"],
                               rows, numeric=[False] + [True] * (len(stages) + 1), source="estimates.csv", lang=lang,
                               caption=("Banyaknya estimasi menurut kualitas" if ctx.id else "Estimates by quality"), exhibit="T5"))
        flagged = lv[lv["_base"].isin(["caution", "unreliable", "suppressed"])]
        if not flagged.empty:
            g = (flagged.groupby(["indicator", "domain_level", "_base"]).size().unstack("_base", fill_value=0)
                 .reindex(columns=["caution", "unreliable", "suppressed"], fill_value=0))
            g["_n"] = g.sum(axis=1)
            g = g.reset_index().sort_values(["_n", "indicator", "domain_level"], ascending=[False, True, True],
                                            kind="mergesort")
            top = g.head(12)
            rows = [[indicator_name(r.indicator, lang), level_name(r.domain_level, lang), fmt.number(r.caution, 0, lang),
                     fmt.number(r.unreliable, 0, lang), fmt.number(r.suppressed, 0, lang)] for r in top.itertuples()]
            cap = ("Estimasi yang perlu hati-hati, tidak akurat, atau tidak ditampilkan, menurut indikator dan tingkat wilayah"
                   if ctx.id else "Estimates to use with caution, not reliable or suppressed, by indicator and domain level")
            if len(g) > len(top):
                cap += (f" ({len(top)} kelompok terbesar dari {len(g)})" if ctx.id else f" (largest {len(top)} of {len(g)} groups)")
            body.append(html.table([t("col_indicator", lang), "Tingkat" if ctx.id else "Level", t("flag_caution", lang),
                                    t("flag_unreliable", lang), t("flag_suppressed", lang)], rows,
                                   numeric=[False, False, True, True, True], cls="data compact", caption=cap,
                                   source="estimates.csv", lang=lang, exhibit="T5b"))
        quals = []
        for q, (qi, qe) in (("unverified_registry", ("memakai data DTSEN yang belum terverifikasi", "rest on unverified DTSEN data")),
                            ("synthetic_estimate", ("adalah estimasi sintetis model tanpa sampel", "are synthetic model estimates with no sample"))):
            n = int(lv["flag"].astype(str).str.contains(q).sum())
            if n:
                quals.append(f"{fmt.number(n, 0, lang)} " + ("estimasi " + qi if ctx.id else "estimates " + qe))
        if quals:
            body.append(html.para(("Catatan tambahan pada penanda kualitas: " if ctx.id else "Qualifiers on the quality flags: ")
                                  + "; ".join(quals) + "."))
    supp = _suppressed_cells(d)
    m = int((ctx.cfg.privacy or {}).get("suppression_min_count", 10))
    body.append(html.para(
        f"Sel tabel dengan jumlah 1 sampai {m - 1} tidak diterbitkan; pemeriksaan kerahasiaan otomatis dijalankan sebelum rilis."
        if ctx.id else f"Table cells with counts from 1 to {m - 1} are not published; an automatic confidentiality check runs before release."))
    if supp:
        body.append(html.table(["Tabel" if ctx.id else "Table", "Baris dengan sel ditekan" if ctx.id else "Rows with suppressed cells"],
                               [[k, fmt.number(v, 0, lang)] for k, v in supp], numeric=[False, True], cls="data compact",
                               caption=("Sel yang ditekan dalam tabel rilis" if ctx.id else "Suppressed cells in the released tables"),
                               lang=lang, exhibit="T5c"))
    log = d.table("cleaning_summary")
    if log is not None and not log.empty:
        cols = [c for c in ("dataset", "rule", "column", "action", "n_rows") if c in log.columns]
        hdr = {"dataset": "Dataset", "rule": "Aturan" if ctx.id else "Rule", "column": "Kolom" if ctx.id else "Column",
               "action": "Tindakan" if ctx.id else "Action", "n_rows": "Baris" if ctx.id else "Rows"}
        rows = [[_code_cell(c, r[c], lang) for c in cols] for _, r in log.iterrows()]
        body.append(html.table([hdr[c] for c in cols], rows, numeric=[c == "n_rows" for c in cols], cls="data compact",
                               caption=("Ringkasan pembersihan data (per aturan; per kecamatan di tables/clean/cleaning_by_kecamatan.csv; "
                                         "log per baris hanya di tingkat akses terbatas, tidak diterbitkan)"
                                        if ctx.id else "Data cleaning summary (by rule; by kecamatan in tables/clean/cleaning_by_kecamatan.csv; "
                                        "the row-level log is kept in the restricted tier, not published)"),
                               source=ctx.src("clean/cleaning_summary"), lang=lang, exhibit="T5d"))
    val = d.table("validation_report")
    if val is not None and not val.empty:
        # The check text is generated in English from the contracts: the Indonesian brief shows the
        # rule that handled it instead, and points to the file with the full text.
        want = ("dataset", "column", "rule", "severity", "n_rows", "handled_by") if not ctx.id else \
            ("dataset", "column", "severity", "n_rows", "handled_by")
        cols = [c for c in want if c in val.columns] or list(val.columns)[:5]
        vh = {"dataset": "Dataset", "column": "Kolom" if ctx.id else "Column", "rule": "Pemeriksaan" if ctx.id else "Check",
              "severity": "Tingkat" if ctx.id else "Severity", "n_rows": "Baris" if ctx.id else "Rows",
              "handled_by": "Ditangani oleh aturan" if ctx.id else "Handled by rule"}
        rows = [[_code_cell({"handled_by": "rule"}.get(c, c), r[c], lang) for c in cols] for _, r in val.iterrows()]
        body.append(html.table([vh.get(c, c) for c in cols], rows, numeric=[c == "n_rows" for c in cols], cls="data compact",
                               caption=("Laporan validasi data mentah. " + t("validation_check_note", lang) if ctx.id
                                        else "Validation report of the raw data"),
                               source=ctx.src("clean/validation_report"), lang=lang, exhibit="T5e"))
    if d.missing:
        body.append(html.note((("Masukan yang belum tersedia: " if ctx.id else "Inputs not yet available: ")
                               + ", ".join(d.missing))))
    return html.section(t("sec_quality", lang), "kualitas", *body, major=True)


def _code_cell(col: str, value, lang: str) -> str:
    """A cleaning/validation table cell: counts formatted, action/rule/severity codes in words."""
    if col == "n_rows":
        return fmt.number(value, 0, lang)
    prefix = {"action": "act_", "rule": "rule_", "severity": "sev_"}.get(col)
    code = "" if fmt.is_missing(value) else str(value)
    if prefix and code and has(prefix + code):
        return t(prefix + code, lang)
    return code


def _suppressed_cells(d: BriefData) -> list[tuple[str, int]]:
    """(table file, rows with a suppressed cell) for every stage table that marks its suppressions."""
    out = []
    for key in sorted(d.tables):
        tab = d.tables[key]
        n = 0
        if "suppressed_cells" in tab.columns:
            n = int((tab["suppressed_cells"].astype(str).str.strip() != "").sum())
        elif "suppressed" in tab.columns:
            n = int(tab["suppressed"].astype(str).str.lower().isin(["true", "1"]).sum())
        if n:
            out.append((d.source_of(key), n))
    return out


def methods(ctx: BriefContext) -> str:
    m = int((ctx.cfg.privacy or {}).get("suppression_min_count", 10))
    return html.section(t("sec_methods", ctx.lang), "metode",
                        html.deflist(narrative.definitions(ctx.lang, ctx.cfg.reliability, m)))


PUBLISHED_USED = ("bontang_tpt_agustus", "bontang_tpt_agustus_original_weights", "bontang_tpt_agustus_backcast_supas2015",
                  "kaltim_tpt_agustus")
PUBLISHED_LABELS = {
    ("p0", "published"): ("P0 Bontang (Maret)", "Bontang P0 (March)"),
    ("poverty_line", "published"): ("Garis kemiskinan Bontang", "Bontang poverty line"),
    ("poor_persons", "published"): ("Penduduk miskin Bontang", "Bontang poor people"),
    ("bontang", "published"): ("TPT Bontang (Agustus)", "Bontang TPT (August)"),
    ("bontang", "published_original_weights"): ("TPT Bontang, bobot awal", "Bontang TPT, original weights"),
    ("bontang", "published_backcast_supas2015"): ("TPT Bontang, backcast SUPAS2015", "Bontang TPT, SUPAS2015 backcast"),
    ("kaltim", "published"): ("TPT Kalimantan Timur (Agustus)", "East Kalimantan TPT (August)"),
}


def _published_rows(ctx: BriefContext) -> list[list[str]]:
    lang, d, idl = ctx.lang, ctx.data, ctx.id
    rows = []
    pov = d.table("published_poverty")
    if pov is not None and {"indicator", "series", "year", "value", "source"} <= set(pov.columns):
        for ind in ("p0", "poverty_line", "poor_persons"):
            sub = pov[(pov["indicator"] == ind) & (pov["series"] == "published")].sort_values("year", kind="mergesort")
            for r in sub.itertuples():
                v = fmt.rupiah(r.value, lang) if ind == "poverty_line" else fmt.number(r.value, 0 if ind == "poor_persons" else 2, lang)
                rows.append([PUBLISHED_LABELS[(ind, "published")][0 if idl else 1], str(r.year), v,
                             localise_source(r.source, lang)])
    tpt = d.table("tpt_published")
    if tpt is not None and {"area", "indicator", "series", "year", "value", "source"} <= set(tpt.columns):
        sub = tpt[(tpt["indicator"] == "tpt") & tpt["series"].astype(str).str.startswith("published")]
        sub = sub.assign(_o=sub["area"].map({"bontang": 0, "kaltim": 1})).sort_values(["_o", "series", "year"], kind="mergesort")
        for r in sub.itertuples():
            lab = PUBLISHED_LABELS.get((r.area, r.series), (f"{r.area} {r.series}",) * 2)[0 if idl else 1]
            rows.append([lab, str(r.year), fmt.number(r.value, 2, lang), localise_source(r.source, lang)])
    elif (pub := d.table("published_indicators")) is not None and not pub.empty and "source" in pub.columns:
        used = pub[pub["indicator"].isin(PUBLISHED_USED)].sort_values(["indicator", "year"], kind="mergesort")
        rows += [[str(r.indicator), str(r.year), fmt.number(r.value, 2, lang), str(r.source)] for r in used.itertuples()]
    return rows


def sources(ctx: BriefContext) -> str:
    lang, p = ctx.lang, ctx.data.period
    idl = ctx.id
    micro = "sintetis (generator proyek, benih tetap)" if (ctx.synthetic and idl) else (
        "synthetic (project generator, fixed seed)" if ctx.synthetic else ("data mikro" if idl else "microdata"))
    rows = [["Susenas (Survei Sosial Ekonomi Nasional), Maret" if idl else "Susenas (National Socio-Economic Survey), March",
             "BPS", p, micro],
            ["Sakernas (Survei Angkatan Kerja Nasional), Agustus" if idl else "Sakernas (National Labour Force Survey), August",
             "BPS", p, micro],
            ["DTSEN (Data Tunggal Sosial dan Ekonomi Nasional)", "Dinas Sosial dan Pemberdayaan Masyarakat", p, micro],
            ["AK/I, lowongan, pelatihan" if idl else "AK/I, vacancies, training", "Disnaker Kota Bontang", p, micro]]
    body = [html.table([t("col_source", lang), t("col_provider", lang), t("col_vintage", lang),
                        "Keterangan" if idl else "Note"], rows, caption=("Data yang diolah" if idl else "Data processed"),
                       lang=lang, exhibit="T14")]
    pub_rows = _published_rows(ctx)
    if pub_rows:
        body.append(html.table([t("col_indicator", lang), t("col_vintage", lang), t("col_value", lang), t("col_source", lang)],
                               pub_rows, numeric=[False, False, True, False], cls="data compact sources",
                               caption=("Angka publikasi yang dipakai sebagai pembanding (sumber sekunder; periksa BRS BPS)"
                                        if idl else "Published figures used for comparison (secondary sources; check BPS releases)"),
                               lang=lang, exhibit="T15"))
    body.append(html.para(t("cite_synthetic" if ctx.synthetic else "cite", lang), "cite"))
    return html.section(t("sec_sources", lang), "sumber", *body)


def provenance(ctx: BriefContext) -> str:
    lang, prov, cfg = ctx.lang, ctx.provenance, ctx.cfg
    rows: list[tuple[str, str]] = []
    if prov:
        commit = str(prov.get("commit", ""))
        if prov.get("dirty"):
            commit += " (dirty)"
        pk = prov.get("packages")
        if isinstance(pk, dict):
            pk = ", ".join(f"{k} {pk[k]}" for k in ("pandas", "numpy", "matplotlib", "babel", "nbconvert", "papermill") if k in pk)
        sha = lambda k: f"sha256:{prov[k]}" if prov.get(k) else ("belum ada" if lang == "id" else "not available")
        rows = [("Commit", commit), ("Source hash", prov.get("source_hash", "")),
                ("Config", f"{prov.get('config_path', '')} {sha('config_sha256')}"),
                ("Raw manifest", sha("raw_manifest_sha256")),
                ("Lock", sha("lock_sha256")), ("Python", prov.get("python", "")),
                ("Packages", pk or ""), ("Build date", str(prov.get("build_date", ""))),
                ("Reproduce" if lang == "en" else "Reproduksi", prov.get("command", ""))]
    else:
        try:
            rel = str(Path(cfg.path).resolve().relative_to(Path(__file__).resolve().parents[3]))
        except ValueError:
            rel = str(cfg.path)
        rows = [("Config", f"{rel} sha256:{cfg.sha256}"), ("Build date", str(release_date(ctx))),
                ("Provenance", "tidak dicatat untuk build ini" if lang == "id"
                 else "not recorded for this build")]
    rows = [(k, str(v)) for k, v in rows if v not in (None, "")]
    return html.footer(rows, lang)


# --------------------------------------------------------------------------------------------
# one-page kecamatan brief
# --------------------------------------------------------------------------------------------
def kecamatan_name(ctx: BriefContext) -> str:
    code = ctx.kecamatan_code
    for ind in ("p0", "tpt"):
        r = ctx.data.get(ind, "kecamatan", code)
        if r:
            return r["domain_name"]
    tab = ctx.data.table("progress_kecamatan")
    if tab is not None:
        c, n = pick(tab, "code", False), pick(tab, "name", False)
        if c and n and (tab[c] == code).any():
            return str(tab.loc[tab[c] == code, n].iloc[0])
    return str(code)


def kecamatan_header(ctx: BriefContext) -> str:
    name = kecamatan_name(ctx)
    title = t("title_kecamatan", ctx.lang, name=name, period=ctx.data.period)
    return '<div class="onepage">' + html.banner(ctx.synthetic, ctx.lang) + html.masthead(
        title, ctx.lang, [(t("reference_period", ctx.lang), _ref_period(ctx)),
                          (t("release_date", ctx.lang), fmt.date_long(release_date(ctx), ctx.lang)),
                          (t("status", ctx.lang), _status(ctx))]) + "</div>"


def kecamatan_body(ctx: BriefContext) -> str:
    lang, d, code = ctx.lang, ctx.data, ctx.kecamatan_code
    name = kecamatan_name(ctx)
    boxes = [b for b in (_box(ctx, "p0", "kecamatan", code), _box(ctx, "tpt", "kecamatan", code),
                         _box(ctx, "youth_tpt", "kecamatan", code)) if b]
    for i, b in enumerate(boxes, 1):
        b["exhibit"] = f"KH{i}"
    parts = [html.key_figures(boxes) if boxes else html.not_available(lang, "estimates.csv")]
    df = charts._sae_frame(d, code)
    if df is not None and not df.empty:
        base = df["flag"].map(narrative.flag_base)
        n_c, n_u = int((base == "caution").sum()), int((base == "unreliable").sum())
        fig, alt = charts.kelurahan_direct_vs_model(d, lang, kecamatan=code, compact=True)
        cap = (f"P0 kelurahan di {name}: estimasi langsung dan model Fay-Herriot (SK 95%). Dari {len(df)} kelurahan, "
               f"{n_c} perlu hati-hati (*) dan {n_u} tidak akurat (**): gunakan sebagai indikasi, bukan peringkat."
               if ctx.id else
               f"Kelurahan P0 in {name}: direct and Fay-Herriot estimates (95% CI). Of {len(df)} kelurahan, {n_c} are "
               f"to be used with caution (*) and {n_u} are not reliable (**): an indication, not a ranking.")
        parts.append(html.figure(fig, alt, cap, ctx.src("poverty/kelurahan_p0", t("ref_poverty", lang, year=d.period),
                                                        "poverty/estimates"), lang, exhibit="F3"))
    left, right = [], []
    tab = d.table("progress_kelurahan")
    if tab is not None and not tab.empty and "kode_kec" in tab.columns:
        sub = tab[tab["kode_kec"] == code]
        if not sub.empty:
            left.append(_progress_table(sub, lang, ctx.src("clean/progress_kelurahan"),
                                        ("Verifikasi DTSEN per kelurahan" if ctx.id else "DTSEN verification by kelurahan"),
                                        cls="data compact", exhibit="T10"))
    tg = narrative.targeting_rows(d, [code])
    if tg is not None:
        right.append(targeting_table(ctx, tg, with_area=False, counts=False,
                                     caption=("Ketepatan sasaran bansos (registri, kelayakan menurut PMT)" if ctx.id
                                              else "Targeting of social assistance (registry, PMT eligibility)"), exhibit="T8"))
    parts.append(html.h3(t("sec_kecamatan_progress", lang)))
    if left or right:
        parts.append('<div class="cols"><div>' + "".join(left) + "</div><div>" + "".join(right) + "</div></div>")
    else:
        parts.append(html.not_available(lang, "clean/progress_kelurahan.csv, poverty/tables/targeting_errors.csv"))
    notes = []  # the chart caption already says "SK 95%"
    if tg is not None:
        notes.append(d.concept_note("targeting_definition", lang) or "")
    if df is not None and df["flag"].astype(str).str.contains("unverified_registry").any():
        notes.append("Pemutakhiran DTSEN di kecamatan ini belum selesai: estimasi kelurahan dan angka sasaran memakai data "
                     "registri yang sebagian belum terverifikasi." if ctx.id else
                     "The DTSEN update of this kecamatan is not finished: kelurahan estimates and targeting figures use "
                     "registry data that are partly unverified.")
    notes.append(narrative.registry_vs_bps_note(lang, d).split(". ")[0].rstrip(".") + ".")
    parts.append(html.note(" ".join(n for n in notes if n)))
    return '<div class="onepage">' + "".join(parts) + "</div>"
