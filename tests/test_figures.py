"""Each chart of a brief is also released as its own file (so `make verify` can name it)."""
from __future__ import annotations

import base64

from analysis.brief.render import extract_figures

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\nfake").decode()


def test_extract_figures_writes_each_image_and_alt_text(tmp_path):
    page = (f'<p>x</p><img alt="Grafik P0 &amp; TPT" src="data:image/png;base64,{PNG}" style="w">'
            f'<img src="data:image/png;base64,{PNG}" alt="kedua"><img src="logo.svg" alt="not a chart">')
    files = extract_figures(page, tmp_path / "figs")
    assert [f.name for f in files] == ["fig-01.png", "fig-02.png"]
    assert files[0].read_bytes().startswith(b"\x89PNG")
    index = (tmp_path / "figs" / "figures.csv").read_text()
    assert "Grafik P0 & TPT" in index and "kedua" in index and "not a chart" not in index
