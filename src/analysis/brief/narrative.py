"""Sentences of the briefs, built from the published numbers, in Bahasa Indonesia and English.

Rules (``docs/brief.md``):

* A change is worded as a rise or fall **only when it is statistically significant** (the
  ``significant`` column of ``changes.csv``, which the brief context replaces by the result of the
  multiple-comparison rule, :func:`analysis.brief.sections.apply_rule`; otherwise a 95 % CI that
  excludes zero). Otherwise the
  sentence says the change is within sampling error: "perubahan masih dalam batas galat
  sampling" / "the change is within sampling error".
* Changes of rates are in points (BPS: "turun 0,37 persen poin, dari 4,11 persen menjadi 3,74 persen";
  English: "down 0.37 percentage points, from 4.11 percent to 3.74 percent").
* Reliability follows the BPS RSE rule (thresholds from the run config, wording in
  ``docs/methods.md`` §5): RSE <= 25 % accurate, 25-50 % use with caution, > 50 % not accurate.
* Every number is read from a row passed in; nothing is estimated here.
"""
from __future__ import annotations

import math

import pandas as pd

from analysis.brief import fmt
from analysis.brief.i18n import category_name, indicator_name, localise_source, t
from analysis.codes import KOTA_CODE

POVERTY_INDICATORS = {"p0", "p1", "p2", "gini", "n_poor", "poor_persons", "p0_benchmarked"}
LABOUR_INDICATORS = {"tpt", "tpak", "tkk", "underemployment", "parttime", "informal", "youth_tpt", "neet"}
SURVEY_MONTH = {**{i: 3 for i in POVERTY_INDICATORS}, **{i: 8 for i in LABOUR_INDICATORS}}


def _id(lang: str) -> bool:
    return lang.split("_")[0] == "id"


def _num(x) -> float | None:
    if fmt.is_missing(x):
        return None
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def period_label(indicator: str, period: str, lang: str = "id") -> str:
    """"Maret 2024" for Susenas indicators, "Agustus 2024" for Sakernas ones, else the year."""
    month = SURVEY_MONTH.get(indicator)
    if month and str(period).isdigit():
        return fmt.month_year(int(period), month, lang)
    return str(period)


# --------------------------------------------------------------------------------------------
# significance and change wording
# --------------------------------------------------------------------------------------------
def is_significant(change: dict | None) -> bool:
    """Whether a change is statistically significant at the published level.

    Uses ``significant`` (changes.csv) when present, else whether the CI excludes zero, else the
    ``;not_significant`` flag qualifier. Unknown -> ``False`` (never claim a rise or fall that
    is not established).
    """
    if not change:
        return False
    sig = change.get("significant")
    if isinstance(sig, str):
        sig = {"true": True, "false": False, "1": True, "0": False}.get(sig.strip().lower())
    if sig is not None and not fmt.is_missing(sig):
        return bool(sig)
    lo, hi = _num(change.get("ci_low")), _num(change.get("ci_high"))
    if lo is not None and hi is not None:
        return lo > 0 or hi < 0
    flag = str(change.get("flag") or "")
    if "not_significant" in flag:
        return False
    return False


def _level(x, unit: str, lang: str) -> str:
    return fmt.value(x, unit, lang) if unit == "percent" else fmt.number(x, fmt.decimals_for(unit), lang)


