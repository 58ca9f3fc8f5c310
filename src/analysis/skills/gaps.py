"""Gap signals per occupation and certificate, the composite shortage index and mismatch indices.

Notation and formulas follow ``docs/methods.md`` §9.3 (o occupation, t the period year):

* ``V_o`` positions posted in t (vacancies de-duplicated: same employer, normalised title and
  positions within 60 days = one vacancy);
* ``U_o`` = sum_i a_i pi_io: a_i = share of the 12 month-ends of t at which seeker i holds a valid,
  not-placed AK/I card, pi_io = soft occupation probabilities of the desired job (else last job);
* ``Q_o`` = the same over seekers meeting the modal hard requirements of o (education,
  certificates, age cap, experience, local KTP when the modal vacancy is local-only);
* tightness ``theta = V/max(U,1)``, ``theta_q = V/max(Q,1)``; fill rate ``FR`` (closed vacancies),
  median days to fill, share of hires from outside Bontang ``NL`` (Perda benchmark: > 25 %);
* flow gap ``G = (D - S)/(D + S)``: D = openings over 12 months (survey-weighted planned hires of
  the establishment survey wave of t; positions posted in t for occupations no surveyed employer
  reports, or when there is no survey), S = training completers T + lambda Q (lambda = annual
  placement rate of the AK/I stock);
* composite OECD-Skills-for-Jobs-style index ``SI_o`` = mean over available signals of the
  standardised (z across occupations) signals, each signed so that positive = shortage:
  ln((V+0.5)/(U+0.5)), 1 - FR, ln median days to fill, NL, G, relative wage growth, relative
  demand growth. Equal weights (OECD weights as a sensitivity once verified).

Uncertainty: a cluster bootstrap (B replicates) resamples employers (their vacancies and survey
rows together) and seekers with replacement (index arrays -> multiplicities) and redraws every
uncoded record's occupation from its classifier probabilities; percentile CIs. Labels:
``shortage`` if the 90 % CI > 0, ``surplus`` if < 0, ``balanced`` if the 90 % CI lies inside
+-``balanced_band`` (a precisely small imbalance), else ``uncertain``.

Occupations with V + U < ``min_cell`` are pooled into their 3-digit group (the remainder not
reported at 4 digits), then 2 digits; what is still thin is reported without an index.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.codes import education_rank
from analysis.skills.coding import normalise_title
from analysis.skills.data import num

EDU_RANK = education_rank()  # level completed, from the contracts' education codes
SIGNALS = ("tightness", "unfilled", "days_to_fill", "nonlocal", "flow_gap", "wage_growth", "demand_growth")
PRIOR_N = 5.0  # pseudo-positions / pseudo-hires of the shrinkage of fill rate and non-local share
MIN_SIGNAL_N = 5.0  # a vacancy-based signal needs this many (effective) closed positions / hires
SIGNAL_LABELS = {
    "tightness": "ln((V+0.5)/(U+0.5))", "unfilled": "1 - fill rate", "days_to_fill": "ln median days to fill",
    "nonlocal": "share of hires from outside Bontang", "flow_gap": "G = (D-S)/(D+S)",
    "wage_growth": "relative growth of the median offered wage", "demand_growth": "relative growth of posted positions",
}


# ---------------------------------------------------------------------------------------------
# Preparation
# ---------------------------------------------------------------------------------------------
def dedup_vacancies(vac: pd.DataFrame, window_days: int = 60) -> pd.Series:
    """True for re-postings: same employer, normalised title and positions within ``window_days``
    of the previous posting of that key (Lightcast-style de-duplication)."""
    key = (vac["employer_id"].astype(str) + "|" + normalise_title(vac["job_title_text"]).astype(str) + "|"
           + vac["n_positions"].astype(str))
    order = np.lexsort((vac["posted_date"].to_numpy(), key.to_numpy()))
    k = key.to_numpy()[order]
    d = vac["posted_date"].to_numpy()[order]
    same = np.r_[False, k[1:] == k[:-1]]
    gap = np.r_[np.inf, (d[1:] - d[:-1]) / np.timedelta64(1, "D")]
    dup = same & (gap <= window_days)
    out = np.zeros(len(vac), dtype=bool)
    out[order] = dup
    return pd.Series(out, index=vac.index)


def cert_matrix(series: pd.Series, certs: list[str]) -> np.ndarray:
    """Boolean (n x C): which of ``certs`` each ';'-list holds."""
    s = series.astype("string").fillna("").to_numpy(dtype=object)
    tokens = pd.Series(s).str.split(";")
    ex = tokens.explode()
    M = np.zeros((len(s), len(certs)), dtype=bool)
    pos = {c: j for j, c in enumerate(certs)}
    col = ex.map(pos)
    ok = col.notna().to_numpy()
    M[ex.index.to_numpy()[ok], col.to_numpy()[ok].astype(int)] = True
    return M


def all_certs(*series: pd.Series) -> list[str]:
    toks = pd.concat([s.astype("string").fillna("").str.split(";").explode() for s in series])
    toks = toks[toks.notna() & (toks != "")]
    return sorted(set(toks.astype(str)))


def stock_share(ak1: pd.DataFrame, year: int) -> np.ndarray:
    """a_i: share of the 12 month-ends of ``year`` at which card i is valid and not placed."""
    ends = pd.date_range(f"{year}-01-01", periods=12, freq="ME").to_numpy()
    reg = ak1["registration_date"].to_numpy()[:, None]
    vu = ak1["valid_until"].to_numpy()[:, None]
    pl = ak1["placement_date"].to_numpy()[:, None]
    placed = ~np.isnat(pl) & (pl <= ends[None, :])
    valid = (reg <= ends[None, :]) & (vu >= ends[None, :]) & ~placed
    return valid.mean(axis=1)


@dataclass
class Units:
    """Analysis units: each 4-digit class is mapped to itself or to a 3/2-digit remainder."""

    classes: np.ndarray          # 4-digit codes (classifier classes)
    unit_of_class: np.ndarray    # index into codes for every class
    codes: np.ndarray            # unit codes
    digits: np.ndarray
    reportable: np.ndarray       # V + U >= min_cell
    M: np.ndarray = field(repr=False, default=None)  # (K x n_units) indicator


def build_units(classes: np.ndarray, size: np.ndarray, min_cell: float) -> Units:
    """Map 4-digit classes to units: keep where V+U >= min_cell, else pool remainders at 3, 2 digits."""
    classes = np.asarray(classes).astype(str)
    unit = classes.copy()
    thin = size < min_cell
    for d in (3, 2):
        cand = np.array([c[:d] for c in classes])
        rem = pd.Series(np.where(thin, size, 0.0)).groupby(cand).transform("sum").to_numpy()
        move = thin & (rem >= min_cell)
        unit = np.where(move, cand, unit)
        thin = thin & ~move
    unit = np.where(thin, np.array([c[:2] for c in classes]), unit)  # still thin: 2-digit, not reported
    codes, inv = np.unique(unit, return_inverse=True)
    tot = np.bincount(inv, weights=size, minlength=len(codes))
    M = np.zeros((len(classes), len(codes)))
    M[np.arange(len(classes)), inv] = 1.0
    return Units(classes=classes, unit_of_class=inv, codes=codes, digits=np.array([len(c) for c in codes]),
                 reportable=tot >= min_cell, M=M)


def weighted_median_cols(values: np.ndarray, W: np.ndarray) -> np.ndarray:
    """Weighted median of ``values`` for every column of weights ``W`` (NaN where no weight)."""
    ok = ~np.isnan(values)
    v, W = values[ok], W[ok]
    if len(v) == 0:
        return np.full(W.shape[1], np.nan)
    order = np.argsort(v, kind="stable")
    v, Wc = v[order], np.cumsum(W[order], axis=0)
    tot = Wc[-1]
    idx = np.minimum((Wc < tot / 2.0).sum(axis=0), len(v) - 1)
    out = v[idx]
    out[tot <= 0] = np.nan
    return out


@dataclass
class GapData:
    """Arrays the signal function needs (built once; the bootstrap only reweights and redraws)."""

    year: int
    classes: np.ndarray
    # vacancies (de-duplicated, posted in t-1 or t)
    v_emp: np.ndarray
    v_year: np.ndarray
    v_pos: np.ndarray
    v_closed: np.ndarray
    v_filled: np.ndarray
    v_local: np.ndarray
    v_days: np.ndarray
    v_wage: np.ndarray
    v_P: np.ndarray               # (n_v x K) soft codes (one-hot when hand-coded)
    # seekers with a_i > 0 in t or t-1
    s_a: np.ndarray               # share of month-ends in t
    s_a_prev: np.ndarray
    s_P: np.ndarray               # (n_s x K)
    s_qual: np.ndarray            # (n_s x K) meets modal requirements of the class
    # survey rows of the wave of t
    d_emp: np.ndarray
    d_hires: np.ndarray           # planned hires x survey weight
    d_class: np.ndarray           # class index (-1 if the code is not a class)
    training_T: np.ndarray        # (K,) completers of t by class
    lam: float
    n_employers: int
    has_survey: bool


def class_requirements(vac: pd.DataFrame, P: np.ndarray, classes: np.ndarray, certs: list[str]) -> pd.DataFrame:
    """Modal hard requirements per class from the vacancies (hard code = argmax)."""
    code = classes[np.nanargmax(np.nan_to_num(P, nan=-1), axis=1)]
    df = pd.DataFrame({
        "kbji4": code,
        "edu": vac["min_education"].map(EDU_RANK).fillna(0).to_numpy(dtype=float),
        "cert": vac["required_certificates"].astype("string").fillna("").to_numpy(dtype=object),
        "age": num(vac["age_max"]),
        "exp": np.nan_to_num(num(vac["min_experience_years"])),
        "local": np.nan_to_num(num(vac["local_only"])),
    })
    g = df.groupby("kbji4")
    req = pd.DataFrame({
        "edu": g["edu"].agg(lambda s: s.mode().min()),
        "cert": g["cert"].agg(lambda s: s.mode().sort_values().iloc[0]),
        "age": g["age"].agg(lambda s: s.median() if s.notna().mean() > 0.5 else np.nan),
        "exp": g["exp"].median(),
        "local": g["local"].mean() > 0.5,
    }).reindex(classes)
    req["edu"] = req["edu"].fillna(0)
    req["cert"] = req["cert"].fillna("")
    req["exp"] = req["exp"].fillna(0)
    req["local"] = req["local"].fillna(False).astype(bool)
    return req


def qualified_matrix(seekers: pd.DataFrame, req: pd.DataFrame, certs: list[str], ref_year: int) -> np.ndarray:
    """(n_s x K) True where a seeker meets the modal requirements of the class."""
    edu = seekers["pendidikan"].map(EDU_RANK).fillna(0).to_numpy(dtype=float)
    age = ref_year - num(seekers["birth_year"])
    exp = np.nan_to_num(num(seekers["experience_years"]))
    ktp = np.nan_to_num(num(seekers["ktp_bontang"])) == 1
    has = cert_matrix(seekers["certificates"], certs).astype(np.int32)
    need = cert_matrix(req["cert"], certs).astype(np.int32)
    cert_ok = (has @ need.T) >= need.sum(axis=1)[None, :]
    ok = (edu[:, None] >= req["edu"].to_numpy()[None, :]) & cert_ok
    ok &= np.isnan(req["age"].to_numpy())[None, :] | (age[:, None] <= req["age"].to_numpy()[None, :])
    ok &= exp[:, None] >= req["exp"].to_numpy()[None, :]
    ok &= ~req["local"].to_numpy()[None, :] | ktp[:, None]
    return ok


# ---------------------------------------------------------------------------------------------
# Signals (one function for the point estimate and every bootstrap replicate)
# ---------------------------------------------------------------------------------------------
def seeker_totals(g: GapData, Ws: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Class totals U (stock of t), U_prev (stock of t-1), Q (qualified stock) from seeker weights."""
    return g.s_a @ Ws, g.s_a_prev @ Ws, (g.s_a[:, None] * g.s_qual * Ws).sum(axis=0)


