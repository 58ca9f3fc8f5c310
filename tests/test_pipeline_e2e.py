"""End to end: one `make -j2 report` on the demo data in a scratch folder, shared by two checks.

1. The auditor's check (`make verify`) as a test: every table, figure, brief and executed
   notebook must be byte-identical to the committed release's MANIFEST.json, and a second
   `make report` does nothing.
2. nbval's check on the same build: for every executed notebook of the release, the freshly
   executed notebook has the same code and, cell by cell, the same outputs under nbval's own
   comparison (its ignored keys and tests/nbval_sanitize.cfg). `make test-nbval` does the same
   by re-executing the release notebooks; here the pipeline runs once for both checks.
"""
from __future__ import annotations

import json
import subprocess
from types import SimpleNamespace

import nbformat
import pytest

from analysis import paths, provenance
from analysis.config import load_config

pytestmark = pytest.mark.slow

CFG = load_config(paths.CONFIG_DIR / "demo-2024.yaml")
RELEASE = paths.ROOT / "reports" / CFG.period
EXECUTED = sorted(p.name for p in (RELEASE / "executed").glob("*.ipynb"))


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """The pipeline built once, with -j2 (independent stages and briefs run concurrently)."""
    if not (RELEASE / "MANIFEST.json").exists():
        pytest.fail(f"no committed release at {RELEASE}: run `make report` and commit reports/{CFG.period}")
    out = tmp_path_factory.mktemp("e2e") / "out"
    proc = subprocess.run(["make", "--no-print-directory", "-j2", "report", f"OUT={out}"], cwd=paths.ROOT,
                          capture_output=True, text=True, timeout=3600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    return out


def test_make_report_reproduces_the_release(build):
    out = build
    rebuilt = out / "reports" / CFG.period
    for must in ("estimates.csv", "MANIFEST.json", "brief_id.html", "brief_en.html", "tables"):
        assert (rebuilt / must).exists(), must
    assert len(list((rebuilt / "kecamatan").glob("*.html"))) == 3
    diffs = provenance.compare_outputs(RELEASE / "MANIFEST.json", rebuilt, RELEASE)
    assert diffs == [], "\n".join(diffs)
    # A second `make report` right after does nothing.
    again = subprocess.run(["make", "--no-print-directory", "report", f"OUT={out}"], cwd=paths.ROOT,
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0
    assert "analysis.runner" not in again.stdout, again.stdout
    prov = json.loads((rebuilt / "MANIFEST.json").read_text())["provenance"]
    assert prov["config_path"] == "config/demo-2024.yaml"


def _nbval_comparer():
    """nbval's own cell-output comparison, with the settings `make test-nbval` gives it."""
    from nbval import plugin

    patterns = dict(plugin.get_sanitize_patterns((paths.ROOT / "tests" / "nbval_sanitize.cfg").read_text()))
    skip = ("metadata", "traceback", "prompt_number", "output_type", "name", "execution_count",
            "application/vnd.jupyter.widget-view+json")  # nbval's defaults (IPyNbFile.skip_compare)
    cell = SimpleNamespace(parent=SimpleNamespace(skip_compare=skip, sanitize_patterns=patterns),
                           colors=plugin.nocolors, comparison_traceback=[])
    cell.sanitize = lambda s: plugin.IPyNbCell.sanitize(cell, s)

    def record(key, left, right):
        cell.comparison_traceback.append(f"mismatch {key!r}:\n  release: {left!r}\n  rebuilt: {right!r}")

    cell.format_output_compare = record

    def compare(test_outputs, ref_outputs) -> tuple[bool, str]:
        ok = plugin.IPyNbCell.compare_outputs(cell, test_outputs, ref_outputs)
        return ok, "\n".join(map(str, cell.comparison_traceback))

    return compare


@pytest.mark.parametrize("name", EXECUTED)
def test_executed_notebook_outputs_match_release_nbval(build, name):
    ref = nbformat.read(RELEASE / "executed" / name, as_version=4)
    new = nbformat.read(build / "reports" / CFG.period / "executed" / name, as_version=4)
    ref_cells = [c for c in ref.cells if c.cell_type == "code"]
    new_cells = [c for c in new.cells if c.cell_type == "code"]
    assert [c.source for c in new_cells] == [c.source for c in ref_cells], f"{name}: code differs from the release"
    compare = _nbval_comparer()
    for i, (r, t) in enumerate(zip(ref_cells, new_cells)):
        ok, why = compare(t.get("outputs", []), r.get("outputs", []))
        assert ok, f"{name}, code cell {i}:\n{why}"
