"""Bansos targeting: a proxy-means test (PMT) and the inclusion/exclusion errors of PKH and BPNT.

The PMT predicts log monthly per-capita expenditure from characteristics that BOTH Susenas and the
social registry record (housing, assets, household size, the head's sex, education and age,
kecamatan). It is fitted on Susenas with the survey weights (statsmodels WLS; standard errors
cluster-robust by PSU, i.e. the with-replacement design-based variance of the coefficients), then
applied to the cleaned registry to rank families.

Definitions (stated once, used everywhere; see also ``concept_notes.csv``):

* predicted welfare ``w_hat = exp(x'b)``: the PMT's predicted monthly per-capita expenditure
  (conditional median; no retransformation, since eligibility is a ranking/threshold decision);
* ``poverty_line`` cut: a family is *eligible* when ``w_hat`` < the year's poverty line (GK);
* ``bottom40`` cut: a family is *eligible* when ``w_hat`` is below the 40th percentile of the
  person-weighted distribution of ``w_hat`` in the Susenas population of the same year (the
  threshold is taken from the survey, which represents the whole city, not from the registry,
  whose coverage may be partial);
* exclusion error = eligible families NOT receiving the programme / eligible families;
* inclusion error = receiving families NOT eligible / receiving families.

The unit is the family (KPM); counts and rates go through :func:`analysis.disclosure.suppress`
(counts 1..k-1, their complements among the kecamatan of the city total, rates resting on them). Kecamatan whose registry still
holds unverified records get the qualifier ``;unverified_registry``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis import disclosure
from analysis.codes import KOTA_CODE

HOUSING_CATEGORICAL = ["jenis_lantai", "jenis_dinding", "sumber_air_minum", "fasilitas_bab",
                       "sumber_penerangan", "bahan_bakar_masak", "status_rumah"]
ASSETS = ["punya_motor", "punya_mobil", "punya_kulkas", "punya_ac", "punya_laptop"]
HEAD_CATEGORICAL = ["head_sex", "head_education"]
PROGRAMMES = {"pkh": "penerima_pkh", "bpnt": "penerima_bpnt"}
CUTS = ("poverty_line", "bottom40")
# registry outcomes meaning "this record is not a current resident family"
INVALID_RECORD_OUTCOMES = ("pindah", "meninggal", "ganda", "tidak_ditemukan")


# --------------------------------------------------------------------------------------------
# common feature frame
# --------------------------------------------------------------------------------------------
def _as_flag(s: pd.Series) -> pd.Series:
    """0/1 flag from ints, floats, bools or strings ('1', 'ya', 'true')."""
    if s.dtype == bool or str(s.dtype) == "boolean":
        return s.fillna(False).astype(int)
    num = pd.to_numeric(s, errors="coerce")
    txt = s.astype("string").str.strip().str.lower()
    yes = txt.isin(["ya", "y", "true", "yes"])
    return np.where(num.notna(), (num > 0).astype(int), yes.astype(int)).astype(int)


def _as_code(s: pd.Series) -> pd.Series:
    """Category codes as strings (integers lose a trailing '.0'); missing -> 'missing'."""
    out = s.astype("string").str.strip().str.replace(r"\.0$", "", regex=True)
    return out.fillna("missing").replace("", "missing").astype(object)


def pmt_frame(df: pd.DataFrame, *, size_col: str, head: pd.DataFrame | None = None,
              kec_col: str = "kode_kec") -> pd.DataFrame:
    """Harmonise Susenas or registry households into the PMT's input frame.

    Parameters
    ----------
    df : DataFrame
        One row per household with the housing and asset variables (same names and codes in
        Susenas and the registry), a household-size column and ``kec_col``.
    size_col : str
        ``jumlah_art`` (Susenas) or ``jumlah_anggota`` (registry).
    head : DataFrame, optional
        ``head_sex, head_education, head_age`` aligned with ``df`` (registry: from the members
        table). When absent, Susenas's ``jk_krt, pendidikan_krt, umur_krt`` are used.

    Returns
    -------
    DataFrame
        ``hh_size, log_hh_size, log_floor_pc, head_age, head_age_sq`` (numeric), asset flags,
        housing and head categories as strings, ``kode_kec``; same index as ``df``.
    """
    out = pd.DataFrame(index=df.index)
    size = pd.to_numeric(df[size_col], errors="coerce").clip(lower=1)
    out["hh_size"] = size.astype(float)
    out["log_hh_size"] = np.log(size.astype(float))
    floor = pd.to_numeric(df["luas_lantai_m2"], errors="coerce").astype(float) if "luas_lantai_m2" in df \
        else pd.Series(np.nan, index=df.index)
    floor = floor.where(floor > 0)
    out["log_floor_pc"] = np.log(floor / out["hh_size"])
    for col in HOUSING_CATEGORICAL:
        out[col] = _as_code(df[col]) if col in df else "missing"
    for col in ASSETS:
        out[col] = _as_flag(df[col]) if col in df else 0
    if head is None:
        head = pd.DataFrame({"head_sex": df.get("jk_krt"), "head_education": df.get("pendidikan_krt"),
                             "head_age": df.get("umur_krt")}, index=df.index)
    out["head_sex"] = _as_code(head["head_sex"])
    out["head_education"] = _as_code(head["head_education"])
    age = pd.to_numeric(head["head_age"], errors="coerce").astype(float)
    out["head_age"] = age
    out["kode_kec"] = _as_code(df[kec_col])
    return out


def registry_heads(members: pd.DataFrame, key: str = "hh_key") -> pd.DataFrame:
    """Sex, education and age of each registry family's head (``hubungan_kk == 1``).

    Families without a recorded head take their oldest member.
    """
    m = members.copy()
    rel = pd.to_numeric(m["hubungan_kk"], errors="coerce")
    m["_is_head"] = (rel == 1).astype(int)
    m["_age"] = pd.to_numeric(m["umur"], errors="coerce")
    m = m.sort_values([key, "_is_head", "_age"], ascending=[True, False, False], kind="mergesort")
    first = m.drop_duplicates(key, keep="first").set_index(key)
    return pd.DataFrame({"head_sex": first["jenis_kelamin"], "head_education": first["pendidikan"],
                         "head_age": first["_age"]})


# --------------------------------------------------------------------------------------------
# design matrix and model
# --------------------------------------------------------------------------------------------
NUMERIC = ["log_hh_size", "log_floor_pc", "head_age", "head_age_sq"]
CATEGORICAL = HOUSING_CATEGORICAL + HEAD_CATEGORICAL + ["kode_kec"]


@dataclass
class DesignSpec:
    """Fixed encoding learnt on the training data (so test/registry rows get the same columns)."""

    levels: dict[str, list[str]]          # non-reference levels kept per categorical
    reference: dict[str, str]             # reference level per categorical
    fill: dict[str, float]                # training medians used for missing numerics
    columns: list[str] = field(default_factory=list)

    def matrix(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Design matrix (constant first) for any PMT frame; unseen levels fall to reference."""
        X = pd.DataFrame(index=frame.index)
        X["const"] = 1.0
        for col in ("log_hh_size", "log_floor_pc", "head_age"):
            v = frame[col].astype(float)
            X[col] = v.fillna(self.fill[col])
            if col != "log_hh_size":
                X[f"{col}_missing"] = v.isna().astype(float)
        X["head_age_sq"] = (X["head_age"] - 45.0) ** 2 / 100.0
        for col in ASSETS:
            X[col] = frame[col].astype(float)
        for col in CATEGORICAL:
            vals = frame[col].astype(str)
            for lev in self.levels[col]:
                X[f"{col}={lev}"] = (vals == lev).astype(float)
        return X.reindex(columns=self.columns, fill_value=0.0)


