"""Published context: BPS's own Bontang poverty series beside the demo estimates, and concept notes.

BPS publishes poverty for the city as a whole, once a year (Susenas Maret). The brief shows those
published figures (with year, source and evidence grade) next to this repository's estimates,
which on the demo data are SYNTHETIC and labelled so. It also needs one recurring warning: the
"poor" counts of the social registry (DTKS/DTSEN desil lists, tens of thousands of people) measure
a different concept from BPS consumption poverty (about seven thousand people). The phrases live
in ``concept_notes.csv`` so that the brief reads them instead of re-typing them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

# published indicator name -> (indicator in this repository, unit in the estimates contract)
PUBLISHED_POVERTY_INDICATORS = {
    "bontang_p0_maret": ("p0", "percent"),
    "bontang_p0": ("p0", "percent"),
    "bontang_p1": ("p1", "index_x100"),
    "bontang_p2": ("p2", "index_x100"),
    "bontang_penduduk_miskin": ("poor_persons", "count"),
    "bontang_garis_kemiskinan": ("poverty_line", "idr_per_capita_month"),
}
PUBLISHED_COLUMNS = ["indicator", "year", "series", "value", "unit", "source", "grade",
                     "published_indicator", "label"]
LABEL_PUBLISHED = "published (BPS Kota Bontang, as reported; see source)"
LABEL_SYNTHETIC = "demo estimate on SYNTHETIC data (not a real figure)"
LABEL_REAL = "estimate of this repository (not an official BPS release)"
LABEL_LINE_USED = "poverty line used by the estimates of this run"


def published_poverty_table(published: pd.DataFrame, estimates: pd.DataFrame | None = None,
                            poverty_lines: pd.DataFrame | None = None, *,
                            synthetic: bool = True) -> pd.DataFrame:
    """Bontang's published poverty history beside this run's city estimates.

    Parameters
    ----------
    published : DataFrame
        ``reference/published_indicators.csv`` (``year, indicator, value, unit, source, grade``).
    estimates : DataFrame, optional
        Rows of the estimates contract; the city (``domain_level == 'kota'``) rows of ``p0``,
        ``p1``, ``p2`` and ``poor_persons`` are added as series ``estimate``.
    poverty_lines : DataFrame, optional
        The run's poverty lines (``year, poverty_line``), added as series ``line_used`` (the
        demo run uses the published lines).
    synthetic : bool
        Label the estimate rows as synthetic (demo) or as repository estimates (real run).

    Returns
    -------
    DataFrame
        ``indicator, year, series, value, unit, source, grade, published_indicator, label``,
        sorted by indicator, year and series. Published rows keep year, value, source and grade
        exactly as in the reference file.
    """
    pub = published[published["indicator"].astype(str).isin(PUBLISHED_POVERTY_INDICATORS)].copy()
    mapped = pub["indicator"].astype(str).map(PUBLISHED_POVERTY_INDICATORS)
    out = pd.DataFrame({
        "indicator": mapped.str[0],
        "year": pub["year"].astype(str),
        "series": "published",
        "value": pd.to_numeric(pub["value"], errors="coerce"),
        "unit": mapped.str[1],
        "source": pub["source"].astype(str),
        "grade": pub["grade"].astype(str),
        "published_indicator": pub["indicator"].astype(str),
        "label": LABEL_PUBLISHED,
    })
    frames = [out]
    est_label = LABEL_SYNTHETIC if synthetic else LABEL_REAL
    est_source = "this repository (synthetic demo data)" if synthetic else "this repository"
    if estimates is not None and len(estimates):
        e = estimates[(estimates["domain_level"] == "kota")
                      & estimates["indicator"].isin(["p0", "p1", "p2", "poor_persons"])
                      & ~estimates["period"].astype(str).str.contains("-")]
        frames.append(pd.DataFrame({
            "indicator": e["indicator"].astype(str), "year": e["period"].astype(str),
            "series": "estimate", "value": e["estimate"].astype(float), "unit": e["unit"].astype(str),
            "source": est_source + "; method " + e["method"].astype(str), "grade": "",
            "published_indicator": "", "label": est_label,
        }))
    if poverty_lines is not None and len(poverty_lines):
        frames.append(pd.DataFrame({
            "indicator": "poverty_line", "year": poverty_lines["year"].astype(str), "series": "line_used",
            "value": poverty_lines["poverty_line"].astype(float), "unit": "idr_per_capita_month",
            "source": "reference/poverty_lines.csv", "grade": "",
            "published_indicator": "", "label": LABEL_LINE_USED,
        }))
    res = pd.concat([f for f in frames if len(f)], ignore_index=True)
    res = res.sort_values(["indicator", "year", "series", "published_indicator"], kind="mergesort")
    return res[PUBLISHED_COLUMNS].reset_index(drop=True)


def latest_published(published: pd.DataFrame, indicator: str) -> tuple[str, float] | None:
    """(year, value) of the most recent row of one published indicator, or None."""
    rows = published[published["indicator"].astype(str) == indicator]
    if rows.empty:
        return None
    rows = rows.assign(_y=pd.to_numeric(rows["year"], errors="coerce")).sort_values("_y")
    last = rows.iloc[-1]
    return str(last["year"]), float(last["value"])


def _fmt_int(value: float, language: str) -> str:
    s = f"{int(round(value)):,}"
    return s.replace(",", ".") if language == "id" else s


def concept_notes(published: pd.DataFrame, *, registry_persons_desil_1_4: float | None = None,
                  registry_persons_desil_1_3: float | None = None,
                  registry_share_desil_1_4: float | None = None,
                  synthetic: bool = True) -> pd.DataFrame:
    """Phrases (Bahasa Indonesia and English) the brief prints beside poverty figures.

    Parameters
    ----------
    published : DataFrame
        Published indicators; the latest ``bontang_penduduk_miskin`` is quoted.
    registry_persons_desil_1_4, registry_persons_desil_1_3 : float, optional
        Persons in registry families ranked desil 1-4 (1-3) in this run's registry extract.
    registry_share_desil_1_4 : float, optional
        Their share (percent) of all persons in current registry families.
    synthetic : bool
        Whether the registry figure comes from the synthetic demo registry (said in the note).

    Returns
    -------
    DataFrame
        ``note_id, language, text`` sorted by note and language.
    """
    latest = latest_published(published, "bontang_penduduk_miskin")
    p0 = latest_published(published, "bontang_p0_maret")
    rows = []

    def add(note_id, id_text, en_text):
        rows.append({"note_id": note_id, "language": "id", "text": id_text})
        rows.append({"note_id": note_id, "language": "en", "text": en_text})

    if latest is not None:
        year, val = latest
        p0_id = f", {p0[1]:.2f} persen".replace(".", ",") if p0 and p0[0] == year else ""
        p0_en = f", {p0[1]:.2f} percent" if p0 and p0[0] == year else ""
        bps_id = f"sekitar {_fmt_int(val, 'id')} jiwa{p0_id}, Maret {year}"
        bps_en = f"about {_fmt_int(val, 'en')} people{p0_en}, March {year}"
    else:
        bps_id, bps_en = "sekitar 7 ribu jiwa", "about 7 thousand people"
    add("registry_vs_bps",
        "Jumlah \"warga miskin\" dalam data registri sosial (DTKS/DTSEN, desil kesejahteraan; "
        "puluhan ribu jiwa) mengukur konsep yang berbeda dari kemiskinan konsumsi BPS "
        f"({bps_id}). Registri memeringkat keluarga untuk sasaran bantuan sosial; BPS menghitung "
        "penduduk dengan pengeluaran per kapita di bawah garis kemiskinan dari sampel Susenas. "
        "Kedua angka tidak boleh digabung dalam satu deret atau satu sumbu grafik.",
        "Registry \"poor\" counts (DTKS/DTSEN welfare deciles; tens of thousands of people) measure "
        f"a different concept from BPS consumption poverty ({bps_en}). The registry ranks families "
        "to target social assistance; BPS counts people whose per-capita expenditure is below the "
        "poverty line, from the Susenas sample. The two numbers must never share a series or a "
        "chart axis.")
    if registry_persons_desil_1_4 is not None and np.isfinite(registry_persons_desil_1_4):
        tag_id = " (data registri sintetis)" if synthetic else ""
        tag_en = " (synthetic registry data)" if synthetic else ""
        d13_id = d13_en = ""
        if registry_persons_desil_1_3 is not None and np.isfinite(registry_persons_desil_1_3):
            d13_id = f"; desil 1-3: {_fmt_int(registry_persons_desil_1_3, 'id')} jiwa"
            d13_en = f"; deciles 1-3: {_fmt_int(registry_persons_desil_1_3, 'en')} people"
        add("registry_count",
            f"Anggota keluarga desil 1-4 dalam registri: {_fmt_int(registry_persons_desil_1_4, 'id')} "
            f"jiwa{d13_id}{tag_id}. Angka ini adalah hitungan sasaran program, bukan jumlah "
            "penduduk miskin.",
            f"Members of desil 1-4 families in the registry: "
            f"{_fmt_int(registry_persons_desil_1_4, 'en')} people{d13_en}{tag_en}. This is a count "
            "of programme targets, not of poor people.")
    add("desil_definition",
        "Desil DTSEN adalah peringkat kesejahteraan nasional hasil uji pendapatan tidak langsung "
        "(proxy-means test); desil 1-4 biasanya menjadi sasaran bansos. Desil bukan garis "
        "kemiskinan.",
        "DTSEN deciles are a national welfare ranking from a proxy-means test; deciles 1-4 are the "
        "usual target of social assistance. A decile is not a poverty line.")
    if registry_share_desil_1_4 is not None and np.isfinite(registry_share_desil_1_4):
        pct_id = f"{registry_share_desil_1_4:.1f}".replace(".", ",")
        pct_en = f"{registry_share_desil_1_4:.1f}"
        add("bottom40_vs_desil",
            "Batas 40 persen terbawah adalah batas relatif penduduk Bontang sendiri; jauh lebih lebar "
            f"daripada desil nasional 1-4 yang menjadi sasaran PKH/BPNT (hanya {pct_id} persen anggota "
            "registri berada di desil 1-4). Karena itu kesalahan eksklusi pada batas 40 persen tinggi "
            "dengan sendirinya.",
            "The bottom-40-percent cut is relative to Bontang's own population; it is much wider than "
            f"the national deciles 1-4 that PKH/BPNT target (only {pct_en} percent of registry members "
            "are in deciles 1-4). Exclusion errors at the bottom-40 cut are therefore high by "
            "construction.")
    add("small_sample",
        "Angka kemiskinan kota bertumpu pada sampel Susenas yang kecil (sekitar 570 rumah tangga); "
        "perubahan tahunan sebesar 0,3-0,5 poin sering tidak signifikan secara statistik.",
        "City poverty rests on a small Susenas sample (about 570 households); yearly moves of "
        "0.3-0.5 points are often not statistically significant.")
    add("kelurahan_model",
        "Angka kelurahan adalah estimasi model (Fay-Herriot) yang menggabungkan sampel Susenas "
        "dengan kovariat registri; kelurahan tanpa sampel hanya memiliki estimasi sintetis.",
        "Kelurahan figures are model estimates (Fay-Herriot) combining the Susenas sample with "
        "registry covariates; kelurahan without sample have synthetic estimates only.")
    add("targeting_definition",
        "Kesalahan eksklusi = keluarga layak yang tidak menerima / seluruh keluarga layak; "
        "kesalahan inklusi = penerima yang tidak layak / seluruh penerima. Kelayakan ditentukan "
        "dari kesejahteraan prediksi model PMT, bukan dari pengeluaran sebenarnya.",
        "Exclusion error = eligible families not receiving / all eligible families; inclusion "
        "error = recipients who are not eligible / all recipients. Eligibility is by the welfare "
        "predicted by the proxy-means test, not by actual expenditure.")
    return pd.DataFrame(rows).sort_values(["note_id", "language"], kind="mergesort").reset_index(drop=True)
