"""SYNTHETIC identities of the population: names, addresses, NIK-like and family-card numbers.

Only the registry extract and the restricted worklists carry them; the pipeline pseudonymises
them in stage 01."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.synth.helpers import family_ids, rt_codes


FIRST_NAMES_M = ("Ahmad", "Muhammad", "Budi", "Agus", "Andi", "Rudi", "Hendra", "Joko", "Dedi", "Eko",
                 "Fajar", "Rizki", "Arif", "Bambang", "Hasan", "Ilham", "Irfan", "Yusuf", "Syahrul",
                 "Wahyu", "Dimas", "Bayu", "Rahmat", "Taufik", "Firman", "Gilang", "Aldi", "Rian",
                 "Sigit", "Teguh", "Hamzah", "Faisal", "Aswin", "Anwar", "Darman", "Slamet",
                 "Ridwan", "Zainal", "Herman", "Kurniawan")


FIRST_NAMES_F = ("Siti", "Nur", "Dewi", "Sri", "Rina", "Fitri", "Wulan", "Ayu", "Putri", "Rahma",
                 "Indah", "Lestari", "Yuliana", "Nurul", "Aisyah", "Fatimah", "Ratna", "Dian",
                 "Mega", "Novi", "Sari", "Anisa", "Kartini", "Suryani", "Hasnah", "Hartati",
                 "Murni", "Rosmini", "Halimah", "Zahra", "Nabila", "Intan", "Eka", "Wati",
                 "Yanti", "Rosita", "Marlina", "Nurhayati", "Salma", "Citra")


SECOND_NAMES = ("Saputra", "Hidayat", "Rahman", "Wijaya", "Pratama", "Santoso", "Setiawan",
                "Kurnia", "Syahputra", "Ramadhan", "Nugroho", "Hakim", "Gunawan", "Firdaus",
                "Maulana", "Permana", "Hasanuddin", "Baso", "Daeng", "Lamba", "Rusdi", "Amir",
                "Sulaiman", "Tahir", "Latif", "Husain", "Mansyur", "Suryadi", "Effendi", "Harahap",
                "Siregar", "Kusuma", "Anggraini", "Handayani", "Wahyuni", "Rahayu", "Safitri",
                "Utami", "Puspita", "Marwah")


STREETS = ("Melati", "Mawar", "Kenanga", "Cempaka", "Flamboyan", "Anggrek", "Kamboja", "Dahlia",
           "Teratai", "Seroja", "Cendana", "Meranti", "Ulin", "Bengkirai", "Kapur", "Jati", "Mahoni",
           "Rambutan", "Durian", "Manggis", "Nangka", "Pelabuhan", "Pesisir", "Bahari", "Nelayan",
           "Merdeka", "Pemuda", "Pramuka", "Kenari", "Rajawali", "Elang", "Merpati", "Kutilang",
           "Gelatik", "Nuri", "Belibis", "Camar", "Cucak Rawa", "Sawo", "Kelapa")


STREETS_APOSTROPHE = ("Gg. Ma’arif", "Gg. Nur’aini", "Gg. Sa’adah", "Gg. Baitul Ma’mur")


def _identity(r, cfg, persons, birth, kel, kel_of_hh, rt, H):
    """Synthetic identifiers: id_keluarga, No KK, NIK (serials from 9000 up), names, addresses."""
    P = birth.size
    hh = persons["hh"]
    kec_digit = np.array([int(c.split(".")[2]) for c in kel["kode_kecamatan"]], dtype=np.int64)
    kec_h = kec_digit[kel_of_hh]
    # family ids: a random permutation so ids do not reveal place; spare numbers for the registry
    pool = r.permutation(np.arange(1, int(H * 1.3) + 101, dtype=np.int64))
    fam_num, spare = pool[:H], pool[H:]
    id_keluarga = family_ids(fam_num)
    # No KK: 6474 KK DDMMYY SSSS (issue date; serial 9000+ within kecamatan and date)
    lo, hi = (np.datetime64(d, "D") for d in cfg["dates"]["kk_issue_range"])
    issue = lo + r.integers(0, (hi - lo).astype(int) + 1, H).astype("timedelta64[D]")
    no_kk = _id16(kec_h, issue, r)
    # NIK: 64 74 KK DD(+40) MM YY SSSS; KK = kecamatan of first registration (not residence)
    kec_p = kec_h[hh]
    other = r.random(P) < cfg["registry"]["nik_other_kecamatan"]
    alt = (kec_p - 1 + r.integers(1, 3, P)) % 3 + 1
    kec_nik = np.where(other, alt, kec_p)
    nik = _id16(kec_nik, birth, r, female=persons["sex"] == 2)
    # names: categorical combinations of small synthetic lists
    nm, nf, ns = len(FIRST_NAMES_M), len(FIRST_NAMES_F), len(SECOND_NAMES)
    fi = r.integers(0, max(nm, nf), P)
    si = r.integers(0, ns, P)
    female = persons["sex"] == 2
    first = np.where(female, nm * ns + (fi % nf) * ns + si, (fi % nm) * ns + si)
    cats = [f"{a} {b}" for a in FIRST_NAMES_M for b in SECOND_NAMES] + \
           [f"{a} {b}" for a in FIRST_NAMES_F for b in SECOND_NAMES]
    nama = pd.Categorical.from_codes(first, cats)
    # addresses: 1-2 streets per RT, house numbers; a few streets carry a typographic apostrophe
    key = kel_of_hh.astype(np.int64) * 131 + rt.astype(np.int64) * 17
    street = (key + r.integers(0, 2, H)) % len(STREETS)
    names = np.array([f"Jl. {s}" for s in STREETS] + list(STREETS_APOSTROPHE), dtype=object)
    apos = r.random(H) < cfg["registry"]["cp1252_address_share"]
    street = np.where(apos, len(STREETS) + r.integers(0, len(STREETS_APOSTROPHE), H), street)
    num = r.integers(1, 160, H)
    alamat = (pd.Series(names[street], dtype="str") + " No. " + pd.Series(num).astype("str")
              + " RT " + pd.Series(rt_codes(rt), dtype="str")).to_numpy(dtype=object)
    return {"id_keluarga": id_keluarga, "no_kk": no_kk, "nik": nik, "nama": nama, "alamat": alamat,
            "spare_ids": spare}


def _id16(kec: np.ndarray, date: np.ndarray, r, female=None, serial_base: int = 9000) -> np.ndarray:
    """16-digit ``6474 KK DD MM YY SSSS`` strings; serial = base + rank within (KK, date)."""
    date = np.asarray(date).astype("datetime64[D]")
    day = (date - date.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    if female is not None:
        day = day + 40 * female.astype(np.int64)
    month = date.astype("datetime64[M]").astype(np.int64) % 12 + 1
    yy = (date.astype("datetime64[Y]").astype(np.int64) + 1970) % 100
    grp = kec * 10**6 + day * 10**4 + month * 100 + yy
    order = np.argsort(grp, kind="stable")
    g_sorted = grp[order]
    starts = np.r_[0, np.flatnonzero(np.diff(g_sorted)) + 1]
    run_start = np.repeat(starts, np.diff(np.r_[starts, g_sorted.size]))
    rank = np.empty(grp.size, dtype=np.int64)
    rank[order] = np.arange(grp.size) - run_start
    if rank.max() + serial_base > 9999:
        raise ValueError("synthetic serial space exhausted (more than 999 people per date and kecamatan)")
    num = (6474 * 10**12 + kec * 10**10 + day * 10**8 + month * 10**6 + yy * 10**4 + serial_base + rank)
    return num.astype(str).astype(object)
