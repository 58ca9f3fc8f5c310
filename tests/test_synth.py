"""Tests of the synthetic-Bontang generator (analysis.synth) and of the committed demo files.

Fast: a 40,000-person population is built once per module; the committed files under
data/raw/demo and data/truth/demo are read as they are. The full validation of the demo by the
cleaning stage is marked ``slow``.
"""
from __future__ import annotations

import copy
import hashlib
import importlib.util
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis import paths
from analysis.config import load_config
from analysis.synth import build as build_mod
from analysis.synth.population import (HOUSEHOLD_COLUMNS, PERSON_COLUMNS, build_population,
                                       labour_truth, load_synth_config, poverty_truth)
from analysis.synth.surveys import (SAKERNAS_COLUMNS, SUSENAS_COLUMNS, draw_sakernas_sample,
                                    draw_susenas_sample)

CFG = load_synth_config()
RUN = load_config(paths.CONFIG_DIR / "demo-2024.yaml")
RAW = paths.resolve(CFG["raw_dir"])
TRUTH = paths.resolve(CFG["truth_dir"])
SMALL_N = 40_000
PUBLISHED_KEC = {"64.74.01": 89010, "64.74.02": 71167, "64.74.03": 31634}

needs_demo = pytest.mark.skipif(not (RAW / "MANIFEST.json").is_file() or not (TRUTH / "poverty.csv").is_file(),
                                reason="demo files not generated (python -m analysis.synth)")


@pytest.fixture(scope="module")
def small():
    return build_population(n_persons=SMALL_N)


def _truth(name: str) -> pd.DataFrame:
    return pd.read_csv(TRUTH / name, dtype={"domain_code": str, "period": str, "domain_level": str})


def _value(df, indicator, period, level="kota", code="64.74") -> float:
    r = df[(df.indicator == indicator) & (df.period == str(period)) & (df.domain_level == level)
           & (df.domain_code == code)]
    assert len(r) == 1, (indicator, period, level, code)
    return float(r["value"].iloc[0])


# --------------------------------------------------------------------------- population
def test_small_population_totals_and_columns(small):
    p, h = small.persons, small.households
    assert len(p) == SMALL_N
    assert tuple(h.columns) == HOUSEHOLD_COLUMNS
    assert tuple(p.columns) == PERSON_COLUMNS
    kec = p.groupby("kode_kecamatan", observed=True).size()
    share = {k: v / sum(PUBLISHED_KEC.values()) for k, v in PUBLISHED_KEC.items()}
    for k, s in share.items():
        assert abs(kec[k] - s * SMALL_N) <= 1, k
    assert h["jumlah_art"].sum() == SMALL_N
    assert 3.5 <= h["jumlah_art"].mean() <= 3.95
    males = int((p["jenis_kelamin"] == 1).sum())
    assert abs(males - SMALL_N * 99151 / 191811) <= 1
    # exactly one head per household, first in its household
    heads = p[p["hubungan_kk"] == 1]
    assert len(heads) == len(h) and (heads["hh_id"].to_numpy() == np.arange(len(h))).all()
    # 15 kelurahan, every household in one block of its kelurahan
    assert h["kode_kelurahan"].nunique() == 15
    b = small.blocks.set_index("block_id")
    assert (b.loc[h["block_id"], "kode_kelurahan"].to_numpy() == h["kode_kelurahan"].astype(str).to_numpy()).all()


def test_small_population_calibration(small):
    pt, lt = poverty_truth(small), labour_truth(small)
    for y, target in CFG["calibration"]["p0"].items():
        assert abs(_value(pt, "p0", y) - target) < 0.1
    for y, target in CFG["calibration"]["tpt"].items():
        assert abs(_value(lt, "tpt", y) - target) < 0.05
    assert 0.28 <= _value(pt, "gini", 2024) <= 0.36


