"""One reader for every raw format the providers send (used by stage 01 only).

Values are read as text first, so codes keep their leading zeros, and then converted to the type
the contract declares *only when the whole column converts*; a column that does not convert stays
text and the validator reports the offending rows (a reader that raised at the first bad cell
could not report all of them). CSV (UTF-8, UTF-8 with BOM, Windows-1252), xlsx with title rows
above the header, Stata ``.dta`` and SPSS ``.sav``.
"""
from __future__ import annotations

import codecs
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from analysis import paths as _paths
from analysis.io import sha256_file

SUPPORTED_FORMATS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".dta": "dta",
                     ".sav": "sav", ".zsav": "sav"}
_CHUNK = 1 << 22
_HEADER_SCAN_ROWS = 50


class ReadError(ValueError):
    """A raw file cannot be read as a table; the message names the file (and row when known)."""

    def __init__(self, path: str | os.PathLike, problem: str, row: int | None = None):
        self.path = Path(path)
        self.problem = problem
        self.row = row
        super().__init__(f"{display_path(path)}: {problem}")


class EmptyFileError(ReadError):
    """The file has no bytes, or no header."""


class TruncatedFileError(ReadError):
    """The file ends in the middle of a row (ragged last row, open quote, damaged binary)."""


class RaggedRowError(ReadError):
    """A row has more or fewer fields than the header (not at the end of the file)."""


class EncodingError(ReadError):
    """The text is neither UTF-8 nor Windows-1252 (e.g. UTF-16)."""


class UnsupportedFormatError(ReadError):
    """The file extension is not one the reader knows."""


class HeaderNotFoundError(ReadError):
    """No row of a spreadsheet looks like the contract's header."""


@dataclass(frozen=True)
class FileInfo:
    """What was read, for provenance (``clean/input_files.csv``) and row numbers in messages.

    Attributes
    ----------
    path : Path
    format : str
        ``csv``, ``xlsx``, ``dta`` or ``sav``.
    encoding : str or None
        ``utf-8``, ``utf-8-sig`` (UTF-8 with byte-order mark) or ``cp1252`` for CSV; the encoding
        the Stata/SPSS file declares; ``None`` for xlsx (always Unicode).
    header_row : int or None
        Row number of the header as a spreadsheet or text editor shows it (1 for a plain CSV; 4
        when an xlsx has three title rows above the header). ``None`` for Stata/SPSS files, which
        have no header row.
    sha256 : str
    n_rows : int
        Number of data rows (header and title rows excluded).
    """

    path: Path
    format: str
    encoding: str | None
    header_row: int | None
    sha256: str
    n_rows: int

    @property
    def first_data_row(self) -> int:
        """Row number of the first data row as the statistician sees it: the spreadsheet row
        (header row + 1) for csv/xlsx, the observation number ``_n`` (1) for Stata/SPSS."""
        return 1 if self.header_row is None else self.header_row + 1

    @property
    def row_reference(self) -> str:
        """How :meth:`file_rows` numbers rows, in words."""
        if self.header_row is None:
            return "observation number (_n in Stata, case number in SPSS)"
        return f"spreadsheet row (header = row {self.header_row})"

    def file_rows(self, index) -> np.ndarray:
        """Convert 0-based data-row positions to the row numbers a statistician sees."""
        return np.asarray(index, dtype="int64") + self.first_data_row


