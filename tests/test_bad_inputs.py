"""The bad-input battery of stage 01: one test per fault.

Every test builds a small valid raw folder (``tests/_cleaning_fixtures.make_fixture``), runs the
stage once successfully so that ``data/processed/`` holds a previous release, injects ONE fault,
runs the stage again and checks

- fatal faults: ``DataContractError`` (a ``ValueError``) whose message names the file and the
  column (and the row where there is one), and ``data/processed/`` byte-for-byte unchanged, both
  under ``ANALYSIS_OUTPUT_DIR`` and in the repository;
- non-fatal faults: the run succeeds and the cleaning log has the expected row.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis import paths
from analysis.cleaning import DataContractError, PseudonymKeyError, run_clean_stage, write_clean_outputs
from _cleaning_fixtures import (built_template, edit_csv, run_clean, tree_hash, vacancies,
                                       write_xlsx_with_titles)
from analysis.config import load_config
from analysis.contracts import load_contracts


def _repo_processed_signature() -> dict:
    root = paths.ROOT / "data" / "processed"
    if not root.exists():
        return {}
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*"))}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """One valid fixture and one successful release built from it (copied by every test)."""
    return built_template(tmp_path_factory.mktemp("template"))


@pytest.fixture
def fx(template, tmp_path):
    return template[0].copy_to(tmp_path / "fx")


run = run_clean


@pytest.fixture
def baseline(template, output_dir):
    """A previous successful release in the output folder, and the hashes of both trees."""
    import shutil

    shutil.copytree(template[1] / "data", output_dir / "data")
    processed = output_dir / "data" / "processed"
    assert (processed / "2024" / "dtsen_households.parquet").is_file()
    return {"out": tree_hash(processed), "repo": _repo_processed_signature(), "dir": processed}


def assert_fatal(fx, baseline, *needles, config: Path | None = None) -> str:
    with pytest.raises(DataContractError) as exc:
        run(fx, config)
    assert isinstance(exc.value, ValueError)
    msg = str(exc.value)
    for n in needles:
        assert n in msg, f"{n!r} not in:\n{msg}"
    assert tree_hash(baseline["dir"]) == baseline["out"], "data/processed changed after a failed run"
    assert _repo_processed_signature() == baseline["repo"]
    assert not [p for p in baseline["dir"].parent.rglob(".*") if "staging" in p.name or ".old-" in p.name]
    return msg


def log_of(out) -> pd.DataFrame:
    return out.clean["cleaning_log"]


# -- fatal faults -------------------------------------------------------------------------------

def test_missing_column(fx, baseline):
    edit_csv(fx.path("susenas/susenas_kp_maret_2023.csv"), lambda d: d.drop(columns="bobot"))
    assert_fatal(fx, baseline, "susenas/susenas_kp_maret_2023.csv: column 'bobot': required column is missing")


def test_wrong_type(fx, baseline):
    def f(d):
        d.loc[3, "umur"] = "dua puluh"
        return d
    edit_csv(fx.path("sakernas/sakernas_agustus_2024.csv"), f)
    assert_fatal(fx, baseline, "sakernas/sakernas_agustus_2024.csv: column 'umur': rule 'type integer' "
                               "failed in 1 row (row 5)")


def test_unknown_kelurahan(fx, baseline):
    def f(d):
        d.loc[1, "kelurahan_nama"] = "Antah Berantah"
        return d
    edit_csv(fx.path("registry/dtsen_keluarga.csv"), f)
    assert_fatal(fx, baseline, "registry/dtsen_keluarga.csv: column 'kelurahan_nama': rule 'kelurahan name "
                               "found in the wilayah reference", "failed in 1 row (row 3)", "'Antah Berantah'")


def test_duplicated_nik_that_disagrees(fx, baseline):
    mem = pd.read_csv(fx.path("registry/dtsen_anggota.csv"), dtype=str)
    nik = mem.loc[0, "nik"]

    def f(d):
        d.loc[8, "nik"] = nik            # another person (row 10) with the NIK of row 2
        return d
    edit_csv(fx.path("registry/dtsen_anggota.csv"), f)
    msg = assert_fatal(fx, baseline, "registry/dtsen_anggota.csv: column 'nik': rule '(nik) unique",
                       "failed in 2 rows (rows 2, 10)")
    assert nik not in msg                # identifiers never appear in messages


def test_negative_or_zero_weight_in_stata_file(fx, baseline):
    import pyreadstat

    p = fx.path("susenas/susenas_kp_maret_2024.dta")
    df, _ = pyreadstat.read_dta(str(p))
    df.loc[2, "bobot"] = -1.0
    df.loc[6, "bobot"] = 0.0
    pyreadstat.write_dta(df, str(p))
    assert_fatal(fx, baseline, "susenas/susenas_kp_maret_2024.dta: column 'bobot': rule 'weight > 0' failed "
                               "in 2 rows (rows 3, 7)")


def test_empty_file(fx, baseline):
    fx.path("registry/dtsen_keluarga.csv").write_bytes(b"")
    assert_fatal(fx, baseline, "registry/dtsen_keluarga.csv: file is empty (0 bytes)")


def test_file_with_header_only(fx, baseline):
    p = fx.path("sakernas/sakernas_agustus_2024.csv")
    p.write_text(p.read_text().splitlines()[0] + "\n")
    assert_fatal(fx, baseline, "sakernas/sakernas_agustus_2024.csv: file has no data rows")


def test_truncated_file(fx, baseline):
    p = fx.path("sakernas/sakernas_agustus_2024.csv")
    data = p.read_bytes()
    p.write_bytes(data[: len(data) - 25])             # cut in the middle of the last row
    assert_fatal(fx, baseline, "sakernas/sakernas_agustus_2024.csv: truncated file: the last row (row 81)")


def test_wrong_encoding(fx, baseline):
    p = fx.path("registry/dtsen_keluarga.csv")
    p.write_bytes(p.read_text(encoding="utf-8").encode("utf-16"))
    assert_fatal(fx, baseline, "registry/dtsen_keluarga.csv: wrong encoding")


def test_xlsx_header_offset_missing_column(fx, baseline):
    write_xlsx_with_titles(vacancies().drop(columns="jumlah"), fx.path("disnaker/lowongan_2024.xlsx"),
                           ["DINAS KETENAGAKERJAAN KOTA BONTANG", "Rekap", "2024", "Sumber: SIAPkerja"])
    assert_fatal(fx, baseline, "disnaker/lowongan_2024.xlsx: column 'jumlah': required column is missing")


def test_xlsx_bad_value_row_number_counts_title_rows(fx, baseline):
    v = vacancies()
    v["jumlah"] = v["jumlah"].astype(object)
    v.loc[1, "jumlah"] = "banyak"
    write_xlsx_with_titles(v, fx.path("disnaker/lowongan_2024.xlsx"), ["DINAS", "Rekap", "2024"])
    # 3 titles + blank = 4 rows above the header (row 5); data row index 1 is spreadsheet row 7
    assert_fatal(fx, baseline, "disnaker/lowongan_2024.xlsx: column 'jumlah': rule 'type integer' failed in "
                               "1 row (row 7)")


def test_correction_matching_wrong_number_of_rows(fx, baseline):
    (fx.corrections / "dtsen_households.csv").write_text(
        "key_column,key_value,column,old_value,new_value,n_expected,reason,who\n"
        "kecamatan_nama,Bontang Barat,luas_lantai_m2,45,54,1,Tim kelurahan: salah ketik,RS\n")
    assert_fatal(fx, baseline, "corrections/dtsen_households.csv: column 'luas_lantai_m2': line 2: correction of "
                               "column 'luas_lantai_m2' where kecamatan_nama = 'Bontang Barat' matches 6 row(s) of ",
                 "registry/dtsen_keluarga.csv, but n_expected = 1")


def test_correction_with_wrong_old_value(fx, baseline):
    hh = pd.read_csv(fx.path("registry/dtsen_keluarga.csv"), dtype=str)
    (fx.corrections / "dtsen_households.csv").write_text(
        "key_column,key_value,column,old_value,new_value,n_expected,reason,who\n"
        f"id_keluarga,{hh.loc[4, 'id_keluarga']},luas_lantai_m2,9999,54,1,Tim kelurahan,RS\n")
    assert_fatal(fx, baseline, "corrections/dtsen_households.csv: column 'luas_lantai_m2': line 2: old_value does "
                               f"not match: the row holds '{hh.loc[4, 'luas_lantai_m2']}'")


def test_foreign_key_member_without_family(fx, baseline):
    def f(d):
        d.loc[5, "id_keluarga"] = "KLG9999999"
        return d
    edit_csv(fx.path("registry/dtsen_anggota.csv"), f)
    assert_fatal(fx, baseline, "registry/dtsen_anggota.csv: column 'id_keluarga': rule '(id_keluarga) exists in "
                               "dtsen_households", "(row 7)")


def test_kelurahan_code_outside_its_bps_kecamatan(fx, baseline):
    def f(d):
        d.loc[0, "kode_kecamatan_bps"] = "6474010"          # Bontang Selatan (BPS)
        d.loc[0, "kode_kelurahan"] = "64.74.01.1003"        # Lok Tuan, Bontang Utara (Kemendagri)
        return d
    edit_csv(fx.path("susenas/susenas_kp_maret_2023.csv"), f)
    assert_fatal(fx, baseline, "susenas/susenas_kp_maret_2023.csv: column 'kode_kelurahan': rule 'kode_kelurahan "
                               "lies in the kecamatan of kode_kecamatan_bps", "(row 2)")


def test_every_violation_of_every_file_reported_at_once(fx, baseline):
    edit_csv(fx.path("susenas/susenas_kp_maret_2023.csv"), lambda d: d.drop(columns="bobot"))
    fx.path("sakernas/sakernas_agustus_2024.csv").write_bytes(b"")

    def f(d):
        d.loc[1, "kelurahan_nama"] = "Antah Berantah"
        d.loc[2, "jumlah_anggota"] = "lima"
        return d
    edit_csv(fx.path("registry/dtsen_keluarga.csv"), f)
    msg = assert_fatal(fx, baseline, "susenas_kp_maret_2023.csv: column 'bobot'", "sakernas_agustus_2024.csv: file "
                       "is empty", "dtsen_keluarga.csv: column 'kelurahan_nama'",
                       "dtsen_keluarga.csv: column 'jumlah_anggota': rule 'type integer' failed in 1 row (row 4)")
    assert msg.startswith("4 fatal data-contract violation(s); nothing was written")


def test_writer_failure_leaves_processed_untouched(fx, baseline, monkeypatch):
    calls = {"n": 0}
    import analysis.stage as stage_mod

    real = stage_mod.atomic_write_parquet

    def failing(df, path):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full (simulated)")
        return real(df, path)
    monkeypatch.setattr(stage_mod, "atomic_write_parquet", failing)
    cfg = load_config(fx.config)
    out = run_clean_stage(cfg, load_contracts(fx.contracts))
    with pytest.raises(OSError, match="disk full"):
        write_clean_outputs(out, cfg)
    assert tree_hash(baseline["dir"]) == baseline["out"]
    assert not [p for p in baseline["dir"].parent.rglob(".*") if "staging" in p.name or ".old-" in p.name]


def test_first_run_failure_creates_nothing(fx, output_dir):
    fx.path("registry/dtsen_keluarga.csv").write_bytes(b"")
    with pytest.raises(DataContractError):
        run(fx)
    assert not (output_dir / "data").exists()


def test_real_run_without_pseudonym_key(fx, baseline, monkeypatch):
    monkeypatch.delenv("BONTANG_PSEUDONYM_KEY_TEST", raising=False)
    monkeypatch.setattr(paths, "ROOT", fx.root)        # no .pseudonym_key file there
    import yaml
    cfg = yaml.safe_load(fx.config.read_text())
    cfg["synthetic"] = False
    real = fx.root / "real.yaml"
    real.write_text(yaml.safe_dump(cfg))
    with pytest.raises(PseudonymKeyError, match="BONTANG_PSEUDONYM_KEY_TEST"):
        run(fx, real)
    assert tree_hash(baseline["dir"]) == baseline["out"]


# -- non-fatal faults: cleaned or flagged, and logged -------------------------------------------

def test_spelling_variants_recoded_and_logged(fx, output_dir):
    def f(d):
        d.loc[2, "kelurahan_nama"] = "LOKTUAN"
        d.loc[5, "kelurahan_nama"] = "api - api"
        d.loc[10, "kelurahan_nama"] = "Kel. Berbas Tangah"
        d.loc[10, "kecamatan_nama"] = "bontang selatan"
        return d
    edit_csv(fx.path("registry/dtsen_keluarga.csv"), f)
    hh = pd.read_csv(fx.path("registry/dtsen_keluarga.csv"), dtype=str)
    out = run(fx)
    log = log_of(out)
    kel = log[(log["rule"] == "kelurahan_name")].set_index("row")
    assert kel.loc[4, ["before", "after", "detail"]].tolist() == ["LOKTUAN", "Lok Tuan", "64.74.01.1003"]
    assert kel.loc[7, "after"] == "Api-Api"
    assert kel.loc[12, ["before", "after", "detail"]].tolist() == ["Kel. Berbas Tangah", "Berbas Tengah",
                                                                   "64.74.02.1002"]
    proc = out.tables["dtsen_households"]
    assert proc.loc[2, "kode_kel"] == "64.74.01.1003" and proc.loc[2, "kode_kec"] == "64.74.01"
    assert proc.loc[2, "kelurahan_nama"] == "Lok Tuan"
    warn = out.clean["validation_detail"]
    row = warn[warn["rule"].str.startswith("spelling variant of the official kelurahan")].iloc[0]
    assert (row["severity"], row["n_rows"], row["example_rows"]) == ("warn", 3, "4, 7, 12")
    assert hh.loc[2, "id_keluarga"] not in log["row_key"].tolist()      # row keys are pseudonyms


def test_kecamatan_name_disagreeing_with_kelurahan(fx, output_dir):
    def f(d):
        d.loc[0, "kecamatan_nama"] = "Bontang Barat"     # row 2 is Bontang Kuala, in Bontang Utara
        return d
    edit_csv(fx.path("registry/dtsen_keluarga.csv"), f)
    out = run(fx)
    log = log_of(out)
    r = log[(log["rule"] == "kecamatan_name") & (log["row"] == 2)].iloc[0]
    assert (r["before"], r["after"]) == ("Bontang Barat", "Bontang Utara")
    assert out.tables["dtsen_households"].loc[0, "kode_kec"] == "64.74.01"


def test_unreadable_kecamatan_name_taken_from_the_kelurahan(fx, output_dir):
    def f(d):
        d.loc[4, "kecamatan_nama"] = "Kec. Bontang Timur"     # no such kecamatan; kelurahan is fine
        return d
    edit_csv(fx.path("registry/dtsen_keluarga.csv"), f)
    out = run(fx)
    r = out.clean["cleaning_log"].query("rule == 'kecamatan_name' and row == 6").iloc[0]
    assert (r["before"], r["after"], r["detail"]) == ("Kec. Bontang Timur", "Bontang Utara",
                                                      "not a kecamatan name: taken from the kelurahan")


def test_malformed_nik_flagged_not_fatal(fx, output_dir):
    mem = pd.read_csv(fx.path("registry/dtsen_anggota.csv"), dtype=str)
    bad_day = mem.loc[3, "nik"][:6] + "35" + mem.loc[3, "nik"][8:]
    short = mem.loc[7, "nik"][:15]
    outside = "35" + mem.loc[11, "nik"][2:]          # first registered in Jawa Timur

    def f(d):
        d.loc[3, "nik"] = bad_day
        d.loc[7, "nik"] = short
        d.loc[11, "nik"] = outside
        return d
    edit_csv(fx.path("registry/dtsen_anggota.csv"), f)
    out = run(fx)
    log = log_of(out)
    nik = log[log["rule"] == "nik_structure"].set_index("row")["before"]
    assert nik.to_dict() == {5: "birth_day_invalid", 9: "length_not_16", 13: "province_not_64"}
    proc = out.tables["dtsen_members"]
    assert proc["nik_valid"].sum() == len(proc) - 3
    assert "nik" not in proc.columns and proc["person_key"].str.fullmatch(r"[0-9a-f]{16}").all()
    # no NIK, valid or not, anywhere in what the stage writes
    files = [p for p in (output_dir / "data" / "processed").rglob("*") if p.is_file()]
    blob = b"".join(p.read_bytes() for p in files)
    for n in (bad_day, short, outside, mem.loc[0, "nik"]):
        assert n.encode() not in blob


def test_identical_duplicate_row_dropped_and_logged(fx, output_dir):
    edit_csv(fx.path("registry/dtsen_anggota.csv"), lambda d: pd.concat([d, d.iloc[[4]]], ignore_index=True))
    n_raw = len(pd.read_csv(fx.path("registry/dtsen_anggota.csv")))
    out = run(fx)
    log = log_of(out)
    dropped = log[(log["rule"] == "duplicate_rows") & (log["action"] == "dropped")]
    assert dropped["row"].tolist() == [n_raw + 1] and dropped["column"].tolist() == ["nik"]
    assert len(out.tables["dtsen_members"]) == n_raw - 1
    assert out.tables["dtsen_members"]["person_key"].is_unique


def test_windows_1252_file_accepted_with_warning(fx, output_dir):
    p = fx.path("registry/dtsen_keluarga.csv")
    edit_csv(p, lambda d: d.assign(nama_kepala_keluarga=d["nama_kepala_keluarga"] + " Ma\u2019arif"))
    p.write_bytes(p.read_text(encoding="utf-8").encode("cp1252"))
    out = run(fx)
    files = out.clean["input_files"].set_index("dataset")
    assert files.loc["dtsen_households", "encoding"] == "cp1252"
    rep = out.clean["validation_report"]
    assert ((rep["dataset"] == "dtsen_households") & rep["rule"].str.contains("Windows-1252")
            & (rep["severity"] == "warn")).any()


def test_xlsx_with_more_title_rows_is_read(fx, output_dir):
    write_xlsx_with_titles(vacancies(), fx.path("disnaker/lowongan_2024.xlsx"),
                           ["PEMERINTAH KOTA BONTANG", "DINAS KETENAGAKERJAAN", "Rekap lowongan", "Tahun 2024"])
    out = run(fx)
    assert int(out.clean["input_files"].set_index("dataset").loc["vacancies", "header_row"]) == 6
    assert len(out.tables["vacancies"]) == 12


def test_age_out_of_range_set_missing_when_contract_says_warn(fx, output_dir):
    def f(d):
        d.loc[6, "umur"] = "150"
        return d
    edit_csv(fx.path("registry/dtsen_anggota.csv"), f)
    out = run(fx)
    log = log_of(out)
    r = log[(log["rule"] == "age_relation") & (log["action"] == "set_missing")].iloc[0]
    assert (r["row"], r["column"], r["before"], r["after"]) == (8, "umur", "150", "")
    assert pd.isna(out.tables["dtsen_members"].loc[6, "umur"])


# -- the command line ---------------------------------------------------------------------------

def _cli(fx, out_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "ANALYSIS_OUTPUT_DIR": str(out_dir), "PYTHONHASHSEED": "0"}
    return subprocess.run([sys.executable, "-m", "analysis.cleaning", "--config", str(fx.config),
                           "--contracts", str(fx.contracts)], capture_output=True, text=True, env=env,
                          cwd=paths.ROOT, timeout=300)


def test_cli_exits_1_on_a_fault_and_0_when_clean(fx, tmp_path):
    out_dir = tmp_path / "cli_out"
    ok = _cli(fx, out_dir)
    assert ok.returncode == 0, ok.stderr
    assert "stage 01 done" in ok.stdout
    before = tree_hash(out_dir / "data" / "processed")

    def f(d):
        d.loc[0, "bobot"] = "-3"
        return d
    edit_csv(fx.path("susenas/susenas_kp_maret_2023.csv"), f)
    bad = _cli(fx, out_dir)
    assert bad.returncode == 1
    assert "susenas/susenas_kp_maret_2023.csv: column 'bobot': rule 'weight > 0' failed in 1 row (row 2)" \
        in bad.stderr
    assert "Traceback" not in bad.stderr
    assert tree_hash(out_dir / "data" / "processed") == before


@pytest.mark.slow
def test_notebook_run_exits_non_zero_on_a_fatal_fault(tmp_path):
    """make report runs notebooks/01_clean.py through analysis.runner: a fatal fault in the raw
    data must stop it with a non-zero exit status and the violation in its output."""
    import importlib.util
    import shutil

    import yaml

    demo = paths.ROOT / "data" / "raw" / "demo"
    cfg = yaml.safe_load((paths.CONFIG_DIR / "demo-2024.yaml").read_text())
    if not all((demo / v["file"]).is_file() for v in cfg["inputs"].values()):
        pytest.skip("demo data not generated")
    if importlib.util.find_spec("papermill") is None:
        pytest.skip("papermill not installed")
    raw = tmp_path / "raw"
    shutil.copytree(demo, raw)
    edit_csv(raw / "susenas" / "susenas_kp_maret_2023.csv", lambda d: d.drop(columns="bobot"))
    cfg["raw_dir"] = str(raw)
    cfg.pop("corrections_dir", None)
    config = tmp_path / "bad.yaml"
    config.write_text(yaml.safe_dump(cfg))
    out_dir = tmp_path / "out"
    env = {**os.environ, "ANALYSIS_OUTPUT_DIR": str(out_dir), "PYTHONHASHSEED": "0"}
    r = subprocess.run([sys.executable, "-m", "analysis.runner", "notebooks/01_clean.py",
                        str(tmp_path / "01_clean.ipynb"), "-p", "config_path", str(config)],
                       capture_output=True, text=True, env=env, cwd=paths.ROOT, timeout=600)
    assert r.returncode != 0
    assert "susenas_kp_maret_2023.csv: column 'bobot': required column is missing" in r.stdout + r.stderr
    assert not (out_dir / "data" / "processed").exists() or not any((out_dir / "data" / "processed").rglob("*.parquet"))
