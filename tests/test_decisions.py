"""Decision page: verification pace and priority, invalid-record recipients, training evidence grades."""
import datetime as dt
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from analysis.brief import decisions as dec
from analysis.brief import training as tr


def test_working_days_and_target_date():
    assert dec.working_days(dt.date(2025, 5, 21), dt.date(2025, 5, 27)) == 5   # Wed..Tue
    assert dec.working_days(dt.date(2025, 5, 21), dt.date(2025, 5, 20)) == 0
    assert dec.target_date(SimpleNamespace(brief={"verification_target_date": "2025-07-31"})) == dt.date(2025, 7, 31)
    assert dec.target_date(SimpleNamespace(brief={})) is None
    with pytest.raises(ValueError, match="x.yaml: brief.verification_target_date"):
        dec.target_date(SimpleNamespace(path="x.yaml", brief={"verification_target_date": "31/07/2025"}))


def test_verification_plan_pace():
    kec = pd.DataFrame({"kode_kec": ["a", "b"], "kecamatan": ["A", "B"], "households_target": [100, 50],
                        "households_verified": [10, 50], "households_pending": [90, 0], "pct_verified": [10.0, 100.0]})
    plan = dec.verification_plan(kec, dt.date(2025, 5, 19), dt.date(2025, 5, 23))   # Mon..Fri = 5 days
    assert list(plan["name"]) == ["A", "B"]
    assert plan.loc[0, "per_day"] == 18 and plan.loc[1, "per_day"] == 0
    nodate = dec.verification_plan(kec, dt.date(2025, 5, 19), None)
    assert np.isnan(nodate.loc[0, "per_day"])


def test_kelurahan_priority_is_pending_times_model_p0():
    kel = pd.DataFrame({"kode_kel": ["k1", "k2", "k3"], "kelurahan": ["K1", "K2", "K3"], "kode_kec": ["a"] * 3,
                        "households_pending": [1000, 200, 0]})
    p0 = pd.DataFrame({"domain_code": ["k1", "k2", "k3"], "estimate": [2.0, 20.0, 50.0], "flag": ["ok"] * 3})
    pri = dec.kelurahan_priority(kel, p0)
    assert list(pri["code"]) == ["k2", "k1"]          # 40 > 20; k3 has nothing pending
    assert pri["score"].tolist() == [40.0, 20.0]
    # a second model (EBP) for the same kelurahan does not duplicate it: the Fay-Herriot row is used
    two = pd.concat([p0.assign(method="ebp;census"), p0.assign(method="fay_herriot")], ignore_index=True)
    two.loc[two["method"] == "ebp;census", "estimate"] = 90.0
    pri = dec.kelurahan_priority(kel, two)
    assert pri["score"].tolist() == [40.0, 20.0]


def test_invalid_recipients_one_cut_per_programme():
    tg = pd.DataFrame({"programme": ["pkh", "pkh", "bpnt", "bpnt"], "cut": ["bottom40", "poverty_line"] * 2,
                       "domain_level": ["kota"] * 4, "domain_code": ["64.74"] * 4, "domain_name": ["Kota"] * 4,
                       "n_recipients_invalid_record": [75, 75, 177, 177]})
    inv = dec.invalid_recipients(tg)
    assert inv.loc[0, "pkh"] == 75 and inv.loc[0, "bpnt"] == 177
    assert dec.invalid_recipients(tg.drop(columns="n_recipients_invalid_record")) is None


def _prog(**kw):
    base = {"program_id": "P1", "recommendation": "expand", "seats": 16, "seat_change": 16, "precision": "adequate",
            "est_estimate": 24.9, "est_ci_low": -11.8, "est_ci_high": 63.4, "est_se": 19.0, "est_flag": "ok",
            "n_treated_responding": 40, "n_control_responding": 13}
    base.update(kw)
    return base


def test_expand_needs_a_ci_above_zero_and_no_unreliable_flag():
    # the Rigger case: +24.9 (CI -11.8 to 63.4) must not read "expand"
    r = _prog()
    assert tr.grade(r) == "insufficient"
    assert tr.shown_recommendation(r, "id") == ("Belum cukup bukti", True)
    r = _prog(est_ci_low=2.0, est_flag="unreliable;not_significant")
    assert tr.grade(r) == "insufficient"
    r = _prog(est_ci_low=2.0)
    assert tr.grade(r) == "helps" and tr.shown_recommendation(r, "en") == ("Expand", False)
    assert tr.grade(_prog(est_ci_low=-9.0, est_ci_high=-1.0)) == "harms"