def display_path(path: str | os.PathLike) -> str:
    """A path as messages show it: relative to the project root when inside it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(_paths.ROOT))
    except ValueError:
        return str(p)


def _column_types(schema) -> dict[str, str]:
    """Column name -> contract type from a ``contracts.Schema``, a mapping or a list of names."""
    if schema is None:
        return {}
    cols = getattr(schema, "columns", schema)
    if isinstance(cols, Mapping):
        return {str(k): str(getattr(v, "type", v) if not isinstance(v, str) else v) for k, v in cols.items()}
    return {str(c): "string" for c in cols}


def read_table(path: str | os.PathLike, schema=None, *, sheet: str | int | None = None
               ) -> tuple[pd.DataFrame, FileInfo]:
    """Read a raw table (csv, xlsx, dta, sav) as the contract expects it.

    Parameters
    ----------
    path : str or Path
        The raw file. It is opened read-only and never modified.
    schema : analysis.contracts.Schema, mapping or list, optional
        The table's contract (or ``{column: type}``, or a list of column names). Used to find the
        header row of a spreadsheet and to convert columns: ``string``/``category`` columns stay
        text (leading zeros kept); ``integer``/``flag`` become ``Int64``, ``float`` ``float64``,
        ``date`` ``datetime64`` -- each only when every non-empty value converts; otherwise the
        column stays text and validation reports the rows that do not convert. Column names that
        differ from the contract only in case or surrounding spaces are renamed to the contract's.
    sheet : str or int, optional
        Worksheet of an xlsx file (default: the first).

    Returns
    -------
    (pandas.DataFrame, FileInfo)
        Data rows with a 0-based ``RangeIndex`` (``FileInfo.file_rows`` turns positions into the
        row numbers shown in Excel) and what was read.

    Raises
    ------
    EmptyFileError, TruncatedFileError, RaggedRowError, EncodingError, UnsupportedFormatError,
    HeaderNotFoundError
        All subclasses of :class:`ReadError` (a ``ValueError``); the message names the file and,
        for a ragged row, the row number.
    """
    path = Path(path)
    if not path.is_file():
        raise ReadError(path, "file not found")
    fmt = SUPPORTED_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UnsupportedFormatError(
            path, f"unsupported format '{path.suffix or '(no extension)'}': expected one of "
                  f"{', '.join(sorted(set(SUPPORTED_FORMATS)))}")
    if path.stat().st_size == 0:
        raise EmptyFileError(path, "file is empty (0 bytes)")
    types = _column_types(schema)
    if fmt == "csv":
        df, encoding, header_row, digest = _read_csv(path)
    elif fmt == "xlsx":
        df, header_row, digest = _read_xlsx(path, types, sheet)
        encoding = None
    else:
        df, encoding, digest = _read_stat(path, fmt)
        header_row = None
    df = _match_column_names(df, types)
    df = coerce_to_contract(df, types)
    info = FileInfo(path=path, format=fmt, encoding=encoding, header_row=header_row, sha256=digest,
                    n_rows=len(df))
    return df, info


def _scan_text(path: Path) -> tuple[str, str, bool]:
    """One pass over a text file: SHA-256, encoding and whether it ends with a line break.

    Returns ``(sha256, encoding, ends_with_newline)``. Strict UTF-8 first (with or without BOM),
    then Windows-1252; NUL bytes (UTF-16, binary files) and bytes undefined in both are errors.
    """
    h = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")("strict")
    utf8_ok = True
    first = b""
    last = b""
    quotes = 0
    with open(path, "rb") as fh:
        while block := fh.read(_CHUNK):
            h.update(block)
            if not first:
                first = block[:4]
            if b"\x00" in block:
                raise EncodingError(path, "wrong encoding: the file contains NUL bytes (UTF-16 or "
                                          "a binary file?); save it as CSV UTF-8")
            quotes += block.count(b'"')
            if utf8_ok:
                try:
                    utf8.decode(block)
                except UnicodeDecodeError:
                    utf8_ok = False
            last = block[-1:]
    if utf8_ok:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_ok = False
    if quotes % 2:
        raise TruncatedFileError(path, "truncated or malformed CSV: a quoted field is never closed "
                                       "(odd number of '\"' characters)")
    if utf8_ok:
        encoding = "utf-8-sig" if first.startswith(codecs.BOM_UTF8) else "utf-8"
    else:
        cp = codecs.getincrementaldecoder("cp1252")("strict")
        with open(path, "rb") as fh:
            try:
                while block := fh.read(_CHUNK):
                    cp.decode(block)
            except UnicodeDecodeError as exc:
                raise EncodingError(path, f"wrong encoding: neither UTF-8 nor Windows-1252 (byte "
                                          f"0x{exc.object[exc.start]:02x}); save it as CSV UTF-8") from None
        encoding = "cp1252"
    return h.hexdigest(), encoding, last in (b"\n", b"\r")


def _ragged_rows(path: Path, encoding: str, n_fields: int, limit: int = 5) -> list[tuple[int, int]]:
    """Rows (file row number, fields) whose field count differs from the header's; diagnosis only."""
    import csv

    bad = []
    with open(path, encoding=encoding, newline="") as fh:
        reader = csv.reader(fh)
        next(reader, None)
        for row in reader:
            if len(row) != n_fields and row != []:
                bad.append((reader.line_num, len(row)))
                if len(bad) >= limit:
                    break
    return bad


