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
    assert n.change_phrase(NOW, PREV, chg, "id") == "turun 0,37 persen poin, dari 4,11 persen menjadi 3,74 persen"
    assert n.change_phrase(NOW, PREV, chg, "en") == \
        "down 0.37 percentage points, from 4.11 percent to 3.74 percent"
    up = {"estimate": 0.37, "significant": True}
    assert n.change_phrase(PREV, NOW, up, "id").startswith("naik 0,37 persen poin, dari 3,74 persen menjadi 4,11 persen")


def test_non_significant_change_is_never_a_rise_or_fall():
    chg = {"estimate": -0.37, "ci_low": -1.94, "ci_high": 1.20, "significant": False}
    for lang, phrase, banned in (("id", "perubahan masih dalam batas galat sampling", ("turun", "naik")),
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
    assert "perubahan masih dalam batas galat sampling" in p0          # fixture: not significant
    tpt = n.headline(data, "tpt", "en")
    assert "down 0.68 percentage points, from 7.74 percent to 7.06 percent" in tpt  # fixture: significant
    assert n.headline(data, "no_such_indicator", "id") is None


def test_targeting_from_targeting_errors_table(data):
    rows = n.targeting_rows(data)
    assert list(rows.columns[:4]) == ["programme", "cut", "domain_level", "domain_code"]
    assert rows.iloc[0][["programme", "cut", "domain_code"]].tolist() == ["pkh", "poverty_line", "64.74"]
    assert len(rows) == 16
    s = n.targeting_point(data, "id", "64.74.02")
    assert s.startswith("Ketepatan sasaran bansos di Bontang Selatan") and "PKH: kesalahan inklusi 91,5 persen, kesalahan eksklusi 55,6 persen" in s
    assert "belum terverifikasi" not in s                    # Bontang Selatan's registry is verified
    assert "not yet verified" in n.targeting_point(data, "en", "64.74.01")


def test_education_labels_include_sd_kebawah():
    from analysis.brief.charts import EDU_ORDER
    from analysis.brief.i18n import category_name
    assert EDU_ORDER[0] == "sd_kebawah"
    assert category_name("education", "sd_kebawah", "id") == "SD ke bawah"
    assert category_name("education", "sd_kebawah", "en").startswith("Primary or less")


def test_aki_explanation(data):
    ex = n.aki_explanation(data.table("aki_vs_tpt"), data.table("aki_reasons"), "id")
    assert "mengukur hal yang berbeda" in ex["intro"]
    assert ("Kartu AK/I terdaftar sepanjang tahun", "5.423 jiwa", "Disnaker (administrasi)") in ex["figures"]
    assert ("dikurangi: perpanjangan kartu yang sama", "\u22121.210 jiwa", "Disnaker (administrasi)") in ex["figures"]
    assert [g[0].split(" (")[0] for g in ex["groups"]] == [
        "Dari kartu AK/I ke perkiraan pencari kerja aktif", "Penganggur menurut Sakernas", "Tracer pelatihan: status pemegang kartu 6 bulan kemudian"]
    assert ("dari jumlah itu: putus asa", "\u2013", "Sakernas Agustus 2024") in ex["figures"]   # empty = not estimable
    assert ex["reasons"][0][1] == "1.890 jiwa" and ex["reasons"][-1][1] == "\u2013"
    en = n.aki_explanation(None, data.table("aki_reasons"), "en")
    assert en["figures"] == [] and "never registered" in en["reasons"][1][0]
    assert n.aki_explanation(None, None, "id") is None


def test_registry_note_keeps_concepts_apart(data):
    assert "dua konsep berbeda" in n.registry_vs_bps_note("id")          # fallback without the stage table
    assert "different concepts" in n.registry_vs_bps_note("en")
    # the poverty stage's concept_notes.csv wins when present
    assert n.registry_vs_bps_note("id", data).startswith("Catatan fixture: jumlah registri dan kemiskinan BPS")
    assert data.concept_note("targeting_definition", "en").startswith("Fixture note: exclusion error")
    assert data.concept_note("no_such_note", "id") is None


def test_recommendation_words():
    assert n.rec_word("redesign", "id") == "Rancang ulang" and n.rec_word("other", "en") == "other"
    assert n.rec_word("insufficient_evidence", "id") == "Belum cukup bukti" and n.rec_word("close", "en") == "Closed"


def test_definitions_use_config_thresholds():
    d = dict(n.definitions("id", {"rse_caution": 20, "rse_unreliable": 40, "min_n_sample": 50}, 5))
    assert "RSE ≤ 20 persen" in d["Keandalan (RSE)"] and "50 unit" in d["Keandalan (RSE)"]
    assert "1 sampai 4 " in d["Kerahasiaan"]
