"""Stage notebooks: parameters are literals, the Makefile passes only parameters they declare,
and no notebook holds logic a unit test cannot reach (no function or class definitions)."""
from __future__ import annotations

import ast
import re

import jupytext
import pytest

from analysis import paths

NOTEBOOKS = sorted(paths.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.py"))


def parameters_cell(nb):
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "exactly one cell tagged 'parameters'"
    return cells[0]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_are_literals(path):
    cell = parameters_cell(jupytext.read(path))
    tree = ast.parse(cell.source)
    for node in tree.body:
        assert isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant), \
            f"{path.name}: parameters cell must hold literal assignments only (papermill does not recompute derived values)"
    names = {t.id for node in tree.body for t in node.targets}
    assert "config_path" in names


def test_makefile_passes_only_declared_parameters():
    makefile = (paths.ROOT / "Makefile").read_text()
    for path in NOTEBOOKS:
        declared = {t.id for node in ast.parse(parameters_cell(jupytext.read(path)).source).body for t in node.targets}
        for line in re.findall(rf"notebooks/{path.name}.*?(?:\n\t[^\t].*?)*$", makefile, flags=re.M):
            passed = set(re.findall(r"-p (\w+) ", line))
            assert passed <= declared, f"{path.name}: Makefile passes {passed - declared} which the notebook does not declare"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_thin(path):
    nb = jupytext.read(path)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        src = "\n".join(l for l in cell.source.splitlines() if not l.lstrip().startswith(("%", "!")))
        for node in ast.walk(ast.parse(src)):
            assert not isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)), \
                f"{path.name}: define '{node.name}' in src/analysis, where a unit test can reach it"
