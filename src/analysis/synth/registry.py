"""DTSEN-style registry extract (SIKS-NG export) of the synthetic Bontang, with the 2025 update.

Rows of the family file (``dtsen_keluarga.csv``):

* every true family registered before the update (``in_registry`` = 1 in the population);
* **ghost records** that no longer match a family living in Bontang: families that moved away
  (``pindah``), whose members died (``meninggal``) or who cannot be found
  (``tidak_ditemukan``) -- built from templates of real families with new synthetic identities;
* **duplicates** (``ganda``): a second record of a registered family under another id and No KK,
  with the same members (same NIK);
* **new families** (``baru``): true families that were missing from the registry and were found
  by the door-to-door verification -- only where verification took place.

Verification (April-May 2025, docs/methods.md §8): complete in Bontang Selatan and Bontang
Barat, partial in Bontang Utara (by RT: teams verify whole RTs). Verified records get
``status_verifikasi = terverifikasi``, an outcome ``hasil_verifikasi`` and, for ``tetap`` and
``baru``, a re-scored decile ``desil_verifikasi``; the others stay ``belum_diverifikasi`` with
empty outcome. Clean frames come out of here; :mod:`analysis.synth.dirt` adds the faults.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.synth.helpers import age_at, family_ids, iso_dates, rt_codes
from analysis.synth.identity import FIRST_NAMES_F, FIRST_NAMES_M, SECOND_NAMES, _id16
from analysis.synth.population import Population
from analysis.synth.welfare import ASSETS, HOUSING

HOUSEHOLD_COLUMNS = ("id_keluarga", "no_kk", "nama_kepala_keluarga", "alamat", "rt", "kecamatan_nama",
                     "kelurahan_nama", "jumlah_anggota", "luas_lantai_m2") + tuple(HOUSING) + \
                    ("status_rumah",) + tuple(ASSETS) + \
                    ("desil_nasional", "desil_verifikasi", "status_verifikasi", "hasil_verifikasi",
                     "tanggal_verifikasi", "penerima_pkh", "penerima_bpnt", "penerima_pbi")
MEMBER_COLUMNS = ("nik", "id_keluarga", "no_kk", "nama", "hubungan_kk", "jenis_kelamin", "tanggal_lahir",
                  "umur", "pendidikan", "status_bekerja", "disabilitas")
OUTCOMES = ("tetap", "baru", "pindah", "meninggal", "ganda", "tidak_ditemukan")
GHOST_SERIAL_BASE = 9700      # ghost NIK / No KK serials (true ones start at 9000)


def build_registry(pop: Population, rng: np.random.Generator) -> dict:
    """Clean registry frames and the truth about every row.

    Returns
    -------
    dict
        ``households`` (columns :data:`HOUSEHOLD_COLUMNS` + ``_kode_kelurahan``), ``members``
        (:data:`MEMBER_COLUMNS`), ``rows`` (truth per registry row: ``id_keluarga, row_type,
        hh_id, template_hh_id, in_population, verified, hasil_verifikasi``).
    """
    cfg = pop.config
    rc = cfg["registry"]
    hh = pop.households
    H = len(hh)
    ha = pop.household_arrays
    reg = np.flatnonzero(ha["in_registry"] == 1)
    unreg = np.flatnonzero(ha["in_registry"] == 0)
    size = ha["jumlah_art"].astype(np.int64)
    head_age = ha["umur_krt"].astype(np.int64)

    # ---- records: (template household, type) ----------------------------------------------------
    src = [reg, unreg]
    kind = [np.full(reg.size, "terdaftar", dtype=object), np.full(unreg.size, "belum_terdaftar", dtype=object)]
    for g, rate in rc["ghost_rates"].items():
        k = int(round(rate * reg.size))
        wt = np.ones(reg.size)
        if g == "meninggal":
            wt = np.where(size[reg] <= 2, 4.0, 0.3) * np.where(head_age[reg] >= 60, 5.0, 1.0)
        elif g == "pindah":
            wt = np.where(head_age[reg] < 40, 2.0, 1.0)
        pick = rng.choice(reg, k, replace=False, p=wt / wt.sum())
        src.append(pick)
        kind.append(np.full(k, g, dtype=object))
    k = int(round(rc["ganda_rate"] * reg.size))
    src.append(rng.choice(reg, k, replace=False))
    kind.append(np.full(k, "ganda", dtype=object))
    src = np.concatenate(src)
    kind = np.concatenate(kind)
    R = src.size
    is_true = np.isin(kind, ("terdaftar", "belum_terdaftar"))
    new_ident = ~is_true                                    # ghosts and duplicates get new ids
    spare = pop.spare_family_ids
    n_new = int(new_ident.sum())
    fam_int = np.empty(R, dtype=np.int64)
    fam_int[is_true] = pd.Series(ha["id_keluarga"][src[is_true]], dtype="str").str.slice(3).astype("int64").to_numpy()
    fam_int[new_ident] = spare[:n_new]
    fam_num = family_ids(fam_int)

    # ---- verification coverage by RT -------------------------------------------------------------
    kel = ha["kode_kelurahan"][src].astype(str)
    kec = ha["kode_kecamatan"][src].astype(str)
    rt = ha["rt"][src].astype(np.int64)
    cov = np.ones(R)
    for kc, spec in rc["verification_coverage"].items():
        m = kec == kc
        if isinstance(spec, dict):
            for kl, v in spec.items():
                cov[m & (kel == kl)] = float(v)
        else:
            cov[m] = float(spec)
    kel_i = pd.Categorical(kel).codes.astype(np.int64)
    rt_key = np.unique(kel_i * 100000 + rt, return_inverse=True)[1]
    n_rt = rt_key.max() + 1
    u_rt = rng.random(n_rt)
    rt_cov = np.zeros(n_rt)
    rt_cov[rt_key] = cov
    verified_rt = u_rt < rt_cov
    verified = verified_rt[rt_key]
    dates = _verification_dates(rng, cfg, n_rt, rt_key, kec)

    # unregistered families appear only where the verification found them
    keep = (kind != "belum_terdaftar") | verified
    hasil = np.full(R, "", dtype=object)
    hasil[verified & (kind == "terdaftar")] = "tetap"
    hasil[verified & (kind == "belum_terdaftar")] = "baru"
    for g in ("pindah", "meninggal", "tidak_ditemukan", "ganda"):
        hasil[verified & (kind == g)] = g
    lost = verified & (kind == "terdaftar") & (rng.random(R) < rc["not_found_true_rate"])
    hasil[lost] = "tidak_ditemukan"

    # ---- household frame ------------------------------------------------------------------------------
    sel = np.flatnonzero(keep)
    s = src[sel]
    out = {
        "id_keluarga": fam_num[sel],
        "no_kk": ha["no_kk"][s].copy(),
        "alamat": ha["alamat"][s].copy(),
        "rt": rt_codes(ha["rt"][s]),
        "kecamatan_nama": ha["kecamatan_nama"][s],
        "kelurahan_nama": ha["kelurahan_nama"][s],
    }
    for c in ("luas_lantai_m2",) + tuple(HOUSING) + ("status_rumah",) + tuple(ASSETS):
        out[c] = ha[c][s]
    kd = kind[sel]
    hs = hasil[sel]
    vf = verified[sel]
    desil = pd.array(ha["desil_nasional"][s].astype(np.int64), dtype="Int8")
    desil[kd == "belum_terdaftar"] = pd.NA
    dv = pd.array(ha["desil_verifikasi"][s].astype(np.int64), dtype="Int8")
    dv[~np.isin(hs, ("tetap", "baru"))] = pd.NA
    out["desil_nasional"] = desil
    out["desil_verifikasi"] = dv
    out["status_verifikasi"] = np.where(vf, "terverifikasi", "belum_diverifikasi").astype(object)
    out["hasil_verifikasi"] = hs
    out["tanggal_verifikasi"] = np.where(vf, dates[sel], "").astype(object)
    for c in ("penerima_pkh", "penerima_bpnt", "penerima_pbi"):
        v = ha[c][s].copy()
        v[kd == "belum_terdaftar"] = 0
        out[c] = v
    out["_kode_kelurahan"] = kel[sel]

    # ---- members ------------------------------------------------------------------------------------------
    sizes = size[s]
    rep = np.repeat(np.arange(sel.size), sizes)
    within = np.arange(rep.size) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    pid = ha["head_person_id"][s][rep] + within
    pers = pop.persons
    pa = pop.person_arrays
    nik = pa["nik"][pid].copy()
    nama = pa["nama"][pid].copy()
    no_kk_m = out["no_kk"][rep].copy()
    # new identities for ghost families (duplicates keep the people, get another No KK)
    ghost_row = np.isin(kd, ("pindah", "meninggal", "tidak_ditemukan"))
    g_rows = np.flatnonzero(ghost_row)
    birth = pers["tanggal_lahir"].to_numpy()[pid]
    sexm = pa["jenis_kelamin"][pid]
    kec_digit = np.array([int(c.split(".")[2]) for c in kec[sel]], dtype=np.int64)
    new_kk_rows = np.flatnonzero(np.isin(kd, ("pindah", "meninggal", "tidak_ditemukan", "ganda")))
    lo, hi = (np.datetime64(d, "D") for d in cfg["dates"]["kk_issue_range"])
    issue = lo + rng.integers(0, (hi - lo).astype(int) + 1, new_kk_rows.size).astype("timedelta64[D]")
    out["no_kk"][new_kk_rows] = _id16(kec_digit[new_kk_rows], issue, rng, serial_base=GHOST_SERIAL_BASE)
    no_kk_m = out["no_kk"][rep]
    gm = np.isin(rep, g_rows)
    nik[gm] = _id16(kec_digit[rep[gm]], birth[gm], rng, female=sexm[gm] == 2, serial_base=GHOST_SERIAL_BASE)
    fm = np.array(FIRST_NAMES_M, dtype=object)[rng.integers(0, len(FIRST_NAMES_M), gm.sum())]
    ff = np.array(FIRST_NAMES_F, dtype=object)[rng.integers(0, len(FIRST_NAMES_F), gm.sum())]
    sn = np.array(SECOND_NAMES, dtype=object)[rng.integers(0, len(SECOND_NAMES), gm.sum())]
    nama[gm] = np.where(sexm[gm] == 2, ff, fm) + " " + sn
    # ghost families lived at another house of the same RT
    num = rng.integers(1, 160, g_rows.size)
    out["alamat"][g_rows] = [a.rsplit(" No. ", 1)[0] + f" No. {n} RT " + a.rsplit(" RT ", 1)[1]
                            for a, n in zip(out["alamat"][g_rows], num)]
    extract = cfg["dates"]["registry_extract"]
    emp = pa["status_angkatan_kerja_2024"][pid] == "bekerja"
    members = pd.DataFrame({
        "nik": nik,
        "id_keluarga": out["id_keluarga"][rep],
        "no_kk": no_kk_m,
        "nama": nama,
        "hubungan_kk": pa["hubungan_kk"][pid],
        "jenis_kelamin": sexm,
        "tanggal_lahir": iso_dates(birth),
        "umur": age_at(birth, extract),
        "pendidikan": pa["pendidikan"][pid],
        "status_bekerja": emp.astype(np.int8),
        "disabilitas": pa["disabilitas"][pid],
    })
    out["nama_kepala_keluarga"] = members["nama"].to_numpy()[np.cumsum(sizes) - sizes]
    out["jumlah_anggota"] = sizes.astype(np.int16)
    households = pd.DataFrame({c: out[c] for c in HOUSEHOLD_COLUMNS + ("_kode_kelurahan",)})
    # export order: kecamatan, kelurahan, RT, id (as a SIKS-NG export by area)
    order = np.lexsort((fam_int[sel], ha["rt"][s].astype(np.int64), kel_i[sel]))
    households = households.iloc[order].reset_index(drop=True)
    position = np.empty(order.size, dtype=np.int64)
    position[order] = np.arange(order.size)                 # final row of each selected record
    m_order = np.lexsort((within, position[rep]))
    members = members.iloc[m_order].reset_index(drop=True)
    rows = pd.DataFrame({
        "id_keluarga": fam_num[sel],
        "row_type": kd,
        "hh_id": np.where(np.isin(kd, ("terdaftar", "belum_terdaftar")), s, -1),
        "template_hh_id": s,
        "duplicate_of": np.where(kd == "ganda", ha["id_keluarga"][s], ""),
        "in_population": np.isin(kd, ("terdaftar", "belum_terdaftar")).astype(np.int8),
        "verified": vf.astype(np.int8),
        "hasil_verifikasi": hs,
    }).sort_values("id_keluarga", kind="mergesort").reset_index(drop=True)
    return {"households": households, "members": members, "rows": rows, "spare_ids_left": spare[n_new:]}


def _verification_dates(rng, cfg, n_rt, rt_key, kec) -> np.ndarray:
    """One visit date per RT (teams work RT by RT), ISO strings; Bontang Utara teams later."""
    start = np.datetime64(cfg["dates"]["verification_start"], "D")
    end = np.datetime64(cfg["dates"]["registry_extract"], "D") - 1
    span = int((end - start).astype(int))
    day_rt = rng.integers(0, span - 4, n_rt)
    first_kec = np.zeros(n_rt, dtype=object)
    first_kec[rt_key] = kec
    late = first_kec == "64.74.01"
    day_rt = np.where(late, np.minimum(day_rt + 5, span), day_rt)
    return iso_dates(start + day_rt.astype("timedelta64[D]"))[rt_key]
