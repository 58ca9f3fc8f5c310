"""No two text labels of a brief chart overlap (annotations, value labels, legend excluded).

Every chart is drawn from the brief fixture; the window extents of all texts placed in the axes
(``ax.texts``: annotations and value labels) are compared pairwise. A label that hides another one
fails the test with the chart name and both strings.
"""
from __future__ import annotations

import itertools

import matplotlib
import pytest

from analysis.brief import charts
from analysis.brief.data import load_brief_data
from analysis.config import load_config

matplotlib.use("Agg")
CFG = "tests/fixtures/brief/config.yaml"


@pytest.fixture(scope="module")
def data():
    return load_brief_data(load_config(CFG), "tests/fixtures/brief/processed/2024")


def _charts(data, lang):
    sc = data.table("programme_scorecard")
    return {
        "poverty_by_kecamatan": lambda: charts.poverty_by_kecamatan(data, lang),
        "kelurahan_direct_vs_model": lambda: charts.kelurahan_direct_vs_model(data, lang),
        "kelurahan_direct_vs_model_kec": lambda: charts.kelurahan_direct_vs_model(data, lang, kecamatan="64.74.01",
                                                                                   compact=True),
        "kelurahan_tiles": lambda: charts.kelurahan_tiles(data, lang),
        "tpt_by_education_sex": lambda: charts.tpt_by_education_sex(data, lang),
        "tpt_history": lambda: charts.tpt_history(data, lang, synthetic=True),
        "poverty_history": lambda: charts.poverty_history(data, lang, synthetic=True),
        "shortage_diverging": lambda: charts.shortage_diverging(data, lang),
        "programme_quadrant": lambda: charts.programme_quadrant(sc, lang),
        "targeting_errors": lambda: charts.targeting_errors(data, lang),
        "progress_bars": lambda: charts.progress_bars(data.table("progress_kecamatan"), lang),
    }


def overlaps(fig) -> list[tuple[str, str]]:
    """Pairs of overlapping text labels of a figure (extents shrunk by 1 px against rounding)."""
    renderer = fig.canvas.get_renderer()
    boxes = []
    for ax in fig.axes:
        for txt in ax.texts:
            if not txt.get_visible() or not txt.get_text().strip():
                continue
            boxes.append((txt.get_text(), txt.get_window_extent(renderer).expanded(1.0, 1.0).padded(-1)))
    return [(a, b) for (a, ba), (b, bb) in itertools.combinations(boxes, 2) if ba.overlaps(bb)]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_chart_labels_do_not_overlap(data, lang):
    bad = []
    for name, make in _charts(data, lang).items():
        fig, _ = make()
        if fig is None:
            continue
        fig.canvas.draw()
        bad += [f"{name}: {a!r} overlaps {b!r}" for a, b in overlaps(fig)]
        charts.close(fig)
    assert not bad, "\n".join(bad)


def test_overlap_check_finds_overlapping_labels():
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.annotate("Rigger", (0.5, 0.5))
    ax.annotate("Scaffolding", (0.51, 0.5))
    ax.annotate("far away", (0.05, 0.05))
    fig.canvas.draw()
    assert overlaps(fig) == [("Rigger", "Scaffolding")]
    plt.close(fig)