def change_phrase(now: dict | None, prev: dict | None, change: dict | None, lang: str = "id",
                  *, prev_label: str | None = None) -> str:
    """The change clause of a headline.

    Significant: "turun 0,37 persen poin, dari 4,11 persen menjadi 3,74 persen" / "down 0.37 percentage
    points, from 4.11 percent to 3.74 percent". Otherwise: "dibanding Maret 2023 (4,11 persen),
    perubahan masih dalam batas sampling error" / "compared with March 2023 (4.11 percent), the
    change is within sampling error". Empty string when no change is published.
    """
    if not change or _num(change.get("estimate")) is None:
        return ""
    unit = (now or prev or change).get("unit", "percent")
    d = _num(change["estimate"])
    dec = fmt.decimals_for(unit)
    prev_v = _num(prev.get("estimate")) if prev else None
    now_v = _num(now.get("estimate")) if now else None
    if not is_significant(change):
        if prev_v is not None and prev_label:
            lvl = _level(prev_v, unit, lang)
            return (f"dibanding {prev_label} ({lvl}), perubahan masih dalam batas galat sampling" if _id(lang)
                    else f"compared with {prev_label} ({lvl}), the change is within sampling error")
        return ("perubahan masih dalam batas galat sampling" if _id(lang)
                else "the change is within sampling error")
    if fmt.round_half_up(d, dec) == 0:
        return "tidak berubah" if _id(lang) else "unchanged"
    if _id(lang):
        word = "turun" if d < 0 else "naik"
        size = fmt.points(d, dec, lang)
        tail = f", dari {_level(prev_v, unit, lang)} menjadi {_level(now_v, unit, lang)}" if prev_v is not None and now_v is not None else ""
    else:
        word = "down" if d < 0 else "up"
        size = fmt.points(d, dec, lang) if unit == "percent" else f"{fmt.number(abs(d), dec, lang)} points"
        tail = f", from {_level(prev_v, unit, lang)} to {_level(now_v, unit, lang)}" if prev_v is not None and now_v is not None else ""
    return f"{word} {size}{tail}"


def headline(data, indicator: str, lang: str = "id", level: str = "kota", code: str | None = None,
             area: str | None = None) -> str | None:
    """One headline sentence: level, CI and change of an indicator (``None`` if not published).

    >>> # "Persentase penduduk miskin (P0) Kota Bontang Maret 2024 sebesar 3,74 persen
    >>> #  (SK 95%: 2,66–4,82); dibanding Maret 2023 (4,11 persen), perubahan masih dalam
    >>> #  batas sampling error."
    """
    now = data.get(indicator, level, code)
    if now is None:
        return None
    area = area or now.get("domain_name") or ""
    name = indicator_name(indicator, lang)
    when = period_label(indicator, data.period, lang)
    if str(now.get("flag", "")).startswith("suppressed") or _num(now.get("estimate")) is None:
        return (f"{name} {area} {when} tidak ditampilkan karena sampel terlalu kecil." if _id(lang)
                else f"The {name[0].lower() + name[1:]} for {area} in {when} is suppressed: the sample is too small.")
    unit = now.get("unit", "percent")
    val = _level(now["estimate"], unit, lang)
    dec = fmt.decimals_for(unit)
    ci = fmt.ci(now.get("ci_low"), now.get("ci_high"), dec, lang)
    prev = data.get(indicator, level, code, period=data.previous_period)
    chg = data.change(indicator, level, code)
    clause = change_phrase(now, prev, chg, lang,
                           prev_label=period_label(indicator, data.previous_period, lang))
    rel = reliability_clause(now, lang)
    if _id(lang):
        s = f"{name} {area} {when} sebesar {val} ({fmt.ci_label(lang=lang)}: {ci})"
    else:
        s = f"The {name[0].lower() + name[1:]} of {area} in {when} was {val} ({fmt.ci_label(lang=lang)}: {ci})"
    if clause:
        s += ("; " if "sampling" in clause else ", ") + clause
    if rel:
        s += "; " + rel
    return s + "."


# --------------------------------------------------------------------------------------------
# reliability (BPS RSE rule)
# --------------------------------------------------------------------------------------------
def flag_base(flag) -> str:
    return str(flag or "").split(";")[0]


