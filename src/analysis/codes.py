"""Codes and fixed wording shared by every stage, in one place.

* The city's Kemendagri code and name (:data:`KOTA_CODE`, :data:`KOTA_NAME`).
* Kecamatan and kelurahan codes and names, always taken from the run's wilayah table
  (:func:`area_names`), never typed in code.
* Education codes and the groups of BPS releases, derived from the data contracts
  (:func:`education_codes`, :func:`education_groups`).
* The synthetic-data banner in each brief language (:data:`SYNTHETIC_BANNER`).
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

KOTA_CODE = "64.74"
"""Kemendagri code of Kota Bontang (kecamatan ``64.74.0k``, kelurahan ``64.74.0k.1xxx``)."""
KOTA_NAME = "Kota Bontang"
LEVELS = ("kota", "kecamatan", "kelurahan")
SEX_NAMES = {"1": "Laki-laki", "2": "Perempuan"}
"""``jenis_kelamin`` codes of every contract (BPS: 1 male, 2 female)."""

SYNTHETIC_BANNER: dict[str, tuple[str, str]] = {
    "id": ("DATA SINTETIS \u2014 bukan data resmi",
           "Semua angka dalam ringkasan ini dihitung dari data sintetis untuk demonstrasi metode. "
           "Jangan dikutip sebagai statistik Kota Bontang."),
    "en": ("SYNTHETIC DATA \u2014 not official statistics",
           "Every number in this brief is computed from synthetic data to demonstrate the methods. "
           "Do not quote it as a statistic of Kota Bontang."),
}
"""Language -> (headline, detail) of the banner every output built from synthetic data carries."""


def banner_text(lang: str = "en") -> str:
    """The synthetic-data banner as one line (headline and detail) in one language."""
    head, detail = SYNTHETIC_BANNER[lang.split("_")[0]]
    return f"{head}. {detail}"


# -------------------------------------------------------------------------------- geography
def area_names(wilayah: pd.DataFrame) -> dict[str, dict[str, str]]:
    """``{level: {kemendagri_code: name}}`` for kota, kecamatan and kelurahan of a wilayah table.

    Parameters
    ----------
    wilayah : DataFrame
        The run's ``wilayah`` table (columns ``kemendagri_code, name, level``), raw or cleaned.
    """
    need = {"kemendagri_code", "name", "level"}
    if not need <= set(wilayah.columns):
        raise KeyError(f"wilayah table needs columns {sorted(need)}, has {list(wilayah.columns)}")
    out = {}
    for level in LEVELS:
        w = wilayah[wilayah["level"].astype(str) == level]
        out[level] = dict(zip(w["kemendagri_code"].astype(str), w["name"].astype(str)))
    return out


def kecamatan_codes(wilayah: pd.DataFrame) -> list[str]:
    """Sorted Kemendagri kecamatan codes of a wilayah table."""
    return sorted(area_names(wilayah)["kecamatan"])


def with_kota(names: dict[str, str]) -> dict[str, str]:
    """A code -> name mapping with the city added (for tables that mix kota and kecamatan rows)."""
    return {KOTA_CODE: KOTA_NAME, **names}


# -------------------------------------------------------------------------------- education
LOW_EDUCATION_TOP = "sd"
"""Highest code of the "SD ke bawah" group of BPS labour and poverty releases."""
EDUCATION_GROUP_NAMES = {
    "sd_kebawah": "SD ke bawah", "smp": "SMP", "sma": "SMA", "smk": "SMK",
    "diploma": "Diploma I/II/III", "universitas": "Universitas",
}


@lru_cache(maxsize=1)
def education_codes() -> tuple[str, ...]:
    """The ``pendidikan`` codes in their order, from the Sakernas contract (lowest first).

    Every other contract's education column must use the same codes (a test checks it).
    """
    from analysis.contracts import load_contracts

    spec = load_contracts()["sakernas"].columns["pendidikan"]
    if not spec.allowed:
        raise ValueError("contract sakernas.pendidikan declares no allowed codes")
    return tuple(spec.allowed)


def education_groups() -> dict[str, str]:
    """``pendidikan`` code -> group: codes up to SD collapse to ``sd_kebawah``, the rest stay.

    SMA (general) and SMK (vocational) stay apart, as in BPS labour releases.
    """
    codes = education_codes()
    top = codes.index(LOW_EDUCATION_TOP)
    return {c: ("sd_kebawah" if i <= top else c) for i, c in enumerate(codes)}


def education_group_order() -> tuple[str, ...]:
    """The groups in the order of the codes."""
    return tuple(dict.fromkeys(education_groups().values()))


def education_rank() -> dict[str, int]:
    """Code -> level completed: 0 below SD, 1 SD, 2 SMP, 3 SMA or SMK (same level), 4 diploma, 5 university.

    Used to compare a seeker's education with a vacancy's minimum.
    """
    codes = education_codes()
    top = codes.index(LOW_EDUCATION_TOP)
    levels = [c for c in codes[top:] if c != "smk"]
    return {c: (0 if i < top else levels.index("sma" if c == "smk" else c) + 1) for i, c in enumerate(codes)}
