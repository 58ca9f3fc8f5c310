"""Locale-aware formatting of numbers, percentages, money and dates for the briefs.

Every separator comes from Babel's CLDR data for the brief's locale: Bahasa Indonesia
(``id_ID``: decimal comma, dot thousands: "3,74 persen", "Rp801.945", "7.110 jiwa") and English
(``en_GB`` by default: "3.74 percent", "Rp801,945", "21 May 2025"). No separator is ever written
or replaced by hand.

Rounding is half away from zero on the decimal representation of the value (as published
figures are rounded: 4,115 -> 4,12), not Babel's default banker's rounding, and a value that
rounds to zero is shown without a minus sign.
"""
from __future__ import annotations

import datetime as _dt
import math
import os
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALES = {"id": "id_ID", "en": "en_GB"}
DASH = "\u2013"  # en dash for ranges
MISSING = "\u2013"


def locale_for(lang: str) -> str:
    """Babel locale of a brief language (``id`` -> ``id_ID``, ``en`` -> ``en_GB``).

    A full locale (``en_US``) is passed through unchanged.
    """
    if lang in LOCALES:
        return LOCALES[lang]
    if "_" in lang:
        return lang
    raise ValueError(f"unknown brief language {lang!r}; expected one of {sorted(LOCALES)}")


def _lang(lang: str) -> str:
    return lang.split("_")[0]


def is_missing(x) -> bool:
    """True for None, NaN and pandas' NA."""
    if x is None:
        return True
    try:
        return bool(x != x) or (isinstance(x, float) and math.isnan(x))
    except (TypeError, ValueError):  # pd.NA raises on bool()
        return True


def round_half_up(x: float, decimals: int) -> Decimal:
    """Round like published tables: half away from zero, on the shortest decimal repr of ``x``."""
    q = Decimal(1).scaleb(-decimals)
    d = Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_UP)
    return d.copy_abs() if d == 0 else d  # no "-0,00"


def number(x, decimals: int = 2, lang: str = "id", *, grouping: bool = True) -> str:
    """A number with the locale's separators: ``number(7110.0, 0)`` -> ``"7.110"`` (id)."""
    if is_missing(x):
        return MISSING
    pattern = ("#,##0" if grouping else "0") + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(round_half_up(x, decimals), format=pattern, locale=locale_for(lang),
                          decimal_quantization=True)


def signed(x, decimals: int = 2, lang: str = "id") -> str:
    """A number with an explicit sign (``+0,37`` / ``−0,37``; zero unsigned)."""
    if is_missing(x):
        return MISSING
    r = round_half_up(x, decimals)
    body = number(abs(float(r)), decimals, lang)
    if r > 0:
        return "+" + body
    if r < 0:
        return "\u2212" + body  # true minus sign
    return body


def percent(x, decimals: int = 2, lang: str = "id") -> str:
    """A value already in percent, with the word: "3,74 persen" / "3.74 percent"."""
    if is_missing(x):
        return MISSING
    word = "persen" if _lang(lang) == "id" else "percent"
    return f"{number(x, decimals, lang)} {word}"


def percent_short(x, decimals: int = 2, lang: str = "id") -> str:
    """Compact percent for tables and chart labels: "3,74%" / "3.74%"."""
    if is_missing(x):
        return MISSING
    return f"{number(x, decimals, lang)}%"


def points(x, decimals: int = 2, lang: str = "id") -> str:
    """A change in percentage points, unsigned: "0,37 persen poin" / "0.37 percentage points"."""
    if is_missing(x):
        return MISSING
    v = abs(float(x))
    if _lang(lang) == "id":
        return f"{number(v, decimals, lang)} persen poin"
    unit = "percentage point" if round_half_up(v, decimals) == 1 else "percentage points"
    return f"{number(v, decimals, lang)} {unit}"


def rupiah(x, lang: str = "id", decimals: int = 0) -> str:
    """Rupiah as BPS writes it, symbol glued to the number: "Rp801.945" / "Rp801,945"."""
    if is_missing(x):
        return MISSING
    return "Rp" + number(x, decimals, lang)


