"""A small, valid raw folder with its own contracts, for the tests of stage 01.

The tests of the cleaning stage must not depend on the demo generator or on the production
contracts (both change independently), so they build this fixture in a temporary folder and inject
one fault at a time. Everything is synthetic: names are placeholders and NIKs follow the
structure of ``docs/methods.md`` §8 with serials from 9000, not real people.

``make_fixture(tmp_path)`` returns a :class:`Fixture` with the paths of the config, contracts,
raw folder and corrections folder.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

WILAYAH_CSV = """kemendagri_code,name,level,parent_code,bps_code,name_variants,population_2024
64,Kalimantan Timur,provinsi,,,Kaltim,
64.74,Kota Bontang,kota,64,,Bontang,18750
64.74.01,Bontang Utara,kecamatan,64.74,6474020,,6900
64.74.01.1001,Bontang Kuala,kelurahan,64.74.01,,,
64.74.01.1002,Bontang Baru,kelurahan,64.74.01,,,
64.74.01.1003,Lok Tuan,kelurahan,64.74.01,,Loktuan,
64.74.01.1004,Guntung,kelurahan,64.74.01,,,
64.74.01.1005,Gunung Elai,kelurahan,64.74.01,,Guntung Elai,
64.74.01.1006,Api-Api,kelurahan,64.74.01,,Api-api,
64.74.02,Bontang Selatan,kecamatan,64.74,6474010,,8500
64.74.02.1001,Tanjung Laut,kelurahan,64.74.02,,,
64.74.02.1002,Berbas Tengah,kelurahan,64.74.02,,Berebas Tengah;Berbas Tangah,
64.74.02.1003,Berbas Pantai,kelurahan,64.74.02,,,
64.74.02.1004,Satimpo,kelurahan,64.74.02,,,
64.74.02.1005,Bontang Lestari,kelurahan,64.74.02,,,
64.74.02.1006,Tanjung Laut Indah,kelurahan,64.74.02,,,
64.74.03,Bontang Barat,kecamatan,64.74,6474030,,3350
64.74.03.1001,Belimbing,kelurahan,64.74.03,,,
64.74.03.1002,Gunung Telihan,kelurahan,64.74.03,,,
64.74.03.1003,Kanaan,kelurahan,64.74.03,,,
"""

POVERTY_LINES_CSV = "year,garis_kemiskinan_rp\n2023,763661\n2024,801945\n"

EDUCATION = ["tidak_sekolah", "belum_tamat_sd", "sd", "smp", "sma", "smk", "diploma", "universitas"]

CONTRACTS = {
    "reference.yaml": {"schemas": {"wilayah": {
        "title": "Wilayah (fixture)", "primary_key": ["kemendagri_code"],
        "columns": {
            "kemendagri_code": {"type": "string", "nullable": False},
            "name": {"type": "string", "nullable": False},
            "level": {"type": "string", "allowed": ["provinsi", "kota", "kecamatan", "kelurahan"]},
            "parent_code": {"type": "string"},
            "bps_code": {"type": "string"},
            "name_variants": {"type": "string"},
            "population_2024": {"type": "integer", "min": 0},
        }},
        "poverty_lines": {
            "title": "Poverty lines (fixture)", "primary_key": ["year"],
            "columns": {
                "year": {"type": "string", "nullable": False, "pattern": r"^\d{4}$"},
                "garis_kemiskinan_rp": {"type": "integer", "min": 1},
            }}}},
    "registry.yaml": {"schemas": {
        "dtsen_households": {
            "title": "DTSEN families (fixture)", "grain": "one row per family", "primary_key": ["id_keluarga"],
            "columns": {
                "id_keluarga": {"type": "string", "nullable": False, "pseudonymise": "hh_key"},
                "no_kk": {"type": "string", "pii": True},
                "nama_kepala_keluarga": {"type": "string", "pii": True},
                "kecamatan_nama": {"type": "string", "cleaning": "kecamatan_name"},
                "kelurahan_nama": {"type": "string", "nullable": False, "cleaning": "kelurahan_name",
                                   "severity": "warn"},
                "jumlah_anggota": {"type": "integer", "min": 1, "max": 30},
                "luas_lantai_m2": {"type": "float", "min": 1, "max": 2000},
                "desil_nasional": {"type": "integer", "min": 1, "max": 10},
                "desil_verifikasi": {"type": "integer", "min": 1, "max": 10},
                "status_verifikasi": {"type": "category", "allowed": ["terverifikasi", "belum_diverifikasi"]},
                "hasil_verifikasi": {"type": "category", "allowed": ["tetap", "baru", "pindah", "meninggal",
                                                                     "ganda", "tidak_ditemukan"]},
                "tanggal_verifikasi": {"type": "date"},
                "penerima_pkh": {"type": "flag"},
            }},
        "dtsen_members": {
            "title": "DTSEN members (fixture)", "grain": "one row per person", "primary_key": ["nik"],
            "foreign_keys": [{"columns": ["id_keluarga"], "references": "dtsen_households",
                              "ref_columns": ["id_keluarga"]}],
            "columns": {
                "nik": {"type": "string", "pii": True, "pseudonymise": "person_key", "nullable": False,
                        "pattern": r"^\d{16}$", "cleaning": "nik_structure"},
                "id_keluarga": {"type": "string", "nullable": False, "pseudonymise": "hh_key"},
                "nama": {"type": "string", "pii": True},
                "hubungan_kk": {"type": "integer", "allowed": [1, 2, 3, 4, 5, 6, 7, 8]},
                "jenis_kelamin": {"type": "string", "allowed": {"1": "laki-laki", "2": "perempuan"}},
                "tanggal_lahir": {"type": "date", "pii": True},
                "umur": {"type": "integer", "min": 0, "max": 115, "severity": "warn", "cleaning": "age_relation"},
                "pendidikan": {"type": "category", "allowed": EDUCATION},
                "status_bekerja": {"type": "flag"},
            }},
    }},
    "susenas.yaml": {"schemas": {"susenas_kp": {
        "title": "Susenas KP (fixture)", "primary_key": ["id_rt"],
        "columns": {
            "tahun": {"type": "integer"},
            "id_rt": {"type": "string", "nullable": False},
            "kode_kecamatan_bps": {"type": "string", "allowed": ["6474010", "6474020", "6474030"]},
            "kode_kelurahan": {"type": "string", "allowed_ref": "wilayah.kemendagri_code[level=kelurahan]"},
            "psu": {"type": "string"},
            "bobot": {"type": "float", "nullable": False, "min": 0},
            "jumlah_art": {"type": "integer", "min": 1},
            "pengeluaran_kapita": {"type": "float", "min": 0},
            "pengeluaran_makanan_kapita": {"type": "float", "min": 0},
            "pendidikan_krt": {"type": "category", "allowed": EDUCATION},
        }}}},
    "sakernas.yaml": {"schemas": {"sakernas": {
        "title": "Sakernas (fixture)", "primary_key": ["id_rt", "id_art"],
        "columns": {
            "tahun": {"type": "integer"},
            "id_rt": {"type": "string", "nullable": False},
            "id_art": {"type": "string", "nullable": False},
            "kode_kecamatan_bps": {"type": "string", "allowed": ["6474010", "6474020", "6474030"]},
            "kode_kelurahan": {"type": "string", "allowed_ref": "wilayah.kemendagri_code[level=kelurahan]"},
            "bobot": {"type": "float", "nullable": False, "min": 0},
            "jenis_kelamin": {"type": "string", "allowed": ["1", "2"]},
            "umur": {"type": "integer", "min": 10, "max": 110},
            "bekerja_seminggu": {"type": "flag"},
        }}}},
    "disnaker.yaml": {"schemas": {"vacancies": {
        "title": "Lowongan (fixture, xlsx with title rows)", "primary_key": ["id_lowongan"],
        "columns": {
            "id_lowongan": {"type": "string", "nullable": False},
            "tanggal": {"type": "date"},
            "kode_kecamatan_bps": {"type": "string", "allowed": ["6474010", "6474020", "6474030"]},
            "jabatan": {"type": "string"},
            "jumlah": {"type": "integer", "min": 1},
        }}}},
}

KEL = [line.split(",")[0] for line in WILAYAH_CSV.splitlines() if line.split(",")[0].count(".") == 3]
KEL_NAME = {line.split(",")[0]: line.split(",")[1] for line in WILAYAH_CSV.splitlines()[1:]}
BPS_OF_KEC = {"64.74.01": "6474020", "64.74.02": "6474010", "64.74.03": "6474030"}


@dataclass(frozen=True)
class Fixture:
    root: Path
    config: Path
    contracts: Path
    raw: Path
    corrections: Path

    def path(self, rel: str) -> Path:
        return self.raw / rel

    def copy_to(self, dest: Path) -> "Fixture":
        """A copy of the fixture under ``dest`` with its config pointing at the copy."""
        import shutil

        dest = Path(dest)
        shutil.copytree(self.root, dest)
        cfg = yaml.safe_load((dest / "config.yaml").read_text(encoding="utf-8"))
        cfg["raw_dir"] = str(dest / "raw")
        cfg["corrections_dir"] = str(dest / "corrections")
        (dest / "config.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
        return Fixture(root=dest, config=dest / "config.yaml", contracts=dest / "contracts", raw=dest / "raw",
                       corrections=dest / "corrections")


def households_members(n_households: int = 40, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Synthetic families and members (vectorised; used by the fixture and the tests)."""
    rng = np.random.default_rng(seed)
    n = n_households
    ids = np.array([f"KLG{i:07d}" for i in range(1, n + 1)])
    kel = np.array(KEL)[np.arange(n) % len(KEL)]
    kec = np.array([k[:8] for k in kel])
    kec_name = np.array([KEL_NAME[k] for k in kec])
    kel_name = np.array([KEL_NAME[k] for k in kel])
    size = rng.integers(1, 6, n)
    verified = rng.random(n) < 0.8
    hasil = np.where(verified, rng.choice(["tetap", "tetap", "tetap", "baru", "pindah", "meninggal", "ganda",
                                           "tidak_ditemukan"], n), "")
    d_nas = rng.integers(1, 8, n)
    d_ver = np.where(verified & np.isin(hasil, ["tetap", "baru"]), np.clip(d_nas + rng.integers(-1, 2, n), 1, 10), 0)
    hh = pd.DataFrame({
        "id_keluarga": ids,
        "no_kk": [f"6474{i:012d}" for i in range(1, n + 1)],
        "nama_kepala_keluarga": [f"Kepala {i}" for i in range(1, n + 1)],
        "kecamatan_nama": kec_name,
        "kelurahan_nama": kel_name,
        "jumlah_anggota": size,
        "luas_lantai_m2": np.round(rng.uniform(20, 120, n), 1),
        "desil_nasional": d_nas,
        "desil_verifikasi": np.where(d_ver > 0, d_ver.astype(str), ""),
        "status_verifikasi": np.where(verified, "terverifikasi", "belum_diverifikasi"),
        "hasil_verifikasi": hasil,
        "tanggal_verifikasi": np.where(verified, "2025-10-15", ""),
        "penerima_pkh": rng.integers(0, 2, n),
    })
    fam = np.repeat(np.arange(n), size)
    pos = np.concatenate([np.arange(s) for s in size])
    m = len(fam)
    rel = np.where(pos == 0, 1, np.where(pos == 1, 2, 3))
    head_age = rng.integers(30, 70, n)
    age = np.where(rel == 1, head_age[fam], np.where(rel == 2, head_age[fam] - 2, rng.integers(0, 25, m)))
    sex = np.where(rel == 1, "1", np.where(rel == 2, "2", rng.choice(["1", "2"], m)))
    day = rng.integers(1, 29, m) + np.where(sex == "2", 40, 0)
    month = rng.integers(1, 13, m)
    birth_year = 2024 - age
    nik = [f"647401{d:02d}{mo:02d}{y % 100:02d}{9000 + i:04d}" for i, (d, mo, y) in
           enumerate(zip(day, month, birth_year))]
    members = pd.DataFrame({
        "nik": nik,
        "id_keluarga": ids[fam],
        "nama": [f"Anggota {i}" for i in range(m)],
        "hubungan_kk": rel,
        "jenis_kelamin": sex,
        "tanggal_lahir": [f"{y}-{mo:02d}-{(d - 40 if d > 40 else d):02d}" for d, mo, y in zip(day, month, birth_year)],
        "umur": age,
        "pendidikan": rng.choice(EDUCATION, m),
        "status_bekerja": rng.integers(0, 2, m),
    })
    return hh, members


