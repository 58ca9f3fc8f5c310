"""Welfare of the synthetic households: consumption, housing and assets, registry scores and
bansos receipt (the calibration is described in docs/welfare_model.md)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.synth.helpers import YEARS, cut_by_shares
from analysis.synth.labour import KBLI


# Housing and asset variables: categories ordered from the poorest to the richest, with the
# SYNTHETIC marginal shares of households (the ordinal ones are cut from a welfare latent).
HOUSING = {
    "jenis_lantai": (("tanah", "kayu_papan", "semen", "keramik", "marmer_granit"),
                     (0.01, 0.12, 0.12, 0.72, 0.03)),
    "jenis_dinding": (("bambu_lainnya", "kayu_papan", "setengah_tembok", "tembok"),
                      (0.015, 0.17, 0.065, 0.75)),
    "sumber_air_minum": (("sumur_tak_terlindung", "air_hujan", "sumur_terlindung", "sumur_bor",
                          "ledeng_pdam", "air_isi_ulang", "air_kemasan_bermerk"),
                         (0.01, 0.02, 0.04, 0.06, 0.25, 0.55, 0.07)),
    "fasilitas_bab": (("tidak_ada", "umum", "bersama", "sendiri"), (0.005, 0.015, 0.05, 0.93)),
    "sumber_penerangan": (("non_pln", "pln_450va", "pln_900va", "pln_1300va", "pln_2200va_lebih"),
                          (0.003, 0.08, 0.35, 0.32, 0.247)),
    "bahan_bakar_masak": (("kayu_bakar", "minyak_tanah", "lpg_3kg", "lpg_5_12kg", "listrik"),
                          (0.005, 0.005, 0.75, 0.20, 0.04)),
}


STATUS_RUMAH = ("milik_sendiri", "kontrak_sewa", "bebas_sewa", "dinas")
ASSETS = {"punya_motor": 0.86, "punya_mobil": 0.28, "punya_kulkas": 0.82, "punya_ac": 0.35,
          "punya_laptop": 0.40}


ASSET_LOADING = {"punya_motor": 0.9, "punya_mobil": 1.6, "punya_kulkas": 1.2, "punya_ac": 1.6,
                 "punya_laptop": 1.4}


def _welfare_latent(rw: np.random.Generator, wc: dict, kel_effect: np.ndarray, kel_of_hh: np.ndarray,
                    rt: np.ndarray, block: np.ndarray, n_blocks: int) -> np.ndarray:
    """Standardised household welfare latent: kelurahan effect + RT effect + census-block effect
    + household term. It drives education, labour and (through consumption) housing."""
    H = kel_of_hh.size
    rt_keys = kel_of_hh.astype(np.int64) * 10000 + rt
    _, rt_idx = np.unique(rt_keys, return_inverse=True)
    rt_eff = rw.normal(0, wc["rt_effect_sd"], rt_idx.max() + 1)[rt_idx]
    blk_eff = rw.normal(0, wc["block_effect_sd"], n_blocks)[block]
    w_h = kel_effect[kel_of_hh] + rt_eff + blk_eff + rw.standard_normal(H)
    return (w_h - w_h.mean()) / w_h.std()


def _unobserved_term(ru: np.random.Generator, lc: dict, kel_of_hh: np.ndarray, rt: np.ndarray) -> np.ndarray:
    """Part of log consumption that no registry variable reflects: a kelurahan effect, an RT effect
    and a household term (sds ``unobserved_kelurahan_sd``, ``unobserved_rt_sd``, ``unobserved_sd``;
    local prices, earnings not visible in the dwelling, tastes, recall error). All zero, without a
    draw, when the three sds are 0 or absent (the build before this term existed)."""
    H = kel_of_hh.size
    sds = [float(lc.get(k, 0.0)) for k in ("unobserved_kelurahan_sd", "unobserved_rt_sd", "unobserved_sd")]
    if not any(sds):
        return np.zeros(H)
    _, rt_idx = np.unique(kel_of_hh.astype(np.int64) * 10000 + rt, return_inverse=True)
    kel_eff = ru.normal(0, sds[0], int(kel_of_hh.max()) + 1)[kel_of_hh]
    rt_eff = ru.normal(0, sds[1], int(rt_idx.max()) + 1)[rt_idx]
    return kel_eff + rt_eff + ru.normal(0, sds[2], H)


def _consumption(rw: np.random.Generator, unobs: np.ndarray, cfg: dict, lines: dict, w_h: np.ndarray,
                 size: np.ndarray, edu_years_head: np.ndarray, workers: np.ndarray,
                 formal_head: np.ndarray) -> tuple[dict, dict, dict]:
    """Per-capita expenditure and food expenditure of each year.

    log consumption = permanent part (welfare latent, head education, worker share, formal head,
    household size, a permanent household term) + the unobserved term ``unobs`` (persistent
    across years, see ``_unobserved_term``) + a transitory shock of the year; the lower tail is compressed below
    a knee and the scale is set so that the person share below the published line equals the
    published P0 of the year.

    Returns (consumption, food consumption, visible consumption) by year; the visible one is the
    same without the unobserved term (same shocks, knee and scale), the welfare that housing and
    assets reflect.
    """
    wc = cfg["welfare"]
    lc = wc["log_consumption"]
    H = size.size
    perm = (lc["welfare"] * w_h + lc["head_education_year"] * (edu_years_head - 10.0)
            + lc["worker_share"] * workers / size + lc["formal_head"] * formal_head
            + lc["log_household_size"] * np.log(size) + rw.normal(0, lc["permanent_sd"], H))
    cons, food, visible = {}, {}, {}
    for y in YEARS:
        shock = perm + rw.normal(0, lc["transitory_sd"], H)
        y0 = np.exp(shock + unobs)
        yv = np.exp(shock)
        knee = wc["lower_tail_knee"] * np.median(y0)
        y0 = np.where(y0 < knee, knee * (y0 / knee) ** wc["lower_tail_gamma"], y0)
        yv = np.where(yv < knee, knee * (yv / knee) ** wc["lower_tail_gamma"], yv)
        c = _calibrate_scale(y0, size, lines[y], cfg["calibration"]["p0"][str(y)] / 100)
        cons[y] = np.round(y0 * c, 2)
        visible[y] = yv * c
        fs = wc["food_share"]
        share = np.clip(fs["base"] + fs["slope"] * np.log(cons[y] / np.median(cons[y]))
                        + rw.normal(0, fs["sd"], H), fs["min"], fs["max"])
        food[y] = np.round(cons[y] * share, 2)
    return cons, food, visible


def _registry_scores(rp: np.random.Generator, cal: dict, X: np.ndarray, logc: np.ndarray,
                     size: np.ndarray) -> dict:
    """Registry PMT score (OLS prediction of log welfare from the PMT design plus staleness
    noise), the national decile cut from it, the decile after the 2025 re-scoring and the decile
    of true welfare (same person shares)."""
    H = logc.size
    fit_idx = rp.choice(H, size=min(H, 150_000), replace=False)
    beta, *_ = np.linalg.lstsq(X[fit_idx], logc[fit_idx], rcond=None)
    pred = X @ beta
    pmt = pred + rp.normal(0, cal["pmt_noise_sd"], H)
    desil_cuts = _cut_points(pmt, size, cal["desil_person_shares"])
    desil = (np.searchsorted(desil_cuts, pmt, side="right") + 1).astype(np.int8)
    pmt_verif = 0.6 * pred + 0.4 * logc + rp.normal(0, cal["verification_noise_sd"], H)
    desil_verif = (np.searchsorted(desil_cuts, pmt_verif, side="right") + 1).astype(np.int8)
    true_desil = (np.searchsorted(_cut_points(logc, size, cal["desil_person_shares"]), logc,
                                  side="right") + 1).astype(np.int8)
    return {"pmt_score": np.round(pmt, 6), "desil_nasional": desil, "desil_verifikasi": desil_verif,
            "desil_benar": true_desil}


def _registry_membership(rc: np.random.Generator, rate: float, size: np.ndarray,
                         head_age: np.ndarray) -> np.ndarray:
    """1 for families in the registry before the 2025 update, 0 for the missing ones (young and
    one-person households three times as likely to be missing)."""
    H = size.size
    wt = np.where((size == 1) | (head_age < 30), 3.0, 1.0)
    unreg = rc.choice(H, int(round(rate * H)), replace=False, p=wt / wt.sum())
    in_registry = np.ones(H, dtype=np.int8)
    in_registry[unreg] = 0
    return in_registry


def _calibrate_scale(y0, size, z, target):
    """Multiplier c such that the person share with c*y0 < z is as close as possible to target."""
    order = np.argsort(y0, kind="stable")
    cum = np.cumsum(size[order].astype(np.int64))
    N = cum[-1]
    goal = target * N
    k = int(np.searchsorted(cum, goal))                   # households order[:k] below -> cum[k-1]
    cands = [kk for kk in (k, k + 1) if 1 <= kk < order.size]
    best = min(cands, key=lambda kk: abs(cum[kk - 1] - goal))
    lo, hi = y0[order[best - 1]], y0[order[best]]
    return z / np.sqrt(lo * hi)


def _cut_points(score, size, shares):
    """Score cut points such that the person shares of the groups equal ``shares``."""
    order = np.argsort(score, kind="stable")
    cw = np.cumsum(size[order]) / size.sum()
    cum = np.cumsum(np.asarray(shares) / np.sum(shares))[:-1]
    idx = np.minimum(np.searchsorted(cw, cum), order.size - 1)
    return score[order][idx]


def _housing(r, zc, size, coastal, head_age, labour, head, signal: float = 0.75):
    """Housing and asset variables from the standardised true welfare ``zc`` (SYNTHETIC).

    ``signal`` is the loading of the housing latents on ``zc`` (their noise has sd 0.85); the
    floor-area and asset loadings scale with it (``signal / 0.75``). It sets how much of log
    per-capita expenditure the registry variables can explain (docs/welfare_model.md)."""
    H = zc.size
    k = signal / 0.75
    frame = {}
    codes = {}
    for var, (cats, shares) in HOUSING.items():
        lat = 0.75 * k * zc + 0.85 * r.standard_normal(H)
        c = cut_by_shares(lat, shares)
        if var in ("jenis_lantai", "jenis_dinding"):
            wood = cats.index("kayu_papan")
            c = np.where(coastal & (c > wood) & (r.random(H) < 0.35), wood, c)
        codes[var] = c
        frame[var] = pd.Categorical.from_codes(c, cats)
    luas = np.exp(np.log(36) + 0.35 * np.log(size) + 0.30 * k * zc + r.normal(0, 0.3, H))
    frame["luas_lantai_m2"] = np.clip(np.round(luas), 12, 400).astype(np.int16)
    emp = labour[2024]["employed"][head]
    formal_ind = emp & ~labour["informal_job"][head]
    kb = np.asarray(labour[2024]["kbli"].codes)[head]
    industrial = formal_ind & np.isin(kb, [KBLI.index(s) for s in "BCDO"])
    u = r.random(H)
    p_dinas = np.where(industrial, 0.22, 0.01)
    p_sewa = np.where(head_age < 35, 0.45, 0.15)
    st = np.where(u < p_dinas, 3, np.where(u < p_dinas + p_sewa, 1, np.where(u < p_dinas + p_sewa + 0.07, 2, 0)))
    frame["status_rumah"] = pd.Categorical.from_codes(st, STATUS_RUMAH)
    codes["status_rumah"] = st
    for var, share in ASSETS.items():
        lat = ASSET_LOADING[var] * k * zc + r.standard_normal(H)
        frame[var] = (cut_by_shares(lat, (1 - share, share)) == 1).astype(np.int8)
        codes[var] = frame[var]
    return {"frame": frame, "codes": codes}


def _pmt_design(housing, size, edu_years_head, head_age, head_sex):
    """Design matrix of the proxy-means test: dummies of the housing categories, asset flags,
    household size, floor area per capita, head education, age and sex."""
    cols = [np.ones(size.size), np.log(size), np.log(np.asarray(housing["frame"]["luas_lantai_m2"]) / size),
            edu_years_head.astype(float), head_age.astype(float) / 10, (head_sex == 2).astype(float)]
    for var, (cats, _) in HOUSING.items():
        c = housing["codes"][var]
        for j in range(1, len(cats)):
            cols.append((c == j).astype(float))
    for j in range(1, len(STATUS_RUMAH)):
        cols.append((housing["codes"]["status_rumah"] == j).astype(float))
    for var in ASSETS:
        cols.append(housing["codes"][var].astype(float))
    return np.column_stack(cols)


def _bansos(r, bc, desil, eligible_pkh):
    """PKH, BPNT and PBI receipt from the registry decile (targeting errors follow from it)."""
    d = desil.astype(np.int64) - 1
    u = r.random((3, desil.size))
    pkh = (u[0] < np.asarray(bc["pkh"])[d]) & eligible_pkh
    bpnt = (u[1] < np.asarray(bc["bpnt"])[d]) | (pkh & (u[1] < 0.85))
    pbi = (u[2] < np.asarray(bc["pbi"])[d]) | (pkh & (u[2] < 0.95))
    return {"penerima_pkh": pkh.astype(np.int8), "penerima_bpnt": bpnt.astype(np.int8),
            "penerima_pbi": pbi.astype(np.int8)}
