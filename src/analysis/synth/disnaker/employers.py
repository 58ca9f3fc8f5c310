"""Synthetic employers of Bontang and their occupation mix."""
from __future__ import annotations

import numpy as np
import pandas as pd


def _employers(rng, kec_codes, kec_p) -> pd.DataFrame:
    spec = [  # type, n, kbli category, division pool, size classes, employees (low, high), location
        ("anchor_plant", 6, None, None, ["besar"], (600, 3500), "estate"),
        ("contractor", 25, "F", ["42", "43", "71", "33"], ["menengah", "besar"], (40, 800), "estate"),
        ("services", 40, None, None, ["kecil", "menengah", "besar"], (10, 400), "city"),
        ("umkm", 79, None, None, ["mikro", "kecil"], (2, 30), "city"),
    ]
    anchors = [("C", "20", "pupuk"), ("B", "06", "lng"), ("C", "20", "metanol"), ("C", "20", "amonium_nitrat"),
               ("C", "20", "amonia"), ("B", "05", "batubara")]
    services = [("N", "80"), ("N", "81"), ("I", "56"), ("H", "52"), ("H", "49"), ("G", "47"), ("Q", "86"),
                ("P", "85"), ("K", "64"), ("I", "55"), ("N", "78"), ("J", "62")]
    umkm = [("G", "47"), ("I", "56"), ("S", "96"), ("C", "14"), ("C", "10"), ("G", "45"), ("A", "03"),
            ("A", "01"), ("S", "95")]
    rows = []
    eid = 0
    for typ, n, cat, divs, sizes, (lo, hi), loc in spec:
        for k in range(n):
            eid += 1
            if typ == "anchor_plant":
                kc, dv, sub = anchors[k]
            elif typ == "contractor":
                kc, dv, sub = ("F" if k % 4 else "M"), divs[k % len(divs)], "epc_maintenance"
                if dv == "33":
                    kc = "C"
            elif typ == "services":
                kc, dv = services[k % len(services)]
                sub = "services"
            else:
                kc, dv = umkm[k % len(umkm)]
                sub = "umkm"
            rows.append((f"EMP-{eid:04d}", typ, sub, kc, dv, sizes[k % len(sizes)], loc))
    df = pd.DataFrame(rows, columns=["employer_id", "employer_type", "subtype", "kbli_category",
                                     "kbli2020_2d", "size_class", "location"])
    n = len(df)
    lo = df["employer_type"].map({s[0]: s[5][0] for s in spec}).to_numpy()
    hi = df["employer_type"].map({s[0]: s[5][1] for s in spec}).to_numpy()
    df["employees"] = np.round(np.exp(rng.uniform(np.log(lo), np.log(hi)))).astype(int)
    size = np.select([df["employees"] < 5, df["employees"] < 20, df["employees"] < 100], ["mikro", "kecil", "menengah"],
                     "besar")
    df["size_class"] = size
    syl = np.array(["Borneo", "Etam", "Mandiri", "Karya", "Teknik", "Jaya", "Sejahtera", "Bontang", "Khatulistiwa",
                    "Prima", "Utama", "Sinergi", "Nusantara", "Bahari", "Lestari", "Abadi"])
    a = syl[rng.integers(0, len(syl), n)]
    b = syl[rng.integers(0, len(syl), n)]
    form = np.where(df["employer_type"].isin(["anchor_plant", "contractor", "services"]), "PT", "UD")
    form = np.where((df["employer_type"] == "umkm") & (rng.random(n) < 0.4), "CV", form)
    df["employer_name"] = pd.Series(form) + " " + pd.Series(a) + " " + pd.Series(b) + " " + \
        df["employer_id"].str[-3:] + " (sintetis)"
    df["kode_kecamatan_bps"] = kec_codes[rng.choice(len(kec_codes), n, p=kec_p)]
    df["kbli_version"] = "2020"
    df["wllp_registered"] = (rng.random(n) < np.where(df["size_class"].isin(["besar", "menengah"]), 0.8, 0.25)).astype(int)
    return df[["employer_id", "employer_name", "employer_type", "subtype", "kbli_category", "kbli2020_2d",
               "kbli_version", "size_class", "employees", "location", "kode_kecamatan_bps", "wllp_registered"]]

def _affinity(cat: pd.DataFrame, emp: pd.DataFrame) -> np.ndarray:
    """Employer x occupation weights of hiring (occupation sectors; size; some specialisation)."""
    t = emp["employer_type"].map({"anchor_plant": "A", "contractor": "C", "services": "S", "umkm": "U"}).to_numpy()
    w = np.zeros((len(emp), len(cat)))
    for j, sec in enumerate(cat["sectors"]):
        base = {"A": 0.15, "C": 0.15, "S": 0.15, "U": 0.15}
        base[sec] = 1.0
        if sec == "A":
            base["C"] = 0.6
        if sec == "C":
            base["A"] = 0.5
        w[:, j] = np.vectorize(base.get)(t)
    w *= np.sqrt(emp["employees"].to_numpy())[:, None]
    # services firms: security/cleaning/catering specialists
    sub = emp["kbli2020_2d"].to_numpy()
    codes = cat["kbji4"].to_numpy()
    for dv, occ in (("80", ["5414"]), ("81", ["9112"]), ("56", ["5120", "5131", "9412"]), ("96", ["5141", "5142"]),
                    ("14", ["7531"]), ("45", ["7231"]), ("03", ["6221", "6222"]), ("01", ["6111"]),
                    ("86", ["2221", "3221", "3212", "5321"]), ("85", ["2330", "2341"]), ("64", ["4211", "3313"]),
                    ("55", ["4224", "9112", "5131"]), ("47", ["5223", "5230"]), ("49", ["8322", "8332"]),
                    ("52", ["4321", "9333", "4323"]), ("62", ["2512", "3512"])):
        rows = sub == dv
        cols = np.isin(codes, occ)
        w[np.ix_(rows, cols)] *= 12.0
    return w / w.sum(axis=0, keepdims=True)
