"""Build the demo raw folder and its truth: ``python -m analysis.synth --config config/synth-demo.yaml``.

Order of the build (each component draws from its own child of ``SeedSequence(seed)``, see
:data:`analysis.synth.population.COMPONENTS`): population -> registry extract -> surveys ->
faults -> reference tables -> Disnaker tables (if ``analysis.synth.disnaker`` exists) -> truth ->
README and MANIFEST. Output bytes depend only on the configuration, the seed and the locked
package versions: CSVs have a fixed float format and ``\\n`` line ends, the Stata file a fixed
time stamp, JSON sorted keys, and no file records the time of the run.
"""
from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import io
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import paths
from analysis.codes import KOTA_CODE, KOTA_NAME
from analysis.config import load_config
from analysis.io import atomic_write_bytes, atomic_write_json, atomic_write_text, sha256_file
from analysis.synth import dirt as dirt_mod
from analysis.synth import reference as ref
from analysis.synth.helpers import EDUCATION_GROUP, YEARS, component_rng, load_synth_config, rt_codes
from analysis.synth.population import Population, build_population, labour_truth, poverty_truth
from analysis.synth.registry import build_registry
from analysis.synth.surveys import draw_sakernas_sample, draw_susenas_sample

RUN_CONFIG = "config/demo-2024.yaml"
CSV_FLOAT_FORMAT = "%.10g"
STATA_TIME_STAMP = dt.datetime(2024, 7, 1, 0, 0)
CP1252_INPUTS = ("dtsen_households",)     # written in Windows-1252 (an Excel export)
DIRT_PARTS = ("registry", "susenas_2023", "susenas_2024", "sakernas_2023", "sakernas_2024", "field_visit")
"""Seed streams of the faults (children of one SeedSequence, in this order). Append only."""
FIELD_VISIT_FILE = "registry/kunjungan_lapangan.csv"


# --------------------------------------------------------------------------- writers
def csv_bytes(df: pd.DataFrame, encoding: str = "utf-8") -> bytes:
    """CSV with a fixed float format and ``\\n`` line ends (stable bytes)."""
    text = df.to_csv(index=False, lineterminator="\n", float_format=CSV_FLOAT_FORMAT)
    return text.encode(encoding)


def write_csv(df: pd.DataFrame, path: Path, encoding: str = "utf-8") -> Path:
    return atomic_write_bytes(csv_bytes(df, encoding), path)


def write_dta(df: pd.DataFrame, path: Path, label: str, variable_labels: dict | None = None) -> Path:
    """Stata 118 file (UTF-8 strings) with a fixed time stamp; text columns as ``str``."""
    out = df.copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.CategoricalDtype) or out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].astype(object).where(out[c].notna(), "").astype(str)
        elif str(out[c].dtype) in ("Int8", "Int16", "Int32", "Int64"):
            if out[c].isna().any():
                out[c] = out[c].astype(float)
            else:
                out[c] = out[c].astype(str(out[c].dtype).lower())
    buf = io.BytesIO()
    labels = {k: v[:80] for k, v in (variable_labels or {}).items() if k in out.columns}
    out.to_stata(buf, write_index=False, version=118, time_stamp=STATA_TIME_STAMP, data_label=label[:80],
                 variable_labels=labels)
    return atomic_write_bytes(buf.getvalue(), path)