def reliability_phrase(flag: str, rse=None, lang: str = "id", *, n_sample=None,
                       thresholds: dict | None = None) -> str:
    """BPS wording of an estimate's reliability, with its RSE.

    ``ok`` -> "akurat (RSE 14,7 persen)" / "reliable (RSE 14.7 percent)"; ``caution`` ->
    "perlu hati-hati jika digunakan (RSE …)"; ``unreliable`` -> "dianggap tidak akurat; harus
    digabungkan dengan estimasi lain"; ``suppressed`` -> "tidak ditampilkan: sampel kurang dari
    30". Qualifiers ``synthetic_estimate`` and ``unverified_registry`` add a clause.
    """
    th = {"rse_caution": 25, "rse_unreliable": 50, "min_n_sample": 30, **(thresholds or {})}
    base = flag_base(flag)
    r = _num(rse)
    rse_txt = f"RSE {fmt.number(r, 1, lang)} {'persen' if _id(lang) else 'percent'}" if r is not None else ""
    if base == "ok":
        s = (f"akurat ({rse_txt})" if rse_txt else "akurat") if _id(lang) else (f"reliable ({rse_txt})" if rse_txt else "reliable")
    elif base == "caution":
        paren = f" ({rse_txt})" if rse_txt else ""
        s = f"perlu hati-hati jika digunakan{paren}" if _id(lang) else f"use with caution{paren}"
    elif base == "unreliable":
        s = ("dianggap tidak akurat" + (f" ({rse_txt})" if rse_txt else "")
             + "; harus digabungkan dengan estimasi lain" if _id(lang)
             else "not reliable" + (f" ({rse_txt})" if rse_txt else "") + "; combine with other estimates before use")
    elif base == "suppressed":
        n = fmt.number(th["min_n_sample"], 0, lang)
        s = (f"tidak ditampilkan: sampel kurang dari {n} unit" if _id(lang)
             else f"suppressed: fewer than {n} sample units")
    else:
        s = ""
    quals = str(flag or "").split(";")[1:]
    extra = []
    if "synthetic_estimate" in quals:
        extra.append("estimasi sintetis model, tanpa sampel langsung" if _id(lang)
                     else "model-based synthetic estimate, no direct sample")
    if "unverified_registry" in quals:
        extra.append("data DTSEN belum terverifikasi" if _id(lang) else "registry data not yet verified")
    return "; ".join([x for x in [s, *extra] if x])


def reliability_clause(row: dict, lang: str = "id") -> str:
    """Clause added to a headline only when the estimate is not plainly reliable."""
    base = flag_base(row.get("flag"))
    if base == "ok" and ";" not in str(row.get("flag", "")):
        return ""
    return reliability_phrase(row.get("flag"), row.get("rse"), lang)


def quality_label(flag, lang: str = "id") -> str:
    """Short quality marker for tables: "akurat", "perlu hati-hati", "tidak akurat" …"""
    base = flag_base(flag) or "ok"
    label = t(f"flag_{base}", lang) if base in ("ok", "caution", "unreliable", "suppressed") else base
    if "synthetic_estimate" in str(flag):
        label += " (model)" if not _id(lang) else " (model)"
    return label


# --------------------------------------------------------------------------------------------
# key points and section sentences
# --------------------------------------------------------------------------------------------
def _overlap(rows: pd.DataFrame) -> bool:
    """True when every pair of the published CIs overlaps (no claim of a ranking)."""
    r = rows.dropna(subset=["ci_low", "ci_high"])
    return len(r) > 1 and r["ci_low"].max() <= r["ci_high"].min()


def kecamatan_poverty_point(data, lang: str = "id", indicator: str = "p0") -> str | None:
    rows = data.select(indicator, "kecamatan")
    rows = rows[rows["estimate"].notna()] if not rows.empty else rows
    if rows.empty:
        return None
    top = rows.sort_values(["estimate", "domain_code"], ascending=[False, True], kind="mergesort").iloc[0]
    val = fmt.value(top["estimate"], top["unit"], lang)
    if _overlap(rows):
        return (f"Estimasi P0 tertinggi ada di {top['domain_name']} ({val}), tetapi selang kepercayaan "
                "ketiga kecamatan saling tumpang tindih: perbedaan antarkecamatan belum dapat dipastikan."
                if _id(lang) else
                f"The highest P0 estimate is in {top['domain_name']} ({val}), but the confidence intervals "
                "of the kecamatan overlap: the differences between them are not established.")
    return (f"Estimasi P0 tertinggi ada di {top['domain_name']} ({val})." if _id(lang)
            else f"The highest P0 estimate is in {top['domain_name']} ({val}).")


def education_point(data, lang: str = "id") -> str | None:
    rows = data.select("tpt", "education")
    if rows.empty:
        return None
    ok = rows[rows["estimate"].notna() & rows["flag"].map(flag_base).isin(["ok", "caution"])]
    if ok.empty:
        return None
    top = ok.sort_values(["estimate", "domain_code"], ascending=[False, True], kind="mergesort").iloc[0]
    name = category_name("education", top["domain_code"], lang, top["domain_name"])
    val = fmt.value(top["estimate"], "percent", lang)
    ci = fmt.ci(top["ci_low"], top["ci_high"], 2, lang)
    return (f"Menurut pendidikan, TPT tertinggi terdapat pada lulusan {name}: {val} ({fmt.ci_label(lang=lang)}: {ci})."
            if _id(lang) else
            f"By education, unemployment is highest among {name} graduates: {val} ({fmt.ci_label(lang=lang)}: {ci}).")


