"""Plausibility pre-flight: refuse well-formed but wrong inputs before anything is written.

A file can satisfy its data contract (right columns, types and codes) and still be the wrong
file: last year's Susenas under this year's name, a weight typed ``1e12``, a kecamatan whose
households were left out of the extract. Each of these gave wrong estimates with exit status 0.
The checks here look at the inputs *as a whole* and at the run configuration:

``survey year``
    Every row's ``tahun`` equals the year of the input it is used for (the input's ``year`` key
    in the config, else the ``_<year>`` at the end of its name, e.g. ``susenas_2024``).
``weights``
    Every survey weight is finite and > 0 and at most ``max_weight_ratio`` times the median
    weight of its stratum (a typing error such as ``1e12`` is named by its row); the weighted
    population of each kecamatan lies within ``weight_total_tolerance`` (relative) of the
    reference population of ``wilayah`` (``population_column``) times the share of the
    population the survey covers (Sakernas: persons aged 10+).
``coverage``
    Every kecamatan of ``wilayah`` is in every survey file; a stratum present in one year of a
    survey is present in every year (unless ``strata_may_change``); every stratum has >= 2 PSUs,
    unless the stage declares a lonely-PSU rule in the config (``poverty.lonely_psu`` for
    Susenas, ``labour.lonely_psu`` for Sakernas).
``poverty line``
    ``poverty_lines`` has a row for every period whose Susenas is used.
``corrections``
    A ``corrections_dir`` named in the config exists.

Each failure is a fatal :class:`~analysis.cleaning.validate.Violation` naming the file, the
column, the rule and the rows (numbered as in the file: spreadsheet row for CSV/xlsx, ``_n`` for
Stata/SPSS). :func:`preflight_checks` is called by stage 01 before validation results are acted
on, and ``python -m analysis.preflight`` runs the same checks on their own (``make report`` runs
it before stage 01, so a refused input never reaches a notebook).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.cleaning.table import LoadedTable
from analysis.cleaning.validate import FATAL, MAX_EXAMPLES, Violation, _numeric
from analysis.cleaning.reader import display_path

# Defaults of the config section ``preflight`` (each may be overridden there).
DEFAULT_PREFLIGHT = {
    # relative tolerance of the weighted population of a kecamatan against the reference
    "weight_total_tolerance": 0.25,
    # wilayah column holding the reference population of each kecamatan (persons)
    "population_column": "population_2024",
    # a weight above this multiple of its stratum's median weight is a typing error, not a design
    "max_weight_ratio": 20.0,
    # True when the survey's strata are redrawn between the years of one run
    "strata_may_change": False,
    # per contract: weight column, the column it multiplies to count persons, and the share of
    # the reference population the survey represents
    "surveys": {
        "susenas_kp": {"weight": "bobot", "persons": "jumlah_art", "population_share": 1.0,
                       "lonely_psu_from": "poverty"},
        # Sakernas covers persons aged 10+: about 83 % of Bontang's population (SP2020 age
        # structure of Kota Bontang, BPS); the tolerance absorbs the difference between years
        "sakernas": {"weight": "bobot", "persons": None, "population_share": 0.83,
                     "lonely_psu_from": "labour"},
    },
}
YEAR_COLUMN = "tahun"
KECAMATAN_COLUMN = "kode_kecamatan_bps"
RULE_PREFIX = "preflight: "


def settings(cfg) -> dict:
    """The ``preflight`` settings of a run: the config's values over :data:`DEFAULT_PREFLIGHT`."""
    conf = dict(getattr(cfg, "preflight", None) or {})
    unknown = sorted(set(conf) - set(DEFAULT_PREFLIGHT))
    if unknown:
        from analysis.config import ConfigError

        raise ConfigError(f"{cfg.path}: unknown key(s) under 'preflight': {', '.join(unknown)}")
    out = {**DEFAULT_PREFLIGHT, **conf}
    surveys = {k: dict(v) for k, v in DEFAULT_PREFLIGHT["surveys"].items()}
    for name, spec in (conf.get("surveys") or {}).items():
        surveys[name] = {**surveys.get(name, {"weight": "bobot", "persons": None, "population_share": 1.0,
                                              "lonely_psu_from": None}), **(spec or {})}
    out["surveys"] = surveys
    return out


