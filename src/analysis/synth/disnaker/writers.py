"""Deterministic CSV and xlsx writers (byte-identical output for the same input)."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from .common import FIXED_XLSX_TIME


def _write_csv(df: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = df.to_csv(index=False, lineterminator="\n", float_format="%.10g")
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(text.encode("utf-8"))
    tmp.replace(path)
    return path

TITLE_ROWS = [
    "DINAS KETENAGAKERJAAN KOTA BONTANG",
    "REKAPITULASI LOWONGAN KERJA YANG DILAPORKAN TAHUN 2022-2025",
    "Sumber: Karirhub/SIAPkerja, formulir wajib lapor Disnaker, portal mitra -- DATA SINTETIS (demo)",
]

def _write_xlsx(df: pd.DataFrame, path: Path) -> Path:
    """Vacancies as Disnaker tables come: title rows, a blank row, then the header.

    Byte-deterministic: fixed document properties and fixed zip entry timestamps.
    """
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Lowongan"
    for t in TITLE_ROWS:
        ws.append([t])
    ws.append([])
    ws.append(list(df.columns))
    for row in df.itertuples(index=False):  # openpyxl appends row by row
        ws.append([None if (v is pd.NA or (isinstance(v, float) and np.isnan(v))) or v == "" else
                   (int(v) if isinstance(v, (np.integer,)) else v) for v in row])
    wb.properties.creator = "Disnaker Kota Bontang (synthetic demo)"
    wb.properties.created = FIXED_XLSX_TIME
    wb.properties.modified = FIXED_XLSX_TIME
    wb.properties.lastModifiedBy = "synthetic generator"
    buf = io.BytesIO()
    wb.save(buf)
    data = _normalise_zip(buf.getvalue())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path

def _normalise_zip(data: bytes) -> bytes:
    """Rewrite an xlsx zip with fixed timestamps and fixed core-property dates."""
    stamp = FIXED_XLSX_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                                 lambda m: m.group(1) + stamp.encode() + m.group(3), content)
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, content)
    return out.getvalue()
