"""The synthetic Disnaker generator: determinism, contract, calibration, messiness, truth."""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis import paths
from analysis.synth import disnaker as dn

SEED = 20250521
SHORTAGE = ["7212", "7119", "7215", "3257", "3133", "7233"]
SURPLUS = ["4110", "4120", "5414", "7531", "5141"]
FILES = {
    "ak1_registrations": "disnaker/ak1_registrations.csv", "employers": "disnaker/employers.csv",
    "vacancies": "disnaker/lowongan_2022_2025.xlsx", "employer_survey": "disnaker/employer_survey.csv",
    "training_programs": "disnaker/training_programs.csv", "training_cohorts": "disnaker/training_cohorts.csv",
    "applicants": "disnaker/applicants.csv", "trainees": "disnaker/trainees.csv",
    "kbji2014": "reference/kbji2014.csv", "kbli2020": "reference/kbli2020_kategori.csv",
    "occupation_synonyms": "reference/occupation_synonyms.csv", "coded_titles": "reference/coded_titles.csv",
}


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def gen(tmp_path_factory):
    root = tmp_path_factory.mktemp("disnaker")
    written = dn.write_disnaker(None, SEED, root / "raw", root / "truth")
    return root, written


def _read(root: Path, name: str) -> pd.DataFrame:
    from _raw import read_raw_table

    return read_raw_table(root / "raw" / FILES[name])


def test_writes_every_file_and_returns_paths(gen):
    root, written = gen
    expected = {root / "raw" / f for f in FILES.values()} | {root / "truth" / "skills_truth.csv"}
    assert set(map(Path, written)) == expected
    assert all(p.stat().st_size > 0 for p in expected)


def test_byte_identical_for_same_seed_and_different_for_another(gen, tmp_path):
    root, written = gen
    again = dn.write_disnaker(None, SEED, tmp_path / "raw", tmp_path / "truth")
    for a, b in zip(sorted(map(Path, written)), sorted(map(Path, again))):
        assert a.name == b.name
        assert _sha(a) == _sha(b), f"{a.name} differs between two runs with the same seed"
    other = dn.write_disnaker(None, SEED + 1, tmp_path / "raw2", tmp_path / "truth2")
    ak = [p for p in other if p.name == "ak1_registrations.csv"][0]
    assert _sha(ak) != _sha(root / "raw" / FILES["ak1_registrations"])


def test_xlsx_has_title_rows_and_fixed_timestamps(gen):
    root, _ = gen
    path = root / "raw" / FILES["vacancies"]
    head = pd.read_excel(path, header=None, nrows=6, dtype=str)
    assert head.iloc[0, 0].startswith("DINAS KETENAGAKERJAAN")
    assert head.iloc[4, 0] == "vacancy_id"            # header below three title rows and a blank row
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert re.findall(r"<dcterms:created[^>]*>([^<]*)<", core) == ["2026-01-05T08:00:00Z"]
    assert re.findall(r"<dcterms:modified[^>]*>([^<]*)<", core) == ["2026-01-05T08:00:00Z"]


def test_contract_columns_present_and_strict_loader_accepts_it(gen):
    root, _ = gen
    spec = yaml.safe_load((paths.CONTRACTS_DIR / "disnaker.yaml").read_text())["schemas"]
    assert set(spec) == set(FILES)
    for name in FILES:
        df = _read(root, name)
        contract = spec[name]["columns"]
        required = {c for c, s in contract.items() if s.get("required", True)}
        assert required <= set(df.columns), f"{name}: missing {required - set(df.columns)}"
        assert set(df.columns) <= set(contract), f"{name}: undocumented {set(df.columns) - set(contract)}"
        pk = spec[name]["primary_key"]
        assert not df.duplicated(pk).any(), f"{name}: duplicated primary key"
    from analysis import contracts

    schemas = contracts.load_contracts()
    assert {"ak1_registrations", "vacancies", "coded_titles"} <= set(schemas)
    # seeker numbers are direct identifiers: dropped, replaced by the keyed seeker_key
    for name in ("ak1_registrations", "applicants", "trainees"):
        col = spec[name]["columns"]["seeker_id"]
        assert col["pii"] is True and col["pseudonymise"] == "seeker_key"