def input_year(cfg, name: str) -> str | None:
    """The survey year an input is used for: its ``year`` key, else the ``_<yyyy>`` suffix."""
    spec = cfg.inputs.get(name, {})
    if spec.get("year"):
        return str(spec["year"])
    m = re.search(r"_(\d{4})$", name)
    return m.group(1) if m else None


@dataclass(frozen=True)
class _Where:
    table: LoadedTable

    def v(self, column: str, rule: str, index=(), values=(), file_level: bool = False) -> Violation:
        idx = list(index)
        rows = tuple(int(r) for r in self.table.row_numbers(idx[:MAX_EXAMPLES])) if idx else ()
        return Violation(dataset=self.table.name, file=self.table.file, column=column, rule=RULE_PREFIX + rule,
                         severity=FATAL, n_rows=len(idx), rows=rows, values=tuple(str(x) for x in values),
                         row_reference=self.table.row_reference, file_level=file_level)


def config_checks(cfg) -> list[Violation]:
    """Checks of the run configuration alone (no data read): the corrections folder."""
    out: list[Violation] = []
    if cfg.corrections_dir is not None and not Path(cfg.corrections_dir).is_dir():
        out.append(Violation(dataset="config", file=display_path(cfg.path), column="corrections_dir",
                             rule=f"{RULE_PREFIX}corrections folder named in the config does not exist: "
                                  f"{display_path(cfg.corrections_dir)} (create it empty for no corrections, "
                                  "or remove the key)", severity=FATAL, file_level=True))
    # every survey used by a stage is declared for both periods (else stage 02/03 would stop later,
    # after stage 01 has written, with a hint about a missing Parquet file)
    declared = {cfg.input_schema(n) for n in cfg.inputs}
    for schema, prefix in (("susenas_kp", "susenas"), ("sakernas", "sakernas")):
        if schema not in declared:
            continue
        for y in (cfg.previous_period, cfg.period):
            if f"{prefix}_{y}" not in cfg.inputs:
                out.append(Violation(dataset="config", file=display_path(cfg.path), column="inputs",
                                     rule=f"{RULE_PREFIX}an input for each period the run uses "
                                          f"({cfg.previous_period}, {cfg.period}): no '{prefix}_{y}' "
                                          f"(contract {schema}) under inputs",
                                     severity=FATAL, file_level=True))
    return out


def _survey_tables(cfg, tables: dict[str, LoadedTable], conf: dict) -> list[tuple[LoadedTable, str | None, dict]]:
    out = []
    for name, t in tables.items():
        spec = conf["surveys"].get(t.schema.name)
        if spec is not None and t.ok:
            out.append((t, input_year(cfg, name), spec))
    return out


def _year_check(t: LoadedTable, year: str | None) -> list[Violation]:
    w = _Where(t)
    if YEAR_COLUMN not in t.df.columns:
        return []
    if year is None:
        return [w.v(YEAR_COLUMN, f"input '{t.name}' has no survey year: name it <source>_<yyyy> or give it "
                                 "'year:' in the config", file_level=True)]
    y = _numeric(t.df[YEAR_COLUMN])
    bad = t.df.index[~(y == float(year)).to_numpy()]
    if len(bad):
        found = sorted({str(int(v)) if pd.notna(v) else "" for v in y.loc[bad]})
        return [w.v(YEAR_COLUMN, f"survey year inside the file equals {year}, the period input '{t.name}' is "
                                 f"used for (found {', '.join(found)})", bad, found[:3])]
    return []


