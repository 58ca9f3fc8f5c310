"""The stage scaffold (analysis.stage), the shared codes (analysis.codes) and the structure rules:
no import circle, only stage 01 reads raw data, no stage keeps its own copy of the machinery."""
from __future__ import annotations

import ast
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from analysis import codes, paths
from analysis.contracts import load_contracts
from analysis.stage import (STAGES, SettingsError, StageInputError, StageOutputs, as_image, read_inputs,
                            read_processed, settings, write_outputs)

PKG = paths.PACKAGE_DIR


def _cfg(tmp_path, **kw):
    base = dict(path=tmp_path / "run.yaml", period="2024", previous_period="2023",
                inputs={"wilayah": {}, "sakernas_2023": {}, "sakernas_2024": {}, "published_indicators": {},
                        "ak1_registrations": {}},
                labour={}, reliability={"ci_level": 0.95})
    base.update(kw)
    return SimpleNamespace(**base)


# ------------------------------------------------------------------------------------- settings
def test_settings_merge_defaults_and_reject_unknown_keys(tmp_path):
    d = {"lonely_psu": "fail", "window": 12, "anything": None}
    assert settings(_cfg(tmp_path, labour={"window": 6}), "labour", d) == {"lonely_psu": "fail", "window": 6,
                                                                         "anything": None}
    with pytest.raises(SettingsError, match=r"run.yaml: section 'labour': unknown key\(s\) lonley_psu"):
        settings(_cfg(tmp_path, labour={"lonley_psu": "adjust"}), "labour", d)
    with pytest.raises(SettingsError, match="key 'window' must be int"):
        settings(_cfg(tmp_path, labour={"window": "twelve"}), "labour", d)
    assert settings(_cfg(tmp_path, labour={"anything": [1, 2]}), "labour", d)["anything"] == [1, 2]


def test_every_stage_section_of_the_demo_config_is_accepted(demo_config_path):
    from analysis.cleaning.pipeline import CLEANING_DEFAULTS
    from analysis.config import load_config
    from analysis.labour.stage import DEFAULTS as LABOUR
    from analysis.poverty.stage import DEFAULTS as POVERTY
    from analysis.skills.stage import DEFAULT_SKILLS

    cfg = load_config(demo_config_path)
    for section, defaults in (("cleaning", CLEANING_DEFAULTS), ("poverty", POVERTY), ("labour", LABOUR),
                              ("skills", DEFAULT_SKILLS)):
        assert set(settings(cfg, section, defaults)) == set(defaults)


# ------------------------------------------------------------------------------------- reading
def test_missing_input_names_the_stage_that_writes_it(output_dir, tmp_path):
    cfg = _cfg(tmp_path)
    with pytest.raises(StageInputError, match=r"stage 'labour' needs .*sakernas_2023.parquet: written by stage "
                                              r"'clean' \(notebooks/01_clean.py\)"):
        read_inputs(cfg, "labour")
    # an optional input the run does not declare is None; a declared one must exist
    assert read_processed(cfg, "trainees", optional=True) is None
    with pytest.raises(StageInputError, match="ak1_registrations.parquet"):
        read_processed(cfg, "ak1_registrations", optional=True)


def test_read_processed_reads_parquet_only(output_dir, tmp_path):
    cfg = _cfg(tmp_path)
    pdir = paths.processed_dir("2024")
    pdir.mkdir(parents=True)
    pd.DataFrame({"a": [1, 2]}).to_parquet(pdir / "wilayah.parquet")
    assert read_processed(cfg, "wilayah")["a"].tolist() == [1, 2]


def test_declared_inputs_are_run_inputs_of_the_demo(demo_config_path):
    from analysis.config import load_config

    cfg = load_config(demo_config_path)
    for st in STAGES.values():
        assert set(st.input_names(cfg)) <= set(cfg.inputs), st.name
        assert set(st.optional_inputs) <= set(cfg.inputs), st.name