def test_foreign_keys_hold(gen):
    root, _ = gen
    emp = set(_read(root, "employers")["employer_id"])
    assert set(_read(root, "vacancies")["employer_id"]) <= emp
    assert set(_read(root, "employer_survey")["employer_id"]) <= emp
    progs = set(_read(root, "training_programs")["program_id"])
    coh = _read(root, "training_cohorts")
    assert set(coh["program_id"]) <= progs
    apps = _read(root, "applicants")
    tr = _read(root, "trainees")
    assert set(apps["cohort_id"]) <= set(coh["cohort_id"])
    assert set(tr["cohort_id"]) <= set(coh["cohort_id"])
    assert set(tr["applicant_id"]) <= set(apps["applicant_id"])
    assert set(apps["seeker_id"]) <= set(_read(root, "ak1_registrations")["seeker_id"])


def test_calibration_to_published_aggregates(gen):
    root, _ = gen
    ak = _read(root, "ak1_registrations")
    reg = pd.to_datetime(ak["registration_date"])
    vu = pd.to_datetime(ak["valid_until"])
    pl = pd.to_datetime(ak["placement_date"])
    mid = pd.Timestamp("2024-06-30")
    active = ((reg <= mid) & (vu >= mid) & ~(pl <= mid)).sum()
    assert 5000 <= active <= 7000
    new_2024 = (reg.dt.year == 2024).sum()
    assert 3800 <= new_2024 <= 5500
    assert 0.22 <= (ak["jenis_kelamin"] == "2").mean() <= 0.33
    by_month = reg[reg.dt.year.between(2022, 2025)].dt.month.value_counts()
    assert by_month[[6, 7, 8]].mean() > 1.25 * by_month[[1, 2, 5, 10, 11, 12]].mean()  # school leaving peak
    vac = _read(root, "vacancies")
    pos = pd.to_numeric(vac["n_positions"]).groupby(vac["posted_date"].str[:4]).sum()
    assert pos.between(1200, 2100).all()
    assert 0.15 <= pos["2024"] / active <= 0.35                                      # registry V/U


def test_builtin_truth_and_demo_assumptions(gen):
    root, _ = gen
    t = pd.read_csv(root / "truth" / "skills_truth.csv", dtype=str, keep_default_na=False)
    occ = t[t["truth_type"] == "occupation_balance"].set_index("kbji4")
    assert (occ.loc[SHORTAGE, "label"] == "shortage").all()
    assert (occ.loc[SURPLUS, "label"] == "surplus").all()
    assert occ["note"].str.contains("DEMO ASSUMPTION").all()
    # certified industrial trades: V/U >> 1 by construction
    assert (occ.loc[["7212", "7215", "7119", "7233"], "value2"].astype(float) > 1).all()
    att = t[t["truth_type"] == "programme_att"].set_index("key")["value"].astype(float)
    assert att.drop("ALL").between(0, 0.11).all()
    assert att[["P18", "P19", "P20"]].abs().max() < 1e-9                          # admin/secretarial ~0
    assert att[["P03", "P04", "P05"]].min() > att[["P13", "P21", "P28"]].max()      # scarce certificates largest
    # every free-text title has its true code
    vac = _read(root, "vacancies")
    titles = t[t["truth_type"] == "title_code"]
    assert titles["key"].str.startswith("vacancy:").sum() == len(vac)
    ak = _read(root, "ak1_registrations")
    assert titles["key"].str.startswith("ak1_desired:").sum() == ak["desired_job_text"].notna().sum()
    assert titles["key"].str.startswith("ak1_last:").sum() == ak["last_job_text"].notna().sum()
    assert titles["kbji4"].str.fullmatch(r"\d{4}").all()