def occupation_title(data, code: str, fallback: str, lang: str = "id") -> str:
    titles = data.table("occupation_titles")
    if titles is not None and "kbji4" in titles.columns:
        col = "title_id" if _id(lang) else "title_en"
        m = titles[titles["kbji4"] == str(code)]
        if col in titles.columns and not m.empty and str(m.iloc[0][col]):
            return str(m.iloc[0][col])
    return fallback


def shortage_point(data, lang: str = "id", k: int = 3) -> str | None:
    rows = data.select("shortage_index", "occupation")
    rows = rows[rows["estimate"].notna()] if not rows.empty else rows
    if rows.empty:
        return None
    short = rows[rows["ci_low"] > 0].sort_values(["estimate", "domain_code"], ascending=[False, True], kind="mergesort")
    surplus = rows[rows["ci_high"] < 0].sort_values(["estimate", "domain_code"], kind="mergesort")
    names = lambda df: ", ".join(occupation_title(data, r.domain_code, r.domain_name, lang) for r in df.head(k).itertuples())
    parts = []
    if not short.empty:
        parts.append(f"Kekurangan tenaga kerja paling jelas pada {names(short)}" if _id(lang)
                     else f"The clearest shortages are for {names(short)}")
    if not surplus.empty:
        parts.append(f"kelebihan pencari kerja pada {names(surplus)}" if _id(lang)
                     else f"job seekers outnumber openings for {names(surplus)}")
    if not parts:
        return ("Tidak ada jabatan dengan indeks kekurangan yang berbeda nyata dari nol." if _id(lang)
                else "No occupation has a shortage index significantly different from zero.")
    s = "; ".join(parts)
    return s[0].upper() + s[1:] + "."


def progress_point(data, lang: str = "id") -> str | None:
    tab = data.table("progress_kecamatan")
    if tab is None or tab.empty:
        return None
    name, pct = _progress_cols(tab)
    if pct is None:
        return None
    done = tab[tab[pct] >= 100][name].tolist()
    pending = tab[tab[pct] < 100]
    if _id(lang):
        s = "Pemutakhiran data DTSEN: "
        if done:
            s += f"{_join(done, lang)} telah selesai (100 persen)"
        if not pending.empty:
            s += ("; " if done else "") + _join([f"{r[name]} baru {fmt.percent(r[pct], 1, lang)}" for _, r in pending.iterrows()], lang)
        return s + "."
    s = "DTSEN data update: "
    if done:
        s += f"{_join(done, lang)} completed (100 percent)"
    if not pending.empty:
        s += ("; " if done else "") + _join([f"{r[name]} only {fmt.percent(r[pct], 1, lang)}" for _, r in pending.iterrows()], lang)
    return s + "."


def _progress_cols(tab: pd.DataFrame) -> tuple[str, str | None]:
    from analysis.brief.data import pick
    return pick(tab, "name"), pick(tab, "pct", required=False)


def _join(items: list[str], lang: str) -> str:
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    conj = " dan " if _id(lang) else " and "
    return ", ".join(items[:-1]) + conj + items[-1]


# --------------------------------------------------------------------------------------------
# targeting (poverty/tables/targeting_errors.csv: programme x cut x area) and changes
# --------------------------------------------------------------------------------------------
PROGRAMMES = ("pkh", "bpnt")
CUTS = ("poverty_line", "bottom40")


