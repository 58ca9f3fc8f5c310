"""Fixed wording of the briefs in Bahasa Indonesia (first) and English.

Sentences that carry numbers are built in :mod:`analysis.brief.narrative`; this module holds the
labels (section titles, indicator names, category names) and short fixed notes. ``t(key, lang)``
returns the text; ``{name}`` fields are filled from keyword arguments.
"""
from __future__ import annotations

from analysis.codes import SYNTHETIC_BANNER

T: dict[str, tuple[str, str]] = {
    # masthead and banner
    "title_city": ("Kemiskinan dan Ketenagakerjaan Kota Bontang {period}",
                   "Poverty and Employment in Kota Bontang, {period}"),
    "title_kecamatan": ("Ringkasan Kecamatan {name} {period}", "Kecamatan {name} Summary, {period}"),
    "subtitle": ("Ringkasan kebijakan untuk Pemerintah Kota Bontang",
                 "Policy brief for the Bontang City Government"),
    # the banner's wording lives in analysis.codes (one text for briefs and notebooks)
    "synthetic_banner": (SYNTHETIC_BANNER["id"][0], SYNTHETIC_BANNER["en"][0]),
    "synthetic_banner_detail": (SYNTHETIC_BANNER["id"][1], SYNTHETIC_BANNER["en"][1]),
    "reference_period": ("Periode rujukan", "Reference period"),
    "release_date": ("Tanggal rilis", "Release date"),
    "status": ("Status", "Status"),
    "next_release": ("Rilis berikutnya", "Next release"),
    "contact": ("Kontak", "Contact"),
    "status_synthetic": ("Demonstrasi (data sintetis)", "Demonstration (synthetic data)"),
    "status_provisional": ("Sementara", "Provisional"),
    "status_official": ("Final", "Final"),
    "status_experimental": ("Eksperimental", "Experimental"),
    "ref_poverty": ("Susenas Maret {year}", "Susenas March {year}"),
    "ref_labour": ("Sakernas Agustus {year}", "Sakernas August {year}"),
    "ref_registry": ("DTSEN, pemutakhiran {year}", "DTSEN, {year} update"),
    "ref_disnaker": ("data administrasi Disnaker {year}", "Disnaker administrative data {year}"),
    "toc": ("Isi", "Contents"),
    "not_available": ("bagian ini belum tersedia", "this section is not yet available"),
    "not_available_detail": ("Data masukan belum ada: {what}.", "Input not yet available: {what}."),
    # sections
    "sec_headline": ("Angka utama", "Headline figures"),
    "sec_keypoints": ("Poin-poin penting", "Main points"),
    "sec_progress": ("Kemajuan pemutakhiran data per kecamatan", "Data-update progress by kecamatan"),
    "sec_poverty": ("Kemiskinan menurut kecamatan dan kelurahan", "Poverty by kecamatan and kelurahan"),
    "sec_labour": ("Ketenagakerjaan menurut pendidikan dan jenis kelamin", "Employment by education and sex"),
    "sec_aki": ("Mengapa TPT berbeda dengan jumlah kartu AK/I", "Why the TPT differs from the AK/I card count"),
    "sec_skills": ("Kesenjangan keterampilan dan rekomendasi pelatihan", "Skill gaps and training recommendations"),
    "sec_targeting": ("Ketepatan sasaran bantuan sosial", "Targeting accuracy of social assistance"),
    "sec_quality": ("Catatan kualitas data", "Data quality notes"),
    "sec_methods": ("Metode dan definisi", "Methods and definitions"),
    "sec_sources": ("Sumber data", "Data sources"),
    "sec_provenance": ("Asal-usul dan cara mereproduksi", "Provenance and how to reproduce"),
    "sec_kecamatan_poverty": ("Kemiskinan", "Poverty"),
    "sec_kecamatan_labour": ("Ketenagakerjaan", "Employment"),
    "sec_kecamatan_progress": ("Pemutakhiran data dan ketepatan sasaran", "Data update and targeting"),
    # indicators
    "ind_p0": ("Persentase penduduk miskin (P0)", "Poverty rate (P0)"),
    "ind_p1": ("Indeks Kedalaman Kemiskinan (P1)", "Poverty gap index (P1)"),
    "ind_p2": ("Indeks Keparahan Kemiskinan (P2)", "Poverty severity index (P2)"),
    "ind_gini": ("Rasio Gini", "Gini ratio"),
    "ind_n_poor": ("Jumlah penduduk miskin", "Number of poor people"),
    "ind_poor_persons": ("Jumlah penduduk miskin", "Number of poor people"),
    "ind_tpt": ("Tingkat Pengangguran Terbuka (TPT)", "Open unemployment rate (TPT)"),
    "ind_tpak": ("Tingkat Partisipasi Angkatan Kerja (TPAK)", "Labour force participation rate (TPAK)"),
    "ind_tkk": ("Tingkat Kesempatan Kerja (TKK)", "Employment rate (TKK)"),
    "ind_underemployment": ("Tingkat setengah pengangguran", "Time-related underemployment rate"),
    "ind_parttime": ("Pekerja paruh waktu", "Part-time workers"),
    "ind_informal": ("Pekerja informal", "Informal employment"),
    "ind_youth_tpt": ("TPT usia muda (15\u201324 tahun)", "Youth unemployment rate (15\u201324)"),
    "ind_neet": ("Pemuda tidak bekerja, tidak sekolah, tidak pelatihan (NEET)",
                 "Youth not in employment, education or training (NEET)"),
    "ind_shortage_index": ("Indeks kekurangan tenaga kerja", "Shortage index"),
    "ind_p0_benchmarked": ("P0 kelurahan (model, dibenchmark)", "Kelurahan P0 (model, benchmarked)"),
    "ind_tightness_vu": ("Rasio lowongan per pencari kerja", "Vacancies per job seeker"),
    "ind_training_att_pp": ("Efek program pelatihan", "Training programme effect"),
    "ind_employment_share": ("Distribusi penduduk bekerja", "Share of employed people"),
    "ind_employed_persons": ("Penduduk bekerja", "Employed people"),
    "ind_unemployed_persons": ("Penganggur", "Unemployed people"),
    "ind_labour_force_persons": ("Angkatan kerja", "Labour force"),
    "ind_working_age_persons": ("Penduduk usia kerja", "Working-age population"),
    "ind_outside_labour_force_persons": ("Bukan angkatan kerja", "Outside the labour force"),
    # domain levels
    "lvl_kota": ("kota", "city"),
    "lvl_kecamatan": ("kecamatan", "kecamatan"),
    "lvl_kelurahan": ("kelurahan", "kelurahan"),
    "lvl_sex": ("jenis kelamin", "sex"),
    "lvl_age_group": ("kelompok umur", "age group"),
    "lvl_education": ("pendidikan", "education"),
    "lvl_hh_head_sex": ("jenis kelamin KRT", "sex of household head"),
    "lvl_hh_head_education": ("pendidikan KRT", "education of household head"),
    "lvl_hh_size": ("jumlah anggota rumah tangga", "household size"),
    "lvl_kbli": ("lapangan usaha (KBLI)", "industry (KBLI)"),
    "lvl_kbji": ("jabatan (KBJI 1 digit)", "occupation (KBJI 1 digit)"),
    "lvl_occupation": ("jabatan (KBJI)", "occupation (KBJI)"),
    "lvl_programme": ("program pelatihan", "training programme"),
    "lvl_kecamatan_x_sex": ("kecamatan \u00d7 jenis kelamin", "kecamatan \u00d7 sex"),
    # short indicator names for chart axes
    "short_p0": ("P0 (persen)", "P0 (percent)"),
    "short_tpt": ("TPT (persen)", "TPT (percent)"),
    # categories
    "sex_1": ("Laki-laki", "Male"),
    "sex_2": ("Perempuan", "Female"),
    "edu_sd_kebawah": ("SD ke bawah", "Primary or less (SD or below)"),
    "edu_tidak_sekolah": ("Tidak/belum pernah sekolah", "No schooling"),
    "edu_belum_tamat_sd": ("Tidak/belum tamat SD", "Primary not completed"),
    "edu_sd": ("SD", "Primary (SD)"),
    "edu_smp": ("SMP", "Junior secondary (SMP)"),
    "edu_sma": ("SMA", "General senior sec. (SMA)"),
    "edu_smk": ("SMK", "Vocational senior sec. (SMK)"),
    "edu_diploma": ("Diploma I/II/III", "Diploma"),
    "edu_universitas": ("Universitas", "University"),
    "flag_ok": ("akurat", "reliable"),
    "flag_caution": ("perlu hati-hati", "use with caution"),
    "flag_unreliable": ("tidak akurat", "not reliable"),
    "flag_suppressed": ("tidak ditampilkan", "suppressed"),
    "method_direct": ("Estimasi langsung (survei)", "Direct survey estimate"),
    "method_model": ("Model Fay-Herriot", "Fay-Herriot model"),
    # training recommendations (skills stage codes)
    "rec_expand": ("Perluas", "Expand"),
    "rec_redesign": ("Rancang ulang", "Redesign"),
    "rec_reduce": ("Kurangi", "Reduce"),
    "rec_maintain": ("Pertahankan", "Maintain"),
    # targeting
    "prog_pkh": ("PKH", "PKH"),
    "prog_bpnt": ("BPNT", "BPNT"),
    "cut_poverty_line": ("Batas garis kemiskinan", "Poverty-line cut"),
    "cut_bottom40": ("Batas 40 persen terbawah", "Bottom-40-percent cut"),
    "col_inclusion": ("Kesalahan inklusi (%)", "Inclusion error (%)"),
    "col_exclusion": ("Kesalahan eksklusi (%)", "Exclusion error (%)"),
    # table headers
    "col_domain": ("Wilayah", "Area"),
    "col_estimate": ("Estimasi", "Estimate"),
    "col_ci": ("SK 95%", "95% CI"),
    "col_rse": ("RSE (%)", "RSE (%)"),
    "col_quality": ("Kualitas", "Quality"),
    "col_indicator": ("Indikator", "Indicator"),
    "col_value": ("Nilai", "Value"),
    "col_change": ("Perubahan", "Change"),
    "col_source": ("Sumber", "Source"),
    "col_provider": ("Penyedia", "Provider"),
    "col_vintage": ("Tahun data", "Data year"),
    "col_count": ("Jumlah", "Number"),
    "col_item": ("Butir", "Item"),
    "source_line": ("Sumber: {source}", "Source: {source}"),
    "source_estimates": ("estimasi tahap {stage} ({file})", "stage {stage} estimates ({file})"),
    "cite": ("Boleh dikutip dengan menyebutkan sumbernya.", "May be quoted with acknowledgement of the source."),
    # notes
    "note_ci": ("Garis pada grafik menunjukkan selang kepercayaan 95 persen.",
                "Lines on the charts show 95 percent confidence intervals."),
    "note_schematic": ("Skema, bukan peta: setiap kotak adalah satu kelurahan, dikelompokkan menurut kecamatan.",
                       "Schematic, not a map: each tile is one kelurahan, grouped by kecamatan."),
}


