"""Faults that the cleaning stage must handle, injected at documented, seeded rates.

Every fault is chosen without replacement among the eligible rows, ``round(rate x eligible)``
of them (or a fixed count), so the numbers are exact and testable; every injected fault is one
row of ``data/truth/demo/injected_faults.csv`` (columns :data:`FAULT_COLUMNS`). None of them is
fatal to validation: each violates a ``severity: warn`` rule of the contracts.

Registry households: kelurahan spelling variants (the published ones in ``name_variants`` of
the wilayah table), upper case and stray spaces in kelurahan and kecamatan names, missing floor
area and drinking-water source, exact duplicate rows, and families entered twice under the same
No KK with a new ``id_keluarga`` (members copied). Registry members: exact duplicate rows,
malformed NIK (15 digits, a letter, province other than 64, impossible day/month), missing
education, 7-year-old heads, children older than the head, impossible ages. Surveys (BPS files are
clean): a couple of expenditures x100 in Susenas, a couple of impossible weekly hours in
Sakernas.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.synth.helpers import family_ids

FAULT_COLUMNS = ["dataset", "row_key", "key_column", "id_keluarga", "fault", "column", "original_value",
                 "injected_value"]


class FaultLog:
    """Collects injected faults (vectorised: one frame per call)."""

    def __init__(self):
        self.parts: list[pd.DataFrame] = []

    def add(self, dataset, keys, key_column, fault, column, original, injected, id_keluarga=None):
        keys = np.asarray(keys, dtype=object)
        n = keys.size
        if n == 0:
            return

        def col(v):
            a = np.asarray(v, dtype=object)
            a = np.broadcast_to(a, (n,)) if a.ndim == 0 or a.size == 1 else a
            return _text(a)

        self.parts.append(pd.DataFrame({
            "dataset": dataset, "row_key": _text(keys), "key_column": key_column,
            "id_keluarga": col("" if id_keluarga is None else id_keluarga), "fault": fault, "column": column,
            "original_value": col(original), "injected_value": col(injected)}))

    def frame(self) -> pd.DataFrame:
        df = pd.concat(self.parts, ignore_index=True) if self.parts else pd.DataFrame(columns=FAULT_COLUMNS)
        df = df[FAULT_COLUMNS]
        return df.sort_values(["dataset", "fault", "row_key", "column"], kind="mergesort").reset_index(drop=True)


def _text(a: np.ndarray) -> np.ndarray:
    """Values as strings; missing (None, NaN, NA) as empty strings."""
    s = pd.Series(np.asarray(a, dtype=object), dtype=object)
    miss = s.isna().to_numpy()
    out = s.astype(str).to_numpy(dtype=object)
    out[miss] = ""
    return out


def _pick(rng, eligible: np.ndarray, rate: float | None = None, count: int | None = None) -> np.ndarray:
    idx = np.flatnonzero(eligible)
    k = int(round(rate * idx.size)) if count is None else int(count)
    k = min(k, idx.size)
    return np.sort(rng.choice(idx, k, replace=False)) if k else idx[:0]


def _spaced(rng, names: np.ndarray) -> np.ndarray:
    """UPPER CASE, a doubled inner space, or leading/trailing spaces."""
    out = names.astype(object).copy()
    how = rng.integers(0, 3, names.size)
    for i, (n, h) in enumerate(zip(names, how)):
        if h == 0:
            out[i] = n.upper()
        elif h == 1 and " " in n:
            out[i] = n.replace(" ", "  ", 1)
        else:
            out[i] = f" {n} " if h == 2 else f"{n}  "
    return out


def dirty_registry(households: pd.DataFrame, members: pd.DataFrame, rng: np.random.Generator, dirt: dict,
                   kelurahan: pd.DataFrame, extract_date: str, spare_ids: np.ndarray, log: FaultLog):
    """Inject the registry faults; returns the dirty (households, members)."""
    hh = households.copy()
    mb = members.copy()
    D_H, D_M = "dtsen_households", "dtsen_members"
    ids = hh["id_keluarga"].to_numpy()
    # -- kelurahan spelling variants (only the published ones) --------------------------------
    variants = {r.kelurahan_nama: [v for v in str(r.name_variants).split(";") if v]
                for r in kelurahan.itertuples() if str(r.name_variants)}
    names = hh["kelurahan_nama"].astype(str).to_numpy()
    elig = np.isin(names, list(variants))
    pick = _pick(rng, elig, dirt["kelurahan_variant"])
    new = np.array([variants[n][rng.integers(0, len(variants[n]))] for n in names[pick]], dtype=object)
    log.add(D_H, ids[pick], "id_keluarga", "kelurahan_variant", "kelurahan_nama", names[pick], new, ids[pick])
    names = names.astype(object)
    names[pick] = new
    touched = np.zeros(len(hh), dtype=bool)
    touched[pick] = True
    pick = _pick(rng, ~touched, dirt["kelurahan_case_space"])
    new = _spaced(rng, names[pick])
    log.add(D_H, ids[pick], "id_keluarga", "kelurahan_case_space", "kelurahan_nama", names[pick], new, ids[pick])
    names[pick] = new
    hh["kelurahan_nama"] = names
    kec = hh["kecamatan_nama"].astype(str).to_numpy().astype(object)
    pick = _pick(rng, np.ones(len(hh), dtype=bool), dirt["kecamatan_case_space"])
    new = _spaced(rng, kec[pick])
    log.add(D_H, ids[pick], "id_keluarga", "kecamatan_case_space", "kecamatan_nama", kec[pick], new, ids[pick])
    kec[pick] = new
    hh["kecamatan_nama"] = kec
    # -- missing values ---------------------------------------------------------------------------
    luas = pd.array(hh["luas_lantai_m2"].to_numpy(), dtype="Int16")
    pick = _pick(rng, np.ones(len(hh), dtype=bool), dirt["missing_luas_lantai"])
    log.add(D_H, ids[pick], "id_keluarga", "missing_value", "luas_lantai_m2", luas[pick].astype(object), "", ids[pick])
    luas[pick] = pd.NA
    hh["luas_lantai_m2"] = luas
    air = hh["sumber_air_minum"].astype(object).to_numpy().copy()
    pick = _pick(rng, np.ones(len(hh), dtype=bool), dirt["missing_sumber_air"])
    log.add(D_H, ids[pick], "id_keluarga", "missing_value", "sumber_air_minum", air[pick], "", ids[pick])
    air[pick] = None
    hh["sumber_air_minum"] = air

    # -- members: NIK, education, ages and relations ---------------------------------------------------
    nik = mb["nik"].to_numpy().astype(object)
    fam = mb["id_keluarga"].to_numpy()
    pick = _pick(rng, np.ones(len(mb), dtype=bool), dirt["malformed_nik"])
    kind = rng.integers(0, 4, pick.size)
    bad = []
    for n, k in zip(nik[pick], kind):
        if k == 0:
            bad.append(n[:15])                                   # one digit short
        elif k == 1:
            bad.append(n[:7] + "O" + n[8:])                      # letter O for zero/digit
        elif k == 2:
            bad.append("63" + n[2:])                             # province other than 64
        else:
            d = int(n[6:8])
            bad.append(n[:6] + ("35" if d < 40 else "75") + n[8:])   # impossible day
    faults = np.array(["nik_15_digit", "nik_huruf", "nik_provinsi_bukan_64", "nik_tanggal_tidak_mungkin"])[kind]
    for f in np.unique(faults):
        m = faults == f
        log.add(D_M, np.array(bad, dtype=object)[m], "nik", f, "nik", nik[pick][m], np.array(bad, dtype=object)[m],
                fam[pick][m])
    nik[pick] = bad
    mb["nik"] = nik
    edu = mb["pendidikan"].astype(object).to_numpy().copy()
    pick = _pick(rng, np.ones(len(mb), dtype=bool), dirt["missing_pendidikan"])
    log.add(D_M, nik[pick], "nik", "missing_value", "pendidikan", edu[pick], "", fam[pick])
    edu[pick] = None
    mb["pendidikan"] = edu
    umur = mb["umur"].to_numpy().astype(np.int64)
    lahir = mb["tanggal_lahir"].to_numpy().astype(object)
    rel = mb["hubungan_kk"].to_numpy()
    ext = np.datetime64(extract_date, "D")
    used = np.zeros(len(mb), dtype=bool)
    # heads aged 7 (birth date consistent with the age: a typing error in the date)
    pick = _pick(rng, (rel == 1) & (umur >= 20), count=dirt["young_head_count"])
    new_birth = (ext - np.timedelta64(7 * 365 + 100, "D")).astype(str)
    log.add(D_M, nik[pick], "nik", "kepala_umur_7", "umur", umur[pick], 7, fam[pick])
    umur[pick] = 7
    lahir[pick] = new_birth
    used[pick] = True
    # children older than their head
    head_age = pd.Series(umur[rel == 1], index=fam[rel == 1])
    head_age = head_age[~head_age.index.duplicated()]
    h_of = head_age.reindex(fam).to_numpy()
    pick = _pick(rng, (rel == 3) & ~used & ~np.isnan(h_of) & (h_of >= 20), count=dirt["child_older_than_head_count"])
    newa = (h_of[pick] + rng.integers(1, 13, pick.size)).astype(np.int64)
    log.add(D_M, nik[pick], "nik", "anak_lebih_tua_dari_kepala", "umur", umur[pick], newa, fam[pick])
    umur[pick] = newa
    lahir[pick] = [str(ext - np.timedelta64(int(a * 365.25 + 30), "D")) for a in newa]
    used[pick] = True
    # impossible ages (birth date left as it was)
    pick = _pick(rng, ~used, count=dirt["impossible_age_count"])
    newa = rng.integers(150, 200, pick.size)
    log.add(D_M, nik[pick], "nik", "umur_tidak_mungkin", "umur", umur[pick], newa, fam[pick])
    umur[pick] = newa
    mb["umur"] = umur
    mb["tanggal_lahir"] = lahir

    # -- duplicates ----------------------------------------------------------------------------------------
    # same No KK entered again under a new id_keluarga (with its members)
    elig = (hh["hasil_verifikasi"].isin(["tetap", ""])).to_numpy()
    pick = _pick(rng, elig, dirt["duplicate_kk_new_id"])
    new_ids = family_ids(spare_ids[: pick.size])
    copies = hh.iloc[pick].copy()
    copies["id_keluarga"] = new_ids
    log.add(D_H, new_ids, "id_keluarga", "duplicate_no_kk_new_id", "id_keluarga", ids[pick], new_ids, new_ids)
    id_map = dict(zip(ids[pick], new_ids))
    mb["_pos"] = np.arange(len(mb), dtype=float)            # within-family order key
    mcopy = mb[mb["id_keluarga"].isin(list(id_map))].copy()
    mcopy["id_keluarga"] = mcopy["id_keluarga"].map(id_map)
    hh = _insert_after(hh, copies, "id_keluarga", dict(zip(new_ids, ids[pick])))
    mb = pd.concat([mb, mcopy], ignore_index=True)
    # exact duplicate household rows
    ids = hh["id_keluarga"].to_numpy()
    pick = _pick(rng, ~np.isin(ids, new_ids), dirt["duplicate_household_rows"])
    log.add(D_H, ids[pick], "id_keluarga", "duplicate_row", "*", "", "", ids[pick])
    hh = _insert_after(hh, hh.iloc[pick].copy(), "id_keluarga", None)
    # exact duplicate member rows
    pick = _pick(rng, np.ones(len(mb), dtype=bool), dirt["duplicate_member_rows"])
    log.add(D_M, mb["nik"].to_numpy()[pick], "nik", "duplicate_row", "*", "", "", mb["id_keluarga"].to_numpy()[pick])
    dup = mb.iloc[pick].copy()
    dup["_pos"] = dup["_pos"] + 0.5                             # right after the original
    mb = pd.concat([mb, dup], ignore_index=True)
    # members follow the household order (a copied family after its original), then _pos
    hid = hh["id_keluarga"].to_numpy()
    first = ~pd.Series(hid).duplicated().to_numpy()
    fam_rank = pd.Index(hid[first]).get_indexer(mb["id_keluarga"].to_numpy())
    order = np.lexsort((mb["_pos"].to_numpy(), fam_rank))
    mb = mb.iloc[order].drop(columns="_pos")
    return hh.reset_index(drop=True), mb.reset_index(drop=True)


def _insert_after(df: pd.DataFrame, copies: pd.DataFrame, key: str, origin: dict | None) -> pd.DataFrame:
    """Place each copy right after its original row (origin maps copy key -> original key)."""
    pos = pd.Series(np.arange(len(df), dtype=float), index=df[key].to_numpy())
    pos = pos[~pos.index.duplicated()]
    src = copies[key].map(origin) if origin else copies[key]
    cp = copies.copy()
    cp["_pos"] = pos.reindex(src.to_numpy()).to_numpy() + 0.5
    base = df.copy()
    base["_pos"] = np.arange(len(df), dtype=float)
    out = pd.concat([base, cp], ignore_index=True).sort_values("_pos", kind="mergesort")
    return out.drop(columns="_pos").reset_index(drop=True)


def dirty_susenas(df: pd.DataFrame, rng, count: int, dataset: str, log: FaultLog) -> pd.DataFrame:
    """A few per-capita expenditures typed x100 (outliers)."""
    out = df.copy()
    pick = _pick(rng, np.ones(len(out), dtype=bool), count=count)
    col = out.columns.get_loc("pengeluaran_kapita")
    old = out.iloc[pick, col].to_numpy()
    new = np.round(old * 100, 2)
    log.add(dataset, out["id_rt"].to_numpy()[pick], "id_rt", "pengeluaran_x100", "pengeluaran_kapita", old, new)
    out.iloc[pick, col] = new
    return out


def dirty_sakernas(df: pd.DataFrame, rng, count: int, dataset: str, log: FaultLog) -> pd.DataFrame:
    """A couple of impossible weekly hours (> 98) among people at work."""
    out = df.copy()
    pick = _pick(rng, (out["bekerja_seminggu"] == 1).to_numpy() & (out["jam_kerja"] >= 35).to_numpy(), count=count)
    col = out.columns.get_loc("jam_kerja")
    old = out.iloc[pick, col].to_numpy()
    new = rng.integers(120, 169, pick.size).astype(float)
    log.add(dataset, out["id_art"].to_numpy()[pick], "id_art", "jam_kerja_tidak_mungkin", "jam_kerja", old, new)
    out.iloc[pick, col] = new
    return out


VISIT_COLUMNS = ["no_berita_acara", "tanggal_kunjungan", "petugas", "id_keluarga", "nik", "item", "nilai_tercatat",
                 "nilai_lapangan", "sumber"]


def field_visits(households: pd.DataFrame, members: pd.DataFrame, faults: pd.DataFrame, kelurahan_of: pd.Series,
                 rng: np.random.Generator, fv: dict, members_export: pd.DataFrame) -> pd.DataFrame:
    """The visit records of kelurahan verification teams (``registry/kunjungan_lapangan.csv``).

    What a field team can know, and nothing else: it re-measures the floor area of visited
    families whose registry record has none (a tape measurement, with error), and reads the birth
    date of heads recorded as 7 years old from the family card (Kartu Keluarga) the family shows.
    The demo corrections are derived from this file only (``analysis.cleaning.corrections.
    from_field_visits``), never from the truth files.

    Parameters
    ----------
    households, members : DataFrame
        The registry before faults (the family card and the house are what the team sees).
    faults : DataFrame
        Injected faults so far (:class:`FaultLog` frame): which records lack a floor area and
        which heads are recorded as 7 years old, with the value the export shows.
    kelurahan_of : Series
        ``id_keluarga`` -> Kemendagri kelurahan code.
    members_export : DataFrame
        The members as exported (with faults): the value the team's printout shows.
    fv : dict
        ``field_visit`` of the synth config: ``kelurahan``, ``date``, ``team``, ``floor_area_cv``,
        ``floor_area_visits``, ``family_card_checks``, ``family_card_team``, ``family_card_date``.
    """
    rows = []
    # floor areas: visited families of the team's kelurahan whose export has no floor area
    miss = faults[(faults["fault"] == "missing_value") & (faults["column"] == "luas_lantai_m2")]
    miss = miss[miss["id_keluarga"].map(kelurahan_of).isin(fv["kelurahan"])].sort_values("id_keluarga")
    pick = miss.iloc[np.sort(rng.choice(len(miss), size=min(int(fv["floor_area_visits"]), len(miss)), replace=False))]
    area = households.set_index("id_keluarga")["luas_lantai_m2"].reindex(pick["id_keluarga"]).to_numpy(float)
    measured = np.maximum(6, np.round(area * (1 + rng.normal(0, float(fv["floor_area_cv"]), area.size))))
    for i, (fam, m) in enumerate(zip(pick["id_keluarga"], measured), 1):
        rows.append({"no_berita_acara": f"BA-{fv['date'].replace('-', '')}-{i:02d}", "tanggal_kunjungan": fv["date"],
                     "petugas": fv["team"], "id_keluarga": fam, "nik": "", "item": "luas_lantai_m2",
                     "nilai_tercatat": "", "nilai_lapangan": str(int(m)), "sumber": "diukur_ulang"})
    # birth dates of heads recorded as 7 years old, read from the family card
    young = faults[faults["fault"] == "kepala_umur_7"].sort_values("row_key")
    pick = young.iloc[np.sort(rng.choice(len(young), size=min(int(fv["family_card_checks"]), len(young)),
                                         replace=False))]
    heads = members[members["hubungan_kk"].astype(int) == 1].drop_duplicates("id_keluarga").set_index("id_keluarga")
    shown = members_export.drop_duplicates("nik").set_index("nik")["tanggal_lahir"]
    for i, r in enumerate(pick.itertuples(), 1):
        rows.append({"no_berita_acara": f"KK-{fv['family_card_date'].replace('-', '')}-{i:02d}",
                     "tanggal_kunjungan": fv["family_card_date"], "petugas": fv["family_card_team"],
                     "id_keluarga": r.id_keluarga, "nik": r.row_key, "item": "tanggal_lahir",
                     "nilai_tercatat": str(shown.get(r.row_key, ""))[:10], "nilai_lapangan": str(heads.loc[r.id_keluarga, "tanggal_lahir"])[:10],
                     "sumber": "kartu_keluarga"})
    return pd.DataFrame(rows, columns=VISIT_COLUMNS)