def make_design_spec(frame: pd.DataFrame, weights: np.ndarray, min_count: int = 10) -> DesignSpec:
    """Learn category levels (rare levels pooled with the reference) and numeric fill values.

    The reference level of each categorical is its most frequent (weighted) level; levels seen
    in fewer than ``min_count`` training households are pooled into the reference.
    """
    w = pd.Series(np.asarray(weights, float), index=frame.index)
    levels, reference = {}, {}
    for col in CATEGORICAL:
        vals = frame[col].astype(str)
        counts = vals.value_counts()
        wsum = w.groupby(vals).sum().sort_values(ascending=False, kind="mergesort")
        ref = str(wsum.index[0])
        reference[col] = ref
        levels[col] = sorted(str(lev) for lev in counts.index if lev != ref and counts[lev] >= min_count)
    fill = {col: float(np.nanmedian(frame[col].astype(float))) if frame[col].notna().any() else 0.0
            for col in ("log_hh_size", "log_floor_pc", "head_age")}
    full = DesignSpec(levels=levels, reference=reference, fill=fill)
    full.columns = _all_columns(full)
    X = full.matrix(frame)
    # drop columns without variation in the training data (e.g. a flag nobody has)
    full.columns = [c for c in full.columns if c == "const" or X[c].std() > 0]
    return full