def signals(g: GapData, M: np.ndarray, Wv: np.ndarray, seek: tuple, d_mult: np.ndarray) -> dict:
    """Gap signals per unit.

    Parameters
    ----------
    M : (K x n_units) class -> unit indicator.
    Wv : (n_v x K) vacancy weights (soft codes x multiplicity).
    seek : (U, U_prev, Q) class totals of the seekers (:func:`seeker_totals` or bincounts).
    d_mult : (n_survey,) multiplicity of survey rows.
    """
    cur = g.v_year == g.year
    prev = g.v_year == g.year - 1
    Wu = Wv @ M                                         # (n_v x U) unit weights per vacancy
    V = (g.v_pos * cur) @ Wu
    V_prev = (g.v_pos * prev) @ Wu
    closed = cur & g.v_closed
    pos_closed = (g.v_pos * closed) @ Wu
    filled = (np.nan_to_num(g.v_filled) * closed) @ Wu
    local = (np.nan_to_num(g.v_local) * closed) @ Wu
    # thin cells: shrink rates towards the all-occupation rate with a prior of PRIOR_N units
    fr_all = filled.sum() / max(pos_closed.sum(), 1e-9)
    nl_all = 1.0 - local.sum() / max(filled.sum(), 1e-9)
    with np.errstate(divide="ignore", invalid="ignore"):
        fr = np.where(pos_closed > 0, filled / pos_closed, np.nan)
        nl = np.where(filled > 0, 1.0 - local / filled, np.nan)
        fr_s = (filled + PRIOR_N * fr_all) / (pos_closed + PRIOR_N)
        nl_s = (filled - local + PRIOR_N * nl_all) / (filled + PRIOR_N)
    hired = closed & (np.nan_to_num(g.v_filled) > 0)
    days = weighted_median_cols(np.where(hired, g.v_days, np.nan), Wu)
    n_hired = hired.astype(float) @ Wu
    wage_cur = np.where(cur, g.v_wage, np.nan)
    wage_prev = np.where(prev, g.v_wage, np.nan)
    w_cur = weighted_median_cols(wage_cur, Wu)
    w_prev = weighted_median_cols(wage_prev, Wu)
    all_cur = np.nanmedian(wage_cur) if np.isfinite(wage_cur).any() else np.nan
    all_prev = np.nanmedian(wage_prev) if np.isfinite(wage_prev).any() else np.nan
    n_wage_cur = np.isfinite(wage_cur).astype(float) @ Wu      # effective number of stated wages
    n_wage_prev = np.isfinite(wage_prev).astype(float) @ Wu
    with np.errstate(divide="ignore", invalid="ignore"):
        wage_growth = np.log(w_cur / w_prev) - np.log(all_cur / all_prev)

    demand_growth = np.log((V + 1.0) / (V_prev + 1.0)) - np.log((V.sum() + 1.0) / (V_prev.sum() + 1.0))

    U, U_prev, Q = (x @ M for x in seek)
    if g.has_survey:
        ok = g.d_class >= 0
        D_class = np.bincount(g.d_class[ok], weights=(g.d_hires * d_mult)[ok], minlength=len(g.classes))
        in_survey = np.bincount(g.d_class[ok], minlength=len(g.classes)) > 0
        # occupations no surveyed employer reports: openings = positions posted in the year
        V_class = (g.v_pos * cur) @ Wv
        D = np.where(in_survey, D_class, V_class) @ M
    else:
        D = V.copy()
    T = g.training_T @ M
    S = T + g.lam * Q
    with np.errstate(divide="ignore", invalid="ignore"):
        G = np.where(D + S > 0, (D - S) / (D + S), np.nan)
    out = {
        "V": V, "V_prev": V_prev, "U": U, "U_prev": U_prev, "Q": Q, "D": D, "T": T, "S": S, "G": G,
        "fill_rate": fr, "nonlocal_share": nl, "median_days_to_fill": days, "filled": filled, "filled_local": local,
        "median_wage": w_cur, "wage_growth": wage_growth, "demand_growth": demand_growth,
        "tightness": np.log((V + 0.5) / (U + 0.5)),
        "unfilled": 1.0 - fr_s, "days_to_fill": np.log(days), "nonlocal": nl_s, "flow_gap": G,
        # effective evidence behind each signal (decides, at the point estimate, which signals enter)
        "_support": {"tightness": V + U, "unfilled": pos_closed, "days_to_fill": n_hired, "nonlocal": filled,
                     "flow_gap": D + S, "wage_growth": np.minimum(n_wage_cur, n_wage_prev),
                     "demand_growth": (V + V_prev) / 2.0},
        "theta": V / np.maximum(U, 1.0), "theta_q": V / np.maximum(Q, 1.0),
    }
    return out