def test_person_consistency(small):
    d = small.person_year(2024)
    emp = (d["bekerja_seminggu"] == 1) | (d["sementara_tidak_bekerja"] == 1)
    assert not ((d["bekerja_seminggu"] == 1) & (d["sementara_tidak_bekerja"] == 1)).any()
    # the employed have a job status, an industry, an occupation and hours; the others none
    adult_emp = emp & (d["umur"] >= 10)
    assert d.loc[adult_emp, "status_pekerjaan"].notna().all()
    assert d.loc[adult_emp, "kbli_kategori"].notna().all() and d.loc[adult_emp, "jam_kerja"].notna().all()
    assert d.loc[~emp, "status_pekerjaan"].isna().all() and d.loc[~emp, "jam_kerja"].isna().all()
    # job search only for the non-employed; hours of the temporarily absent are 0
    assert not (emp & ((d["mencari_pekerjaan"] == 1) | (d["mempersiapkan_usaha"] == 1))).any()
    assert (d.loc[d["sementara_tidak_bekerja"] == 1, "jam_kerja"] == 0).all()
    # nothing asked below age 10
    young = d["umur"] < 10
    assert (d.loc[young, ["bekerja_seminggu", "mencari_pekerjaan", "ikut_pelatihan"]] == 0).all().all()
    # children are younger than their head
    head_age = d.groupby("hh_id")["umur"].first()
    kids = d[d["hubungan_kk"] == 3]
    assert (kids["umur"].to_numpy() < head_age.loc[kids["hh_id"]].to_numpy()).all()


def test_nik_synthetic_and_unique(small):
    nik = small.persons["nik"].astype(str)
    assert nik.str.fullmatch(r"6474\d{12}").all()
    assert (nik.str[12:16].astype(int) >= 9000).all()       # synthetic serials
    assert nik.is_unique
    day = nik.str[6:8].astype(int)
    female = small.persons["jenis_kelamin"] == 2
    assert ((day > 40) == female).all()


# --------------------------------------------------------------------------- determinism
def test_same_seed_same_frames(small):
    again = build_population(n_persons=SMALL_N)
    assert list(again.persons.dtypes) == list(small.persons.dtypes)
    assert small.households.equals(again.households) and small.persons.equals(again.persons)
    assert small.blocks.equals(again.blocks)
    other = build_population(n_persons=SMALL_N, seed=CFG["seed"] + 1)
    assert not np.array_equal(other.households["pengeluaran_kapita_2024"].to_numpy(),
                              small.households["pengeluaran_kapita_2024"].to_numpy())
    a = draw_susenas_sample(small, 2024, np.random.default_rng(7))
    b = draw_susenas_sample(small, 2024, np.random.default_rng(7))
    pd.testing.assert_frame_equal(a, b)


def test_build_writes_identical_bytes(tmp_path):
    cfg = copy.deepcopy(CFG)                     # a small city needs a smaller design
    for survey in ("susenas", "sakernas"):
        cfg[survey].update(n_psu=20, respondents={"2023": 196, "2024": 195})
    hashes = []
    for run in ("a", "b"):
        build_mod.build(cfg, n_persons=20_000, raw_dir=tmp_path / run / "raw", truth_dir=tmp_path / run / "truth",
                        disnaker=False, verbose=False)
        root = tmp_path / run
        hashes.append({p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                       for p in sorted(root.rglob("*")) if p.is_file()})
    assert hashes[0] == hashes[1]
    assert len(hashes[0]) >= 15


# --------------------------------------------------------------------------- sample designs
def test_susenas_design(small):
    t = time.perf_counter()
    s = draw_susenas_sample(small, 2024, np.random.default_rng(1), response_rate=None)
    elapsed = time.perf_counter() - t
    assert tuple(s.columns) == SUSENAS_COLUMNS
    assert s["psu"].nunique() == 57 and len(s) == 570
    assert (s.groupby("psu").size() == 10).all()
    assert s["id_rt"].is_unique
    assert abs(s["bobot"].sum() - len(small.households)) < 1e-3      # self-weighting PPS design
    assert elapsed < 0.5
    s2 = draw_susenas_sample(small, 2023, np.random.default_rng(2), respondents=559)
    assert len(s2) == 559 and s2["psu"].nunique() == 57
    assert abs(s2["bobot"].sum() - len(small.households)) < 1e-3     # nonresponse adjusted in the block
    # strata: 9 = BPS kecamatan x welfare tercile, every stratum with at least 2 PSUs
    per = s.groupby("strata")["psu"].nunique()
    assert len(per) == 9 and (per >= 2).all()


