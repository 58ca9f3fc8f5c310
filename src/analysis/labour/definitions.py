"""Labour-force concepts as BPS applies them in Sakernas, one vectorised function per concept.

Every function takes a person-level DataFrame with the Sakernas columns of
``docs/ARCHITECTURE.md`` (``umur, bekerja_seminggu, sementara_tidak_bekerja, mencari_pekerjaan,
mempersiapkan_usaha, alasan_tidak_mencari, jam_kerja, mencari_kerja_tambahan,
bersedia_tambah_jam, status_pekerjaan, sedang_sekolah, ikut_pelatihan, pendidikan, ...``) and
returns a boolean Series (or a category Series) aligned on the frame's index. Nothing is
estimated here: the survey weights and design enter only in :mod:`analysis.labour.estimation`.

Sources (see ``docs/methods.md`` §4):

* BPS concepts and definitions of Sakernas as restated in "Keadaan Angkatan Kerja" publications
  (e.g. Kabupaten Berau 2020), the Sakernas booklet quoted by CNN Indonesia (18 Jul 2025) and
  BPS Kota Bontang (radarmedia, 2025) -- the one-hour rule, the four categories of open
  unemployment, the 35-hour threshold.
* BPS static table 2016/04/11/1936 for the seven codes of main-job status and BRS Kalteng
  (Aug 2014) / antaranews Kaltim (2022) for the formal/informal split (formal = 3 + 4).
* ILO (2013), 19th ICLS resolution I, for the NEET rate (youth not in employment, education or
  training as a share of all youth); BPS publishes it with the same definition for ages 15-24.

Conventions that are choices rather than BPS text are marked *[choice]* in the docstrings.
Flags arrive as 0/1 integers, but a processed file may carry them as strings, floats or
nullable integers; every function reads them through :func:`flag`, so a missing value counts as
"no" (0). Ages and hours are coerced with ``pd.to_numeric``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.codes import EDUCATION_GROUP_NAMES, education_group_order, education_groups

WORKING_AGE_MIN = 15
"""Lower bound of the working-age population (penduduk usia kerja); no upper bound (BPS)."""
YOUTH_AGE = (15, 24)
"""Youth as BPS and the ILO define it for the youth unemployment and NEET rates."""
FULL_TIME_HOURS = 35
"""Hours per week at or above which a worker is full-time (bekerja penuh)."""

FORMAL_STATUS = frozenset({3, 4})
"""Main-job status codes counted as formal: 3 employer with permanent/paid workers,
4 employee (buruh/karyawan/pegawai)."""
INFORMAL_STATUS = frozenset({1, 2, 5, 6, 7})
"""Main-job status codes counted as informal: 1 own-account, 2 employer with temporary/unpaid
workers, 5 casual worker in agriculture, 6 casual worker outside agriculture, 7 unpaid family
worker."""
STATUS_LABELS = {
    1: "Berusaha sendiri", 2: "Berusaha dibantu buruh tidak tetap/tidak dibayar",
    3: "Berusaha dibantu buruh tetap/dibayar", 4: "Buruh/karyawan/pegawai",
    5: "Pekerja bebas pertanian", 6: "Pekerja bebas non pertanian", 7: "Pekerja keluarga/tak dibayar",
}

UNEMPLOYMENT_CATEGORIES = ("mencari_pekerjaan", "mempersiapkan_usaha", "putus_asa", "sudah_diterima")
"""The four categories of open unemployment (pengangguran terbuka), in the order in which a person
meeting several is classified."""

AGE_GROUPS = (("15-24", 15, 24), ("25-34", 25, 34), ("35-44", 35, 44), ("45-54", 45, 54), ("55+", 55, None))
"""Age groups of the TPT table: code, lower and upper bound (inclusive)."""

EDUCATION_GROUPS = education_groups()
"""Sakernas ``pendidikan`` codes -> the six groups of BPS labour releases (SD ke bawah, SMP,
SMA, SMK, Diploma I/II/III, Universitas); SMA (general) and SMK (vocational) stay apart.
Derived from the data contract by :func:`analysis.codes.education_groups`."""
EDUCATION_GROUP_ORDER = education_group_order()


# --------------------------------------------------------------------------- helpers
def flag(df: pd.DataFrame, column: str) -> pd.Series:
    """A 0/1 Sakernas flag as a boolean Series; missing or unparsable values are ``False``.

    Accepts integers, floats, nullable integers, booleans and strings (``"1"``, ``"1.0"``).
    A missing column is an error (the contract requires it), not a silent "no".
    """
    if column not in df.columns:
        raise KeyError(f"Sakernas column '{column}' is missing")
    values = pd.to_numeric(df[column], errors="coerce")
    return pd.Series(np.asarray(values.fillna(0), dtype=float) == 1, index=df.index)


def _numeric(df: pd.DataFrame, column: str) -> pd.Series:
    if column not in df.columns:
        raise KeyError(f"Sakernas column '{column}' is missing")
    return pd.Series(np.asarray(pd.to_numeric(df[column], errors="coerce"), dtype=float), index=df.index)


def _text(df: pd.DataFrame, column: str) -> pd.Series:
    if column not in df.columns:
        raise KeyError(f"Sakernas column '{column}' is missing")
    s = df[column].astype(object).where(df[column].notna(), "")
    return pd.Series(np.asarray(s.astype(str).str.strip().str.lower(), dtype=object), index=df.index)


# --------------------------------------------------------------------------- population
def age(df: pd.DataFrame) -> pd.Series:
    """Age in completed years (``umur``) as float; missing stays NaN."""
    return _numeric(df, "umur")


def working_age(df: pd.DataFrame) -> pd.Series:
    """Working-age population (penduduk usia kerja): aged 15 or over.

    Sakernas interviews members aged 10+, but every labour indicator is computed on people aged
    15+; there is no upper age limit (BPS, Sakernas concepts). A missing age is not working age.
    """
    return age(df) >= WORKING_AGE_MIN


def youth(df: pd.DataFrame) -> pd.Series:
    """Youth: aged 15-24 inclusive (BPS and ILO youth unemployment and NEET rates)."""
    a = age(df)
    return (a >= YOUTH_AGE[0]) & (a <= YOUTH_AGE[1])


# --------------------------------------------------------------------------- activity status
def at_work(df: pd.DataFrame) -> pd.Series:
    """Worked at least one hour without interruption in the reference week (the one-hour rule).

    BPS: *bekerja* is economic activity to earn, or help earn, income or profit for at least one
    hour in the past week, including unpaid family work. Sakernas records it as
    ``bekerja_seminggu``; restricted to the working-age population.
    """
    return working_age(df) & flag(df, "bekerja_seminggu")


def temporarily_absent(df: pd.DataFrame) -> pd.Series:
    """Has a job but was temporarily not working in the reference week (sick, on leave, waiting
    for harvest, on strike): ``sementara_tidak_bekerja`` = 1 and not at work. Counted as employed
    by BPS."""
    return working_age(df) & flag(df, "sementara_tidak_bekerja") & ~flag(df, "bekerja_seminggu")


def employed(df: pd.DataFrame) -> pd.Series:
    """Employed (bekerja): aged 15+, and worked >= 1 hour last week or temporarily absent from a
    job (BPS, Sakernas concepts)."""
    return at_work(df) | temporarily_absent(df)


def unemployment_category(df: pd.DataFrame) -> pd.Series:
    """Category of open unemployment (pengangguran terbuka) of each person, else ``""``.

    BPS counts as openly unemployed every working-age person who is not employed and who

    1. was looking for work (``mencari_pekerjaan`` = 1) -> ``mencari_pekerjaan``;
    2. was preparing a new business (``mempersiapkan_usaha`` = 1) -> ``mempersiapkan_usaha``;
    3. was not looking because they felt it impossible to find work (discouraged,
       ``alasan_tidak_mencari`` = ``putus_asa``) -> ``putus_asa``;
    4. had already been accepted for a job but had not yet started
       (``alasan_tidak_mencari`` = ``sudah_diterima``) -> ``sudah_diterima``.

    The main activity (``kegiatan_utama``: school, housekeeping, other) does not matter: a
    student who looked for work is unemployed. A person meeting several conditions gets the
    first in the order above *[choice; the categories are only used for a breakdown]*.
    """
    not_employed = working_age(df) & ~employed(df)
    reason = _text(df, "alasan_tidak_mencari")
    conditions = [
        not_employed & flag(df, "mencari_pekerjaan"),
        not_employed & flag(df, "mempersiapkan_usaha"),
        not_employed & (reason == "putus_asa"),
        not_employed & (reason == "sudah_diterima"),
    ]
    out = np.select(conditions, list(UNEMPLOYMENT_CATEGORIES), default="")
    return pd.Series(out.astype(object), index=df.index)


def unemployed(df: pd.DataFrame) -> pd.Series:
    """Openly unemployed (pengangguran terbuka): not employed and in any of the four categories
    of :func:`unemployment_category` (looking for work, preparing a business, discouraged,
    already accepted but not yet started)."""
    return unemployment_category(df) != ""


def labour_force(df: pd.DataFrame) -> pd.Series:
    """Labour force (angkatan kerja, AK): employed + openly unemployed, aged 15+."""
    return employed(df) | unemployed(df)


def outside_labour_force(df: pd.DataFrame) -> pd.Series:
    """Outside the labour force (bukan angkatan kerja, BAK): aged 15+ and neither employed nor
    unemployed -- in school, keeping house or other activities, and not looking for work (and not
    discouraged or waiting to start)."""
    return working_age(df) & ~labour_force(df)


# --------------------------------------------------------------------------- hours
def hours_worked(df: pd.DataFrame) -> pd.Series:
    """Hours worked in the reference week (``jam_kerja``), float; missing stays NaN."""
    return _numeric(df, "jam_kerja")


def short_hours(df: pd.DataFrame) -> pd.Series:
    """At work for fewer than 35 hours last week (bekerja tidak penuh).

    Only people at work are classified by hours; the temporarily absent (0 hours) are employed
    but neither full- nor part-time, as in BPS tables that show them as a separate "0 jam"
    row *[choice: BPS text defines tidak penuh as "< 35 jam" without mentioning absentees]*.
    A missing number of hours (e.g. an impossible value set missing by cleaning) is not short
    hours: such a worker stays in the employed denominator of the underemployment and part-time
    rates without entering either numerator.
    """
    h = hours_worked(df)
    return at_work(df) & (h < FULL_TIME_HOURS)


def full_time(df: pd.DataFrame) -> pd.Series:
    """At work for 35 hours or more last week (bekerja penuh; BPS convention ">= 35")."""
    h = hours_worked(df)
    return at_work(df) & (h >= FULL_TIME_HOURS)


def wants_more_work(df: pd.DataFrame) -> pd.Series:
    """Still looking for additional work (``mencari_kerja_tambahan``) or willing to accept more
    hours (``bersedia_tambah_jam``)."""
    return flag(df, "mencari_kerja_tambahan") | flag(df, "bersedia_tambah_jam")


def underemployed(df: pd.DataFrame) -> pd.Series:
    """Time-related underemployment (setengah penganggur): employed, working fewer than 35 hours
    a week, and still looking for or willing to accept more work (BPS; BRS Sultra Aug 2017).
    The rate is a share of the employed."""
    return short_hours(df) & wants_more_work(df)


def part_time(df: pd.DataFrame) -> pd.Series:
    """Part-time worker (pekerja paruh waktu): employed, fewer than 35 hours, and neither looking
    for nor willing to accept more work (BPS). The rate is a share of the employed."""
    return short_hours(df) & ~wants_more_work(df)


# --------------------------------------------------------------------------- job status
def employment_status(df: pd.DataFrame) -> pd.Series:
    """Main-job status code 1-7 (``status_pekerjaan``) as float; NaN when missing or invalid."""
    s = _numeric(df, "status_pekerjaan")
    return s.where(s.isin(list(range(1, 8))))


def formal(df: pd.DataFrame) -> pd.Series:
    """Formal employment by BPS's status rule: employed with main-job status 3 (employer helped by
    permanent/paid workers) or 4 (employee)."""
    return employed(df) & employment_status(df).isin(list(FORMAL_STATUS))


def informal(df: pd.DataFrame) -> pd.Series:
    """Informal employment by BPS's status rule: employed with status 1, 2, 5, 6 or 7 -- own
    account, employer with temporary/unpaid help, casual workers, and unpaid family workers
    (BRS Kalteng Aug 2014; antaranews Kaltim 2022). BPS's rule uses status only, not social
    security or registration of the enterprise."""
    return employed(df) & employment_status(df).isin(list(INFORMAL_STATUS))


def employed_with_status(df: pd.DataFrame) -> pd.Series:
    """Employed people whose main-job status is known: the denominator of the informal share
    *[choice: a missing status is left out rather than counted as formal]*."""
    return formal(df) | informal(df)


# --------------------------------------------------------------------------- youth and NEET
def in_education_or_training(df: pd.DataFrame) -> pd.Series:
    """Currently attending school (``sedang_sekolah``) or in training (``ikut_pelatihan``)."""
    return flag(df, "sedang_sekolah") | flag(df, "ikut_pelatihan")


def neet(df: pd.DataFrame) -> pd.Series:
    """NEET: youth aged 15-24 not in employment and not in education or training (ILO 19th
    ICLS; BPS). Both the unemployed and people outside the labour force can be NEET; the rate is
    a share of all youth (not of the youth labour force).

    Training is read from ``ikut_pelatihan``, which the Sakernas contract records for the past
    year; the ILO reference period for training is shorter (typically four weeks), so this NEET
    rate can be slightly lower than an ILO-standard one *[data limitation]*."""
    return youth(df) & ~employed(df) & ~in_education_or_training(df)


# --------------------------------------------------------------------------- groupings
def age_group(df: pd.DataFrame) -> pd.Series:
    """Age group code of :data:`AGE_GROUPS` for people aged 15+, else ``""``."""
    a = age(df)
    conditions, codes = [], []
    for code, lo, hi in AGE_GROUPS:
        conditions.append((a >= lo) & ((a <= hi) if hi is not None else True))
        codes.append(code)
    return pd.Series(np.select(conditions, codes, default="").astype(object), index=df.index)


def education_group(df: pd.DataFrame) -> pd.Series:
    """Education group of :data:`EDUCATION_GROUPS` (SMA and SMK apart); ``""`` when unknown."""
    return pd.Series(np.asarray(_text(df, "pendidikan").map(EDUCATION_GROUPS).fillna(""), dtype=object),
                     index=df.index)


def kbli_section(df: pd.DataFrame) -> pd.Series:
    """KBLI 2020 section letter (A-U) of the main job of the employed; ``""`` otherwise."""
    s = _text(df, "kbli_kategori").str.upper()
    ok = employed(df) & s.str.fullmatch(r"[A-U]")
    return pd.Series(np.where(ok, s, "").astype(object), index=df.index)


def kbji_major_group(df: pd.DataFrame) -> pd.Series:
    """KBJI 2014 major group (0-9; 0 = TNI/Polri) of the main job of the employed; ``""``
    otherwise. Accepts ``"7"``, ``7``, ``7.0``."""
    num = _numeric(df, "kbji_golongan")
    ok = employed(df) & num.isin(list(range(10)))
    codes = num.fillna(-1).astype(int).astype(str)
    return pd.Series(np.where(ok, codes, "").astype(object), index=df.index)


def classify(df: pd.DataFrame) -> pd.DataFrame:
    """All concepts at once, as boolean columns (plus category columns), aligned on ``df``.

    Used by the estimation code and handy for checking a definition on a tabulation; never
    written out (it is person-level).
    """
    out = pd.DataFrame(index=df.index)
    out["working_age"] = working_age(df)
    out["youth"] = youth(df)
    out["employed"] = employed(df)
    out["at_work"] = at_work(df)
    out["temporarily_absent"] = temporarily_absent(df)
    out["unemployment_category"] = unemployment_category(df)
    out["unemployed"] = out["unemployment_category"] != ""
    out["labour_force"] = out["employed"] | out["unemployed"]
    out["outside_labour_force"] = out["working_age"] & ~out["labour_force"]
    out["underemployed"] = underemployed(df)
    out["part_time"] = part_time(df)
    out["formal"] = formal(df)
    out["informal"] = informal(df)
    out["employed_with_status"] = out["formal"] | out["informal"]
    out["neet"] = neet(df)
    out["youth_labour_force"] = out["youth"] & out["labour_force"]
    out["youth_unemployed"] = out["youth"] & out["unemployed"]
    out["age_group"] = age_group(df)
    out["education_group"] = education_group(df)
    out["kbli_section"] = kbli_section(df)
    out["kbji_major_group"] = kbji_major_group(df)
    return out
