"""Small-cell suppression of the labour tables (aggregates only leave the stage).

Rule (config ``privacy.suppression_min_count``, default 10; ``skills_methods.md`` §9 and
``bps_methods.md`` §6): a cell resting on fewer persons than the threshold is blanked. Zero is
not a disclosure (it says nobody is in the cell) and is kept. The caller names the column that
holds the unweighted number of persons behind each row, and the columns to blank.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def suppress_small_cells(table: pd.DataFrame, *, n_col: str, value_cols: Sequence[str], min_count: int,
                         flag_col: str | None = "suppressed") -> pd.DataFrame:
    """Blank ``value_cols`` (and ``n_col``) on rows with ``0 < n_col < min_count``.

    Parameters
    ----------
    table : DataFrame
    n_col : str
        Unweighted persons behind the row (for a registry count, the count itself).
    value_cols : sequence of str
        Columns to blank on suppressed rows.
    min_count : int
        ``privacy.suppression_min_count``.
    flag_col : str, optional
        Name of a boolean column marking suppressed rows (``None``: no column).

    Returns
    -------
    DataFrame
        A copy; suppressed numbers are NaN (written as empty cells).
    """
    out = table.copy()
    n = pd.to_numeric(out[n_col], errors="coerce").to_numpy(dtype=float)
    small = (n > 0) & (n < min_count)
    for col in list(value_cols) + [n_col]:
        if col in out.columns:
            out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
            out.loc[small, col] = np.nan
    if flag_col:
        out[flag_col] = small
    return out


def complementary_suppression(table: pd.DataFrame, *, group_cols: Sequence[str], n_col: str,
                              value_cols: Sequence[str], min_count: int, suppressed_col: str = "suppressed",
                              total_known: bool = True) -> pd.DataFrame:
    """Secondary suppression within groups of cells that add up to a published total.

    When the cells of a group partition a total that is published elsewhere (e.g. the four
    categories of open unemployment and the number of unemployed), blanking a single small cell
    is not enough: it equals the total minus the others. Within each group, while the blanked
    cells together rest on fewer than ``min_count`` persons (or exactly one cell is blanked
    and ``total_known``), the smallest remaining non-zero cell is blanked too.

    ``suppressed_col`` must mark the primary suppressions (from :func:`suppress_small_cells`);
    ``n_col`` must still hold the person counts of every cell, so call this on the counts
    *before* blanking them, or pass the counts in a separate column.
    """
    out = table.copy()
    n_all = pd.to_numeric(out[n_col], errors="coerce").fillna(0).to_numpy(dtype=float)
    sup = out[suppressed_col].to_numpy(dtype=bool).copy()
    if group_cols:
        keys = [tuple(r) for r in out[list(group_cols)].astype(str).itertuples(index=False)]
    else:
        keys = [()] * len(out)
    groups: dict[tuple, list[int]] = {}
    for i, k in enumerate(keys):
        groups.setdefault(k, []).append(i)
    for idx in groups.values():
        idx = np.asarray(idx)
        while True:
            s = sup[idx]
            if not s.any():
                break
            blanked_n = n_all[idx][s].sum()
            if blanked_n >= min_count and not (total_known and s.sum() == 1):
                break
            cand = idx[~s & (n_all[idx] > 0)]
            if cand.size == 0:
                break
            sup[cand[np.argmin(n_all[cand])]] = True
    for col in list(value_cols):
        if col in out.columns:
            out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
            out.loc[sup, col] = np.nan
    out[suppressed_col] = sup
    return out
