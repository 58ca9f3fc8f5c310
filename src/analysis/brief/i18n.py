"""Fixed wording of the briefs in Bahasa Indonesia (first) and English.

The wording lives in two data files, ``wording_id.yaml`` and ``wording_en.yaml`` (one
``key: text`` line per label, editable without touching code); both must hold the same keys.
Sentences that carry numbers are built in :mod:`analysis.brief.narrative` and the topic modules
from templates in these files. ``t(key, lang)`` returns the text; ``{name}`` fields are filled
from keyword arguments.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from analysis.codes import SYNTHETIC_BANNER

WORDING_DIR = Path(__file__).resolve().parent
LANGS = ("id", "en")


def _load(lang: str) -> dict[str, str]:
    """Read ``wording_<lang>.yaml`` (plain ``key: text`` lines that non-programmers can edit)."""
    path = WORDING_DIR / f"wording_{lang}.yaml"
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f) or {}
    bad = [k for k, v in data.items() if not isinstance(v, str)]
    if bad:
        raise ValueError(f"{path.name}: key {bad[0]!r}: the text must be a single string")
    return data


# Keys that belong to one language only: translations of stage notes into Indonesian.
ONE_LANGUAGE = ("srcmap_",)


def _pairs() -> dict[str, tuple[str, str]]:
    """Both languages side by side; a key missing from one file is an error naming file and key."""
    ids, ens = _load("id"), _load("en")
    ids = {k: v for k, v in ids.items() if not k.startswith(ONE_LANGUAGE)}
    for a, b, name in ((ids, ens, "wording_en.yaml"), (ens, ids, "wording_id.yaml")):
        missing = [k for k in a if k not in b]
        if missing:
            raise ValueError(f"{name}: key {missing[0]!r} is missing (every key needs both languages)")
    pairs = {k: (ids[k], ens[k]) for k in ids}
    # the banner's wording lives in analysis.codes (one text for briefs and notebooks)
    pairs["synthetic_banner"] = (SYNTHETIC_BANNER["id"][0], SYNTHETIC_BANNER["en"][0])
    pairs["synthetic_banner_detail"] = (SYNTHETIC_BANNER["id"][1], SYNTHETIC_BANNER["en"][1])
    return pairs


T: dict[str, tuple[str, str]] = _pairs()
SRCMAP: list[tuple[str, str]] = sorted(
    (tuple(v.split(" => ", 1)) for k, v in _load("id").items() if k.startswith("srcmap_") and " => " in v),
    key=lambda p: -len(p[0]))


def t(key: str, lang: str = "id", **kwargs) -> str:
    """Text of ``key`` in ``lang`` (``id`` or ``en``), formatted with ``kwargs``."""
    try:
        pair = T[key]
    except KeyError:
        raise KeyError(f"no brief text for key {key!r}") from None
    text = pair[0] if lang.split("_")[0] == "id" else pair[1]
    return text.format(**kwargs) if kwargs else text


def has(key: str) -> bool:
    """Whether a label exists (used for optional category labels)."""
    return key in T


def indicator_name(indicator: str, lang: str = "id") -> str:
    """Full name of an indicator; unknown indicators fall back to their code."""
    key = f"ind_{indicator}"
    return t(key, lang) if key in T else indicator


def level_name(level: str, lang: str = "id") -> str:
    """Label of a domain level (``hh_head_education`` -> "pendidikan KRT"); unknown levels as they are."""
    key = f"lvl_{level}"
    return t(key, lang) if key in T else str(level)


def category_name(level: str, code: str, lang: str = "id", fallback: str | None = None) -> str:
    """Label of a category code (sex, education); ``fallback`` (the domain_name) otherwise."""
    prefix = {"sex": "sex", "education": "edu"}.get(level)
    key = f"{prefix}_{code}" if prefix else ""
    if key in T:
        return t(key, lang)
    return fallback if fallback is not None else str(code)


def localise_source(text, lang: str = "id") -> str:
    """A source note written by a stage in English, in the brief's language.

    The Indonesian wording file holds ``srcmap_NN: "English => Indonesian"`` pairs (applied
    longest first); decimal points of numbers left in such notes ("7.71 ribu") become commas.
    English briefs get the text unchanged.
    """
    text = "" if text is None else str(text)
    if lang.split("_")[0] != "id" or not text:
        return text
    for en, idn in SRCMAP:
        text = text.replace(en, idn)
    return re.sub(r"(\d)\.(\d+) ribu", r"\1,\2 ribu", text)