def test_seats_to_zero_is_closed():
    r = _prog(recommendation="reduce", seats=16, seat_change=-16, est_ci_low=0.2, est_ci_high=40.7)
    assert tr.closes(r) and tr.shown_recommendation(r, "id")[0] == "Ditutup"
    assert tr.shown_recommendation(_prog(recommendation="close", seat_change=0), "en")[0] == "Closed"
    assert not tr.closes(_prog(recommendation="reduce", seats=16, seat_change=-8))


def test_sample_needed_prefers_the_stage_then_states_the_approximation():
    r = _prog()
    v, approx = tr.sample_needed(r, 10.0)
    assert approx and v == np.ceil(53 * (2.80 * 19.0 / 10.0) ** 2)
    v, approx = tr.sample_needed({**r, "n_needed": 400}, 10.0)
    assert (v, approx) == (400, False)
    with pytest.raises(ValueError, match="brief.training_target_effect_pp"):
        tr.target_effect(SimpleNamespace(path="c.yaml", brief={"training_target_effect_pp": 0}))


def _worklist_counts():
    return pd.DataFrame({
        "kode_kec": ["k"] * 4, "kode_kel": ["k.1", "k.1", "k.1", "k.2"], "kelurahan": ["Satu", "Satu", "Satu", "Dua"],
        "rt": ["semua", "001", "002", "semua"], "n_families": [30, np.nan, 21, 12],
        "n_kemensos_pkh_bpnt": [10, 0, np.nan, 5], "n_lokal_apbd_tjsl_baznas": [12, np.nan, np.nan, np.nan],
        "n_tidak_layak": [8, np.nan, 11, np.nan], "suppressed_cells": ["", "n_families", "", ""]})


def test_worklist_summary_takes_the_kelurahan_rows_and_counts_published_rt_rows():
    kel, n_rt, shown = dec.worklist_summary(_worklist_counts())
    assert list(kel["kelurahan"]) == ["Satu", "Dua"] and list(kel["n_families"]) == [30, 12]
    assert (n_rt, shown) == (2, 1)
    assert dec.worklist_summary(None) is None
    assert dec.worklist_summary(_worklist_counts().drop(columns="n_tidak_layak")) is None


def test_worklist_table_shows_counts_and_keeps_suppressed_cells_hidden():
    data = SimpleNamespace(table=lambda name: _worklist_counts() if name == "worklist_counts" else None)
    ctx = SimpleNamespace(lang="id", data=data, cfg={"privacy": {"suppression_min_count": 10}},
                          src=lambda *keys: "tables/poverty/worklist_counts.csv")
    page = dec.worklist_table(ctx)
    assert "Satu" in page and "Dua" in page and "T10b" in page
    assert "di bawah 10 keluarga disembunyikan (1 dari 2 baris RT" in page
    assert "001" not in page                          # RT rows stay in the CSV, not in the brief
    en = dec.worklist_table(SimpleNamespace(**{**vars(ctx), "lang": "en"}))
    assert "Needs local intervention" in en and "below 10 families are hidden" in en


def test_priority_note_names_the_model_behind_the_p0():
    kel = pd.DataFrame({"kode_kel": ["k1"], "kelurahan": ["K1"], "kode_kec": ["a"], "households_pending": [10]})
    ebp = dec.kelurahan_priority(kel, pd.DataFrame({"domain_code": ["k1"], "estimate": [5.0], "flag": ["ok"],
                                                    "method": ["ebp;logshift;bootstrap_mse"]}))
    assert "EBP" in dec.model_sentence(ebp["method"], "id") and "EBP" in dec.model_sentence(ebp["method"], "en")
    fh = dec.kelurahan_priority(kel, pd.DataFrame({"domain_code": ["k1"], "estimate": [5.0], "flag": ["ok"],
                                                   "method": ["fay_herriot"]}))
    assert dec.model_sentence(fh["method"], "id") == "P0 model: Fay-Herriot."
    assert dec.model_sentence(pd.Series(["direct"]), "id") == ""
