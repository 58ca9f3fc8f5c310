"""Design-based estimation for stratified cluster samples (Taylor linearisation).

A small engine with no knowledge of any particular survey: a :class:`SurveyDesign` holds
the weights and the factorised strata and primary sampling units (PSUs); the estimators are
pure functions that return tidy :class:`pandas.DataFrame` objects.

Conventions (they follow R's ``survey`` package, Lumley 2004/2010, unless stated):

* **Variance.** Ultimate-cluster, with-replacement first-stage approximation::

      V = sum_h f_h * n_h / (n_h - 1) * sum_{i in h} (z_hi - zbar_h)^2

  where ``z_hi`` is the total over PSU *i* of stratum *h* of the weighted influence values
  of the estimator, ``n_h`` the number of sampled PSUs and ``f_h = (N_h - n_h) / N_h`` the
  finite population correction (1 without ``fpc``); R ``svyrecvar`` with one stage.
* **PSUs are nested in strata** (R ``svydesign(..., nest = TRUE)``): a PSU label that occurs
  in two strata denotes two PSUs.
* **Domains** (``by=``) are subpopulations of the full design: units outside the domain have
  zero influence, and every PSU of the design enters the variance (R ``svyby``). Rows are
  never subset, which would give wrong standard errors.
* **Degrees of freedom** ``df = #PSU - #strata`` (R ``degf``). Confidence intervals use the
  t distribution with ``df`` (R's ``confint`` uses the normal distribution unless ``df=`` is
  given). ``df="domain"`` uses, as R's ``degf`` on a subsetted design, only the PSUs and
  strata that contain domain units.
* **Lonely PSUs** (a stratum with a single PSU): as R ``options(survey.lonely.psu=)``, see
  :class:`SurveyDesign`.
* ``rse = 100 * se / |estimate|`` (percent).

Multi-stage samples are treated as ultimate-cluster designs: only the first stage (strata,
PSUs, first-stage fpc) enters the variance, as R does for ``ids = ~psu``.

Implementation: an estimator needs only sums over the rows of each (domain, PSU) cell of a
few weighted quantities; the influence-value totals and the variance are then formed on the
cells (one per PSU when domains are geographic), for all domains and all indicators at once.
There is no Python loop over rows, domains or strata, and no per-domain copy of the data.

* When the rows of every PSU are contiguous (survey files are sorted by PSU), the design is
  factorised from one value per run of rows, domains that are constant within PSUs
  (geography) are coded per run, and cell sums are ``np.add.reduceat`` over the runs: one
  sequential pass. Otherwise codes are made per row and summed with ``np.bincount``.
* Per-PSU row counts and weight totals are computed once per design and shared by every
  estimator on it. FGT reads the welfare column once and only the poor rows further (every
  other row has g = 0).
* Rows are processed in blocks, so temporaries stay small next to the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "LONELY_PSU_RULES",
    "SurveyDesign",
    "total",
    "mean",
    "ratio",
    "proportion",
    "proportion_ci",
    "fgt",
    "gini",
    "difference",
    "compare",
    "relative_se",
    "reliability_flag",
    "RELIABILITY_FLAGS",
]

LONELY_PSU_RULES = ("fail", "remove", "certainty", "adjust", "average")
RELIABILITY_FLAGS = ("ok", "caution", "unreliable", "suppressed")

# R survey's onestrat(): a stratum whose fpc factor is below this is treated as censused
# (zero variance) before the lonely-PSU rule is looked at.
_CENSUS_TOL = 1e-7

DfSpec = int | float | Literal["design", "domain"] | None


# --------------------------------------------------------------------------------------
# Design
# --------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False, repr=False)
class SurveyDesign:
    """A stratified cluster sample: weights, strata and PSUs, factorised once.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per sampled unit (household or person). Not copied; do not modify it while
        the design is in use.
    weight : str
        Column of sampling weights (inverse inclusion probabilities). Must be positive and
        finite.
    strata : str, optional
        Column identifying the strata. None: one stratum.
    psu : str, optional
        Column identifying the primary sampling units, nested within strata (a label that
        occurs in two strata denotes two PSUs, R ``nest = TRUE``). None: every row is a PSU.
    fpc : str or float, optional
        First-stage finite population correction, as R ``svydesign(fpc=)``: either the
        population number of PSUs in the stratum (all values >= 1) or the sampling fraction
        (all values <= 1), given as a column (constant within strata) or a single number.
        None: sampling with replacement (no correction).
    lonely_psu : {"fail", "remove", "certainty", "adjust", "average"}
        Rule for strata with a single PSU, as R ``options(survey.lonely.psu=)``:

        * ``"fail"`` (default, as R): raise a ValueError naming the strata;
        * ``"remove"`` / ``"certainty"``: the stratum contributes nothing to the variance;
        * ``"adjust"``: the lone PSU total is centred at zero instead of at the stratum mean.
          For means, ratios, proportions and FGT the influence values sum to zero, so this
          is centring at the grand mean (Stata ``singleunit(centered)``); for totals (and,
          nearly, the Gini) it uses the raw PSU total, exactly as R survey 4.x does;
        * ``"average"``: such strata are dropped and the variance is multiplied by
          (#strata) / (#strata with 2+ PSUs), counting, within a domain, only strata that
          contain domain units (R ``svyby``; Stata ``singleunit(scaled)``).

    Attributes
    ----------
    weights : numpy.ndarray
        float64 weights (a read-only view of the column when it is already float64).
    psu_code : numpy.ndarray
        PSU code per row (smallest integer type); PSUs are numbered stratum by stratum.
    psu_stratum : numpy.ndarray
        Stratum code of each PSU.
    n_psu : numpy.ndarray
        Number of sampled PSUs per stratum.
    fpc_factor : numpy.ndarray
        ``f_h = (N_h - n_h) / N_h`` per stratum (1 without fpc).
    strata_labels : pandas.Index
        Stratum labels in code order.
    df : int
        Design degrees of freedom, #PSU - #strata (R ``degf``).
    run_start, run_psu : numpy.ndarray or None
        When the rows of every PSU are contiguous (files sorted by PSU, the usual layout):
        the first row of each PSU's run and the PSU code of each run. Estimators then sum
        each PSU's rows with ``np.add.reduceat`` over the runs instead of ``np.bincount``
        over codes. None otherwise.

    Examples
    --------
    >>> d = pd.DataFrame({"w": [1.0, 2, 1, 2], "h": [1, 1, 2, 2], "p": [1, 2, 1, 2],
    ...                   "y": [1.0, 2, 3, 4]})
    >>> des = SurveyDesign(d, weight="w", strata="h", psu="p")
    >>> des.df
    2
    >>> float(mean(des, "y")["estimate"].iloc[0])
    2.6666666666666665
    """

    data: pd.DataFrame
    weight: str
    strata: str | None = None
    psu: str | None = None
    fpc: str | float | None = None
    lonely_psu: str = "fail"

    weights: np.ndarray = field(init=False)
    psu_code: np.ndarray = field(init=False)
    psu_stratum: np.ndarray = field(init=False)
    n_psu: np.ndarray = field(init=False)
    fpc_factor: np.ndarray = field(init=False)
    strata_labels: pd.Index = field(init=False)
    df: int = field(init=False)
    run_start: np.ndarray | None = field(init=False)
    run_psu: np.ndarray | None = field(init=False)
    _psu_sums: dict = field(init=False, repr=False)

    def __post_init__(self) -> None:
        data = self.data
        if not isinstance(data, pd.DataFrame):
            raise TypeError("data must be a pandas DataFrame")
        if self.lonely_psu not in LONELY_PSU_RULES:
            raise ValueError(f"lonely_psu must be one of {LONELY_PSU_RULES}, got {self.lonely_psu!r}")
        for col in (self.weight, self.strata, self.psu):
            if col is not None and col not in data.columns:
                raise KeyError(f"column {col!r} not in data")
        n = len(data)
        if n == 0:
            raise ValueError("data has no rows")

        w = data[self.weight].to_numpy(dtype=np.float64, na_value=np.nan)
        # min > 0 rules out NaN and non-positive weights, a finite sum rules out +inf: two
        # reductions instead of three temporaries; the rows are looked for only on failure.
        if not (w.min() > 0 and np.isfinite(w.sum())):
            bad = ~(np.isfinite(w) & (w > 0))
            if bad.any():
                raise ValueError(
                    f"weights in column {self.weight!r} must be positive and finite; "
                    f"{int(bad.sum())} row(s) are not, e.g. rows {_row_labels(data, bad)}"
                )

        runs = None if self.psu is None else _psu_runs(data, self.psu, self.strata)
        if runs is not None and self._init_from_runs(w, *runs):
            return

        # Stratum codes in sorted label order.
        if self.strata is None:
            s_code = np.zeros(n, dtype=np.intp)
            s_labels = pd.Index(["(all)"])
        else:
            s_code, s_labels = _factorize_sorted(data[self.strata], data, self.strata)

        fpc_value = self._fpc_values(s_code, s_labels)

        # PSU codes, numbered stratum by stratum.
        if self.psu is None:
            order = np.argsort(s_code, kind="stable")
            psu_code = np.empty(n, dtype=_int_type(n))
            psu_code[order] = np.arange(n)
            psu_stratum = s_code[order].astype(np.intp)
            del order
        else:
            p_code, p_labels = _factorize_sorted(data[self.psu], data, self.psu)
            n_lab = len(p_labels)
            lab_stratum = np.zeros(n_lab, dtype=np.intp)
            lab_stratum[p_code] = s_code  # some stratum of each label; nested iff rows agree
            if all(np.array_equal(lab_stratum[p_code[r]], s_code[r]) for r in _row_blocks(n)):
                # each label is in one stratum (the usual case): order labels stratum-major
                order = np.lexsort((np.arange(n_lab), lab_stratum))
                rank = np.empty(n_lab, dtype=np.intp)
                rank[order] = np.arange(n_lab)
                psu_code = np.empty(n, dtype=_int_type(n_lab))
                for r in _row_blocks(n):
                    psu_code[r] = rank[p_code[r]]
                psu_stratum = lab_stratum[order]
            else:
                # labels repeat across strata: a PSU is a (stratum, label) pair
                key = s_code.astype(np.int64)
                key *= n_lab
                key += p_code
                del p_code
                psu_code, key_uniques = _factorize_sorted(key)
                del key
                psu_stratum = (np.asarray(key_uniques) // n_lab).astype(np.intp)
        del s_code
        self._finish(w, psu_code, psu_stratum, None, s_labels, fpc_value, None, None)

    def _init_from_runs(self, w: np.ndarray, start: np.ndarray, s_run, p_run_code: np.ndarray,
                        p_labels: pd.Index) -> bool:
        """Factorise strata and PSUs from one value per run when every PSU's rows are
        contiguous (survey files are sorted by PSU): the labels are sorted and ranked on the
        runs, not the rows, and give exactly the codes of the row-wise path. False (nothing
        set) when a PSU occurs in two runs."""
        n = len(w)
        if s_run is None:
            s_run_code = np.zeros(len(start), dtype=np.intp)
            s_labels = pd.Index(["(all)"])
        else:
            s_run_code, s_labels = _factorize_sorted(s_run)
        # A PSU is a (stratum, label) pair (nest = TRUE); its code is the rank of the pair,
        # stratum-major, as in the row-wise path.
        n_lab = len(p_labels)
        key = s_run_code.astype(np.int64) * n_lab + p_run_code
        run_psu, keys = _factorize_sorted(key)
        if len(keys) != len(start):  # a PSU in two runs: its rows are not contiguous
            return False
        fpc_value = None
        if self.fpc is not None:  # rare: checked row by row as in the general path
            fpc_value = self._fpc_values(np.repeat(s_run_code, np.diff(np.append(start, n))), s_labels)
        psu_stratum = (np.asarray(keys) // n_lab).astype(np.intp)
        psu_code = np.repeat(run_psu, np.diff(np.append(start, n)))
        self._finish(w, psu_code, psu_stratum, None, s_labels, fpc_value, start, run_psu.astype(np.intp))
        return True

    def _finish(self, w, psu_code, psu_stratum, n_psu, s_labels, fpc_value, run_start, run_psu) -> None:
        """Stratum sizes, fpc and lonely-PSU checks; store the (read-only) arrays."""
        n_strata = len(s_labels)
        if n_psu is None:
            n_psu = np.bincount(psu_stratum, minlength=n_strata)
        fpc_factor = self._fpc_factor(fpc_value, n_psu, s_labels)
        lonely = n_psu == 1
        if self.lonely_psu == "fail" and lonely.any():
            names = ", ".join(repr(str(x)) for x in s_labels[lonely][:10])
            raise ValueError(
                f"stratum {names} (column {self.strata!r}) has only one PSU; choose "
                "lonely_psu='remove', 'certainty', 'adjust' or 'average', or collapse strata"
            )
        for arr in (w, psu_code, psu_stratum, n_psu, fpc_factor, run_start, run_psu):
            if arr is not None and arr.flags.owndata:
                arr.flags.writeable = False
        setattr_ = object.__setattr__
        setattr_(self, "weights", w)
        setattr_(self, "psu_code", psu_code)
        setattr_(self, "psu_stratum", psu_stratum)
        setattr_(self, "n_psu", n_psu)
        setattr_(self, "fpc_factor", fpc_factor)
        setattr_(self, "strata_labels", s_labels)
        setattr_(self, "df", int(len(psu_stratum) - n_strata))
        setattr_(self, "run_start", run_start)
        setattr_(self, "run_psu", run_psu)
        setattr_(self, "_psu_sums", {})

    def psu_sums(self, what: str) -> np.ndarray:
        """Per-PSU row count (``"n"``) or weight total (``"w"``), computed once per design:
        every estimator on the design needs them, so they are not re-summed per call."""
        if what not in self._psu_sums:
            dom = _Domains(None, None, pd.DataFrame({"domain": ["all"]}), None,
                           np.zeros(self.n_psu_total, dtype=np.intp), np.arange(self.n_psu_total, dtype=np.intp))
            (a,) = _cell_sums(self, dom, [None if what == "n" else self.weights])
            a.flags.writeable = False
            self._psu_sums[what] = a
        return self._psu_sums[what]

    def _fpc_values(self, s_code: np.ndarray, s_labels: pd.Index) -> np.ndarray | None:
        """The fpc value of each stratum (checked constant within strata), or None."""
        if self.fpc is None:
            return None
        if not isinstance(self.fpc, str):
            return np.full(len(s_labels), float(self.fpc))
        v = self.data[self.fpc].to_numpy(dtype=np.float64, na_value=np.nan)
        if np.isnan(v).any():
            raise ValueError(f"fpc column {self.fpc!r} has missing values")
        val = np.empty(len(s_labels))
        val[s_code] = v  # some value of each stratum; then all must equal it
        varies = v != val[s_code]
        if varies.any():
            bad = s_labels[s_code[np.argmax(varies)]]
            raise ValueError(f"fpc column {self.fpc!r} varies within stratum {bad!r}")
        return val

    @staticmethod
    def _fpc_factor(val: np.ndarray | None, n_psu: np.ndarray, s_labels: pd.Index) -> np.ndarray:
        """f_h = (N_h - n_h) / N_h, with N_h = n_h / fraction when fractions are given (R as.fpc)."""
        if val is None:
            return np.ones(len(n_psu))
        if np.any(val <= 0):
            raise ValueError("fpc must be positive")
        if np.any(val > 1):
            if np.any(val < 1):
                raise ValueError("fpc: give all population sizes (>= 1) or all sampling fractions (<= 1)")
            popsize = val
        else:
            popsize = n_psu / val  # as R: the population number of PSUs implied by the fraction
        if np.any(popsize < n_psu):
            bad = s_labels[popsize < n_psu][0]
            raise ValueError(f"fpc implies more PSUs sampled than exist in stratum {bad!r}")
        with np.errstate(invalid="ignore"):
            f = np.where(np.isinf(popsize), 1.0, (popsize - n_psu) / popsize)
        return f

    # -- small conveniences ----------------------------------------------------------------
    @property
    def n_rows(self) -> int:
        """Number of sampled units (rows)."""
        return len(self.weights)

    @property
    def n_psu_total(self) -> int:
        """Number of PSUs in the design."""
        return len(self.psu_stratum)

    @property
    def n_strata(self) -> int:
        """Number of strata."""
        return len(self.n_psu)

    def __repr__(self) -> str:
        return (
            f"SurveyDesign(n={self.n_rows}, strata={self.n_strata}, psu={self.n_psu_total}, "
            f"df={self.df}, weight={self.weight!r}, fpc={self.fpc!r}, "
            f"lonely_psu={self.lonely_psu!r})"
        )


def _same_as_previous(col: pd.Series) -> np.ndarray | None:
    """Boolean ``col[i] == col[i - 1]`` for i = 1 .. n - 1 (one vectorised comparison), for
    numeric and Arrow-backed string columns without missing values; None otherwise (then
    the row-wise path is taken, which also reports missing values with their rows)."""
    dt = col.dtype
    if isinstance(dt, np.dtype):
        if dt.kind not in "iufb":
            return None
        arr = col.to_numpy()
        if dt.kind == "f" and np.isnan(arr.sum()):
            return None
        return np.equal(arr[1:], arr[:-1])
    if getattr(dt, "storage", None) == "pyarrow" or isinstance(dt, pd.ArrowDtype):
        import pyarrow as pa
        import pyarrow.compute as pc

        arr = pa.chunked_array(col.array._pa_array if hasattr(col.array, "_pa_array") else pa.array(col.array))
        if arr.null_count:
            return None
        n = len(arr)
        return pc.equal(arr.slice(1), arr.slice(0, n - 1)).to_numpy(zero_copy_only=False)
    return None


def _constant_on_runs(col: pd.Series, start: np.ndarray) -> bool:
    """True if ``col`` (complete) changes value only where a run of ``start`` begins."""
    same = _same_as_previous(col)
    if same is None:
        return False
    same[start[1:] - 1] = True  # a change is allowed where a run starts
    return bool(same.all())


def _psu_runs(data: pd.DataFrame, psu: str, strata: str | None):
    """(run starts, stratum per run, PSU code and labels per run) when the rows of every
    PSU label are contiguous and each run lies in one stratum; None otherwise (then the
    row-wise path factorises, and reports missing values with their rows)."""
    col = data[psu]
    if len(col) < 2:
        return None
    same = _same_as_previous(col)
    if same is None:
        return None
    start = np.flatnonzero(np.concatenate(([False], ~same)))
    start = np.concatenate(([0], start))
    if len(start) > len(col) // 2:  # mostly single-row PSUs: runs would not pay
        return None
    p_run_code, p_labels = _factorize_sorted(col.iloc[start])
    s_run = None
    if strata is not None:
        if not _constant_on_runs(data[strata], start):
            return None
        s_run = data[strata].iloc[start]
    return start, s_run, p_run_code, p_labels


def _factorize_sorted(values, data: pd.DataFrame | None = None, col: str | None = None):
    """Codes in sorted label order (as ``pd.factorize(sort=True)``), in a small integer type.

    Integer columns with a modest range use a lookup table (no hashing, no table the size of
    the data); other columns go through ``pd.factorize``. Codes are written block by block.
    Missing values raise (naming ``col``) when ``data`` is given.
    """
    arr = values.to_numpy() if isinstance(values, (pd.Series, pd.Index)) else np.asarray(values)
    n = len(arr)
    if arr.dtype.kind in "iu" and n > 0:
        lo, hi = int(arr.min()), int(arr.max())
        span = hi - lo + 1
        if span <= max(1 << 20, n // 2):
            present = np.zeros(span, dtype=bool)
            for r in _row_blocks(n):
                present[arr[r] - lo] = True
            lut = np.cumsum(present, dtype=np.int64) - 1  # label value -> rank among present
            n_lev = int(lut[-1]) + 1
            lut = lut.astype(_int_type(n_lev))
            out = np.empty(n, dtype=_int_type(n_lev))
            for r in _row_blocks(n):
                out[r] = lut[arr[r] - lo]
            return out, pd.Index((np.flatnonzero(present) + lo).astype(arr.dtype))
    codes, uniques = pd.factorize(values, sort=False)
    if data is not None:
        _check_codes(codes, data, col)
    uniques = pd.Index(uniques)
    order = uniques.argsort()
    rank = np.empty(len(order), dtype=np.intp)
    rank[order] = np.arange(len(order))
    out = np.empty(n, dtype=_int_type(len(order)))
    for r in _row_blocks(n):
        out[r] = rank[codes[r]]
    return out, uniques[order]


def _int_type(n_levels: int) -> type:
    """Smallest signed integer type holding codes 0 .. n_levels - 1."""
    for t in (np.int8, np.int16, np.int32):
        if n_levels <= np.iinfo(t).max:
            return t
    return np.int64


def _row_labels(data: pd.DataFrame, mask: np.ndarray, k: int = 5) -> list:
    return data.index[np.flatnonzero(mask)[:k]].tolist()


def _check_codes(codes: np.ndarray, data: pd.DataFrame, col: str) -> None:
    if (codes < 0).any():
        raise ValueError(
            f"column {col!r} has missing values, e.g. rows {_row_labels(data, codes < 0)}"
        )


# --------------------------------------------------------------------------------------
# Internal machinery: domains, cells, PSU totals, variance
# --------------------------------------------------------------------------------------
# A "cell" is a (domain, PSU) pair that occurs in the data. Estimators only need sums over
# the rows of each cell (np.bincount); the variance works on the cell totals. With no
# domains, or each PSU inside one domain (geography), the cells are the PSUs. Rows are read
# in blocks so that temporaries (codes, w*y, FGT gaps) stay small whatever the data size.
_BLOCK = 1 << 18
# Rows per block on the PSU-run path: each temporary (65,536 float64 = 512 KiB) stays in
# cache between being made and being summed.
_RUN_BLOCK = 1 << 16


def _small_int(codes: np.ndarray, n_levels: int) -> np.ndarray:
    """Codes in the smallest signed integer type (1-4 bytes a row instead of 8)."""
    return codes.astype(_int_type(n_levels), copy=False)


@dataclass
class _Domains:
    """Domain codes per row, the (domain, PSU) cells, and what the variance needs per domain."""

    dom: np.ndarray | None  # domain code per row (small int type); None: one domain
    exclude: np.ndarray | None  # rows left out of every domain (na_rm)
    labels: pd.DataFrame  # by-columns (if any) + "domain"
    cell_code: np.ndarray | None  # cell per row; None: the cells are the PSUs
    cell_dom: np.ndarray  # (K,) domain of each cell
    cell_psu: np.ndarray  # (K,) PSU of each cell
    psu_level: bool = False  # dom is None but cell_dom holds the domain of each PSU
    n_sample: np.ndarray = None  # (D,) rows per domain
    strata_present: np.ndarray = None  # (D, H) domain has rows in the stratum
    df_domain: np.ndarray = None  # (D,) PSUs with domain rows - strata with domain rows

    @property
    def n_dom(self) -> int:
        return len(self.labels)

    @property
    def n_cells(self) -> int:
        return len(self.cell_dom)

    def row_codes(self, design: SurveyDesign) -> np.ndarray | None:
        """Domain code of every row (None: a single domain)."""
        if self.dom is None and self.psu_level:
            return self.cell_dom[design.psu_code]
        return self.dom

    def cells(self, design: SurveyDesign, rows: slice) -> np.ndarray:
        """intp cell code for a block of rows; excluded rows go to an extra last bin."""
        src = design.psu_code if self.cell_code is None else self.cell_code
        c = src[rows].astype(np.intp)  # bincount is fastest on intp; a fresh array
        if self.exclude is not None:
            c[self.exclude[rows]] = self.n_cells
        return c

    def blocks(self, n: int):
        step = max(_BLOCK, self.n_cells)  # keeps bincount's output small next to the block
        return (slice(i, min(n, i + step)) for i in range(0, n, step))

    def by_domain(self, v: np.ndarray) -> np.ndarray:
        """Sum cell values to domains."""
        return np.bincount(self.cell_dom, weights=v, minlength=self.n_dom)


def _domains(design: SurveyDesign, by, exclude: np.ndarray | None = None) -> _Domains:
    data = design.data
    n, P = design.n_rows, design.n_psu_total
    cols = [] if by is None else [by] if isinstance(by, str) else list(by)
    if exclude is not None and not exclude.any():
        exclude = None
    if not cols:
        d = _Domains(None, exclude, pd.DataFrame({"domain": ["all"]}), None,
                     np.zeros(P, dtype=np.intp), np.arange(P, dtype=np.intp))
    elif (fast := _run_domain_codes(design, cols)) is not None:
        # Domains constant within PSU runs (geography): coded on one value per run, and the
        # cells are the PSUs; no per-row domain codes at all.
        dom_run, labels = fast
        psu_dom = np.empty(P, dtype=np.intp)
        psu_dom[design.run_psu] = dom_run
        d = _Domains(None, exclude, labels, None, psu_dom, np.arange(P, dtype=np.intp), psu_level=True)
    else:
        dom, labels = _domain_codes(data, cols)
        D = len(labels)
        # Each PSU inside one domain? Then the cells are the PSUs (no cell codes needed).
        psu_dom = np.zeros(P, dtype=np.intp)
        psu_dom[design.psu_code] = dom  # some domain of each PSU; nested iff all rows agree
        nested = True
        for rows in _row_blocks(n):
            if np.any(psu_dom[design.psu_code[rows]] != dom[rows]):
                nested = False
                break
        if nested:
            d = _Domains(dom, exclude, labels, None, psu_dom, np.arange(P, dtype=np.intp))
        else:
            key = np.empty(n, dtype=np.int64)
            for rows in _row_blocks(n):
                np.multiply(dom[rows], P, out=key[rows], dtype=np.int64)
                key[rows] += design.psu_code[rows]
            cell_code, cells = _factorize_sorted(key)
            del key
            cells = np.asarray(cells)
            d = _Domains(dom, exclude, labels, cell_code, (cells // P).astype(np.intp),
                         (cells % P).astype(np.intp))
    counts = _cell_sums_cached(design, d, "n")
    present = counts > 0
    H = design.n_strata
    dh = d.cell_dom * H + design.psu_stratum[d.cell_psu]
    d.strata_present = (np.bincount(dh, weights=present, minlength=d.n_dom * H) > 0).reshape(d.n_dom, H)
    d.n_sample = d.by_domain(counts).astype(np.int64)
    d.df_domain = d.by_domain(present).astype(np.int64) - d.strata_present.sum(axis=1)
    return d


def _run_domain_codes(design: SurveyDesign, cols: list[str]):
    """Domain codes per PSU run and the label table, when the design has PSU runs and every
    by-column is numeric, complete and constant within each run; None otherwise."""
    start = design.run_start
    if start is None:
        return None
    data = design.data
    sub = {}
    for c in cols:
        if c not in data.columns:
            raise KeyError(f"by column {c!r} not in data")
        if not _constant_on_runs(data[c], start):
            return None
        sub[c] = data[c].iloc[start].reset_index(drop=True)
    return _domain_codes(pd.DataFrame(sub), cols)


def _domain_codes(data: pd.DataFrame, cols: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Domain code per row (sorted label order) and the label table."""
    dom = None
    uniq_list = []
    for c in cols:
        if c not in data.columns:
            raise KeyError(f"by column {c!r} not in data")
        c_code, c_uni = _factorize_sorted(data[c], data, c)
        uniq_list.append(c_uni)
        dom = c_code if dom is None else dom.astype(np.int64) * len(c_uni) + c_code
    if len(cols) > 1:  # keep only the combinations that occur, in sorted order
        dom, key_uniques = _factorize_sorted(dom)
        rem = np.asarray(key_uniques)
        parts = {}
        for c, u in zip(reversed(cols), reversed(uniq_list)):
            rem, idx = np.divmod(rem, len(u))
            parts[c] = u[idx]
        labels = pd.DataFrame({c: parts[c] for c in cols})
    else:
        labels = pd.DataFrame({cols[0]: uniq_list[0]})
    lab = labels[cols[0]].astype(str)
    for c in cols[1:]:  # crossed domains: codes joined with "|"
        lab = lab + "|" + labels[c].astype(str)
    labels["domain"] = lab
    return _small_int(dom, len(labels)), labels.reset_index(drop=True)


def _row_blocks(n: int):
    return (slice(i, min(n, i + _BLOCK)) for i in range(0, n, _BLOCK))


def _cell_sums(design: SurveyDesign, dom: _Domains, columns, rows_fn=None) -> list[np.ndarray]:
    """Sums over the rows of each cell, block by block.

    ``columns``: list of full-length arrays (None: count rows); or ``rows_fn(block)``, a
    generator yielding the arrays for a block of rows one at a time (each is consumed by
    np.bincount before the next is made).
    """
    if design.run_start is not None and dom.cell_code is None:
        return _run_sums(design, dom, columns, rows_fn)
    m = dom.n_cells + 1  # the last bin collects excluded rows
    acc: list[np.ndarray] = []
    for rows in dom.blocks(design.n_rows):
        c = dom.cells(design, rows)
        vals = (None if v is None else v[rows] for v in columns) if rows_fn is None else rows_fn(rows)
        for j, v in enumerate(vals):
            if j == len(acc):
                acc.append(np.zeros(m))
            acc[j] += np.bincount(c, weights=v, minlength=m)
    return [a[:-1] for a in acc]


def _cell_sums_cached(design: SurveyDesign, dom: _Domains, what: str) -> np.ndarray:
    """Cell row counts (``"n"``) or weight totals (``"w"``): the design's per-PSU sums when
    the cells are the PSUs and no row is left out, else summed now."""
    if dom.cell_code is None and dom.exclude is None:
        return design.psu_sums(what)
    (a,) = _cell_sums(design, dom, [None if what == "n" else design.weights])
    return a


def _run_sums(design: SurveyDesign, dom: _Domains, columns, rows_fn=None) -> list[np.ndarray]:
    """:func:`_cell_sums` when the cells are the PSUs and each PSU is one run of rows: the
    rows are read in blocks of whole runs and each run is summed by ``np.add.reduceat``
    (a sequential pass, no scattered writes, no code array)."""
    start, n = design.run_start, design.n_rows
    R = len(start)
    # block boundaries at the first run starting at or after each multiple of _RUN_BLOCK
    rb = np.unique(np.append(np.searchsorted(start, np.arange(0, n, _RUN_BLOCK)), R))
    out: list[np.ndarray] = []
    for r0, r1 in zip(rb[:-1], rb[1:]):
        a = int(start[r0])
        b = n if r1 == R else int(start[r1])
        rows = slice(a, b)
        local = start[r0:r1] - a
        exc = None if dom.exclude is None else dom.exclude[rows]
        vals = (None if v is None else v[rows] for v in columns) if rows_fn is None else rows_fn(rows)
        for j, v in enumerate(vals):
            if j == len(out):
                out.append(np.empty(R))
            if v is None:  # row counts
                if exc is None:
                    out[j][r0:r1] = np.diff(np.append(local, b - a))
                else:
                    out[j][r0:r1] = np.add.reduceat(~exc, local, dtype=np.float64)
            else:
                if exc is not None:
                    v = np.where(exc, 0.0, v)
                out[j][r0:r1] = np.add.reduceat(v, local)
    acc = []
    for o in out:  # runs -> PSU order (each PSU is exactly one run)
        a = np.empty(R)
        a[design.run_psu] = o
        acc.append(a)
    return acc


def _variance(design: SurveyDesign, dom: _Domains, t: np.ndarray) -> np.ndarray:
    """Linearised variance per domain from the cell totals ``t`` (K,) of the weighted
    influence values, or (K, k) for k estimates at once (result (D, k)); R survey's
    ``onestage``/``onestrat`` for one stage.

    A PSU without rows of the domain has total 0: it is not stored, but enters the stratum
    mean (divided by n_h) and the sum of squares as (n_h - k_dh) * mean^2, k_dh being the
    number of the domain's cells in stratum h.
    """
    H = design.n_strata
    n_h = design.n_psu.astype(np.float64)
    cell_h = design.psu_stratum[dom.cell_psu]
    dh = dom.cell_dom * H + cell_h
    m = dom.n_dom * H
    n_dh = np.tile(n_h, dom.n_dom)
    k_dh = np.bincount(dh, minlength=m)
    lonely = design.n_psu == 1
    rule = design.lonely_psu
    lone = lonely[cell_h] if rule == "adjust" and lonely.any() else None
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(lonely, design.fpc_factor, design.fpc_factor * n_h / (n_h - 1))
    if rule in ("remove", "certainty", "average"):
        scale = np.where(lonely, 0.0, scale)
    scale = np.where(design.fpc_factor < _CENSUS_TOL, 0.0, scale)
    t2 = t.reshape(len(t), -1)  # several estimates (e.g. P0, P1, P2) share the cell layout
    v = np.empty((dom.n_dom, t2.shape[1]))
    for j in range(t2.shape[1]):
        tj = t2[:, j]
        mean_dh = np.bincount(dh, weights=tj, minlength=m) / n_dh
        dev = tj - mean_dh[dh]
        if lone is not None:
            dev[lone] = tj[lone]  # the lone PSU is centred at zero (R), not at its own total
        ss = np.bincount(dh, weights=dev * dev, minlength=m) + (n_dh - k_dh) * mean_dh**2
        v[:, j] = ss.reshape(dom.n_dom, H) @ scale
    if t.ndim == 1:
        v = v[:, 0]
    if rule == "average" and lonely.any():
        # R: strata present in the (sub)design over those whose variance is defined
        na_stratum = lonely & (design.fpc_factor >= _CENSUS_TOL)
        n_present = dom.strata_present.sum(axis=1)
        n_ok = (dom.strata_present & ~na_stratum[None, :]).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            f = n_present / n_ok
            v = v * (f if v.ndim == 1 else f[:, None])
    return v


def _values(design: SurveyDesign, y, what: str = "y") -> tuple[np.ndarray, str]:
    """float64 values of a column name or array (no copy when already float64)."""
    if isinstance(y, str):
        if y not in design.data.columns:
            raise KeyError(f"column {y!r} not in data")
        col = design.data[y]
        if col.dtype == bool or str(col.dtype) == "boolean":
            col = col.astype("Float64")
        return col.to_numpy(dtype=np.float64, na_value=np.nan), y
    arr = np.asarray(y, dtype=np.float64)
    if arr.shape != (design.n_rows,):
        raise ValueError(f"{what} must be a column name or an array of length {design.n_rows}")
    return arr, what


def _missing(design: SurveyDesign, arrays: Sequence[tuple[np.ndarray, str]], na_rm: bool) -> np.ndarray | None:
    """Rows with a missing value; error unless na_rm (then they leave every domain, as R na.rm)."""
    miss = None
    for arr, name in arrays:
        m = np.isnan(arr)
        if m.any():
            if not na_rm:
                raise ValueError(
                    f"{name!r} has {int(m.sum())} missing value(s), e.g. rows "
                    f"{_row_labels(design.data, m)}; pass na_rm=True to leave them out"
                )
            miss = m if miss is None else (miss | m)
    return miss


def _resolve_df(design: SurveyDesign, dom: _Domains, df: DfSpec) -> np.ndarray:
    if df is None or (isinstance(df, str) and df == "design"):
        return np.full(dom.n_dom, float(design.df))
    if isinstance(df, str):
        if df == "domain":
            return dom.df_domain.astype(np.float64)
        raise ValueError(f"df must be None, 'design', 'domain' or a number, got {df!r}")
    return np.full(dom.n_dom, float(df))


def _t_quantile(level: float, df: np.ndarray) -> np.ndarray:
    if not 0 < level < 1:
        raise ValueError("level must be in (0, 1)")
    df = np.asarray(df, dtype=np.float64)
    q = stats.t.ppf(0.5 + level / 2, np.where(df > 0, df, np.nan))
    return np.where(np.isinf(df), stats.norm.ppf(0.5 + level / 2), q)


def relative_se(estimate, se):
    """Relative standard error in percent, ``100 * se / |estimate|`` (inf when estimate is 0)."""
    estimate = np.asarray(estimate, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return 100.0 * np.asarray(se, dtype=np.float64) / np.abs(estimate)


def _frame(dom: _Domains, est: np.ndarray, var: np.ndarray, df: np.ndarray, level: float,
           scale: float = 1.0, extra: dict | None = None, ci: tuple | None = None) -> pd.DataFrame:
    """Tidy result: est, var are (D, K); rows are K blocks of D domains."""
    D, K = est.shape
    se = np.sqrt(var)
    if ci is None:
        q = _t_quantile(level, df)[:, None]
        lo, hi = est - q * se, est + q * se
    else:
        lo, hi = ci
    # One DataFrame construction (setting columns one by one costs more than the estimation
    # on a million rows).
    rep = np.tile(np.arange(D), K)
    cols = {c: dom.labels[c].array.take(rep) for c in dom.labels.columns}
    for k, v in (extra or {}).items():
        cols[k] = np.repeat(np.asarray(v), D)
    cols["estimate"] = (est.T * scale).ravel()
    cols["se"] = (se.T * scale).ravel()
    cols["ci_low"] = (np.asarray(lo).T * scale).ravel()
    cols["ci_high"] = (np.asarray(hi).T * scale).ravel()
    cols["rse"] = relative_se(est.T.ravel(), se.T.ravel())
    cols["df"] = np.tile(df, K)
    cols["n_sample"] = np.tile(dom.n_sample, K)
    return pd.DataFrame(cols)


# --------------------------------------------------------------------------------------
# Estimators
# --------------------------------------------------------------------------------------
def total(design: SurveyDesign, y, by=None, *, level: float = 0.95, df: DfSpec = None,
          na_rm: bool = False) -> pd.DataFrame:
    """Estimated population total, sum_i w_i y_i (R ``svytotal``).

    Parameters
    ----------
    design : SurveyDesign
    y : str or array_like
        Column name (or values, one per row).
    by : str or list of str, optional
        Domain columns; domains are subpopulations of the full design (R ``svyby``).
    level : float
        Confidence level of the t interval.
    df : None, "design", "domain" or number
        Degrees of freedom for the interval: design df (default), domain df as R's ``degf``
        on a subsetted design, or a given value (``np.inf``: normal interval).
    na_rm : bool
        Leave rows with missing ``y`` out of every domain (R ``na.rm = TRUE``); otherwise
        missing values raise.

    Returns
    -------
    pandas.DataFrame
        By-columns, ``domain``, ``estimate, se, ci_low, ci_high, rse, df, n_sample``.

    Notes
    -----
    Influence value of unit i in domain d: ``w_i y_i``.
    """
    yv, name = _values(design, y)
    miss = _missing(design, [(yv, name)], na_rm)
    dom = _domains(design, by, miss)
    w = design.weights
    (a,) = _cell_sums(design, dom, None, lambda rows: (w[rows] * yv[rows],))
    var = _variance(design, dom, a)
    return _frame(dom, dom.by_domain(a)[:, None], var[:, None], _resolve_df(design, dom, df), level)


def _ratio_parts(design: SurveyDesign, dom: _Domains, y: np.ndarray, x: np.ndarray | None):
    """R = sum(w y) / sum(w x) per domain, and the cell totals of the influence values
    w (y - R x) / sum(w x), formed from cell sums of w y and w x (x = None: x = 1, a mean)."""
    w = design.weights
    if x is None:
        (a,) = _cell_sums(design, dom, None, lambda rows: (w[rows] * y[rows],))
        b = _cell_sums_cached(design, dom, "w")
    else:
        a, b = _cell_sums(design, dom, None, lambda rows: (w[rows] * y[rows], w[rows] * x[rows]))
    den = dom.by_domain(b)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = dom.by_domain(a) / den
        t = (a - r[dom.cell_dom] * b) / den[dom.cell_dom]
    return r, t


def mean(design: SurveyDesign, y, by=None, *, level: float = 0.95, df: DfSpec = None,
         scale: float = 1.0, na_rm: bool = False) -> pd.DataFrame:
    """Weighted (Hajek) mean, sum_i w_i y_i / sum_i w_i (R ``svymean``).

    Parameters are as :func:`total`; ``scale`` multiplies estimate, se and interval
    (e.g. 100 for a percentage).

    Notes
    -----
    Influence value of unit i in domain d: ``w_i (y_i - ybar_d) / N_d``, N_d = sum of weights
    in the domain; zero outside the domain.
    """
    yv, name = _values(design, y)
    miss = _missing(design, [(yv, name)], na_rm)
    dom = _domains(design, by, miss)
    est, t = _ratio_parts(design, dom, yv, None)
    var = _variance(design, dom, t)
    return _frame(dom, est[:, None], var[:, None], _resolve_df(design, dom, df), level, scale)


def ratio(design: SurveyDesign, num, den, by=None, *, level: float = 0.95, df: DfSpec = None,
          scale: float = 1.0, na_rm: bool = False) -> pd.DataFrame:
    """Ratio of two totals, sum w num / sum w den (R ``svyratio``, combined ratio).

    Notes
    -----
    Influence value: ``w_i (num_i - R_d den_i) / sum_{d} w den``.
    """
    nv, nname = _values(design, num, "num")
    dv, dname = _values(design, den, "den")
    miss = _missing(design, [(nv, nname), (dv, dname)], na_rm)
    dom = _domains(design, by, miss)
    est, t = _ratio_parts(design, dom, nv, dv)
    var = _variance(design, dom, t)
    return _frame(dom, est[:, None], var[:, None], _resolve_df(design, dom, df), level, scale)


def proportion_ci(p, se, n_sample, df, *, method: str = "wald", level: float = 0.95):
    """Confidence interval for a proportion from its estimate and linearised SE.

    Parameters
    ----------
    p, se : array_like
        Estimated proportion (0-1 scale) and its standard error.
    n_sample : array_like
        Unweighted sample size of the domain (Korn-Graubard only).
    df : array_like
        Degrees of freedom (``np.inf`` for normal quantiles).
    method : {"wald", "logit", "korn_graubard"}
        * ``"wald"`` (alias ``"mean"``): p +/- t se.
        * ``"logit"``: t interval for logit(p) with se / (p (1 - p)), transformed back; as R
          ``svyciprop(method = "logit")``, which fits a quasi-binomial ``svyglm``. R's IRLS
          stops at a relative deviance change of 1e-8, so its point estimate differs from the
          exact weighted proportion used here by about 1e-8 (relative). Undefined (NaN) at
          p = 0 or 1.
        * ``"korn_graubard"`` (alias ``"beta"``): Clopper-Pearson interval at the effective
          sample size n_eff = p (1 - p) / se^2 times (t_{n-1} / t_df)^2 (Korn and Graubard
          1998), exactly as R ``svyciprop(method = "beta")``. When se = 0 (e.g. p = 0 in the
          domain) R returns NaN; here n_eff = n_sample is used, the Clopper-Pearson interval.
    level : float

    Returns
    -------
    (ci_low, ci_high) : tuple of numpy.ndarray
    """
    p = np.asarray(p, dtype=np.float64)
    se = np.asarray(se, dtype=np.float64)
    df = np.broadcast_to(np.asarray(df, dtype=np.float64), p.shape)
    q = _t_quantile(level, df)
    if method in ("wald", "mean"):
        return p - q * se, p + q * se
    if method == "logit":
        with np.errstate(divide="ignore", invalid="ignore"):
            inside = (p > 0) & (p < 1)
            eta = np.log(p / (1 - p))
            se_eta = se / (p * (1 - p))
            lo = np.where(inside, _expit(eta - q * se_eta), np.nan)
            hi = np.where(inside, _expit(eta + q * se_eta), np.nan)
        return lo, hi
    if method in ("korn_graubard", "beta"):
        n = np.broadcast_to(np.asarray(n_sample, dtype=np.float64), p.shape)
        a2 = (1 - level) / 2
        with np.errstate(divide="ignore", invalid="ignore"):
            n_eff = np.where(se > 0, p * (1 - p) / se**2, n)
            t_n = stats.t.ppf(a2, np.where(n > 1, n - 1, np.nan))
            t_df = np.where(np.isinf(df), stats.norm.ppf(a2), stats.t.ppf(a2, np.where(df > 0, df, np.nan)))
            n_eff = n_eff * (t_n / t_df) ** 2
            x = n_eff * p
            lo = np.where(x > 0, stats.beta.ppf(a2, np.where(x > 0, x, 1.0), n_eff * (1 - p) + 1), 0.0)
            y = n_eff * (1 - p)
            hi = np.where(y > 0, stats.beta.ppf(1 - a2, x + 1, np.where(y > 0, y, 1.0)), 1.0)
            bad = ~np.isfinite(n_eff)
        return np.where(bad, np.nan, lo), np.where(bad, np.nan, hi)
    raise ValueError(f"unknown method {method!r}; use 'wald', 'logit' or 'korn_graubard'")


def _expit(x):
    return 1.0 / (1.0 + np.exp(-x))


def proportion(design: SurveyDesign, y, by=None, *, method: str = "wald", level: float = 0.95,
               df: DfSpec = None, scale: float = 1.0, na_rm: bool = False) -> pd.DataFrame:
    """Proportion of units with ``y == 1``: the weighted mean of a 0/1 indicator.

    Estimate and SE are those of :func:`mean`. ``method`` selects the interval (see
    :func:`proportion_ci`): ``"wald"``, ``"logit"`` (R ``svyciprop(method="logit")``) or
    ``"korn_graubard"`` (R ``svyciprop(method="beta")``); the last two suit small
    proportions. To reproduce R's ``svyby(..., svyciprop)``, where every domain is a
    subsetted design, pass ``df="domain"``.

    ``y`` may be boolean or numeric with values 0 and 1.
    """
    yv, name = _values(design, y)
    ok = np.isnan(yv) | (yv == 0) | (yv == 1)
    if not ok.all():
        raise ValueError(f"{name!r} must be a 0/1 indicator, e.g. rows {_row_labels(design.data, ~ok)}")
    miss = _missing(design, [(yv, name)], na_rm)
    dom = _domains(design, by, miss)
    est, t = _ratio_parts(design, dom, yv, None)
    var = _variance(design, dom, t)
    dfv = _resolve_df(design, dom, df)
    lo, hi = proportion_ci(est, np.sqrt(var), dom.n_sample, dfv, method=method, level=level)
    out = _frame(dom, est[:, None], var[:, None], dfv, level, scale, ci=(lo[:, None], hi[:, None]))
    out.attrs["ci_method"] = method
    return out


def fgt(design: SurveyDesign, y, line, alpha=(0, 1, 2), by=None, size=None, *, scale: float = 1.0,
        level: float = 0.95, df: DfSpec = None, na_rm: bool = False) -> pd.DataFrame:
    """Foster-Greer-Thorbecke poverty indices at a fixed poverty line.

    ``P_alpha = sum_i w_i m_i g_i / sum_i w_i m_i``, with
    ``g_i = 1[y_i < z] ((z - y_i) / z) ** alpha``: poor means **strictly** below the line
    (BPS, Stata ``sepov``; convey's ``svyfgt`` counts ``y <= z``).

    Parameters
    ----------
    design : SurveyDesign
    y : str or array_like
        Welfare measure, e.g. monthly per-capita consumption expenditure.
    line : float, str or array_like
        Poverty line z: one number, or a column / array giving each unit's line (e.g.
        urban and rural lines). Must be positive. Treated as fixed (no sampling variance).
    alpha : float or sequence of float
        FGT parameter(s); all are computed in one pass (P0, P1, P2 by default).
    by : str or list of str, optional
        Domain columns (subpopulations of the full design).
    size : str or array_like, optional
        Household-size multiplier m: with household rows, gives person-level indices (the
        ratio above); None means m = 1 (rows are persons, or household-level indices).
    scale : float
        Multiplies estimate, se and interval; BPS publishes P0, P1, P2 times 100.
    level, df, na_rm
        As :func:`total`.

    Returns
    -------
    pandas.DataFrame
        By-columns, ``domain``, ``indicator`` (``p0``, ``p1``, ... ), ``alpha``, then
        ``estimate, se, ci_low, ci_high, rse, df, n_sample``; blocks of domains per alpha.

    Notes
    -----
    The SE is that of the ratio (R ``svyratio(~m*g, ~m)``; ``svymean(~g)`` when m = 1): the
    influence value is ``w_i m_i (g_i - P_d) / sum_d w m``. Only per-cell sums of ``w m``
    (shared with other estimators on the design when m = 1) and of ``w m g`` over the poor
    rows are formed, block by block: no temporary is as long as the data.
    """
    alphas = np.atleast_1d(np.asarray(alpha, dtype=np.float64))
    if np.any(alphas < 0):
        raise ValueError("alpha must be >= 0")
    yv, name = _values(design, y)
    checks = [(yv, name)]
    if isinstance(line, (int, float, np.floating, np.integer)):
        z = float(line)
        if not z > 0:
            raise ValueError("line must be positive")
    else:
        z, zname = _values(design, line, "line")
        checks.append((z, zname))
        if np.any(z <= 0):
            raise ValueError("line must be positive")
    m = None
    if size is not None:
        m, mname = _values(design, size, "size")
        checks.append((m, mname))
    miss = _missing(design, checks, na_rm)
    dom = _domains(design, by, miss)
    w_all = design.weights
    if m is None:
        b = _cell_sums_cached(design, dom, "w")
    else:
        (b,) = _cell_sums(design, dom, None, lambda rows: (w_all[rows] * m[rows],))
    # g = 0 for every unit at or above the line: only the poor rows are read further. Their
    # w m g are summed to cells (one bincount per alpha over the poor rows only).
    src = design.psu_code if dom.cell_code is None else dom.cell_code
    K = dom.n_cells
    nums = [np.zeros(K) for _ in alphas]
    for rows in _row_blocks(design.n_rows):
        yb = yv[rows]
        poor = yb < (z if not isinstance(z, np.ndarray) else z[rows])  # strict: on the line is not poor
        if dom.exclude is not None:
            poor &= ~dom.exclude[rows]
        i = np.flatnonzero(poor)
        if len(i) == 0:
            continue
        cells = src[rows][i].astype(np.intp)
        wp = w_all[rows][i]
        if m is not None:
            wp = wp * m[rows][i]
        zp = z if not isinstance(z, np.ndarray) else z[rows][i]
        gap = zp - yb[i]
        gap /= zp  # (z - y) / z > 0
        for k, a in enumerate(alphas):  # a handful of alphas, not rows
            if a == 0:
                g = wp
            elif a == 1:
                g = wp * gap
            else:
                g = gap * gap if a == 2 else np.power(gap, a)
                g *= wp
            nums[k] += np.bincount(cells, weights=g, minlength=K)
    den = dom.by_domain(b)
    with np.errstate(divide="ignore", invalid="ignore"):
        est = np.column_stack([dom.by_domain(num) for num in nums]) / den[:, None]
        # cell totals of the influence values w m (g - P) / sum w m
        t = (np.column_stack(nums) - est[dom.cell_dom] * b[:, None]) / den[dom.cell_dom][:, None]
    var = _variance(design, dom, t)
    names = [f"p{int(a)}" if float(a).is_integer() else f"fgt{a:g}" for a in alphas]
    return _frame(dom, est, var, _resolve_df(design, dom, df), level, scale,
                  extra={"indicator": names, "alpha": alphas})


def gini(design: SurveyDesign, y, size=None, by=None, *, level: float = 0.95, df: DfSpec = None,
         na_rm: bool = False) -> pd.DataFrame:
    """Gini coefficient with its linearised SE, exactly as R convey's ``svygini``.

    Point estimate (convey ``CalcGini``), with x sorted ascending and ties kept in row order
    (R's stable ``order``), r_i = cumsum(w)_i, N = sum w, T = sum w x::

        G = sum_i (2 r_i - 1) w_i x_i / (N T) - 1

    (the ``- 1`` inside the sum is convey's; it makes G depend slightly on the scale of the
    weights). Linearisation (convey ``CalcGini_IF``; Langel and Tille 2013, Osier 2009,
    via Deville 1999's functional approach): with T1 = sum r w x, T2 = T, T3 = N and
    G = (2 T1 - T2) / (T2 T3) - 1, G_i = cumsum(w x)_i::

        I_i = 2 / (T2 T3) * (T2 - G_i + x_i w_i + r_i x_i)
              - 2 T1 / (T2^2 T3) * x_i
              - (2 T1 - T2) / (T2 T3^2)

    and Var(G) = the design variance of sum_i w_i I_i (convey: ``svyrecvar(lin/prob, ...)``).

    Parameters
    ----------
    design : SurveyDesign
    y : str or array_like
        Income or expenditure.
    size : str or array_like, optional
        Household-size multiplier: weights w m give the person-level Gini from household
        rows (convey on a design with weights w m).
    by : str or list of str, optional
        Domains as subpopulations: the Gini and I_i are computed within the domain; I_i is
        zero outside it; all PSUs enter the variance (convey with ``svyby``).
    level, df, na_rm
        As :func:`total`.

    References
    ----------
    Osier, G. (2009). Variance estimation for complex indicators of poverty and inequality
    using linearization techniques. Survey Research Methods 3(3), 167-195.
    Langel, M. and Tille, Y. (2013). Variance estimation of the Gini index: revisiting a
    result several times published. JRSS A 176(2), 521-540.
    Pessoa, D. and Damico, A. convey: Income Concentration Analysis with Complex Survey
    Samples, R package, ``R/svygini.R``.
    """
    xv, name = _values(design, y)
    checks = [(xv, name)]
    w = design.weights
    if size is not None:
        m, mname = _values(design, size, "size")
        checks.append((m, mname))
        w = w * m
    miss = _missing(design, checks, na_rm)
    dom = _domains(design, by, miss)
    D = dom.n_dom
    n = design.n_rows

    # Sort by (domain, x), stable (R's order() keeps ties in row order); rows left out of
    # every domain (na_rm) get domain code D and sort last.
    rc = dom.row_codes(design)
    if rc is None and dom.exclude is None:
        order = np.argsort(xv, kind="stable")
        ds = np.zeros(n, dtype=np.intp)
    else:
        dkey = np.zeros(n, dtype=np.intp) if rc is None else rc.astype(np.intp)
        if dom.exclude is not None:
            dkey[dom.exclude] = D
        order = np.lexsort((np.where(np.isnan(xv), 0.0, xv), dkey))
        ds = dkey[order]
        del dkey
    inside = ds < D
    xs = np.where(inside, xv[order], 0.0)
    ws = np.where(inside, w[order], 0.0)
    wx = ws * xs

    # Cumulative sums within domains: global cumsum minus the total of earlier domains
    # (absolute rounding error ~ eps * total weight; negligible unless a domain is tiny).
    start = np.flatnonzero(np.r_[True, ds[1:] != ds[:-1]])
    seg = np.repeat(np.arange(len(start)), np.diff(np.r_[start, n]))
    r = np.cumsum(ws)
    r -= (r[start] - ws[start])[seg]
    g = np.cumsum(wx)
    g -= (g[start] - wx[start])[seg]
    del seg

    def dsum(v):
        return np.bincount(ds, weights=v, minlength=D + 1)[:D]

    N, T, T1 = dsum(ws), dsum(wx), dsum(r * wx)
    with np.errstate(divide="ignore", invalid="ignore"):
        est = dsum((2 * r - 1) * wx) / (N * T) - 1  # convey CalcGini
        a1 = 2 / (T * N)  # gradient of (2 T1 - T2) / (T2 T3) - 1 at (T1, T2, T3)
        a2 = -2 * T1 / (T**2 * N)
        a3 = -(2 * T1 - T) / (T * N**2)
    dd = np.minimum(ds, D - 1)
    lin = a1[dd] * (T[dd] - g + wx + r * xs) + a2[dd] * xs + a3[dd]
    lin[~inside] = 0.0
    lin *= ws  # w_i I_i, in sorted order; back to row order for the PSU sums
    wlin = np.empty(n)
    wlin[order] = lin
    del lin, r, g, xs, ws, wx, order, ds, dd
    (tt,) = _cell_sums(design, dom, [wlin])
    var = _variance(design, dom, tt)
    return _frame(dom, est[:, None], var[:, None], _resolve_df(design, dom, df), level)


# --------------------------------------------------------------------------------------
# Comparisons and reliability
# --------------------------------------------------------------------------------------
def difference(est_a, se_a, est_b, se_b, df=None, *, alpha: float = 0.05) -> pd.DataFrame:
    """Change between two estimates from independent samples (e.g. two survey rounds).

    ``change = est_b - est_a`` (from a to b), ``se = sqrt(se_a^2 + se_b^2)``; the statistic
    ``change / se`` is referred to the normal distribution (``df=None``) or to t with ``df``
    degrees of freedom; two-sided p-value; CI at level ``1 - alpha``.

    Parameters
    ----------
    est_a, se_a, est_b, se_b : float or array_like
    df : float or array_like, optional
    alpha : float
        Significance level; ``significant`` is ``p_value < alpha`` (equivalently the CI
        excludes 0).

    Returns
    -------
    pandas.DataFrame
        ``change, se, ci_low, ci_high, statistic, df, p_value, significant``; one row per
        element.
    """
    ea, sa, eb, sb = (np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in (est_a, se_a, est_b, se_b))
    change = eb - ea
    se = np.sqrt(sa**2 + sb**2)
    dfa = np.full(change.shape, np.inf) if df is None else np.broadcast_to(np.asarray(df, dtype=np.float64), change.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = change / se
    q = _t_quantile(1 - alpha, dfa)
    finite = np.isfinite(dfa)
    p = np.where(finite, 2 * stats.t.sf(np.abs(stat), np.where(finite & (dfa > 0), dfa, np.nan)),
                 2 * stats.norm.sf(np.abs(stat)))
    return pd.DataFrame({
        "change": change, "se": se, "ci_low": change - q * se, "ci_high": change + q * se,
        "statistic": stat, "df": dfa, "p_value": p, "significant": p < alpha,
    })


def compare(frame_a: pd.DataFrame, frame_b: pd.DataFrame, on="domain", *, df="sum",
            alpha: float = 0.05) -> pd.DataFrame:
    """Merge two estimate frames on their keys and test the change from a to b.

    Parameters
    ----------
    frame_a, frame_b : pandas.DataFrame
        Outputs of the estimators (columns ``estimate``, ``se``, ``df`` and the keys).
    on : str or list of str
        Key columns (default ``"domain"``; add ``"indicator"`` for FGT frames).
    df : "sum", "min", None or number
        Degrees of freedom of the test: ``df_a + df_b`` (default; the two independent
        samples as one design), the smaller of the two, normal (None) or a given value.
    alpha : float

    Returns
    -------
    pandas.DataFrame
        Keys, ``estimate_a, estimate_b``, then the columns of :func:`difference`.
        Inner join: domains missing from either frame are dropped.
    """
    keys = [on] if isinstance(on, str) else list(on)
    cols = keys + ["estimate", "se", "df"]
    m = frame_a[cols].merge(frame_b[cols], on=keys, suffixes=("_a", "_b"), how="inner", validate="1:1")
    if df == "sum":
        dfv = m["df_a"].to_numpy(float) + m["df_b"].to_numpy(float)
    elif df == "min":
        dfv = np.minimum(m["df_a"].to_numpy(float), m["df_b"].to_numpy(float))
    else:
        dfv = df
    d = difference(m["estimate_a"], m["se_a"], m["estimate_b"], m["se_b"], dfv, alpha=alpha)
    return pd.concat([m[keys + ["estimate_a", "estimate_b"]].reset_index(drop=True), d], axis=1)


def reliability_flag(rse, n_sample, min_n, caution: float = 25.0, unreliable: float = 50.0):
    """BPS-style reliability flag from the RSE (percent) and the sample size.

    ``suppressed`` if ``n_sample < min_n``; else ``ok`` if RSE <= ``caution``, ``caution``
    if RSE <= ``unreliable``, otherwise ``unreliable`` (also when the RSE is undefined,
    e.g. a zero estimate). The 25 / 50 thresholds are common BPS practice ("akurat";
    "perlu hati-hati jika digunakan"; "dianggap tidak akurat"); they are not in a BPS
    regulation, so they are parameters.

    Returns
    -------
    str (scalar input) or numpy.ndarray of str
    """
    r = np.asarray(rse, dtype=np.float64)
    n = np.asarray(n_sample, dtype=np.float64)
    r, n = np.broadcast_arrays(r, n)
    flag = np.select(
        [n < min_n, r <= caution, r <= unreliable],
        ["suppressed", "ok", "caution"],
        default="unreliable",
    ).astype(object)
    return str(flag) if flag.ndim == 0 else flag
