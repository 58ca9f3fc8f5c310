"""Provenance: raw-data manifest checks, output comparison, notebook normalisation."""
from __future__ import annotations

import json

import nbformat
import pytest

from analysis import provenance
from analysis.runner import normalise


def make_raw(tmp_path):
    raw = tmp_path / "raw"
    (raw / "a").mkdir(parents=True)
    (raw / "a" / "x.csv").write_text("k,v\n1,2\n")
    (raw / "y.csv").write_text("k\n1\n")
    provenance.hash_raw(raw)
    return raw


def test_verify_raw_accepts_untouched_files(tmp_path):
    raw = make_raw(tmp_path)
    assert set(provenance.verify_raw(raw)) == {"a/x.csv", "y.csv"}


def test_verify_raw_names_altered_missing_and_unlisted_files(tmp_path):
    raw = make_raw(tmp_path)
    (raw / "a" / "x.csv").write_text("k,v\n1,3\n")
    (raw / "y.csv").unlink()
    (raw / "new.csv").write_text("z\n")
    with pytest.raises(provenance.RawDataError) as err:
        provenance.verify_raw(raw)
    msg = str(err.value)
    assert "a/x.csv" in msg and "altered" in msg
    assert "y.csv: listed in the manifest but missing" in msg
    assert "new.csv: not listed" in msg


def test_compare_outputs_lists_each_difference(tmp_path):
    release = tmp_path / "release"
    release.mkdir()
    (release / "t.csv").write_text("a\n1\n")
    (release / "f.png").write_bytes(b"png")
    manifest = release / "MANIFEST.json"
    manifest.write_text(json.dumps({"outputs": provenance.output_hashes(release)}))
    rebuilt = tmp_path / "rebuilt"
    rebuilt.mkdir()
    (rebuilt / "t.csv").write_text("a\n1\n")
    (rebuilt / "f.png").write_bytes(b"png")
    assert provenance.compare_outputs(manifest, rebuilt, release) == []
    (release / "t.csv").write_text("a\n2\n")
    (rebuilt / "f.png").write_bytes(b"gif")
    diffs = provenance.compare_outputs(manifest, rebuilt, release)
    assert any(d.startswith("release: t.csv") for d in diffs)
    assert any(d.startswith("rebuild: f.png") for d in diffs)


def test_normalise_removes_volatile_metadata():
    nb = nbformat.v4.new_notebook()
    nb.metadata["papermill"] = {"start_time": "x"}
    cell = nbformat.v4.new_code_cell("1+1")
    cell.metadata["papermill"] = {"duration": 1.0}
    cell.metadata["execution"] = {"iopub.execute_input": "t"}
    nb.cells = [cell]
    out = normalise(nb)
    assert "papermill" not in out.metadata
    assert out.cells[0]["id"] == "cell-000"
    assert "execution" not in out.cells[0].metadata
