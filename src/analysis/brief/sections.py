"""The sections of the city brief and of the one-page kecamatan brief.

Each function takes a :class:`BriefContext` and returns an HTML fragment; the notebooks only call
them and display the result (``html.show``). A section whose inputs are absent returns a visible
"bagian ini belum tersedia" / "this section is not yet available" note instead of failing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.brief import charts, fmt, html, narrative
from analysis.brief.data import BriefData, load_brief_data, pick
from analysis.brief.i18n import category_name, indicator_name, t

KOTA = "64.74"


@dataclass
class BriefContext:
    cfg: object
    data: BriefData
    lang: str = "id"
    provenance: dict | None = None
    kecamatan_code: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def synthetic(self) -> bool:
        return bool(getattr(self.cfg, "synthetic", False))

    @property
    def id(self) -> bool:
        return self.lang == "id"

    def src(self, key: str, survey: str | None = None) -> str:
        """Source line: survey, file behind the numbers, synthetic marker."""
        parts = [survey] if survey else []
        parts.append(self.data.source_of(key))
        if self.synthetic:
            parts.append("data sintetis" if self.id else "synthetic data")
        return "; ".join(p for p in parts if p)


def get_provenance(cfg) -> dict | None:
    """``analysis.provenance.collect(cfg)`` when that module exists, else ``None``."""
    try:
        from analysis.provenance import collect  # provided by the lead's provenance module
    except ImportError:
        return None
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
    return BriefContext(cfg=cfg, data=data, lang=language, provenance=prov, kecamatan_code=kecamatan_code or None)


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
                "period": narrative.period_label(indicator, d.period, lang)}
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
    boxes = [b for b in (_box(ctx, "p0"), _box(ctx, "n_poor"), _box(ctx, "tpt")) if b]
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
        })
    body = html.key_figures(boxes) if boxes else html.not_available(lang, "estimates.csv")
    return html.section(t("sec_headline", lang), "angka-utama" if ctx.id else "headline", body)


def main_points(ctx: BriefContext) -> str:
    pts = narrative.key_points(ctx.data, ctx.lang)
    body = html.bullets(pts, "keypoints") if pts else html.not_available(ctx.lang, "estimates.csv")
    return html.section(t("sec_keypoints", ctx.lang), "poin-penting" if ctx.id else "main-points", body)


def progress(ctx: BriefContext) -> str:
    lang = ctx.lang
    tab = ctx.data.table("progress_kecamatan")
    if tab is None or tab.empty:
        return html.section(t("sec_progress", lang), "pemutakhiran",
                            html.not_available(lang, "clean/progress_kecamatan.csv"))
    fig, alt = charts.progress_bars(tab, lang)
    body = [html.para(narrative.progress_point(ctx.data, lang) or ""),
            html.figure(fig, alt, t("sec_progress", lang), ctx.src("clean/progress_kecamatan",
                        t("ref_registry", lang, year=ctx.data.period)), lang)]
    kel = ctx.data.table("progress_kelurahan")
    if kel is not None and not kel.empty:
        body.append(_progress_table(kel, lang, ctx.src("clean/progress_kelurahan")))
    return html.section(t("sec_progress", lang), "pemutakhiran", *body)


def _progress_table(tab: pd.DataFrame, lang: str, source: str, caption: str | None = None) -> str:
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
    return html.table(header, rows, caption=cap, numeric=numeric, source=source, lang=lang)


def _estimate_table(rows: pd.DataFrame, lang: str, caption: str, source: str, label=None) -> str:
    header = [t("col_domain", lang), t("col_estimate", lang), t("col_ci", lang), t("col_rse", lang), t("col_quality", lang)]
    out = []
    for _, r in rows.iterrows():
        d = r.to_dict()
        name = label(d) if label else d["domain_name"]
        out.append([name, narrative.fmt_row_value(d, lang), html.fmt_ci_cell(d, lang),
                    fmt.number(d.get("rse"), 1, lang), narrative.quality_label(d.get("flag"), lang)])
    return html.table(header, out, caption=caption, numeric=[False, True, True, True, False], source=source, lang=lang)


def poverty(ctx: BriefContext) -> str:
    lang, d = ctx.lang, ctx.data
    kec = d.select("p0", "kecamatan")
    if kec.empty and d.select("p0", "kelurahan").empty:
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
        body.append(html.figure(fig, alt, f"{t('ind_p0', lang)} " + ("menurut kecamatan" if ctx.id else "by kecamatan"),
                                ctx.src("poverty/estimates", survey), lang))
        rows = pd.concat([d.select(i, lvl) for i in ("p0", "p1", "p2", "gini") for lvl in ("kota", "kecamatan")],
                         ignore_index=True)
        body.append(_estimate_table(rows, lang, ("Indikator kemiskinan dan ketimpangan" if ctx.id else
                                                 "Poverty and inequality indicators"),
                                    ctx.src("poverty/estimates", survey),
                                    label=lambda r: f"{indicator_name(r['indicator'], lang)} \u2013 {r['domain_name']}"))
    if not d.select("p0", "kelurahan").empty:
        body.append(html.h3("Kelurahan"))
        fig, alt = charts.kelurahan_direct_vs_model(d, lang)
        body.append(html.figure(fig, alt, ("P0 kelurahan: estimasi langsung dan model Fay-Herriot (SK 95%)" if ctx.id
                                           else "Kelurahan P0: direct and Fay-Herriot estimates (95% CI)"),
                                ctx.src("poverty/tables/p0_kelurahan_sae.csv" if d.table("p0_kelurahan_sae") is not None
                                        else "poverty/estimates", survey), lang))
        fig, alt = charts.kelurahan_tiles(d, lang)
        body.append(html.figure(fig, alt, t("note_schematic", lang), ctx.src("poverty/estimates", survey), lang))
        body.append(html.note("† " + narrative.reliability_phrase("ok;synthetic_estimate", None, lang).split("; ", 1)[-1]))
    body.append(html.h3("DTSEN dan angka BPS" if ctx.id else "DTSEN and BPS figures"))
    body.append(f'<div class="callout">{html.esc(narrative.registry_vs_bps_note(lang))}</div>')
    return html.section(t("sec_poverty", lang), "kemiskinan", *body, major=True)


def labour(ctx: BriefContext) -> str:
    lang, d = ctx.lang, ctx.data
    if d.select("tpt", "kota").empty and d.select("tpt", "education").empty:
        body = [html.not_available(lang, "labour/estimates.csv")]
    else:
        survey = t("ref_labour", lang, year=d.period)
        body = [html.para(narrative.headline(d, "tpt", lang) or ""), html.para(narrative.education_point(d, lang) or "")]
        fig, alt = charts.tpt_by_education_sex(d, lang)
        body.append(html.figure(fig, alt, "TPT " + ("menurut pendidikan dan jenis kelamin (SK 95%); * = perlu hati-hati"
                                                    if ctx.id else "by education and sex (95% CI); * = use with caution"),
                                ctx.src("labour/estimates", survey), lang))
        fig, alt = charts.tpt_history(d, lang, synthetic=ctx.synthetic)
        body.append(html.figure(fig, alt, ("TPT Agustus yang dipublikasikan BPS dan estimasi rilis ini" if ctx.id
                                           else "Published August TPT and this release's estimates"),
                                ("BPS (published_indicators.csv); " if True else "") + ctx.src("labour/estimates", survey), lang))
        rows = pd.concat([d.select(i, "kota") for i in ("tpt", "tpak", "tkk", "underemployment", "informal", "youth_tpt", "neet")]
                         + [d.select("tpt", "kecamatan")], ignore_index=True)
        if not rows.empty:
            body.append(_estimate_table(rows, lang, "Indikator ketenagakerjaan" if ctx.id else "Labour indicators",
                                        ctx.src("labour/estimates", survey),
                                        label=lambda r: f"{indicator_name(r['indicator'], lang)} \u2013 {r['domain_name']}"))
    body.append(aki(ctx))
    return html.section(t("sec_labour", lang), "ketenagakerjaan", *body, major=True)


def aki(ctx: BriefContext) -> str:
    lang = ctx.lang
    ex = narrative.aki_explanation(ctx.data.table("aki_vs_tpt"), ctx.data.table("aki_reasons"), lang)
    if ex is None:
        return html.h3(t("sec_aki", lang)) + html.not_available(lang, "labour/tables/aki_vs_tpt.csv, aki_reasons.csv")
    parts = [html.h3(t("sec_aki", lang)), html.para(ex["intro"])]
    if ex["figures"]:
        parts.append(html.table([t("col_item", lang), t("col_value", lang), t("col_source", lang)],
                                [list(f) for f in ex["figures"]], numeric=[False, True, False],
                                caption="TPT dan AK/I" if ctx.id else "TPT and AK/I",
                                source=ctx.src("labour/aki_vs_tpt"), lang=lang))
    if ex["reasons"]:
        parts.append(html.table(["Penyebab perbedaan" if ctx.id else "Reason for the difference", t("col_count", lang)],
                                [list(r) for r in ex["reasons"]], numeric=[False, True],
                                source=ctx.src("labour/aki_reasons"), lang=lang))
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
        body.append(html.figure(fig, alt, (f"{t('ind_shortage_index', lang)} menurut jabatan (KBJI 2014), SK 95%" if ctx.id
                                           else f"{t('ind_shortage_index', lang)} by occupation (KBJI 2014), 95% CI"),
                                ctx.src("skills/estimates", t("ref_disnaker", lang, year=d.period)), lang))
    sc = d.table("programme_scorecard")
    if sc is None or sc.empty:
        body.append(html.h3("Rekomendasi pelatihan" if ctx.id else "Training recommendations"))
        body.append(html.not_available(lang, "skills/tables/programme_scorecard.csv"))
    else:
        fig, alt = charts.programme_quadrant(sc, lang)
        body.append(html.figure(fig, alt, ("Program pelatihan: indeks kekurangan jabatan sasaran dan efek terhadap peluang bekerja"
                                           if ctx.id else "Training programmes: target-occupation shortage and employment effect"),
                                ctx.src("skills/programme_scorecard"), lang))
        body.append(html.h3("Rekomendasi pelatihan" if ctx.id else "Training recommendations"))
        rec = d.table("recommendations")
        col = "text_id" if ctx.id else "text_en"
        if rec is not None and col in rec.columns:
            body.append(html.bullets(rec[col].astype(str).tolist()))
        else:
            body.append(html.bullets(narrative.recommendation_phrases(sc, lang)))
        body.append(_scorecard_table(sc, lang, ctx.src("skills/programme_scorecard")))
    return html.section(t("sec_skills", lang), "keterampilan" if ctx.id else "skills", *body, major=True)


def _scorecard_table(sc: pd.DataFrame, lang: str, source: str) -> str:
    idl = lang == "id"
    cols = [("program_name", "Program", False, lambda v: v),
            ("provider_type", "Penyelenggara" if idl else "Provider", False, lambda v: v),
            ("seats", "Kursi" if idl else "Seats", True, lambda v: fmt.number(v, 0, lang)),
            ("att_pp", "Efek (poin)" if idl else "Effect (pp)", True, lambda v: fmt.signed(v, 1, lang)),
            ("cost_per_trainee_idr", "Biaya/peserta" if idl else "Cost/trainee", True, lambda v: fmt.rupiah(v, lang)),
            ("recommendation", "Rekomendasi" if idl else "Recommendation", False,
             lambda v: narrative.REC_WORDS.get(v, (v, v))[0 if idl else 1]),
            ("seat_change", "Perubahan kursi" if idl else "Seat change", True, lambda v: fmt.signed(v, 0, lang))]
    cols = [c for c in cols if c[0] in sc.columns]
    rows = [[f(r[c]) for c, _, _, f in cols] for _, r in sc.sort_values("program_id" if "program_id" in sc.columns else cols[0][0], kind="mergesort").iterrows()]
    if "program_id" in sc.columns:  # number rows like the chart key
        rows = [[f"{i + 1} {row[0]}"] + row[1:] for i, row in enumerate(rows)]
    return html.table([h for _, h, _, _ in cols], rows, numeric=[n for _, _, n, _ in cols],
                      caption="Kartu skor program" if idl else "Programme scorecard", source=source, lang=lang)


def targeting(ctx: BriefContext, codes: list[str] | None = None) -> str:
    lang = ctx.lang
    tab = ctx.data.table("targeting_kecamatan")
    if tab is None or tab.empty:
        return html.section(t("sec_targeting", lang), "sasaran", html.not_available(lang, "poverty/tables/targeting_kecamatan.csv"))
    body = [html.para(narrative.targeting_point(ctx.data, lang, codes[0] if codes else KOTA) or "")]
    fig, alt = charts.targeting_errors(tab, lang, codes)
    body.append(html.figure(fig, alt, t("sec_targeting", lang), ctx.src("poverty/targeting_kecamatan",
                                                                        t("ref_poverty", lang, year=ctx.data.period)), lang))
    body.append(html.note("Kesalahan inklusi: persen penerima bantuan yang tidak memenuhi kriteria. Kesalahan eksklusi: "
                          "persen yang memenuhi kriteria tetapi tidak menerima." if ctx.id else
                          "Inclusion error: percent of recipients who do not meet the criteria. Exclusion error: percent "
                          "of eligible people who do not receive assistance."))
    return html.section(t("sec_targeting", lang), "sasaran" if ctx.id else "targeting", *body)


def quality(ctx: BriefContext) -> str:
    lang, d = ctx.lang, ctx.data
    body = []
    if ctx.synthetic:
        body.append(f'<div class="callout"><strong>{html.esc(t("synthetic_banner", lang))}.</strong> '
                    f'{html.esc(t("synthetic_banner_detail", lang))}</div>')
    e = d.estimates
    if not e.empty:
        lv = e[~e["indicator"].str.endswith("_change")]
        base = lv["flag"].map(narrative.flag_base)
        counts = [(t(f"flag_{f}", lang), fmt.number(int((base == f).sum()), 0, lang))
                  for f in ("ok", "caution", "unreliable", "suppressed")]
        body.append(html.para("Keandalan semua estimasi yang diterbitkan bersama ringkasan ini (aturan RSE BPS):" if ctx.id
                              else "Reliability of all estimates published with this brief (BPS RSE rule):"))
        body.append(html.table([t("col_quality", lang), "Banyaknya estimasi" if ctx.id else "Estimates"], counts,
                               numeric=[False, True], source="estimates.csv", lang=lang))
        flagged = lv[base.isin(["caution", "unreliable", "suppressed"])]
        if not flagged.empty:
            rows = [[f"{indicator_name(r.indicator, lang)} \u2013 "
                     f"{category_name(r.domain_level, r.domain_code, lang, r.domain_name)}", str(r.period),
                     fmt.number(r.rse, 1, lang),
                     narrative.reliability_phrase(r.flag, None, lang, thresholds=ctx.cfg.reliability)]
                    for r in flagged.itertuples()][:20]
            body.append(html.table([t("col_indicator", lang), "Periode" if ctx.id else "Period", t("col_rse", lang),
                                    t("col_quality", lang)], rows, numeric=[False, False, True, False],
                                   caption=("Estimasi yang perlu hati-hati, tidak akurat, atau tidak ditampilkan" if ctx.id
                                            else "Estimates to use with caution, not reliable, or suppressed"), lang=lang))
    m = int((ctx.cfg.privacy or {}).get("suppression_min_count", 10))
    body.append(html.para(
        f"Sel tabel dengan jumlah 1 sampai {m - 1} tidak diterbitkan; pemeriksaan kerahasiaan otomatis dijalankan sebelum rilis."
        if ctx.id else f"Table cells with counts from 1 to {m - 1} are not published; an automatic confidentiality check runs before release."))
    log = d.table("cleaning_log")
    if log is not None and not log.empty:
        cols = [c for c in ("dataset", "rule", "action", "n_rows") if c in log.columns] or list(log.columns)[:4]
        hdr = {"dataset": "Dataset", "rule": "Aturan" if ctx.id else "Rule", "action": "Tindakan" if ctx.id else "Action",
               "n_rows": "Baris" if ctx.id else "Rows"}
        rows = [[fmt.number(r[c], 0, lang) if c == "n_rows" else str(r[c]) for c in cols] for _, r in log.iterrows()]
        body.append(html.table([hdr.get(c, c) for c in cols], rows[:25], numeric=[c == "n_rows" for c in cols],
                               caption="Ringkasan log pembersihan data" if ctx.id else "Cleaning-log summary",
                               source=ctx.src("clean/cleaning_log"), lang=lang))
    val = d.table("validation_report")
    if val is not None and not val.empty:
        cols = [c for c in ("dataset", "check", "severity", "n_failed", "status") if c in val.columns] or list(val.columns)[:5]
        rows = [[fmt.number(r[c], 0, lang) if c == "n_failed" else str(r[c]) for c in cols] for _, r in val.iterrows()]
        vh = {"dataset": "Dataset", "check": "Pemeriksaan" if ctx.id else "Check", "severity": "Tingkat" if ctx.id else "Severity",
              "n_failed": "Baris gagal" if ctx.id else "Rows failing", "status": "Status"}
        body.append(html.table([vh.get(c, c) for c in cols], rows[:25], numeric=[c == "n_failed" for c in cols],
                               caption="Laporan validasi" if ctx.id else "Validation report",
                               source=ctx.src("clean/validation_report"), lang=lang))
    if d.missing:
        body.append(html.note((("Masukan yang belum tersedia: " if ctx.id else "Inputs not yet available: ")
                               + ", ".join(d.missing))))
    return html.section(t("sec_quality", lang), "kualitas" if ctx.id else "quality", *body, major=True)


def methods(ctx: BriefContext) -> str:
    m = int((ctx.cfg.privacy or {}).get("suppression_min_count", 10))
    return html.section(t("sec_methods", ctx.lang), "metode" if ctx.id else "methods",
                        html.deflist(narrative.definitions(ctx.lang, ctx.cfg.reliability, m)))


PUBLISHED_USED = ("bontang_tpt_agustus", "bontang_tpt_agustus_original_weights", "bontang_tpt_agustus_backcast_supas2015",
                  "kaltim_tpt_agustus")


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
                       lang=lang)]
    pub = ctx.data.table("published_indicators")
    if pub is not None and not pub.empty and "source" in pub.columns:
        used = pub[pub["indicator"].isin(PUBLISHED_USED)].sort_values(["indicator", "year"], kind="mergesort")
        if not used.empty:
            rows = [[str(r.indicator), str(r.year), fmt.number(r.value, 2, lang), str(r.source)] for r in used.itertuples()]
            body.append(html.table([t("col_indicator", lang), t("col_vintage", lang), t("col_value", lang), t("col_source", lang)],
                                   rows, numeric=[False, False, True, False], cls="data sources",
                                   caption=("Angka publikasi yang dipakai sebagai pembanding (sumber sekunder; periksa BRS BPS)"
                                            if idl else "Published figures used for comparison (secondary sources; check BPS releases)"),
                                   lang=lang))
    body.append(html.para(t("cite", lang), "cite"))
    return html.section(t("sec_sources", lang), "sumber" if idl else "sources", *body)


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
                ("Provenance", "modul analysis.provenance belum tersedia" if lang == "id"
                 else "analysis.provenance module not yet available")]
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
    parts = [html.key_figures(boxes) if boxes else html.not_available(lang, "estimates.csv")]
    if not d.select("p0", "kelurahan").empty:
        fig, alt = charts.kelurahan_direct_vs_model(d, lang, kecamatan=code)
        if fig is not None:
            parts.append(html.figure(fig, alt, ("P0 kelurahan di " if ctx.id else "Kelurahan P0 in ") + name,
                                     ctx.src("poverty/estimates", t("ref_poverty", lang, year=d.period)), lang))
    tab = d.table("progress_kelurahan")
    extra = []
    if tab is not None and not tab.empty and "kode_kec" in tab.columns:
        sub = tab[tab["kode_kec"] == code]
        if not sub.empty:
            extra.append(_progress_table(sub, lang, ctx.src("clean/progress_kelurahan"),
                                         ("Verifikasi DTSEN per kelurahan" if ctx.id else "DTSEN verification by kelurahan")))
    tp = narrative.targeting_point(d, lang, code)
    if tp:
        extra.append(html.para(tp))
    if not extra:
        extra.append(html.not_available(lang, "clean/progress_kelurahan.csv"))
    parts.append(html.h3(t("sec_kecamatan_progress", lang)))
    parts += extra
    parts.append(html.note(t("note_ci", lang) + " " + narrative.registry_vs_bps_note(lang).split(". ")[0] + "."))
    return '<div class="onepage">' + "".join(parts) + "</div>"