def _read_csv(path: Path) -> tuple[pd.DataFrame, str, int, str]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    digest, encoding, ends_nl = _scan_text(path)
    with open(path, encoding=encoding, newline="") as fh:
        import csv

        header = next(csv.reader(fh), None)
    if not header or all(not h.strip() for h in header):
        raise EmptyFileError(path, "file has no header row")
    names = [h.strip() for h in header]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ReadError(path, f"header repeats column name(s) {dup}")
    source = path
    if not encoding.startswith("utf-8"):
        # Arrow transcodes other encodings through a single-threaded Python codec; decoding once
        # here lets the multi-threaded UTF-8 parser do the work (costs a second copy of the text)
        source = pa.BufferReader(path.read_bytes().decode(encoding).encode("utf-8"))

    def parse(newlines_in_values: bool):
        if isinstance(source, pa.BufferReader):
            source.seek(0)
        return pacsv.read_csv(
            source,
            read_options=pacsv.ReadOptions(encoding="utf8",
                                           column_names=names, skip_rows=1, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(newlines_in_values=newlines_in_values),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, null_values=[""],
                strings_can_be_null=True, quoted_strings_can_be_null=True),
        )

    try:
        try:
            table = parse(False)      # the fast, multi-threaded parser
        except pa.ArrowInvalid:
            table = parse(True)       # quoted line breaks inside a field need the serial parser
    except pa.ArrowInvalid as exc:
        if "Expected" not in str(exc) or "columns" not in str(exc):
            raise ReadError(path, "cannot be parsed as CSV (error hidden: it may quote a data row)") from None
        bad = _ragged_rows(path, encoding, len(names))
        if not bad:
            raise ReadError(path, "rows with a wrong number of fields") from None
        row, nf = bad[0]
        rows = ", ".join(str(r) for r, _ in bad)
        # the last row of the file is ragged and has too few fields: the file was cut short
        last_row = _count_rows(path, encoding)
        if bad[-1][0] == last_row and bad[-1][1] < len(names) and len(bad) == 1:
            raise TruncatedFileError(
                path, f"truncated file: the last row (row {row}) has {nf} of {len(names)} fields"
                      + ("" if ends_nl else " and the file does not end with a line break"), row=row) from None
        raise RaggedRowError(path, f"row(s) {rows} (spreadsheet row numbers, header = row 1) have a "
                                   f"different number of fields than the header ({len(names)}); "
                                   f"first: row {row} has {nf}", row=row) from None
    df = table.to_pandas()
    df.columns = names
    return df, encoding, 1, digest


def _count_rows(path: Path, encoding: str) -> int:
    import csv

    with open(path, encoding=encoding, newline="") as fh:
        reader = csv.reader(fh)
        n = 0
        for _ in reader:
            n = reader.line_num
    return n


def _norm_name(x: Any) -> str:
    return str(x).strip().casefold() if x is not None else ""


def _cell_str(v: Any) -> Any:
    """A spreadsheet cell as text: integral numbers without ``.0``, dates as ISO."""
    if v is None:
        return None
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, int):
        return str(v)
    if hasattr(v, "isoformat"):
        s = v.isoformat()
        return s[:10] if s.endswith("T00:00:00") or len(s) == 10 else s
    s = str(v)
    return None if s.strip() == "" else s