MIN_SUPPORT = {"tightness": 0.0, "unfilled": MIN_SIGNAL_N, "days_to_fill": 3.0, "nonlocal": MIN_SIGNAL_N,
               "flow_gap": 0.0, "wage_growth": MIN_SIGNAL_N, "demand_growth": 2 * MIN_SIGNAL_N}


def availability(sig: dict, include: np.ndarray) -> np.ndarray:
    """(signals x units) True where a signal enters a unit's index: enough evidence at the point
    estimate. Fixed for every bootstrap replicate, so the index keeps one definition."""
    A = np.zeros((len(SIGNALS), len(include)), dtype=bool)
    for r, k in enumerate(SIGNALS):
        A[r] = include & np.isfinite(np.asarray(sig[k], dtype=float)) & (sig["_support"][k] >= MIN_SUPPORT[k])
    return A


def standardisation(sig: dict, avail: np.ndarray) -> dict:
    """Mean and SD of every signal across the units where it is available (point estimate)."""
    out = {}
    for r, k in enumerate(SIGNALS):
        x = np.asarray(sig[k], dtype=float)
        m = avail[r]
        if m.sum() >= 3 and x[m].std(ddof=1) > 0:
            out[k] = (x[m].mean(), x[m].std(ddof=1))
    return out


def composite(sig: dict, avail: np.ndarray, scale: dict, weights: dict | None = None
              ) -> tuple[np.ndarray, np.ndarray]:
    """SI = weighted mean of the available z-scores; returns (SI, Z).

    ``avail`` (signals x units) and ``scale`` (mean, SD per signal) come from the point estimate,
    so that bootstrap replicates are on the scale and definition of the published index.
    """
    weights = weights or {k: 1.0 for k in SIGNALS}
    Z = np.full(avail.shape, np.nan)
    for r, k in enumerate(SIGNALS):
        if k not in scale:
            continue
        x = np.asarray(sig[k], dtype=float)
        m = avail[r] & np.isfinite(x)
        Z[r, m] = (x[m] - scale[k][0]) / scale[k][1]
    w = np.array([weights.get(k, 1.0) for k in SIGNALS])[:, None]
    ok = np.isfinite(Z)
    with np.errstate(invalid="ignore", divide="ignore"):
        si = np.where(ok.any(axis=0), np.nansum(np.where(ok, Z * w, 0.0), axis=0) / (ok * w).sum(axis=0), np.nan)
    si[~avail.any(axis=0)] = np.nan
    return si, Z