# --------------------------------------------------------------------------- the build
def build(config=None, *, n_persons: int | None = None, raw_dir: str | Path | None = None,
          truth_dir: str | Path | None = None, run_config: str | Path = RUN_CONFIG,
          disnaker: bool = True, verbose: bool = True) -> dict:
    """Generate the raw demo files and the truth files.

    Parameters
    ----------
    config : path or dict, optional
        Generator configuration (default ``config/synth-demo.yaml``).
    n_persons : int, optional
        Population size (default: the configuration's, i.e. the published 191,811).
    raw_dir, truth_dir : path, optional
        Override the configured output folders (e.g. for a benchmark).
    run_config : path
        Run configuration whose ``inputs`` give the raw file names.
    disnaker : bool
        Call ``analysis.synth.disnaker.write_disnaker`` when that module exists.

    Returns
    -------
    dict
        ``raw_files``, ``truth_files``, ``timings`` (seconds) and ``headline`` truth values.
    """
    t0 = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(name, t):
        timings[name] = round(time.perf_counter() - t, 3)
        if verbose:
            print(f"  {name:<12} {timings[name]:7.2f} s", flush=True)
        return time.perf_counter()

    cfg = load_synth_config(config)
    seed = int(cfg["seed"])
    raw = paths.resolve(raw_dir or cfg["raw_dir"])
    truth = paths.resolve(truth_dir or cfg["truth_dir"])
    run = load_config(run_config)
    files = {name: spec["file"] for name, spec in run.inputs.items()}
    src = ref.find_reference_source(cfg["reference_sources"])

    t = time.perf_counter()
    pop = build_population(cfg, n_persons=n_persons, reference_source=src)
    t = lap("population", t)
    reg = build_registry(pop, component_rng(seed, "registry"))
    t = lap("registry", t)

    samples, units = {}, []
    for kind, draw, sc in (("susenas", draw_susenas_sample, cfg["susenas"]),
                           ("sakernas", draw_sakernas_sample, cfg["sakernas"])):
        for y in YEARS:
            name = f"{kind}_{y}"
            df = draw(pop, y, component_rng(seed, name), n_psu=sc["n_psu"], hh_per_psu=sc["hh_per_psu"],
                      respondents=sc["respondents"][str(y)], with_truth=True)
            u = df.drop_duplicates("id_rt")[["id_rt", "_hh_id"]]
            units.append(pd.DataFrame({"dataset": name, "id_rt": u["id_rt"].to_numpy(),
                                       "hh_id": u["_hh_id"].to_numpy(),
                                       "id_keluarga": pop.households["id_keluarga"].to_numpy()[u["_hh_id"].to_numpy()]}))
            samples[name] = df.drop(columns=[c for c in df.columns if c.startswith("_")])
    t = lap("surveys", t)

    # faults
    dseed = component_rng(seed, "dirt").bit_generator.seed_seq.spawn(len(DIRT_PARTS))
    drng = {k: np.random.default_rng(s) for k, s in zip(DIRT_PARTS, dseed)}
    log = dirt_mod.FaultLog()
    hh_d, mb_d = dirt_mod.dirty_registry(reg["households"].drop(columns=["_kode_kelurahan"]), reg["members"],
                                         drng["registry"], cfg["dirt"], pop.kelurahan,
                                         cfg["dates"]["registry_extract"], reg["spare_ids_left"], log)
    for y in YEARS:
        samples[f"susenas_{y}"] = dirt_mod.dirty_susenas(samples[f"susenas_{y}"], drng[f"susenas_{y}"],
                                                         cfg["dirt"]["susenas_expenditure_x100"], f"susenas_{y}", log)
        samples[f"sakernas_{y}"] = dirt_mod.dirty_sakernas(samples[f"sakernas_{y}"], drng[f"sakernas_{y}"],
                                                           cfg["dirt"]["sakernas_hours_outlier"], f"sakernas_{y}", log)
    hh_true = reg["households"]
    visits = dirt_mod.field_visits(hh_true, reg["members"], log.frame(),
                                   hh_true.set_index("id_keluarga")["_kode_kelurahan"], drng["field_visit"],
                                   cfg["field_visit"], mb_d)
    log.add("dtsen_households", ["*"], "*", "encoding_cp1252", "*", "utf-8", "cp1252")
    log.add("susenas_2024", ["*"], "*", "format_stata_dta", "*", "csv", "dta")
    t = lap("faults", t)

    # raw files
    raw.mkdir(parents=True, exist_ok=True)
    written = []
    written.append(write_csv(hh_d, raw / files["dtsen_households"], "cp1252"))
    written.append(write_csv(mb_d, raw / files["dtsen_members"]))
    written.append(write_csv(visits, raw / FIELD_VISIT_FILE))
    for name in ("susenas_2023", "susenas_2024", "sakernas_2023", "sakernas_2024"):
        path = raw / files[name]
        if path.suffix == ".dta":
            written.append(write_dta(samples[name], path,
                                     f"SYNTHETIC Susenas KP Maret {name[-4:]} Kota Bontang - no real person",
                                     SUSENAS_LABELS))
        else:
            written.append(write_csv(samples[name], path))
    written += ref.write_reference(raw, src)
    t = lap("raw", t)

    if disnaker and importlib.util.find_spec("analysis.synth.disnaker") is not None:
        mod = importlib.import_module("analysis.synth.disnaker")
        written += [Path(p) for p in (mod.write_disnaker(pop, seed, raw, truth) or [])]
        t = lap("disnaker", t)

    # truth
    truth.mkdir(parents=True, exist_ok=True)
    pt = poverty_truth(pop)
    lt = labour_truth(pop)
    tw = [write_csv(pt, truth / "poverty.csv"), write_csv(lt, truth / "labour.csv"),
          write_csv(household_truth(pop), truth / "households.csv"),
          write_csv(reg["rows"], truth / "registry_rows.csv"),
          write_csv(decile_transitions(reg["households"]), truth / "decile_transitions.csv"),
          write_csv(population_totals(pop), truth / "population_totals.csv"),
          write_csv(pd.concat(units, ignore_index=True), truth / "sample_units.csv"),
          write_csv(log.frame(), truth / "injected_faults.csv")]
    tw.append(atomic_write_text(truth_readme(cfg, pop, pt, lt), truth / "README.md"))
    t = lap("truth", t)

    atomic_write_text(raw_readme(cfg, pop, files), raw / "README.md")
    manifest = write_manifest(raw, files)
    timings["total"] = round(time.perf_counter() - t0, 3)
    return {"raw_files": sorted(manifest), "truth_files": [str(p) for p in tw], "timings": timings,
            "headline": headline(pt, lt), "population": repr(pop)}


