"""analysis.cleaning.reader.read_table: one reader for csv (utf-8 / BOM / cp1252), xlsx with title rows, dta, sav."""
from __future__ import annotations

import os

import pandas as pd
import pytest

from _cleaning_fixtures import vacancies, write_xlsx_with_titles
from analysis.cleaning.reader import (EmptyFileError, EncodingError, FileInfo, HeaderNotFoundError, RaggedRowError,
                         ReadError, TruncatedFileError, UnsupportedFormatError, read_table, sha256_file)

TYPES = {"kode": "string", "umur": "integer", "nama": "string", "nilai": "float", "tgl": "date"}
CSV = "kode,umur,nama,nilai,tgl\n001,12,Ani,1.5,2024-03-01\n020,,Budi,,\n"


def write(path, data: bytes):
    path.write_bytes(data)
    return path


def test_csv_utf8_types_and_leading_zeros(tmp_path):
    p = write(tmp_path / "a.csv", CSV.encode())
    df, info = read_table(p, TYPES)
    assert isinstance(info, FileInfo)
    assert (info.format, info.encoding, info.header_row, info.n_rows) == ("csv", "utf-8", 1, 2)
    assert info.sha256 == sha256_file(p)
    assert df["kode"].tolist() == ["001", "020"]          # codes keep leading zeros
    assert str(df["umur"].dtype) == "Int64" and df["umur"].isna().tolist() == [False, True]
    assert df["nilai"].dtype == "float64"
    assert pd.api.types.is_datetime64_any_dtype(df["tgl"])
    assert info.first_data_row == 2 and info.file_rows([0, 1]).tolist() == [2, 3]


def test_csv_bom_and_cp1252_detected(tmp_path):
    bom = write(tmp_path / "bom.csv", b"\xef\xbb\xbf" + "kode,nama\n01,Caf\u00e9\n".encode())
    cp = write(tmp_path / "cp.csv", "kode,nama\n01,Caf\u00e9 Ma\u2019arif\n".encode("cp1252"))
    d1, i1 = read_table(bom, {"kode": "string", "nama": "string"})
    d2, i2 = read_table(cp, {"kode": "string", "nama": "string"})
    assert i1.encoding == "utf-8-sig" and list(d1.columns) == ["kode", "nama"]
    assert i2.encoding == "cp1252"
    assert d1["nama"][0] == "Caf\u00e9" and d2["nama"][0] == "Caf\u00e9 Ma\u2019arif"


def test_column_that_does_not_convert_stays_text(tmp_path):
    p = write(tmp_path / "a.csv", b"kode,umur\n01,12\n02,dua\n")
    df, _ = read_table(p, {"kode": "string", "umur": "integer"})
    assert df["umur"].tolist() == ["12", "dua"]         # the validator reports row 3


def test_column_names_matched_case_insensitively(tmp_path):
    p = write(tmp_path / "a.csv", b" KODE ,Umur\n01,12\n")
    df, _ = read_table(p, {"kode": "string", "umur": "integer"})
    assert list(df.columns) == ["kode", "umur"]


def test_raw_file_not_modified(tmp_path):
    p = write(tmp_path / "a.csv", CSV.encode())
    before = (sha256_file(p), os.stat(p).st_mtime_ns)
    read_table(p, TYPES)
    assert (sha256_file(p), os.stat(p).st_mtime_ns) == before


def test_xlsx_with_title_rows_finds_header(tmp_path):
    p = tmp_path / "low.xlsx"
    write_xlsx_with_titles(vacancies(5), p, ["DINAS KETENAGAKERJAAN", "Rekap lowongan", "Periode 2024"])
    types = {"id_lowongan": "string", "tanggal": "date", "kode_kecamatan_bps": "string", "jabatan": "string",
             "jumlah": "integer"}
    df, info = read_table(p, types)
    assert info.format == "xlsx" and info.encoding is None
    assert info.header_row == 5                          # 3 titles + blank row + header
    assert info.first_data_row == 6 and info.n_rows == 5
    assert df["kode_kecamatan_bps"].tolist()[:3] == ["6474010", "6474020", "6474030"]
    assert str(df["jumlah"].dtype) == "Int64"
    assert pd.api.types.is_datetime64_any_dtype(df["tanggal"])


def test_xlsx_without_expected_header(tmp_path):
    p = tmp_path / "x.xlsx"
    write_xlsx_with_titles(pd.DataFrame({"foo": [1], "bar": [2]}), p, ["judul"])
    with pytest.raises(HeaderNotFoundError, match="x.xlsx"):
        read_table(p, {"id_lowongan": "string", "jumlah": "integer"})


