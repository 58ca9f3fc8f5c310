"""Reference tables of the synthetic build: administrative codes and published figures.

Nothing here is invented: the kelurahan list and codes come from ``wilayah_bontang.csv`` and the
poverty lines from the ``bontang_garis_kemiskinan`` rows of ``published_indicators.csv`` (both in
``data/reference/``, committed with a source on every row; byte copies are written to
``data/raw/demo/reference``).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.io import atomic_write_bytes, atomic_write_csv

WILAYAH_FILE = "wilayah_bontang.csv"
PUBLISHED_FILE = "published_indicators.csv"
POVERTY_LINES_FILE = "poverty_lines.csv"
POVERTY_LINE_INDICATOR = "bontang_garis_kemiskinan"


def find_reference_source(sources) -> Path:
    """First folder of ``sources`` (config ``reference_sources``) holding both reference files."""
    tried = []
    for s in sources:
        p = paths.resolve(s)
        tried.append(str(p))
        if (p / WILAYAH_FILE).is_file() and (p / PUBLISHED_FILE).is_file():
            return p
    raise FileNotFoundError(f"no reference folder with {WILAYAH_FILE} and {PUBLISHED_FILE} in {tried}")


def load_wilayah(source: Path) -> pd.DataFrame:
    """The wilayah crosswalk with every column as string (codes keep their dots and zeros)."""
    return pd.read_csv(Path(source) / WILAYAH_FILE, dtype=str, keep_default_na=False)


def load_published(source: Path) -> pd.DataFrame:
    """Published indicators (``year`` and ``indicator`` as strings, ``value`` float)."""
    df = pd.read_csv(Path(source) / PUBLISHED_FILE, dtype={"year": str, "indicator": str, "unit": str,
                                                          "source": str, "grade": str})
    return df


def poverty_lines(published: pd.DataFrame) -> pd.DataFrame:
    """Poverty lines (Rp per capita per month) from the published rows, one row per year."""
    rows = published[published["indicator"] == POVERTY_LINE_INDICATOR]
    out = pd.DataFrame({
        "year": rows["year"].astype(str).to_numpy(),
        "garis_kemiskinan_rp": rows["value"].astype(float).round().astype("int64").to_numpy(),
        "source": rows["source"].astype(str).to_numpy(),
        "grade": rows["grade"].astype(str).to_numpy(),
    })
    return out.sort_values("year", kind="mergesort").reset_index(drop=True)


def poverty_line(lines: pd.DataFrame, year: int | str) -> float:
    """The published line of one year; a missing year is an error (never interpolated)."""
    row = lines[lines["year"] == str(year)]
    if len(row) != 1:
        raise KeyError(f"no published Bontang poverty line for {year}")
    return float(row["garis_kemiskinan_rp"].iloc[0])


def kelurahan_table(wilayah: pd.DataFrame) -> pd.DataFrame:
    """One row per kelurahan with its kecamatan (Kemendagri and BPS codes, names, variants)."""
    kec = wilayah[wilayah["level"] == "kecamatan"][["kemendagri_code", "name", "bps_code"]]
    kec = kec.rename(columns={"kemendagri_code": "kode_kecamatan", "name": "kecamatan_nama",
                              "bps_code": "kode_kecamatan_bps"})
    kel = wilayah[wilayah["level"] == "kelurahan"][["kemendagri_code", "name", "parent_code", "name_variants"]]
    kel = kel.rename(columns={"kemendagri_code": "kode_kelurahan", "name": "kelurahan_nama",
                              "parent_code": "kode_kecamatan"})
    out = kel.merge(kec, on="kode_kecamatan", how="left", validate="many_to_one")
    if out["kode_kecamatan_bps"].isna().any() or (out["kode_kecamatan_bps"] == "").any():
        raise ValueError("wilayah: a kecamatan has no BPS code")
    return out.sort_values("kode_kelurahan", kind="mergesort").reset_index(drop=True)


def write_reference(raw_dir: Path, source: Path) -> list[Path]:
    """Write ``reference/`` of a raw folder: byte copies of the two shared files and the
    poverty-line table derived from the published rows."""
    ref = Path(raw_dir) / "reference"
    written = []
    for name in (WILAYAH_FILE, PUBLISHED_FILE):
        src = Path(source) / name
        dst = ref / name
        data = src.read_bytes()
        if not dst.exists() or dst.read_bytes() != data:
            atomic_write_bytes(data, dst)
        written.append(dst)
    lines = poverty_lines(load_published(source))
    written.append(atomic_write_csv(lines, ref / POVERTY_LINES_FILE))
    return written