def mismatch(u: np.ndarray, v: np.ndarray, alpha: float = 0.5) -> tuple[float, float]:
    """Jackman-Layard-Savouri MM = 1/2 sum|u/U - v/V| and Sahin et al. M = 1 - sum (v/V)^a (u/U)^(1-a)."""
    U, V = u.sum(), v.sum()
    if U <= 0 or V <= 0:
        return np.nan, np.nan
    su, sv = u / U, v / V
    return 0.5 * float(np.abs(su - sv).sum()), 1.0 - float((sv ** alpha * su ** (1 - alpha)).sum())


# ---------------------------------------------------------------------------------------------
# The whole gap analysis
# ---------------------------------------------------------------------------------------------
@dataclass
class GapResult:
    occupations: pd.DataFrame
    certificates: pd.DataFrame
    mismatch: pd.DataFrame
    by_major_group: pd.DataFrame
    replicates: pd.DataFrame           # (B x units) SI replicates
    theta_replicates: pd.DataFrame     # (B x units) V/U replicates
    vu_total: dict                     # total V/U: estimate and replicates
    units: Units
    class_map: pd.DataFrame            # class -> unit
    summary: dict


def prepare(vac: pd.DataFrame, v_P: np.ndarray, ak1: pd.DataFrame, s_P: np.ndarray, classes: np.ndarray,
            year: int, survey: pd.DataFrame | None, cohorts: pd.DataFrame, programs: pd.DataFrame,
            employers: pd.DataFrame, certs: list[str]) -> tuple[GapData, dict]:
    """Build the arrays of :class:`GapData` (vacancies already de-duplicated)."""
    vy = vac["posted_date"].dt.year.to_numpy()
    vm = np.isin(vy, [year - 1, year])
    v = vac[vm].reset_index(drop=True)
    vP = np.nan_to_num(v_P[vm])
    emp_ids = np.sort(employers["employer_id"].astype(str).unique())
    emp_index = {e: i for i, e in enumerate(emp_ids)}
    v_emp = v["employer_id"].astype(str).map(emp_index).fillna(-1).astype(int).to_numpy()
    # requirements from the vacancies of t (all years for classes without postings in t)
    cur = v["posted_date"].dt.year.to_numpy() == year
    req = class_requirements(vac, np.nan_to_num(v_P, nan=0.0), classes, certs)
    req_t = class_requirements(v[cur], vP[cur], classes, certs)
    have_t = v[cur].assign(c=classes[np.argmax(vP[cur], axis=1)])["c"].unique() if cur.any() else []
    req.loc[req.index.isin(have_t)] = req_t.loc[req_t.index.isin(have_t)]
    a = stock_share(ak1, year)
    a_prev = stock_share(ak1, year - 1)
    sm = ((a > 0) | (a_prev > 0)) & ~np.isnan(s_P).any(axis=1)
    s = ak1[sm].reset_index(drop=True)
    sP = s_P[sm]
    qual = qualified_matrix(s, req, certs, year)
    # reported placements in t / mean stock in t = lambda (annual placement rate of the stock)
    placed_t = (ak1["placement_date"].dt.year == year).sum()
    lam = float(placed_t / max(a.sum(), 1.0))
    # survey
    has_survey = survey is not None and len(survey) > 0 and (num(survey["survey_year"]) == year).any()
    if has_survey:
        sv = survey[num(survey["survey_year"]) == year]
        cls_index = {c: i for i, c in enumerate(classes)}
        d_class = sv["kbji4"].astype(str).map(cls_index).fillna(-1).astype(int).to_numpy()
        d_hires = num(sv["planned_hires_12m"]) * num(sv["survey_weight"])
        d_emp = sv["employer_id"].astype(str).map(emp_index).fillna(-1).astype(int).to_numpy()
    else:
        d_class = np.zeros(0, dtype=int)
        d_hires = np.zeros(0)
        d_emp = np.zeros(0, dtype=int)
    # training completers of t by class (target weights)
    T = training_output(cohorts, programs, classes, year, "completed_n")
    g = GapData(year=year, classes=classes, v_emp=v_emp, v_year=v["posted_date"].dt.year.to_numpy(),
                v_pos=num(v["n_positions"]), v_closed=v["closed_date"].notna().to_numpy(),
                v_filled=num(v["filled_n"]), v_local=num(v["filled_local_n"]), v_days=num(v["days_to_fill"]),
                v_wage=num(v["offered_wage_idr_month"]), v_P=vP, s_a=a[sm], s_a_prev=a_prev[sm], s_P=sP,
                s_qual=qual, d_emp=d_emp, d_hires=np.nan_to_num(d_hires), d_class=d_class, training_T=T,
                lam=lam, n_employers=len(emp_ids), has_survey=bool(has_survey))
    extra = {"requirements": req, "seekers": s, "vacancies": v, "a_all": a, "lambda": lam}
    return g, extra


