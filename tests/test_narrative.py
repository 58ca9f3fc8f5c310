"""Phrase functions (analysis.brief.narrative) on hand-made rows and on the fixture."""
import pandas as pd
import pytest

from analysis.brief import narrative as n
from analysis.brief.data import load_brief_data
from analysis.config import load_config

ROOT_CFG = "tests/fixtures/brief/config.yaml"
NOW = {"estimate": 3.74, "ci_low": 2.66, "ci_high": 4.82, "unit": "percent", "flag": "ok", "rse": 14.7}
PREV = {"estimate": 4.11, "unit": "percent"}


@pytest.fixture(scope="module")
def data():
    cfg = load_config(ROOT_CFG)
    return load_brief_data(cfg, "tests/fixtures/brief/processed/2024")


def test_significant_change_uses_bps_wording():
    chg = {"estimate": -0.37, "ci_low": -0.6, "ci_high": -0.14, "significant": True}
    assert n.change_phrase(NOW, PREV, chg, "id") == "turun 0,37 poin, dari 4,11 persen menjadi 3,74 persen"
    assert n.change_phrase(NOW, PREV, chg, "en") == \
        "down 0.37 percentage points, from 4.11 percent to 3.74 percent"
    up = {"estimate": 0.37, "significant": True}
    assert n.change_phrase(PREV, NOW, up, "id").startswith("naik 0,37 poin, dari 3,74 persen menjadi 4,11 persen")


def test_non_significant_change_is_never_a_rise_or_fall():
    chg = {"estimate": -0.37, "ci_low": -1.94, "ci_high": 1.20, "significant": False}
    for lang, phrase, banned in (("id", "perubahan masih dalam batas sampling error", ("turun", "naik")),
                                 ("en", "the change is within sampling error", ("down", "up "))):
        s = n.change_phrase(NOW, PREV, chg, lang, prev_label="Maret 2023")
        assert phrase in s
        assert not any(b in s for b in banned)


def test_significance_falls_back_to_ci_then_flag():
    assert n.is_significant({"estimate": -1, "ci_low": -2, "ci_high": -0.1})
    assert not n.is_significant({"estimate": -1, "ci_low": -2, "ci_high": 0.1})
    assert not n.is_significant({"estimate": -1, "flag": "ok;not_significant"})
    assert not n.is_significant({"estimate": -1})       # unknown -> no claim
    assert n.is_significant({"significant": "True"})
    assert not n.is_significant(None)


def test_reliability_phrases_follow_rse_rule():
    assert n.reliability_phrase("ok", 14.7, "id") == "akurat (RSE 14,7 persen)"
    assert n.reliability_phrase("caution", 37.5, "id") == "perlu hati-hati jika digunakan (RSE 37,5 persen)"
    assert n.reliability_phrase("caution", None, "en") == "use with caution"
    assert "dianggap tidak akurat" in n.reliability_phrase("unreliable", 60, "id")
    assert "harus digabungkan" in n.reliability_phrase("unreliable", 60, "id")
    assert n.reliability_phrase("suppressed", None, "en", thresholds={"min_n_sample": 30}) == \
        "suppressed: fewer than 30 sample units"
    assert "synthetic" in n.reliability_phrase("ok;synthetic_estimate", 20, "en")


def test_headlines_from_fixture(data):
    p0 = n.headline(data, "p0", "id")
    assert p0.startswith("Persentase penduduk miskin (P0) Kota Bontang Maret 2024 sebesar 3,74 persen")
    assert "perubahan masih dalam batas sampling error" in p0          # fixture: not significant
    tpt = n.headline(data, "tpt", "en")
    assert "down 0.68 percentage points, from 7.74 percent to 7.06 percent" in tpt  # fixture: significant
    assert n.headline(data, "no_such_indicator", "id") is None


def test_key_points(data):
    for lang in ("id", "en"):
        pts = n.key_points(data, lang)
        assert 4 <= len(pts) <= 6
        assert all(p.endswith(".") for p in pts)
    id_pts = " ".join(n.key_points(data, "id"))
    assert "SMK" in id_pts and "Bontang Utara" in id_pts


def test_aki_explanation(data):
    ex = n.aki_explanation(data.table("aki_vs_tpt"), data.table("aki_reasons"), "id")
    assert "mengukur hal yang berbeda" in ex["intro"]
    assert ("Kartu AK/I terdaftar sepanjang tahun", "5.423 jiwa", "Disnaker (administrasi)") in ex["figures"]
    assert ex["reasons"][0][1] == "1.890"
    en = n.aki_explanation(None, data.table("aki_reasons"), "en")
    assert en["figures"] == [] and "never registered" in en["reasons"][1][0]
    assert n.aki_explanation(None, None, "id") is None


def test_registry_note_keeps_concepts_apart():
    assert "dua konsep berbeda" in n.registry_vs_bps_note("id")
    assert "different concepts" in n.registry_vs_bps_note("en")


def test_recommendations(data):
    recs = n.recommendation_phrases(data.table("programme_scorecard"), "id")
    assert recs[0].startswith("Perluas Welder SMAW 3G (+32 kursi)")
    assert any("belum terbukti" in r for r in recs)               # CI includes zero
    assert n.recommendation_phrases(pd.DataFrame(), "en") == []


def test_definitions_use_config_thresholds():
    d = dict(n.definitions("id", {"rse_caution": 20, "rse_unreliable": 40, "min_n_sample": 50}, 5))
    assert "RSE ≤ 20 persen" in d["Keandalan (RSE)"] and "50 unit" in d["Keandalan (RSE)"]
    assert "1 sampai 4 " in d["Kerahasiaan"]