def count(x, unit: str | None = "persons", lang: str = "id") -> str:
    """A whole count with its noun: "7.110 jiwa" / "7,110 people".

    ``unit`` is a key of :data:`COUNT_UNITS` (persons, households, families, seats, vacancies) or
    ``None`` for the bare number.
    """
    if is_missing(x):
        return MISSING
    body = number(x, 0, lang)
    if unit is None:
        return body
    words = COUNT_UNITS[unit]
    word = words[0] if _lang(lang) == "id" else (words[1] if round_half_up(x, 0) != 1 else words[2])
    return f"{body} {word}"


COUNT_UNITS = {
    "persons": ("jiwa", "people", "person"),
    "households": ("rumah tangga", "households", "household"),
    "families": ("keluarga", "families", "family"),
    "seats": ("kursi", "seats", "seat"),
    "vacancies": ("lowongan", "vacancies", "vacancy"),
    "seekers": ("pencari kerja", "job seekers", "job seeker"),
}


def _minus(x, decimals: int, lang: str) -> str:
    """A number whose negative sign is the true minus sign (−1,20), positive unsigned."""
    r = round_half_up(x, decimals)
    body = number(abs(float(r)), decimals, lang)
    return "\u2212" + body if r < 0 else body


def ci(lo, hi, decimals: int = 2, lang: str = "id") -> str:
    """A confidence interval as a range: "2,90–4,58".

    When a bound is negative the dash would read as a minus, so the bounds are joined in words
    and carry a true minus sign: "−11,76 s.d. 63,35" / "−11.76 to 63.35".
    """
    if is_missing(lo) or is_missing(hi):
        return MISSING
    if round_half_up(lo, decimals) < 0 or round_half_up(hi, decimals) < 0:
        sep = " s.d. " if _lang(lang) == "id" else " to "
        return f"{_minus(lo, decimals, lang)}{sep}{_minus(hi, decimals, lang)}"
    return f"{number(lo, decimals, lang)}{DASH}{number(hi, decimals, lang)}"


def ci_label(level: float = 0.95, lang: str = "id") -> str:
    """Abbreviation of the interval: "SK 95%" (selang kepercayaan) / "95% CI"."""
    pct = number(level * 100, 0, lang)
    return f"SK {pct}%" if _lang(lang) == "id" else f"{pct}% CI"


def value(x, unit: str, lang: str = "id", *, short: bool = False) -> str:
    """Format an estimate by its contract ``unit`` (percent, index_x100, ratio, index, count)."""
    if unit == "percent":
        return percent_short(x, 2, lang) if short else percent(x, 2, lang)
    if unit == "ratio":
        return number(x, 3, lang)
    if unit == "count":
        return count(x, None if short else "persons", lang)
    if unit == "idr":
        return rupiah(x, lang)
    return number(x, 2, lang)  # index_x100, index and anything else


def decimals_for(unit: str) -> int:
    """Number of decimals the brief publishes for a contract unit."""
    return {"ratio": 3, "count": 0, "idr": 0}.get(unit, 2)


def date_long(d: _dt.date | _dt.datetime | str, lang: str = "id") -> str:
    """A date in words, day first in both languages: "21 Mei 2025" / "21 May 2025"."""
    if isinstance(d, str):
        d = _dt.date.fromisoformat(d[:10])
    if isinstance(d, _dt.datetime):
        d = d.date()
    return format_date(d, format="d MMMM y", locale=locale_for(lang))


def month_year(year: int | str, month: int, lang: str = "id") -> str:
    """"Maret 2024" / "March 2024" (survey reference months)."""
    return format_date(_dt.date(int(year), int(month), 1), format="MMMM y", locale=locale_for(lang))


def build_date(env: dict | None = None) -> _dt.date:
    """The release date of a build: ``SOURCE_DATE_EPOCH`` (UTC) when set, else 1970-01-01.

    Never the wall clock (as ``analysis.provenance.build_date``): the Makefile exports
    ``SOURCE_DATE_EPOCH`` (time of the last commit) so that two builds of the same commit print
    the same date and produce the same bytes.
    """
    env = os.environ if env is None else env
    epoch = env.get("SOURCE_DATE_EPOCH", "")
    ts = int(epoch) if epoch.strip().isdigit() else 0
    return _dt.datetime.fromtimestamp(ts, tz=_dt.timezone.utc).date()
