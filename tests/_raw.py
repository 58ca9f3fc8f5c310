"""Plain reading of generator output in tests (the pipeline reads raw files only in stage 01)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def read_raw_table(path: Path) -> pd.DataFrame:
    """Read a raw CSV, or an xlsx whose header sits below title rows (found by content), as text."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xls"):
        head = pd.read_excel(path, header=None, nrows=30, dtype=str)
        filled = head.notna().sum(axis=1).to_numpy()
        header_row = int(np.argmax(filled >= max(3, 0.6 * filled.max())))
        return pd.read_excel(path, header=header_row, dtype=str)
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    except UnicodeDecodeError:
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="cp1252")
