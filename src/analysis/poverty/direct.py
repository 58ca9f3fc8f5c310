"""Direct (design-based) poverty estimates from Susenas: FGT P0/P1/P2, Gini, poor persons.

Every figure is computed with :mod:`analysis.survey` on the FULL design (weights ``bobot``, strata
``strata``, PSUs ``psu`` nested in strata); domains (kecamatan, kelurahan, household-head sex and
education, household size) are subpopulations, never subsets, so their standard errors use every
PSU (R ``svyby``).

Conventions
-----------
* Person level: household weight x household size (``size="jumlah_art"``).
* Poor: monthly per-capita expenditure STRICTLY below the year's poverty line (BPS; Stata
  ``sepov``); a household exactly on the line is not poor.
* Units: P0 in percent, P1 and P2 x100 (``index_x100``) as BPS publishes them; Gini as a ratio.
* Intervals: t with the design degrees of freedom (#PSU - #strata). For P0 the published interval
  is the logit interval (R ``svyciprop(method="logit")``), which stays inside [0, 100] and has
  better coverage than the Wald interval for small proportions; where P0 is 0 (or 100) the
  logit interval is undefined and the Korn-Graubard (Clopper-Pearson type) interval is used.
  The choice is recorded in ``method`` (``taylor_linearisation;ci_logit`` or
  ``taylor_linearisation;ci_korn_graubard``). P1 and P2 use a t interval on the log scale
  (``;ci_log``: positive and right-skewed like their sampling distribution; in the Monte-Carlo
  study of ``simulations/`` it covers 94 % for P1 and 91 % for P2 at city level where the Wald
  interval covers 91 % and 84-87 %); where P1/P2 is 0 the interval is ``[0, upper P0 bound]``
  (``;ci_bounded_by_p0``, valid since P2 <= P1 <= P0). Gini and counts use plain t intervals
  (``taylor_linearisation``; the lower limit of a count is truncated at 0). The Wald limits
  of every row are kept in ``ci_low_wald, ci_high_wald`` of the long frame.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import survey
from analysis.codes import EDUCATION_GROUP_NAMES as EDUCATION_NAMES
from analysis.codes import KOTA_CODE, KOTA_NAME, SEX_NAMES, education_groups
from analysis.estimates import to_estimate_rows

EDUCATION_GROUP = education_groups()
HH_SIZE_GROUPS = (("1-2", 1, 2), ("3-4", 3, 4), ("5-6", 5, 6), ("7+", 7, None))
HH_SIZE_NAMES = {"1-2": "1-2 orang", "3-4": "3-4 orang", "5-6": "5-6 orang", "7+": "7 orang atau lebih"}
UNITS = {"p0": "percent", "p1": "index_x100", "p2": "index_x100", "gini": "ratio", "poor_persons": "count"}
METHOD = "taylor_linearisation"
# domain_level -> column of the prepared frame (None: the whole city)
DOMAIN_COLUMNS = {"kota": None, "kecamatan": "kode_kec", "hh_head_sex": "hh_head_sex",
                  "hh_head_education": "hh_head_education", "hh_size": "hh_size"}
GINI_LEVELS = tuple(DOMAIN_COLUMNS)
COUNT_LEVELS = ("kota", "kecamatan")


def hh_size_group(size) -> np.ndarray:
    """Household-size group codes ``1-2, 3-4, 5-6, 7+``."""
    s = np.asarray(pd.to_numeric(pd.Series(size), errors="coerce"), float)
    out = np.full(s.shape, "", dtype=object)
    for code, lo, hi in HH_SIZE_GROUPS:
        out[(s >= lo) & ((s <= hi) if hi is not None else True)] = code
    return out


def prepare_susenas(hh: pd.DataFrame) -> pd.DataFrame:
    """Add the domain columns and numeric analysis columns to a cleaned Susenas household frame.

    Requires ``bobot, strata, psu, jumlah_art, pengeluaran_kapita, kode_kec, kode_kel, jk_krt,
    pendidikan_krt``. Returns a new frame (rows with a missing expenditure, weight or size are
    dropped, and the count is kept in ``attrs['dropped_rows']``).
    """
    d = hh.copy()
    d["bobot"] = pd.to_numeric(d["bobot"], errors="coerce").astype(float)
    d["jumlah_art"] = pd.to_numeric(d["jumlah_art"], errors="coerce").astype(float)
    d["pengeluaran_kapita"] = pd.to_numeric(d["pengeluaran_kapita"], errors="coerce").astype(float)
    ok = d["bobot"].gt(0) & d["jumlah_art"].gt(0) & d["pengeluaran_kapita"].notna()
    dropped = int((~ok).sum())
    d = d.loc[ok].reset_index(drop=True)
    d["strata"] = d["strata"].astype(str)
    d["psu"] = d["psu"].astype(str)
    d["kode_kec"] = d["kode_kec"].astype(str)
    d["kode_kel"] = d["kode_kel"].astype(str)
    d["hh_head_sex"] = d["jk_krt"].astype("string").str.replace(r"\.0$", "", regex=True).fillna("missing").astype(str)
    d["hh_head_education"] = d["pendidikan_krt"].astype("string").map(EDUCATION_GROUP).fillna("missing").astype(str)
    d["hh_size"] = hh_size_group(d["jumlah_art"]).astype(str)
    d.attrs["dropped_rows"] = dropped
    return d


def design(d: pd.DataFrame, lonely_psu: str = "adjust") -> survey.SurveyDesign:
    """The Susenas design of a prepared frame (PSUs nested in strata)."""
    return survey.SurveyDesign(d, weight="bobot", strata="strata", psu="psu", lonely_psu=lonely_psu)


def _domain_frame(res: pd.DataFrame, col: str | None, names: dict) -> pd.DataFrame:
    res = res.copy()
    if col is None:
        res["domain_code"] = KOTA_CODE
        res["domain_name"] = KOTA_NAME
    else:
        res["domain_code"] = res[col].astype(str)
        res["domain_name"] = res["domain_code"].map(lambda c: names.get(c, c))
    return res


def p0_interval(p0_pct, se_pct, n_sample, df, method: str = "logit") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Interval for P0 (percent) by ``logit`` or ``korn_graubard``; ``logit`` falls back to
    Korn-Graubard where P0 is 0 or 100. Returns ``(low, high, method_used)`` (percent)."""
    p = np.asarray(p0_pct, float) / 100
    se = np.asarray(se_pct, float) / 100
    n = np.asarray(n_sample, float)
    df = np.asarray(df, float)
    kg_lo, kg_hi = survey.proportion_ci(p, se, n, df, method="korn_graubard")
    if method == "korn_graubard":
        return 100 * kg_lo, 100 * kg_hi, np.full(p.shape, "korn_graubard", dtype=object)
    if method == "wald":
        lo, hi = survey.proportion_ci(p, se, n, df, method="wald")
        return 100 * lo, 100 * hi, np.full(p.shape, "wald", dtype=object)
    lg_lo, lg_hi = survey.proportion_ci(p, se, n, df, method="logit")
    use_lg = np.isfinite(lg_lo) & np.isfinite(lg_hi)
    used = np.where(use_lg, "logit", "korn_graubard").astype(object)
    return 100 * np.where(use_lg, lg_lo, kg_lo), 100 * np.where(use_lg, lg_hi, kg_hi), used


