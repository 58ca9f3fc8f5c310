"""Source layouts: files as BPS delivers them, read into the contract, and every surprise refused."""
from __future__ import annotations

import shutil

import pandas as pd
import pyreadstat
import pytest
import yaml

from analysis import paths
from analysis.cleaning.layouts import (LayoutDefinitionError, LayoutError, load_layouts, read_input,
                                       read_with_layout, write_layout_files)
from analysis.contracts import load_contracts
from analysis.cleaning.reader import read_table

LAYOUT = "susenas_maret_2024"


@pytest.fixture(scope="module")
def contracts():
    return load_contracts()


@pytest.fixture(scope="module")
def layout(contracts):
    return load_layouts(contracts=contracts)[LAYOUT]


@pytest.fixture(scope="module")
def contract_rows(contracts):
    """60 demo households whose values the 2024 layout can express (it has no 2,200 VA class)."""
    df, _ = read_table(paths.RAW_DIR / "demo" / "susenas" / "susenas_kp_maret_2024.dta", contracts["susenas_kp"])
    df = df[df["sumber_penerangan"] != "pln_2200va_lebih"].head(60).reset_index(drop=True)
    return df.drop(columns=["penerima_pbi"])


@pytest.fixture
def delivered(tmp_path, layout, contract_rows):
    folder = tmp_path / "susenas 2024"
    files = write_layout_files(layout, contract_rows, folder, 2024)
    return folder, files


def _read(layout, contracts, path, year=2024):
    return read_with_layout(layout, path, contracts["susenas_kp"], year=year)


def test_modules_joined_and_codes_mapped_back_to_the_contract(layout, contracts, contract_rows, delivered):
    folder, files = delivered
    assert sorted(p.name for p in files) == ["ssn202403_kor_ind1.dta", "ssn202403_kor_rt.dta",
                                            "ssn202403_kp_blok43.dta"]
    rt, meta = pyreadstat.read_dta(str(folder / "ssn202403_kor_rt.dta"))
    assert {"URUT", "R101", "R102", "R103", "FWT", "R1808", "R2001H"} <= set(rt.columns)
    assert set(rt["R2001H"].dropna().astype(int)) <= {1, 5}           # KOR yes/no = 1/5
    assert meta.variable_value_labels["R1808"][2.0] == "keramik"
    got, info = _read(layout, contracts, folder / "ssn202403_kor_rt.dta")
    assert info.format == "dta" and len(got) == len(contract_rows)
    for c in contract_rows.columns:
        assert got[c].astype(str).tolist() == contract_rows[c].astype(str).tolist(), c


def test_read_through_the_run_config(layout, contracts, contract_rows, delivered):
    folder, _ = delivered

    class Cfg:
        inputs = {"susenas_2024": {"file": "ssn202403_kor_rt.dta", "schema": "susenas_kp", "layout": LAYOUT}}

        def input_path(self, name):
            return folder / self.inputs[name]["file"]

    got, _ = read_input(Cfg(), "susenas_2024", contracts["susenas_kp"])
    assert got["jenis_lantai"].tolist() == contract_rows["jenis_lantai"].tolist()


def test_lower_case_names_are_read(layout, contracts, contract_rows, delivered):
    folder, _ = delivered
    p = folder / "ssn202403_kor_rt.dta"
    df, meta = pyreadstat.read_dta(str(p))
    pyreadstat.write_dta(df.rename(columns=str.lower), str(p))
    got, _ = _read(layout, contracts, p)
    assert got["bobot"].tolist() == contract_rows["bobot"].tolist()


def test_unknown_code_listed_with_counts_and_value_label(layout, contracts, delivered):
    folder, _ = delivered
    p = folder / "ssn202403_kor_rt.dta"
    df, meta = pyreadstat.read_dta(str(p))
    df.loc[[3, 7], "R1808"] = 9.0
    labels = dict(meta.variable_value_labels)
    labels["R1808"] = {**labels["R1808"], 9.0: "Lainnya"}
    pyreadstat.write_dta(df, str(p), variable_value_labels=labels)
    with pytest.raises(LayoutError) as exc:
        _read(layout, contracts, p)
    msg = str(exc.value)
    assert "ssn202403_kor_rt.dta: layout 'susenas_maret_2024': source variable 'R1808' -> 'jenis_lantai': " \
           "unknown code(s) 9 (Lainnya): 2 rows (first rows 4, 8)" in msg
    assert "\n" not in msg


def test_layout_year_mismatch(layout, contracts, delivered, tmp_path):
    folder, _ = delivered
    old = tmp_path / "old"
    old.mkdir()
    for p in folder.iterdir():
        shutil.copy(p, old / p.name.replace("202403", "202303"))
    with pytest.raises(LayoutError, match=r"ssn202303_kor_rt.dta: layout 'susenas_maret_2024' fits the years "
                                          r"2024, the file is of 2023 \(layout/year mismatch"):
        _read(layout, contracts, old / "ssn202303_kor_rt.dta", year=2023)
    with pytest.raises(LayoutError, match="the file is of 2024 but the input is used for 2023"):
        _read(layout, contracts, folder / "ssn202403_kor_rt.dta", year=2023)


def test_source_variable_missing_from_the_file(layout, contracts, delivered):
    folder, _ = delivered
    p = folder / "ssn202403_kor_rt.dta"
    df, _ = pyreadstat.read_dta(str(p))
    pyreadstat.write_dta(df.drop(columns="R1807"), str(p))
    with pytest.raises(LayoutError, match=r"ssn202403_kor_rt.dta: layout 'susenas_maret_2024': source variable "
                                          r"'R1807' \(module 'rt'\) is not in the file"):
        _read(layout, contracts, p)


def test_household_without_its_consumption_module_row(layout, contracts, delivered):
    folder, _ = delivered
    p = folder / "ssn202403_kp_blok43.dta"
    df, _ = pyreadstat.read_dta(str(p))
    pyreadstat.write_dta(df.drop(index=5), str(p))
    with pytest.raises(LayoutError, match=r"1 row\(s\) without a match in module 'blok43' "
                                          r"\(ssn202403_kp_blok43.dta\) on URUT \(rows 6\)"):
        _read(layout, contracts, folder / "ssn202403_kor_rt.dta")


def test_unmapped_contract_column_refused_when_layouts_load(tmp_path, contracts):
    src = paths.CONTRACTS_DIR / "layouts" / f"{LAYOUT}.yaml"
    spec = yaml.safe_load(src.read_text())
    del spec["columns"]["bobot"]
    (tmp_path / "broken.yaml").write_text(yaml.safe_dump(spec))
    with pytest.raises(LayoutDefinitionError, match=r"layout 'susenas_maret_2024': contract column\(s\) bobot of "
                                                    r"'susenas_kp' have no rule \(unmapped variable\)"):
        load_layouts(tmp_path, contracts)


def test_value_the_layout_cannot_express_is_refused_when_writing(layout, contracts):
    df, _ = read_table(paths.RAW_DIR / "demo" / "susenas" / "susenas_kp_maret_2024.dta", contracts["susenas_kp"])
    with pytest.raises(LayoutError, match="pln_2200va_lebih have no code in 'R1816B1'"):
        write_layout_files(layout, df.head(200), paths.output_root() / "never-written", 2024)
