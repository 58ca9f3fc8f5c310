"""The synthetic population of Kota Bontang: households, persons and their true values.

Everything is vectorised (no Python loop over households or persons; the loops that remain run
over the 15 kelurahan, the 9 strata or a handful of categories), so the same code builds the
published 2024 city (191,811 persons) in a few seconds and a Kalimantan-Timur-size population
(``n_persons=4_123_303``) within a minute.

The population is **static** between 2023 and 2024: the same households and persons (ages are
computed at each survey's reference date from the birth dates), with year-specific consumption
(a permanent component plus a yearly shock) and year-specific labour activity (latent variables
with persistence). One household is one family (one Kartu Keluarga); multi-family households are
not simulated. Both are SYNTHETIC simplifications, documented in ``data/truth/demo/README.md``.

Randomness: one ``numpy.random.SeedSequence(seed)`` spawns a child per build component
(:data:`COMPONENTS`, append-only), and the population's child spawns one generator per part
(:data:`POPULATION_PARTS`, append-only), so adding a component or a part never shifts the
draws of the others.
"""
from __future__ import annotations

from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy.special import expit, logit, ndtr

from analysis import paths
from analysis.codes import education_codes, education_groups
from analysis.synth import reference as ref

DEFAULT_CONFIG = paths.CONFIG_DIR / "synth-demo.yaml"

COMPONENTS = ("population", "registry", "susenas_2023", "susenas_2024", "sakernas_2023",
              "sakernas_2024", "dirt", "disnaker")
"""Build components, each with its own child of ``SeedSequence(seed)``. Append only."""
POPULATION_PARTS = ("geography", "households", "demography", "education", "labour", "welfare",
                    "housing", "pmt", "bansos", "identity", "sex_fix", "registry_coverage",
                    "welfare_unobserved")
"""Parts of the population build, each with its own generator. Append only."""

YEARS = (2023, 2024)
EDUCATION = education_codes()
EDU_YEARS = np.array([0, 3, 6, 9, 12, 12, 14, 16], dtype=np.int8)
EDUCATION_GROUP = education_groups()
RELATION = {1: "kepala", 2: "istri_suami", 3: "anak", 4: "menantu", 5: "cucu",
            6: "orang_tua_mertua", 7: "famili_lain", 8: "lainnya"}
KBLI = tuple("ABCDEFGHIJKLMNOPQRSTU")
KEGIATAN = ("bekerja", "sekolah", "mengurus_rumah_tangga", "lainnya")
ALASAN = ("", "putus_asa", "sudah_diterima", "sekolah", "mengurus_rumah_tangga", "lainnya")
LABOUR_STATUS = ("bukan_usia_kerja", "bekerja", "pengangguran", "bukan_angkatan_kerja")

# Housing and asset variables: categories ordered from the poorest to the richest, with the
# SYNTHETIC marginal shares of households (the ordinal ones are cut from a welfare latent).
HOUSING = {
    "jenis_lantai": (("tanah", "kayu_papan", "semen", "keramik", "marmer_granit"),
                     (0.01, 0.12, 0.12, 0.72, 0.03)),
    "jenis_dinding": (("bambu_lainnya", "kayu_papan", "setengah_tembok", "tembok"),
                      (0.015, 0.17, 0.065, 0.75)),
    "sumber_air_minum": (("sumur_tak_terlindung", "air_hujan", "sumur_terlindung", "sumur_bor",
                          "ledeng_pdam", "air_isi_ulang", "air_kemasan_bermerk"),
                         (0.01, 0.02, 0.04, 0.06, 0.25, 0.55, 0.07)),
    "fasilitas_bab": (("tidak_ada", "umum", "bersama", "sendiri"), (0.005, 0.015, 0.05, 0.93)),
    "sumber_penerangan": (("non_pln", "pln_450va", "pln_900va", "pln_1300va", "pln_2200va_lebih"),
                          (0.003, 0.08, 0.35, 0.32, 0.247)),
    "bahan_bakar_masak": (("kayu_bakar", "minyak_tanah", "lpg_3kg", "lpg_5_12kg", "listrik"),
                          (0.005, 0.005, 0.75, 0.20, 0.04)),
}
STATUS_RUMAH = ("milik_sendiri", "kontrak_sewa", "bebas_sewa", "dinas")
ASSETS = {"punya_motor": 0.86, "punya_mobil": 0.28, "punya_kulkas": 0.82, "punya_ac": 0.35,
          "punya_laptop": 0.40}
ASSET_LOADING = {"punya_motor": 0.9, "punya_mobil": 1.6, "punya_kulkas": 1.2, "punya_ac": 1.6,
                 "punya_laptop": 1.4}

# KBLI 2020 section probabilities (percent, normalised) of the main job: SYNTHETIC, shaped on
# Bontang's industrial base (manufacturing, construction, trade; services ~70 % of workers).
_KBLI_TABLE = {
    "formal_m":   dict(A=1, B=6, C=24, D=2, E=1, F=12, G=6, H=9, I=2, J=2, K=2, L=1, M=3, N=9, O=9, P=4, Q=2, R=0.5, S=2),
    "formal_f":   dict(A=0.5, B=2, C=9, D=1, E=1, F=3, G=14, H=4, I=7, J=3, K=6, L=1, M=4, N=7, O=12, P=16, Q=11, R=0.5, S=3, T=2),
    "informal_m": dict(A=12, B=1, C=6, E=1, F=14, G=28, H=12, I=8, J=1, L=1, M=1, N=2, P=1, Q=0.5, R=1, S=8, T=0.5),
    "informal_f": dict(A=4, C=9, F=1, G=42, H=1, I=22, J=1, L=0.5, M=1, N=1, P=3, Q=1, R=1, S=10, T=3.5),
}
# KBJI 2014 major group (0-9) by education group: SYNTHETIC.
_KBJI_TABLE = {
    "sd_kebawah":  [0, 0.5, 0, 1, 2, 28, 10, 18, 10, 30.5],
    "smp":         [0, 1, 0, 2, 4, 30, 6, 20, 15, 22],
    "sma":         [2, 2, 1, 8, 16, 30, 3, 14, 14, 10],
    "smk":         [1.5, 2, 1, 14, 12, 20, 2, 24, 17, 6.5],
    "diploma":     [1, 4, 20, 35, 15, 10, 0.5, 7, 5, 2.5],
    "universitas": [1, 10, 45, 20, 12, 7, 0.5, 2, 1.5, 1],
}
_EDU_GROUP_INDEX = np.array([0, 0, 0, 1, 2, 3, 4, 5])   # EDUCATION index -> _KBJI_TABLE row
# Informal sub-status (1, 2, 5, 6, 7) by sex.
_INFORMAL_STATUS = {"m": [0.46, 0.15, 0.02, 0.27, 0.10], "f": [0.45, 0.10, 0.01, 0.06, 0.38]}

FIRST_NAMES_M = ("Ahmad", "Muhammad", "Budi", "Agus", "Andi", "Rudi", "Hendra", "Joko", "Dedi", "Eko",
                 "Fajar", "Rizki", "Arif", "Bambang", "Hasan", "Ilham", "Irfan", "Yusuf", "Syahrul",
                 "Wahyu", "Dimas", "Bayu", "Rahmat", "Taufik", "Firman", "Gilang", "Aldi", "Rian",
                 "Sigit", "Teguh", "Hamzah", "Faisal", "Aswin", "Anwar", "Darman", "Slamet",
                 "Ridwan", "Zainal", "Herman", "Kurniawan")
FIRST_NAMES_F = ("Siti", "Nur", "Dewi", "Sri", "Rina", "Fitri", "Wulan", "Ayu", "Putri", "Rahma",
                 "Indah", "Lestari", "Yuliana", "Nurul", "Aisyah", "Fatimah", "Ratna", "Dian",
                 "Mega", "Novi", "Sari", "Anisa", "Kartini", "Suryani", "Hasnah", "Hartati",
                 "Murni", "Rosmini", "Halimah", "Zahra", "Nabila", "Intan", "Eka", "Wati",
                 "Yanti", "Rosita", "Marlina", "Nurhayati", "Salma", "Citra")
SECOND_NAMES = ("Saputra", "Hidayat", "Rahman", "Wijaya", "Pratama", "Santoso", "Setiawan",
                "Kurnia", "Syahputra", "Ramadhan", "Nugroho", "Hakim", "Gunawan", "Firdaus",
                "Maulana", "Permana", "Hasanuddin", "Baso", "Daeng", "Lamba", "Rusdi", "Amir",
                "Sulaiman", "Tahir", "Latif", "Husain", "Mansyur", "Suryadi", "Effendi", "Harahap",
                "Siregar", "Kusuma", "Anggraini", "Handayani", "Wahyuni", "Rahayu", "Safitri",
                "Utami", "Puspita", "Marwah")
STREETS = ("Melati", "Mawar", "Kenanga", "Cempaka", "Flamboyan", "Anggrek", "Kamboja", "Dahlia",
           "Teratai", "Seroja", "Cendana", "Meranti", "Ulin", "Bengkirai", "Kapur", "Jati", "Mahoni",
           "Rambutan", "Durian", "Manggis", "Nangka", "Pelabuhan", "Pesisir", "Bahari", "Nelayan",
           "Merdeka", "Pemuda", "Pramuka", "Kenari", "Rajawali", "Elang", "Merpati", "Kutilang",
           "Gelatik", "Nuri", "Belibis", "Camar", "Cucak Rawa", "Sawo", "Kelapa")
STREETS_APOSTROPHE = ("Gg. Ma’arif", "Gg. Nur’aini", "Gg. Sa’adah", "Gg. Baitul Ma’mur")


