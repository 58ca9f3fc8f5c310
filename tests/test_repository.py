"""The repository is self-contained: no tracked file names a path outside it, the reference tables
are committed with their sources, and the fixed top-level folders exist in a fresh clone."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from analysis import paths

ROOT = paths.ROOT


# ------------------------------------------------------------------------------ self-contained
def tracked_text_files() -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    files = []
    for name in out.decode().split("\0"):
        p = ROOT / name
        if not name or not p.is_file() or p.suffix in (".parquet", ".xlsx", ".dta", ".sav", ".png", ".ico"):
            continue
        try:
            p.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        files.append(p)
    return files


# built from pieces so that this file does not match itself
OUTSIDE = re.compile("|".join(re.escape(a + b) for a, b in (("/wo", "rk/"), ("../", "shared"), ("shared/", "reference"),
                                                             ("/ho", "me/"), ("/Us", "ers/"))))


def test_no_path_outside_the_repository():
    hits = []
    for p in tracked_text_files():
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            if OUTSIDE.search(line):
                hits.append(f"{p.relative_to(ROOT)}:{i}: {line.strip()[:100]}")
    assert not hits, "paths outside the repository:\n" + "\n".join(hits)


def test_reference_tables_are_committed_with_sources():
    import pandas as pd

    for name in ("wilayah_bontang.csv", "published_indicators.csv"):
        df = pd.read_csv(ROOT / "data" / "reference" / name, dtype=str, keep_default_na=False)
        assert (df["source"].str.strip() != "").all(), name
        # the demo raw folder carries byte copies (the generator writes them from data/reference)
        assert (ROOT / "data" / "raw" / "demo" / "reference" / name).read_bytes() == \
            (ROOT / "data" / "reference" / name).read_bytes()


def test_fixed_top_level_folders_have_a_placeholder():
    for folder in ("data/raw", "data/processed"):
        assert (ROOT / folder / "README.md").is_file(), folder
    ignored = subprocess.run(["git", "check-ignore", "-q", "data/processed/2024/x.parquet"], cwd=ROOT).returncode
    kept = subprocess.run(["git", "check-ignore", "-q", "data/processed/README.md"], cwd=ROOT).returncode
    assert ignored == 0 and kept == 1