def t(key: str, lang: str = "id", **kwargs) -> str:
    """Text of ``key`` in ``lang`` (``id`` or ``en``), formatted with ``kwargs``."""
    try:
        pair = T[key]
    except KeyError:
        raise KeyError(f"no brief text for key {key!r}") from None
    text = pair[0] if lang.split("_")[0] == "id" else pair[1]
    return text.format(**kwargs) if kwargs else text


def has(key: str) -> bool:
    """Whether a label exists (used for optional category labels)."""
    return key in T


def indicator_name(indicator: str, lang: str = "id") -> str:
    """Full name of an indicator; unknown indicators fall back to their code."""
    key = f"ind_{indicator}"
    return t(key, lang) if key in T else indicator


def level_name(level: str, lang: str = "id") -> str:
    """Label of a domain level (``hh_head_education`` -> "pendidikan KRT"); unknown levels as they are."""
    key = f"lvl_{level}"
    return t(key, lang) if key in T else str(level)


def category_name(level: str, code: str, lang: str = "id", fallback: str | None = None) -> str:
    """Label of a category code (sex, education); ``fallback`` (the domain_name) otherwise."""
    prefix = {"sex": "sex", "education": "edu"}.get(level)
    key = f"{prefix}_{code}" if prefix else ""
    if key in T:
        return t(key, lang)
    return fallback if fallback is not None else str(code)