def _all_columns(spec: DesignSpec) -> list[str]:
    cols = ["const", "log_hh_size", "log_floor_pc", "log_floor_pc_missing", "head_age",
            "head_age_missing", "head_age_sq", *ASSETS]
    for col in CATEGORICAL:
        cols += [f"{col}={lev}" for lev in spec.levels[col]]
    return cols


@dataclass
class PMTModel:
    """A fitted proxy-means test."""

    spec: DesignSpec
    params: pd.Series
    bse: pd.Series
    r2_weighted: float
    n_train: int
    n_clusters: int
    result: object = None   # the statsmodels results object (cluster-robust covariance)

    def predict_log(self, frame: pd.DataFrame) -> np.ndarray:
        """Predicted log per-capita expenditure."""
        X = self.spec.matrix(frame)
        return X.to_numpy(float) @ self.params.reindex(X.columns).to_numpy(float)

    def predict_welfare(self, frame: pd.DataFrame) -> np.ndarray:
        """Predicted monthly per-capita expenditure, ``exp(x'b)``."""
        return np.exp(self.predict_log(frame))

    def coefficients(self) -> pd.DataFrame:
        """Coefficient table (estimate, cluster-robust SE, t, p)."""
        res = self.result
        out = pd.DataFrame({"term": self.params.index, "estimate": self.params.to_numpy(),
                            "se_cluster_psu": self.bse.to_numpy()})
        if res is not None:
            out["t"] = np.asarray(res.tvalues)
            out["p_value"] = np.asarray(res.pvalues)
        return out


def weighted_r2(y, yhat, w) -> float:
    """Weighted coefficient of determination 1 - sum w (y - yhat)^2 / sum w (y - ybar_w)^2."""
    y, yhat, w = (np.asarray(a, float) for a in (y, yhat, w))
    ybar = np.sum(w * y) / np.sum(w)
    return float(1 - np.sum(w * (y - yhat) ** 2) / np.sum(w * (y - ybar) ** 2))


def fit_pmt(frame: pd.DataFrame, log_welfare, weights, clusters, *, min_count: int = 10) -> PMTModel:
    """Survey-weighted least squares of log per-capita expenditure on the PMT frame.

    Parameters
    ----------
    frame : DataFrame
        From :func:`pmt_frame`.
    log_welfare : array_like
        log monthly per-capita expenditure.
    weights : array_like
        Survey household weights (``bobot``).
    clusters : array_like
        PSU identifiers (unique across strata); SEs are cluster-robust by PSU.
    """
    import statsmodels.api as sm

    w = np.asarray(weights, float)
    spec = make_design_spec(frame, w, min_count=min_count)
    X = spec.matrix(frame)
    y = np.asarray(log_welfare, float)
    groups = pd.factorize(pd.Series(np.asarray(clusters)).astype(str))[0]
    res = sm.WLS(y, X.to_numpy(float), weights=w).fit(cov_type="cluster", cov_kwds={"groups": groups})
    params = pd.Series(np.asarray(res.params), index=X.columns)
    bse = pd.Series(np.asarray(res.bse), index=X.columns)
    r2 = weighted_r2(y, X.to_numpy(float) @ params.to_numpy(), w)
    return PMTModel(spec=spec, params=params, bse=bse, r2_weighted=r2, n_train=len(y),
                    n_clusters=int(groups.max() + 1), result=res)


# --------------------------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------------------------
def weighted_quantile(x, w, q: float) -> float:
    """Quantile of the weighted empirical distribution (inverse CDF, no interpolation)."""
    x, w = np.asarray(x, float), np.asarray(w, float)
    order = np.argsort(x, kind="mergesort")
    cw = np.cumsum(w[order])
    idx = int(np.searchsorted(cw, q * cw[-1], side="left"))
    return float(x[order][min(idx, len(x) - 1)])


def targeting_rates(eligible, receiving, weights=None) -> dict:
    """Inclusion and exclusion errors of a programme against an eligibility rule.

    exclusion error = eligible & not receiving / eligible;
    inclusion error = receiving & not eligible / receiving. Rates are in percent.
    """
    e = np.asarray(eligible, bool)
    r = np.asarray(receiving, bool)
    w = np.ones(len(e)) if weights is None else np.asarray(weights, float)
    n_elig, n_rec = float(w[e].sum()), float(w[r].sum())
    n_excl, n_incl = float(w[e & ~r].sum()), float(w[r & ~e].sum())
    return {
        "n_eligible": n_elig, "n_recipients": n_rec, "n_excluded": n_excl, "n_included_in_error": n_incl,
        "exclusion_error": 100 * n_excl / n_elig if n_elig > 0 else np.nan,
        "inclusion_error": 100 * n_incl / n_rec if n_rec > 0 else np.nan,
    }


