"""The repository's structure: docs/ARCHITECTURE.md matches the real imports, the repository is
self-contained (no path outside it), and every document that code or docs name exists."""
from __future__ import annotations

import re
import subprocess


from analysis import paths
from test_repository import tracked_text_files
from test_stage import _top, import_graph

ROOT = paths.ROOT
ARCH = ROOT / "docs" / "ARCHITECTURE.md"
NOT_MODULES = {"stdlib", "numpy", "pandas", "scipy"}


def architecture_table() -> dict[str, set[str]]:
    """``module -> modules it may import`` from the "may import" table of docs/ARCHITECTURE.md."""
    text = ARCH.read_text(encoding="utf-8")
    start = text.index("| module | holds | may import |")
    rows = {}
    for line in text[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        mods = re.findall(r"`([a-z_]+)/?`", cells[0])
        allowed = {re.sub(r"\s*\(.*", "", a).strip().strip("`").rstrip("/") for a in cells[-1].split(",")}
        for m in mods:
            rows[m] = allowed - NOT_MODULES - {""}
    return rows


def real_imports() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for mod, deps in import_graph().items():
        if mod == "analysis":
            continue
        top = _top(mod).removeprefix("analysis.")
        out.setdefault(top, set()).update(_top(d).removeprefix("analysis.") for d in deps
                                          if _top(d) != _top(mod) and d != "analysis")
    return out


def test_every_module_is_in_the_architecture_table():
    table, real = architecture_table(), real_imports()
    assert set(real) <= set(table), f"modules missing from docs/ARCHITECTURE.md: {sorted(set(real) - set(table))}"
    assert set(table) <= set(real), f"docs/ARCHITECTURE.md names modules that do not exist: {sorted(set(table) - set(real))}"


def test_imports_follow_the_architecture_table():
    table, real = architecture_table(), real_imports()
    bad = {m: sorted(deps - table[m]) for m, deps in real.items() if deps - table.get(m, set())}
    assert not bad, f"imports not allowed by docs/ARCHITECTURE.md: {bad}"


# ------------------------------------------------------------------------------ named documents
GENERATED_DOCS = {"validation_report.md"}
"""Markdown files the pipeline writes (named by code as outputs, not documents of the repository)."""


def test_every_named_document_exists():
    tracked = tracked_text_files()
    names = {p.name for p in tracked}
    missing = []
    for p in tracked:
        if p.is_relative_to(ROOT / "reports"):
            continue
        for ref in set(re.findall(r"[A-Za-z0-9_./-]*[A-Za-z0-9_-]\.md\b", p.read_text(encoding="utf-8"))):
            name = ref.rsplit("/", 1)[-1]
            if name in GENERATED_DOCS:
                continue
            if "/" in ref and not ref.startswith("/"):   # a path: from the root or from the file's folder
                ok = (ROOT / ref).is_file() or (p.parent / ref).is_file()
            else:
                ok = name in names
            if not ok:
                missing.append(f"{p.relative_to(ROOT)}: {ref}")
    assert not missing, "documents named but absent:\n" + "\n".join(sorted(missing))


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
