"""The one disclosure module: primary, rate and complementary suppression, one marker."""
import numpy as np
import pandas as pd
import pytest

from analysis import disclosure
from analysis.disclosure import MARKER, Rules


def test_primary_and_secondary_across_columns():
    df = pd.DataFrame({"households_target": [100, 100, 5], "households_verified": [97, 50, 5],
                       "households_pending": [3, 50, 0], "pct_verified": [97.0, 50.0, 100.0]})
    out = disclosure.suppress(df, ["households_target", "households_verified", "households_pending"], 10,
                              row_groups=[["households_target", "households_verified", "households_pending"]],
                              rates={"pct_verified": ("households_verified", "households_target")})
    # row 0: pending 3 blanked; verified blanked too (else 100 - 97 = 3); pct rests on verified
    assert out.loc[0, "households_target"] == 100
    assert out.loc[0, ["households_verified", "households_pending", "pct_verified"]].isna().all()
    assert out.loc[1].notna().all()
    # row 2: 5 and 5 blanked, zero shown, the rate over 5 families blanked
    assert out.loc[2, ["households_target", "households_verified", "pct_verified"]].isna().all()
    assert out.loc[2, "households_pending"] == 0
    assert out.loc[0, MARKER] == "households_verified;households_pending;pct_verified"
    assert out.loc[1, MARKER] == ""


def test_secondary_across_rows_until_blanked_cells_rest_on_k():
    t = pd.DataFrame({"g": ["a"] * 4 + ["b"] * 2, "n": [50, 12, 11, 4, 30, 30], "v": [1.0] * 6})
    out = disclosure.suppress(t, ["n"], 10, col_groups=["g"], rates={"v": (None, "n")})
    # 4 alone is exposed by the group total; 4 + 11 = 15 >= 10 then suffices
    assert out["n"].isna().tolist() == [False, False, True, True, False, False]
    assert out["v"].isna().tolist() == [False, False, True, True, False, False]


def test_total_row_in_group_and_weighted_counts():
    t = pd.DataFrame({"g": ["a"] * 3, "total": [True, False, False], "est": [1000.0, 990.0, 10.0],
                      "n": [40, 38, 2]})
    out = disclosure.suppress(t, ["est"], 10, col_groups=["g"], total_rows="total", weights={"est": "n"})
    # the part resting on 2 persons is blanked; its complement too, though its estimate is large
    assert out["est"].isna().tolist() == [False, True, True]


def test_zero_kept_and_lone_cell_with_no_partner_blanks_total():
    df = pd.DataFrame({"tot": [4], "a": [4], "b": [0]})
    out = disclosure.suppress(df, ["tot", "a", "b"], 10, row_groups=[["tot", "a", "b"]])
    assert pd.isna(out.loc[0, "tot"]) and pd.isna(out.loc[0, "a"]) and out.loc[0, "b"] == 0


@pytest.mark.parametrize("k, expect", [(3, [False, False, True]), (10, [True, False, True])])
def test_threshold_from_config(k, expect):
    rules = Rules.from_config({"privacy": {"suppression_min_count": k}})
    assert rules.min_count == k
    assert disclosure.is_small([5, 0, 2], rules).tolist() == expect


def test_bad_threshold_refused():
    with pytest.raises(ValueError, match="suppression_min_count"):
        Rules.from_config({"privacy": {"suppression_min_count": 0}})


def test_marker_merged_when_suppressed_twice():
    df = pd.DataFrame({"n_a": [3, 50], "n_b": [50, 4]})
    once = disclosure.suppress(df, ["n_a"], 10)
    twice = disclosure.suppress(once, ["n_b"], 10)
    assert twice[MARKER].tolist() == ["n_a", "n_b"]
    assert pd.isna(twice.loc[0, "n_a"]) and pd.isna(twice.loc[1, "n_b"])