def test_titles_are_messy(gen):
    root, _ = gen
    vac = _read(root, "vacancies")
    titles = vac["job_title_text"].str.lower().str.strip()
    kbji = _read(root, "kbji2014")
    official = set(kbji["judul_id"].str.lower()) | set(kbji["title_en"].str.lower())
    assert titles.isin(official).mean() < 0.2
    syn = _read(root, "occupation_synonyms")
    lexicon = set(syn["term"].str.lower()) | official
    assert 0.3 < (~titles.isin(lexicon)).mean() < 0.9   # decorations, typos, abbreviations
    generic = titles.isin(["operator", "helper", "teknisi", "staff", "crew", "admin", "mekanik", "technician"])
    assert generic.mean() > 0.02
    truth = pd.read_csv(root / "truth" / "skills_truth.csv", dtype=str, keep_default_na=False)
    tt = truth[truth["truth_type"] == "title_code"]
    per_title = tt.assign(t=tt["text"].str.lower().str.strip()).groupby("t")["kbji4"].nunique()
    assert per_title.get("operator", 0) >= 3 and per_title.get("helper", 0) >= 3  # ambiguous by design
    terms = set(syn["term"].str.lower())
    for must in ("tukang las", "juru las", "welder", "fitter", "scaffolder", "rigger", "operator ccr",
                 "operator dcs", "hse/k3", "satpam", "admin gudang", "helper"):
        assert must in terms, must


def test_no_real_identifiers(gen):
    root, _ = gen
    ak = pd.read_csv(root / "raw" / FILES["ak1_registrations"], dtype=str)
    assert ak["nama"].str.endswith("(sintetis)").all()
    assert not ak.apply(lambda s: s.astype(str).str.fullmatch(r"\d{16}")).any().any()   # no NIK
    emp = _read(root, "employers")
    assert emp["employer_name"].str.endswith("(sintetis)").all()


def test_population_persons_are_used_when_given(tmp_path):
    rng = np.random.default_rng(0)
    n = 8000

    class Pop:
        persons = pd.DataFrame({
            "jenis_kelamin": rng.choice([1, 2], n), "umur": rng.integers(10, 70, n),
            "pendidikan": rng.choice(dn.EDU_CODES, n), "kode_kecamatan_bps": "6474030",
            "status_angkatan_kerja_2024": rng.choice(["bekerja", "pengangguran"], n),
        })

    dn.write_disnaker(Pop(), SEED, tmp_path / "raw", tmp_path / "truth")
    ak = pd.read_csv(tmp_path / "raw" / FILES["ak1_registrations"], dtype=str)
    assert (ak["kode_kecamatan_bps"] == "6474030").mean() > 0.9   # drawn from the given persons


def test_reported_placement_implies_tracer_sees_the_job(gen):
    """A trainee's card shows a placement only when the tracer found the trainee wage employed."""
    root, _ = gen
    ak = _read(root, "ak1_registrations").set_index("seeker_id")
    tr = _read(root, "trainees")
    due = tr[tr["tracer_due_6m"] == "1"]
    # seekers whose every due tracer answered (a non-respondent's job is unseen by construction)
    all_resp = due.groupby("seeker_id")["tracer_responded_6m"].apply(lambda s: (s.fillna("") == "1").all())
    due = due[due["seeker_id"].map(all_resp)]
    wage_any = due.groupby("seeker_id")["status_6m"].apply(lambda s: (s == "wage_employed").any())
    card_placed = ak.reindex(wage_any.index)["placement_date"].notna()
    # placed on the card => some tracer record of the seeker is a wage job
    assert not (card_placed & ~wage_any).any()
    placed_rows = ak.reindex(wage_any.index[card_placed.to_numpy()])
    assert (placed_rows["status"] == "placed").all()
    # and the link is not everything: some wage jobs never reach the card
    assert 0.2 < (~card_placed[wage_any]).mean() < 0.6


def test_tracer_link_recovers_the_unreported_placement_rate(gen):
    """labour.aki's tracer-link estimate covers the generator's realised unreported share."""
    from analysis.labour import aki

    root, _ = gen
    truth = pd.read_csv(root / "truth" / "skills_truth.csv", dtype=str, keep_default_na=False)
    row = truth[truth["truth_type"] == "unreported_placement_share"].iloc[0]
    true_share, rate = float(row["value"]), float(row["value2"])
    assert rate == pytest.approx(1 - dn.REPORT_RATE)
    u = aki.estimate_unreported_share(_read(root, "ak1_registrations"), _read(root, "trainees"))
    assert u.method == "tracer_link" and u.n > 300
    lo, hi = u.share - 1.96 * u.se, u.share + 1.96 * u.se
    assert lo <= true_share <= hi, (u.share, u.se, true_share)
    # an estimate of the unlinked generator (about 0.75) would fail this
    assert abs(u.share - rate) < 0.1