SUSENAS_LABELS = {
    "tahun": "Tahun survei", "id_rt": "ID rumah tangga (sintetis)", "kode_kecamatan_bps": "Kode kecamatan BPS",
    "kode_kelurahan": "Kode kelurahan Kemendagri", "strata": "Strata (kecamatan BPS x tercile kesejahteraan)",
    "psu": "Blok sensus (PSU)", "bobot": "Penimbang rumah tangga", "jumlah_art": "Jumlah anggota rumah tangga",
    "pengeluaran_kapita": "Pengeluaran per kapita sebulan (Rp)",
    "pengeluaran_makanan_kapita": "Pengeluaran makanan per kapita sebulan (Rp)",
    "jk_krt": "Jenis kelamin KRT", "umur_krt": "Umur KRT", "pendidikan_krt": "Pendidikan KRT",
}


def write_manifest(raw: Path, files: dict) -> dict:
    """``MANIFEST.json``: {relative path: {sha256, bytes, format, encoding}} for every raw file."""
    cp = {files[n] for n in CP1252_INPUTS if n in files}
    man = {}
    for p in sorted(raw.rglob("*")):
        if not p.is_file() or p.name == "MANIFEST.json" or p.name.startswith("."):
            continue
        rel = p.relative_to(raw).as_posix()
        ext = p.suffix.lower().lstrip(".")
        fmt = {"csv": "csv", "dta": "stata_118", "xlsx": "xlsx", "md": "markdown", "json": "json",
               "sav": "spss"}.get(ext, ext)
        if ext in ("dta", "xlsx", "sav"):
            enc = "utf-8" if ext == "dta" else "binary"
        elif rel in cp:
            enc = "cp1252"
        else:
            try:
                p.read_bytes().decode("utf-8")
                enc = "utf-8"
            except UnicodeDecodeError:
                enc = "cp1252"
        man[rel] = {"sha256": sha256_file(p), "bytes": p.stat().st_size, "format": fmt, "encoding": enc}
    atomic_write_json(man, raw / "MANIFEST.json")
    return man


# --------------------------------------------------------------------------- truth tables
def household_truth(pop: Population) -> pd.DataFrame:
    """True welfare and targeting variables per household, keyed by ``id_keluarga``."""
    h = pop.households
    cols = ["id_keluarga", "hh_id", "kode_kecamatan", "kode_kelurahan", "rt", "block_id", "stratum", "jumlah_art",
            "jk_krt", "umur_krt", "pendidikan_krt", "pengeluaran_kapita_2023", "pengeluaran_kapita_2024",
            "miskin_2023", "miskin_2024", "welfare_latent", "pmt_score", "desil_nasional", "desil_verifikasi",
            "desil_benar", "in_registry", "penerima_pkh", "penerima_bpnt", "penerima_pbi"]
    out = h[cols].copy()
    out["rt"] = rt_codes(out["rt"].to_numpy())
    out["miskin_2023"] = out["miskin_2023"].astype(np.int8)
    out["miskin_2024"] = out["miskin_2024"].astype(np.int8)
    out["welfare_latent"] = out["welfare_latent"].round(6)
    return out.sort_values("id_keluarga", kind="mergesort").reset_index(drop=True)


def decile_transitions(households: pd.DataFrame) -> pd.DataFrame:
    """Counts of verified families (tetap) by decile before and after verification (clean data)."""
    v = households[households["hasil_verifikasi"] == "tetap"]
    t = v.groupby(["desil_nasional", "desil_verifikasi"], observed=True).size().rename("n_keluarga").reset_index()
    return t.sort_values(["desil_nasional", "desil_verifikasi"], kind="mergesort").reset_index(drop=True)


