"""Writing outputs atomically, and file hashes.

Writers put the bytes in a temporary file beside the target and rename it into place, so a
failure never leaves a half-written output that looks finished.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import pandas as pd

# Published values are rounded by the brief; CSV files keep enough digits for auditors to
# recompute CIs and RSEs, and few enough that last-bit float noise never changes a byte.
CSV_FLOAT_DIGITS = 10


def sha256_file(path: str | os.PathLike, chunk: int = 1 << 20) -> str:
    """SHA-256 hex digest of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def _umask_mode() -> int:
    """File mode that a plain ``open()`` would give (mkstemp makes files private, 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write_bytes(data: bytes, path: str | os.PathLike) -> Path:
    """Write bytes to ``path`` through a temporary file in the same folder, then rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, _umask_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(text: str, path: str | os.PathLike) -> Path:
    """Write UTF-8 text atomically (Unix newlines)."""
    return atomic_write_bytes(text.encode("utf-8"), path)


def atomic_write_csv(df: pd.DataFrame, path: str | os.PathLike, float_digits: int = CSV_FLOAT_DIGITS) -> Path:
    """Write a DataFrame as CSV atomically with a fixed float format (stable bytes)."""
    text = df.to_csv(index=False, lineterminator="\n", float_format=f"%.{float_digits}g")
    return atomic_write_text(text, path)


def atomic_write_json(obj, path: str | os.PathLike) -> Path:
    """Write JSON atomically, keys sorted, two-space indent."""
    return atomic_write_text(json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n", path)


def atomic_write_parquet(df: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write Parquet atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        df.to_parquet(tmp, index=False)
        os.chmod(tmp, _umask_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