def test_sakernas_design(small):
    k = draw_sakernas_sample(small, 2024, np.random.default_rng(3), with_truth=True)
    assert tuple(c for c in k.columns if not c.startswith("_")) == SAKERNAS_COLUMNS
    assert k["id_rt"].nunique() == 525 and k["psu"].nunique() == 53
    assert k["id_art"].is_unique and (k["umur"] >= 10).all()
    hh = k.drop_duplicates("id_rt")
    assert abs(hh["bobot"].sum() - len(small.households)) < 1e-3
    # every member aged 10+ of a sampled household is in the sample
    ages = small.persons.set_index("person_id")["umur_2024"]
    sampled = small.persons[small.persons["hh_id"].isin(k["_hh_id"].unique())]
    assert len(k) == int((ages.loc[sampled["person_id"]] >= 10).sum())


def test_monte_carlo_draws_are_fast_and_unbiased(small):
    z = small.poverty_line(2024)
    rng = np.random.default_rng(11)
    est = []
    t = time.perf_counter()
    for _ in range(60):
        s = draw_susenas_sample(small, 2024, rng, response_rate=None)
        w = s["bobot"] * s["jumlah_art"]
        est.append(100 * (w * (s["pengeluaran_kapita"] < z)).sum() / w.sum())
    assert (time.perf_counter() - t) / 60 < 0.2
    truth = _value(poverty_truth(small), "p0", 2024)
    assert abs(np.mean(est) - truth) < 4 * np.std(est) / np.sqrt(len(est)) + 0.1


# --------------------------------------------------------------------------- committed demo
@needs_demo
def test_demo_published_totals():
    t = pd.read_csv(TRUTH / "population_totals.csv", dtype={"domain_code": str})
    kec = t[t.domain_level == "kecamatan"].set_index("domain_code")
    for k, v in PUBLISHED_KEC.items():
        assert kec.loc[k, "persons"] == v
    kota = t[t.domain_level == "kota"].iloc[0]
    assert (kota["persons"], kota["male"], kota["female"]) == (191811, 99151, 92660)
    assert 3.6 <= kota["persons"] / kota["households"] <= 3.85


@needs_demo
def test_demo_truth_calibration():
    pt, lt = _truth("poverty.csv"), _truth("labour.csv")
    assert abs(_value(pt, "p0", 2023) - 4.11) < 0.02 and abs(_value(pt, "p0", 2024) - 3.74) < 0.02
    for y in (2023, 2024):
        assert 0.4 <= _value(pt, "p1", y) <= 0.7
        assert 0.05 <= _value(pt, "p2", y) <= 0.2
        assert 0.30 <= _value(pt, "gini", y) <= 0.34
        assert 66 <= _value(lt, "tpak", y) <= 72
        assert 0 < _value(lt, "underemployment", y) < 15
        youth = _value(lt, "youth_tpt", y)
        assert youth > 2 * _value(lt, "tpt", y)
        edu = {c: _value(lt, "tpt", y, "education", c)
               for c in ("sd_kebawah", "smp", "sma", "smk", "diploma", "universitas")}
        assert max(edu, key=edu.get) == "smk"
    assert abs(_value(lt, "tpt", 2023) - 7.74) < 0.02 and abs(_value(lt, "tpt", 2024) - 7.06) < 0.02
    assert abs(_value(lt, "informal", 2024) - 25) < 1
    p0_kota = _value(pt, "p0", 2024)
    for kel in ("64.74.01.1003", "64.74.02.1002", "64.74.02.1001"):   # Lok Tuan, Berbas Tengah, Tanjung Laut
        assert _value(pt, "p0", 2024, "kelurahan", kel) > p0_kota
    # the poverty lines are the published ones
    lines = pd.read_csv(RAW / "reference" / "poverty_lines.csv", dtype={"year": str}).set_index("year")
    assert _value(pt, "poverty_line", 2023) == lines.loc["2023", "garis_kemiskinan_rp"] == 763661
    assert _value(pt, "poverty_line", 2024) == lines.loc["2024", "garis_kemiskinan_rp"] == 801945