def population_totals(pop: Population) -> pd.DataFrame:
    """Persons, households, males and females by kota, kecamatan and kelurahan (kelurahan figures
    are a SYNTHETIC allocation)."""
    p, h = pop.persons, pop.households
    rows = []
    kel = pop.kelurahan
    for level, pcol, names in (("kota", None, {KOTA_CODE: KOTA_NAME}),
                               ("kecamatan", "kode_kecamatan", dict(zip(kel["kode_kecamatan"], kel["kecamatan_nama"]))),
                               ("kelurahan", "kode_kelurahan", dict(zip(kel["kode_kelurahan"], kel["kelurahan_nama"])))):
        pc = np.full(len(p), KOTA_CODE, dtype=object) if pcol is None else p[pcol].astype(str).to_numpy()
        hc = np.full(len(h), KOTA_CODE, dtype=object) if pcol is None else h[pcol].astype(str).to_numpy()
        for code in sorted(set(pc)):
            m = pc == code
            rows.append({"domain_level": level, "domain_code": code, "domain_name": names[code],
                         "persons": int(m.sum()), "households": int((hc == code).sum()),
                         "male": int((m & (p["jenis_kelamin"].to_numpy() == 1)).sum()),
                         "female": int((m & (p["jenis_kelamin"].to_numpy() == 2)).sum()),
                         "aged_15_plus_2024": int((m & (p["umur_2024"].to_numpy() >= 15)).sum())})
    return pd.DataFrame(rows)


def headline(pt: pd.DataFrame, lt: pd.DataFrame) -> dict:
    """Key truth values (kota and kecamatan) for the build summary."""
    out = {}
    for df in (pt, lt):
        sel = df[df["domain_level"].isin(["kota", "kecamatan"])
                 & df["indicator"].isin(["p0", "p1", "p2", "gini", "tpt", "tpak", "informal", "youth_tpt",
                                         "underemployment", "neet"])]
        for r in sel.itertuples():
            out[f"{r.indicator}|{r.domain_code}|{r.period}"] = round(r.value, 4)
    return out


# --------------------------------------------------------------------------- READMEs
def raw_readme(cfg: dict, pop: Population, files: dict) -> str:
    lines = pop.poverty_lines
    return f"""# SYNTHETIC DATA — no real person

Every file in this folder was **generated** by the repository's seeded generator. No record
describes a real person, family or household: names, NIK, No KK, addresses and all values are
synthetic. The files imitate the *structure* of the confidential sources a Bontang analysis
would use, calibrated to published aggregates only.

## Data availability statement

The real microdata (BPS Susenas and Sakernas, the DTSEN registry of Dinas Sosial dan
Pemberdayaan Masyarakat, Disnaker's AK/I registrations) are confidential and cannot be shared.
This folder holds a synthetic substitute that can be regenerated byte for byte:

    python -m analysis.synth --config config/synth-demo.yaml

(seed {cfg['seed']}, {pop.n_persons:,} persons in {len(pop.households):,} households; package
versions from `requirements/lock.txt`). `MANIFEST.json` lists the SHA-256, size, format and
encoding of every file. The true values of the synthetic population are in `data/truth/demo/`
(for tests only; the pipeline never reads them).

| file | imitates | notes |
|---|---|---|
| `{files['dtsen_households']}` | DTSEN family extract (SIKS-NG export, Dinsos-PM), state of 21 May 2025 | **Windows-1252** (Excel export; addresses with ’); verification complete in Bontang Selatan and Barat, partial in Utara; ghost records, duplicates, spelling variants, missing values |
| `{files['dtsen_members']}` | DTSEN family members | UTF-8; synthetic NIK `6474 KK DD MM YY SSSS` with serials **9000 and up** (9700+ for ghost records) — not realistic by construction; malformed NIK, duplicates, impossible ages |
| `registry/kunjungan_lapangan.csv` | visit records of kelurahan verification teams (berita acara): floor areas re-measured where the export has none, birth dates read from the family card of heads recorded as 7 years old | UTF-8; what a field team could know (measurement error included); the only source of the demo registry corrections in `data/corrections/demo/` |
| `{files['susenas_2023']}` | Susenas Konsumsi Pengeluaran Maret 2023 (household) | CSV; 57 blok sensus x 10 households, PPS; two expenditures typed x100 |
| `{files['susenas_2024']}` | Susenas Konsumsi Pengeluaran Maret 2024 (household) | Stata 118 (as BPS distributes microdata); 559 of 570 households responded |
| `{files['sakernas_2023']}`, `{files['sakernas_2024']}` | Sakernas Agustus 2023, 2024 (persons aged 10+) | CSV; 53 blok sensus x 10 households, 525 responding; two impossible weekly hours |
| `reference/wilayah_bontang.csv`, `reference/published_indicators.csv` | Kemendagri/BPS codes; published figures | byte copies of `data/reference/` (sources in the files) |
| `reference/poverty_lines.csv` | BPS garis kemiskinan Kota Bontang | the `bontang_garis_kemiskinan` rows of the published table (2023: Rp{lines[2023]:,.0f}; 2024: Rp{lines[2024]:,.0f}) |
| `disnaker/…` (if present) | Disnaker AK/I, vacancies, training | written by `analysis.synth.disnaker` |

Column definitions: `src/analysis/contracts/*.yaml` (and `docs/data_dictionary.md`). The
synthetic assumptions (kelurahan populations, welfare effects, rates of faults …) are in
`config/synth-demo.yaml`.
"""