def target_weights(programs: pd.DataFrame) -> pd.DataFrame:
    """Long table program_id, kbji4, weight from 'kbji4:w;kbji4:w' (weights renormalised to 1)."""
    t = programs[["program_id", "target_kbji"]].copy()
    t["part"] = t["target_kbji"].astype(str).str.split(";")
    t = t.explode("part")
    t["kbji4"] = t["part"].str.split(":").str[0].str.strip()
    t["weight"] = pd.to_numeric(t["part"].str.split(":").str[1], errors="coerce").fillna(1.0)
    t["weight"] = t["weight"] / t.groupby("program_id")["weight"].transform("sum")
    return t[["program_id", "kbji4", "weight"]].reset_index(drop=True)


def training_output(cohorts: pd.DataFrame, programs: pd.DataFrame, classes: np.ndarray, year: int,
                    column: str) -> np.ndarray:
    """Completers (or certified) of cohorts ending in ``year``, spread over target classes."""
    c = cohorts[cohorts["end_date"].dt.year == year]
    per_prog = pd.Series(num(c[column]), index=c.index).groupby(c["program_id"].astype(str).to_numpy()).sum()
    tw = target_weights(programs)
    tw["n"] = tw["program_id"].map(per_prog).fillna(0) * tw["weight"]
    by = tw.groupby("kbji4")["n"].sum()
    return by.reindex(classes).fillna(0).to_numpy()


def _draw_codes(rng, cum: np.ndarray) -> np.ndarray:
    """One categorical draw per row, given the row-wise cumulative probabilities (inverse CDF)."""
    u = rng.random(cum.shape[0]) * cum[:, -1]
    return np.minimum((cum < u[:, None]).sum(axis=1), cum.shape[1] - 1)


def bootstrap(g: GapData, units: Units, B: int, seed: int, scale: dict, avail: np.ndarray,
              weights: dict | None = None, alpha: float = 0.5) -> tuple[np.ndarray, dict]:
    """Cluster bootstrap of the shortage index: employers and seekers resampled (index arrays),
    occupations redrawn from the classifier probabilities. Returns (B x units) SI and the
    replicate mismatch indices."""
    rng = np.random.default_rng([int(seed), 404])
    K = len(g.classes)
    cum_v = np.cumsum(g.v_P, axis=1)
    cum_s = np.cumsum(g.s_P, axis=1)
    n_s = len(g.s_a)
    rows = np.arange(n_s)
    out = np.full((B, len(units.codes)), np.nan)
    theta = np.full((B, len(units.codes)), np.nan)
    vu = np.full(B, np.nan)
    mm = {d: np.full((B, 2), np.nan) for d in (1, 2, 4)}
    eye = np.eye(K)
    cur = g.v_year == g.year
    for b in range(B):  # a loop over replicates; everything inside is vectorised
        e_mult = np.bincount(rng.integers(0, g.n_employers, g.n_employers), minlength=g.n_employers).astype(float)
        v_mult = np.where(g.v_emp >= 0, e_mult[np.maximum(g.v_emp, 0)], 1.0)
        d_mult = np.where(g.d_emp >= 0, e_mult[np.maximum(g.d_emp, 0)], 1.0) if len(g.d_emp) else g.d_emp
        s_mult = np.bincount(rng.integers(0, n_s, n_s), minlength=n_s).astype(float)
        vc = _draw_codes(rng, cum_v)
        sc = _draw_codes(rng, cum_s)
        Wv = eye[vc] * v_mult[:, None]
        w_s = g.s_a * s_mult
        seek = (np.bincount(sc, weights=w_s, minlength=K), np.bincount(sc, weights=g.s_a_prev * s_mult, minlength=K),
                np.bincount(sc, weights=w_s * g.s_qual[rows, sc], minlength=K))
        sig = signals(g, units.M, Wv, seek, d_mult)
        si, _ = composite(sig, avail, scale, weights)
        out[b] = si
        theta[b] = sig["theta"]
        vu[b] = sig["V"].sum() / max((g.s_a * s_mult).sum(), 1.0)
        # mismatch indices from soft codes (hard draws would inflate them): resampling only
        v4 = (g.v_pos * v_mult * cur) @ g.v_P
        u4 = (g.s_a * s_mult) @ g.s_P
        for d in (1, 2, 4):
            grp = np.array([c[:d] for c in g.classes])
            _, inv = np.unique(grp, return_inverse=True)
            mm[d][b] = mismatch(np.bincount(inv, weights=u4), np.bincount(inv, weights=v4), alpha)
    return out, {"mismatch": mm, "theta": theta, "vu": vu}