def log_interval(estimate, se, df, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """t interval on the log scale, ``exp(log(est) +/- t se / est)``: positive, right-skewed, as
    suits P1 and P2 resting on few poor households. NaN where the estimate is 0."""
    from scipy import stats

    est = np.asarray(estimate, float)
    se = np.asarray(se, float)
    q = stats.t.ppf(0.5 + level / 2, np.asarray(df, float))
    with np.errstate(divide="ignore", invalid="ignore"):
        half = q * se / est
        lo = np.where(est > 0, est * np.exp(-half), np.nan)
        hi = np.where(est > 0, est * np.exp(half), np.nan)
    return lo, hi


def direct_long(d: pd.DataFrame, line: float, *, names: dict[str, dict[str, str]] | None = None,
                lonely_psu: str = "adjust", p0_ci: str = "logit",
                levels=tuple(DOMAIN_COLUMNS)) -> pd.DataFrame:
    """All direct estimates of one year in one long frame (before the contract's shaping).

    Parameters
    ----------
    d : DataFrame
        From :func:`prepare_susenas`.
    line : float
        The year's poverty line (Rp per capita per month).
    names : dict, optional
        ``{domain_level: {code: name}}`` (kecamatan names from the wilayah table).
    p0_ci : {"logit", "korn_graubard", "wald"}
        Interval of the published P0.

    Returns
    -------
    DataFrame
        ``indicator, domain_level, domain_code, domain_name, estimate, se, ci_low, ci_high,
        ci_low_wald, ci_high_wald, rse, df, n_sample, unit, method``.
    """
    names = names or {}
    des = design(d, lonely_psu)
    all_names = {"hh_head_sex": SEX_NAMES, "hh_head_education": EDUCATION_NAMES, "hh_size": HH_SIZE_NAMES,
                 **names}
    frames = []
    poor_persons = (d["pengeluaran_kapita"].to_numpy() < line) * d["jumlah_art"].to_numpy()
    for level in levels:
        col = DOMAIN_COLUMNS[level]
        f = survey.fgt(des, "pengeluaran_kapita", float(line), alpha=(0, 1, 2), by=col,
                       size="jumlah_art", scale=100.0)
        f = _domain_frame(f, col, all_names.get(level, {}))
        f["domain_level"] = level
        f["method"] = METHOD
        f["ci_low_wald"], f["ci_high_wald"] = f["ci_low"], f["ci_high"]
        is0 = f["indicator"] == "p0"
        lo, hi, used = p0_interval(f.loc[is0, "estimate"], f.loc[is0, "se"], f.loc[is0, "n_sample"],
                                   f.loc[is0, "df"], p0_ci)
        f.loc[is0, "ci_low"], f.loc[is0, "ci_high"] = lo, hi
        f.loc[is0, "method"] = [f"{METHOD};ci_{u}" for u in used]
        # P1, P2: t interval on the log scale; at an estimate of 0 (no poor sample household in
        # the domain) the interval is [0, upper bound of P0], valid because P2 <= P1 <= P0.
        p0_hi = f.loc[is0].set_index("domain")["ci_high"]
        for ind in ("p1", "p2"):
            m = f["indicator"] == ind
            llo, lhi = log_interval(f.loc[m, "estimate"], f.loc[m, "se"], f.loc[m, "df"])
            zero = ~np.isfinite(llo)
            bound = f.loc[m, "domain"].map(p0_hi).to_numpy(float)
            f.loc[m, "ci_low"] = np.where(zero, 0.0, llo)
            f.loc[m, "ci_high"] = np.where(zero, bound, lhi)
            f.loc[m, "method"] = np.where(zero, f"{METHOD};ci_bounded_by_p0", f"{METHOD};ci_log")
        frames.append(f)
        if level in GINI_LEVELS:
            g = survey.gini(des, "pengeluaran_kapita", size="jumlah_art", by=col)
            g = _domain_frame(g, col, all_names.get(level, {}))
            g["indicator"], g["domain_level"], g["method"] = "gini", level, METHOD
            g["ci_low_wald"], g["ci_high_wald"] = g["ci_low"], g["ci_high"]
            frames.append(g)
        if level in COUNT_LEVELS:
            t = survey.total(des, poor_persons, by=col)
            t = _domain_frame(t, col, all_names.get(level, {}))
            t["indicator"], t["domain_level"], t["method"] = "poor_persons", level, METHOD
            t["ci_low"] = t["ci_low"].clip(lower=0)
            t["ci_low_wald"], t["ci_high_wald"] = t["ci_low"], t["ci_high"]
            frames.append(t)
    out = pd.concat(frames, ignore_index=True)
    out["unit"] = out["indicator"].map(UNITS)
    cols = ["indicator", "domain_level", "domain_code", "domain_name", "estimate", "se", "ci_low", "ci_high",
            "ci_low_wald", "ci_high_wald", "rse", "df", "n_sample", "unit", "method"]
    return out[cols]


def to_rows(long: pd.DataFrame, period: str, reliability: dict | None = None,
            flag_suffix: pd.Series | None = None) -> pd.DataFrame:
    """Shape a long frame into estimates-contract rows (one ``to_estimate_rows`` call per
    indicator x level x method)."""
    rel = {k: v for k, v in (reliability or {}).items() if k in ("rse_caution", "rse_unreliable", "min_n_sample")}
    long = long.copy()
    long["rse"] = long["rse"].astype(float).where(np.isfinite(long["rse"].astype(float)))
    parts = []
    for (ind, level, unit, method), g in long.groupby(["indicator", "domain_level", "unit", "method"], sort=True):
        suffix = None if flag_suffix is None else flag_suffix.loc[g.index]
        parts.append(to_estimate_rows(g, indicator=ind, domain_level=level, unit=unit, method=method,
                                      period=period, reliability=rel, flag_suffix=suffix))
    return pd.concat(parts, ignore_index=True)