def truth_readme(cfg: dict, pop: Population, pt: pd.DataFrame, lt: pd.DataFrame) -> str:
    def v(df, ind, y, level="kota", code="64.74"):
        r = df[(df.indicator == ind) & (df.period == str(y)) & (df.domain_level == level) & (df.domain_code == code)]
        return float(r["value"].iloc[0])

    return f"""# Truth of the SYNTHETIC Bontang — for validation tests only

These files hold the true values of the synthetic population behind `data/raw/demo/`. They exist
so that tests, benchmarks and simulations can check estimators against a known truth. **No
pipeline stage may read this folder** (docs/ARCHITECTURE.md). Regenerate with
`python -m analysis.synth --config config/synth-demo.yaml` (seed {cfg['seed']}).

Headline truth: P0 {v(pt, 'p0', 2023):.2f} % (2023) and {v(pt, 'p0', 2024):.2f} % (2024) at the published
lines; P1 {v(pt, 'p1', 2023):.2f} / {v(pt, 'p1', 2024):.2f}; P2 {v(pt, 'p2', 2023):.3f} / {v(pt, 'p2', 2024):.3f}; Gini
{v(pt, 'gini', 2023):.3f} / {v(pt, 'gini', 2024):.3f}; TPT {v(lt, 'tpt', 2023):.2f} % / {v(lt, 'tpt', 2024):.2f} %; TPAK
{v(lt, 'tpak', 2023):.2f} % / {v(lt, 'tpak', 2024):.2f} %.

| file | content |
|---|---|
| `poverty.csv` | P0 (percent), P1, P2 (index x100), Gini (ratio), poor persons, persons, households, poverty line; by kota, kecamatan, kelurahan, head sex, head education group; 2023 and 2024. Poor = per-capita expenditure **strictly below** the line. Gini: exact person-expanded Gini of per-capita expenditure. |
| `labour.csv` | TPT, TPAK, TKK, underemployment, part-time, informal share, youth (15-24) TPT, NEET, and counts; by kota, kecamatan, sex, education group (SMA and SMK apart), age group, kecamatan x sex; August 2023 and 2024 (ages at 15 August). Definitions of `analysis.labour.definitions`: under-employment and part-time are shares of the employed, counted among those at work (< 35 hours). |
| `households.csv` | one row per true household (= family), keyed by `id_keluarga`: true per-capita expenditure 2023/2024, poor flags, welfare latent, PMT score, registry decile before/after verification, true decile (`desil_benar`, same person shares), registry coverage, bansos receipt. For targeting evaluation. |
| `registry_rows.csv` | every row of the clean registry extract: `row_type` terdaftar (registered true family), belum_terdaftar (true family added as `baru`), pindah / meninggal / tidak_ditemukan (ghost records built from a template family), ganda (second record of `duplicate_of`); `in_population`, `verified`. |
| `decile_transitions.csv` | families confirmed (`tetap`) by desil_nasional x desil_verifikasi, clean data. |
| `population_totals.csv` | persons, households, sex, aged 15+ by kota, kecamatan, kelurahan. Kecamatan and sex totals are the published 2024 figures; **kelurahan totals are a synthetic allocation**. |
| `sample_units.csv` | which population household each survey `id_rt` is. |
| `injected_faults.csv` | every fault injected into the raw files: dataset, row key (as it appears in the raw file), fault, column, original and injected value. Rates in `config/synth-demo.yaml` (`dirt`). |

Synthetic simplifications: the population is static between 2023 and 2024 (same persons; ages at
each reference date; 2023 labour force anchored on the published TPAK change -0.60 pt rather than
on the derived count 94,923); one household = one family; kelurahan populations, welfare effects
by kelurahan (higher poverty in Lok Tuan, Berbas Tengah, Tanjung Laut), housing shares, KBLI/KBJI
mixes and bansos receipt probabilities are assumptions listed in `config/synth-demo.yaml`.
"""