# ------------------------------------------------------------------------------------- writing
def _outputs(value: float = 1.0) -> StageOutputs:
    est = pd.DataFrame([{"indicator": "tpt", "domain_level": "kota", "domain_code": "64.74",
                         "domain_name": "Kota Bontang", "estimate": value, "se": 0.1, "ci_low": 0.8, "ci_high": 1.2,
                         "rse": 10.0, "n_sample": 40, "flag": "ok", "unit": "percent",
                         "method": "taylor_linearisation", "period": "2024"}])
    return StageOutputs(estimates=est, tables={"a": pd.DataFrame({"x": [value]})})


def test_write_outputs_replaces_the_folder_and_removes_stale_files(tmp_path):
    dest = tmp_path / "labour"
    (dest / "tables").mkdir(parents=True)
    (dest / "tables" / "stale.csv").write_text("old\n")
    (dest / "susenas_2025.parquet").write_text("another dataset\n")
    written = write_outputs(_outputs(), dest, declared=["estimates.csv", "tables/a.csv"])
    assert written == [dest / "estimates.csv", dest / "tables" / "a.csv"]
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file()) == [
        "estimates.csv", "tables/a.csv"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "staging folders left behind"


def test_failed_write_leaves_the_folder_as_it_was(tmp_path):
    dest = tmp_path / "labour"
    write_outputs(_outputs(1.0), dest)
    before = {p: p.read_bytes() for p in dest.rglob("*") if p.is_file()}

    def boom(path):
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        write_outputs({"estimates.csv": _outputs(2.0).estimates, "tables/zz.csv": boom}, dest)
    assert {p: p.read_bytes() for p in dest.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["labour"]


def test_undeclared_outputs_are_refused_before_writing(tmp_path):
    dest = tmp_path / "labour"
    with pytest.raises(ValueError, match=r"undeclared: \['tables/a.csv'\]; not written: \['tables/b.csv'\]"):
        write_outputs(_outputs(), dest, declared=["estimates.csv", "tables/b.csv"])
    assert not dest.exists()


def test_keep_carries_other_stages_folders(tmp_path):
    dest = tmp_path / "2024"
    (dest / "poverty").mkdir(parents=True)
    (dest / "poverty" / "estimates.csv").write_text("kept\n")
    (dest / "old.parquet").write_text("stale\n")
    write_outputs({"new.csv": pd.DataFrame({"x": [1]})}, dest, keep=("poverty", "labour"))
    assert (dest / "poverty" / "estimates.csv").read_text() == "kept\n"
    assert not (dest / "old.parquet").exists() and (dest / "new.csv").is_file()


def test_as_image_is_byte_stable():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def png():
        fig, ax = plt.subplots()
        ax.plot([0, 1], [1, 0])
        return as_image(fig).data

    a, b = png(), png()
    assert a == b and a[:4] == b"\x89PNG"


# ------------------------------------------------------------------------------------- codes
def test_education_codes_come_from_the_contracts_and_agree_everywhere():
    edu = codes.education_codes()
    assert edu[0] == "tidak_sekolah" and edu[-1] == "universitas"
    for schema in load_contracts().values():
        for name, col in schema.columns.items():
            if name in ("pendidikan", "pendidikan_krt", "min_education") and col.allowed:
                assert set(col.allowed) <= set(edu), (schema.name, name)
    groups = codes.education_groups()
    assert {groups[c] for c in ("tidak_sekolah", "belum_tamat_sd", "sd")} == {"sd_kebawah"}
    assert groups["sma"] != groups["smk"]
    assert set(codes.education_group_order()) == set(codes.EDUCATION_GROUP_NAMES)
    rank = codes.education_rank()
    assert rank["sd"] == 1 and rank["sma"] == rank["smk"] == 3 and rank["universitas"] == 5


def test_area_names_from_the_wilayah_table():
    w = pd.DataFrame({"kemendagri_code": ["64.74", "64.74.01", "64.74.01.1001"],
                      "name": ["Kota Bontang", "Bontang Utara", "Bontang Kuala"],
                      "level": ["kota", "kecamatan", "kelurahan"]})
    names = codes.area_names(w)
    assert names["kecamatan"] == {"64.74.01": "Bontang Utara"} and codes.kecamatan_codes(w) == ["64.74.01"]
    with pytest.raises(KeyError, match="kemendagri_code"):
        codes.area_names(w.drop(columns="level").rename(columns={"kemendagri_code": "code"}))


def test_banner_is_the_same_text_in_briefs_and_notebooks():
    from analysis.brief.i18n import t

    for i, lang in enumerate(("id", "en")):
        assert t("synthetic_banner", lang) == codes.SYNTHETIC_BANNER[lang][0]
        assert codes.banner_text(lang).startswith(codes.SYNTHETIC_BANNER[lang][0])


# ------------------------------------------------------------------------------------- structure
def _modules() -> dict[str, Path]:
    out = {}
    for f in sorted(PKG.rglob("*.py")):
        rel = f.relative_to(PKG.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = f
    return out


def _imports(f: Path, mod: str, known: set[str]) -> set[str]:
    """Modules of the package that ``f`` imports (at any depth: lazy imports count too)."""
    found = set()
    for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for n in names:
            while n and n not in known:
                n = n.rpartition(".")[0]
            if n and n != mod and n != "analysis":
                found.add(n)
    return found


def import_graph() -> dict[str, set[str]]:
    mods = _modules()
    return {m: _imports(f, m, set(mods)) for m, f in mods.items()}


def _top(mod: str) -> str:
    parts = mod.split(".")
    return ".".join(parts[:2])


def test_no_import_circle_between_modules():
    """Between top-level modules (a package counts as one), imports form no cycle."""
    graph: dict[str, set[str]] = {}
    for m, deps in import_graph().items():
        graph.setdefault(_top(m), set()).update(_top(d) for d in deps if _top(d) != _top(m))
    seen, stack = set(), []

    def visit(n):
        if n in stack:
            raise AssertionError("import circle: " + " -> ".join(stack[stack.index(n):] + [n]))
        if n in seen:
            return
        stack.append(n)
        for d in sorted(graph.get(n, ())):
            visit(d)
        stack.pop()
        seen.add(n)

    for n in sorted(graph):
        visit(n)


RAW_READERS = {"analysis.paths", "analysis.config", "analysis.provenance", "analysis.brief.privacy",
               "analysis.newperiod", "analysis.makeinputs"}
"""Besides stage 01 (``analysis.cleaning``) and the generator (``analysis.synth``, which writes
the raw data): paths and the config define where raw data lie, provenance hashes the raw files, the privacy
gate reads raw names to look for leaks, newperiod inspects a raw folder to write a run config, and makeinputs lists the raw
files as Make prerequisites (without reading them)."""


def test_only_cleaning_reads_raw_data():
    for mod, f in _modules().items():
        if mod.startswith(("analysis.cleaning", "analysis.synth")) or mod in RAW_READERS:
            continue
        src = f.read_text(encoding="utf-8")
        assert not re.search(r"\braw_dir\b|\binput_path\(|RAW_DIR", src), f"{mod} reads the raw folder"


def test_one_copy_of_the_stage_machinery():
    for mod, f in _modules().items():
        if mod in ("analysis.stage", "analysis.codes"):
            continue
        src = f.read_text(encoding="utf-8")
        for pattern in (r"class StageOutputs\b", r"def write_stage_outputs\b", r"def as_image\b",
                        r"SYNTHETIC_BANNER\s*=", r"KOTA_CODE\s*=", r"EDUCATION_GROUPS?\s*=\s*\{"):
            assert not re.search(pattern, src), f"{mod}: {pattern}"
        if not mod.startswith("analysis.synth"):
            assert '"64.74"' not in src, f"{mod}: literal kota code (use analysis.codes.KOTA_CODE)"
