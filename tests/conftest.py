"""Shared test fixtures."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from analysis import paths


@pytest.fixture
def output_dir(tmp_path, monkeypatch) -> Path:
    """Redirect every pipeline write to a temporary folder."""
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setenv("ANALYSIS_OUTPUT_DIR", str(out))
    return out


@pytest.fixture(scope="session")
def demo_config_path() -> Path:
    return paths.CONFIG_DIR / "demo-2024.yaml"


def pytest_configure(config):
    os.environ.setdefault("PYTHONHASHSEED", "0")
    os.environ.setdefault("MPLBACKEND", "Agg")
