"""One raw input of a run as the cleaning stage carries it from reading to writing."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.contracts import Schema
from analysis.cleaning.reader import FileInfo, ReadError, display_path


@dataclass
class LoadedTable:
    """A declared input: its contract, what was read, and the state of its rows.

    The DataFrame keeps the 0-based positions of the raw file as its index through every
    correction and rule (rows are dropped, never renumbered), so any row can be named by the row
    number a statistician sees in Excel (:meth:`row_numbers`).
    """

    name: str                      # input name in the config (dtsen_households, susenas_2024 …)
    schema: Schema
    path: Path
    df: pd.DataFrame | None = None
    info: FileInfo | None = None
    read_error: ReadError | None = None
    row_key: pd.Series = field(default_factory=lambda: pd.Series(dtype="str"))
    # results computed by validation and reused by cleaning (duplicate masks, NIK problems),
    # keyed by (kind, columns); dropped when a rule changes one of the columns
    cache: dict = field(default_factory=dict)

    def cached(self, kind: str, cols: tuple[str, ...], compute):
        key = (kind, tuple(cols))
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]

    def forget(self, column: str) -> None:
        for key in [k for k in self.cache if column in k[1]]:
            del self.cache[key]

    @property
    def file(self) -> str:
        return display_path(self.path)

    @property
    def ok(self) -> bool:
        return self.df is not None

    def row_numbers(self, index) -> np.ndarray:
        """Row numbers as shown in Excel (csv/xlsx) or observation numbers (dta/sav)."""
        idx = np.asarray(index, dtype="int64")
        return idx + (self.info.first_data_row if self.info is not None else 1)

    @property
    def row_reference(self) -> str:
        return self.info.row_reference if self.info is not None else "row"
