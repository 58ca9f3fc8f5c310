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
    {"exhibit": "T4", "kind": "table", "title": "Programme scorecard and recommendations",
     "notebook": "notebooks/05_brief.py", "function": "analysis.brief.sections.skills",
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
