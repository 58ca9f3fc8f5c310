"""The output contract shared by every stage."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.estimates import (ESTIMATE_COLUMNS, read_estimates, reliability_flag, to_estimate_rows,
                                validate_estimates, write_estimates)


def test_reliability_flag_follows_bps_thresholds():
    flags = reliability_flag([10, 25, 25.01, 50, 50.01, np.nan, 5], [100, 100, 100, 100, 100, 100, 29])
    assert list(flags) == ["ok", "ok", "caution", "caution", "unreliable", "unreliable", "suppressed"]


def rows(**kw):
    df = pd.DataFrame({"domain_code": ["64.74", "64.74.01"], "domain_name": ["Kota Bontang", "Bontang Utara"],
                       "estimate": [3.74, 5.0], "se": [0.6, 2.0], "ci_low": [2.5, 1.0], "ci_high": [4.9, 9.0],
                       "n_sample": [559, 12]})
    return to_estimate_rows(df, indicator="p0", domain_level="kecamatan", unit="percent",
                            method="taylor_linearisation", period="2024", **kw)


def test_rows_have_contract_columns_and_suppress_small_samples():
    out = rows(flag_suffix="unverified_registry")
    assert list(out.columns) == ESTIMATE_COLUMNS
    assert out.loc[0, "rse"] == pytest.approx(100 * 0.6 / 3.74)
    assert out.loc[0, "flag"] == "ok;unverified_registry"
    assert out.loc[1, "flag"].startswith("suppressed") and np.isnan(out.loc[1, "estimate"])


def test_write_read_roundtrip_keeps_codes_as_strings(tmp_path):
    path = write_estimates(rows(), tmp_path / "estimates.csv")
    back = read_estimates(path)
    assert back["domain_code"].tolist() == ["64.74", "64.74.01"]
    assert back["period"].tolist() == ["2024", "2024"]
    assert path.read_bytes() == write_estimates(rows(), tmp_path / "again.csv").read_bytes()


def test_validate_rejects_unknown_flag_and_duplicates():
    bad = rows()
    bad.loc[0, "flag"] = "fine"
    with pytest.raises(ValueError, match="column 'flag'"):
        validate_estimates(bad)
    dup = pd.concat([rows(), rows()], ignore_index=True)
    with pytest.raises(ValueError, match="duplicated estimate keys"):
        validate_estimates(dup)
