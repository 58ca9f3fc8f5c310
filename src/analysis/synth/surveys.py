"""Susenas-March and Sakernas-August style samples drawn from the synthetic population.

Design (both surveys, as BPS describes Susenas; docs/methods.md §3-4):

1. **Frame.** Census blocks (blok sensus, the PSUs) of 80-150 households built from the population
   within kelurahan. Strata = BPS kecamatan x welfare tercile of the block (9 strata); code
   ``<BPS kecamatan>-<1|2|3>``.
2. **First stage.** ``n_psu`` blocks allocated to strata proportionally to households (at least 2
   per stratum, largest remainder), drawn by systematic PPS (size = households) in frame order
   (kelurahan, block) within each stratum: pi_b = n_h M_b / M_h (blocks with n_h M_b / M_h >= 1
   are taken with certainty and the rest drawn by PPS; only happens in small test populations).
3. **Second stage.** ``hh_per_psu`` households drawn systematically in each block after sorting by
   the education of the household head (implicit stratification): pi_i|b = m / M_b.
4. **Nonresponse.** Exactly ``n_target - respondents`` households refuse (probability rising with
   welfare); weights are adjusted within the block: bobot = M_h / (n_h r_b), r_b respondents of
   the block. Without nonresponse the weights of a stratum sum to its households exactly.

The draws are vectorised (loops only over the 9 strata) and take a few milliseconds, for
Monte-Carlo use. Clean samples come out of here; :mod:`analysis.synth.dirt` adds the few outliers
of the demo files.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.synth.helpers import EDUCATION, age_at
from analysis.synth.labour import KBLI
from analysis.synth.population import Population
from analysis.synth.welfare import ASSETS, HOUSING

HOUSING_COLUMNS = ("luas_lantai_m2",) + tuple(HOUSING) + ("status_rumah",) + tuple(ASSETS)
SUSENAS_COLUMNS = ("tahun", "id_rt", "kode_kecamatan_bps", "kode_kelurahan", "strata", "psu", "bobot",
                   "jumlah_art", "pengeluaran_kapita", "pengeluaran_makanan_kapita", "jk_krt", "umur_krt",
                   "pendidikan_krt") + HOUSING_COLUMNS + ("penerima_pkh", "penerima_bpnt", "penerima_pbi")
SAKERNAS_COLUMNS = ("tahun", "id_rt", "id_art", "kode_kecamatan_bps", "kode_kelurahan", "strata", "psu",
                    "bobot", "hubungan_krt", "jenis_kelamin", "umur", "pendidikan", "kegiatan_utama",
                    "bekerja_seminggu", "sementara_tidak_bekerja", "mencari_pekerjaan", "mempersiapkan_usaha",
                    "alasan_tidak_mencari", "jam_kerja", "mencari_kerja_tambahan", "bersedia_tambah_jam",
                    "status_pekerjaan", "kbli_kategori", "kbji_golongan", "sedang_sekolah", "ikut_pelatihan")
SUSENAS_RESPONSE_2024 = 559 / 570
SAKERNAS_RESPONSE = 525 / 530


def allocate_psus(pop: Population, n_psu: int) -> np.ndarray:
    """PSUs per stratum (order of ``design_frame['strata_codes']``): proportional to households,
    at least 2 per stratum, largest remainder."""
    f = pop.design_frame
    key = ("alloc", n_psu)
    if key in f:
        return f[key]
    M_h = np.bincount(f["stratum_of_block"], weights=f["block_size"]).astype(float)
    S = M_h.size
    if n_psu < 2 * S:
        raise ValueError(f"n_psu={n_psu} is below 2 per stratum ({S} strata)")
    alloc = np.full(S, 2, dtype=np.int64)
    rest = n_psu - alloc.sum()
    raw = rest * M_h / M_h.sum()
    add = np.floor(raw).astype(np.int64)
    left = int(rest - add.sum())
    add[np.argsort(-(raw - add), kind="stable")[:left]] += 1
    alloc += add
    n_blocks = np.bincount(f["stratum_of_block"], minlength=S)
    if (alloc > n_blocks).any():
        raise ValueError("population too small for this design: a stratum has fewer blocks than PSUs")
    f[key] = alloc
    return alloc


def two_stage_sample(pop: Population, rng: np.random.Generator, n_psu: int, hh_per_psu: int,
                     respondents: int | None = None, response_rate: float | None = None) -> dict:
    """Draw the two-stage sample; returns arrays of the responding households.

    Returns
    -------
    dict
        ``hh`` (population ``hh_id``), ``block`` (block id), ``psu_seq`` (1..n_psu in output
        order), ``hh_seq`` (1..m, the systematic draw number), ``weight``, ``pi_block``.
    """
    f = pop.design_frame
    alloc = allocate_psus(pop, n_psu)
    sob = f["stratum_of_block"]
    bsize = f["block_size"]
    chosen, pis = [], []
    for s in range(alloc.size):
        blocks = np.flatnonzero(sob == s)
        n_h = int(alloc[s])
        # certainty blocks (n M_b / M >= 1) are taken with probability 1, the rest by PPS
        cert = blocks[:0]
        rest = blocks
        while n_h > 0 and rest.size:
            big = n_h * bsize[rest] / bsize[rest].sum() >= 1
            if not big.any():
                break
            cert = np.concatenate([cert, rest[big]])
            n_h -= int(big.sum())
            rest = rest[~big]
        if n_h < 0:
            raise ValueError("more certainty blocks than PSUs allocated to a stratum")
        chosen.append(cert)
        pis.append(np.ones(cert.size))
        if n_h > 0:
            sizes = bsize[rest].astype(float)
            cum = np.cumsum(sizes)
            M_r = cum[-1]
            interval = M_r / n_h
            points = rng.uniform(0, interval) + interval * np.arange(n_h)
            sel = rest[np.minimum(np.searchsorted(cum, points, side="right"), rest.size - 1)]
            chosen.append(sel)
            pis.append(n_h * bsize[sel] / M_r)
    blocks = np.concatenate(chosen)
    pi_b = np.concatenate(pis)
    m = hh_per_psu
    Mb = bsize[blocks].astype(float)
    if (Mb < m).any():
        raise ValueError("a selected block has fewer households than hh_per_psu")
    J = Mb / m
    start = rng.uniform(0, 1, blocks.size) * J
    pos = np.floor(start[:, None] + J[:, None] * np.arange(m)[None, :]).astype(np.int64)
    pos = np.minimum(pos, (Mb[:, None] - 1).astype(np.int64))
    hh = f["hh_order"][f["block_first"][blocks][:, None] + pos]          # (n_psu, m)
    n_target = hh.size
    if respondents is None:
        rate = 1.0 if response_rate is None else float(response_rate)
        respondents = int(round(n_target * rate))
    n_nr = n_target - int(respondents)
    resp = np.ones(hh.shape, dtype=bool)
    if n_nr > 0:
        wl = pop.household_arrays["welfare_latent"][hh.ravel()]
        p = np.exp(0.6 * wl)
        p /= p.sum()
        for _ in range(100):
            nr = rng.choice(n_target, n_nr, replace=False, p=p)
            resp = np.ones(n_target, dtype=bool)
            resp[nr] = False
            resp = resp.reshape(hh.shape)
            if resp.any(axis=1).all():
                break
    r_b = resp.sum(axis=1)
    weight = (1.0 / pi_b) * (Mb / r_b)                                    # = M_h / (n_h r_b)
    psu_seq = np.repeat(np.arange(1, blocks.size + 1), m).reshape(hh.shape)
    hh_seq = np.tile(np.arange(1, m + 1), (blocks.size, 1))
    wmat = np.repeat(weight[:, None], m, axis=1)
    bmat = np.repeat(blocks[:, None], m, axis=1)
    pmat = np.repeat(pi_b[:, None], m, axis=1)
    return {"hh": hh[resp], "block": bmat[resp], "psu_seq": psu_seq[resp], "hh_seq": hh_seq[resp],
            "weight": wmat[resp], "pi_block": pmat[resp], "n_target": n_target}


def _ids(year: int, psu_seq: np.ndarray, hh_seq: np.ndarray) -> np.ndarray:
    return (np.int64(year) * 100000 + psu_seq.astype(np.int64) * 100 + hh_seq).astype(str)


def draw_susenas_sample(population: Population, year: int, rng: np.random.Generator, n_psu: int = 57,
                        hh_per_psu: int = 10, respondents: int | None = None,
                        response_rate: float | None = SUSENAS_RESPONSE_2024,
                        with_truth: bool = False) -> pd.DataFrame:
    """One Susenas-Maret-style household sample in the raw ``susenas_kp`` contract form.

    Parameters
    ----------
    population : Population
    year : 2023 or 2024
        Selects the year's per-capita expenditure; ``umur_krt`` is the age on 15 March.
    rng : numpy.random.Generator
    n_psu, hh_per_psu : int
        57 blocks x 10 households as in Susenas Maret 2024 for Bontang.
    respondents : int, optional
        Exact number of responding households (e.g. 559); else ``round(n x response_rate)``.
    response_rate : float, optional
        Default 559/570; ``None`` or 1.0 for full response.
    with_truth : bool
        Add ``_hh_id`` (population household id) and ``_pi_block`` for simulations.

    Returns
    -------
    DataFrame
        Columns :data:`SUSENAS_COLUMNS` (plus the truth columns if asked), sorted by ``id_rt``.
    """
    year = int(year)
    s = two_stage_sample(population, rng, n_psu, hh_per_psu, respondents, response_rate)
    h = population.household_arrays
    b = population.blocks
    idx = s["hh"]
    date = population.config["dates"]["susenas"][str(year)]
    head = h["head_person_id"][idx]
    umur_krt = age_at(population.persons["tanggal_lahir"].to_numpy()[head], date)
    out = {
        "tahun": np.full(idx.size, year, dtype=np.int16),
        "id_rt": _ids(year, s["psu_seq"], s["hh_seq"]),
        "kode_kecamatan_bps": h["kode_kecamatan_bps"][idx],
        "kode_kelurahan": h["kode_kelurahan"][idx],
        "strata": b["strata"].to_numpy()[s["block"]],
        "psu": b["psu"].to_numpy()[s["block"]],
        "bobot": np.round(s["weight"], 6),
        "jumlah_art": h["jumlah_art"][idx].astype(np.int16),
        "pengeluaran_kapita": h[f"pengeluaran_kapita_{year}"][idx],
        "pengeluaran_makanan_kapita": h[f"pengeluaran_makanan_kapita_{year}"][idx],
        "jk_krt": h["jk_krt"][idx].astype(np.int8),
        "umur_krt": umur_krt.astype(np.int16),
        "pendidikan_krt": h["pendidikan_krt"][idx],
    }
    for c in HOUSING_COLUMNS + ("penerima_pkh", "penerima_bpnt", "penerima_pbi"):
        out[c] = h[c][idx]
    df = pd.DataFrame(out)
    if with_truth:
        df["_hh_id"] = idx
        df["_pi_block"] = s["pi_block"]
    return df


def draw_sakernas_sample(population: Population, year: int, rng: np.random.Generator, n_psu: int = 53,
                         hh_per_psu: int = 10, respondents: int | None = None,
                         response_rate: float | None = SAKERNAS_RESPONSE,
                         with_truth: bool = False) -> pd.DataFrame:
    """One Sakernas-Agustus-style sample: every member aged 10+ of the responding households.

    Same design as :func:`draw_susenas_sample` (53 blocks x 10 households, ~525 responding by
    default); ``bobot`` is the person weight (= household weight: all members are interviewed).
    Ages are completed years on 15 August of ``year``; labour columns are that year's.
    ``with_truth`` adds ``_person_id`` and ``_hh_id``.
    """
    year = int(year)
    s = two_stage_sample(population, rng, n_psu, hh_per_psu, respondents, response_rate)
    f = population.design_frame
    hhi = s["hh"]
    sizes = f["hh_size"][hhi]
    first = f["person_first"][hhi]
    rep = np.repeat(np.arange(hhi.size), sizes)
    within = np.arange(rep.size) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    pid = first[rep] + within
    pa = population.person_arrays
    age = pa[f"umur_{year}"][pid]
    keep = age >= 10
    rep, within, pid, age = rep[keep], within[keep], pid[keep], age[keep]
    b = population.blocks
    id_rt = _ids(year, s["psu_seq"], s["hh_seq"])[rep]
    out = {
        "tahun": np.full(pid.size, year, dtype=np.int16),
        "id_rt": id_rt,
        "id_art": np.char.add(id_rt.astype(str), np.char.zfill((within + 1).astype(str), 2)),
        "kode_kecamatan_bps": population.household_arrays["kode_kecamatan_bps"][hhi][rep],
        "kode_kelurahan": population.household_arrays["kode_kelurahan"][hhi][rep],
        "strata": b["strata"].to_numpy()[s["block"]][rep],
        "psu": b["psu"].to_numpy()[s["block"]][rep],
        "bobot": np.round(s["weight"][rep], 6),
        "hubungan_krt": pa["hubungan_kk"][pid],
        "jenis_kelamin": pa["jenis_kelamin"][pid],
        "umur": age.astype(np.int16),
        "pendidikan": pa["pendidikan"][pid],
    }
    for c in ("kegiatan_utama", "bekerja_seminggu", "sementara_tidak_bekerja", "mencari_pekerjaan",
              "mempersiapkan_usaha", "alasan_tidak_mencari", "jam_kerja", "mencari_kerja_tambahan",
              "bersedia_tambah_jam", "status_pekerjaan", "kbli_kategori", "kbji_golongan", "sedang_sekolah",
              "ikut_pelatihan"):
        out[c] = pa[f"{c}_{year}"][pid]
    df = pd.DataFrame(out)
    df["status_pekerjaan"] = df["status_pekerjaan"].astype("Int8")
    if with_truth:
        df["_person_id"] = pid
        df["_hh_id"] = hhi[rep]
    return df


__all__ = ["draw_susenas_sample", "draw_sakernas_sample", "two_stage_sample", "allocate_psus",
           "SUSENAS_COLUMNS", "SAKERNAS_COLUMNS", "EDUCATION", "KBLI"]
