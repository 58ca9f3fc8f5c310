"""Key points from every tested change: the multiple-comparison rule and the wording."""
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from analysis.brief import keypoints as kp
from analysis.brief.i18n import t


@pytest.mark.parametrize("method,sm", [("bh", "fdr_bh"), ("holm", "holm")])
def test_adjust_matches_statsmodels(method, sm):
    rng = np.random.default_rng(3)
    p = np.concatenate([rng.uniform(0, 1, 40), [0.001, 0.004, 0.047, 0.0049]])
    ours = kp.adjust(p, method)
    ref = multipletests(p, method=sm)[1]
    np.testing.assert_allclose(ours, ref, rtol=1e-12)
    assert np.isnan(kp.adjust(np.array([np.nan, 0.01]), method)[0])


def _changes(pvals, ests):
    n = len(pvals)
    return pd.DataFrame({
        "indicator": ["tpt"] * n, "domain_level": ["kecamatan"] * n, "domain_code": [f"64.74.0{i}" for i in range(n)],
        "domain_name": [f"Kec {i}" for i in range(n)], "estimate": ests, "ci_low": [e - 1 for e in ests],
        "ci_high": [e + 1 for e in ests], "p_value": pvals, "unit": ["percent"] * n})


def test_single_nominal_change_among_eight_is_not_called_a_change():
    # the case: p = 0.047 is one of 8 tests -> no "naik"/"turun" after correction
    ch = _changes([0.047, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95], [-4.5, 1, 1, 1, 1, 1, 1, 1])
    tests = kp.tested_changes(ch, "bh", 0.05)
    assert tests["nominal"].sum() == 1 and tests["holds"].sum() == 0
    pts = kp.change_points(tests, "bh", 0.05, "id")
    joined = " ".join(pts)
    assert " turun " not in joined and " naik " not in joined
    assert "Dari 8 perubahan" in pts[0] and "1 berbeda nyata" in pts[0] and "0 tetap nyata" in pts[0]
    assert "Benjamini-Hochberg" in pts[0]
    assert "selisih \u22124,5 persen poin" in joined


def test_every_direction_word_matches_the_changes_table():
    ch = _changes([0.0001, 0.0002, 0.03, 0.6], [2.0, -3.0, 1.5, 0.2])
    tests = kp.tested_changes(ch, "holm", 0.05)
    for lang in ("id", "en"):
        pts = kp.change_points(tests, "holm", 0.05, lang)
        up, down = t("word_up", lang), t("word_down", lang)
        claimed = [p for p in pts if re.search(rf"\b({up}|{down})\b", p) and "p = " in p]
        assert len(claimed) == int(tests["holds"].sum()) == 2
        for p in claimed:
            name = re.search(r"Kec \d", p).group(0)
            row = tests[tests["domain_name"] == name].iloc[0]
            assert row["holds"]
            assert (f" {up} " in p) == (row["estimate"] > 0) and (f" {down} " in p) == (row["estimate"] < 0)


def test_settings_validate_the_config():
    cfg = SimpleNamespace(path="c.yaml", brief={"multiple_comparison": "bonferroni"})
    with pytest.raises(ValueError, match="c.yaml: brief.multiple_comparison"):
        kp.settings(cfg)
    with pytest.raises(ValueError, match="brief.fdr"):
        kp.settings(SimpleNamespace(path="c.yaml", brief={"fdr": 2}))
    assert kp.settings(SimpleNamespace(path="c.yaml", brief={})) == ("bh", 0.05)
