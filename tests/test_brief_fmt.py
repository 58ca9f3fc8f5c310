"""Locale formatting of the briefs (analysis.brief.fmt)."""
import datetime as dt

import pytest

from analysis.brief import fmt


@pytest.mark.parametrize("func,args,id_,en", [
    (fmt.percent, (3.74,), "3,74 persen", "3.74 percent"),
    (fmt.rupiah, (801945,), "Rp801.945", "Rp801,945"),
    (fmt.count, (7110,), "7.110 jiwa", "7,110 people"),
    (fmt.number, (1234567.891, 2), "1.234.567,89", "1,234,567.89"),
    (fmt.points, (-0.37,), "0,37 persen poin", "0.37 percentage points"),
    (fmt.ci, (2.9, 4.58), "2,90\u20134,58", "2.90\u20134.58"),
    (fmt.signed, (-0.37,), "\u22120,37", "\u22120.37"),
    (fmt.signed, (1.5, 1), "+1,5", "+1.5"),
    (fmt.percent_short, (11.4,), "11,40%", "11.40%"),
])
def test_both_languages(func, args, id_, en):
    assert func(*args, lang="id") == id_
    assert func(*args, lang="en") == en


def test_dates():
    d = dt.date(2025, 5, 21)
    assert fmt.date_long(d, "id") == "21 Mei 2025"
    assert fmt.date_long(d, "en") == "21 May 2025"
    assert fmt.date_long("2025-05-21", "id") == "21 Mei 2025"
    assert fmt.month_year(2024, 3, "id") == "Maret 2024"
    assert fmt.month_year(2024, 8, "en") == "August 2024"


def test_rounding_is_half_up_and_no_negative_zero():
    assert fmt.number(4.115, 2, "id") == "4,12"  # 4.115 is 4.11499.. as a binary float: rounded on its decimal repr
    assert fmt.number(0.125, 2, "en") == "0.13"
    assert fmt.number(-0.001, 2, "id") == "0,00"
    assert fmt.signed(-0.001, 2, "id") == "0,00"


def test_units_and_missing():
    assert fmt.value(0.3301, "ratio", "id") == "0,330"
    assert fmt.value(0.52, "index_x100", "en") == "0.52"
    assert fmt.value(3.74, "percent", "id", short=True) == "3,74%"
    assert fmt.percent(float("nan")) == fmt.MISSING
    assert fmt.count(None) == fmt.MISSING
    assert fmt.count(1, lang="en") == "1 person"
    assert fmt.points(1.0, lang="en") == "1.00 percentage point"
    assert fmt.ci_label(lang="id") == "SK 95%" and fmt.ci_label(lang="en") == "95% CI"


def test_separators_come_from_babel_not_from_replacement():
    # en_US and en_GB share separators; a full locale passes through
    assert fmt.number(7110, 0, "en_US") == "7,110"
    with pytest.raises(ValueError):
        fmt.locale_for("fr")


def test_build_date_from_source_date_epoch():
    assert fmt.build_date({"SOURCE_DATE_EPOCH": "1747785600"}) == dt.date(2025, 5, 21)
    assert fmt.build_date({}) == dt.date(1970, 1, 1)  # never the wall clock
