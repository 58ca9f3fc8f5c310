"""Rule-based cleaning: the named rules of the contracts' ``cleaning:`` key.

Every rule is vectorised (no Python loop over rows) and every row it changes, drops or flags is
written to the cleaning log by :class:`CleaningLog`. Log values are never direct identifiers: the
row is named by its pseudonymous key and its row number in the raw file, and NIK rules log the
problem category, never the number.

Rules and their decisions
-------------------------
``kelurahan_name`` / ``kecamatan_name``
    Free-text names are matched to Kemendagri codes after :func:`normalise_name` (case-fold, drop
    spaces, hyphens, dots and apostrophes, drop a leading "kelurahan"/"kel."/"kecamatan"/"kec.")
    against the reference name and its ``name_variants``. A name that still does not match is
    fatal (validation). Where the kecamatan name disagrees with the kelurahan's parent the
    kelurahan wins: kelurahan names are unique in Bontang and more specific.
``kecamatan_bps``
    BPS codes 6474010/020/030 map to Kemendagri 64.74.02/.01/.03 only through the wilayah
    crosswalk (``bps_code``). A Kemendagri kelurahan code whose parent differs from the mapped
    kecamatan is fatal: it is the classic symptom of joining BPS and Kemendagri codes by suffix.
``nik_structure``
    ``docs/methods.md`` §8: 16 digits; digits 1-2 = 64 (Kalimantan Timur); digits 7-8 in 01-31
    or 41-71; digits 9-10 in 01-12; and, when sex is known, day code > 40 exactly for women. A
    failing NIK is kept (it still yields a pseudonymous key), flagged ``nik_valid = False`` and
    logged with its category. Digits 3-6 (place of *first* registration) are never used: a NIK
    says nothing about where a person lives now.
``duplicate_rows``
    Rows that repeat the primary key (or a ``unique`` column) *and every other column* are exact
    copies -- an export artefact -- and all but the first are dropped. Rows that repeat the key
    but disagree elsewhere cannot be resolved by a rule: the contract's severity decides (fatal
    by default: fix them with a correction, see ``data/corrections/demo/README.md``).
``age_relation``
    Ages outside the contract range are set missing when the contract makes that range ``warn``.
    Household heads and spouses younger than 10, children not younger than the head, parents
    of the head not older than the head, and families with no head or several heads are
    flagged, not changed: which of the two ages is wrong needs a person to decide.
``expenditure_outlier``
    Per-capita expenditure ``x`` of a Susenas round: robust z of ``log x`` with the median and
    1.4826 x MAD of that round. ``|z| > 3.5`` (Iglewicz-Hoaglin) is flagged; ``z > 5`` is
    winsorised to the ``z = 5`` value, with food expenditure scaled by the same factor so the
    food share is kept. The *lower* tail is never changed automatically: the poverty indices
    P0/P1/P2 depend on exactly those households, and a low value is as likely a true poor
    household as a keying error (that needs a correction with a reason). Top-coding a value
    far above the poverty line leaves P0/P1/P2 unchanged and limits one household's weight in
    the mean and the Gini. Non-positive expenditure is impossible and set missing. Thresholds:
    ``cleaning.outlier_z_flag`` / ``cleaning.outlier_z_winsorise`` in the run config.
``set_missing`` / ``flag``
    Generic: violating values set missing (logged), or kept and reported.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.cleaning._vec import (arrow, by_unique, categories, encode, join_text, lower_strip, map_codes,
                                    regex_replace, to_number)
from analysis.contracts import CLEANING_RULES

LOG_COLUMNS = ["dataset", "row", "row_key", "rule", "action", "column", "before", "after", "detail"]

RELATION_HEAD, RELATION_SPOUSE, RELATION_CHILD, RELATION_PARENT = 1, 2, 3, 6
NIK_PROBLEMS = ("length_not_16", "non_digit_character", "province_not_64", "birth_day_invalid",
                "birth_month_invalid", "sex_day_mismatch")
DEFAULT_Z_FLAG = 3.5
DEFAULT_Z_WINSORISE = 5.0
MAD_TO_SD = 1.4826
_NAME_PREFIX = r"^(kelurahan|kel\.?|kecamatan|kec\.?|desa)\s+"


# -- the cleaning log ----------------------------------------------------------------------------

@dataclass
class CleaningLog:
    """Collects one row per changed, dropped or flagged raw row (vectorised appends)."""

    parts: list[pd.DataFrame] = field(default_factory=list)

    def add(self, dataset: str, mask_or_index, table, *, rule: str, action: str, column: str,
            before=None, after=None, detail: str | pd.Series = "") -> int:
        """Log the rows selected by a boolean mask or an index of ``table.df``.

        ``before``/``after`` are scalars or Series aligned to ``table.df``; callers pass
        categories, never identifiers, for PII columns.
        """
        if isinstance(mask_or_index, pd.Series) and mask_or_index.dtype == bool:
            idx = mask_or_index.index[mask_or_index.to_numpy()]
        else:
            idx = pd.Index(mask_or_index)
        if len(idx) == 0:
            return 0

        def pick(v):
            if isinstance(v, pd.Series):
                return _text(v.reindex(idx)).to_numpy()
            return np.full(len(idx), "" if v is None else str(v), dtype=object)

        part = pd.DataFrame({
            "dataset": dataset,
            "row": table.row_numbers(idx),
            "row_key": table.row_key.reindex(idx).to_numpy(),
            "rule": rule,
            "action": action,
            "column": column,
            "before": pick(before),
            "after": pick(after),
            "detail": pick(detail),
            "_index": idx.to_numpy(),
        })
        self.parts.append(part)
        return len(idx)

    def frame(self, with_index: bool = False) -> pd.DataFrame:
        cols = LOG_COLUMNS + (["_index"] if with_index else [])
        if not self.parts:
            return pd.DataFrame({c: pd.Series(dtype="str") for c in cols})
        out = pd.concat(self.parts, ignore_index=True)
        out["row"] = out["row"].astype("int64")
        return out[cols]


def _text(s: pd.Series) -> pd.Series:
    """Values as log text: missing -> '', integral floats without '.0', dates as ISO."""
    if pd.api.types.is_datetime64_any_dtype(s):
        out = s.dt.strftime("%Y-%m-%d")
    elif pd.api.types.is_float_dtype(s):
        integral = s.notna() & (np.floor(s) == s)
        out = s.astype("str").where(~integral, s.round().astype("Int64").astype("str"))
    else:
        out = s.astype("str")
    return out.fillna("").astype(object)


# -- geography -----------------------------------------------------------------------------------

def normalise_name(s: pd.Series) -> pd.Series:
    """Match key of a place name: case-folded, without spaces, hyphens, dots, apostrophes and a
    leading administrative word (``Kel. Loktuan`` -> ``loktuan``; ``API-API`` -> ``apiapi``).
    Computed once per distinct value."""
    def norm(u: pd.Series) -> pd.Series:
        t = regex_replace(lower_strip(u), _NAME_PREFIX, "")
        return regex_replace(t, r"[\s\-\.'’`_/]", "")
    return by_unique(s, norm)


class Wilayah:
    """Lookups built from the wilayah reference (``reference/wilayah_bontang.csv``)."""

    def __init__(self, df: pd.DataFrame):
        need = {"kemendagri_code", "name", "level"}
        missing = need - set(df.columns)
        if missing:
            raise ValueError(f"wilayah reference lacks column(s) {sorted(missing)}")
        d = df.copy()
        d["kemendagri_code"] = d["kemendagri_code"].astype("str").str.strip()
        d["level"] = d["level"].astype("str").str.strip().str.lower()
        self.df = d
        self.kecamatan = d[d["level"] == "kecamatan"]
        self.kelurahan = d[d["level"] == "kelurahan"]
        self.kel_codes = set(self.kelurahan["kemendagri_code"])
        self.kec_codes = set(self.kecamatan["kemendagri_code"])
        self.name_of = dict(zip(d["kemendagri_code"], d["name"].astype("str")))
        parent = d.get("parent_code")
        self.parent_of = dict(zip(d["kemendagri_code"], parent.astype("str"))) if parent is not None else {}
        bps = self.kecamatan.get("bps_code")
        self.kec_of_bps: dict[str, str] = {}
        if bps is not None:
            b = bps.astype("str").str.strip()
            ok = b.notna() & (b != "")
            self.kec_of_bps = dict(zip(b[ok], self.kecamatan["kemendagri_code"][ok]))
        self.kel_by_name = self._names(self.kelurahan)
        self.kec_by_name = self._names(self.kecamatan)

    @staticmethod
    def _names(rows: pd.DataFrame) -> dict[str, str]:
        out: dict[str, str] = {}
        names = pd.Series(rows["name"].astype("str").to_numpy(), index=rows["kemendagri_code"].to_numpy())
        variants = rows.get("name_variants")
        pairs = [names]
        if variants is not None:
            v = pd.Series(variants.to_numpy(), index=rows["kemendagri_code"].to_numpy()).dropna()
            v = v.astype("str").str.split(";").explode()
            pairs.append(v[v.str.strip() != ""])
        allnames = pd.concat(pairs)
        keys = normalise_name(pd.Series(allnames.to_numpy()))
        for k, code in zip(keys, allnames.index):
            out.setdefault(k, code)  # the official name comes first and wins
        return out

    def kelurahan_code(self, names: pd.Series) -> pd.Series:
        """Kemendagri kelurahan code of free-text names (missing when unmatched)."""
        return by_unique(names, lambda u: normalise_name(u).map(self.kel_by_name).astype("str"))

    def kecamatan_code(self, names: pd.Series) -> pd.Series:
        return by_unique(names, lambda u: normalise_name(u).map(self.kec_by_name).astype("str"))

    def kecamatan_from_bps(self, codes: pd.Series) -> pd.Series:
        return by_unique(codes.astype("str"), lambda u: u.str.strip().map(self.kec_of_bps).astype("str"))

    def parent(self, codes: pd.Series) -> pd.Series:
        return map_codes(codes.astype("str"), self.parent_of)

    def official_name(self, codes: pd.Series) -> pd.Series:
        return map_codes(codes.astype("str"), self.name_of)


# -- NIK -----------------------------------------------------------------------------------------

def nik_problem(nik: pd.Series, sex: pd.Series | None = None) -> pd.Series:
    """First structural problem of each NIK (``NA`` when the NIK passes, or is missing).

    Categories (in order): ``length_not_16``, ``non_digit_character``, ``province_not_64``, ``birth_day_invalid``,
    ``birth_month_invalid``, ``sex_day_mismatch`` (day > 40 must go with ``jenis_kelamin == 2``).
    Only digits 1-2 and 7-12 are read; the area digits 3-6 are never used.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pc.utf8_trim_whitespace(arrow(nik.astype("str")))
    present = nik.notna().to_numpy()
    length = pc.utf8_length(arr).fill_null(-1).to_numpy(zero_copy_only=False)
    digits = pc.match_substring_regex(arr, r"^\d+$").fill_null(False).to_numpy(zero_copy_only=False)
    ok16 = (length == 16) & digits
    num = pc.cast(pc.if_else(pa.array(ok16), arr, pa.scalar(None, pa.string())), pa.int64())
    n = num.fill_null(0).to_numpy(zero_copy_only=False) if not isinstance(num, pa.ChunkedArray) else \
        num.combine_chunks().fill_null(0).to_numpy(zero_copy_only=False)
    prov = n // 10 ** 14
    day = (n // 10 ** 8) % 100
    month = (n // 10 ** 6) % 100
    day_ok = ((day >= 1) & (day <= 31)) | ((day >= 41) & (day <= 71))
    month_ok = (month >= 1) & (month <= 12)
    conds = [length != 16, ~digits, ok16 & (prov != 64), ok16 & ~day_ok, ok16 & ~month_ok]
    choices = list(NIK_PROBLEMS[:5])
    if sex is not None:
        sx = to_number(sex)
        female_code = day > 40
        mismatch = ok16 & ~np.isnan(sx) & (((sx == 2) & ~female_code) | ((sx == 1) & female_code))
        conds.append(mismatch)
        choices.append(NIK_PROBLEMS[5])
    code = np.select(conds, np.arange(len(choices)), default=-1)
    return categories(np.where(present, code, -1), choices, nik.index)


# -- duplicates ----------------------------------------------------------------------------------

def duplicate_masks(df: pd.DataFrame, key: list[str]) -> tuple[pd.Series, pd.Series]:
    """``(exact_copy, conflicting)`` boolean masks for rows repeating ``key``.

    ``exact_copy``: the row repeats an earlier row in every column (dropped by ``duplicate_rows``).
    ``conflicting``: after dropping exact copies the key still repeats (all such rows marked).
    Rows with a missing key value are never duplicates. Full-row comparison is done only among
    rows whose key repeats, so the cost is one ``duplicated`` over the key.
    """
    false = pd.Series(False, index=df.index)
    if not key or any(k not in df.columns for k in key):
        return false, false
    codes, _ = encode(join_text(df, key))
    valid = codes >= 0
    counts = np.bincount(codes[valid]) if valid.any() else np.zeros(0, dtype=np.int64)
    dup = valid & (counts[np.maximum(codes, 0)] > 1 if len(counts) else False)
    if not dup.any():
        return false, false
    sub = df[dup]                      # only rows whose key repeats: a few thousand at most
    exact = false.copy()
    exact.loc[sub.index] = sub.duplicated(keep="first").to_numpy()
    rest = sub[~exact.loc[sub.index].to_numpy()]
    conflicting = false.copy()
    conflicting.loc[rest.index] = rest[key].duplicated(keep=False).to_numpy()
    return exact, conflicting


# -- ages and relations --------------------------------------------------------------------------

def age_relation_problems(members: pd.DataFrame, family: str = "id_keluarga", relation: str = "hubungan_kk",
                          age: str = "umur") -> pd.Series:
    """Category of the first age/relation problem of each member (``NA`` when none).

    ``head_under_10``, ``spouse_under_10``, ``child_not_younger_than_head``,
    ``parent_not_older_than_head``, ``family_without_head``, ``family_with_several_heads``.
    """
    idx = members.index
    if not {family, relation, age} <= set(members.columns):
        return pd.Series(pd.NA, index=idx, dtype="str")
    rel = to_number(members[relation])
    umur = to_number(members[age])
    codes, uniq = encode(members[family].astype("str"))
    valid = codes >= 0
    nf = len(uniq)
    c = np.maximum(codes, 0)
    is_head = rel == RELATION_HEAD
    n_heads = np.bincount(codes[valid], weights=is_head[valid], minlength=nf)[c] if nf else np.zeros(len(c))
    head_age = np.full(nf, np.nan)
    first = np.flatnonzero(is_head & valid)[::-1]      # reversed: the first head of a family wins
    head_age[codes[first]] = umur[first]
    h = np.where(valid, head_age[c] if nf else np.nan, np.nan)
    with np.errstate(invalid="ignore"):
        conds = [
            valid & (n_heads == 0),
            valid & (n_heads > 1),
            is_head & (umur < 10),
            (rel == RELATION_SPOUSE) & (umur < 10),
            (rel == RELATION_CHILD) & (umur >= h),
            (rel == RELATION_PARENT) & (umur <= h),
        ]
    choices = ["family_without_head", "family_with_several_heads", "head_under_10", "spouse_under_10",
               "child_not_younger_than_head", "parent_not_older_than_head"]
    return categories(np.select(conds, np.arange(len(choices)), default=-1), choices, idx)


# -- expenditure outliers ------------------------------------------------------------------------

@dataclass(frozen=True)
class OutlierResult:
    z: pd.Series            # robust z on the log scale (NaN where x <= 0 or missing)
    flagged: pd.Series      # |z| > z_flag
    winsorise: pd.Series    # z > z_winsorise
    cap: float              # value at z = z_winsorise
    non_positive: pd.Series


def expenditure_outliers(x: pd.Series, z_flag: float = DEFAULT_Z_FLAG,
                         z_winsorise: float = DEFAULT_Z_WINSORISE) -> OutlierResult:
    """Robust z of log expenditure (median, 1.4826 x MAD); see the module docstring."""
    v = pd.to_numeric(x, errors="coerce").astype("float64")
    non_positive = v.notna() & (v <= 0)
    lx = np.log(v.where(v > 0))
    med = float(np.nanmedian(lx)) if lx.notna().any() else np.nan
    mad = float(np.nanmedian(np.abs(lx - med))) * MAD_TO_SD if lx.notna().any() else np.nan
    if not np.isfinite(mad) or mad == 0:
        z = pd.Series(np.nan, index=x.index)
    else:
        z = (lx - med) / mad
    flagged = (z.abs() > z_flag).fillna(False)
    wins = (z > z_winsorise).fillna(False)
    cap = float(np.exp(med + z_winsorise * mad)) if np.isfinite(mad) and mad > 0 else np.nan
    return OutlierResult(z, flagged.astype(bool), wins.astype(bool), cap, non_positive.astype(bool))


IMPLEMENTED_RULES = ("kelurahan_name", "kecamatan_name", "kecamatan_bps", "kelurahan_code", "nik_structure",
                     "duplicate_rows", "age_relation", "expenditure_outlier", "flag", "set_missing")
assert set(IMPLEMENTED_RULES) == set(CLEANING_RULES), "rules.py and contracts.CLEANING_RULES disagree"