def pmt_errors(actual, predicted, weights, line: float | None = None, share: float | None = None,
               threshold_weights=None) -> dict:
    """Errors of the PMT itself on survey households whose actual expenditure is known.

    ``line`` given: truly poor = actual < line, predicted eligible = predicted < line.
    ``share`` given: the bottom ``share`` of the distribution of each (actual and predicted)
    defines truly poor and predicted eligible; the percentiles use ``threshold_weights`` (person
    weights; default ``weights``). Rates are weighted by ``weights`` (households):
    exclusion error = truly poor not predicted eligible / truly poor; inclusion error =
    predicted eligible not truly poor / predicted eligible (percent).
    """
    a, p, w = (np.asarray(v, float) for v in (actual, predicted, weights))
    tw = w if threshold_weights is None else np.asarray(threshold_weights, float)
    if line is not None:
        truth, pred = a < line, p < line
    else:
        truth = a < weighted_quantile(a, tw, share)
        pred = p < weighted_quantile(p, tw, share)
    # the PMT "selects" the predicted eligible; the truly poor are whom it should select
    r = targeting_rates(eligible=truth, receiving=pred, weights=w)
    return {"share_truly_poor": 100 * w[truth].sum() / w.sum(),
            "share_predicted_eligible": 100 * w[pred].sum() / w.sum(),
            "exclusion_error": r["exclusion_error"], "inclusion_error": r["inclusion_error"]}


COUNT_COLUMNS = ["n_families", "n_eligible", "n_recipients", "n_excluded", "n_included_in_error"]


def registry_targeting_table(reg: pd.DataFrame, *, min_count: int, domain_names: dict[str, str]) -> pd.DataFrame:
    """Inclusion/exclusion errors of PKH and BPNT per kecamatan and city, by cut.

    Parameters
    ----------
    reg : DataFrame
        Valid registry families with ``kode_kec``, ``eligible_poverty_line``,
        ``eligible_bottom40`` (bool), ``penerima_pkh``, ``penerima_bpnt`` (0/1) and
        ``registry_verified`` (bool).
    min_count : int
        Suppression threshold (families).
    domain_names : dict
        Kemendagri code -> name.

    Returns
    -------
    DataFrame
        One row per programme × cut × domain: ``programme, cut, domain_level, domain_code,
        domain_name, n_families, n_eligible, n_recipients, n_excluded, n_included_in_error,
        exclusion_error, inclusion_error, share_unverified, flag`` (rates in percent).
    """
    rows = []
    domains = [("kota", KOTA_CODE, reg)] + [("kecamatan", k, g) for k, g in reg.groupby("kode_kec", sort=True)]
    for prog, col in PROGRAMMES.items():
        for cut in CUTS:
            for level, code, g in domains:
                r = targeting_rates(g[f"eligible_{cut}"].to_numpy(bool), _as_flag(g[col]).astype(bool))
                unver = 100 * (~g["registry_verified"].astype(bool)).mean()
                rows.append({"programme": prog, "cut": cut, "domain_level": level, "domain_code": code,
                             "domain_name": domain_names.get(code, code), "n_families": float(len(g)),
                             **r, "share_unverified": unver})
    t = pd.DataFrame(rows)
    # the kecamatan rows of a programme and cut add up to the city row
    t["_kota"] = t["domain_level"] == "kota"
    t = disclosure.suppress(t, COUNT_COLUMNS, min_count, col_groups=["programme", "cut"], total_rows="_kota",
                            rates={"exclusion_error": ("n_excluded", "n_eligible"),
                                   "inclusion_error": ("n_included_in_error", "n_recipients")}).drop(columns="_kota")
    base = np.where(t[disclosure.MARKER] != "", "suppressed", "ok")
    flag = pd.Series(base, index=t.index, dtype=object)
    flag = flag.where(t["share_unverified"] <= 0, flag + ";unverified_registry")
    t["flag"] = flag
    for c in COUNT_COLUMNS:
        t[c] = t[c].round().astype("Int64")
    return t.sort_values(["programme", "cut", "domain_level", "domain_code"], kind="mergesort").reset_index(drop=True)
