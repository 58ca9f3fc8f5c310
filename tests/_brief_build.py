"""Build briefs from the fixture (tests/fixtures/brief) in a temporary output root.

The fixture's stage outputs are copied to ``<tmp>/data/processed/2024`` and
``ANALYSIS_OUTPUT_DIR`` points there while papermill runs the notebook, exactly as ``make
verify`` redirects a rebuild. Used by test_brief_html.py and test_browser.py.
"""
from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "brief"
FIXTURE_CONFIG = "tests/fixtures/brief/config.yaml"
ENV = {"SOURCE_DATE_EPOCH": "1747785600", "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg", "TZ": "UTC"}


@contextmanager
def env(**extra):
    old = {k: os.environ.get(k) for k in {**ENV, **extra}}
    os.environ.update({**ENV, **extra})
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def stage_fixture(out_root: Path, drop: tuple[str, ...] = ()) -> Path:
    """Copy the fixture's processed outputs under ``out_root``; ``drop`` removes stage folders."""
    dest = out_root / "data" / "processed" / "2024"
    if not dest.exists():
        shutil.copytree(FIXTURE / "processed" / "2024", dest)
    for d in drop:
        shutil.rmtree(dest / d, ignore_errors=True)
    return dest


def execute(notebook: str, out_root: Path, name: str, config: str = FIXTURE_CONFIG, **params) -> Path:
    """jupytext -> papermill (kernel python3) with the fixture; returns the executed notebook."""
    import jupytext
    import papermill as pm

    nb = jupytext.read(ROOT / "notebooks" / f"{notebook}.py")
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    src = out_root / f"{name}.src.ipynb"
    jupytext.write(nb, src, fmt="ipynb")
    out = out_root / f"{name}.ipynb"
    with env(ANALYSIS_OUTPUT_DIR=str(out_root)):
        pm.execute_notebook(str(src), str(out), parameters={"config_path": config, **params},
                            kernel_name="python3", progress_bar=False, cwd=str(ROOT),
                            execution_timeout=300, start_timeout=120)
    return out


def build(out_root: Path, notebook: str = "05_brief", language: str = "id", config: str = FIXTURE_CONFIG,
          drop: tuple[str, ...] = (), **params) -> Path:
    """Execute and render one brief; returns the HTML path (written through the privacy gate)."""
    from analysis.brief.render import render_brief_html

    stage_fixture(out_root, drop)
    suffix = f"_{params['kecamatan_code']}" if "kecamatan_code" in params else ""
    name = f"{notebook}_{language}{suffix}"
    executed = execute(notebook, out_root, name, config=config, language=language, **params)
    html = out_root / f"{name}.html"
    with env():
        render_brief_html(executed, html, config_path=config)
    return html