def test_dta_and_sav(tmp_path):
    import pyreadstat

    src = pd.DataFrame({"kode": ["6474010", "6474020"], "umur": [12.0, 40.0], "bobot": [1.5, 2.25]})
    pyreadstat.write_dta(src, str(tmp_path / "a.dta"))
    pyreadstat.write_sav(src, str(tmp_path / "a.sav"))
    types = {"kode": "string", "umur": "integer", "bobot": "float"}
    for name, fmt in (("a.dta", "dta"), ("a.sav", "sav")):
        df, info = read_table(tmp_path / name, types)
        assert info.format == fmt and info.header_row is None and info.first_data_row == 1
        assert df["kode"].tolist() == ["6474010", "6474020"]
        assert str(df["umur"].dtype) == "Int64" and df["bobot"].tolist() == [1.5, 2.25]
        assert "observation" in info.row_reference


def test_numeric_code_in_dta_becomes_text_without_decimals(tmp_path):
    import pyreadstat

    pyreadstat.write_dta(pd.DataFrame({"kode": [6474010.0, 6474030.0]}), str(tmp_path / "a.dta"))
    df, _ = read_table(tmp_path / "a.dta", {"kode": "string"})
    assert df["kode"].tolist() == ["6474010", "6474030"]


# -- errors -----------------------------------------------------------------------------------

def test_empty_file(tmp_path):
    with pytest.raises(EmptyFileError, match=r"empty\.csv: file is empty"):
        read_table(write(tmp_path / "empty.csv", b""), TYPES)


def test_header_only_file_has_zero_rows(tmp_path):
    df, info = read_table(write(tmp_path / "h.csv", b"kode,umur\n"), {"kode": "string", "umur": "integer"})
    assert info.n_rows == 0 and list(df.columns) == ["kode", "umur"]


def test_truncated_csv_names_file_and_row(tmp_path):
    p = write(tmp_path / "cut.csv", CSV.encode() + b"033,4")
    with pytest.raises(TruncatedFileError, match=r"cut\.csv: truncated file: the last row \(row 4\)") as e:
        read_table(p, TYPES)
    assert e.value.row == 4


def test_open_quote_is_truncation(tmp_path):
    p = write(tmp_path / "q.csv", b'kode,nama\n01,"Ani\n02,Budi\n')
    with pytest.raises(TruncatedFileError, match="quoted field"):
        read_table(p, {"kode": "string", "nama": "string"})


def test_ragged_row_in_the_middle(tmp_path):
    p = write(tmp_path / "r.csv", b"kode,nama\n01,Ani\n02,Budi,extra\n03,Cici\n")
    with pytest.raises(RaggedRowError, match=r"r\.csv: row\(s\) 3 ") as e:
        read_table(p, {"kode": "string", "nama": "string"})
    assert e.value.row == 3
    assert "Budi" not in str(e.value)                   # the message never quotes a data row


def test_wrong_encoding_utf16(tmp_path):
    p = write(tmp_path / "u16.csv", "kode,nama\n01,Ani\n".encode("utf-16"))
    with pytest.raises(EncodingError, match=r"u16\.csv: wrong encoding"):
        read_table(p, {"kode": "string"})


def test_bytes_invalid_in_utf8_and_cp1252(tmp_path):
    p = write(tmp_path / "bad.csv", b"kode,nama\n01,A\x81\x8d\n")
    with pytest.raises(EncodingError, match="neither UTF-8 nor Windows-1252"):
        read_table(p, {"kode": "string"})


def test_unsupported_format(tmp_path):
    with pytest.raises(UnsupportedFormatError, match=r"x\.json: unsupported format '\.json'"):
        read_table(write(tmp_path / "x.json", b"{}"))


def test_truncated_dta(tmp_path):
    import pyreadstat

    pyreadstat.write_dta(pd.DataFrame({"a": range(1000)}), str(tmp_path / "a.dta"))
    data = (tmp_path / "a.dta").read_bytes()
    write(tmp_path / "cut.dta", data[: len(data) // 2])
    with pytest.raises(TruncatedFileError, match=r"cut\.dta: cannot be read as Stata"):
        read_table(tmp_path / "cut.dta")


def test_missing_file():
    with pytest.raises(ReadError, match="file not found"):
        read_table("/nonexistent/x.csv")
