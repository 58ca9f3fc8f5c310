"""Every folder of the project, in one place.

Paths are derived from this file's location, never from the working directory, because papermill,
nbval and nbconvert each run from a different folder. Setting ``ANALYSIS_OUTPUT_DIR`` redirects
everything the pipeline *writes* (``data/processed``, ``reports``, ``build``, ``logs``) to another
folder; tests and ``make verify`` use it to rebuild without touching the release.
"""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CONFIG_DIR = ROOT / "config"
NOTEBOOKS_DIR = ROOT / "notebooks"
DATA_DIR = ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
TRUTH_DIR = DATA_DIR / "truth"  # synthetic population's true values: tests only
CORRECTIONS_DIR = DATA_DIR / "corrections"
DOCS_DIR = ROOT / "docs"
PACKAGE_DIR = Path(__file__).resolve().parent
CONTRACTS_DIR = PACKAGE_DIR / "contracts"


def output_root() -> Path:
    """Root under which the pipeline writes (the project root unless redirected)."""
    override = os.environ.get("ANALYSIS_OUTPUT_DIR")
    return Path(override).resolve() if override else ROOT


def processed_dir(period: str) -> Path:
    """Cleaned data and stage outputs of one period: ``data/processed/<period>/``."""
    return output_root() / "data" / "processed" / str(period)


def stage_dir(period: str, stage: str) -> Path:
    """Outputs of one analysis stage (``poverty``, ``labour``, ``skills``, ``clean``)."""
    return processed_dir(period) / stage


def report_dir(period: str) -> Path:
    """Published outputs of one period: ``reports/<period>/``."""
    return output_root() / "reports" / str(period)


def restricted_dir(period: str) -> Path:
    """Row-level outputs of one period that must never be published or committed:
    ``restricted/<period>/`` (git-ignored; cleaning and correction logs, validation detail,
    field worklists; its own ``MANIFEST.json`` of hashes)."""
    return output_root() / "restricted" / str(period)


def build_dir() -> Path:
    """Intermediate build products (converted notebooks, stamps)."""
    return output_root() / "build"


def resolve(path: str | os.PathLike) -> Path:
    """Resolve a path from a config file: relative paths are relative to the project root."""
    p = Path(path)
    return p if p.is_absolute() else (ROOT / p)
