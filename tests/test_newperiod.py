"""``python -m analysis.newperiod``: a new period set up from a folder, before anything runs."""
from __future__ import annotations

import json
import shutil

import pytest
import yaml

from analysis import paths
from analysis.cleaning.preflight import run_preflight
from analysis.config import load_config
from analysis.newperiod import main


@pytest.fixture(scope="module")
def raw_copy(tmp_path_factory):
    """A copy of the demo raw folder, under a name with spaces, without its manifest."""
    dest = tmp_path_factory.mktemp("np") / "raw with spaces"
    shutil.copytree(paths.RAW_DIR / "demo", dest)
    (dest / "MANIFEST.json").unlink()
    return dest


def _run(tmp_path, raw, period, *extra):
    cfg = tmp_path / "cfg dir" / f"{period}.yaml"
    corr = tmp_path / "corr" / period
    rc = main(["--period", period, "--raw", str(raw), "--config", str(cfg), "--corrections", str(corr),
               "--release-date", "2026-01-15", "--template", str(paths.CONFIG_DIR / "demo-2024.yaml"), *extra])
    return rc, cfg, corr


def test_same_period_as_the_demo_gives_a_complete_run_config(tmp_path, raw_copy, capsys, monkeypatch):
    monkeypatch.setenv("BONTANG_PSEUDONYM_KEY", "test-key-of-16-chars")
    raw = tmp_path / "raw"
    shutil.copytree(raw_copy, raw)
    rc, cfg_path, corr = _run(tmp_path, raw, "2024")
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "Nothing missing" in out
    cfg = load_config(cfg_path)
    demo = load_config(paths.CONFIG_DIR / "demo-2024.yaml")
    assert cfg.inputs == demo.inputs                     # every input recognised under the demo's keys
    assert (cfg.synthetic, cfg.demo_pseudonym_key) == (False, None)
    assert cfg.brief["status"] == "provisional" and cfg.brief["release_number"] == "2024/6474/01"
    assert cfg.release_date == "2026-01-15"
    assert cfg.corrections_dir == corr and corr.is_dir()
    assert [p.name for p in corr.iterdir()] == ["README.md"]      # no corrections
    man = json.loads((raw / "MANIFEST.json").read_text())["files"]
    assert len(man) == 22 and "susenas/susenas_kp_maret_2024.dta" in man
    # the Makefile reads period and raw_dir as double-quoted strings
    text = cfg_path.read_text()
    assert 'period: "2024"' in text and f'raw_dir: "{raw.as_posix()}"' in text
    assert run_preflight(cfg) == []


def test_next_period_lists_what_is_missing(tmp_path, raw_copy, capsys, monkeypatch):
    monkeypatch.delenv("BONTANG_PSEUDONYM_KEY", raising=False)
    import analysis.newperiod as np_mod

    monkeypatch.setattr(np_mod.paths, "ROOT", tmp_path)   # no .pseudonym_key there
    raw = tmp_path / "raw"
    shutil.copytree(raw_copy, raw)
    rc, cfg_path, _ = _run(tmp_path, raw, "2025")
    out = capsys.readouterr().out
    assert rc == 0
    assert "susenas/susenas_kp_maret_2023.csv" in out and "not used" in out
    missing = out.split("Still missing", 1)[1]
    for needle in ("input 'susenas_2025'", "input 'sakernas_2025'", "poverty line of 2025",
                   "pseudonymisation key"):
        assert needle in missing
    cfg = yaml.safe_load(cfg_path.read_text())
    assert cfg["previous_period"] == "2024" and "susenas_2024" in cfg["inputs"]
    assert "susenas_2023" not in cfg["inputs"]


def test_refuses_to_overwrite_and_unknown_folder(tmp_path, raw_copy, capsys):
    rc, cfg_path, _ = _run(tmp_path, tmp_path / "nowhere", "2025", "--no-hash")
    assert rc == 1 and "raw folder not found" in capsys.readouterr().err
    cfg_path.parent.mkdir(parents=True)
    cfg_path.write_text("x")
    rc, _, _ = _run(tmp_path, raw_copy, "2025", "--no-hash")
    assert rc == 1 and "exists; use --force" in capsys.readouterr().err
    assert cfg_path.read_text() == "x"


def test_delivered_layout_recognised_by_its_file_names(tmp_path, raw_copy, capsys, monkeypatch):
    """Susenas 2024 delivered as BPS modules: recognised, named by year, read through the layout."""
    import pandas as pd

    from analysis.cleaning.layouts import load_layouts, write_layout_files
    from analysis.contracts import load_contracts
    from analysis.cleaning.reader import read_table

    monkeypatch.setenv("BONTANG_PSEUDONYM_KEY", "short")
    raw = tmp_path / "raw"
    shutil.copytree(raw_copy, raw)
    contracts = load_contracts()
    df, _ = read_table(raw / "susenas" / "susenas_kp_maret_2024.dta", contracts["susenas_kp"])
    df = df[df["sumber_penerangan"] != "pln_2200va_lebih"].reset_index(drop=True)
    (raw / "susenas" / "susenas_kp_maret_2024.dta").unlink()
    write_layout_files(load_layouts()["susenas_maret_2024"], df.drop(columns="penerima_pbi"), raw / "susenas", 2024)
    rc, cfg_path, _ = _run(tmp_path, raw, "2024", "--no-hash")
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "module 'blok43' of layout susenas_maret_2024" in out
    assert "the one found has fewer than 16 characters" in out
    cfg = load_config(cfg_path)
    assert cfg.inputs["susenas_2024"] == {"file": "susenas/ssn202403_kor_rt.dta", "schema": "susenas_kp",
                                          "layout": "susenas_maret_2024"}
    from analysis.cleaning.preflight import preflight_inputs

    got = preflight_inputs(cfg, contracts)["susenas_2024"]
    assert got.ok and len(got.df) == len(df)
    assert pd.Series(got.df["jenis_lantai"]).tolist() == df["jenis_lantai"].tolist()
