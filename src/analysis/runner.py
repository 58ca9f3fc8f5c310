"""Execute a stage notebook with papermill, safely and reproducibly.

``python -m analysis.runner notebooks/02_poverty.py reports/2024/executed/02_poverty.ipynb
-p config_path config/demo-2024.yaml``

- converts the jupytext source to a notebook with this environment's kernel;
- executes it into a temporary file (papermill writes the failed notebook too): on failure the
  executed copy goes to ``logs/failed/`` for debugging, the error is printed, the exit code is 1
  and no target that looks finished is left;
- normalises what changes from run to run (papermill timings, random cell ids), so two runs
  give byte-identical notebooks;
- is quiet: the kernel talks to papermill over IPC sockets in a private temporary folder
  (local only, so ipykernel has no reason for its "running over TCP without encryption"
  warning), one line per stage reports its duration, and on a terminal papermill's bar
  shows the cells executed so far.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
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


def coalesce_streams(outputs: list) -> list:
    """Merge consecutive stream outputs of the same name (stdout/stderr) into one.

    The kernel flushes ``print`` on a timer, so one ``print("x")`` can arrive as ``"x"`` and
    ``"\n"`` in two messages when the machine is busy; merged, the outputs are the same bytes
    whatever the timing."""
    merged: list = []
    for out in outputs:
        if (out.get("output_type") == "stream" and merged and merged[-1].get("output_type") == "stream"
                and merged[-1].get("name") == out.get("name")):
            merged[-1]["text"] = merged[-1]["text"] + out["text"]
        else:
            merged.append(out)
    return merged


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop run-specific metadata, renumber cell ids and merge split stream outputs (stable bytes
    across runs)."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:03d}"
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        if cell.get("cell_type") == "code":
            cell["outputs"] = coalesce_streams(cell.get("outputs", []))
    return nb


def kernel_config(socket_dir: Path):
    """Kernel-manager settings: IPC transport with its sockets in ``socket_dir``.

    Sockets are files readable only by the user, in a folder made for this run (concurrent
    stages do not collide, and nothing is left in the repository)."""
    from traitlets.config import Config

    cfg = Config()
    cfg.KernelManager.transport = "ipc"
    cfg.KernelManager.ip = str(socket_dir / "k")
    # the kernel shares our stderr: its own log lines (e.g. "KeyboardInterrupt caught in kernel"
    # when papermill shuts it down after a failing cell) would precede the one-line error
    cfg.NotebookClient.extra_arguments = ["--IPKernelApp.log_level=CRITICAL"]
    return cfg


def execute(source: Path, output: Path, parameters: dict, *, timeout: int = 1800,
            kernel_name: str = KERNEL_NAME, progress: bool = False) -> Path:
    """Execute ``source`` with ``parameters`` into ``output``.

    ``progress`` shows papermill's bar of executed cells (on stderr).

    Raises
    ------
    RuntimeError
        When a cell fails; the executed copy is kept in ``logs/failed/<name>.ipynb``.
    """
    import papermill as pm

    source, output = Path(source), Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.unlink(missing_ok=True)  # a stale result must not pass for this run's
    # the converted source and the executing copy are temporary files beside the output (one
    # pair per run, so two runs of the same notebook in parallel never share one); both are
    # removed whatever happens, Ctrl-C included -- only a failed run's copy is kept, in logs/
    fd, build_nb = tempfile.mkstemp(prefix=f".{output.stem}.source.", suffix=".ipynb", dir=output.parent)
    os.close(fd)
    fd, tmp = tempfile.mkstemp(prefix=f".{output.stem}.", suffix=".ipynb", dir=output.parent)
    os.close(fd)
    try:
        nbformat.write(load_source(source), build_nb)
        try:
            with tempfile.TemporaryDirectory(prefix="kernel-") as sockets:
                pm.execute_notebook(build_nb, tmp, parameters=parameters, kernel_name=kernel_name,
                                    cwd=str(paths.ROOT), progress_bar=progress, log_output=False,
                                    execution_timeout=timeout, start_timeout=120, report_mode=False,
                                    config=kernel_config(Path(sockets)))
        except Exception as exc:  # papermill raises PapermillExecutionError on a failing cell
            failed = paths.output_root() / "logs" / "failed" / output.name
            failed.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(tmp, failed)
            raise RuntimeError(f"{source} failed; executed copy kept in {failed}\n{exc}") from exc
        nb = normalise(nbformat.read(tmp, as_version=4))
        nbformat.write(nb, tmp)
        os.replace(tmp, output)
    finally:
        Path(build_nb).unlink(missing_ok=True)
        Path(tmp).unlink(missing_ok=True)
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
    label = Path(args.output).stem
    start = time.perf_counter()
    try:
        # the bar only on a terminal: logs and CI get the one summary line
        execute(Path(args.source), Path(args.output), _parse_params(args.parameter), timeout=args.timeout,
                progress=sys.stderr.isatty())
    except RuntimeError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    print(f"{label:<28} done in {time.perf_counter() - start:6.1f} s  -> {args.output}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
