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

from analysis.synth import reference as ref
from analysis.synth.helpers import (COMPONENTS, EDU_YEARS, EDUCATION, EDUCATION_GROUP,  # noqa: F401 (COMPONENTS: see above)
                                    YEARS, age_at, allocate, component_seed, cut_by_shares, draw_by_group,
                                    fgt, load_synth_config, weighted_gini)
from analysis.synth.identity import _identity
from analysis.synth.labour import ALASAN, KEGIATAN, LABOUR_STATUS, _EDU_GROUP_INDEX, _labour
from analysis.synth.welfare import (_bansos, _consumption, _housing, _pmt_design, _registry_membership,
                                    _registry_scores, _unobserved_term, _welfare_latent)


POPULATION_PARTS = ("geography", "households", "demography", "education", "labour", "welfare",
                    "housing", "pmt", "bansos", "identity", "sex_fix", "registry_coverage",
                    "welfare_unobserved")


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


_LABOUR_COLUMNS = ("umur", "status_angkatan_kerja", "bekerja_seminggu", "sementara_tidak_bekerja",
                   "mencari_pekerjaan", "mempersiapkan_usaha", "mencari_kerja_tambahan", "bersedia_tambah_jam",
                   "sedang_sekolah", "ikut_pelatihan", "kegiatan_utama", "alasan_tidak_mencari", "jam_kerja",
                   "status_pekerjaan", "kbli_kategori", "kbji_golongan")


PERSON_COLUMNS = (
    "person_id", "hh_id", "id_keluarga", "no_kk", "nik", "nama", "hubungan_kk", "jenis_kelamin", "tanggal_lahir",
    "umur", "pendidikan", "disabilitas", "kode_kecamatan", "kode_kecamatan_bps", "kode_kelurahan", "job_informal",
) + tuple(f"{c}_{y}" for y in YEARS for c in _LABOUR_COLUMNS)


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