@needs_demo
def test_demo_manifest_matches_files():
    man = json.loads((RAW / "MANIFEST.json").read_text(encoding="utf-8"))
    on_disk = {p.relative_to(RAW).as_posix() for p in RAW.rglob("*") if p.is_file() and p.name != "MANIFEST.json"}
    assert set(man) == on_disk
    for rel, info in man.items():
        data = (RAW / rel).read_bytes()
        assert hashlib.sha256(data).hexdigest() == info["sha256"], rel
        assert len(data) == info["bytes"]
    reg = RUN.inputs["dtsen_households"]["file"]
    assert man[reg]["encoding"] == "cp1252"
    assert man[RUN.inputs["susenas_2024"]["file"]]["format"] == "stata_118"
    readme = (RAW / "README.md").read_text(encoding="utf-8")
    assert "SYNTHETIC DATA" in readme and "python -m analysis.synth" in readme and str(CFG["seed"]) in readme


def _read_raw(name: str) -> pd.DataFrame:
    path = RUN.input_path(name)
    if path.suffix == ".dta":
        return pd.read_stata(path, convert_categoricals=False)
    enc = json.loads((RAW / "MANIFEST.json").read_text())[path.relative_to(RAW).as_posix()]["encoding"]
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=enc)


MY_CONTRACTS = ("registry.yaml", "susenas.yaml", "sakernas.yaml", "reference.yaml")


def _my_contracts() -> dict:
    out = {}
    for f in MY_CONTRACTS:
        out.update(yaml.safe_load((paths.CONTRACTS_DIR / f).read_text(encoding="utf-8"))["schemas"])
    return out


def _my_inputs() -> list[str]:
    mine = _my_contracts()
    return [n for n, spec in RUN.inputs.items() if spec["schema"] in mine]


@needs_demo
def test_demo_files_have_contract_columns():
    contracts = _my_contracts()
    assert len(_my_inputs()) == 9
    for name in _my_inputs():
        schema = contracts[RUN.inputs[name]["schema"]]
        required = [c for c, s in schema["columns"].items() if (s or {}).get("required", True)]
        df = _read_raw(name)
        missing = sorted(set(required) - set(df.columns))
        assert not missing, (name, missing)
        extra = sorted(set(df.columns) - set(schema["columns"]))
        assert not extra, (name, extra)


@needs_demo
def test_demo_registry_and_encoding():
    path = RUN.input_path("dtsen_households")
    raw = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "’" in raw.decode("cp1252")
    hh = _read_raw("dtsen_households")
    kec = hh["kecamatan_nama"].str.strip().str.replace(r"\s+", " ", regex=True).str.title()
    ver = (hh["status_verifikasi"] == "terverifikasi").groupby(kec).mean()
    assert ver["Bontang Selatan"] == 1.0 and ver["Bontang Barat"] == 1.0
    assert 0.4 <= ver["Bontang Utara"] <= 0.6
    got = set(hh["hasil_verifikasi"]) - {""}
    assert got == {"tetap", "baru", "pindah", "meninggal", "ganda", "tidak_ditemukan"}
    assert (hh.loc[hh["hasil_verifikasi"] == "baru", "desil_nasional"] == "").all()
    assert (hh.loc[hh["status_verifikasi"] == "belum_diverifikasi", "hasil_verifikasi"] == "").all()
    s = _read_raw("susenas_2024")
    assert len(s) == 559 and s["psu"].nunique() == 57
    households = pd.read_csv(TRUTH / "population_totals.csv").query("domain_level == 'kota'")["households"].iloc[0]
    assert abs(s["bobot"].sum() - households) < 0.01


@needs_demo
def test_demo_niks_are_marked_synthetic():
    m = _read_raw("dtsen_members")
    faults = pd.read_csv(TRUTH / "injected_faults.csv", dtype=str, keep_default_na=False)
    bad = set(faults.loc[faults["fault"].str.startswith("nik_"), "row_key"])
    ok = m.loc[~m["nik"].isin(bad), "nik"]
    assert ok.str.fullmatch(r"6474\d{12}").all()
    assert (ok.str[12:16].astype(int) >= 9000).all()
    assert set(m["nik"]) >= bad                                  # every malformed NIK is in the file


