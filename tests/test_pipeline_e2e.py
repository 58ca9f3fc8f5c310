"""End to end: `make report` on the demo data in a scratch folder reproduces the release.

This is the auditor's check (`make verify`) run as a test: every table, figure, brief and
executed notebook must be byte-identical to the committed release's MANIFEST.json.
"""
from __future__ import annotations

import json
import subprocess

import pytest

from analysis import paths, provenance
from analysis.config import load_config

pytestmark = pytest.mark.slow


def test_make_report_reproduces_the_release(tmp_path):
    cfg = load_config(paths.CONFIG_DIR / "demo-2024.yaml")
    release = paths.ROOT / "reports" / cfg.period
    manifest = release / "MANIFEST.json"
    if not manifest.exists():
        pytest.fail(f"no committed release at {release}: run `make report` and commit reports/{cfg.period}")
    out = tmp_path / "out"
    proc = subprocess.run(["make", "--no-print-directory", "report", f"OUT={out}"], cwd=paths.ROOT,
                          capture_output=True, text=True, timeout=3600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    rebuilt = out / "reports" / cfg.period
    for must in ("estimates.csv", "MANIFEST.json", "brief_id.html", "brief_en.html", "tables"):
        assert (rebuilt / must).exists(), must
    assert len(list((rebuilt / "kecamatan").glob("*.html"))) == 3
    diffs = provenance.compare_outputs(manifest, rebuilt, release)
    assert diffs == [], "\n".join(diffs)
    # A second `make report` right after does nothing.
    again = subprocess.run(["make", "--no-print-directory", "report", f"OUT={out}"], cwd=paths.ROOT,
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0
    assert "analysis.runner" not in again.stdout, again.stdout
    prov = json.loads((rebuilt / "MANIFEST.json").read_text())["provenance"]
    assert prov["config_path"] == "config/demo-2024.yaml"