def targeting_rows(data, codes: list[str] | None = None) -> pd.DataFrame | None:
    """Rows of ``targeting_errors.csv`` for PKH/BPNT at both cuts, sorted programme, cut, area.

    ``codes``: domain codes to keep (default: every area of the table, kota first).
    """
    tab = data.table("targeting_errors")
    need = {"programme", "cut", "domain_code", "inclusion_error", "exclusion_error"}
    if tab is None or tab.empty or not need <= set(tab.columns):
        return None
    df = tab[tab["programme"].isin(PROGRAMMES) & tab["cut"].isin(CUTS)].copy()
    if codes is not None:
        df = df[df["domain_code"].isin(codes)]
    if df.empty:
        return None
    df["_p"] = df["programme"].map({p: i for i, p in enumerate(PROGRAMMES)})
    df["_c"] = df["cut"].map({c: i for i, c in enumerate(CUTS)})
    df["_k"] = (df["domain_code"].str.len() > 5).astype(int)  # kota (64.74) before kecamatan
    return df.sort_values(["_p", "_c", "_k", "domain_code"], kind="mergesort").drop(columns=["_p", "_c", "_k"]).reset_index(drop=True)


def targeting_point(data, lang: str = "id", code: str = KOTA_CODE) -> str | None:
    """PKH and BPNT inclusion/exclusion errors of one area at the poverty-line cut (registry, PMT)."""
    df = targeting_rows(data, [code])
    if df is None:
        return None
    df = df[df["cut"] == "poverty_line"]
    if df.empty:
        return None
    area = str(df.iloc[0].get("domain_name", code))
    parts = []
    for _, r in df.iterrows():
        prog = str(r["programme"]).upper()
        inc, exc = fmt.percent(r["inclusion_error"], 1, lang), fmt.percent(r["exclusion_error"], 1, lang)
        parts.append(f"{prog}: kesalahan inklusi {inc}, kesalahan eksklusi {exc}" if _id(lang) else
                     f"{prog}: inclusion error {inc}, exclusion error {exc}")
    unverified = df["flag"].astype(str).str.contains("unverified_registry").any() if "flag" in df.columns else False
    if _id(lang):
        s = (f"Ketepatan sasaran bansos di {area} (registri DTSEN, kelayakan menurut prediksi PMT pada batas garis "
             f"kemiskinan): {'; '.join(parts)}. Kesalahan inklusi = penerima yang tidak layak; kesalahan eksklusi = "
             "keluarga layak yang tidak menerima")
        if unverified:
            s += "; sebagian data registri belum terverifikasi"
    else:
        s = (f"Targeting of social assistance in {area} (DTSEN registry, eligibility by the PMT prediction at the "
             f"poverty-line cut): {'; '.join(parts)}. Inclusion error = recipients who are not eligible; exclusion "
             "error = eligible families who receive nothing")
        if unverified:
            s += "; part of the registry is not yet verified"
    return s + "."


# --------------------------------------------------------------------------------------------
# AK/I vs TPT, registry vs BPS poverty
# --------------------------------------------------------------------------------------------
AKI_GROUPS = {
    "registry": ("Dari kartu AK/I ke perkiraan pencari kerja aktif (data administrasi Disnaker)",
                 "From AK/I cards to an estimate of active job seekers (Disnaker administrative data)"),
    "survey": ("Penganggur menurut Sakernas (perkiraan survei)", "Unemployed according to Sakernas (survey estimates)"),
    "sensitivity": ("Uji kepekaan (asumsi, bukan estimasi)", "Sensitivity (assumption, not an estimate)"),
    "tracer": ("Tracer pelatihan: status pemegang kartu 6 bulan kemudian", "Training tracer: card holders' status 6 months later"),
}


def _aki_value(r, unit, lang):
    if fmt.is_missing(r.get("value")):
        return fmt.MISSING
    if unit in fmt.COUNT_UNITS:
        v = float(r["value"])
        return ("\u2212" if fmt.round_half_up(v, 0) < 0 else "") + fmt.count(abs(v), unit, lang)
    if unit in ("percent", "pct"):
        return fmt.percent(r["value"], 1, lang)
    return fmt.number(r["value"], 0, lang)


