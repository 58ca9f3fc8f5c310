"""The output contract: one long table of estimates shared by every stage and the brief.

Every number a brief shows comes from a row of ``estimates.csv`` (or from ``tables/``). Stages
build their rows with :func:`to_estimate_rows` so that the columns, units, flags and rounding are
the same everywhere.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.io import CSV_FLOAT_DIGITS, atomic_write_csv

ESTIMATE_COLUMNS = [
    "indicator", "domain_level", "domain_code", "domain_name", "estimate", "se", "ci_low",
    "ci_high", "rse", "n_sample", "flag", "unit", "method", "period",
]
RELIABILITY_FLAGS = ("ok", "caution", "unreliable", "suppressed")


def reliability_flag(rse, n_sample, *, rse_caution: float = 25.0, rse_unreliable: float = 50.0,
                     min_n_sample: int = 30) -> np.ndarray:
    """BPS reliability rule on the relative standard error, plus sample-size suppression.

    Parameters
    ----------
    rse : array_like
        Relative standard error in percent (``100 * se / estimate``).
    n_sample : array_like
        Unweighted number of sample units behind each estimate.
    rse_caution, rse_unreliable : float
        Thresholds of common BPS practice (RSE <= 25 % reliable, 25-50 % use with caution,
        > 50 % not accurate); see ``docs/methods.md``.
    min_n_sample : int
        Estimates resting on fewer sample units are suppressed.

    Returns
    -------
    numpy.ndarray of str
        ``ok``, ``caution``, ``unreliable`` or ``suppressed``. A missing RSE (estimate of zero)
        is ``unreliable``.
    """
    rse = np.asarray(rse, dtype=float)
    n = np.asarray(n_sample, dtype=float)
    flag = np.where(rse <= rse_caution, "ok", np.where(rse <= rse_unreliable, "caution", "unreliable"))
    flag = np.where(np.isnan(rse), "unreliable", flag)
    return np.where(n < min_n_sample, "suppressed", flag).astype(object)


def to_estimate_rows(df: pd.DataFrame, *, indicator: str, domain_level: str, unit: str, method: str,
                     period: str, domain_code: str | pd.Series = "domain_code",
                     domain_name: str | pd.Series = "domain_name", reliability: dict | None = None,
                     flag_suffix: str | pd.Series | None = None) -> pd.DataFrame:
    """Shape an estimator's result into rows of the estimates contract.

    Parameters
    ----------
    df : DataFrame
        Must hold ``estimate, se, ci_low, ci_high, n_sample`` and the domain columns; ``rse`` is
        computed when absent.
    indicator, domain_level, unit, method, period : str
        Constant columns of the contract.
    domain_code, domain_name : str or Series
        Column names in ``df`` or ready Series.
    reliability : dict, optional
        Keyword arguments for :func:`reliability_flag` (from the run config).
    flag_suffix : str or Series, optional
        Qualifier appended to the flag after ``;`` (e.g. ``unverified_registry``).

    Returns
    -------
    DataFrame
        Columns ``ESTIMATE_COLUMNS``; suppressed rows keep their sample size but no estimate.
    """
    out = pd.DataFrame(index=df.index)
    out["indicator"] = indicator
    out["domain_level"] = domain_level
    out["domain_code"] = (df[domain_code] if isinstance(domain_code, str) else domain_code).astype(str)
    out["domain_name"] = (df[domain_name] if isinstance(domain_name, str) else domain_name).astype(str)
    for col in ("estimate", "se", "ci_low", "ci_high"):
        out[col] = df[col].astype(float)
    if "rse" in df:
        out["rse"] = df["rse"].astype(float)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            out["rse"] = np.where(out["estimate"] != 0, 100 * out["se"] / out["estimate"].abs(), np.nan)
    out["n_sample"] = df["n_sample"].astype("Int64")
    flag = pd.Series(reliability_flag(out["rse"], out["n_sample"].astype(float), **(reliability or {})),
                     index=df.index)
    if "flag" in df:  # an estimator may set its own flag (e.g. bootstrap CIs)
        flag = df["flag"].astype(str)
    if flag_suffix is not None:
        suffix = flag_suffix if isinstance(flag_suffix, pd.Series) else pd.Series(flag_suffix, index=df.index)
        flag = flag.where(suffix.isna() | (suffix == ""), flag + ";" + suffix.astype(str))
    out["flag"] = flag
    suppressed = flag.str.startswith("suppressed")
    out.loc[suppressed, ["estimate", "se", "ci_low", "ci_high", "rse"]] = np.nan
    out["unit"] = unit
    out["method"] = method
    out["period"] = str(period)
    return out[ESTIMATE_COLUMNS].reset_index(drop=True)


def validate_estimates(df: pd.DataFrame, source: str = "estimates") -> pd.DataFrame:
    """Check a frame against the contract; raise ``ValueError`` naming the problem."""
    if list(df.columns) != ESTIMATE_COLUMNS:
        raise ValueError(f"{source}: columns must be {ESTIMATE_COLUMNS}, got {list(df.columns)}")
    base = df["flag"].astype(str).str.split(";").str[0]
    bad = ~base.isin(RELIABILITY_FLAGS)
    if bad.any():
        raise ValueError(f"{source}: column 'flag': unknown flag(s) {sorted(set(df.loc[bad, 'flag']))} "
                         f"at rows {list(df.index[bad][:5])}")
    keys = ["indicator", "domain_level", "domain_code", "period"]
    dup = df.duplicated(keys, keep=False)
    if dup.any():
        raise ValueError(f"{source}: duplicated estimate keys {keys} at rows {list(df.index[dup][:5])}")
    return df


def sort_estimates(df: pd.DataFrame) -> pd.DataFrame:
    """Stable order by full key, so that two runs write identical bytes."""
    return df.sort_values(["indicator", "period", "domain_level", "domain_code"], kind="mergesort").reset_index(drop=True)


def write_estimates(df: pd.DataFrame, path: Path) -> Path:
    """Validate, sort and write an estimates table atomically (CSV, UTF-8, fixed float format)."""
    df = sort_estimates(validate_estimates(df, str(path)))
    return atomic_write_csv(df, path)


def read_estimates(path: Path) -> pd.DataFrame:
    """Read an estimates table with the contract's dtypes (codes stay strings)."""
    df = pd.read_csv(path, dtype={"domain_code": str, "period": str, "indicator": str,
                                  "domain_level": str, "domain_name": str, "flag": str,
                                  "unit": str, "method": str}, keep_default_na=False,
                     na_values={c: [""] for c in ("estimate", "se", "ci_low", "ci_high", "rse", "n_sample")})
    df["n_sample"] = df["n_sample"].astype("Int64")
    return validate_estimates(df, str(path))


def published_until(published: pd.DataFrame, period: str) -> pd.DataFrame:
    """Rows of the published-indicators reference table up to a run's reference year.

    A brief for period 2024 compares itself with what was published up to 2024; later figures
    (for instance a 2025 value quoted in a speech) belong to a later brief.
    """
    year = pd.to_numeric(published["year"], errors="coerce")
    return published[year <= int(period)]
