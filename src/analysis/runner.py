"""Execute a stage notebook with papermill, safely and reproducibly.

``python -m analysis.runner notebooks/02_poverty.py reports/2024/executed/02_poverty.ipynb
-p config_path config/demo-2024.yaml``

- converts the jupytext source to a notebook with this environment's kernel;
- executes it into a temporary file (papermill writes the failed notebook too): on failure the
  executed copy goes to ``logs/failed/`` for debugging, the error is printed, the exit code is 1
  and no target that looks finished is left;
- normalises what changes from run to run (papermill timings, random cell ids), so two runs
  give byte-identical notebooks.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat

from analysis import paths

KERNEL_NAME = "bontang-analysis"
VOLATILE_CELL_METADATA = ("papermill", "execution", "collapsed", "scrolled")


def load_source(source: Path) -> nbformat.NotebookNode:
    """Read a jupytext percent ``.py`` (or an ``.ipynb``) as a notebook bound to our kernel."""
    if source.suffix == ".py":
        import jupytext

        nb = jupytext.read(source)
    else:
        nb = nbformat.read(source, as_version=4)
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Python (bontang-analysis)",
                                 "language": "python"}
    nb.metadata.pop("jupytext", None)
    return nb


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop run-specific metadata and renumber cell ids (stable bytes across runs)."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:03d}"
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
    return nb


def execute(source: Path, output: Path, parameters: dict, *, timeout: int = 1800,
            kernel_name: str = KERNEL_NAME) -> Path:
    """Execute ``source`` with ``parameters`` into ``output``.

    Raises
    ------
    RuntimeError
        When a cell fails; the executed copy is kept in ``logs/failed/<name>.ipynb``.
    """
    import papermill as pm

    source, output = Path(source), Path(output)
    build_nb = paths.build_dir() / "notebooks" / (source.stem + ".ipynb")
    build_nb.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(load_source(source), build_nb)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.unlink(missing_ok=True)  # a stale result must not pass for this run's
    fd, tmp = tempfile.mkstemp(prefix=f".{output.stem}.", suffix=".ipynb", dir=output.parent)
    os.close(fd)
    try:
        pm.execute_notebook(str(build_nb), tmp, parameters=parameters, kernel_name=kernel_name,
                            cwd=str(paths.ROOT), progress_bar=False, log_output=False,
                            execution_timeout=timeout, start_timeout=120, report_mode=False)
    except Exception as exc:  # papermill raises PapermillExecutionError on a failing cell
        failed = paths.output_root() / "logs" / "failed" / output.name
        failed.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(tmp, failed)
        raise RuntimeError(f"{source} failed; executed copy kept in {failed}\n{exc}") from exc
    nb = normalise(nbformat.read(tmp, as_version=4))
    nbformat.write(nb, tmp)
    os.replace(tmp, output)
    return output


def _parse_params(pairs: list[list[str]]) -> dict:
    return {k: v for k, v in pairs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.runner", description="Execute a stage notebook.")
    parser.add_argument("source")
    parser.add_argument("output")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                        help="string parameter (repeatable); values are passed as strings")
    parser.add_argument("--timeout", type=int, default=1800)
    args = parser.parse_args(argv)
    try:
        execute(Path(args.source), Path(args.output), _parse_params(args.parameter), timeout=args.timeout)
    except RuntimeError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    print(f"executed {args.source} -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