def vacancy_matching(v: pd.DataFrame, vP: np.ndarray, s: pd.DataFrame, sP: np.ndarray, a: np.ndarray,
                     certs: list[str], year: int, chunk: int = 250) -> pd.DataFrame:
    """Expected qualified seekers per vacancy (Q_j = sum_i a_i pi_i,o(j) 1[meets all hard filters])
    and with each filter dropped in turn -> unmatchable vacancies and the binding requirement."""
    code = np.argmax(vP, axis=1)
    edu = s["pendidikan"].map(EDU_RANK).fillna(0).to_numpy(dtype=float)
    age = year - num(s["birth_year"])
    exp = np.nan_to_num(num(s["experience_years"]))
    ktp = np.nan_to_num(num(s["ktp_bontang"])) == 1
    has = cert_matrix(s["certificates"], certs).astype(np.int32)
    need = cert_matrix(v["required_certificates"], certs).astype(np.int32)
    v_edu = v["min_education"].map(EDU_RANK).fillna(0).to_numpy(dtype=float)
    v_age = num(v["age_max"])
    v_exp = np.nan_to_num(num(v["min_experience_years"]))
    v_loc = np.nan_to_num(num(v["local_only"])) == 1
    res = {k: np.zeros(len(v)) for k in ("Q", "Q_no_cert", "Q_no_edu", "Q_no_exp", "Q_no_age", "Q_no_local")}
    for lo in range(0, len(v), chunk):
        sl = slice(lo, lo + chunk)
        w = a[:, None] * sP[:, code[sl]]                                   # (n_s x c)
        f_cert = (has @ need[sl].T) >= need[sl].sum(axis=1)[None, :]
        f_edu = edu[:, None] >= v_edu[sl][None, :]
        f_exp = exp[:, None] >= v_exp[sl][None, :]
        f_age = np.isnan(v_age[sl])[None, :] | (age[:, None] <= v_age[sl][None, :])
        f_loc = ~v_loc[sl][None, :] | ktp[:, None]
        filters = {"cert": f_cert, "edu": f_edu, "exp": f_exp, "age": f_age, "local": f_loc}
        allf = f_cert & f_edu & f_exp & f_age & f_loc
        res["Q"][sl] = (w * allf).sum(axis=0)
        for k in filters:
            others = np.ones_like(allf)
            for k2, f in filters.items():
                if k2 != k:
                    others &= f
            res[f"Q_no_{k if k != 'local' else 'local'}"][sl] = (w * others).sum(axis=0)
    out = pd.DataFrame(res)
    out["unmatchable"] = out["Q"] < 1.0
    reason = np.full(len(v), "", dtype=object)
    for k, lab in (("cert", "certificate"), ("exp", "experience"), ("edu", "education"), ("age", "age"),
                   ("local", "local_ktp")):
        reason = np.where(out["unmatchable"] & (reason == "") & (out[f"Q_no_{k}"] >= 1.0), lab, reason)
    out["binding"] = np.where(out["unmatchable"] & (reason == ""), "no_seekers", reason)
    return out


