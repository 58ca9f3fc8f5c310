"""Vectorised string helpers on Arrow (pandas 3 falls back to per-element Python for several
regex and ``casefold`` operations, which costs seconds per million rows).

Every helper takes and returns pandas objects aligned to the input index; missing values stay
missing (or ``False`` for boolean results).
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def arrow(s: pd.Series) -> pa.ChunkedArray | pa.Array:
    """The values of a Series as an Arrow string array (zero-copy for pandas' ``str`` dtype)."""
    arr = getattr(s.array, "_pa_array", None)
    if arr is not None and pa.types.is_string(arr.type):
        return arr
    if arr is not None and pa.types.is_large_string(arr.type):
        return arr.cast(pa.string())
    return pa.array(s.astype("str").to_numpy(dtype=object, na_value=None), type=pa.string(), from_pandas=True)


def _series(arr, index, dtype="str") -> pd.Series:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    if pa.types.is_boolean(arr.type):
        return pd.Series(arr.fill_null(False).to_numpy(zero_copy_only=False), index=index, dtype=bool)
    return pd.Series(pd.arrays.ArrowStringArray(arr) if dtype == "str" and pa.types.is_string(arr.type)
                     else arr.to_pandas(), index=index).astype(dtype)


def regex_match(s: pd.Series, pattern: str) -> pd.Series:
    """True where ``pattern`` matches (search semantics, anchors respected); missing -> False."""
    try:
        res = pc.match_substring_regex(arrow(s), pattern)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # a pattern RE2 does not support
        return s.astype("str").str.contains(pattern, regex=True).fillna(False).astype(bool)
    return _series(res, s.index)


def regex_replace(s: pd.Series, pattern: str, repl: str) -> pd.Series:
    try:
        res = pc.replace_substring_regex(arrow(s), pattern, repl)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return s.astype("str").str.replace(pattern, repl, regex=True)
    return _series(res, s.index)


def lower_strip(s: pd.Series) -> pd.Series:
    return _series(pc.utf8_trim_whitespace(pc.utf8_lower(arrow(s))), s.index)


def slice_int(s: pd.Series, start: int, stop: int) -> np.ndarray:
    """Characters ``start:stop`` as float numbers (NaN where not digits or missing)."""
    sl = pc.utf8_slice_codeunits(arrow(s), start, stop)
    ok = pc.match_substring_regex(sl, r"^\d+$")
    num = pc.if_else(ok, sl, pa.scalar(None, pa.string()))
    out = pc.cast(num, pa.float64())
    if isinstance(out, pa.ChunkedArray):
        out = out.combine_chunks()
    return out.to_numpy(zero_copy_only=False)


def by_unique(s: pd.Series, fn: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply a vectorised ``fn`` to the distinct values of ``s`` and broadcast back.

    For low-cardinality columns (place names, codes) this turns millions of operations into a few
    dozen; ``fn`` receives and returns a Series indexed like its input.
    """
    codes, uniques = encode(s.astype("str"))
    res = fn(pd.Series(pd.arrays.ArrowStringArray(uniques), dtype="str"))
    if pd.api.types.is_bool_dtype(res.dtype):
        vals = res.to_numpy(dtype=bool)
        out = np.where(codes >= 0, vals[np.maximum(codes, 0)] if len(vals) else False, False)
        return pd.Series(out, index=s.index, dtype=bool)
    return take(res.astype("str").reset_index(drop=True), codes, s.index)


def map_codes(s: pd.Series, mapping: dict) -> pd.Series:
    """``s.map(mapping)`` through the distinct values (fast for codes and names)."""
    return by_unique(s, lambda u: u.map(mapping).astype("str"))


def _combined(arr):
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


_ENCODED: list = []          # small cache: (arrow array, codes, uniques), most recent last
_ENCODED_MAX = 4


def encode(s: pd.Series) -> tuple[np.ndarray, pa.Array]:
    """Dictionary codes (``int64``, ``-1`` = missing) and the distinct values of a text Series.

    Arrow's hash-based ``dictionary_encode`` is several times faster than ``pd.factorize`` on
    pandas' Arrow-backed strings; codes let duplicates, joins and per-group counts run in numpy.
    The last few results are cached by the identity of the column's Arrow array (a NIK column is
    encoded for its duplicates and for its pseudonyms), holding a reference so the identity
    cannot be reused.
    """
    arr = arrow(s)
    for entry in _ENCODED:
        if entry[0] is arr:
            return entry[1], entry[2]
    d = pc.dictionary_encode(_combined(arr))
    codes = d.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    if len(s) >= 100_000:
        _ENCODED.append((arr, codes, d.dictionary))
        del _ENCODED[:-_ENCODED_MAX]
    return codes, d.dictionary


def clear_cache() -> None:
    _ENCODED.clear()


def categories(codes: np.ndarray, names, index) -> pd.Series:
    """Text Series from integer category codes (``-1`` -> missing), without per-row strings."""
    codes = np.asarray(codes)
    miss = codes < 0
    arr = pa.DictionaryArray.from_arrays(pa.array(np.where(miss, 0, codes).astype(np.int32), mask=miss),
                                         pa.array(list(names), type=pa.string()))
    return _series(arr.cast(pa.string()), index)


def strip(s: pd.Series) -> pd.Series:
    return _series(pc.utf8_trim_whitespace(arrow(s)), s.index)


def value_set(values) -> pa.Array:
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        return _combined(values).cast(pa.string())
    return pa.array(sorted({str(v) for v in values}), type=pa.string())


def isin(s: pd.Series, values) -> pd.Series:
    """``s.isin(values)`` for text on Arrow (pandas builds a Python list of the column)."""
    return _series(pc.is_in(arrow(s), value_set=value_set(values)), s.index)


def positions(keys: pd.Series, ref: pd.Series) -> np.ndarray:
    """Position in ``ref`` of each key (first occurrence), ``-1`` when absent or missing."""
    res = pc.index_in(arrow(keys), value_set=_combined(arrow(ref)))
    return _combined(res).fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64, copy=False)


def take(values: pd.Series, pos: np.ndarray, index) -> pd.Series:
    """``values`` at integer positions (``-1`` -> missing), indexed by ``index``."""
    pos = np.asarray(pos)
    miss = pos < 0
    if pd.api.types.is_string_dtype(values) and not pd.api.types.is_object_dtype(values):
        idx = pa.array(np.where(miss, 0, pos), mask=miss)
        return _series(_combined(arrow(values)).take(idx), index)
    if pd.api.types.is_bool_dtype(values):
        arr = values.to_numpy(dtype=bool)[np.where(miss, 0, pos)]
        return pd.Series(np.where(miss, False, arr), index=index, dtype=bool)
    arr = values.to_numpy()[np.where(miss, 0, pos)]
    out = pd.Series(arr, index=index)
    return out.mask(pd.Series(miss, index=index)) if miss.any() else out


def to_number(s: pd.Series) -> np.ndarray:
    """Float values of a numeric or text column (NaN where missing or not a number)."""
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        return s.to_numpy(dtype="float64", na_value=np.nan)
    try:
        out = pc.cast(pc.utf8_trim_whitespace(arrow(s)), pa.float64())
        return _combined(out).to_numpy(zero_copy_only=False).astype("float64")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def join_text(df: pd.DataFrame, cols: list[str]) -> pd.Series:
    """Columns joined as one text key (missing when any part is missing)."""
    parts = [arrow(df[c].astype("str")) for c in cols]
    if len(parts) == 1:
        return _series(parts[0], df.index)
    return _series(pc.binary_join_element_wise(*parts, "\x1f"), df.index)
