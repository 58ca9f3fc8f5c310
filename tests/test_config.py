"""Run configuration: every config file is valid, and mistakes fail loudly."""
from __future__ import annotations

from pathlib import Path

import pytest

from analysis import paths
from analysis.config import ConfigError, load_config

CONFIGS = sorted(p for p in paths.CONFIG_DIR.glob("*.yaml") if not p.name.startswith(("synth", "inputs")))


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_committed_configs_load(path):
    cfg = load_config(path)
    assert cfg.period.isdigit() and cfg.previous_period.isdigit()
    assert int(cfg.previous_period) == int(cfg.period) - 1
    for name in cfg.inputs:
        assert cfg.input_path(name).exists(), f"{path.name}: input {name} missing"


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "c.yaml"
    p.write_text(text)
    return p


BASE = """period: "2024"
previous_period: "2023"
raw_dir: data/raw/demo
seed: 1
languages: [id]
inputs: {wilayah: reference/wilayah_bontang.csv}
"""


def test_minimal_config_and_defaults(tmp_path):
    cfg = load_config(write(tmp_path, BASE))
    assert cfg.language == "id"
    assert cfg.reliability["rse_caution"] == 25.0
    assert cfg.privacy["suppression_min_count"] == 10
    assert cfg.input_schema("wilayah") == "wilayah"


@pytest.mark.parametrize("mutation, message", [
    (lambda s: s.replace("seed: 1\n", ""), "missing required key(s): seed"),
    (lambda s: s + "sede: 2\n", "unknown key(s): sede"),
    (lambda s: s.replace('period: "2024"', "period: 2024"), "'period' must be a quoted string"),
    (lambda s: s.replace("[id]", "[fr]"), "'languages'"),
])
def test_bad_configs_name_the_key(tmp_path, mutation, message):
    path = write(tmp_path, mutation(BASE))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert message in str(err.value) and str(path) in str(err.value)


def test_unknown_input_is_named(tmp_path):
    cfg = load_config(write(tmp_path, BASE))
    with pytest.raises(ConfigError, match="no input named 'sakernas'"):
        cfg.input_path("sakernas")