def _weight_checks(t: LoadedTable, spec: dict, conf: dict, ref_pop: dict[str, float] | None,
                   kecamatan: list[str]) -> tuple[list[Violation], bool]:
    """Finite, positive, not absurd; then weighted population per kecamatan. Returns (violations,
    weights usable for totals)."""
    w = _Where(t)
    col = spec["weight"]
    if col not in t.df.columns:
        return [], False
    b = _numeric(t.df[col])
    out: list[Violation] = []
    bad = t.df.index[~(np.isfinite(b) & (b > 0)).to_numpy()]
    if len(bad):
        out.append(w.v(col, "survey weight is a finite number > 0", bad, [str(x) for x in t.df[col].loc[bad][:3]]))
        return out, False
    group = t.df["strata"].astype(str) if "strata" in t.df.columns else pd.Series("all", index=t.df.index)
    ratio = b / b.groupby(group).transform("median")
    big = t.df.index[(ratio > float(conf["max_weight_ratio"])).to_numpy()]
    if len(big):
        out.append(w.v(col, f"survey weight at most {conf['max_weight_ratio']:g} x the median weight of its stratum",
                       big, [f"{x:.6g}" for x in b.loc[big][:3]]))
    if ref_pop is None or KECAMATAN_COLUMN not in t.df.columns:
        return out, not out
    persons = b
    if spec.get("persons") and spec["persons"] in t.df.columns:
        persons = b * _numeric(t.df[spec["persons"]])
    share = float(spec.get("population_share", 1.0))
    tol = float(conf["weight_total_tolerance"])
    kec = t.df[KECAMATAN_COLUMN].astype(str)
    totals = persons.groupby(kec).sum()
    for k in kecamatan:
        if k not in totals.index or k not in ref_pop:
            continue               # a missing kecamatan is reported by the coverage check
        expected = ref_pop[k] * share
        got = float(totals[k])
        if not (abs(got - expected) <= tol * expected):
            rows = t.df.index[(kec == k).to_numpy()]
            top = b.loc[rows].sort_values(ascending=False, kind="mergesort").index[:MAX_EXAMPLES]
            what = "weight" + (f" x {spec['persons']}" if spec.get("persons") else "")
            out.append(w.v(col, f"weighted population ({what}) of kecamatan {k} within {tol:.0%} of "
                                f"{expected:,.0f} (reference {conf['population_column']} {ref_pop[k]:,.0f} x "
                                f"{share:g}): got {got:,.6g}; rows listed have the largest weights",
                           list(top), [f"{x:.6g}" for x in b.loc[top][:3]]))
    return out, not out


def _design_checks(t: LoadedTable, spec: dict, cfg, kecamatan: list[str]) -> list[Violation]:
    w = _Where(t)
    out: list[Violation] = []
    if KECAMATAN_COLUMN in t.df.columns and kecamatan:
        present = set(t.df[KECAMATAN_COLUMN].astype(str))
        missing = [k for k in kecamatan if k not in present]
        if missing:
            out.append(w.v(KECAMATAN_COLUMN, f"every kecamatan of the wilayah reference is in the file: no row for "
                                             f"{', '.join(missing)}", file_level=True))
    if {"strata", "psu"} <= set(t.df.columns):
        stage = spec.get("lonely_psu_from")
        declared = (getattr(cfg, stage, None) or {}).get("lonely_psu") if stage else None
        if declared in (None, "fail"):
            n_psu = t.df.groupby(t.df["strata"].astype(str))["psu"].nunique()
            lonely = sorted(n_psu.index[n_psu < 2])
            if lonely:
                rows = t.df.index[t.df["strata"].astype(str).isin(lonely).to_numpy()]
                out.append(w.v("strata", f">= 2 PSUs per stratum (or declare {stage}.lonely_psu in the config): "
                                         f"one PSU in {', '.join(lonely[:5])}", rows, lonely[:3]))
    return out


def _strata_across_years(surveys: list[tuple[LoadedTable, str | None, dict]]) -> list[Violation]:
    out: list[Violation] = []
    by_schema: dict[str, list[LoadedTable]] = {}
    for t, _, _ in surveys:
        if "strata" in t.df.columns:
            by_schema.setdefault(t.schema.name, []).append(t)
    for ts in by_schema.values():
        sets = {t.name: set(t.df["strata"].astype(str)) for t in ts}
        union = set().union(*sets.values())
        for t in ts:
            missing = sorted(union - sets[t.name])
            if missing:
                others = ", ".join(n for n in sets if n != t.name)
                out.append(_Where(t).v("strata", f"every stratum of the survey ({others}) is in the file: none for "
                                                 f"{', '.join(missing[:5])} (set preflight.strata_may_change "
                                                 "if the design was redrawn)", file_level=True))
    return out


def _reference(tables: dict[str, LoadedTable], schema: str) -> LoadedTable | None:
    return next((t for t in tables.values() if t.schema.name == schema and t.ok), None)


