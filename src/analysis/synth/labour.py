"""Labour activity of the synthetic persons: labour-force status, industry (KBLI), occupation
(KBJI) and employment status, with year-to-year persistence."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import logit, ndtr

from analysis.synth.helpers import EDU_YEARS, YEARS, draw_by_group, top_k


KBLI = tuple("ABCDEFGHIJKLMNOPQRSTU")
KEGIATAN = ("bekerja", "sekolah", "mengurus_rumah_tangga", "lainnya")


ALASAN = ("", "putus_asa", "sudah_diterima", "sekolah", "mengurus_rumah_tangga", "lainnya")
LABOUR_STATUS = ("bukan_usia_kerja", "bekerja", "pengangguran", "bukan_angkatan_kerja")


# KBLI 2020 section probabilities (percent, normalised) of the main job: SYNTHETIC, shaped on
# Bontang's industrial base (manufacturing, construction, trade; services ~70 % of workers).
_KBLI_TABLE = {
    "formal_m":   dict(A=1, B=6, C=24, D=2, E=1, F=12, G=6, H=9, I=2, J=2, K=2, L=1, M=3, N=9, O=9, P=4, Q=2, R=0.5, S=2),
    "formal_f":   dict(A=0.5, B=2, C=9, D=1, E=1, F=3, G=14, H=4, I=7, J=3, K=6, L=1, M=4, N=7, O=12, P=16, Q=11, R=0.5, S=3, T=2),
    "informal_m": dict(A=12, B=1, C=6, E=1, F=14, G=28, H=12, I=8, J=1, L=1, M=1, N=2, P=1, Q=0.5, R=1, S=8, T=0.5),
    "informal_f": dict(A=4, C=9, F=1, G=42, H=1, I=22, J=1, L=0.5, M=1, N=1, P=3, Q=1, R=1, S=10, T=3.5),
}


# KBJI 2014 major group (0-9) by education group: SYNTHETIC.
_KBJI_TABLE = {
    "sd_kebawah":  [0, 0.5, 0, 1, 2, 28, 10, 18, 10, 30.5],
    "smp":         [0, 1, 0, 2, 4, 30, 6, 20, 15, 22],
    "sma":         [2, 2, 1, 8, 16, 30, 3, 14, 14, 10],
    "smk":         [1.5, 2, 1, 14, 12, 20, 2, 24, 17, 6.5],
    "diploma":     [1, 4, 20, 35, 15, 10, 0.5, 7, 5, 2.5],
    "universitas": [1, 10, 45, 20, 12, 7, 0.5, 2, 1.5, 1],
}


_EDU_GROUP_INDEX = np.array([0, 0, 0, 1, 2, 3, 4, 5])   # EDUCATION index -> _KBJI_TABLE row


# Informal sub-status (1, 2, 5, 6, 7) by sex.
_INFORMAL_STATUS = {"m": [0.46, 0.15, 0.02, 0.27, 0.10], "f": [0.45, 0.10, 0.01, 0.06, 0.38]}


def _labour(r, cfg, scale, age_y, sex, rel, edu, school, w, disab):
    """Labour activity in August 2023 and 2024 (BPS concepts), calibrated to the published
    labour force and TPT. Job characteristics (formal/informal, status, KBLI, KBJI) are drawn
    once per person (the job a person holds when employed)."""
    lab = cfg["labour"]
    cal = cfg["calibration"]
    P = sex.size
    female = sex == 2
    spouse_f = (rel == 2) & female
    eg = _EDU_GROUP_INDEX[edu]
    perm_lf = r.standard_normal(P)
    perm_u = r.standard_normal(P)
    perm_short = r.standard_normal(P)
    # job characteristics
    z_inf = (-0.55 * EDU_YEARS[edu] / 4.0 + 0.35 * female - 0.4 * w + r.standard_normal(P) * 1.0)
    g = np.where(female, 1, 0)
    sub_inf = draw_by_group(r, g, np.array([_INFORMAL_STATUS["m"], _INFORMAL_STATUS["f"]]))
    status_inf = np.array([1, 2, 5, 6, 7], dtype=np.int8)[sub_inf]
    status_formal = np.where(r.random(P) < 0.05 + 0.04 * (edu >= 6), 3, 4).astype(np.int8)
    kbli_f = draw_by_group(r, g, np.array([[_KBLI_TABLE["formal_m"].get(s, 0) for s in KBLI],
                                           [_KBLI_TABLE["formal_f"].get(s, 0) for s in KBLI]]))
    kbli_i = draw_by_group(r, g, np.array([[_KBLI_TABLE["informal_m"].get(s, 0) for s in KBLI],
                                           [_KBLI_TABLE["informal_f"].get(s, 0) for s in KBLI]]))
    kbji = draw_by_group(r, eg, np.array(list(_KBJI_TABLE.values())))
    kbji = np.where((kbji == 0) & female, 4, kbji)
    ua = r.random(P)
    u_fam = r.random(P)
    out = {}
    k_next, wa_next = None, None
    for y in sorted(YEARS, reverse=True):        # 2024 first: 2023 may be anchored on it
        age = age_y[y]
        wa = age >= 15
        ys = str(y)
        sc = school[y]
        # participation propensity (SYNTHETIC shape; the level is calibrated to the published AK)
        p = np.select(
            [age < 15, age <= 19, age <= 24, age <= 54, age <= 59, age <= 64],
            [0.02, np.where(female, 0.40, 0.65), np.where(female, 0.62, 0.86),
             np.where(female, 0.55, 0.965), np.where(female, 0.42, 0.86), np.where(female, 0.30, 0.66)],
            np.where(female, 0.13, 0.33))
        p = np.where(sc & (age >= 15), p * 0.12, p)
        p = np.where(spouse_f, p * 0.80, p)
        p = np.where(female & (edu >= 6), np.minimum(p * 1.35, 0.95), p)
        p = np.where(disab, p * 0.4, p)
        eps = r.standard_normal(P)
        rho = lab["rho_participation"]
        z = logit(np.clip(p, 1e-4, 1 - 1e-4)) + 1.7 * (rho * perm_lf + np.sqrt(1 - rho ** 2) * eps)
        if ys in cal["labour_force"]:
            k_lf = int(round(cal["labour_force"][ys] * scale))
        else:   # the year before the anchored one: the published TPAK change (static population)
            tpak_next = k_next / wa_next.sum()
            k_lf = int(round((tpak_next - cal["tpak_change_2023_2024"] / 100) * wa.sum()))
        lf = top_k(z, wa, k_lf)
        # unemployment propensity among the labour force
        base_u = np.array([0.03, 0.03, 0.03, 0.05, 0.085, 0.125, 0.06, 0.065])[edu]
        mult = np.select([age <= 19, age <= 24, age <= 29, age <= 44], [3.6, 2.7, 1.3, 0.6], 0.35)
        pu = np.clip(base_u * mult * np.where(female, 1.05, 1.0), 1e-4, 0.9)
        rho_u = lab["rho_unemployment"]
        zu = logit(pu) - 0.15 * w + 1.7 * (rho_u * perm_u + np.sqrt(1 - rho_u ** 2) * r.standard_normal(P))
        unemp = top_k(zu, lf, int(round(cal["tpt"][ys] / 100 * k_lf)))
        child_work = (age >= 10) & (age < 15) & (r.random(P) < lab["child_work_10_14"])
        employed = (lf & ~unemp) | child_work
        out[y] = {"employed": employed, "unemp": unemp, "lf": lf, "age": age, "school": sc}
        k_next, wa_next = k_lf, wa
    # informal: threshold so that the 2024 informal share hits the target; same threshold 2023
    emp24 = out[2024]["employed"] & (age_y[2024] >= 15)
    thr = np.quantile(z_inf[emp24], 1 - cal["informal_share_2024"] / 100)
    informal_job = z_inf > thr
    kbli = np.where(informal_job, kbli_i, kbli_f)
    status = np.where(informal_job, status_inf, status_formal)
    # agricultural casual workers work in A; A informal workers are never casual non-agriculture
    kbli = np.where(status == 5, 0, kbli)
    status = np.where(informal_job & (kbli == 0) & (status == 6), 5, status)
    kbli = np.where(kbji == 0, KBLI.index("O"), kbli)
    kbji = np.where((kbli == 0) & (kbji != 6) & (r.random(P) < 0.7), 6, kbji)
    res = {"informal_job": informal_job}
    for y in YEARS:
        o = out[y]
        age, emp, unemp, sc = o["age"], o["employed"], o["unemp"], o["school"]
        absent = emp & (r.random(P) < lab["temporarily_absent"])
        at_work = emp & ~absent
        rho_s = 0.7
        zs = rho_s * perm_short + np.sqrt(1 - rho_s ** 2) * r.standard_normal(P)
        p_short = np.where(informal_job, 0.42, 0.08) + np.where(female, 0.08, 0.0)
        short = at_work & (ndtr(zs) < p_short)
        hours_full = np.where(informal_job, np.clip(np.round(r.normal(50, 10, P)), 35, 98),
                              np.clip(np.round(r.normal(46, 6, P)), 35, 84))
        hours_short = np.where(informal_job, r.integers(4, 35, P), r.integers(15, 35, P))
        jam = np.where(at_work, np.where(short, hours_short, hours_full), np.where(absent, 0, np.nan))
        willing = at_work & (r.random(P) < np.where(short, np.where(informal_job, 0.32, 0.20), 0.04))
        extra = at_work & (r.random(P) < np.where(short, 0.10, 0.02))
        # unemployed: type
        ut = cfg["labour"]["unemployed_type"]
        t = draw_by_group(r, np.zeros(P, dtype=np.int8),
                          np.array([[ut["mencari"], ut["mempersiapkan_usaha"], ut["putus_asa"], ut["sudah_diterima"]]]))
        mencari = unemp & (t == 0)
        siap = unemp & (t == 1)
        alasan = np.zeros(P, dtype=np.int8)
        alasan[unemp & (t == 2)] = 1
        alasan[unemp & (t == 3)] = 2
        notlf = (age >= 10) & ~emp & ~unemp
        keg = np.full(P, 3, dtype=np.int8)                  # lainnya
        keg[emp] = 0
        keg[emp & sc & (age < 25) & (ua < 0.7)] = 1
        housework = female & (age >= 15) & (u_fam < np.where(age < 65, 0.85, 0.45))
        housework_m = ~female & (age >= 15) & (u_fam < 0.12)
        keg[notlf & sc] = 1
        keg[notlf & ~sc & (housework | housework_m)] = 2
        keg[unemp & sc] = 1
        keg[unemp & ~sc & female & (u_fam < 0.3)] = 2
        alasan[notlf & (keg == 1)] = 3
        alasan[notlf & (keg == 2)] = 4
        alasan[notlf & (keg == 3)] = 5
        train_p = np.select([age < 15, age <= 24, age <= 34], [0.01, 0.06, 0.05], 0.02) + np.where(unemp, 0.05, 0)
        train = (age >= 10) & (r.random(P) < train_p)
        lf_status = np.where(age < 15, 0, np.where(emp, 1, np.where(unemp, 2, 3))).astype(np.int8)
        st = pd.array(np.where(emp, status, 0), dtype="Int8")
        st[~emp] = pd.NA
        res[y] = {
            "employed": emp, "lf_status": lf_status,
            "bekerja_seminggu": at_work, "sementara_tidak_bekerja": absent, "mencari_pekerjaan": mencari,
            "mempersiapkan_usaha": siap, "mencari_kerja_tambahan": extra, "bersedia_tambah_jam": willing,
            "sedang_sekolah": sc & (age >= 5), "ikut_pelatihan": train, "kegiatan": keg, "alasan": alasan,
            "jam_kerja": jam, "status_pekerjaan": st,
            "kbli": pd.Categorical.from_codes(np.where(emp, kbli, -1), list(KBLI)),
            "kbji": pd.Categorical.from_codes(np.where(emp, kbji, -1), [str(i) for i in range(10)]),
        }
        # below age 10 nothing is asked
        young = age < 10
        for c in ("bekerja_seminggu", "sementara_tidak_bekerja", "mencari_pekerjaan", "mempersiapkan_usaha",
                  "mencari_kerja_tambahan", "bersedia_tambah_jam", "ikut_pelatihan"):
            res[y][c] = res[y][c] & ~young
        res[y]["alasan"] = np.where(young, 0, res[y]["alasan"]).astype(np.int8)
    return res
