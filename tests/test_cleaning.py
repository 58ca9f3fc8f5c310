"""Stage 01 units: contracts, rules, pseudonyms, corrections, progress, and a full fixture run."""
from __future__ import annotations

import hashlib
import hmac
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis import paths
from analysis.cleaning import rules
from analysis.cleaning.progress import progress_tables
from analysis.cleaning.pseudonymise import Pseudonymiser, PseudonymKeyError, resolve_key
from _cleaning_fixtures import WILAYAH_CSV, households_members, make_fixture, tree_hash
from analysis.cleaning import run_clean_stage, write_clean_outputs
from analysis.config import load_config
from analysis.contracts import CLEANING_RULES, ContractError, load_contracts, to_markdown


@pytest.fixture(scope="module")
def wilayah():
    import io
    return rules.Wilayah(pd.read_csv(io.StringIO(WILAYAH_CSV), dtype=str))


# -- contracts ----------------------------------------------------------------------------------

def test_package_contracts_load_and_document():
    contracts = load_contracts()
    md = to_markdown(contracts)
    for name, s in contracts.items():
        assert f"### {name}" in md
        for c in s.columns:
            assert f"`{c}`" in md


def test_data_dictionary_is_generated_from_the_contracts():
    """docs/data_dictionary.md must be regenerated whenever a contract YAML changes."""
    doc = paths.DOCS_DIR / "data_dictionary.md"
    if not doc.is_file():
        pytest.skip("docs/data_dictionary.md not generated yet")
    r = subprocess.run([sys.executable, "-m", "analysis.contracts", "--check", "docs/data_dictionary.md"],
                       cwd=paths.ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr + " -- run: python -m analysis.contracts --markdown docs/data_dictionary.md"


def test_fixture_contracts_and_markdown(tmp_path):
    fx = make_fixture(tmp_path / "fx")
    c = load_contracts(fx.contracts)
    assert c["dtsen_members"].columns["nik"].pii and c["dtsen_members"].pseudonym_sources()["person_key"] == "nik"
    assert c["dtsen_members"].columns["jenis_kelamin"].allowed == ("1", "2")
    assert str(c["susenas_kp"].columns["kode_kelurahan"].allowed_ref) == "wilayah.kemendagri_code[level=kelurahan]"
    md = to_markdown(c)
    assert "| `nik` | string | yes | no | **yes** | `person_key` |" in md
    assert "`nik_structure`" in md and "GENERATED FILE" in md


@pytest.mark.parametrize("column_spec, match", [
    ({"type": "text-ish"}, "type 'text-ish' is not one of"),
    ({"type": "string", "alowed": ["a"]}, r"unknown key\(s\) \['alowed'\]"),
    ({"type": "string", "severity": "maybe"}, "severity must be one of"),
    ({"type": "string", "cleaning": "magic"}, "unknown cleaning rule 'magic'"),
    ({"type": "string", "allowed_ref": "nowhere.code"}, "names an unknown schema"),
    ({"type": "string", "pattern": "(["}, "not a valid regex"),
])
def test_contract_errors_name_file_and_column(tmp_path, column_spec, match):
    (tmp_path / "x.yaml").write_text(yaml.safe_dump({"schemas": {"s": {"columns": {"c": column_spec}}}}))
    with pytest.raises(ContractError, match=match) as e:
        load_contracts(tmp_path)
    assert "x.yaml" in str(e.value) and "schema 's'" in str(e.value)


def test_every_cleaning_rule_is_implemented():
    assert set(rules.IMPLEMENTED_RULES) == set(CLEANING_RULES)


# -- geography ----------------------------------------------------------------------------------

def test_kelurahan_spelling_variants(wilayah):
    names = pd.Series(["Loktuan", "LOK TUAN", "api-api", "API - API", "Kel. Berbas Tangah", "berebas tengah",
                       "Guntung Elai", "Gunung Elai", "Guntung", "Kelurahan Kanaan", "Tanjung Laut Indah",
                       "Antah Berantah", None], dtype="str")
    got = wilayah.kelurahan_code(names).tolist()
    assert got[:11] == ["64.74.01.1003", "64.74.01.1003", "64.74.01.1006", "64.74.01.1006", "64.74.02.1002",
                        "64.74.02.1002", "64.74.01.1005", "64.74.01.1005", "64.74.01.1004", "64.74.03.1003",
                        "64.74.02.1006"]
    assert pd.isna(got[11]) and pd.isna(got[12])


def test_bps_kecamatan_codes_go_through_the_crosswalk(wilayah):
    got = wilayah.kecamatan_from_bps(pd.Series(["6474010", "6474020", "6474030", "6474040"])).tolist()
    assert got[:3] == ["64.74.02", "64.74.01", "64.74.03"]      # not the suffix order
    assert pd.isna(got[3])


# -- NIK ----------------------------------------------------------------------------------------

def test_nik_problem_categories():
    nik = pd.Series(["6474014503909001",   # woman, day 05 -> valid
                     "6474011503909002",   # man, day 15 -> valid
                     "3578011503909003",   # registered in Jawa Timur: flagged province_not_64
                     "6474013503909004",   # day 35
                     "6474017303909005",   # day 73
                     "6474011513909006",   # month 13
                     "647401150390900",    # 15 digits
                     "64740115039090AB",   # letters
                     "6474014503909007",   # day code of a woman on a man
                     None], dtype="str")
    sex = pd.Series(["2", "1", "1", "1", "2", "1", "1", "1", "1", "1"])
    got = rules.nik_problem(nik, sex).tolist()
    assert got[:2] == [np.nan, np.nan] or all(pd.isna(x) for x in got[:2])
    assert got[2:9] == ["province_not_64", "birth_day_invalid", "birth_day_invalid", "birth_month_invalid",
                        "length_not_16", "non_digit_character", "sex_day_mismatch"]
    assert pd.isna(got[9])


def test_nik_area_digits_are_never_used():
    """Digits 3-6 (kab/kota and kecamatan of FIRST registration) must not influence anything."""
    a = rules.nik_problem(pd.Series(["6474011503909001"]))
    b = rules.nik_problem(pd.Series(["6499991503909001"]))
    assert a.isna().all() and b.isna().all()


# -- duplicates, ages, outliers -----------------------------------------------------------------

def test_duplicate_masks():
    df = pd.DataFrame({"k": ["a", "b", "b", "c", "c", "d", None, None], "v": [1, 2, 2, 3, 4, 5, 6, 6]})
    exact, conflict = rules.duplicate_masks(df, ["k"])
    assert exact.tolist() == [False, False, True, False, False, False, False, False]
    assert conflict.tolist() == [False, False, False, True, True, False, False, False]


def test_age_relation_problems():
    m = pd.DataFrame({
        "id_keluarga": ["A", "A", "A", "B", "B", "C", "D", "D", "E"],
        "hubungan_kk": [1, 2, 3, 1, 3, 3, 1, 1, 1],
        "umur": [40, 8, 45, 30, 10, 12, 50, 48, 7],
    })
    got = rules.age_relation_problems(m).tolist()
    assert got[1] == "spouse_under_10" and got[2] == "child_not_younger_than_head"
    assert pd.isna(got[0]) and pd.isna(got[3]) and pd.isna(got[4])
    assert got[5] == "family_without_head"
    assert got[6] == got[7] == "family_with_several_heads"
    assert got[8] == "head_under_10"


def test_expenditure_outliers_change_only_the_upper_tail():
    rng = np.random.default_rng(3)
    x = pd.Series(np.exp(rng.normal(np.log(1.5e6), 0.4, 500)))
    x[10] = 9e8         # far above: winsorised
    x[11] = 2e3         # far below: flagged only
    x[12] = 0.0         # impossible
    res = rules.expenditure_outliers(x)
    assert bool(res.winsorise[10]) and not bool(res.winsorise[11])
    assert bool(res.flagged[11]) and bool(res.non_positive[12])
    assert 1.5e6 < res.cap < 9e8
    assert res.flagged.sum() < 15


# -- pseudonyms ---------------------------------------------------------------------------------

def test_hmac_pseudonyms():
    pz = Pseudonymiser(b"a-secret-key-of-some-length")
    s = pd.Series(["6474011503909001", "6474011503909001", None, " 6474011503909001 "], dtype="str")
    k = pz.hash(s, "person_key")
    ref = hmac.new(b"a-secret-key-of-some-length", b"person_key\x1f6474011503909001", hashlib.sha256).hexdigest()
    assert k[0] == ref[:16] and k[1] == k[0] == k[3] and pd.isna(k[2])
    assert pz.hash(s, "hh_key")[0] != k[0]                         # namespaces do not link
    assert Pseudonymiser(b"another-key-of-some-length").hash(s, "person_key")[0] != k[0]
    # a digest whose first 16 hex characters are all digits would look like a NIK: next window
    digit_first = next(v for v in (f"v{i}" for i in range(100_000))
                       if hmac.new(b"k" * 20, f"n\x1f{v}".encode(), hashlib.sha256).hexdigest()[:16].isdigit())
    full = hmac.new(b"k" * 20, f"n\x1f{digit_first}".encode(), hashlib.sha256).hexdigest()
    got = Pseudonymiser(b"k" * 20).hash(pd.Series([digit_first]), "n")[0]
    assert not got.isdigit() and got in full and len(got) == 16
    long_key = b"x" * 100                                           # keys longer than a block
    assert Pseudonymiser(long_key).hash(s, "p")[0] == hmac.new(long_key, b"p\x1f6474011503909001",
                                                               hashlib.sha256).hexdigest()[:16]


class _Cfg:
    path = "config/real.yaml"
    synthetic = False
    demo_pseudonym_key = "demo-key-not-secret"
    pseudonym_key_env = "BONTANG_PSEUDONYM_KEY_UNITTEST"
    pseudonym_key_file = ".pseudonym_key_unittest"


def test_key_resolution(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "ROOT", tmp_path)
    cfg = _Cfg()
    monkeypatch.delenv(cfg.pseudonym_key_env, raising=False)
    with pytest.raises(PseudonymKeyError, match="BONTANG_PSEUDONYM_KEY_UNITTEST"):
        resolve_key(cfg)
    (tmp_path / ".pseudonym_key_unittest").write_text("from-the-untracked-file-0123\n")
    assert resolve_key(cfg) == (b"from-the-untracked-file-0123", "file .pseudonym_key_unittest")
    monkeypatch.setenv(cfg.pseudonym_key_env, "from-the-environment-0123456")
    assert resolve_key(cfg)[0] == b"from-the-environment-0123456"
    monkeypatch.setenv(cfg.pseudonym_key_env, "demo-key-not-secret")
    with pytest.raises(PseudonymKeyError, match="demo key cannot be used"):
        resolve_key(cfg)
    monkeypatch.setenv(cfg.pseudonym_key_env, "short")
    with pytest.raises(PseudonymKeyError, match="shorter than"):
        resolve_key(cfg)
    cfg.synthetic = True
    assert resolve_key(cfg) == (b"demo-key-not-secret", "demo key (synthetic run)")


# -- progress -----------------------------------------------------------------------------------

def test_progress_counts(wilayah):
    hh, mem = households_members(60)
    hh = hh.assign(kode_kel=wilayah.kelurahan_code(hh["kelurahan_nama"]))
    hh = hh.assign(kode_kec=hh["kode_kel"].str.slice(0, 8),
                   desil_verifikasi=pd.to_numeric(hh["desil_verifikasi"]).astype("Int64"))
    hh["hasil_verifikasi"] = hh["hasil_verifikasi"].replace("", np.nan)
    t = progress_tables(hh, mem, wilayah.name_of, 10, link="id_keluarga", publish=False)
    kec = t["progress_kecamatan"]
    assert kec["households_target"].sum() == (hh["hasil_verifikasi"] != "baru").sum()
    assert (kec["households_verified"] + kec["households_pending"] == kec["households_target"]).all()
    assert (kec["tetap"] + kec["removed"] == kec["households_verified"]).all()
    assert kec["persons_target"].sum() == mem["id_keluarga"].isin(hh.loc[hh["hasil_verifikasi"] != "baru",
                                                                           "id_keluarga"]).sum()
    assert kec["kecamatan"].tolist() == ["Bontang Utara", "Bontang Selatan", "Bontang Barat"]
    kel = t["progress_kelurahan"]
    assert len(kel) == 15 and kel["households_target"].sum() == kec["households_target"].sum()
    reasons = t["progress_reasons"]
    kota = reasons[reasons["domain_level"] == "kota"].set_index("hasil_verifikasi")["households"]
    assert kota.sum() == len(hh) and kota["baru"] == (hh["hasil_verifikasi"] == "baru").sum()
    trans = t["decile_transitions"]
    assert trans["households"].sum() == len(hh)
    tetap = hh[hh["hasil_verifikasi"] == "tetap"]
    pair = trans[(trans["desil_before"] == "3") & (trans["desil_after"] == "3")]["households"].sum()
    assert pair == ((tetap["desil_nasional"] == 3) & (tetap["desil_verifikasi"] == 3)).sum()


# -- the whole stage on the fixture -------------------------------------------------------------

@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("clean")
    fx = make_fixture(root / "fx")
    hh = pd.read_csv(fx.path("registry/dtsen_keluarga.csv"), dtype=str)
    (fx.corrections / "dtsen_households.csv").write_text(
        "key_column,key_value,column,old_value,new_value,n_expected,reason,who\n"
        f"id_keluarga,{hh.loc[3, 'id_keluarga']},luas_lantai_m2,{hh.loc[3, 'luas_lantai_m2']},45,1,"
        "\"Tim kelurahan: luas lantai salah ketik, dicek ulang 12/11/2025\",RS\n"
        f"id_keluarga,{hh.loc[5, 'id_keluarga']},_drop,,,1,Keluarga fiktif hasil uji coba aplikasi,DW\n")
    mem = pd.read_csv(fx.path("registry/dtsen_anggota.csv"), dtype=str)
    n_mem = int((mem["id_keluarga"] == hh.loc[5, "id_keluarga"]).sum())
    pkey = Pseudonymiser(b"fixture-demo-key-not-secret").hash(mem["nik"].iloc[[0]], "person_key").iloc[0]
    (fx.corrections / "dtsen_members.csv").write_text(         # its members go too (else: FK fatal)
        "key_column,key_value,column,old_value,new_value,n_expected,reason,who\n"
        f"id_keluarga,{hh.loc[5, 'id_keluarga']},_drop,,,{n_mem},Keluarga fiktif hasil uji coba aplikasi,DW\n"
        f"person_key,{pkey},umur,{mem.loc[0, 'umur']},77,1,Umur dicek dengan KK,AH\n")
    cfg = load_config(fx.config)
    out = run_clean_stage(cfg, load_contracts(fx.contracts))
    return fx, cfg, out, hh


def test_fixture_run_is_clean_and_complete(fixture_run):
    fx, cfg, out, hh = fixture_run
    assert out.report.fatal == []
    assert set(out.tables) == {"dtsen_households", "dtsen_members", "susenas_2023", "susenas_2024",
                               "sakernas_2023", "sakernas_2024", "vacancies", "wilayah",
                               "poverty_lines"}
    assert {"cleaning_log", "validation_report", "progress_kecamatan", "progress_kelurahan", "progress_reasons",
            "decile_transitions", "input_files", "cleaning_summary"} <= set(out.clean)
    files = out.clean["input_files"]
    assert list(files.columns) == ["dataset", "file", "format", "encoding", "header_row", "sha256", "n_rows"]
    assert files.set_index("dataset").loc["susenas_2024", "format"] == "dta"


def test_no_pii_in_processed_tables(fixture_run):
    fx, cfg, out, hh = fixture_run
    contracts = load_contracts(fx.contracts)
    for name, df in out.tables.items():
        schema = contracts[cfg.input_schema(name)]
        assert not set(schema.pii_columns) & set(df.columns), name
    mem = out.tables["dtsen_members"]
    assert mem["person_key"].str.fullmatch(r"[0-9a-f]{16}").all() and mem["person_key"].is_unique
    assert mem["hh_key"].isin(out.tables["dtsen_households"]["hh_key"]).all()


def test_geography_and_registry_flags(fixture_run):
    fx, cfg, out, hh = fixture_run
    h = out.tables["dtsen_households"]
    assert h["kode_kel"].str.fullmatch(r"64\.74\.0[123]\.100[1-6]").all()
    assert (h["kode_kel"].str.slice(0, 8) == h["kode_kec"]).all()
    assert h["registry_verified"].tolist() == (h["status_verifikasi"] == "terverifikasi").tolist()
    m = out.tables["dtsen_members"]
    assert m["kode_kec"].notna().all() and m["registry_verified"].dtype == bool
    s = out.tables["susenas_2023"]
    bps_to_kec = {"6474010": "64.74.02", "6474020": "64.74.01", "6474030": "64.74.03"}
    assert (s["kode_kecamatan_bps"].map(bps_to_kec) == s["kode_kec"]).all()
    assert set(out.tables["vacancies"]["kode_kec"]) == {"64.74.01", "64.74.02", "64.74.03"}


def test_corrections_applied_and_logged(fixture_run):
    fx, cfg, out, hh = fixture_run
    log = out.clean["cleaning_log"]
    corr = log[(log["rule"] == "correction") & (log["dataset"] == "dtsen_households")].set_index("action")
    assert corr.loc["corrected", ["row", "column", "before", "after"]].tolist() == [
        5, "luas_lantai_m2", hh.loc[3, "luas_lantai_m2"], "45"]
    assert "Tim kelurahan" in corr.loc["corrected", "detail"] and "(RS;" in corr.loc["corrected", "detail"]
    assert corr.loc["dropped", "row"] == 7 and "(DW;" in corr.loc["dropped", "detail"]
    h = out.tables["dtsen_households"]
    assert len(h) == len(hh) - 1 and not h["id_keluarga"].eq(hh.loc[5, "id_keluarga"]).any()
    assert h.set_index("id_keluarga").loc[hh.loc[3, "id_keluarga"], "luas_lantai_m2"] == 45.0
    assert "correction" in h.set_index("id_keluarga").loc[hh.loc[3, "id_keluarga"], "qc_flags"]
    applied = out.clean["corrections_applied"]
    assert applied["dataset"].tolist() == ["dtsen_households", "dtsen_households", "dtsen_members", "dtsen_members"]
    assert applied["n_rows"].tolist()[:2] == [1, 1] and applied["n_rows"].tolist()[2] >= 1


def test_correction_of_an_integer_column_keyed_by_pseudonym(fixture_run):
    """A person is corrected through the person_key of the log, never by NIK; Int64 keeps the value."""
    fx, cfg, out, hh = fixture_run
    log = out.clean["cleaning_log"]
    r = log[(log["dataset"] == "dtsen_members") & (log["column"] == "umur") & (log["rule"] == "correction")]
    assert len(r) == 1 and r["after"].iloc[0] == "77" and r["row"].iloc[0] == 2
    m = out.tables["dtsen_members"].set_index("person_key")
    assert m.loc[r["row_key"].iloc[0], "umur"] == 77 and str(m["umur"].dtype) == "Int64"


def test_cleaning_log_has_no_identifiers(fixture_run):
    fx, cfg, out, hh = fixture_run
    log = out.clean["cleaning_log"]
    assert list(log.columns) == rules.LOG_COLUMNS
    mem = pd.read_csv(fx.path("registry/dtsen_anggota.csv"), dtype=str)
    text = log.to_csv(index=False)
    assert not any(n in text for n in mem["nik"]) and not any(k in text for k in hh["no_kk"])


def test_outputs_are_deterministic(fixture_run, tmp_path, monkeypatch):
    fx, cfg, out, hh = fixture_run
    trees = []
    for i in range(2):
        monkeypatch.setenv("ANALYSIS_OUTPUT_DIR", str(tmp_path / f"o{i}"))
        write_clean_outputs(run_clean_stage(cfg, load_contracts(fx.contracts)), cfg)
        trees.append({**tree_hash(tmp_path / f"o{i}" / "data" / "processed"),
                      **{f"restricted/{k}": v for k, v in tree_hash(tmp_path / f"o{i}" / "restricted").items()}})
    assert trees[0] == trees[1]
    assert "2024/dtsen_members.parquet" in trees[0] and "2024/clean/cleaning_by_kecamatan.csv" in trees[0]
    # row-level side outputs go to the restricted tier only
    for name in ("cleaning_log.csv", "corrections_applied.csv", "validation_detail.csv", "validation_report.md"):
        assert f"restricted/2024/clean/{name}" in trees[0] and f"2024/clean/{name}" not in trees[0], name


def test_cleaning_is_vectorised(fixture_run, monkeypatch):
    """No row-wise apply/iterrows anywhere in the stage (the benchmark size would not finish)."""
    fx, cfg, out, hh = fixture_run

    def forbidden(*a, **k):
        raise AssertionError("row-wise DataFrame.apply / iterrows / Series.apply used in stage 01")
    monkeypatch.setattr(pd.DataFrame, "apply", forbidden)
    monkeypatch.setattr(pd.DataFrame, "iterrows", forbidden)
    monkeypatch.setattr(pd.Series, "apply", forbidden)
    run_clean_stage(cfg, load_contracts(fx.contracts))


def test_raw_files_untouched(fixture_run):
    fx, cfg, out, hh = fixture_run
    for r in out.clean["input_files"].itertuples():
        p = paths.resolve(r.file) if not os.path.isabs(r.file) else r.file
        assert hashlib.sha256(open(p, "rb").read()).hexdigest() == r.sha256


# -- demo data (once the generator has written it) ----------------------------------------------

DEMO = paths.CONFIG_DIR / "demo-2024.yaml"


@pytest.mark.slow
def test_demo_data_clean_stage(output_dir):
    """The demo passes validation, every fault the generator injected is caught by the rule meant
    for it, and the clean/ tables pass the brief's privacy gate."""
    cfg = load_config(DEMO)
    missing = [n for n in cfg.inputs if not cfg.input_path(n).is_file()]
    if missing:
        pytest.skip(f"demo data not generated yet: {missing[:3]}")
    out = run_clean_stage(cfg)
    write_clean_outputs(out, cfg)
    kec = out.clean["progress_kecamatan"]
    assert kec["kode_kec"].tolist() == ["64.74.01", "64.74.02", "64.74.03"]
    for name, df in out.tables.items():
        assert not {"nik", "nama", "no_kk", "nama_kepala_keluarga", "alamat"} & set(df.columns), name

    faults_file = paths.ROOT / "data" / "truth" / "demo" / "injected_faults.csv"
    if faults_file.is_file():
        f = pd.read_csv(faults_file, dtype=str, keep_default_na=False)
        n = f.groupby(["dataset", "fault"]).size()
        log = out.clean["cleaning_log"]
        c = log.groupby(["dataset", "rule", "action"]).size()
        nik_faults = n.loc["dtsen_members"].filter(like="nik_").sum()
        assert c.loc[("dtsen_members", "nik_structure", "flagged")] >= nik_faults
        assert c.loc[("dtsen_households", "kelurahan_name", "recoded")] >= (
            n.loc[("dtsen_households", "kelurahan_variant")] + n.loc[("dtsen_households", "kelurahan_case_space")])
        assert c.loc[("dtsen_households", "duplicate_rows", "dropped")] == n.loc[("dtsen_households", "duplicate_row")]
        assert c.loc[("dtsen_members", "duplicate_rows", "dropped")] == n.loc[("dtsen_members", "duplicate_row")]
        ages = log[(log["dataset"] == "dtsen_members") & (log["column"] == "umur")]
        assert len(ages) >= n.loc[("dtsen_members", "umur_tidak_mungkin")]          # set missing or corrected
        heads = log[log["before"] == "head_under_10"]
        assert len(heads) + (ages["rule"] == "correction").sum() >= n.loc[("dtsen_members", "kepala_umur_7")]
        for ds in ("sakernas_2023", "sakernas_2024"):
            assert c.get((ds, "set_missing", "set_missing"), 0) == n.loc[(ds, "jam_kerja_tidak_mungkin")]
        for ds in ("susenas_2023", "susenas_2024"):
            touched = log[(log["dataset"] == ds) & (log["column"] == "pengeluaran_kapita")]
            # every injected x100 entry is changed; genuinely high (not injected) values of a
            # realistic welfare distribution may only be flagged, never changed
            fixed = touched[touched["action"] != "flagged"]
            assert len(fixed) == n.loc[(ds, "pengeluaran_x100")]

    import importlib.util
    if importlib.util.find_spec("analysis.brief.privacy") is not None:
        r = subprocess.run([sys.executable, "-m", "analysis.brief.privacy", "--config", str(DEMO),
                            str(paths.stage_dir(cfg.period, "clean"))], capture_output=True, text=True,
                           cwd=paths.ROOT, env={**os.environ})
        assert r.returncode == 0, r.stdout + r.stderr