def _read_xlsx(path: Path, types: dict[str, str], sheet) -> tuple[pd.DataFrame, int, str]:
    import zipfile

    import openpyxl

    digest = sha256_file(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise TruncatedFileError(path, f"cannot be opened as xlsx (damaged or truncated?): "
                                       f"{type(exc).__name__}") from None
    try:
        ws = wb[sheet] if isinstance(sheet, str) else wb.worksheets[sheet or 0]
        rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    if not rows or all(all(v is None for v in r) for r in rows):
        raise EmptyFileError(path, "the worksheet is empty")
    wanted = {_norm_name(c) for c in types}
    best, best_score = None, 0
    for i, r in enumerate(rows[:_HEADER_SCAN_ROWS]):
        cells = [_norm_name(v) for v in r if v is not None and str(v).strip()]
        score = sum(c in wanted for c in cells) if wanted else len(cells)
        if score > best_score:
            best, best_score = i, score
    if best is None or (wanted and best_score < max(1, min(len(wanted), 2))):
        raise HeaderNotFoundError(path, f"no row among the first {_HEADER_SCAN_ROWS} holds the "
                                        f"expected column names ({', '.join(sorted(types)[:6])} …)")
    header = [str(v).strip() if v is not None else "" for v in rows[best]]
    keep = [j for j, h in enumerate(header) if h]
    body = rows[best + 1:]
    while body and all(v is None or str(v).strip() == "" for v in body[-1]):
        body.pop()
    width = len(header)
    data = {header[j]: [_cell_str(r[j]) if j < len(r) else None for r in body] for j in keep}
    df = pd.DataFrame(data, dtype="str") if body else pd.DataFrame({header[j]: pd.Series(dtype="str") for j in keep})
    del width
    return df, best + 1, digest


def _read_stat(path: Path, fmt: str) -> tuple[pd.DataFrame, str | None, str]:
    import pyreadstat

    digest = sha256_file(path)
    reader = pyreadstat.read_dta if fmt == "dta" else pyreadstat.read_sav
    try:
        df, meta = reader(str(path), apply_value_formats=False)
    except Exception as exc:  # pyreadstat raises its own ReadstatError / PyreadstatError
        kind = "Stata .dta" if fmt == "dta" else "SPSS .sav"
        raise TruncatedFileError(path, f"cannot be read as {kind} (damaged or truncated?): {exc}") from None
    for c in df.columns:
        if df[c].dtype == object or pd.api.types.is_string_dtype(df[c]):
            s = df[c].astype("str")
            df[c] = s.where(s.str.strip() != "", None)
    return df, getattr(meta, "file_encoding", None), digest


def _match_column_names(df: pd.DataFrame, types: dict[str, str]) -> pd.DataFrame:
    """Rename columns that match a contract column up to case and surrounding spaces."""
    if not types:
        return df
    lookup = {}
    for c in types:
        lookup.setdefault(_norm_name(c), c)
    rename = {}
    for c in df.columns:
        target = lookup.get(_norm_name(c))
        if target is not None and target != c and target not in df.columns:
            rename[c] = target
    return df.rename(columns=rename) if rename else df


_INT_RE = r"^\s*[-+]?\d+\s*$"
_FLOAT_RE = r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$"


def _as_text(s: pd.Series) -> pd.Series:
    """A column as text; integral floats (Stata stores codes as doubles) without ``.0``."""
    if pd.api.types.is_string_dtype(s) and not pd.api.types.is_object_dtype(s):
        return s
    if pd.api.types.is_bool_dtype(s):
        return s.astype("Int64").astype("str").where(s.notna(), None)
    if pd.api.types.is_float_dtype(s):
        integral = s.isna() | (np.floor(s) == s)
        if bool(integral.all()):
            return s.astype("Int64").astype("str").where(s.notna(), None).astype("str")
        return s.astype("str").where(s.notna(), None).astype("str")
    if pd.api.types.is_datetime64_any_dtype(s):
        return s.dt.strftime("%Y-%m-%d").astype("str")
    return s.astype("str").where(s.notna(), None).astype("str")


def text_parses_as(s: pd.Series, typ: str) -> pd.Series:
    """Vectorised: True where a text value converts to ``typ`` (or is missing)."""
    if typ in ("integer", "flag"):
        ok = _regex_ok(s, _INT_RE)
    elif typ == "float":
        ok = _regex_ok(s, _FLOAT_RE)
    elif typ == "date":
        ok = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce").notna()
    else:
        return pd.Series(True, index=s.index)
    return ok.fillna(True).astype(bool) | s.isna()


def _arrow_text(s: pd.Series):
    """A text Series as an Arrow string array (zero-copy for pandas' ``str`` dtype)."""
    import pyarrow as pa

    arr = getattr(s.array, "_pa_array", None)
    if arr is not None and pa.types.is_string(arr.type):
        return arr
    return pa.array(s.to_numpy(dtype=object, na_value=None), type=pa.string(), from_pandas=True)


def _regex_ok(s: pd.Series, pattern: str) -> pd.Series:
    """Vectorised regex test on Arrow (pandas' own ``str.match`` loops in Python for these);
    missing values pass."""
    import pyarrow.compute as pc

    arr = _arrow_text(s)
    res = pc.or_kleene(pc.is_null(arr), pc.match_substring_regex(arr, pattern)).fill_null(True)
    return pd.Series(res.to_numpy(zero_copy_only=False), index=s.index, dtype=bool)


def _cast_text(t: pd.Series, typ):
    """Cast a text column with Arrow; ``None`` when any value does not convert."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pc.utf8_trim_whitespace(_arrow_text(t))
    arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
    try:
        if typ == "date":
            return pc.strptime(arr, format="%Y-%m-%d", unit="s", error_is_null=False)
        return pc.cast(arr, typ)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def coerce_to_contract(df: pd.DataFrame, types: Mapping[str, str]) -> pd.DataFrame:
    """Convert columns to their contract type when every non-empty value converts.

    ``string``/``category`` -> text (``str``); ``integer``/``flag`` -> ``Int64``; ``float`` ->
    ``float64``; ``date`` -> ``datetime64``. A column with any value that does not convert is
    left as text, for the validator to report the rows.
    """
    if not types:
        return df
    out = {}
    for c in df.columns:
        typ = types.get(c)
        s = df[c]
        if typ is None:
            out[c] = s
        elif typ in ("string", "category"):
            out[c] = _as_text(s)
        elif typ in ("integer", "flag"):
            out[c] = _to_int(s)
        elif typ == "float":
            out[c] = _to_float(s)
        elif typ == "date":
            out[c] = _to_date(s)
        else:
            out[c] = s
    return pd.DataFrame(out, index=df.index)


def _to_int(s: pd.Series) -> pd.Series:
    import pyarrow as pa

    if pd.api.types.is_integer_dtype(s):
        return s.astype("Int64")
    if pd.api.types.is_float_dtype(s):
        integral = s.isna() | (np.floor(s) == s)
        return s.astype("Int64") if bool(integral.all()) else s
    if pd.api.types.is_bool_dtype(s):
        return s.astype("Int64")
    t = _as_text(s)
    out = _cast_text(t, pa.int64())
    if out is None:
        return t
    return pd.Series(pd.arrays.IntegerArray(out.to_numpy(zero_copy_only=False, writable=True).astype("int64")
                                            if out.null_count == 0 else
                                            out.fill_null(0).to_numpy(zero_copy_only=False).astype("int64"),
                                            out.is_null().to_numpy(zero_copy_only=False)),
                     index=s.index, name=s.name)


def _to_float(s: pd.Series) -> pd.Series:
    import pyarrow as pa

    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        return s.astype("float64")
    t = _as_text(s)
    out = _cast_text(t, pa.float64())
    if out is None:
        return t
    return pd.Series(out.to_numpy(zero_copy_only=False), index=s.index, name=s.name, dtype="float64")


DATE_DTYPE = "datetime64[ms]"   # one unit for dates from every format (csv, xlsx, dta, sav)


def _to_date(s: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(s):
        return s.astype(DATE_DTYPE)
    t = _as_text(s)
    out = _cast_text(t, "date")
    if out is None:
        return t
    return pd.Series(out.to_numpy(zero_copy_only=False), index=s.index, name=s.name).astype(DATE_DTYPE)