def aki_explanation(aki_vs_tpt: pd.DataFrame | None, aki_reasons: pd.DataFrame | None,
                    lang: str = "id") -> dict | None:
    """Why the Sakernas TPT and the Disnaker AK/I card count differ (``None`` without inputs).

    Returns ``{"intro": str, "groups": [(title, [(label, value_text, source)])], "figures":
    [(label, value_text, source)], "reasons": [(text, value_text)], "closing": str}``. Groups
    follow the ``side`` column of ``aki_vs_tpt.csv`` (registry, survey, sensitivity, tracer);
    an empty value is shown as "–" (not estimable or suppressed). The two are different
    concepts; the text explains, it does not "reconcile".
    """
    if (aki_vs_tpt is None or aki_vs_tpt.empty) and (aki_reasons is None or aki_reasons.empty):
        return None
    intro = (
        "TPT (Sakernas, BPS) dan jumlah kartu kuning AK/I (Disnaker) mengukur hal yang berbeda. TPT adalah "
        "persentase angkatan kerja yang pada minggu survei tidak bekerja dan sedang mencari kerja, "
        "mempersiapkan usaha, putus asa, atau sudah diterima kerja tetapi belum mulai. Kartu AK/I adalah "
        "pendaftaran administrasi pencari kerja yang berlaku 6 bulan; pemegangnya bisa sudah bekerja, dan "
        "banyak penganggur tidak pernah mendaftar."
        if _id(lang) else
        "The TPT (Sakernas, BPS) and the number of AK/I \"yellow cards\" (Disnaker) measure different things. "
        "The TPT is the share of the labour force who, in the survey week, did not work and were looking for "
        "work, preparing a business, discouraged, or had a job offer not yet started. An AK/I card is an "
        "administrative job-seeker registration valid for 6 months; holders may already work, and many "
        "unemployed people never register.")
    figures, groups = [], []
    if aki_vs_tpt is not None and not aki_vs_tpt.empty and "value" in aki_vs_tpt.columns:
        lab = "label_id" if _id(lang) else "label_en"
        by_group: dict[str, list] = {}
        for _, r in aki_vs_tpt.iterrows():
            label = r.get(lab) or r.get("label") or r.get("measure") or r.get("component")
            unit = r.get("unit") if "unit" in aki_vs_tpt.columns else None
            item = (str(label), _aki_value(r, unit, lang), localise_source(r.get("source", "") or "", lang))
            figures.append(item)
            by_group.setdefault(str(r.get("side", "") or ""), []).append(item)
        for side, items in by_group.items():
            title = AKI_GROUPS.get(side, (side, side))[0 if _id(lang) else 1] if side else ""
            groups.append((title, items))
    reasons = []
    if aki_reasons is not None and not aki_reasons.empty:
        col = "text_id" if _id(lang) else "text_en"
        for _, r in aki_reasons.iterrows():
            text = str(r.get(col) or r.get("reason_code"))
            unit = r.get("unit") if "unit" in aki_reasons.columns else None
            v = fmt.MISSING if fmt.is_missing(r.get("value")) else (
                fmt.count(r["value"], unit, lang) if unit in fmt.COUNT_UNITS else fmt.number(r["value"], 0, lang))
            reasons.append((text, v))
    closing = ("Kedua angka tidak perlu sama dan tidak untuk disatukan: gunakan TPT untuk ukuran pengangguran "
               "dan data AK/I untuk layanan penempatan, dengan pembaruan status penempatan oleh perusahaan."
               if _id(lang) else
               "The two numbers need not agree and should not be merged: use the TPT to measure "
               "unemployment and AK/I data to run placement services, with employers reporting placements.")
    return {"intro": intro, "groups": groups, "figures": figures, "reasons": reasons, "closing": closing}


def registry_vs_bps_note(lang: str = "id", data=None) -> str:
    """Why BPS poverty and the registry's count of poor people are different numbers.

    The poverty stage's ``concept_notes.csv`` (note ``registry_vs_bps``) is used when present;
    the fixed text below is the fallback.
    """
    if data is not None:
        note = data.concept_note("registry_vs_bps", lang)
        if note:
            return note
    if _id(lang):
        return ("Angka kemiskinan BPS dan jumlah warga miskin dalam data daftar (DTKS/DTSEN) adalah dua konsep "
                "berbeda. BPS memperkirakan persentase penduduk dengan pengeluaran per kapita di bawah garis "
                "kemiskinan dari sampel Susenas; DTSEN adalah daftar nama keluarga yang diperingkat menurut desil "
                "kesejahteraan untuk sasaran program. Daftar selalu mencakup lebih banyak orang daripada angka BPS. "
                "Keduanya tidak boleh digabung dalam satu deret waktu atau satu sumbu grafik.")
    return ("BPS poverty and the number of poor people in the social registry (DTKS/DTSEN) are different "
            "concepts. BPS estimates the share of people whose per-capita expenditure is below the poverty line "
            "from the Susenas sample; DTSEN is a list of named families ranked by welfare decile to target "
            "programmes. The registry always covers more people than the BPS figure. Never put the two in one "
            "time series or on one chart axis.")


