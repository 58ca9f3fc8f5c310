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


def test_command_line_is_quiet_with_one_line_per_stage(tmp_path, output_dir):
    """The kernel's transport warning is gone (IPC sockets), a stage prints one line with its
    duration; a failure prints the error and where the executed copy was kept."""
    import os
    import subprocess
    import sys

    good, bad = tmp_path / "good.py", tmp_path / "bad.py"
    good.write_text(GOOD)
    bad.write_text(BAD)
    env = dict(os.environ, ANALYSIS_OUTPUT_DIR=str(output_dir))
    run = [sys.executable, "-m", "analysis.runner"]
    ok = subprocess.run(run + [str(good), str(output_dir / "good.ipynb"), "-p", "config_path", "c"],
                        capture_output=True, text=True, env=env, timeout=300)
    assert ok.returncode == 0, ok.stderr
    assert "without encryption" not in ok.stderr + ok.stdout
    assert "IPKernelApp" not in ok.stderr, ok.stderr
    lines = ok.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("good") and " done in " in lines[0], ok.stdout
    fail = subprocess.run(run + [str(bad), str(output_dir / "bad.ipynb"), "-p", "config_path", "c"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert fail.returncode == 1
    assert "without encryption" not in fail.stderr
    assert fail.stderr.startswith(f"ERROR: {bad} failed; executed copy kept in ")
    assert "column 'bobot'" in fail.stderr and fail.stdout == ""


def test_interrupted_run_leaves_no_temporary_notebook(tmp_path, output_dir, monkeypatch):
    """Ctrl-C during execution: no target, no converted source or half-executed copy anywhere."""
    import papermill

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(papermill, "execute_notebook", interrupted)
    src = tmp_path / "nb.py"
    src.write_text(GOOD)
    target = output_dir / "exec" / "nb.ipynb"
    with pytest.raises(KeyboardInterrupt):
        execute(src, target, {"config_path": "x"}, timeout=120)
    assert [p for p in output_dir.rglob("*") if p.is_file()] == []


def test_split_stream_outputs_are_merged():
    """A print split by the kernel's flush timer gives the same outputs as one message."""
    import nbformat

    from analysis.runner import normalise

    def nb_with(outputs):
        cell = nbformat.v4.new_code_cell("print('x')")
        cell.outputs = [nbformat.v4.new_output("stream", name=n, text=t) for n, t in outputs]
        return normalise(nbformat.v4.new_notebook(cells=[cell]))

    split = nb_with([("stdout", "education"), ("stdout", "\n"), ("stderr", "w\n"), ("stdout", "sex\n")])
    whole = nb_with([("stdout", "education\n"), ("stderr", "w\n"), ("stdout", "sex\n")])
    assert split == whole
    assert [o["text"] for o in split.cells[0].outputs] == ["education\n", "w\n", "sex\n"]