@needs_demo
def test_demo_faults_at_documented_rates():
    faults = pd.read_csv(TRUTH / "injected_faults.csv", dtype=str, keep_default_na=False)
    d = CFG["dirt"]
    hh = _read_raw("dtsen_households")
    mb = _read_raw("dtsen_members")
    n = faults.groupby(["dataset", "fault"]).size()
    n_hh = len(hh) - n[("dtsen_households", "duplicate_row")] - n[("dtsen_households", "duplicate_no_kk_new_id")]
    n_mb = len(mb) - n[("dtsen_members", "duplicate_row")]

    def near(count, expected, tol=0.06):
        return abs(count - expected) <= max(2, tol * expected)

    assert near(n[("dtsen_households", "kecamatan_case_space")], d["kecamatan_case_space"] * n_hh)
    assert near(n[("dtsen_households", "duplicate_row")], d["duplicate_household_rows"] * n_hh, 0.2)
    assert near(n[("dtsen_households", "duplicate_no_kk_new_id")], d["duplicate_kk_new_id"] * n_hh, 0.2)
    assert near(n[("dtsen_members", "duplicate_row")], d["duplicate_member_rows"] * n_mb, 0.1)
    nik = sum(n[("dtsen_members", f)] for f in ("nik_15_digit", "nik_huruf", "nik_provinsi_bukan_64",
                                                  "nik_tanggal_tidak_mungkin"))
    assert near(nik, d["malformed_nik"] * n_mb, 0.1)
    miss = faults[faults["fault"] == "missing_value"].groupby("column").size()
    assert near(miss["luas_lantai_m2"], d["missing_luas_lantai"] * n_hh)
    assert near(miss["pendidikan"], d["missing_pendidikan"] * n_mb)
    assert n[("dtsen_members", "kepala_umur_7")] == d["young_head_count"]
    assert n[("dtsen_members", "anak_lebih_tua_dari_kepala")] == d["child_older_than_head_count"]
    assert n[("dtsen_members", "umur_tidak_mungkin")] == d["impossible_age_count"]
    for y in (2023, 2024):
        assert n[(f"susenas_{y}", "pengeluaran_x100")] == d["susenas_expenditure_x100"]
        assert n[(f"sakernas_{y}", "jam_kerja_tidak_mungkin")] == d["sakernas_hours_outlier"]
    # the faults are really in the files (duplicated rows carry their original's faults)
    copies = set(faults.loc[faults["fault"] == "duplicate_no_kk_new_id", "row_key"])
    keys = set(faults.loc[(faults["fault"] == "missing_value") & (faults["column"] == "luas_lantai_m2"), "row_key"])
    assert set(hh.loc[hh["luas_lantai_m2"] == "", "id_keluarga"]) - copies == keys
    variants = faults[faults["fault"] == "kelurahan_variant"]
    assert set(variants["injected_value"]) <= {"Loktuan", "Berebas Tengah", "Berbas Tangah", "Guntung Elai", "Api-api"}
    assert set(hh.loc[hh["kelurahan_nama"].isin(variants["injected_value"]), "id_keluarga"]) - copies \
        == set(variants["row_key"])
    x100 = faults[faults["fault"] == "pengeluaran_x100"]
    s23 = _read_raw("susenas_2023").set_index("id_rt")
    for r in x100[x100["dataset"] == "susenas_2023"].itertuples():
        assert float(s23.loc[r.row_key, "pengeluaran_kapita"]) == pytest.approx(float(r.injected_value))


@needs_demo
@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("analysis.cleaning") is None, reason="cleaning stage not present")
def test_demo_passes_validation(tmp_path, monkeypatch):
    """The demo must pass the cleaning stage's validation (warnings only, nothing fatal)."""
    monkeypatch.setenv("ANALYSIS_OUTPUT_DIR", str(tmp_path))
    from analysis.cleaning import DataContractError, run_clean_stage
    mine = set(_my_inputs())
    try:
        out = run_clean_stage(RUN)
    except DataContractError as exc:              # report only the generator's own files
        fatal = [v.message() for v in exc.report.fatal if v.dataset in mine]
        assert not fatal, fatal
        pytest.skip("another input of the run is fatal; the generator's files are not")
    assert not [v for v in out.report.fatal if v.dataset in mine]
    log = out.clean["cleaning_log"]
    assert {"duplicate_rows", "kelurahan_name", "kecamatan_name", "nik_structure", "age_relation"} <= set(log["rule"])
    # the x100 expenditures are handled (by a documented correction or by the outlier rule)
    sus = log[log["dataset"].str.startswith("susenas") & (log["column"] == "pengeluaran_kapita")]
    assert set(sus["rule"]) & {"correction", "expenditure_outlier"}