# --------------------------------------------------------------------------- config and seeds
def load_synth_config(config=None) -> dict:
    """Read the generator configuration (a path, a dict, or ``None`` for the demo file)."""
    if isinstance(config, dict):
        return config
    path = paths.resolve(config) if config is not None else DEFAULT_CONFIG
    with open(path, encoding="utf-8") as fh:
        cfg = yaml.safe_load(fh)
    if not isinstance(cfg, dict) or "seed" not in cfg:
        raise ValueError(f"{path}: not a synth configuration (no 'seed')")
    cfg["_path"] = str(path)
    return cfg


def component_seed(seed: int, name: str) -> np.random.SeedSequence:
    """Child seed sequence of one build component (``SeedSequence(seed).spawn``)."""
    if name not in COMPONENTS:
        raise KeyError(f"unknown component {name!r}; add it at the end of COMPONENTS")
    return np.random.SeedSequence(int(seed)).spawn(len(COMPONENTS))[COMPONENTS.index(name)]


def component_rng(seed: int, name: str) -> np.random.Generator:
    """Independent generator of one build component."""
    return np.random.default_rng(component_seed(seed, name))


# --------------------------------------------------------------------------- small helpers
def allocate(total: int, weights) -> np.ndarray:
    """Integer allocation of ``total`` proportional to ``weights`` (largest remainder)."""
    w = np.asarray(weights, dtype=float)
    raw = total * w / w.sum()
    out = np.floor(raw).astype(np.int64)
    rest = int(total - out.sum())
    if rest:
        order = np.argsort(-(raw - out), kind="stable")
        out[order[:rest]] += 1
    return out


