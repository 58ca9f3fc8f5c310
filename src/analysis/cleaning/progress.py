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

Published tables suppress counts from 1 to ``privacy.suppression_min_count - 1`` (zero is shown),
then suppress a second cell wherever a suppressed cell could be recovered from a published total
(``target = verified + pending`` and so on), and blank a percentage computed from a suppressed
count. ``suppressed_cells`` lists what was blanked in each row.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

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


def suppress(df: pd.DataFrame, count_cols: list[str], k: int, groups: list[list[str]] | None = None,
             pct_depends: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """Blank counts 1..k-1, then secondary cells, then dependent percentages (see module doc).

    Vectorised over rows; iterates only over the (few) groups until nothing changes.
    """
    out = df.copy()
    col = {c: i for i, c in enumerate(count_cols)}
    vals = out[count_cols].to_numpy(dtype="float64", na_value=np.nan)
    sup = (vals > 0) & (vals < k)
    groups = [[col[c] for c in g] for g in (groups or []) if all(c in col for c in g)]
    rows = np.arange(len(out))
    for _ in range(20):
        changed = False
        for g in groups:
            total, parts = g[0], np.array(g[1:])
            n_sup = sup[:, parts].sum(axis=1)
            # one part blank while the total is shown, or the total blank while all parts are
            # shown: either could be recovered by subtraction -> blank the smallest other part
            need = ((n_sup == 1) & ~sup[:, total]) | (sup[:, total] & (n_sup == 0))
            if not need.any():
                continue
            cand = np.where(~sup[:, parts] & (vals[:, parts] > 0), vals[:, parts], np.inf)
            best = cand.argmin(axis=1)
            has = np.isfinite(cand.min(axis=1))
            m = need & has
            if m.any():
                sup[rows[m], parts[best[m]]] = True
                changed = True
            stuck = need & ~has & ~sup[:, total]   # nothing left among the parts: blank the total
            if stuck.any():
                sup[stuck, total] = True
                changed = True
        if not changed:
            break
    sup = pd.DataFrame(sup, columns=count_cols, index=out.index)
    for c in count_cols:
        out[c] = out[c].astype("Int64").mask(sup[c])
    names = pd.Series("", index=out.index, dtype="object")
    for c in count_cols:
        names = names.where(~sup[c], names + np.where(names == "", "", ";") + c)
    for pct, deps in (pct_depends or {}).items():
        if pct in out.columns:
            blank = sup[[d for d in deps if d in sup.columns]].any(axis=1)
            out[pct] = out[pct].mask(blank)
            names = names.where(~blank, names + np.where(names == "", "", ";") + pct)
    out["suppressed_cells"] = names.astype("str")
    return out


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
    pct_dep = {"pct_verified": ["households_target", "households_verified", "households_pending"]}
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
        kec = suppress(kec, cols, k, GROUPS, pct_dep)
        kel = suppress(kel, cols, k, GROUPS, pct_dep)
        reasons = _suppress_long(reasons, ["households", "persons"], k)
        trans = suppress(trans, ["households"], k)
    return {"progress_kecamatan": kec, "progress_kelurahan": kel, "progress_reasons": reasons,
            "decile_transitions": trans}


def _decile_sort_key(s: pd.Series) -> pd.Series:
    num = pd.to_numeric(s, errors="coerce")
    return num.fillna(100).astype(float) + s.map({"baru": 0.5, "belum_diverifikasi": 101}).fillna(0)


def _suppress_long(df: pd.DataFrame, cols: list[str], k: int) -> pd.DataFrame:
    """Suppress a long table; within a domain the cells add up to the published total, so a lone
    suppressed cell is protected by suppressing the next smallest positive cell too."""
    out = df.copy()
    sup = {}
    for c in cols:
        v = out[c].astype("float64")
        s = (v > 0) & (v < k)
        grp = out["domain_level"] + "|" + out["domain_code"]
        n = s.groupby(grp).transform("sum")
        cand = v.where(~s & (v > 0))
        rank = cand.groupby(grp).rank(method="first")
        s |= (n == 1) & (rank == 1)
        sup[c] = s
        out[c] = out[c].astype("Int64").mask(s)
    names = pd.Series("", index=out.index, dtype="object")
    for c in cols:
        names = names.where(~sup[c], names + np.where(names == "", "", ";") + c)
    out["suppressed_cells"] = names.astype("str")
    return out
