"""The demo corrections come only from what a field team could know (the visit records the
generator writes as raw data), never from the truth files."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis import paths
from analysis.cleaning.corrections import from_field_visits
from analysis.cleaning.pseudonymise import Pseudonymiser, resolve_key
from analysis.cleaning.reader import read_table
from analysis.config import load_config
from analysis.contracts import load_contracts

CORR = paths.CORRECTIONS_DIR / "demo"
EXPORT_DATE = "2025-05-21"   # SIKS-NG export date of the demo registry (data/raw/demo/README.md)


@pytest.fixture(scope="module")
def raw(demo_config_path):
    cfg = load_config(demo_config_path)
    c = load_contracts()
    visits, _ = read_table(cfg.raw_dir / "registry" / "kunjungan_lapangan.csv")
    hh, _ = read_table(cfg.input_path("dtsen_households"), c["dtsen_households"])
    mb, _ = read_table(cfg.input_path("dtsen_members"), c["dtsen_members"])
    return cfg, visits, hh, mb


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(CORR / f"{name}.csv", dtype=str, keep_default_na=False)


def test_registry_corrections_are_derived_from_the_visit_records(raw):
    cfg, visits, hh, mb = raw
    derived = from_field_visits(visits, hh, mb, Pseudonymiser(resolve_key(cfg)[0]), EXPORT_DATE)
    assert len(derived["dtsen_households"]) >= 1 and len(derived["dtsen_members"]) >= 2
    pd.testing.assert_frame_equal(_read("dtsen_households"), derived["dtsen_households"].astype(str))
    members = _read("dtsen_members")
    got = members[members["reason"].str.contains("berita acara")].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, derived["dtsen_members"].astype(str))


def test_other_member_corrections_use_the_record_itself(raw):
    cfg, _, _, mb = raw
    key = Pseudonymiser(resolve_key(cfg)[0]).hash(mb["nik"].astype(str), "person_key")
    members = _read("dtsen_members")
    rest = members[~members["reason"].str.contains("berita acara")]
    ref = pd.Timestamp(EXPORT_DATE)
    for r in rest.itertuples():
        assert r.column == "umur"
        born = pd.Timestamp(mb.loc[(key == r.key_value).to_numpy(), "tanggal_lahir"].iloc[0])
        assert int(r.new_value) == ref.year - born.year - ((ref.month, ref.day) < (born.month, born.day))


def test_corrected_floor_areas_are_the_measured_ones(raw):
    """A floor area the export lacks can be known only from a visit: every corrected floor area is
    in the visit file, which carries measurement error (it is not a copy of the true value)."""
    _, visits, _, _ = raw
    hh = _read("dtsen_households")
    floor = visits[visits["item"].astype(str) == "luas_lantai_m2"].set_index("id_keluarga")["nilai_lapangan"]
    assert (hh["new_value"] == hh["key_value"].map(floor).astype(str)).all()
