"""Progress of the DTSEN data update (verification and validation) by kecamatan and kelurahan.

Definitions (one registry family = one row of ``dtsen_households``):

``households_target``
    families on the list to verify: every family except those added during the update
    (``hasil_verifikasi == baru``).
``households_verified`` / ``households_pending``
    target families with ``status_verifikasi == terverifikasi`` / not yet verified.
``pct_verified``
    ``100 * households_verified / households_target`` (coverage).
``tetap``, ``baru``, ``pindah``, ``meninggal``, ``ganda``, ``tidak_ditemukan``
    outcome of the verification (``hasil_verifikasi``); ``removed`` = pindah + meninggal + ganda +
    tidak_ditemukan; ``households_after`` = tetap + baru (the updated registry).
``persons_*``
    the same for the members of those families (``dtsen_members``).
``status``
    ``selesai`` (no family pending), ``belum_mulai`` (none verified), ``berjalan`` otherwise.

Published tables go through :func:`analysis.disclosure.suppress`: counts from 1 to
``privacy.suppression_min_count - 1`` are blanked (zero is shown), a second cell wherever a blanked
one could be recovered from a published total (``target = verified + pending`` and so on; the
outcomes of a domain), and ``pct_verified`` when it rests on a blanked or small count.
``suppressed_cells`` lists what was blanked in each row.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import disclosure
from analysis.codes import KOTA_CODE

REMOVED_REASONS = ("pindah", "meninggal", "ganda", "tidak_ditemukan")
OUTCOMES = ("tetap", "baru") + REMOVED_REASONS
VERIFIED = "terverifikasi"

HH_COUNTS = ["households_target", "households_verified", "households_pending", "tetap", "baru", *REMOVED_REASONS,
             "removed", "households_after"]
PERSON_COUNTS = ["persons_target", "persons_verified", "persons_pending", "persons_after"]
# additive groups: total first, then its parts (for secondary suppression)
GROUPS = [
    ["households_target", "households_verified", "households_pending"],
    ["households_verified", "tetap", "removed"],
    ["removed", *REMOVED_REASONS],
    ["households_after", "tetap", "baru"],
    ["persons_target", "persons_verified", "persons_pending"],
]


def _prepare(households: pd.DataFrame, members: pd.DataFrame | None, link: str) -> pd.DataFrame:
    h = households
    status = h["status_verifikasi"].astype("str").str.strip().str.lower()
    hasil = h["hasil_verifikasi"].astype("str").str.strip().str.lower() if "hasil_verifikasi" in h else \
        pd.Series(pd.NA, index=h.index, dtype="str")
    verified = (status == VERIFIED).fillna(False)
    new = (hasil == "baru").fillna(False)
    d = pd.DataFrame({
        "kode_kec": h["kode_kec"].astype("str"), "kode_kel": h["kode_kel"].astype("str"),
        "target": (~new).astype("int64"),
        "verified": (verified & ~new).astype("int64"),
        "hasil": hasil.where(verified, "belum_diverifikasi").fillna("belum_diverifikasi"),
    }, index=h.index)
    if members is not None and link in members.columns and link in h.columns:
        n = members[link].value_counts()
        d["persons"] = h[link].map(n).fillna(0).astype("int64")
    elif "jumlah_anggota" in h.columns:
        d["persons"] = pd.to_numeric(h["jumlah_anggota"], errors="coerce").fillna(0).astype("int64")
    else:
        d["persons"] = 0
    return d


def _counts(d: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    one = pd.Series(1, index=d.index)
    g = pd.DataFrame({
        **{k: d[k] for k in by},
        "households_target": d["target"],
        "households_verified": d["verified"],
        "persons_target": d["persons"] * d["target"],
        "persons_verified": d["persons"] * d["verified"],
        **{o: (d["hasil"] == o).astype("int64") for o in OUTCOMES},
        "persons_after": d["persons"] * d["hasil"].isin(["tetap", "baru"]).astype("int64"),
        "_n": one,
    })
    out = g.groupby(by, sort=True, dropna=False).sum().reset_index()
    out["households_pending"] = out["households_target"] - out["households_verified"]
    out["persons_pending"] = out["persons_target"] - out["persons_verified"]
    out["removed"] = out[list(REMOVED_REASONS)].sum(axis=1)
    out["households_after"] = out["tetap"] + out["baru"]
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = 100.0 * out["households_verified"] / out["households_target"].where(out["households_target"] > 0)
    out["pct_verified"] = pct.round(2)
    out["status"] = np.select([out["households_pending"] == 0, out["households_verified"] == 0],
                              ["selesai", "belum_mulai"], "berjalan")
    return out.drop(columns="_n")


def progress_tables(households: pd.DataFrame, members: pd.DataFrame | None, names: dict[str, str],
                    suppression_min_count: int = 10, link: str = "hh_key",
                    publish: bool = True) -> dict[str, pd.DataFrame]:
    """``progress_kecamatan``, ``progress_kelurahan``, ``progress_reasons``, ``decile_transitions``.

    Parameters
    ----------
    households, members : DataFrame
        Cleaned registry tables with ``kode_kec``/``kode_kel`` (households) and the link column.
    names : dict
        Kemendagri code -> official name (kecamatan and kelurahan).
    suppression_min_count : int
        Counts from 1 to this minus one are suppressed when ``publish`` is true.
    link : str
        Column joining members to families (``hh_key``; ``id_keluarga`` also works).
    publish : bool
        False returns the unsuppressed counts (internal use and tests).
    """
    d = _prepare(households, members, link)
    k = int(suppression_min_count)
    pct_dep = {"pct_verified": ("households_verified", "households_target")}
    cols = HH_COUNTS + PERSON_COUNTS

    kec = _counts(d, ["kode_kec"])
    kec.insert(1, "kecamatan", kec["kode_kec"].map(names))
    kec = kec[["kode_kec", "kecamatan", *cols, "pct_verified", "status"]]
    kel = _counts(d, ["kode_kec", "kode_kel"])
    kel.insert(0, "kelurahan", kel["kode_kel"].map(names))
    kel = kel[["kode_kel", "kelurahan", "kode_kec", *cols, "pct_verified", "status"]]
    kel = kel.sort_values("kode_kel", kind="mergesort").reset_index(drop=True)

    # reasons, long: kota and kecamatan
    parts = []
    for level, by in (("kota", None), ("kecamatan", "kode_kec"), ("kelurahan", "kode_kel")):
        key = d[by] if by else pd.Series(KOTA_CODE, index=d.index)
        g = pd.DataFrame({"domain_code": key, "hasil_verifikasi": d["hasil"], "households": 1,
                          "persons": d["persons"]}).groupby(["domain_code", "hasil_verifikasi"], sort=True).sum()
        # complete grid so that a zero is a visible zero
        full = pd.MultiIndex.from_product([sorted(key.dropna().unique()),
                                           [*OUTCOMES, "belum_diverifikasi"]], names=g.index.names)
        g = g.reindex(full, fill_value=0).reset_index()
        g.insert(0, "domain_level", level)
        parts.append(g)
    reasons = pd.concat(parts, ignore_index=True)
    reasons.insert(2, "domain_name", reasons["domain_code"].map(names).fillna("Kota Bontang"))

    # welfare-decile transitions (kota)
    h = households
    before = h["desil_nasional"].astype("str") if "desil_nasional" in h else pd.Series(pd.NA, index=h.index)
    after = h["desil_verifikasi"].astype("str") if "desil_verifikasi" in h else pd.Series(pd.NA, index=h.index)
    before = before.where(d["hasil"] != "baru", "baru").fillna("tidak_ada")
    after = after.where(d["hasil"].isin(["tetap", "baru"]), d["hasil"]).fillna("tidak_ada")
    trans = pd.DataFrame({"desil_before": before, "desil_after": after, "households": 1}) \
        .groupby(["desil_before", "desil_after"], sort=False).sum()
    # complete grid: an empty transition is a visible 0, distinct from a suppressed cell
    grid = pd.MultiIndex.from_product([trans.index.get_level_values(0).unique(),
                                       trans.index.get_level_values(1).unique()], names=trans.index.names)
    trans = trans.reindex(grid, fill_value=0).reset_index()
    trans = trans.sort_values(["desil_before", "desil_after"], key=_decile_sort_key, kind="mergesort")
    trans = trans.reset_index(drop=True)

    if publish:
        kec = disclosure.suppress(kec, cols, k, rates=pct_dep, row_groups=GROUPS)
        kel = disclosure.suppress(kel, cols, k, rates=pct_dep, row_groups=GROUPS)
        # within a domain the outcomes add up to the domain's published total
        reasons = disclosure.suppress(reasons, ["households", "persons"], k,
                                      col_groups=["domain_level", "domain_code"])
        trans = disclosure.suppress(trans, ["households"], k)
    return {"progress_kecamatan": kec, "progress_kelurahan": kel, "progress_reasons": reasons,
            "decile_transitions": trans}


def _decile_sort_key(s: pd.Series) -> pd.Series:
    num = pd.to_numeric(s, errors="coerce")
    return num.fillna(100).astype(float) + s.map({"baru": 0.5, "belum_diverifikasi": 101}).fillna(0)