def run_gaps(vac: pd.DataFrame, v_P: np.ndarray, ak1: pd.DataFrame, s_P: np.ndarray, classes: np.ndarray, *,
             year: int, survey, cohorts, programs, employers, kbji: pd.DataFrame, B: int, seed: int,
             min_cell: float = 30, balanced_band: float = 0.5, alpha: float = 0.5,
             weights: dict | None = None) -> GapResult:
    """Signals, shortage index with cluster-bootstrap CIs, certificate gaps, mismatch indices."""
    classes = np.asarray(classes).astype(str)
    certs = all_certs(vac["required_certificates"], ak1["certificates"],
                      programs["certificate"] if "certificate" in programs else pd.Series([], dtype=str))
    g, extra = prepare(vac, v_P, ak1, s_P, classes, year, survey, cohorts, programs, employers, certs)
    ones_v = np.ones(len(g.v_pos))
    seek = seeker_totals(g, g.s_P)
    point_class = signals(g, np.eye(len(classes)), g.v_P * ones_v[:, None], seek, np.ones(len(g.d_hires)))
    units = build_units(classes, point_class["V"] + point_class["U"], min_cell)
    sig = signals(g, units.M, g.v_P, seek, np.ones(len(g.d_hires)))
    avail = availability(sig, units.reportable)
    scale = standardisation(sig, avail)
    si, Z = composite(sig, avail, scale, weights)
    reps, more = bootstrap(g, units, B, seed, scale, avail, weights, alpha)
    mm_reps = more["mismatch"]
    with warnings.catch_warnings():  # units without an index have all-NaN replicates
        warnings.simplefilter("ignore", RuntimeWarning)
        lo90, hi90 = np.nanpercentile(reps, [5, 95], axis=0)
        lo95, hi95 = np.nanpercentile(reps, [2.5, 97.5], axis=0)
        se = np.nanstd(reps, axis=0, ddof=1)
        p_pos = np.where(units.reportable, np.nanmean(reps > 0, axis=0), np.nan)
    rank = np.argsort(np.argsort(-np.nan_to_num(reps, nan=-np.inf), axis=1), axis=1)
    p_top10 = (rank < 10).mean(axis=0)
    label = np.where(lo90 > 0, "shortage", np.where(hi90 < 0, "surplus",
                     np.where((lo90 >= -balanced_band) & (hi90 <= balanced_band), "balanced", "uncertain")))
    label = np.where(units.reportable, label, "insufficient_data")
    titles = kbji.set_index(kbji["kode"].astype(str))
    digits = units.digits
    # a pooled remainder is named after its group
    is_remainder = np.array([(d < 4) for d in digits])
    name_en = pd.Series(units.codes).map(titles["title_en"]).fillna("").to_numpy()
    name_id = pd.Series(units.codes).map(titles["judul_id"]).fillna("").to_numpy()
    name_en = np.where(is_remainder, name_en + " (other unit groups)", name_en)
    name_id = np.where(is_remainder, name_id + " (subgolongan lainnya)", name_id)
    # vacancy matching (unmatchable vacancies, binding requirement)
    vcur = extra["vacancies"]["posted_date"].dt.year.to_numpy() == year
    vm = vacancy_matching(extra["vacancies"][vcur].reset_index(drop=True), g.v_P[vcur], extra["seekers"], g.s_P,
                          g.s_a, certs, year)
    Wu_cur = g.v_P[vcur] @ units.M
    pos_cur = g.v_pos[vcur]
    with np.errstate(invalid="ignore", divide="ignore"):
        share_unmatch = ((pos_cur * vm["unmatchable"].to_numpy()) @ Wu_cur) / (pos_cur @ Wu_cur)
        share_cert = ((pos_cur * (vm["binding"] == "certificate").to_numpy()) @ Wu_cur) / (pos_cur @ Wu_cur)
    n_rec = (g.v_year == year).astype(float) @ (g.v_P @ units.M)
    occ = pd.DataFrame({
        "kbji_code": units.codes, "digits": digits, "title_en": name_en, "title_id": name_id,
        "vacancy_positions": sig["V"], "vacancy_records": n_rec, "seekers": sig["U"], "qualified_seekers": sig["Q"],
        "tightness_vu": sig["theta"], "tightness_vq": sig["theta_q"], "fill_rate": sig["fill_rate"],
        "median_days_to_fill": sig["median_days_to_fill"], "hires": sig["filled"], "hires_local": sig["filled_local"],
        "nonlocal_share": sig["nonlocal_share"],
        "above_perda_nonlocal_25pct": np.where(np.isfinite(sig["nonlocal_share"]), sig["nonlocal_share"] > 0.25, np.nan),
        "openings_12m": sig["D"], "training_completers": sig["T"],
        "supply_S": sig["S"], "gap_D_minus_S": sig["D"] - sig["S"], "flow_gap_G": sig["G"],
        "median_offered_wage": sig["median_wage"],
        "wage_growth_rel": np.where(avail[SIGNALS.index("wage_growth")], sig["wage_growth"], np.nan),
        "demand_growth_rel": np.where(avail[SIGNALS.index("demand_growth")], sig["demand_growth"], np.nan),
        "share_unmatchable_vacancies": share_unmatch,
        "share_lacking_certificate": share_cert,
        "shortage_index": si, "si_se": se, "si_ci90_low": lo90, "si_ci90_high": hi90, "si_ci95_low": lo95,
        "si_ci95_high": hi95, "p_shortage": p_pos, "p_top10": p_top10, "signals_used": np.isfinite(Z).sum(axis=0),
        "label": label, "reportable": units.reportable,
    })
    for r, k in enumerate(SIGNALS):
        occ[f"z_{k}"] = Z[r]
    occ = occ.sort_values("kbji_code", kind="mergesort").reset_index(drop=True)
    class_map = pd.DataFrame({"kbji4": classes, "unit_code": units.codes[units.unit_of_class]})
    # certificates
    certificates = certificate_gaps(extra, g, vm, vcur, certs, cohorts, programs, year)
    # mismatch indices by year and digits (point) + bootstrap CI for the period year
    mm = mismatch_table(vac, v_P, ak1, s_P, classes, year, mm_reps, alpha)
    by_mg = major_group_table(g, extra, classes, kbji, ak1, s_P, year)
    reps_df = pd.DataFrame(reps, columns=units.codes)
    summary = {"lambda": g.lam, "has_survey": g.has_survey, "n_units": len(units.codes),
               "n_reportable": int(units.reportable.sum()), "V_total": float(sig["V"].sum()),
               "U_total": float(g.s_a.sum()), "U_coded": float(sig["U"].sum()), "B": B}
    vu_point = float(sig["V"].sum() / max(g.s_a.sum(), 1.0))
    return GapResult(occupations=occ, certificates=certificates, mismatch=mm, by_major_group=by_mg,
                     replicates=reps_df, theta_replicates=pd.DataFrame(more["theta"], columns=units.codes),
                     vu_total={"estimate": vu_point, "replicates": more["vu"]}, units=units, class_map=class_map,
                     summary=summary)