def susenas(n: int = 60, year: int = 2024, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed + year)
    kel = np.array(KEL)[rng.integers(0, len(KEL), n)]
    x = np.exp(rng.normal(np.log(1_500_000), 0.5, n)).round(0)
    return pd.DataFrame({
        "tahun": year,
        "id_rt": [f"RT{year}{i:05d}" for i in range(1, n + 1)],
        "kode_kecamatan_bps": [BPS_OF_KEC[k[:8]] for k in kel],
        "kode_kelurahan": kel,
        "psu": [f"PSU{i % 12:03d}" for i in range(n)],
        "bobot": rng.uniform(50, 150, n).round(3),
        "jumlah_art": rng.integers(1, 7, n),
        "pengeluaran_kapita": x,
        "pengeluaran_makanan_kapita": (x * rng.uniform(0.4, 0.6, n)).round(0),
        "pendidikan_krt": rng.choice(EDUCATION, n),
    })


def sakernas(n: int = 80, year: int = 2024, seed: int = 13) -> pd.DataFrame:
    rng = np.random.default_rng(seed + year)
    kel = np.array(KEL)[rng.integers(0, len(KEL), n)]
    return pd.DataFrame({
        "tahun": year,
        "id_rt": [f"SR{year}{i // 3:05d}" for i in range(n)],
        "id_art": [f"{i % 3 + 1:02d}" for i in range(n)],
        "kode_kecamatan_bps": [BPS_OF_KEC[k[:8]] for k in kel],
        "kode_kelurahan": kel,
        "bobot": rng.uniform(50, 150, n).round(3),
        "jenis_kelamin": rng.choice(["1", "2"], n),
        "umur": rng.integers(10, 80, n),
        "bekerja_seminggu": rng.integers(0, 2, n),
    })