def draw_by_group(rng: np.random.Generator, group: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Categorical draw per row: ``table[g]`` are the probabilities of row group ``g``."""
    table = np.asarray(table, dtype=float)
    table = table / table.sum(axis=1, keepdims=True)
    cum = np.cumsum(table, axis=1)
    cum[:, -1] = 1.0
    u = rng.random(len(group))
    out = np.zeros(len(group), dtype=np.int16)
    for g in range(table.shape[0]):
        idx = np.flatnonzero(group == g)
        if idx.size:
            out[idx] = np.searchsorted(cum[g], u[idx], side="right")
    return np.minimum(out, table.shape[1] - 1)


def cut_by_shares(latent: np.ndarray, shares, weights: np.ndarray | None = None) -> np.ndarray:
    """Ordinal codes 0..K-1 from a latent: the lowest ``shares[0]`` (weighted) get 0, etc."""
    shares = np.asarray(shares, dtype=float)
    cum = np.cumsum(shares / shares.sum())[:-1]
    order = np.argsort(latent, kind="stable")
    w = np.ones(len(latent)) if weights is None else np.asarray(weights, dtype=float)
    cw = np.cumsum(w[order]) / w.sum()
    codes_sorted = np.searchsorted(cum, cw, side="left")
    out = np.empty(len(latent), dtype=np.int16)
    out[order] = codes_sorted
    return out


def top_k(score: np.ndarray, eligible: np.ndarray, k: int) -> np.ndarray:
    """Boolean mask of the ``k`` eligible rows with the highest score."""
    idx = np.flatnonzero(eligible)
    k = int(min(max(k, 0), idx.size))
    out = np.zeros(score.size, dtype=bool)
    if k:
        part = np.argpartition(-score[idx], k - 1)[:k]
        out[idx[part]] = True
    return out


def family_ids(numbers: np.ndarray) -> np.ndarray:
    """``KLGnnnnnnnn`` family ids from integers (vectorised)."""
    digits = np.char.zfill(np.asarray(numbers, dtype=np.int64).astype(str), 8)
    return np.char.add("KLG", digits).astype(object)


_RT = np.array([f"{i:03d}" for i in range(1000)], dtype=object)


def rt_codes(rt: np.ndarray) -> np.ndarray:
    """3-digit RT strings (``001``) from integers (4 digits beyond 999: scaled benchmark only)."""
    rt = np.asarray(rt, dtype=np.int64)
    if rt.size and rt.max() >= _RT.size:
        return np.char.zfill(rt.astype(str), 3).astype(object)
    return _RT[rt]


def iso_dates(d: np.ndarray) -> np.ndarray:
    """``YYYY-MM-DD`` strings of datetime64 values (vectorised)."""
    return np.datetime_as_string(np.asarray(d).astype("datetime64[D]"), unit="D").astype(object)


def age_at(birth: np.ndarray, date) -> np.ndarray:
    """Completed years of age on ``date`` of people born on ``birth`` (datetime64[D])."""
    d = np.datetime64(date, "D")
    birth = np.asarray(birth).astype("datetime64[D]")
    by = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    bm = birth.astype("datetime64[M]").astype(np.int64) % 12
    bd = (birth - birth.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)
    dy = d.astype("datetime64[Y]").astype(np.int64) + 1970
    dm = d.astype("datetime64[M]").astype(np.int64) % 12
    dd = (d - d.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)
    before = (bm > dm) | ((bm == dm) & (bd > dd))
    return (dy - by - before).astype(np.int16)


def weighted_gini(y: np.ndarray, w: np.ndarray) -> float:
    """Gini of ``y`` in a population where each value stands for ``w`` identical persons
    (exact person-expanded Gini)."""
    order = np.argsort(y, kind="stable")
    y, w = y[order].astype(float), w[order].astype(float)
    cw = np.cumsum(w)
    n, t = cw[-1], float((w * y).sum())
    return float(((2 * cw - w) * w * y).sum() / (n * t) - 1.0)


def fgt(y: np.ndarray, w: np.ndarray, z: float) -> tuple[float, float, float]:
    """P0, P1, P2 (x100, BPS convention: poor if y < z strictly) with person weights ``w``."""
    gap = np.where(y < z, (z - y) / z, 0.0)
    poor = (y < z).astype(float)
    tw = w.sum()
    return (100 * float((w * poor).sum() / tw), 100 * float((w * gap).sum() / tw),
            100 * float((w * gap ** 2).sum() / tw))


# --------------------------------------------------------------------------- the Population
class Population:
    """One synthetic Bontang: true households and persons.

    Attributes
    ----------
    households : DataFrame
        One row per household (= family), ``hh_id`` 0..H-1 in frame order (sorted by kelurahan,
        RT). Columns: see :data:`HOUSEHOLD_COLUMNS`.
    persons : DataFrame
        One row per person, sorted by ``hh_id`` and member order (head first). Columns: see
        :data:`PERSON_COLUMNS`; the year-specific labour columns end in ``_2023``/``_2024``
        (:meth:`person_year` strips the suffix).
    blocks : DataFrame
        Census blocks (blok sensus, the PSUs): ``block_id, psu, kode_kelurahan,
        kode_kecamatan, kode_kecamatan_bps, stratum, strata, n_households, first_hh``.
    kelurahan : DataFrame
        The 15 kelurahan with codes, names, name variants and synthetic populations.
    poverty_lines : dict
        ``{year: Rp}`` from the published table.
    config : dict
        The generator configuration used; ``seed`` and ``n_persons`` as built.
    """

    def __init__(self, households, persons, blocks, kelurahan, poverty_lines, config, seed, spare_ids):
        self.households = households
        self.persons = persons
        self.blocks = blocks
        self.kelurahan = kelurahan
        self.poverty_lines = poverty_lines
        self.config = config
        self.seed = seed
        self.spare_family_ids = spare_ids   # unused family-id numbers for registry-only records

    def __repr__(self) -> str:
        return (f"Population(seed={self.seed}, households={len(self.households):,}, "
                f"persons={len(self.persons):,}, blocks={len(self.blocks):,})")

    @property
    def n_persons(self) -> int:
        return len(self.persons)

    def poverty_line(self, year) -> float:
        return float(self.poverty_lines[int(year)])

    def person_year(self, year: int) -> pd.DataFrame:
        """Persons with the labour columns of one year under their raw (unsuffixed) names, plus
        ``umur`` at that year's Sakernas reference date."""
        year = int(year)
        base = [c for c in self.persons.columns if not c.endswith(("_2023", "_2024"))]
        out = self.persons[base].copy()
        suffix = f"_{year}"
        for c in self.persons.columns:
            if c.endswith(suffix):
                out[c[: -len(suffix)]] = self.persons[c]
        return out

    # -- arrays used by the fast survey draws (built once, cached) ----------------------------
    @cached_property
    def design_frame(self) -> dict:
        """Numpy arrays of the two-stage frame: blocks by stratum, households in implicit order."""
        b = self.blocks
        hh = self.households
        # households in block order, implicitly stratified by head education (descending) then id
        order = np.lexsort((hh["hh_id"].to_numpy(), -hh["edu_krt_code"].to_numpy(),
                            hh["block_id"].to_numpy()))
        strata_codes, stratum_of_block = np.unique(b["strata"].to_numpy().astype(str), return_inverse=True)
        return {
            "hh_order": order,
            "block_first": np.searchsorted(hh["block_id"].to_numpy()[order], b["block_id"].to_numpy()),
            "block_size": b["n_households"].to_numpy().astype(np.int64),
            "stratum_of_block": stratum_of_block,
            "strata_codes": strata_codes,
            "person_first": np.r_[0, np.cumsum(hh["jumlah_art"].to_numpy())[:-1]].astype(np.int64),
            "hh_size": hh["jumlah_art"].to_numpy().astype(np.int64),
        }

    @cached_property
    def household_arrays(self) -> "_ColumnCache":
        """Household columns as numpy arrays, converted on first use (fast row selection)."""
        return _ColumnCache(self.households)

    @cached_property
    def person_arrays(self) -> "_ColumnCache":
        """Person columns as numpy arrays, converted on first use (fast row selection)."""
        return _ColumnCache(self.persons)


class _ColumnCache:
    """Mapping column -> numpy array of a frame, each converted once on first access."""

    def __init__(self, frame: pd.DataFrame):
        self._frame = frame
        self._cache: dict = {}

    def __getitem__(self, col: str) -> np.ndarray:
        if col not in self._cache:
            s = self._frame[col]
            if isinstance(s.dtype, pd.CategoricalDtype):
                arr = np.asarray(s.cat.categories.astype(object))[s.cat.codes.to_numpy()]
                arr = np.where(s.cat.codes.to_numpy() < 0, None, arr) if (s.cat.codes.to_numpy() < 0).any() else arr
            else:
                arr = s.to_numpy()
            self._cache[col] = arr
        return self._cache[col]

    def __contains__(self, col: str) -> bool:
        return col in self._frame.columns


HOUSEHOLD_COLUMNS = (
    "hh_id", "id_keluarga", "no_kk", "kode_kecamatan", "kode_kecamatan_bps", "kode_kelurahan", "kecamatan_nama",
    "kelurahan_nama", "rt", "block_id", "alamat", "jumlah_art", "head_person_id", "jk_krt", "umur_krt",
    "pendidikan_krt", "edu_krt_code", "welfare_latent", "pengeluaran_kapita_2023", "pengeluaran_kapita_2024",
    "pengeluaran_makanan_kapita_2023", "pengeluaran_makanan_kapita_2024", "miskin_2023", "miskin_2024",
    "jenis_lantai", "jenis_dinding", "sumber_air_minum", "fasilitas_bab", "sumber_penerangan", "bahan_bakar_masak",
    "luas_lantai_m2", "status_rumah", "punya_motor", "punya_mobil", "punya_kulkas", "punya_ac", "punya_laptop",
    "pmt_score", "desil_nasional", "desil_verifikasi", "desil_benar", "penerima_pkh", "penerima_bpnt",
    "penerima_pbi", "in_registry", "n_bekerja_2024", "stratum")
"""Columns of ``Population.households`` (one row per household = family; ``hh_id`` = row number).
``umur_krt`` is the head's age on the population reference date (15 March 2024); ``miskin_<y>`` is
``pengeluaran_kapita_<y> <`` the published line; ``desil_benar`` the decile of true welfare with the
same person shares as ``desil_nasional``; ``stratum`` the welfare tercile (1-3) of the block."""
_LABOUR_COLUMNS = ("umur", "status_angkatan_kerja", "bekerja_seminggu", "sementara_tidak_bekerja",
                   "mencari_pekerjaan", "mempersiapkan_usaha", "mencari_kerja_tambahan", "bersedia_tambah_jam",
                   "sedang_sekolah", "ikut_pelatihan", "kegiatan_utama", "alasan_tidak_mencari", "jam_kerja",
                   "status_pekerjaan", "kbli_kategori", "kbji_golongan")
PERSON_COLUMNS = (
    "person_id", "hh_id", "id_keluarga", "no_kk", "nik", "nama", "hubungan_kk", "jenis_kelamin", "tanggal_lahir",
    "umur", "pendidikan", "disabilitas", "kode_kecamatan", "kode_kecamatan_bps", "kode_kelurahan", "job_informal",
) + tuple(f"{c}_{y}" for y in YEARS for c in _LABOUR_COLUMNS)
"""Columns of ``Population.persons`` (one row per person, sorted by ``hh_id``, head first).
``umur`` is the age on 15 March 2024, ``umur_<y>`` on 15 August of year y (Sakernas);
``status_angkatan_kerja_<y>`` is bukan_usia_kerja (< 15) / bekerja / pengangguran /
bukan_angkatan_kerja; the other ``*_<y>`` columns are the Sakernas variables of that year."""


# --------------------------------------------------------------------------- the build
def build_population(config=None, *, n_persons: int | None = None, seed: int | None = None,
                     reference_source: str | Path | None = None) -> Population:
    """Build the synthetic population.

    The build runs in the order of the parts below, each drawing from its own generator
    (``POPULATION_PARTS``), so a change to one part leaves the draws of the others unchanged.

    Parameters
    ----------
    config : path, dict or None
        Generator configuration (default ``config/synth-demo.yaml``).
    n_persons : int, optional
        Population size; default the config's ``n_persons`` or, if null, the published 2024
        total (191,811). Kecamatan and sex totals are scaled proportionally (exact at the
        published size).
    seed : int, optional
        Overrides the config seed.
    reference_source : path, optional
        Folder with ``wilayah_bontang.csv`` and ``published_indicators.csv``.

    Returns
    -------
    Population
    """
    cfg = load_synth_config(config)
    seed = int(cfg["seed"] if seed is None else seed)
    pc = cfg["population"]
    published_total = sum(int(v) for v in pc["kecamatan"].values())
    n = int(n_persons or cfg.get("n_persons") or published_total)
    src = Path(reference_source) if reference_source else ref.find_reference_source(cfg["reference_sources"])
    wil = ref.load_wilayah(src)
    lines_df = ref.poverty_lines(ref.load_published(src))
    lines = {y: ref.poverty_line(lines_df, y) for y in YEARS}

    parts = dict(zip(POPULATION_PARTS, np.random.default_rng(component_seed(seed, "population"))
                     .bit_generator.seed_seq.spawn(len(POPULATION_PARTS))))
    rng = {k: np.random.default_rng(v) for k, v in parts.items()}

    kel = _geography(cfg, wil, n)
    size, kel_of_hh = _household_sizes(rng["households"], pc, kel["n_persons"].to_numpy())
    rt, block, block_kel = _rt_and_blocks(rng["households"], pc, kel_of_hh, len(kel))
    H = size.size

    persons = _demography(rng["demography"], size)
    target_m = int(allocate(n, [pc["sex"]["1"], pc["sex"]["2"]])[0])
    persons["sex"] = _fix_sex_total(rng["sex_fix"], persons["sex"], persons["rel"], target_m)
    ref_date = np.datetime64(cfg["dates"]["population_reference"], "D")
    birth = _birth_dates(rng["demography"], persons["age"], ref_date)
    hh_of_p = persons["hh"]
    head = np.r_[0, np.cumsum(size)[:-1]]                # the head is the first member

    w_h = _welfare_latent(rng["welfare"], cfg["welfare"], kel["welfare_effect"].to_numpy(), kel_of_hh,
                          rt, block, block_kel.size)
    w_p = w_h[hh_of_p]

    age_y = {y: age_at(birth, cfg["dates"]["sakernas"][str(y)]) for y in YEARS}
    edu, school = _education(rng["education"], persons["age"], persons["sex"], w_p, age_y)
    disab = rng["education"].random(persons["hh"].size) < (0.01 + 0.0006 * np.maximum(persons["age"] - 40, 0))
    labour = _labour(rng["labour"], cfg, n / published_total, age_y, persons["sex"], persons["rel"], edu,
                     school, w_p, disab)

    edu_head = edu[head]
    workers = np.bincount(hh_of_p, weights=labour[2024]["employed"], minlength=H)
    formal_head = labour[2024]["employed"][head] & ~labour["informal_job"][head]
    unobs = _unobserved_term(rng["welfare_unobserved"], cfg["welfare"]["log_consumption"], kel_of_hh, rt)
    cons, food, visible = _consumption(rng["welfare"], unobs, cfg, lines, w_h, size,
                                       EDU_YEARS[edu_head], workers, formal_head)

    # housing and assets follow long-run welfare (the geometric mean of the two years) without
    # the household's unobserved consumption term, which no registry variable can see
    logc = np.log(np.sqrt(cons[2023] * cons[2024]))
    logv = np.log(np.sqrt(visible[2023] * visible[2024]))
    zc = (logv - logv.mean()) / logv.std()
    housing = _housing(rng["housing"], zc, size, kel["coastal"].to_numpy()[kel_of_hh], persons["age"][head],
                       labour, head, signal=float(cfg["welfare"].get("housing_signal", 0.75)))

    X = _pmt_design(housing, size, EDU_YEARS[edu_head], persons["age"][head], persons["sex"][head])
    scores = _registry_scores(rng["pmt"], cfg["calibration"], X, logc, size)
    elig_pkh = (np.bincount(hh_of_p, weights=(persons["age"] < 18) | (persons["age"] >= 60) | disab,
                            minlength=H) > 0)
    bansos = _bansos(rng["bansos"], cfg["bansos"], scores["desil_nasional"], elig_pkh)
    in_registry = _registry_membership(rng["registry_coverage"], cfg["registry"]["unregistered_rate"], size,
                                       persons["age"][head])
    for k in bansos:                       # families outside the registry cannot be targeted by it
        bansos[k] = np.where(in_registry == 1, bansos[k], 0).astype(np.int8)

    ident = _identity(rng["identity"], cfg, persons, birth, kel, kel_of_hh, rt, H)

    hh = pd.DataFrame({
        "hh_id": np.arange(H, dtype=np.int64),
        "id_keluarga": ident["id_keluarga"],
        "no_kk": ident["no_kk"],
        **_geo_columns(kel, kel_of_hh, _HH_GEO),
        "rt": rt,
        "block_id": block,
        "alamat": ident["alamat"],
        "jumlah_art": size,
        "head_person_id": head.astype(np.int64),
        "jk_krt": persons["sex"][head],
        "umur_krt": persons["age"][head],
        "pendidikan_krt": pd.Categorical.from_codes(edu_head, EDUCATION),
        "edu_krt_code": edu_head.astype(np.int8),
        "welfare_latent": w_h,
        "pengeluaran_kapita_2023": cons[2023],
        "pengeluaran_kapita_2024": cons[2024],
        "pengeluaran_makanan_kapita_2023": food[2023],
        "pengeluaran_makanan_kapita_2024": food[2024],
        "miskin_2023": (cons[2023] < lines[2023]),
        "miskin_2024": (cons[2024] < lines[2024]),
        **housing["frame"],
        **scores,
        **bansos,
        "in_registry": in_registry,
        "n_bekerja_2024": workers.astype(np.int16),
    })
    pers = _person_frame(persons, birth, edu, disab, labour, age_y, ident, kel, kel_of_hh)
    blocks = _blocks_frame(block, block_kel.size, block_kel, kel, w_h)
    hh["stratum"] = blocks["stratum"].to_numpy()[block]
    cfg_out = dict(cfg)
    cfg_out["n_persons_built"] = n
    return Population(hh, pers, blocks, kel, lines, cfg_out, seed, ident["spare_ids"])


# --------------------------------------------------------------------------- parts
_HH_GEO = ("kode_kecamatan", "kode_kecamatan_bps", "kode_kelurahan", "kecamatan_nama", "kelurahan_nama")
_PERSON_GEO = ("kode_kecamatan", "kode_kecamatan_bps", "kode_kelurahan")


def _geography(cfg: dict, wil: pd.DataFrame, n: int) -> pd.DataFrame:
    """The kelurahan table with persons per kelurahan (kecamatan totals scaled to ``n``, then
    split by the configured kelurahan shares), the welfare effect and the coastal flag."""
    pc = cfg["population"]
    kec_pub = {k: int(v) for k, v in pc["kecamatan"].items()}
    kel = ref.kelurahan_table(wil)
    kec_codes = list(kec_pub)
    kec_n = dict(zip(kec_codes, allocate(n, [kec_pub[k] for k in kec_codes])))
    shares = pc["kelurahan_share"]
    kel["n_persons"] = 0
    for k in kec_codes:
        m = (kel["kode_kecamatan"] == k).to_numpy()
        kel.loc[m, "n_persons"] = allocate(kec_n[k], [shares[c] for c in kel.loc[m, "kode_kelurahan"]])
    kel["welfare_effect"] = kel["kode_kelurahan"].map(cfg["welfare"]["kelurahan_effect"]).astype(float)
    kel["coastal"] = kel["kode_kelurahan"].isin(pc["coastal_kelurahan"])
    return kel.reset_index(drop=True)


def _household_sizes(r: np.random.Generator, pc: dict, kel_persons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Household sizes drawn from the size distribution, the last household of each kelurahan
    trimmed so that the sizes sum exactly to the kelurahan's persons. Returns (size, kelurahan
    index of each household)."""
    probs = np.asarray(pc["household_size_probs"], dtype=float)
    probs = probs / probs.sum()
    mean_size = float((np.arange(1, probs.size + 1) * probs).sum())
    sizes, kel_of_hh = [], []
    for i, target in enumerate(kel_persons):
        m = int(target / mean_size * 1.25) + 20
        s = r.choice(np.arange(1, probs.size + 1), size=m, p=probs)
        cs = np.cumsum(s)
        j = int(np.searchsorted(cs, target))            # first index with cs >= target
        s = s[: j + 1].copy()
        s[-1] = target - (cs[j - 1] if j > 0 else 0)
        sizes.append(s)
        kel_of_hh.append(np.full(s.size, i, dtype=np.int16))
    return np.concatenate(sizes).astype(np.int16), np.concatenate(kel_of_hh)


def _rt_and_blocks(r: np.random.Generator, pc: dict, kel_of_hh: np.ndarray,
                   n_kel: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """RT numbers and census blocks: runs of consecutive households within a kelurahan.
    Returns (rt per household, block id per household, kelurahan index of each block)."""
    H = kel_of_hh.size
    rt = np.empty(H, dtype=np.int16)
    block = np.empty(H, dtype=np.int64)
    rt_lo, rt_hi = pc["households_per_rt"]
    bl_lo, bl_hi = pc["households_per_block"]
    block_kel, next_block = [], 0
    for i in range(n_kel):
        idx = np.flatnonzero(kel_of_hh == i)
        cnt = idx.size
        rs = r.integers(rt_lo, rt_hi + 1, size=cnt // rt_lo + 2)
        rt[idx] = np.searchsorted(np.cumsum(rs), np.arange(cnt), side="right") + 1
        bs = r.integers(bl_lo, bl_hi + 1, size=cnt // bl_lo + 2)
        cbs = np.cumsum(bs)
        nb = int(np.searchsorted(cbs, cnt)) + 1           # blocks needed to cover cnt
        b_local = np.searchsorted(cbs, np.arange(cnt), side="right")
        if nb > 1 and cnt - cbs[nb - 2] < bl_lo:          # small tail block joins the previous one
            b_local = np.minimum(b_local, nb - 2)
            nb -= 1
        block[idx] = next_block + b_local
        block_kel.extend([i] * nb)
        next_block += nb
    return rt, block, np.asarray(block_kel, dtype=np.int16)


def _welfare_latent(rw: np.random.Generator, wc: dict, kel_effect: np.ndarray, kel_of_hh: np.ndarray,
                    rt: np.ndarray, block: np.ndarray, n_blocks: int) -> np.ndarray:
    """Standardised household welfare latent: kelurahan effect + RT effect + census-block effect
    + household term. It drives education, labour and (through consumption) housing."""
    H = kel_of_hh.size
    rt_keys = kel_of_hh.astype(np.int64) * 10000 + rt
    _, rt_idx = np.unique(rt_keys, return_inverse=True)
    rt_eff = rw.normal(0, wc["rt_effect_sd"], rt_idx.max() + 1)[rt_idx]
    blk_eff = rw.normal(0, wc["block_effect_sd"], n_blocks)[block]
    w_h = kel_effect[kel_of_hh] + rt_eff + blk_eff + rw.standard_normal(H)
    return (w_h - w_h.mean()) / w_h.std()


def _unobserved_term(ru: np.random.Generator, lc: dict, kel_of_hh: np.ndarray, rt: np.ndarray) -> np.ndarray:
    """Part of log consumption that no registry variable reflects: a kelurahan effect, an RT effect
    and a household term (sds ``unobserved_kelurahan_sd``, ``unobserved_rt_sd``, ``unobserved_sd``;
    local prices, earnings not visible in the dwelling, tastes, recall error). All zero, without a
    draw, when the three sds are 0 or absent (the build before this term existed)."""
    H = kel_of_hh.size
    sds = [float(lc.get(k, 0.0)) for k in ("unobserved_kelurahan_sd", "unobserved_rt_sd", "unobserved_sd")]
    if not any(sds):
        return np.zeros(H)
    _, rt_idx = np.unique(kel_of_hh.astype(np.int64) * 10000 + rt, return_inverse=True)
    kel_eff = ru.normal(0, sds[0], int(kel_of_hh.max()) + 1)[kel_of_hh]
    rt_eff = ru.normal(0, sds[1], int(rt_idx.max()) + 1)[rt_idx]
    return kel_eff + rt_eff + ru.normal(0, sds[2], H)


def _consumption(rw: np.random.Generator, unobs: np.ndarray, cfg: dict, lines: dict, w_h: np.ndarray,
                 size: np.ndarray, edu_years_head: np.ndarray, workers: np.ndarray,
                 formal_head: np.ndarray) -> tuple[dict, dict, dict]:
    """Per-capita expenditure and food expenditure of each year.

    log consumption = permanent part (welfare latent, head education, worker share, formal head,
    household size, a permanent household term) + the unobserved term ``unobs`` (persistent
    across years, see ``_unobserved_term``) + a transitory shock of the year; the lower tail is compressed below
    a knee and the scale is set so that the person share below the published line equals the
    published P0 of the year.

    Returns (consumption, food consumption, visible consumption) by year; the visible one is the
    same without the unobserved term (same shocks, knee and scale), the welfare that housing and
    assets reflect.
    """
    wc = cfg["welfare"]
    lc = wc["log_consumption"]
    H = size.size
    perm = (lc["welfare"] * w_h + lc["head_education_year"] * (edu_years_head - 10.0)
            + lc["worker_share"] * workers / size + lc["formal_head"] * formal_head
            + lc["log_household_size"] * np.log(size) + rw.normal(0, lc["permanent_sd"], H))
    cons, food, visible = {}, {}, {}
    for y in YEARS:
        shock = perm + rw.normal(0, lc["transitory_sd"], H)
        y0 = np.exp(shock + unobs)
        yv = np.exp(shock)
        knee = wc["lower_tail_knee"] * np.median(y0)
        y0 = np.where(y0 < knee, knee * (y0 / knee) ** wc["lower_tail_gamma"], y0)
        yv = np.where(yv < knee, knee * (yv / knee) ** wc["lower_tail_gamma"], yv)
        c = _calibrate_scale(y0, size, lines[y], cfg["calibration"]["p0"][str(y)] / 100)
        cons[y] = np.round(y0 * c, 2)
        visible[y] = yv * c
        fs = wc["food_share"]
        share = np.clip(fs["base"] + fs["slope"] * np.log(cons[y] / np.median(cons[y]))
                        + rw.normal(0, fs["sd"], H), fs["min"], fs["max"])
        food[y] = np.round(cons[y] * share, 2)
    return cons, food, visible


def _registry_scores(rp: np.random.Generator, cal: dict, X: np.ndarray, logc: np.ndarray,
                     size: np.ndarray) -> dict:
    """Registry PMT score (OLS prediction of log welfare from the PMT design plus staleness
    noise), the national decile cut from it, the decile after the 2025 re-scoring and the decile
    of true welfare (same person shares)."""
    H = logc.size
    fit_idx = rp.choice(H, size=min(H, 150_000), replace=False)
    beta, *_ = np.linalg.lstsq(X[fit_idx], logc[fit_idx], rcond=None)
    pred = X @ beta
    pmt = pred + rp.normal(0, cal["pmt_noise_sd"], H)
    desil_cuts = _cut_points(pmt, size, cal["desil_person_shares"])
    desil = (np.searchsorted(desil_cuts, pmt, side="right") + 1).astype(np.int8)
    pmt_verif = 0.6 * pred + 0.4 * logc + rp.normal(0, cal["verification_noise_sd"], H)
    desil_verif = (np.searchsorted(desil_cuts, pmt_verif, side="right") + 1).astype(np.int8)
    true_desil = (np.searchsorted(_cut_points(logc, size, cal["desil_person_shares"]), logc,
                                  side="right") + 1).astype(np.int8)
    return {"pmt_score": np.round(pmt, 6), "desil_nasional": desil, "desil_verifikasi": desil_verif,
            "desil_benar": true_desil}


def _registry_membership(rc: np.random.Generator, rate: float, size: np.ndarray,
                         head_age: np.ndarray) -> np.ndarray:
    """1 for families in the registry before the 2025 update, 0 for the missing ones (young and
    one-person households three times as likely to be missing)."""
    H = size.size
    wt = np.where((size == 1) | (head_age < 30), 3.0, 1.0)
    unreg = rc.choice(H, int(round(rate * H)), replace=False, p=wt / wt.sum())
    in_registry = np.ones(H, dtype=np.int8)
    in_registry[unreg] = 0
    return in_registry


def _geo_columns(kel: pd.DataFrame, idx: np.ndarray, cols) -> dict:
    """Categorical geography columns of the kelurahan table indexed by ``idx``."""
    out = {}
    for col in cols:
        cats, inv = np.unique(kel[col].to_numpy().astype(str), return_inverse=True)
        out[col] = pd.Categorical.from_codes(inv[idx], cats)
    return out


def _person_frame(persons, birth, edu, disab, labour, age_y, ident, kel, kel_of_hh) -> pd.DataFrame:
    """``Population.persons``: identity, demography and the Sakernas columns of each year."""
    hh_of_p = persons["hh"]
    P = hh_of_p.size
    pe = {
        "person_id": np.arange(P, dtype=np.int64),
        "hh_id": hh_of_p.astype(np.int64),
        "id_keluarga": ident["id_keluarga"][hh_of_p],
        "no_kk": ident["no_kk"][hh_of_p],
        "nik": ident["nik"],
        "nama": ident["nama"],
        "hubungan_kk": persons["rel"].astype(np.int8),
        "jenis_kelamin": persons["sex"].astype(np.int8),
        "tanggal_lahir": birth,
        "umur": persons["age"].astype(np.int16),
        "pendidikan": pd.Categorical.from_codes(edu, EDUCATION),
        "disabilitas": disab.astype(np.int8),
        **_geo_columns(kel, kel_of_hh[hh_of_p], _PERSON_GEO),
        "job_informal": labour["informal_job"],
    }
    for y in YEARS:
        L = labour[y]
        pe[f"umur_{y}"] = age_y[y]
        pe[f"status_angkatan_kerja_{y}"] = pd.Categorical.from_codes(L["lf_status"], LABOUR_STATUS)
        for c in ("bekerja_seminggu", "sementara_tidak_bekerja", "mencari_pekerjaan", "mempersiapkan_usaha",
                  "mencari_kerja_tambahan", "bersedia_tambah_jam", "sedang_sekolah", "ikut_pelatihan"):
            pe[f"{c}_{y}"] = L[c].astype(np.int8)
        pe[f"kegiatan_utama_{y}"] = pd.Categorical.from_codes(L["kegiatan"], KEGIATAN)
        pe[f"alasan_tidak_mencari_{y}"] = pd.Categorical.from_codes(L["alasan"], ALASAN)
        pe[f"jam_kerja_{y}"] = L["jam_kerja"]                # float, NaN when not working
        pe[f"status_pekerjaan_{y}"] = L["status_pekerjaan"]  # Int8 nullable
        pe[f"kbli_kategori_{y}"] = L["kbli"]
        pe[f"kbji_golongan_{y}"] = L["kbji"]
    return pd.DataFrame(pe)
def _demography(r: np.random.Generator, size: np.ndarray) -> dict:
    """Relationship to head, sex and age of every member (head first, then spouse, others)."""
    H = size.size
    single = size == 1
    u = r.random(H)
    head_age = np.empty(H)
    young = single & (u < 0.66)
    old = single & ~young
    multi = ~single
    head_age[young] = 20 + r.gamma(2.0, 4.5, young.sum())
    head_age[old] = 45 + r.gamma(2.5, 8.0, old.sum())
    head_age[multi] = 23 + r.gamma(3.5, 6.3, multi.sum())
    head_age = np.clip(np.floor(head_age), 18, 92)
    has_spouse = multi & (r.random(H) < 0.87)
    p_male = np.where(single, np.where(young, 0.82, 0.35), np.where(has_spouse, 0.97, 0.30))
    head_male = r.random(H) < p_male
    spouse_age = np.where(head_male, head_age - r.normal(3.5, 3.5, H), head_age + r.normal(3.0, 3.0, H))
    spouse_age = np.clip(np.floor(spouse_age), 17, 92)

    hh = np.repeat(np.arange(H), size)
    first = np.cumsum(size) - size
    pos = np.arange(hh.size) - first[hh]
    P = hh.size
    rel = np.full(P, 3, dtype=np.int8)
    rel[pos == 0] = 1
    is_sp = (pos == 1) & has_spouse[hh]
    rel[is_sp] = 2
    other = rel == 3
    ha = head_age[hh]
    grp = np.where(ha < 35, 0, np.where(ha < 55, 1, 2))
    table = np.array([[0.80, 0.00, 0.00, 0.09, 0.07, 0.04],
                      [0.84, 0.02, 0.03, 0.04, 0.04, 0.03],
                      [0.57, 0.10, 0.22, 0.02, 0.06, 0.03]])
    oi = np.flatnonzero(other)
    rel[oi] = (draw_by_group(r, grp[oi], table) + 3).astype(np.int8)

    age = np.empty(P)
    age[pos == 0] = head_age
    age[is_sp] = spouse_age[hh[is_sp]]
    mother = np.where(has_spouse & head_male, spouse_age, np.where(head_male, head_age - 3, head_age))
    m = mother[hh]
    k = rel == 3
    span = np.clip(m - 19, 1, 30)                      # children born when the mother was 19-49
    child = np.floor(span * r.beta(2.0, 1.0, P))
    age[k] = child[k]
    k = rel == 4
    age[k] = np.clip(np.floor(ha[k] - 27 + r.normal(0, 4, P)[k]), 17, None)
    k = rel == 5
    cu = np.floor(ha - 48 - r.uniform(0, 10, P))
    cu = np.where(cu < 0, r.integers(0, 6, P), cu)
    age[k] = cu[k]
    k = rel == 6
    age[k] = np.clip(np.floor(ha[k] + 24 + r.uniform(0, 12, P)[k]), None, 97)
    k = rel == 7
    age[k] = np.floor(12 + r.uniform(0, 45, P)[k])
    k = rel == 8
    age[k] = np.floor(17 + r.uniform(0, 30, P)[k])

    p_m = np.select([rel == 1, rel == 2, rel == 3, rel == 4, rel == 5, rel == 6, rel == 7],
                    [head_male[hh].astype(float), (~head_male[hh]).astype(float), 0.51, 0.45, 0.51, 0.30, 0.55],
                    0.65)
    sex = np.where(r.random(P) < p_m, 1, 2).astype(np.int8)
    return {"hh": hh, "pos": pos, "rel": rel, "sex": sex, "age": age.astype(np.int16)}


def _fix_sex_total(r, sex, rel, target_male):
    """Flip the sex of randomly chosen children and other relatives (never heads or spouses)
    until the number of males equals ``target_male``."""
    sex = sex.copy()
    diff = int((sex == 1).sum()) - int(target_male)
    flippable = np.isin(rel, (3, 5, 7, 8))
    if diff > 0:
        cand = np.flatnonzero(flippable & (sex == 1))
        sex[r.choice(cand, diff, replace=False)] = 2
    elif diff < 0:
        cand = np.flatnonzero(flippable & (sex == 2))
        sex[r.choice(cand, -diff, replace=False)] = 1
    return sex


def _birth_dates(r, age, ref_date):
    """Birth dates consistent with completed ``age`` on ``ref_date``."""
    ref_y = ref_date.astype("datetime64[Y]").astype(np.int64) + 1970
    md = ref_date - ref_date.astype("datetime64[Y]").astype("datetime64[D]")       # day offset in year
    anniv_year = (ref_y - age.astype(np.int64) - 1970).astype("datetime64[Y]")
    # same month-day as ref_date (ref date is 15 March: exists every year; Feb 29 never used)
    month = (ref_date.astype("datetime64[M]") - ref_date.astype("datetime64[Y]").astype("datetime64[M]")).astype(np.int64)
    day = (ref_date - ref_date.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)
    anniv = (anniv_year.astype("datetime64[M]") + month).astype("datetime64[D]") + day
    del md
    offset = r.integers(0, 365, age.size)
    return anniv - offset.astype("timedelta64[D]")


def _education(r, age, sex, w, age_y):
    """Attainment (codes of :data:`EDUCATION`) at the 2024 reference and school attendance by
    year (SYNTHETIC rates, Bontang RLS ~10.9)."""
    P = age.size
    edu = np.zeros(P, dtype=np.int16)
    edu[(age >= 7) & (age <= 12)] = 1
    u = r.random(P)
    a13 = (age >= 13) & (age <= 15)
    edu[a13] = np.where((age[a13] == 13) & (u[a13] < 0.3), 1, 2)
    a16 = (age >= 16) & (age <= 18)
    upper = r.random(P) < np.where(sex == 1, 0.40, 0.30) + np.where(age < 35, 0.06, 0.0)
    sec = np.where(upper, 5, 4)
    edu[a16] = np.where((age[a16] == 18) & (u[a16] < 0.45), sec[a16], np.where(u[a16] < 0.06, 2, 3))
    ad = age >= 19
    lat = 0.55 * w - 0.028 * (age - 35.0) - 0.12 * (sex == 2) + r.standard_normal(P)
    codes = cut_by_shares(lat[ad], (0.025, 0.05, 0.13, 0.14, 0.46, 0.065, 0.13))
    mapped = np.array([0, 1, 2, 3, 4, 6, 7])[codes]          # 4 = upper secondary, split below
    e = np.where(mapped == 4, sec[ad], mapped)
    edu[ad] = e
    # schooling: uniform u_s fixed per person gives persistence across years
    us = r.random(P)
    school = {}
    for y, ay in age_y.items():
        p = np.select([ay < 5, ay < 7, ay <= 12, ay <= 15, ay <= 18, ay <= 20, ay <= 22, ay <= 24, ay <= 29],
                      [0.0, 0.5, 0.99, 0.95, 0.78, 0.35, 0.28, 0.12, 0.03], 0.004)
        p = np.where((ay >= 16) & (ay <= 24), np.clip(p + 0.08 * w, 0, 1), p)
        school[y] = us < p
    # students aged 19-22 have not finished their degree yet
    young_student = (age >= 19) & (age <= 22) & school[2024] & (edu >= 6)
    edu[young_student] = sec[young_student]
    too_young = (age <= 20) & (edu >= 6)
    edu[too_young] = sec[too_young]
    return edu, school


def _labour(r, cfg, scale, age_y, sex, rel, edu, school, w, disab):
    """Labour activity in August 2023 and 2024 (BPS concepts), calibrated to the published
    labour force and TPT. Job characteristics (formal/informal, status, KBLI, KBJI) are drawn
    once per person (the job a person holds when employed)."""
    lab = cfg["labour"]
    cal = cfg["calibration"]
    P = sex.size
    female = sex == 2
    spouse_f = (rel == 2) & female
    eg = _EDU_GROUP_INDEX[edu]
    perm_lf = r.standard_normal(P)
    perm_u = r.standard_normal(P)
    perm_short = r.standard_normal(P)
    # job characteristics
    z_inf = (-0.55 * EDU_YEARS[edu] / 4.0 + 0.35 * female - 0.4 * w + r.standard_normal(P) * 1.0)
    g = np.where(female, 1, 0)
    sub_inf = draw_by_group(r, g, np.array([_INFORMAL_STATUS["m"], _INFORMAL_STATUS["f"]]))
    status_inf = np.array([1, 2, 5, 6, 7], dtype=np.int8)[sub_inf]
    status_formal = np.where(r.random(P) < 0.05 + 0.04 * (edu >= 6), 3, 4).astype(np.int8)
    kbli_f = draw_by_group(r, g, np.array([[_KBLI_TABLE["formal_m"].get(s, 0) for s in KBLI],
                                           [_KBLI_TABLE["formal_f"].get(s, 0) for s in KBLI]]))
    kbli_i = draw_by_group(r, g, np.array([[_KBLI_TABLE["informal_m"].get(s, 0) for s in KBLI],
                                           [_KBLI_TABLE["informal_f"].get(s, 0) for s in KBLI]]))
    kbji = draw_by_group(r, eg, np.array(list(_KBJI_TABLE.values())))
    kbji = np.where((kbji == 0) & female, 4, kbji)
    ua = r.random(P)
    u_fam = r.random(P)
    out = {}
    k_next, wa_next = None, None
    for y in sorted(YEARS, reverse=True):        # 2024 first: 2023 may be anchored on it
        age = age_y[y]
        wa = age >= 15
        ys = str(y)
        sc = school[y]
        # participation propensity (SYNTHETIC shape; the level is calibrated to the published AK)
        p = np.select(
            [age < 15, age <= 19, age <= 24, age <= 54, age <= 59, age <= 64],
            [0.02, np.where(female, 0.40, 0.65), np.where(female, 0.62, 0.86),
             np.where(female, 0.55, 0.965), np.where(female, 0.42, 0.86), np.where(female, 0.30, 0.66)],
            np.where(female, 0.13, 0.33))
        p = np.where(sc & (age >= 15), p * 0.12, p)
        p = np.where(spouse_f, p * 0.80, p)
        p = np.where(female & (edu >= 6), np.minimum(p * 1.35, 0.95), p)
        p = np.where(disab, p * 0.4, p)
        eps = r.standard_normal(P)
        rho = lab["rho_participation"]
        z = logit(np.clip(p, 1e-4, 1 - 1e-4)) + 1.7 * (rho * perm_lf + np.sqrt(1 - rho ** 2) * eps)
        if ys in cal["labour_force"]:
            k_lf = int(round(cal["labour_force"][ys] * scale))
        else:   # the year before the anchored one: the published TPAK change (static population)
            tpak_next = k_next / wa_next.sum()
            k_lf = int(round((tpak_next - cal["tpak_change_2023_2024"] / 100) * wa.sum()))
        lf = top_k(z, wa, k_lf)
        # unemployment propensity among the labour force
        base_u = np.array([0.03, 0.03, 0.03, 0.05, 0.085, 0.125, 0.06, 0.065])[edu]
        mult = np.select([age <= 19, age <= 24, age <= 29, age <= 44], [3.6, 2.7, 1.3, 0.6], 0.35)
        pu = np.clip(base_u * mult * np.where(female, 1.05, 1.0), 1e-4, 0.9)
        rho_u = lab["rho_unemployment"]
        zu = logit(pu) - 0.15 * w + 1.7 * (rho_u * perm_u + np.sqrt(1 - rho_u ** 2) * r.standard_normal(P))
        unemp = top_k(zu, lf, int(round(cal["tpt"][ys] / 100 * k_lf)))
        child_work = (age >= 10) & (age < 15) & (r.random(P) < lab["child_work_10_14"])
        employed = (lf & ~unemp) | child_work
        out[y] = {"employed": employed, "unemp": unemp, "lf": lf, "age": age, "school": sc}
        k_next, wa_next = k_lf, wa
    # informal: threshold so that the 2024 informal share hits the target; same threshold 2023
    emp24 = out[2024]["employed"] & (age_y[2024] >= 15)
    thr = np.quantile(z_inf[emp24], 1 - cal["informal_share_2024"] / 100)
    informal_job = z_inf > thr
    kbli = np.where(informal_job, kbli_i, kbli_f)
    status = np.where(informal_job, status_inf, status_formal)
    # agricultural casual workers work in A; A informal workers are never casual non-agriculture
    kbli = np.where(status == 5, 0, kbli)
    status = np.where(informal_job & (kbli == 0) & (status == 6), 5, status)
    kbli = np.where(kbji == 0, KBLI.index("O"), kbli)
    kbji = np.where((kbli == 0) & (kbji != 6) & (r.random(P) < 0.7), 6, kbji)
    res = {"informal_job": informal_job}
    for y in YEARS:
        o = out[y]
        age, emp, unemp, sc = o["age"], o["employed"], o["unemp"], o["school"]
        absent = emp & (r.random(P) < lab["temporarily_absent"])
        at_work = emp & ~absent
        rho_s = 0.7
        zs = rho_s * perm_short + np.sqrt(1 - rho_s ** 2) * r.standard_normal(P)
        p_short = np.where(informal_job, 0.42, 0.08) + np.where(female, 0.08, 0.0)
        short = at_work & (ndtr(zs) < p_short)
        hours_full = np.where(informal_job, np.clip(np.round(r.normal(50, 10, P)), 35, 98),
                              np.clip(np.round(r.normal(46, 6, P)), 35, 84))
        hours_short = np.where(informal_job, r.integers(4, 35, P), r.integers(15, 35, P))
        jam = np.where(at_work, np.where(short, hours_short, hours_full), np.where(absent, 0, np.nan))
        willing = at_work & (r.random(P) < np.where(short, np.where(informal_job, 0.32, 0.20), 0.04))
        extra = at_work & (r.random(P) < np.where(short, 0.10, 0.02))
        # unemployed: type
        ut = cfg["labour"]["unemployed_type"]
        t = draw_by_group(r, np.zeros(P, dtype=np.int8),
                          np.array([[ut["mencari"], ut["mempersiapkan_usaha"], ut["putus_asa"], ut["sudah_diterima"]]]))
        mencari = unemp & (t == 0)
        siap = unemp & (t == 1)
        alasan = np.zeros(P, dtype=np.int8)
        alasan[unemp & (t == 2)] = 1
        alasan[unemp & (t == 3)] = 2
        notlf = (age >= 10) & ~emp & ~unemp
        keg = np.full(P, 3, dtype=np.int8)                  # lainnya
        keg[emp] = 0
        keg[emp & sc & (age < 25) & (ua < 0.7)] = 1
        housework = female & (age >= 15) & (u_fam < np.where(age < 65, 0.85, 0.45))
        housework_m = ~female & (age >= 15) & (u_fam < 0.12)
        keg[notlf & sc] = 1
        keg[notlf & ~sc & (housework | housework_m)] = 2
        keg[unemp & sc] = 1
        keg[unemp & ~sc & female & (u_fam < 0.3)] = 2
        alasan[notlf & (keg == 1)] = 3
        alasan[notlf & (keg == 2)] = 4
        alasan[notlf & (keg == 3)] = 5
        train_p = np.select([age < 15, age <= 24, age <= 34], [0.01, 0.06, 0.05], 0.02) + np.where(unemp, 0.05, 0)
        train = (age >= 10) & (r.random(P) < train_p)
        lf_status = np.where(age < 15, 0, np.where(emp, 1, np.where(unemp, 2, 3))).astype(np.int8)
        st = pd.array(np.where(emp, status, 0), dtype="Int8")
        st[~emp] = pd.NA
        res[y] = {
            "employed": emp, "lf_status": lf_status,
            "bekerja_seminggu": at_work, "sementara_tidak_bekerja": absent, "mencari_pekerjaan": mencari,
            "mempersiapkan_usaha": siap, "mencari_kerja_tambahan": extra, "bersedia_tambah_jam": willing,
            "sedang_sekolah": sc & (age >= 5), "ikut_pelatihan": train, "kegiatan": keg, "alasan": alasan,
            "jam_kerja": jam, "status_pekerjaan": st,
            "kbli": pd.Categorical.from_codes(np.where(emp, kbli, -1), list(KBLI)),
            "kbji": pd.Categorical.from_codes(np.where(emp, kbji, -1), [str(i) for i in range(10)]),
        }
        # below age 10 nothing is asked
        young = age < 10
        for c in ("bekerja_seminggu", "sementara_tidak_bekerja", "mencari_pekerjaan", "mempersiapkan_usaha",
                  "mencari_kerja_tambahan", "bersedia_tambah_jam", "ikut_pelatihan"):
            res[y][c] = res[y][c] & ~young
        res[y]["alasan"] = np.where(young, 0, res[y]["alasan"]).astype(np.int8)
    return res


def _calibrate_scale(y0, size, z, target):
    """Multiplier c such that the person share with c*y0 < z is as close as possible to target."""
    order = np.argsort(y0, kind="stable")
    cum = np.cumsum(size[order].astype(np.int64))
    N = cum[-1]
    goal = target * N
    k = int(np.searchsorted(cum, goal))                   # households order[:k] below -> cum[k-1]
    cands = [kk for kk in (k, k + 1) if 1 <= kk < order.size]
    best = min(cands, key=lambda kk: abs(cum[kk - 1] - goal))
    lo, hi = y0[order[best - 1]], y0[order[best]]
    return z / np.sqrt(lo * hi)


def _cut_points(score, size, shares):
    """Score cut points such that the person shares of the groups equal ``shares``."""
    order = np.argsort(score, kind="stable")
    cw = np.cumsum(size[order]) / size.sum()
    cum = np.cumsum(np.asarray(shares) / np.sum(shares))[:-1]
    idx = np.minimum(np.searchsorted(cw, cum), order.size - 1)
    return score[order][idx]


def _housing(r, zc, size, coastal, head_age, labour, head, signal: float = 0.75):
    """Housing and asset variables from the standardised true welfare ``zc`` (SYNTHETIC).

    ``signal`` is the loading of the housing latents on ``zc`` (their noise has sd 0.85); the
    floor-area and asset loadings scale with it (``signal / 0.75``). It sets how much of log
    per-capita expenditure the registry variables can explain (docs/welfare_model.md)."""
    H = zc.size
    k = signal / 0.75
    frame = {}
    codes = {}
    for var, (cats, shares) in HOUSING.items():
        lat = 0.75 * k * zc + 0.85 * r.standard_normal(H)
        c = cut_by_shares(lat, shares)
        if var in ("jenis_lantai", "jenis_dinding"):
            wood = cats.index("kayu_papan")
            c = np.where(coastal & (c > wood) & (r.random(H) < 0.35), wood, c)
        codes[var] = c
        frame[var] = pd.Categorical.from_codes(c, cats)
    luas = np.exp(np.log(36) + 0.35 * np.log(size) + 0.30 * k * zc + r.normal(0, 0.3, H))
    frame["luas_lantai_m2"] = np.clip(np.round(luas), 12, 400).astype(np.int16)
    emp = labour[2024]["employed"][head]
    formal_ind = emp & ~labour["informal_job"][head]
    kb = np.asarray(labour[2024]["kbli"].codes)[head]
    industrial = formal_ind & np.isin(kb, [KBLI.index(s) for s in "BCDO"])
    u = r.random(H)
    p_dinas = np.where(industrial, 0.22, 0.01)
    p_sewa = np.where(head_age < 35, 0.45, 0.15)
    st = np.where(u < p_dinas, 3, np.where(u < p_dinas + p_sewa, 1, np.where(u < p_dinas + p_sewa + 0.07, 2, 0)))
    frame["status_rumah"] = pd.Categorical.from_codes(st, STATUS_RUMAH)
    codes["status_rumah"] = st
    for var, share in ASSETS.items():
        lat = ASSET_LOADING[var] * k * zc + r.standard_normal(H)
        frame[var] = (cut_by_shares(lat, (1 - share, share)) == 1).astype(np.int8)
        codes[var] = frame[var]
    return {"frame": frame, "codes": codes}


def _pmt_design(housing, size, edu_years_head, head_age, head_sex):
    """Design matrix of the proxy-means test: dummies of the housing categories, asset flags,
    household size, floor area per capita, head education, age and sex."""
    cols = [np.ones(size.size), np.log(size), np.log(np.asarray(housing["frame"]["luas_lantai_m2"]) / size),
            edu_years_head.astype(float), head_age.astype(float) / 10, (head_sex == 2).astype(float)]
    for var, (cats, _) in HOUSING.items():
        c = housing["codes"][var]
        for j in range(1, len(cats)):
            cols.append((c == j).astype(float))
    for j in range(1, len(STATUS_RUMAH)):
        cols.append((housing["codes"]["status_rumah"] == j).astype(float))
    for var in ASSETS:
        cols.append(housing["codes"][var].astype(float))
    return np.column_stack(cols)


def _bansos(r, bc, desil, eligible_pkh):
    """PKH, BPNT and PBI receipt from the registry decile (targeting errors follow from it)."""
    d = desil.astype(np.int64) - 1
    u = r.random((3, desil.size))
    pkh = (u[0] < np.asarray(bc["pkh"])[d]) & eligible_pkh
    bpnt = (u[1] < np.asarray(bc["bpnt"])[d]) | (pkh & (u[1] < 0.85))
    pbi = (u[2] < np.asarray(bc["pbi"])[d]) | (pkh & (u[2] < 0.95))
    return {"penerima_pkh": pkh.astype(np.int8), "penerima_bpnt": bpnt.astype(np.int8),
            "penerima_pbi": pbi.astype(np.int8)}


def _identity(r, cfg, persons, birth, kel, kel_of_hh, rt, H):
    """Synthetic identifiers: id_keluarga, No KK, NIK (serials from 9000 up), names, addresses."""
    P = birth.size
    hh = persons["hh"]
    kec_digit = np.array([int(c.split(".")[2]) for c in kel["kode_kecamatan"]], dtype=np.int64)
    kec_h = kec_digit[kel_of_hh]
    # family ids: a random permutation so ids do not reveal place; spare numbers for the registry
    pool = r.permutation(np.arange(1, int(H * 1.3) + 101, dtype=np.int64))
    fam_num, spare = pool[:H], pool[H:]
    id_keluarga = family_ids(fam_num)
    # No KK: 6474 KK DDMMYY SSSS (issue date; serial 9000+ within kecamatan and date)
    lo, hi = (np.datetime64(d, "D") for d in cfg["dates"]["kk_issue_range"])
    issue = lo + r.integers(0, (hi - lo).astype(int) + 1, H).astype("timedelta64[D]")
    no_kk = _id16(kec_h, issue, r)
    # NIK: 64 74 KK DD(+40) MM YY SSSS; KK = kecamatan of first registration (not residence)
    kec_p = kec_h[hh]
    other = r.random(P) < cfg["registry"]["nik_other_kecamatan"]
    alt = (kec_p - 1 + r.integers(1, 3, P)) % 3 + 1
    kec_nik = np.where(other, alt, kec_p)
    nik = _id16(kec_nik, birth, r, female=persons["sex"] == 2)
    # names: categorical combinations of small synthetic lists
    nm, nf, ns = len(FIRST_NAMES_M), len(FIRST_NAMES_F), len(SECOND_NAMES)
    fi = r.integers(0, max(nm, nf), P)
    si = r.integers(0, ns, P)
    female = persons["sex"] == 2
    first = np.where(female, nm * ns + (fi % nf) * ns + si, (fi % nm) * ns + si)
    cats = [f"{a} {b}" for a in FIRST_NAMES_M for b in SECOND_NAMES] + \
           [f"{a} {b}" for a in FIRST_NAMES_F for b in SECOND_NAMES]
    nama = pd.Categorical.from_codes(first, cats)
    # addresses: 1-2 streets per RT, house numbers; a few streets carry a typographic apostrophe
    key = kel_of_hh.astype(np.int64) * 131 + rt.astype(np.int64) * 17
    street = (key + r.integers(0, 2, H)) % len(STREETS)
    names = np.array([f"Jl. {s}" for s in STREETS] + list(STREETS_APOSTROPHE), dtype=object)
    apos = r.random(H) < cfg["registry"]["cp1252_address_share"]
    street = np.where(apos, len(STREETS) + r.integers(0, len(STREETS_APOSTROPHE), H), street)
    num = r.integers(1, 160, H)
    alamat = (pd.Series(names[street], dtype="str") + " No. " + pd.Series(num).astype("str")
              + " RT " + pd.Series(rt_codes(rt), dtype="str")).to_numpy(dtype=object)
    return {"id_keluarga": id_keluarga, "no_kk": no_kk, "nik": nik, "nama": nama, "alamat": alamat,
            "spare_ids": spare}


def _id16(kec: np.ndarray, date: np.ndarray, r, female=None, serial_base: int = 9000) -> np.ndarray:
    """16-digit ``6474 KK DD MM YY SSSS`` strings; serial = base + rank within (KK, date)."""
    date = np.asarray(date).astype("datetime64[D]")
    day = (date - date.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    if female is not None:
        day = day + 40 * female.astype(np.int64)
    month = date.astype("datetime64[M]").astype(np.int64) % 12 + 1
    yy = (date.astype("datetime64[Y]").astype(np.int64) + 1970) % 100
    grp = kec * 10**6 + day * 10**4 + month * 100 + yy
    order = np.argsort(grp, kind="stable")
    g_sorted = grp[order]
    starts = np.r_[0, np.flatnonzero(np.diff(g_sorted)) + 1]
    run_start = np.repeat(starts, np.diff(np.r_[starts, g_sorted.size]))
    rank = np.empty(grp.size, dtype=np.int64)
    rank[order] = np.arange(grp.size) - run_start
    if rank.max() + serial_base > 9999:
        raise ValueError("synthetic serial space exhausted (more than 999 people per date and kecamatan)")
    num = (6474 * 10**12 + kec * 10**10 + day * 10**8 + month * 10**6 + yy * 10**4 + serial_base + rank)
    return num.astype(str).astype(object)


def _blocks_frame(block, nblocks, block_kel, kel, w_h):
    """Census blocks with their welfare stratum (tercile of the block's mean welfare latent
    within the kecamatan) and BPS-style codes."""
    n_hh = np.bincount(block, minlength=nblocks)
    mean_w = np.bincount(block, weights=w_h, minlength=nblocks) / n_hh
    kec = kel["kode_kecamatan"].to_numpy()[block_kel]
    bps = kel["kode_kecamatan_bps"].to_numpy()[block_kel]
    stratum = np.zeros(nblocks, dtype=np.int8)
    for k in np.unique(kec):
        m = kec == k
        stratum[m] = cut_by_shares(mean_w[m], (1, 1, 1)) + 1
    kel_seq = np.array([int(c.split(".")[3]) - 1000 for c in kel["kode_kelurahan"]])[block_kel]
    first = np.r_[0, np.cumsum(n_hh)[:-1]]
    local = np.arange(nblocks) - np.searchsorted(block_kel, block_kel, side="left")
    psu = [f"{b}{s:03d}{i + 1:04d}B" for b, s, i in zip(bps, kel_seq, local)]
    return pd.DataFrame({
        "block_id": np.arange(nblocks, dtype=np.int64),
        "psu": psu,
        "kode_kelurahan": kel["kode_kelurahan"].to_numpy()[block_kel],
        "kode_kecamatan": kec,
        "kode_kecamatan_bps": bps,
        "stratum": stratum,
        "strata": [f"{b}-{s}" for b, s in zip(bps, stratum)],
        "n_households": n_hh,
        "first_hh": first,
        "mean_welfare_latent": mean_w,
    })


# --------------------------------------------------------------------------- truth
POVERTY_DOMAINS = ("kota", "kecamatan", "kelurahan", "hh_head_sex", "hh_head_education")


def poverty_truth(pop: Population) -> pd.DataFrame:
    """True P0, P1, P2 (x100), Gini and counts by domain and year (long format)."""
    hh = pop.households
    rows = []
    size = hh["jumlah_art"].to_numpy().astype(float)
    kel = pop.kelurahan
    kec_names = dict(zip(kel["kode_kecamatan"], kel["kecamatan_nama"]))
    kel_names = dict(zip(kel["kode_kelurahan"], kel["kelurahan_nama"]))
    head_edu_grp = hh["pendidikan_krt"].astype(str).map(EDUCATION_GROUP).to_numpy()
    domains = [("kota", np.full(len(hh), "64.74", dtype=object), {"64.74": "Kota Bontang"}),
               ("kecamatan", hh["kode_kecamatan"].astype(str).to_numpy(), kec_names),
               ("kelurahan", hh["kode_kelurahan"].astype(str).to_numpy(), kel_names),
               ("hh_head_sex", hh["jk_krt"].astype(str).to_numpy(), {"1": "Laki-laki", "2": "Perempuan"}),
               ("hh_head_education", head_edu_grp, {})]
    for y in YEARS:
        yv = hh[f"pengeluaran_kapita_{y}"].to_numpy()
        z = pop.poverty_line(y)
        for level, codes, names in domains:
            for code in sorted(set(codes)):
                m = codes == code
                p0, p1, p2 = fgt(yv[m], size[m], z)
                g = weighted_gini(yv[m], size[m])
                npers = int(size[m].sum())
                npoor = int(size[m][yv[m] < z].sum())
                base = dict(domain_level=level, domain_code=str(code), domain_name=names.get(code, str(code)),
                            period=str(y))
                for ind, val, unit in (("p0", p0, "percent"), ("p1", p1, "index_x100"), ("p2", p2, "index_x100"),
                                       ("gini", g, "ratio"), ("n_poor", npoor, "count"),
                                       ("n_persons", npers, "count"), ("n_households", int(m.sum()), "count"),
                                       ("poverty_line", z, "rupiah")):
                    rows.append({"indicator": ind, **base, "value": float(val), "unit": unit})
    out = pd.DataFrame(rows)
    return out.sort_values(["indicator", "period", "domain_level", "domain_code"], kind="mergesort").reset_index(drop=True)


LABOUR_AGE_GROUPS = (("15-24", 15, 24), ("25-34", 25, 34), ("35-44", 35, 44), ("45-54", 45, 54), ("55+", 55, 200))


def labour_truth(pop: Population) -> pd.DataFrame:
    """True labour indicators (BPS definitions, ages at the Sakernas reference date) by domain.

    Definitions (the same as :mod:`analysis.labour.definitions`): employed = aged 15+ and worked
    >= 1 hour or temporarily absent; unemployed = not employed and looking, preparing a business,
    discouraged or already accepted; underemployment and part-time are shares of the employed
    among those *at work* (< 35 hours, wanting / not wanting more work); informal = status
    1, 2, 5, 6, 7 among the employed; NEET = 15-24 not employed, not in school, not in training.
    """
    rows = []
    kel = pop.kelurahan
    kec_names = dict(zip(kel["kode_kecamatan"], kel["kecamatan_nama"]))
    pa = pop.person_arrays
    sexc = pa["jenis_kelamin"].astype(np.int64)
    kec_cat = pop.persons["kode_kecamatan"].cat
    kec_i = kec_cat.codes.to_numpy().astype(np.int64)
    kec_codes = list(kec_cat.categories)
    edu_i = pop.persons["pendidikan"].cat.codes.to_numpy()
    eg_names = ("sd_kebawah", "smp", "sma", "smk", "diploma", "universitas")
    eg_i = _EDU_GROUP_INDEX[edu_i]
    for y in YEARS:
        age = pa[f"umur_{y}"]
        wa = age >= 15
        at_work = wa & (pa[f"bekerja_seminggu_{y}"] == 1)
        emp = at_work | (wa & (pa[f"sementara_tidak_bekerja_{y}"] == 1))
        al = np.asarray(pop.persons[f"alasan_tidak_mencari_{y}"].cat.codes)
        unemp = wa & ~emp & ((pa[f"mencari_pekerjaan_{y}"] == 1) | (pa[f"mempersiapkan_usaha_{y}"] == 1)
                             | (al == ALASAN.index("putus_asa")) | (al == ALASAN.index("sudah_diterima")))
        lf = emp | unemp
        jam = pa[f"jam_kerja_{y}"].astype(float)
        short = at_work & (jam < 35)
        wants = (pa[f"mencari_kerja_tambahan_{y}"] == 1) | (pa[f"bersedia_tambah_jam_{y}"] == 1)
        st = pop.persons[f"status_pekerjaan_{y}"].to_numpy(dtype=float, na_value=np.nan)
        informal = emp & np.isin(st, [1, 2, 5, 6, 7])
        emp_st = emp & ~np.isnan(st)
        youth = (age >= 15) & (age <= 24)
        neet = youth & ~emp & (pa[f"sedang_sekolah_{y}"] == 0) & (pa[f"ikut_pelatihan_{y}"] == 0)
        ag_i = np.select([(age >= lo) & (age <= hi) for _, lo, hi in LABOUR_AGE_GROUPS],
                         list(range(len(LABOUR_AGE_GROUPS))), -1)
        domains = [
            ("kota", np.zeros(age.size, dtype=np.int64), ["64.74"], {"64.74": "Kota Bontang"}),
            ("kecamatan", kec_i, kec_codes, kec_names),
            ("sex", sexc - 1, ["1", "2"], {"1": "Laki-laki", "2": "Perempuan"}),
            ("education", eg_i, list(eg_names), {}),
            ("age_group", ag_i, [c for c, _, _ in LABOUR_AGE_GROUPS], {}),
            ("kecamatan_x_sex", kec_i * 2 + sexc - 1, [f"{k}|{x}" for k in kec_codes for x in ("1", "2")], {}),
        ]
        for level, idx, codes, names in domains:
            ok = idx >= 0
            K = len(codes)

            def tot(mask):
                return np.bincount(idx[ok], weights=mask[ok].astype(float), minlength=K)

            T = {k: tot(v) for k, v in dict(wa=wa, lf=lf, emp=emp, unemp=unemp, under=short & wants,
                                             part=short & ~wants, inf=informal, emp_st=emp_st,
                                             yl=lf & youth, yu=unemp & youth, neet=neet, youth=youth).items()}
            with np.errstate(divide="ignore", invalid="ignore"):
                vals = [("tpt", 100 * T["unemp"] / T["lf"], "percent"), ("tpak", 100 * T["lf"] / T["wa"], "percent"),
                        ("tkk", 100 * T["emp"] / T["lf"], "percent"),
                        ("underemployment", 100 * T["under"] / T["emp"], "percent"),
                        ("parttime", 100 * T["part"] / T["emp"], "percent"),
                        ("informal", 100 * T["inf"] / T["emp_st"], "percent"),
                        ("working_age", T["wa"], "count"), ("labour_force", T["lf"], "count"),
                        ("employed", T["emp"], "count"), ("unemployed", T["unemp"], "count")]
                if level in ("kota", "kecamatan", "sex", "kecamatan_x_sex"):
                    vals += [("youth_tpt", 100 * T["yu"] / T["yl"], "percent"),
                             ("neet", 100 * T["neet"] / T["youth"], "percent")]
            for j, code in enumerate(codes):
                for ind, arr, unit in vals:
                    rows.append({"indicator": ind, "domain_level": level, "domain_code": code,
                                 "domain_name": names.get(code, code), "period": str(y),
                                 "value": float(arr[j]), "unit": unit})
    out = pd.DataFrame(rows)
    return out.sort_values(["indicator", "period", "domain_level", "domain_code"], kind="mergesort").reset_index(drop=True)