def certificate_gaps(extra, g: GapData, vm: pd.DataFrame, vcur: np.ndarray, certs: list[str], cohorts, programs,
                     year: int) -> pd.DataFrame:
    """Gap_c = R_c - (H_c + T_c) and the share of vacancies needing c that lack only c."""
    v = extra["vacancies"][vcur].reset_index(drop=True)
    need = cert_matrix(v["required_certificates"], certs)
    pos = g.v_pos[vcur]
    R = (pos[:, None] * need).sum(axis=0)
    n_vac = need.sum(axis=0)
    seekers = extra["seekers"]
    has = cert_matrix(seekers["certificates"], certs)
    H = (g.s_a[:, None] * has).sum(axis=0)
    lack_only = (vm["Q"].to_numpy() < 1.0) & (vm["Q_no_cert"].to_numpy() >= 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share_lack = (need * lack_only[:, None]).sum(axis=0) / n_vac
    c = cohorts[cohorts["end_date"].dt.year == year].merge(programs[["program_id", "certificate"]], on="program_id",
                                                            how="left")
    c["certificate"] = c["certificate"].astype("string").fillna("")
    T = pd.Series(num(c["certified_n"]), index=c.index).groupby(c["certificate"].to_numpy()).sum()
    supply = programs.assign(certificate=programs["certificate"].astype("string").fillna("")).groupby(
        "certificate")["program_id"].agg(lambda s: ";".join(sorted(s.astype(str))))
    out = pd.DataFrame({"certificate": certs, "vacancies_requiring": n_vac, "positions_requiring": R,
                        "seekers_holding": H, "certified_completers": T.reindex(certs).fillna(0).to_numpy()})
    out["gap"] = out["positions_requiring"] - (out["seekers_holding"] + out["certified_completers"])
    out["share_vacancies_lacking_only_certificate"] = share_lack
    out["supplying_programmes"] = supply.reindex(certs).fillna("").to_numpy()
    return out.sort_values("certificate").reset_index(drop=True)


def mismatch_table(vac, v_P, ak1, s_P, classes, year, mm_reps, alpha) -> pd.DataFrame:
    rows = []
    yrs = sorted(set(vac["posted_date"].dt.year.dropna().astype(int)))
    P_s = np.nan_to_num(s_P)
    P_v = np.nan_to_num(v_P)
    for y in yrs:
        a = stock_share(ak1, y)
        if a.sum() <= 0:
            continue
        vm = (vac["posted_date"].dt.year == y).to_numpy()
        v4 = (num(vac["n_positions"]) * vm) @ P_v
        u4 = a @ P_s
        for d in (1, 2, 4):
            grp = np.array([c[:d] for c in classes])
            _, inv = np.unique(grp, return_inverse=True)
            jls, sahin = mismatch(np.bincount(inv, weights=u4), np.bincount(inv, weights=v4), alpha)
            for name, val, col in (("jackman_layard_savouri", jls, 0), ("sahin_song_topa_violante", sahin, 1)):
                lo = hi = np.nan
                if y == year:  # basic bootstrap interval: the index is biased upwards by noise
                    q_lo, q_hi = np.nanpercentile(mm_reps[d][:, col], [2.5, 97.5])
                    lo, hi = max(2 * val - q_hi, 0.0), 2 * val - q_lo
                rows.append((y, d, name, val, lo, hi))
    return pd.DataFrame(rows, columns=["year", "digits", "index", "value", "ci95_low", "ci95_high"])


def major_group_table(g: GapData, extra, classes, kbji, ak1, s_P, year) -> pd.DataFrame:
    """Job seekers (stock, soft-coded) against vacancy positions by KBJI major group."""
    mg = np.array([c[0] for c in classes])
    groups = [str(i) for i in range(10)]
    M1 = (mg[:, None] == np.array(groups)[None, :]).astype(float)
    cur = g.v_year == g.year
    V = (g.v_pos * cur) @ (g.v_P @ M1)
    U = g.s_a @ (g.s_P @ M1)
    Q = (g.s_a[:, None] * g.s_P * g.s_qual).sum(axis=0) @ M1
    reg = ak1["registration_date"].dt.year.to_numpy() == year
    P = np.nan_to_num(s_P)
    new = reg.astype(float) @ (P @ M1)
    pk = ak1["placement_kbji4"].astype("string").fillna("").str[:1].to_numpy()
    placed = (ak1["placement_date"].dt.year == year).to_numpy()
    plc = np.array([np.sum(placed & (pk == m)) for m in groups], dtype=float)
    titles = kbji.set_index(kbji["kode"].astype(str))
    out = pd.DataFrame({"kbji_major_group": groups,
                        "title_en": pd.Series(groups).map(titles["title_en"]).fillna("").to_numpy(),
                        "title_id": pd.Series(groups).map(titles["judul_id"]).fillna("").to_numpy(),
                        "seekers_stock": U, "qualified_seekers": Q, "new_registrations": new,
                        "vacancy_positions": V, "placements_reported": plc})
    with np.errstate(invalid="ignore", divide="ignore"):
        out["vacancies_per_seeker"] = out["vacancy_positions"] / np.maximum(out["seekers_stock"], 1.0)
    uncoded = max(float(extra["a_all"].sum() - g.s_a.sum()), 0.0)
    if uncoded >= 0.5:
        out = pd.concat([out, pd.DataFrame({"kbji_major_group": ["uncoded"], "title_en": ["No job text"],
                                            "title_id": ["Tanpa isian jabatan"], "seekers_stock": [uncoded]})],
                        ignore_index=True)
    return out
