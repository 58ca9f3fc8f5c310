"""Reference tables (KBJI, lexicon), coder-labelled titles and the skills truth file."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .catalogues import GENERIC, MAJOR_GROUPS, MINOR, SUB_MAJOR


def _kbji_table(cat: pd.DataFrame) -> pd.DataFrame:
    skill = {"0": "", "1": "3-4", "2": "4", "3": "3", "4": "2", "5": "2", "6": "2", "7": "2", "8": "2", "9": "1"}
    rows = [(c, 1, "golongan_pokok", tid, ten, sl, "") for c, tid, ten, sl in MAJOR_GROUPS]
    rows += [(c, 2, "sub_golongan_pokok", t[0], t[1], skill[c[0]], c[0]) for c, t in SUB_MAJOR.items()]
    rows += [(c, 3, "golongan", t[0], t[1], skill[c[0]], c[:2]) for c, t in MINOR.items()]
    rows += [(r.kbji4, 4, "sub_golongan", r.title_id, r.title_en, skill[r.kbji4[0]], r.kbji4[:3])
             for r in cat.itertuples()]
    df = pd.DataFrame(rows, columns=["kode", "digits", "level", "judul_id", "title_en", "skill_level", "parent_kode"])
    return df.sort_values(["digits", "kode"], kind="mergesort").reset_index(drop=True)

def _synonyms(cat: pd.DataFrame) -> pd.DataFrame:
    """The local lexicon: term -> KBJI code, language, and whether the term is ambiguous."""
    rows = []
    for r in cat.itertuples():
        for v in r.variants.split(";"):
            lang = "en" if re.search(r"\b(welder|operator|officer|engineer|technician|mechanic|manager|worker|"
                                     r"guard|service|assistant|driver|clerk|inspector|erector|fitter|"
                                     r"rigger|scaffold\w*|crew|man|staff|admin|analyst)\b", v) else "id"
            rows.append((v, r.kbji4, lang, 0, "lexicon"))
    for term, codes in GENERIC.items():  # generic terms: listed with their first (most common) code
        rows.append((term, codes[0], "mixed", 1, "generic"))
    df = pd.DataFrame(rows, columns=["term", "kbji4", "language", "ambiguous", "source"])
    df = df.drop_duplicates(["term", "kbji4"]).sort_values(["kbji4", "term"], kind="mergesort").reset_index(drop=True)
    return df

def _coded_titles(rng, vac_truth, ak1_truth, cat):
    """Hand-coded titles by Disnaker's pengantar kerja (coders err ~7 %; 10 % double-coded)."""
    v = vac_truth[vac_truth["duplicate_of"] == ""]
    v = v[rng.random(len(v)) < 0.55]
    a = ak1_truth[(ak1_truth["desired_text"] != "")]
    a = a.iloc[np.sort(rng.choice(len(a), 1500, replace=False))]
    base = pd.concat([
        pd.DataFrame({"source": "vacancy", "record_id": v["vacancy_id"], "employer_id": v["employer_id"],
                      "title": v["title"], "true": v["kbji4"]}),
        pd.DataFrame({"source": "ak1", "record_id": "", "employer_id": "", "title": a["desired_text"],
                      "true": a["desired_kbji4"]}),
    ], ignore_index=True)
    n = len(base)
    codes = cat["kbji4"].to_numpy()

    def coder_label(true):
        err = rng.random(len(true)) < 0.07
        same3 = {c: codes[(pd.Series(codes).str[:3] == c[:3]).to_numpy() & (codes != c)] for c in np.unique(true)}
        alt = np.array([(lambda s: s[int(rng.integers(0, len(s)))] if len(s) else codes[int(rng.integers(0, len(codes)))])(
            same3[c]) for c in true])  # noqa: E501 (one draw per erroneous record)
        return np.where(err, alt, true)

    base["kbji4"] = coder_label(base["true"].to_numpy())
    base["coder"] = rng.choice(["pengantar_kerja_1", "pengantar_kerja_2", "pengantar_kerja_3"], n)
    dbl = base[(base["source"] == "vacancy") & (rng.random(n) < 0.10)].copy()
    dbl["kbji4"] = coder_label(dbl["true"].to_numpy())
    dbl["coder"] = np.where(dbl["coder"] == "pengantar_kerja_1", "pengantar_kerja_2", "pengantar_kerja_1")
    out = pd.concat([base, dbl], ignore_index=True)
    out = out.sort_values(["source", "record_id", "coder", "title"], kind="mergesort").reset_index(drop=True)
    out["coding_id"] = "KOD-" + pd.Series(np.arange(1, len(out) + 1)).map("{:05d}".format)
    return out[["coding_id", "source", "record_id", "employer_id", "title", "kbji4", "coder"]]

def _truth(cat, v_base, u_stock, att_truth, vac_truth, ak1_truth) -> pd.DataFrame:
    note = "DEMO ASSUMPTION (synthetic truth, not a fact about Bontang)"
    k = cat["kappa"].to_numpy()
    # built-in truths (|kappa| >= 1.5); the others carry a milder latent imbalance kappa (no label claim)
    label = np.where(k >= 1.5, "shortage", np.where(k <= -1.5, "surplus", "moderate"))
    occ = pd.DataFrame({"truth_type": "occupation_balance", "key": cat["kbji4"], "kbji4": cat["kbji4"],
                        "text": cat["title_en"], "label": label, "value": k,
                        "value2": np.round(v_base / np.maximum(u_stock, 1), 4), "note": note})
    att = pd.DataFrame({"truth_type": "programme_att", "key": att_truth["program_id"], "kbji4": "",
                        "text": "", "label": "", "value": att_truth["att"],
                        "value2": att_truth["att_all_trainees"], "note": note})
    vt = pd.DataFrame({"truth_type": "title_code", "key": "vacancy:" + vac_truth["vacancy_id"],
                       "kbji4": vac_truth["kbji4"], "text": vac_truth["title"],
                       "label": np.where(vac_truth["duplicate_of"] != "", "duplicate_of:" + vac_truth["duplicate_of"], ""),
                       "value": np.nan, "value2": np.nan, "note": "true code of a free-text title"})
    ad = ak1_truth[ak1_truth["desired_text"] != ""]
    at = pd.DataFrame({"truth_type": "title_code", "key": "ak1_desired:" + ad["seeker_id"], "kbji4": ad["desired_kbji4"],
                       "text": ad["desired_text"], "label": "", "value": np.nan, "value2": np.nan,
                       "note": "true code of a free-text title"})
    al = ak1_truth[ak1_truth["last_text"] != ""]
    lt = pd.DataFrame({"truth_type": "title_code", "key": "ak1_last:" + al["seeker_id"], "kbji4": al["last_kbji4"],
                       "text": al["last_text"], "label": "", "value": np.nan, "value2": np.nan,
                       "note": "true code of a free-text title"})
    return pd.concat([occ, att, vt, at, lt], ignore_index=True)