def _poverty_line_check(cfg, tables, surveys) -> list[Violation]:
    years = {y for t, y, _ in surveys if t.schema.name == "susenas_kp" and y is not None}
    if any(cfg.input_schema(n) == "susenas_kp" for n in cfg.inputs):
        years |= {str(cfg.previous_period), str(cfg.period)}     # the poverty stage uses both
    years = sorted(years)
    if not years:
        return []
    pl = _reference(tables, "poverty_lines")
    if pl is None:
        if any(t.schema.name == "poverty_lines" for t in tables.values()):
            return []              # declared but unreadable: reported by validation
        return [Violation(dataset="config", file=display_path(cfg.path), column="inputs",
                          rule=f"{RULE_PREFIX}a poverty_lines input is declared when Susenas is used "
                               f"(years {', '.join(years)})", severity=FATAL, file_level=True)]
    have = set(pl.df["year"].astype(str).str.strip()) if "year" in pl.df.columns else set()
    missing = [y for y in years if y not in have]
    if missing:
        return [_Where(pl).v("year", f"a poverty line for every Susenas period used: none for "
                                     f"{', '.join(missing)} (add the BPS garis kemiskinan of Kota Bontang)",
                             file_level=True)]
    return []


def preflight_checks(cfg, tables: dict[str, LoadedTable]) -> list[Violation]:
    """Every plausibility check on inputs that were read (unreadable ones are skipped).

    Parameters
    ----------
    cfg : analysis.config.RunConfig
    tables : dict[str, LoadedTable]
        The inputs as read (after corrections, when called from stage 01).

    Returns
    -------
    list[Violation]
        Fatal violations; empty when every check passes.
    """
    conf = settings(cfg)
    out = config_checks(cfg)
    surveys = _survey_tables(cfg, tables, conf)
    wil = _reference(tables, "wilayah")
    kecamatan: list[str] = []
    ref_pop: dict[str, float] | None = None
    if wil is not None and {"level", "bps_code"} <= set(wil.df.columns):
        kec = wil.df[wil.df["level"].astype(str) == "kecamatan"]
        kecamatan = sorted(kec["bps_code"].dropna().astype(str))
        pop_col = conf["population_column"]
        if conf["weight_total_tolerance"] is not None:
            if pop_col in kec.columns:
                pop = _numeric(kec[pop_col])
                ref_pop = {str(k): float(p) for k, p in zip(kec["bps_code"], pop) if pd.notna(k) and pd.notna(p)}
            elif surveys:
                out.append(_Where(wil).v(pop_col, "reference population per kecamatan to check survey weights "
                                                  "against (or set preflight.weight_total_tolerance: null)",
                                         file_level=True))
    for t, year, spec in surveys:
        out += _year_check(t, year)
        wv, _ = _weight_checks(t, spec, conf, ref_pop, kecamatan)
        out += wv
        out += _design_checks(t, spec, cfg, kecamatan)
    if not conf["strata_may_change"]:
        out += _strata_across_years(surveys)
    out += _poverty_line_check(cfg, tables, surveys)
    return out


def preflight_inputs(cfg, contracts) -> dict[str, LoadedTable]:
    """Read only what the pre-flight needs: the survey inputs and the two reference tables."""
    from analysis.cleaning.pipeline import load_inputs

    conf = settings(cfg)
    wanted = set(conf["surveys"]) | {"wilayah", "poverty_lines"}
    names = [n for n in cfg.inputs if cfg.input_schema(n) in wanted]
    sub = _SubConfig(cfg, names)
    tables, _ = load_inputs(sub, contracts)
    return tables


class _SubConfig:
    """A view of a run config restricted to some inputs (for :func:`preflight_inputs`)."""

    def __init__(self, cfg, names):
        self._cfg = cfg
        self.inputs = {n: cfg.inputs[n] for n in names}

    def __getattr__(self, item):
        return getattr(self._cfg, item)


def run_preflight(cfg, contracts=None) -> list[Violation]:
    """Read the inputs the checks need and run :func:`preflight_checks` (nothing is written)."""
    from analysis.contracts import load_contracts

    contracts = load_contracts() if contracts is None else contracts
    tables = preflight_inputs(cfg, contracts)
    # a file that cannot be read is reported by stage 01's validation with every other problem
    return preflight_checks(cfg, {n: t for n, t in tables.items() if t.ok})
