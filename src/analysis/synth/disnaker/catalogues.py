"""The generator's catalogues, read from CSV files shipped with the package (``data/``).

==============================  =================================================================
``occupations.csv``             KBJI 2014 (= ISCO-08) unit groups used in the demo: code, Indonesian
                                and English title, ``u`` relative stock of seekers wanting it (0 =
                                reference only), ``kappa`` latent imbalance (DEMO ASSUMPTION; > 0
                                shortage), ``sectors`` (A anchor plant, C contractor, S services, U
                                UMKM), required certificate (``-`` none), modal minimum education,
                                base wage (Rp juta/month), share of women among seekers, ``variants``
                                (local and official titles, ``;``-separated)
``generic_titles.csv``          generic titles that fit several codes (what makes a perfect coder
                                impossible): term and its codes, most common first
``kbji_major_groups.csv``,      KBJI 2014 major, sub-major and minor groups used by the demo
``kbji_sub_major_groups.csv``,  (Indonesian and English titles; skill level of the major groups)
``kbji_minor_groups.csv``
``kbli2020_sections.csv``       KBLI 2020 sections (kategori)
``programmes.csv``              training programmes (DEMO ASSUMPTIONS: providers, costs, effects):
                                target KBJI (``code:weight``), certificate, days, cost (Rp juta),
                                cohorts a year, oversubscription, ``true_att`` (effect on employment
                                6 months after training, proportion), ``self_emp`` (effect through
                                self-employment), funding source
==============================  =================================================================

Every file is UTF-8 CSV read as text (``keep_default_na=False``: empty stays empty).
"""
from __future__ import annotations

from importlib import resources

import pandas as pd


def _read(name: str) -> pd.DataFrame:
    with resources.files(__package__).joinpath("data", name).open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


GENERIC: dict[str, list[str]] = {r.term: r.kbji4_codes.split(";") for r in _read("generic_titles.csv").itertuples()}
_GENERIC_BY_CODE: dict[str, list[str]] = {}
for _term, _codes in GENERIC.items():
    for _c in _codes:
        _GENERIC_BY_CODE.setdefault(_c, []).append(_term)

MAJOR_GROUPS = [tuple(r) for r in _read("kbji_major_groups.csv")[["kode", "judul_id", "title_en", "skill_level"]]
                .itertuples(index=False)]
SUB_MAJOR = {r.kode: (r.judul_id, r.title_en) for r in _read("kbji_sub_major_groups.csv").itertuples()}
MINOR = {r.kode: (r.judul_id, r.title_en) for r in _read("kbji_minor_groups.csv").itertuples()}
KBLI_SECTIONS = [tuple(r) for r in _read("kbli2020_sections.csv")[["kategori", "judul_id", "title_en"]]
                 .itertuples(index=False)]


def catalogue() -> pd.DataFrame:
    """Occupation catalogue of the demo (KBJI 4-digit rows with their demo parameters)."""
    df = _read("occupations.csv")
    for c in ("u", "kappa", "wage", "female"):
        df[c] = df[c].astype(float)
    df["cert"] = df["cert"].replace("-", "")
    return df


def programmes() -> pd.DataFrame:
    """Training programme table of the demo (with the true ATT, a demo assumption)."""
    df = _read("programmes.csv")
    for c in ("duration_days", "cohorts_per_year", "self_emp"):
        df[c] = df[c].astype(int)
    for c in ("cost_juta", "oversub", "true_att"):
        df[c] = df[c].astype(float)
    df["certificate"] = df["certificate"].replace("-", "")
    return df
