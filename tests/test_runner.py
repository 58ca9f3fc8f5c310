"""The notebook runner: parameters reach the notebook, failures leave no finished target."""
from __future__ import annotations

import json

import nbformat
import pytest

from analysis.runner import execute

GOOD = '''# %% tags=["parameters"]
config_path = "x"

# %%
print("config is", config_path)
'''
BAD = GOOD + '''
# %%
raise ValueError("data/raw/x.csv: column 'bobot': rule 'weight > 0' failed")
'''


def test_execute_injects_parameters_and_normalises(tmp_path, output_dir):
    src = tmp_path / "nb.py"
    src.write_text(GOOD)
    out = execute(src, output_dir / "exec" / "nb.ipynb", {"config_path": "config/demo.yaml"}, timeout=120)
    nb = nbformat.read(out, as_version=4)
    text = json.dumps(nb.cells[-1].outputs)
    assert "config is config/demo.yaml" in text
    assert [c["id"] for c in nb.cells] == [f"cell-{i:03d}" for i in range(len(nb.cells))]
    assert "papermill" not in nb.metadata
    first = out.read_bytes()
    out2 = execute(src, output_dir / "exec" / "nb2.ipynb", {"config_path": "config/demo.yaml"}, timeout=120)
    assert out2.read_bytes() == first


def test_failing_notebook_leaves_no_target_and_keeps_a_copy(tmp_path, output_dir):
    src = tmp_path / "bad.py"
    src.write_text(BAD)
    target = output_dir / "exec" / "bad.ipynb"
    with pytest.raises(RuntimeError) as err:
        execute(src, target, {"config_path": "c"}, timeout=120)
    assert "column 'bobot'" in str(err.value)
    assert not target.exists()
    assert (output_dir / "logs" / "failed" / "bad.ipynb").exists()
    assert not list((output_dir / "exec").glob("*.ipynb"))