# --------------------------------------------------------------------------------------------
# training recommendations (skills stage: expand / redesign / reduce / maintain)
# --------------------------------------------------------------------------------------------
REC_ORDER = ("expand", "redesign", "reduce", "maintain", "insufficient_evidence", "close")
REC_WORDS = {r: (t(f"rec_{r}", "id"), t(f"rec_{r}", "en")) for r in REC_ORDER}
def rec_word(code, lang: str = "id") -> str:
    """Display word of a recommendation code (unknown codes are shown as they are)."""
    code = "" if fmt.is_missing(code) else str(code)
    return REC_WORDS.get(code, (code, code))[0 if _id(lang) else 1]


# --------------------------------------------------------------------------------------------
# methods and definitions
# --------------------------------------------------------------------------------------------
def definitions(lang: str = "id", reliability: dict | None = None, min_count: int = 10) -> list[tuple[str, str]]:
    """(term, definition) pairs for the methods section; thresholds come from the run config."""
    th = {"rse_caution": 25, "rse_unreliable": 50, "min_n_sample": 30, **(reliability or {})}
    c, u, n = (fmt.number(th["rse_caution"], 0, lang), fmt.number(th["rse_unreliable"], 0, lang),
               fmt.number(th["min_n_sample"], 0, lang))
    m = fmt.number(min_count - 1, 0, lang)
    if _id(lang):
        return [
            ("Garis kemiskinan dan P0", "Penduduk miskin adalah penduduk dengan rata-rata pengeluaran per kapita per "
             "bulan di bawah garis kemiskinan (makanan setara 2.100 kkal per hari ditambah kebutuhan dasar bukan "
             "makanan). P0 adalah persentase penduduk miskin; P1 dan P2 (dikali 100) mengukur kedalaman dan "
             "keparahan kemiskinan. Sumber: Susenas Maret."),
            ("TPT, TPAK, TKK", "TPT = penganggur terbuka / angkatan kerja × 100; TPAK = angkatan kerja / penduduk "
             "usia kerja (15 tahun ke atas) × 100; TKK = 100 − TPT. Bekerja = bekerja paling sedikit 1 jam "
             "berturut-turut dalam seminggu terakhir. Sumber: Sakernas Agustus."),
            ("Selang kepercayaan", "Semua estimasi survei disertai selang kepercayaan (SK) 95 persen dari galat baku "
             "linearisasi Taylor yang memperhitungkan strata dan blok sensus."),
            ("Perubahan", "Perubahan antartahun dinyatakan dalam poin dan disebut naik atau turun hanya jika "
             "signifikan secara statistik (SK 95 persen perubahan tidak memuat nol)."),
            ("Keandalan (RSE)", f"RSE = galat baku / estimasi × 100. RSE ≤ {c} persen: akurat; {c}–{u} persen: perlu "
             f"hati-hati jika digunakan; di atas {u} persen: dianggap tidak akurat. Estimasi dengan sampel kurang "
             f"dari {n} unit tidak ditampilkan."),
            ("Estimasi kelurahan", "Sampel survei terlalu kecil untuk kelurahan. P0 kelurahan diestimasi dengan model "
             "Fay-Herriot (small area estimation) yang menggabungkan estimasi langsung dengan kovariat dari registri "
             "DTSEN; versi yang disesuaikan (benchmarking) dijumlahkan konsisten dengan angka kota. Kelurahan tanpa "
             "sampel memakai estimasi sintetis model. Aturan RSE yang sama berlaku untuk estimasi model."),
            ("Ketepatan sasaran", "Kesalahan inklusi = penerima yang tidak layak / seluruh penerima; kesalahan "
             "eksklusi = keluarga layak yang tidak menerima / seluruh keluarga layak. Kelayakan menurut kesejahteraan "
             "prediksi model PMT (proxy-means test) pada dua batas: garis kemiskinan dan 40 persen terbawah."),
            ("Efek program pelatihan", "Selisih peluang bekerja 6 bulan setelah pelatihan antara peserta dan "
             "pendaftar yang tidak diterima (ATT, pembobotan AIPW, bootstrap), dalam poin persentase. Rekomendasi "
             "(perluas, rancang ulang, kurangi, pertahankan) mengikuti aturan kartu skor tahap keterampilan."),
            ("Indeks kekurangan tenaga kerja", "Gabungan terstandar dari sinyal permintaan dan penawaran per jabatan "
             "(KBJI 2014): lowongan, pencari kerja, tingkat pengisian, lama pengisian, dan perekrutan non-lokal. "
             "Positif = kekurangan, negatif = kelebihan pencari kerja."),
            ("Kerahasiaan", f"Tidak ada data perorangan yang diterbitkan. Sel tabel dengan jumlah 1 sampai {m} "
             "tidak ditampilkan; setiap keluaran diperiksa otomatis terhadap NIK, nomor KK, nama, dan alamat "
             "sebelum dirilis."),
        ]
    return [
        ("Poverty line and P0", "Poor people are those whose average monthly per-capita expenditure is below the "
         "poverty line (food worth 2,100 kcal a day plus basic non-food needs). P0 is the share of poor people; "
         "P1 and P2 (×100) measure the depth and severity of poverty. Source: Susenas March."),
        ("TPT, TPAK, TKK", "TPT = openly unemployed / labour force × 100; TPAK = labour force / working-age "
         "population (15 and over) × 100; TKK = 100 − TPT. Employed = worked at least one hour without "
         "interruption in the past week. Source: Sakernas August."),
        ("Confidence intervals", "Every survey estimate has a 95 percent confidence interval (CI) from a "
         "Taylor-linearised standard error that accounts for strata and census blocks."),
        ("Changes", "Year-on-year changes are given in percentage points and called a rise or fall only when "
         "statistically significant (the 95 percent CI of the change excludes zero)."),
        ("Reliability (RSE)", f"RSE = standard error / estimate × 100. RSE ≤ {c} percent: reliable; {c}–{u} "
         f"percent: use with caution; above {u} percent: not reliable. Estimates resting on fewer than {n} "
         "sample units are suppressed."),
        ("Kelurahan estimates", "The survey sample is too small for kelurahan. Kelurahan P0 is estimated with a "
         "Fay-Herriot small-area model that combines the direct estimate with covariates from the DTSEN registry; "
         "the benchmarked version adds up consistently with the city figure. Kelurahan without sample get a "
         "model-based synthetic estimate. The same RSE rule applies to model estimates."),
        ("Targeting", "Inclusion error = recipients who are not eligible / all recipients; exclusion error = "
         "eligible families who receive nothing / all eligible families. Eligibility is by the welfare predicted "
         "by the proxy-means test (PMT), at two cuts: the poverty line and the bottom 40 percent."),
        ("Training effects", "Difference in the chance of working 6 months after training between trainees and "
         "applicants who were not admitted (ATT, AIPW weighting, bootstrap), in percentage points. The "
         "recommendations (expand, redesign, reduce, maintain) follow the skills stage's scorecard rule."),
        ("Shortage index", "A standardised composite of demand and supply signals per occupation (KBJI 2014): "
         "vacancies, job seekers, fill rates, time to fill and non-local hiring. Positive = shortage, "
         "negative = surplus of job seekers."),
        ("Confidentiality", f"No individual data are published. Table cells with counts from 1 to {m} are "
         "suppressed; every output is checked automatically for NIK, KK numbers, names and addresses before "
         "release."),
    ]


def fmt_row_value(row: dict, lang: str = "id", short: bool = True) -> str:
    """Estimate of a row by its unit; the quality label instead when suppressed."""
    if flag_base(row.get("flag")) == "suppressed" or fmt.is_missing(row.get("estimate")):
        return t("flag_suppressed", lang)
    return fmt.value(row["estimate"], row.get("unit", "percent"), lang, short=short)


def isfinite(x) -> bool:
    v = _num(x)
    return v is not None and math.isfinite(v)
