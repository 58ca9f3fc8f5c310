"""The exhibit map: every table and figure of the release -> notebook, function, output file.

Written to ``reports/<period>/exhibits.csv`` by :func:`analysis.brief.assemble.assemble_release`
and rendered as a Markdown table (:func:`exhibits_markdown`) for the README's "List of tables and
programs" (AEA replication template).
"""
from __future__ import annotations

import pandas as pd

COLUMNS = ["exhibit", "kind", "title", "notebook", "function", "output", "data"]

# {p} = period, {lang} = brief language; outputs are relative to the repository root.
EXHIBITS: list[dict[str, str]] = [
    {"exhibit": "T1", "kind": "table", "title": "All published estimates (poverty, labour, skills)",
     "notebook": "(make report: python -m analysis.brief.assemble)", "function": "analysis.brief.assemble.assemble_release",
     "output": "reports/{p}/estimates.csv", "data": "data/processed/{p}/*/estimates.csv"},
    {"exhibit": "T2", "kind": "table", "title": "Stage tables (data behind the briefs)",
     "notebook": "(make report: python -m analysis.brief.assemble)", "function": "analysis.brief.assemble.assemble_release",
     "output": "reports/{p}/tables/<stage>/*.csv", "data": "data/processed/{p}/<stage>/tables/*.csv"},
    {"exhibit": "B1", "kind": "brief", "title": "City brief (Bahasa Indonesia / English)",
     "notebook": "notebooks/05_brief.py", "function": "analysis.brief.render.render_brief_html",
     "output": "reports/{p}/brief_{lang}.html", "data": "reports/{p}/estimates.csv, tables/"},
    {"exhibit": "B2", "kind": "brief", "title": "One-page kecamatan briefs",
     "notebook": "notebooks/06_kecamatan_brief.py", "function": "analysis.brief.render.render_brief_html",
     "output": "reports/{p}/kecamatan/brief_{lang}_<kode>.html", "data": "reports/{p}/estimates.csv, tables/"},
    {"exhibit": "F0", "kind": "figure", "title": "Every chart of each brief as its own PNG file, with its alt text (index figures.csv)",
     "notebook": "notebooks/05_brief.py; notebooks/06_kecamatan_brief.py", "function": "analysis.brief.render.extract_figures",
     "output": "reports/{p}/figures/<brief>/fig-NN.png", "data": "the brief's charts (F1-F9)"},
    {"exhibit": "F1", "kind": "figure", "title": "DTSEN verification progress by kecamatan",
     "notebook": "notebooks/05_brief.py", "function": "analysis.brief.charts.progress_bars",
     "output": "reports/{p}/brief_{lang}.html#pemutakhiran", "data": "tables/clean/progress_kecamatan.csv"},
    {"exhibit": "F2", "kind": "figure", "title": "P0 by kecamatan with 95% CIs",
     "notebook": "notebooks/05_brief.py", "function": "analysis.brief.charts.poverty_by_kecamatan",
     "output": "reports/{p}/brief_{lang}.html#kemiskinan", "data": "estimates.csv (p0, kecamatan)"},
    {"exhibit": "F3", "kind": "figure", "title": "Kelurahan P0: direct vs Fay-Herriot with 95% CIs",
     "notebook": "notebooks/05_brief.py; notebooks/06_kecamatan_brief.py",
     "function": "analysis.brief.charts.kelurahan_direct_vs_model",
     "output": "reports/{p}/brief_{lang}.html#kemiskinan; reports/{p}/kecamatan/brief_{lang}_<kode>.html",
     "data": "estimates.csv (p0, p0_benchmarked, kelurahan); tables/poverty/kelurahan_p0.csv"},
    {"exhibit": "F3b", "kind": "figure", "title": "Schematic (tile map) of the 15 kelurahan by kecamatan, Fay-Herriot P0",
     "notebook": "notebooks/05_brief.py", "function": "analysis.brief.charts.kelurahan_tiles",
     "output": "reports/{p}/brief_{lang}.html#kemiskinan", "data": "estimates.csv (p0, kelurahan); tables/poverty/kelurahan_p0.csv"},
    {"exhibit": "T6", "kind": "table", "title": "Kelurahan P0: direct, Fay-Herriot, benchmarked, RSE and quality flag",
     "notebook": "notebooks/05_brief.py", "function": "analysis.brief.sections.kelurahan",
     "output": "reports/{p}/brief_{lang}.html#kemiskinan",
     "data": "estimates.csv (p0, p0_benchmarked, kelurahan); tables/poverty/kelurahan_p0.csv"},
    {"exhibit": "F4", "kind": "figure", "title": "Published March P0 of Bontang and this release's P0 with 95% CIs",
     "notebook": "notebooks/05_brief.py", "function": "analysis.brief.charts.poverty_history",
     "output": "reports/{p}/brief_{lang}.html#kemiskinan", "data": "tables/poverty/published_poverty.csv; estimates.csv (p0, kota)"},
    {"exhibit": "T7", "kind": "table", "title": "P0 and TPT changes 2023-2024 with 95% CIs and significance",
     "notebook": "notebooks/05_brief.py", "function": "analysis.brief.sections.changes_table",
     "output": "reports/{p}/brief_{lang}.html#kemiskinan; #ketenagakerjaan",
     "data": "estimates.csv (*_change); tables/poverty/changes.csv; tables/labour/changes.csv"},
    {"exhibit": "F5", "kind": "figure", "title": "TPT by education and sex with 95% CIs",
     "notebook": "notebooks/05_brief.py", "function": "analysis.brief.charts.tpt_by_education_sex",
     "output": "reports/{p}/brief_{lang}.html#ketenagakerjaan", "data": "estimates.csv (tpt, education/sex)"},
    {"exhibit": "F6", "kind": "figure", "title": "Published August TPT, Bontang vs Kaltim, and this release",
     "notebook": "notebooks/05_brief.py", "function": "analysis.brief.charts.tpt_history",
     "output": "reports/{p}/brief_{lang}.html#ketenagakerjaan", "data": "tables/labour/tpt_published.csv; estimates.csv (tpt, kota)"},
    {"exhibit": "T3", "kind": "table", "title": "TPT vs AK/I and reasons for the difference",
     "notebook": "notebooks/05_brief.py", "function": "analysis.brief.narrative.aki_explanation",
     "output": "reports/{p}/brief_{lang}.html#ketenagakerjaan", "data": "tables/labour/aki_vs_tpt.csv, aki_reasons.csv"},
    {"exhibit": "F7", "kind": "figure", "title": "Shortage index by occupation (diverging, 95% CIs)",
     "notebook": "notebooks/05_brief.py", "function": "analysis.brief.charts.shortage_diverging",
     "output": "reports/{p}/brief_{lang}.html#keterampilan", "data": "estimates.csv (shortage_index, occupation)"},
    {"exhibit": "F8", "kind": "figure", "title": "Programme quadrant: shortage index x effect, all programmes by recommendation, size = seats",
     "notebook": "notebooks/05_brief.py", "function": "analysis.brief.charts.programme_quadrant",
     "output": "reports/{p}/brief_{lang}.html#keterampilan", "data": "tables/skills/programme_scorecard.csv"},
    {"exhibit": "T4", "kind": "table", "title": "Programme scorecard: n, effect with 95% CI, flag, evidence grade, recommendation (stage and shown), seats, sample needed",
     "notebook": "notebooks/05_brief.py", "function": "analysis.brief.training.scorecard_table",
     "output": "reports/{p}/brief_{lang}.html#keterampilan", "data": "tables/skills/programme_scorecard.csv"},
    {"exhibit": "F9", "kind": "figure", "title": "Targeting errors (inclusion/exclusion) by kecamatan",
     "notebook": "notebooks/05_brief.py", "function": "analysis.brief.charts.targeting_errors",
     "output": "reports/{p}/brief_{lang}.html#sasaran", "data": "tables/poverty/targeting_errors.csv"},
    {"exhibit": "T8", "kind": "table", "title": "PKH and BPNT inclusion/exclusion errors by kecamatan, poverty-line and bottom-40 cuts",
     "notebook": "notebooks/05_brief.py; notebooks/06_kecamatan_brief.py", "function": "analysis.brief.sections.targeting_table",
     "output": "reports/{p}/brief_{lang}.html#sasaran", "data": "tables/poverty/targeting_errors.csv; tables/poverty/concept_notes.csv"},
    {"exhibit": "T5", "kind": "table", "title": "Reliability flags, suppressed cells, cleaning summary, validation report",
     "notebook": "notebooks/05_brief.py", "function": "analysis.brief.sections.quality",
     "output": "reports/{p}/brief_{lang}.html#kualitas",
     "data": "estimates.csv; tables/clean/cleaning_summary.csv, validation_report.csv; tables/*/*.csv (suppressed_cells)"},
]