def vacancies(n: int = 12) -> pd.DataFrame:
    return pd.DataFrame({
        "id_lowongan": [f"LOW-{i:04d}" for i in range(1, n + 1)],
        "tanggal": pd.date_range("2024-01-05", periods=n, freq="7D"),
        "kode_kecamatan_bps": (["6474010", "6474020", "6474030"] * n)[:n],
        "jabatan": ["Operator produksi", "Teknisi listrik", "Juru las"] * (n // 3) + ["Kasir"] * (n % 3),
        "jumlah": np.arange(1, n + 1),
    })


def write_xlsx_with_titles(df: pd.DataFrame, path: Path, titles: list[str]) -> None:
    """An xlsx sheet as offices send it: title rows, a blank row, then the table."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Lowongan"
    for t in titles:
        ws.append([t])
    ws.append([])
    ws.append(list(df.columns))
    for row in df.itertuples(index=False):
        ws.append([v.to_pydatetime() if hasattr(v, "to_pydatetime") else (v.item() if hasattr(v, "item") else v)
                   for v in row])
    wb.save(path)


def write_config(root: Path, raw: Path, corrections: Path | None, inputs: dict, **extra) -> Path:
    cfg = {
        "period": "2024", "previous_period": "2023", "synthetic": True, "raw_dir": str(raw),
        "corrections_dir": str(corrections) if corrections else None, "languages": ["id", "en"],
        "seed": 1, "pseudonym_key_env": "BONTANG_PSEUDONYM_KEY_TEST",
        "demo_pseudonym_key": "fixture-demo-key-not-secret", "privacy": {"suppression_min_count": 3},
        "inputs": inputs, **extra,
    }
    if cfg["corrections_dir"] is None:
        del cfg["corrections_dir"]
    path = root / "config.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    return path


def make_fixture(root: Path, n_households: int = 40) -> Fixture:
    """Write contracts, raw files (csv, dta, xlsx with title rows) and a config under ``root``."""
    import pyreadstat

    root = Path(root)
    contracts = root / "contracts"
    raw = root / "raw"
    corrections = root / "corrections"
    for d in (contracts, raw / "registry", raw / "susenas", raw / "sakernas", raw / "reference", raw / "disnaker",
              corrections):
        d.mkdir(parents=True, exist_ok=True)
    for name, spec in CONTRACTS.items():
        (contracts / name).write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    (raw / "reference" / "wilayah_bontang.csv").write_text(WILAYAH_CSV, encoding="utf-8")
    (raw / "reference" / "poverty_lines.csv").write_text(POVERTY_LINES_CSV, encoding="utf-8")
    hh, mem = households_members(n_households)
    hh.to_csv(raw / "registry" / "dtsen_keluarga.csv", index=False)
    mem.to_csv(raw / "registry" / "dtsen_anggota.csv", index=False)
    susenas(year=2023).to_csv(raw / "susenas" / "susenas_kp_maret_2023.csv", index=False)
    pyreadstat.write_dta(susenas(year=2024), str(raw / "susenas" / "susenas_kp_maret_2024.dta"))
    sakernas(year=2023).to_csv(raw / "sakernas" / "sakernas_agustus_2023.csv", index=False)
    sakernas(year=2024).to_csv(raw / "sakernas" / "sakernas_agustus_2024.csv", index=False)
    write_xlsx_with_titles(vacancies(), raw / "disnaker" / "lowongan_2024.xlsx",
                           ["DINAS KETENAGAKERJAAN KOTA BONTANG", "Rekap lowongan kerja 2024"])
    inputs = {
        "dtsen_households": {"file": "registry/dtsen_keluarga.csv", "schema": "dtsen_households"},
        "dtsen_members": {"file": "registry/dtsen_anggota.csv", "schema": "dtsen_members"},
        "susenas_2023": {"file": "susenas/susenas_kp_maret_2023.csv", "schema": "susenas_kp"},
        "susenas_2024": {"file": "susenas/susenas_kp_maret_2024.dta", "schema": "susenas_kp"},
        "sakernas_2023": {"file": "sakernas/sakernas_agustus_2023.csv", "schema": "sakernas"},
        "sakernas_2024": {"file": "sakernas/sakernas_agustus_2024.csv", "schema": "sakernas"},
        "vacancies": {"file": "disnaker/lowongan_2024.xlsx", "schema": "vacancies"},
        "wilayah": {"file": "reference/wilayah_bontang.csv", "schema": "wilayah"},
        "poverty_lines": {"file": "reference/poverty_lines.csv", "schema": "poverty_lines"},
    }
    # the fixture's weights are random: its populations (WILAYAH_CSV) are set near the two years'
    # weighted totals, and its Sakernas represents about 42 % of them
    config = write_config(root, raw, corrections, inputs,
                          preflight={"weight_total_tolerance": 0.3, "surveys": {"sakernas": {"population_share": 0.42}}})
    return Fixture(root=root, config=config, contracts=contracts, raw=raw, corrections=corrections)


def tree_hash(root: Path) -> dict[str, str]:
    """``{relative path: sha256}`` of every file under ``root`` (empty if absent), plus folders."""
    import hashlib

    root = Path(root)
    out: dict[str, str] = {}
    if not root.exists():
        return out
    for p in sorted(root.rglob("*")):
        rel = str(p.relative_to(root))
        out[rel] = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "<dir>"
    return out


def edit_csv(path: Path, fn) -> None:
    """Rewrite a fixture CSV through ``fn(DataFrame) -> DataFrame`` (all columns as text)."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    fn(df).to_csv(path, index=False)


def run_clean(fx: Fixture, config: Path | None = None):
    """Run stage 01 on a fixture (or another config) and write its outputs, as the notebook does."""
    from analysis.cleaning import run_clean_stage, write_clean_outputs
    from analysis.config import load_config
    from analysis.contracts import load_contracts

    cfg = load_config(config or fx.config)
    out = run_clean_stage(cfg, load_contracts(fx.contracts))
    write_clean_outputs(out, cfg)
    return out


def built_template(root: Path) -> tuple[Fixture, Path]:
    """One valid fixture under ``root/fx`` and one successful stage-01 release in ``root/out``
    (``ANALYSIS_OUTPUT_DIR`` set only for that run), for fault tests to copy."""
    import os

    fx = make_fixture(root / "fx")
    out = root / "out"
    env = os.environ.get("ANALYSIS_OUTPUT_DIR")
    os.environ["ANALYSIS_OUTPUT_DIR"] = str(out)
    try:
        run_clean(fx)
    finally:
        if env is None:
            del os.environ["ANALYSIS_OUTPUT_DIR"]
        else:
            os.environ["ANALYSIS_OUTPUT_DIR"] = env
    return fx, out
