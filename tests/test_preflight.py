"""The plausibility battery: well-formed but wrong inputs are refused before anything is written.

Same pattern as ``test_bad_inputs.py``: a small valid fixture, one successful release in the
output folder, ONE fault injected, then stage 01 must raise ``DataContractError`` naming the file,
the column, the rule and the rows, with ``data/processed/`` byte-for-byte unchanged; and
``python -m analysis.preflight`` must refuse the same input with one line per problem and no
traceback.
"""
from __future__ import annotations

import shutil
import subprocess
import sys

import pandas as pd
import pytest
import yaml

from analysis.cleaning import DataContractError
from analysis.cleaning.preflight import input_year, run_preflight
from _cleaning_fixtures import built_template, edit_csv, run_clean, tree_hash
from analysis.config import load_config
from analysis.contracts import load_contracts


run = run_clean


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return built_template(tmp_path_factory.mktemp("template"))


@pytest.fixture
def fx(template, tmp_path):
    return template[0].copy_to(tmp_path / "fx")


@pytest.fixture
def baseline(template, output_dir):
    shutil.copytree(template[1] / "data", output_dir / "data")
    processed = output_dir / "data" / "processed"
    return {"out": tree_hash(processed), "dir": processed}


def edit_config(fx, fn) -> None:
    cfg = yaml.safe_load(fx.config.read_text(encoding="utf-8"))
    fn(cfg)
    fx.config.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")


def cli(fx) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis.preflight", "--config", str(fx.config),
                           "--contracts", str(fx.contracts)], capture_output=True, text=True, timeout=300)


def refused(fx, baseline, *needles) -> str:
    """Stage 01 and the pre-flight command both refuse, naming every needle; nothing changes."""
    with pytest.raises(DataContractError) as exc:
        run(fx)
    msg = str(exc.value)
    for n in needles:
        assert n in msg, f"{n!r} not in:\n{msg}"
    assert tree_hash(baseline["dir"]) == baseline["out"], "data/processed changed after a refused run"
    assert not list(baseline["dir"].glob(".tmp-*"))
    # the same refusal from the command make runs before stage 01: one line each, no traceback
    direct = run_preflight(load_config(fx.config), load_contracts(fx.contracts))
    assert direct, "run_preflight found nothing"
    res = cli(fx)
    assert res.returncode == 1
    assert "Traceback" not in res.stderr and res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == len(direct) + 1 and lines[-1].startswith("preflight: ")
    for n in needles:
        assert any(n in line for line in lines), f"{n!r} not in preflight output:\n{res.stderr}"
    assert tree_hash(baseline["dir"]) == baseline["out"]
    return msg


def test_fixture_passes_preflight(fx):
    assert run_preflight(load_config(fx.config), load_contracts(fx.contracts)) == []
    res = cli(fx)
    assert res.returncode == 0 and res.stdout.startswith("preflight OK")


def test_swapped_survey_years(fx, baseline):
    def swap(cfg):
        a, b = cfg["inputs"]["susenas_2023"]["file"], cfg["inputs"]["susenas_2024"]["file"]
        cfg["inputs"]["susenas_2023"]["file"], cfg["inputs"]["susenas_2024"]["file"] = b, a
    edit_config(fx, swap)
    msg = refused(fx, baseline,
                  "susenas/susenas_kp_maret_2024.dta: column 'tahun': rule 'preflight: survey year inside the "
                  "file equals 2023, the period input 'susenas_2023' is used for (found 2024)' failed in 60 rows "
                  "(rows 1, 2, 3, 4, 5, …)",
                  "susenas/susenas_kp_maret_2023.csv: column 'tahun': rule 'preflight: survey year inside the "
                  "file equals 2024")
    assert "(rows 2, 3, 4, 5, 6, …)" in msg          # CSV rows counted as in a spreadsheet (header = 1)


def test_weight_of_1e12(fx, baseline):
    def f(d):
        d.loc[3, "bobot"] = "1e12"
        return d
    edit_csv(fx.path("susenas/susenas_kp_maret_2023.csv"), f)
    refused(fx, baseline, "susenas/susenas_kp_maret_2023.csv: column 'bobot': rule 'preflight: survey weight at "
                          "most 20 x the median weight of its stratum' failed in 1 row (row 5) (e.g. '1e+12')",
            "column 'bobot': rule 'preflight: weighted population (weight x jumlah_art) of kecamatan")


def test_infinite_weight(fx, baseline):
    def f(d):
        d.loc[7, "bobot"] = "inf"
        return d
    edit_csv(fx.path("susenas/susenas_kp_maret_2023.csv"), f)
    refused(fx, baseline, "susenas/susenas_kp_maret_2023.csv: column 'bobot': rule 'preflight: survey weight is "
                          "a finite number > 0' failed in 1 row (row 9)")


def test_kecamatan_missing(fx, baseline):
    edit_csv(fx.path("susenas/susenas_kp_maret_2023.csv"), lambda d: d[d["kode_kecamatan_bps"] != "6474030"])
    refused(fx, baseline, "susenas/susenas_kp_maret_2023.csv: column 'kode_kecamatan_bps': preflight: every "
                          "kecamatan of the wilayah reference is in the file: no row for 6474030")


def test_weights_far_from_reference_population(fx, baseline):
    def f(d):
        d["bobot"] = (pd.to_numeric(d["bobot"]) * 3).round(3).astype(str)     # e.g. person weights x 3
        return d
    edit_csv(fx.path("sakernas/sakernas_agustus_2024.csv"), f)
    refused(fx, baseline, "sakernas/sakernas_agustus_2024.csv: column 'bobot': rule 'preflight: weighted "
                          "population (weight) of kecamatan 6474010 within 30% of")


def test_missing_corrections_dir(fx, baseline):
    edit_config(fx, lambda c: c.update(corrections_dir=str(fx.root / "no-such-corrections")))
    refused(fx, baseline, "config.yaml: column 'corrections_dir': preflight: corrections folder named in the "
                          "config does not exist")


def test_missing_poverty_line(fx, baseline):
    p = fx.path("reference/poverty_lines.csv")
    p.write_text("\n".join(p.read_text().splitlines()[:2]) + "\n")          # 2023 only
    refused(fx, baseline, "reference/poverty_lines.csv: column 'year': preflight: a poverty line for every "
                          "Susenas period used: none for 2024")


def test_lonely_psu_without_a_declared_rule(fx, baseline):
    def f(d):
        d["strata"] = ["S1" if i < 50 else "S2" for i in range(len(d))]
        d.loc[50:, "psu"] = "PSU999"                                        # S2: one PSU
        return d
    edit_csv(fx.path("susenas/susenas_kp_maret_2023.csv"), f)
    refused(fx, baseline, "susenas/susenas_kp_maret_2023.csv: column 'strata': rule 'preflight: >= 2 PSUs per "
                          "stratum (or declare poverty.lonely_psu in the config): one PSU in S2' failed in 10 rows "
                          "(rows 52, 53, 54, 55, 56, …)")
    # declaring the rule accepts the design (the estimators then apply it)
    edit_config(fx, lambda c: c.update(poverty={"lonely_psu": "adjust"}))
    problems = run_preflight(load_config(fx.config), load_contracts(fx.contracts))
    assert not [v for v in problems if "PSUs per stratum" in v.rule]


def test_input_year_from_key_or_name(fx):
    edit_config(fx, lambda c: c["inputs"]["susenas_2024"].update(year=2024))
    cfg = load_config(fx.config)
    assert input_year(cfg, "susenas_2024") == "2024"
    assert input_year(cfg, "sakernas_2024") == "2024"
    assert input_year(cfg, "wilayah") is None
