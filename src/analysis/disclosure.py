"""Statistical disclosure control of published tables, written once for every stage.

Rules (thresholds from the config key ``privacy``; ``suppression_min_count`` = *k*, default 10):

Primary suppression of counts
    A count of persons, families or households from 1 to *k* - 1 is blanked. Zero is kept: a
    structural zero says a category is empty and reveals no one.
Suppression of rates built on small counts
    A rate, share, ratio or any figure computed from counts (an estimate resting on ``n_sample``
    units, a standard error, a confidence limit) is blanked when its numerator or denominator is
    blanked, or when its denominator is below *k* (a percentage of three families identifies
    them as surely as the count does).
Complementary (secondary) suppression
    Where cells add up to a total that is published too, one blanked cell can be recovered by
    subtraction. Each additive relation (*total = part1 + part2 + ...*) is declared by the caller,
    either across the columns of a row (``row_groups``: the total column first, then its parts)
    or across the rows of a column (``col_groups``: rows sharing the values of the grouping
    columns add up to a total published elsewhere, or in a row of the group marked by
    ``total_rows``). In each relation that holds a blanked cell, more cells are blanked, the
    smallest non-zero one first, until at least two are blanked and the blanked parts together
    rest on at least *k* units (so that the recovery interval is wide). Relations are revisited
    until nothing changes, because a cell blanked for one relation can expose another.
One marker convention
    Blanked cells are empty (NaN / ``<NA>``), and the column :data:`MARKER` lists, per row, the
    names of the blanked columns separated by ``;`` (empty when nothing was blanked). Estimates
    (the output contract) mark suppression in their ``flag`` (``suppressed``) instead.

References: Hundepool et al. (2012), *Statistical Disclosure Control*, Wiley, ch. 4 (threshold
rule, secondary suppression of linked cells); BPS practice of not publishing cells under a
minimum number of sample units (``docs/methods`` notes of each stage).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

MARKER = "suppressed_cells"
DEFAULT_MIN_COUNT = 10


@dataclass(frozen=True)
class Rules:
    """Thresholds of the disclosure rules (``privacy`` section of the run config)."""

    min_count: int = DEFAULT_MIN_COUNT

    @classmethod
    def from_config(cls, cfg) -> "Rules":
        """Read ``privacy.suppression_min_count`` from a RunConfig (or a plain dict)."""
        pv = cfg.get("privacy", cfg) if isinstance(cfg, Mapping) else (getattr(cfg, "privacy", None) or {})
        k = int(pv.get("suppression_min_count", DEFAULT_MIN_COUNT))
        if k < 1:
            raise ValueError(f"privacy.suppression_min_count must be >= 1, got {k}")
        return cls(min_count=k)


def _k(rules: Rules | int) -> int:
    return int(rules.min_count if isinstance(rules, Rules) else rules)


def is_small(values, rules: Rules | int) -> np.ndarray:
    """True where a count is from 1 to *k* - 1 (the primary rule); NaN is not small."""
    v = pd.to_numeric(pd.Series(np.asarray(values, dtype=object).ravel()), errors="coerce").to_numpy(float)
    k = _k(rules)
    return (v > 0) & (v < k)


def too_few(values, rules: Rules | int) -> np.ndarray:
    """True where a denominator holds fewer than *k* units, zero included (the rate rule); NaN is not."""
    v = pd.to_numeric(pd.Series(np.asarray(values, dtype=object).ravel()), errors="coerce").to_numpy(float)
    return np.nan_to_num(np.abs(v), nan=np.inf) < _k(rules)


def suppress(table: pd.DataFrame, counts: Sequence[str], rules: Rules | int, *,
             rates: Mapping[str, tuple[str | None, str | None]] | None = None,
             row_groups: Sequence[Sequence[str]] = (),
             col_groups: Sequence[str] | None = None,
             total_rows: str | None = None,
             weights: Mapping[str, str] | None = None,
             marker: str | None = MARKER) -> pd.DataFrame:
    """Apply the disclosure rules of the module to one table.

    Parameters
    ----------
    table : DataFrame
    counts : sequence of str
        Count columns (persons, families, households, sample units) subject to the threshold.
        Missing columns are ignored.
    rules : Rules or int
        The thresholds (an int is *k*).
    rates : mapping, optional
        ``{column: (numerator, denominator)}`` for figures computed from counts; either part may
        be None (an estimate and its SE resting on ``n_sample``: ``(None, "n_sample")``).
    row_groups : sequence of sequences
        Additive relations across the columns of each row: total column first, then the parts.
    col_groups : sequence of str, optional
        Grouping columns: within each group, the rows of every count column add up to a total
        that is published (a relation across rows). ``[]`` makes the whole table one group;
        None declares no relation across rows.
    total_rows : str, optional
        Boolean column marking the total row of each ``col_groups`` group (it is then a member
        of the relation as its total, not as a part).
    weights : mapping, optional
        ``{count column: column of units behind it}`` when a count is weighted (a survey total
        rests on the sample persons in another column); the threshold then applies to the units.
    marker : str or None
        Name of the marker column (:data:`MARKER`); None adds no marker.

    Returns
    -------
    DataFrame
        A copy: blanked integer count columns become nullable integers, other blanked columns
        floats with NaN, plus the marker column.
    """
    k = _k(rules)
    out = table.copy()
    counts = [c for c in counts if c in out.columns]
    weights = dict(weights or {})
    n_rows, n_cols = len(out), len(counts)
    # units behind each count cell (the threshold applies to these), and the values shown
    units = np.column_stack([pd.to_numeric(out[weights.get(c, c)], errors="coerce").to_numpy(float)
                             for c in counts]) if n_cols else np.zeros((n_rows, 0))
    units = np.abs(units)        # a negative count (a waterfall's removed rows) rests on |n|
    sup = (units > 0) & (units < k)

    relations: list[tuple[int | None, np.ndarray]] = []   # (total flat index or None, parts)
    col = {c: j for j, c in enumerate(counts)}
    for g in row_groups:
        if not all(c in col for c in g):
            continue
        for i in range(n_rows):
            relations.append((i * n_cols + col[g[0]], np.array([i * n_cols + col[c] for c in g[1:]])))
    if col_groups is not None and n_rows:
        keys = np.zeros(n_rows, dtype=np.int64)
        if col_groups:
            keys = out.groupby(list(col_groups), sort=False, dropna=False).ngroup().to_numpy()
        is_total = (out[total_rows].fillna(False).to_numpy(bool) if total_rows else np.zeros(n_rows, bool))
        for key in pd.unique(keys):
            rows = np.flatnonzero(keys == key)
            tot = rows[is_total[rows]]
            parts = rows[~is_total[rows]]
            for j in range(n_cols):
                relations.append((int(tot[0]) * n_cols + j if len(tot) else None, parts * n_cols + j))

    flat_sup = sup.ravel()
    flat_n = np.nan_to_num(units.ravel(), nan=0.0)
    for _ in range(100):
        changed = False
        for total, parts in relations:
            members = parts if total is None else np.append(parts, total)
            s = flat_sup[members]
            if not s.any():
                continue
            while True:
                # a total published elsewhere counts as shown: one blank among the parts is exposed
                alone = int(flat_sup[members].sum()) == 1
                blanked_n = flat_n[parts][flat_sup[parts]].sum()
                if not alone and (blanked_n >= k or not flat_sup[parts].any()):
                    break
                cand = parts[~flat_sup[parts] & (flat_n[parts] > 0)]
                if cand.size:
                    flat_sup[cand[np.argmin(flat_n[cand])]] = True
                elif total is not None and not flat_sup[total]:
                    flat_sup[total] = True
                else:
                    break
                changed = True
        if not changed:
            break
    sup = flat_sup.reshape(n_rows, n_cols)

    blanked = {c: sup[:, j] for j, c in enumerate(counts)}
    for c, m in blanked.items():
        if not m.any():
            continue
        # integer counts stay integers (nullable), anything else becomes float with NaN
        v = pd.to_numeric(out[c], errors="coerce")
        v = v.astype("Int64") if pd.api.types.is_integer_dtype(v) else v.astype(float)
        out[c] = v.mask(m)
    for rate, (num, den) in (rates or {}).items():
        if rate not in out.columns:
            continue
        m = np.zeros(n_rows, bool)
        for part in (num, den):
            if part is not None and part in blanked:
                m |= blanked[part]
        if den is not None and den in out.columns:
            # a rate over fewer than k units is as revealing as the count (NaN: nothing to judge)
            # (a figure with no numerator resting on zero units is an empty cell, kept)
            d_units = (units[:, col[den]] if den in col
                       else np.abs(pd.to_numeric(table[den], errors="coerce").to_numpy(float)))
            m |= too_few(d_units, k) if num is not None else is_small(d_units, k)
        blanked[rate] = m | blanked.get(rate, np.zeros(n_rows, bool))
        if m.any():
            out[rate] = pd.to_numeric(out[rate], errors="coerce").astype(float).mask(m)
    if marker:
        names = np.full(n_rows, "", dtype=object)
        for c, m in blanked.items():
            if m.any():
                names = np.where(m, np.where(names == "", c, names + ";" + c), names)
        if marker in out.columns:   # a table suppressed twice keeps one marker
            prev = out[marker].fillna("").astype(str).to_numpy(dtype=object)
            names = np.array([";".join(dict.fromkeys([x for x in (a.split(";") + b.split(";")) if x]))
                              for a, b in zip(prev, names)], dtype=object)
        out[marker] = pd.Series(names, index=out.index, dtype="str")
    return out