B = "reports/{p}/brief_{lang}.html"
NB = "notebooks/05_brief.py"


def _x(exhibit, kind, title, function, anchor, data, notebook=NB, output=None):
    return {"exhibit": exhibit, "kind": kind, "title": title, "notebook": notebook, "function": function,
            "output": output or f"{B}#{anchor}", "data": data}


# Decision page, summary cards and boxes, and the annex tables added with the decision page.
EXHIBITS += [
    _x("D1a", "table", "Verification remaining by kecamatan and pace needed to the target date",
       "analysis.brief.decisions.verification_block", "keputusan", "tables/clean/progress_kecamatan.csv; config brief.verification_target_date"),
    _x("D1b", "table", "Kelurahan priority order: pending families x kelurahan model P0",
       "analysis.brief.decisions.kelurahan_priority", "keputusan", "tables/clean/progress_kelurahan.csv; estimates.csv (p0, kelurahan)"),
    _x("D2a", "table", "PKH/BPNT recipients on invalid records (moved, dead, duplicated, not found) by area",
       "analysis.brief.decisions.invalid_recipients", "keputusan", "tables/poverty/targeting_errors.csv (n_recipients_invalid_record)"),
    _x("D2b", "table", "City inclusion and exclusion errors of PKH and BPNT by eligibility cut",
       "analysis.brief.decisions.bansos_block", "keputusan", "tables/poverty/targeting_errors.csv"),
    _x("D2c", "text", "PMT validation: range of exclusion errors by cut",
       "analysis.brief.decisions.bansos_block", "keputusan", "tables/poverty/pmt_validation.csv"),
    _x("D3", "table", "Training programmes by evidence grade, with the pooled effect",
       "analysis.brief.training.decision_block", "keputusan", "tables/skills/programme_scorecard.csv; estimates.csv (training_att_pp)"),
    _x("H1", "card", "Headline card: P0 of the city with 95% CI and change",
       "analysis.brief.sections.headline_figures", "angka-utama", "estimates.csv (p0, kota; p0_change)"),
    _x("H2", "card", "Headline card: number of poor people with 95% CI and change",
       "analysis.brief.sections.headline_figures", "angka-utama", "estimates.csv (poor_persons, kota)"),
    _x("H3", "card", "Headline card: TPT of the city with 95% CI and change",
       "analysis.brief.sections.headline_figures", "angka-utama", "estimates.csv (tpt, kota; tpt_change)"),
    _x("H4", "card", "Headline card: occupation with the largest shortage index",
       "analysis.brief.sections.headline_figures", "angka-utama", "estimates.csv (shortage_index, occupation)"),
    _x("KH1", "card", "Kecamatan brief card: P0 of the kecamatan with 95% CI and change",
       "analysis.brief.sections.kecamatan_body", "", "estimates.csv (p0, kecamatan)", notebook="notebooks/06_kecamatan_brief.py",
       output="reports/{p}/kecamatan/brief_{lang}_<kode>.html"),
    _x("KH2", "card", "Kecamatan brief card: TPT of the kecamatan with 95% CI and change",
       "analysis.brief.sections.kecamatan_body", "", "estimates.csv (tpt, kecamatan)", notebook="notebooks/06_kecamatan_brief.py",
       output="reports/{p}/kecamatan/brief_{lang}_<kode>.html"),
    _x("KH3", "card", "Kecamatan brief card: youth TPT of the kecamatan with 95% CI",
       "analysis.brief.sections.kecamatan_body", "", "estimates.csv (youth_tpt, kecamatan)", notebook="notebooks/06_kecamatan_brief.py",
       output="reports/{p}/kecamatan/brief_{lang}_<kode>.html"),
    _x("K1", "text", "Key points: city headlines and every tested change under the multiple-comparison rule",
       "analysis.brief.keypoints.change_points", "poin-penting", "tables/poverty/changes.csv; tables/labour/changes.csv; estimates.csv"),
    _x("O1", "table", "Official BPS figures (published, with citations), set apart from this release",
       "analysis.brief.official.official_box", "angka-utama", "tables/poverty/published_poverty.csv; tables/labour/tpt_published.csv"),
    _x("G1", "text", "Glossary", "analysis.brief.sections.glossary", "glosarium",
       "src/analysis/brief/wording_<lang>.yaml"),
    _x("T3b", "table", "Reasons for the difference between TPT and AK/I",
       "analysis.brief.narrative.aki_explanation", "ketenagakerjaan", "tables/labour/aki_reasons.csv"),
    _x("T5b", "table", "Flagged estimates by indicator and level", "analysis.brief.sections.quality", "kualitas", "estimates.csv"),
    _x("T5c", "table", "Suppressed cells in the released tables", "analysis.brief.sections.quality", "kualitas", "tables/*/*.csv"),
    _x("T5d", "table", "Data cleaning summary by rule", "analysis.brief.sections.quality", "kualitas", "tables/clean/cleaning_summary.csv"),
    _x("T5e", "table", "Validation report of the raw data", "analysis.brief.sections.quality", "kualitas", "tables/clean/validation_report.csv"),
    _x("T9", "table", "Employment by KBLI section (B, C, rest), both years, change with 95% CI",
       "analysis.brief.industry.industry_section", "industri", "estimates.csv (employment_share, kbli); tables/labour/changes.csv"),
    _x("T10", "table", "Verification progress by kelurahan", "analysis.brief.sections._progress_table", "pemutakhiran",
       "tables/clean/progress_kelurahan.csv", notebook="notebooks/05_brief.py; notebooks/06_kecamatan_brief.py"),
    _x("T10b", "table", "Families on the field worklists by kelurahan and intervention channel (counts, suppressed)",
       "analysis.brief.decisions.worklist_table", "pemutakhiran", "tables/poverty/worklist_counts.csv"),
    _x("T11", "table", "Poverty and inequality indicators (kota, kecamatan)", "analysis.brief.sections.poverty", "kemiskinan",
       "estimates.csv (p0, poor_persons, p1, p2, gini)"),
    _x("T12", "table", "Labour indicators (kota, kecamatan)", "analysis.brief.sections.labour", "ketenagakerjaan",
       "estimates.csv (tpt, tpak, tkk, ...)"),
    _x("T13", "table", "Published poverty figures of Kota Bontang", "analysis.brief.sections.published_poverty", "kemiskinan",
       "tables/poverty/published_poverty.csv"),
    _x("T14", "table", "Data processed (sources)", "analysis.brief.sections.sources", "sumber", "config inputs"),
    _x("T15", "table", "Published figures used for comparison", "analysis.brief.sections.sources", "sumber",
       "tables/poverty/published_poverty.csv; tables/labour/tpt_published.csv"),
]


def exhibit_table(period: str) -> pd.DataFrame:
    """The exhibit map of one period (outputs with the period filled in)."""
    df = pd.DataFrame(EXHIBITS, columns=COLUMNS)
    for c in ("output", "data"):
        df[c] = df[c].str.replace("{p}", str(period), regex=False)
    return df


def exhibits_markdown(period: str) -> str:
    """Markdown table for README.md ("List of tables and programs")."""
    df = exhibit_table(period)
    head = "| Exhibit | Kind | Title | Notebook | Function | Output file |\n|---|---|---|---|---|---|\n"
    rows = "".join(f"| {r.exhibit} | {r.kind} | {r.title} | `{r.notebook}` | `{r.function}` | `{r.output}` |\n"
                   for r in df.itertuples())
    return head + rows


if __name__ == "__main__":
    import sys
    print(exhibits_markdown(sys.argv[1] if len(sys.argv) > 1 else "2024"), end="")
