"""Set up a new period from a folder of raw files: ``python -m analysis.newperiod``.

::

    python -m analysis.newperiod --period 2025 --raw data/raw/2025
    make new-period PERIOD=2025 RAW=data/raw/2025

Nothing of the pipeline runs. The command

1. **inspects** every file of the folder (CSV, xlsx with title rows, Stata, SPSS) and recognises
   which data contract (``src/analysis/contracts/*.yaml``) it follows from its column names; for
   a survey file it reads the survey year inside the file (``tahun``), so the input is named for
   the year the file *holds* (``susenas_2025``), never for its file name;
2. **writes the run config** ``config/<period>.yaml`` from a template (default
   ``config/demo-2024.yaml``, whose thresholds and stage settings it keeps) with the input keys
   the stages expect, ``synthetic: false``, no demo key, an empty corrections folder
   ``data/corrections/<period>/`` and a non-demo masthead (``brief.status: provisional``,
   ``release_number``, ``release_date``);
3. **hashes the raw files** (``MANIFEST.json`` in the raw folder, as
   ``python -m analysis.provenance hash-raw`` does);
4. **lists what is still missing** before anything runs: inputs the template has and the folder
   lacks, a survey of the previous period, the poverty line of each Susenas period, the reference
   population the weights are checked against, the pseudonymisation key.

Exit status 0 when the config was written (even with things missing: they are listed), 1 when the
folder cannot be used (not found, no recognisable file, two files for one input) or the config
exists and ``--force`` was not given.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from analysis import paths

SUPPORTED = {".csv", ".txt", ".xlsx", ".xlsm", ".dta", ".sav", ".zsav"}
SKIP_NAMES = {"MANIFEST.json", "README.md"}
# input key prefix of the survey contracts: the key is <prefix>_<year inside the file>
SURVEY_PREFIX = {"susenas_kp": "susenas", "sakernas": "sakernas"}
YEAR_COLUMN = "tahun"
# a file is recognised as a contract when it has every required column of it; among several, the
# one whose columns it covers best wins (ties: the more specific contract, i.e. more columns)
MIN_SHARE = 1.0


class NewPeriodError(ValueError):
    """The folder cannot be set up as a period (message says why and what to do)."""


@dataclass
class Recognised:
    """One raw file and what it was recognised as."""

    file: str                      # relative to the raw folder, POSIX
    schema: str | None
    layout: str = "contract"
    years: tuple[str, ...] = ()
    note: str = ""


@dataclass
class Plan:
    """What ``newperiod`` found and will write."""

    period: str
    previous: str
    raw_dir: Path
    files: list[Recognised] = field(default_factory=list)
    inputs: dict[str, dict] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# -- reading headers cheaply ---------------------------------------------------------------------

def _csv_header(path: Path) -> list[str]:
    import csv

    for enc in ("utf-8-sig", "cp1252"):
        try:
            with open(path, encoding=enc, newline="") as fh:
                return [h.strip() for h in next(csv.reader(fh), [])]
        except UnicodeDecodeError:
            continue
    return []


def _stat_header(path: Path) -> list[str]:
    import pyreadstat

    reader = pyreadstat.read_dta if path.suffix.lower() == ".dta" else pyreadstat.read_sav
    _, meta = reader(str(path), metadataonly=True)
    return list(meta.column_names)


def _xlsx_rows(path: Path, max_rows: int = 30) -> list[list[str]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        rows = []
        for i, row in enumerate(ws.iter_rows(values_only=True)):
            if i >= max_rows:
                break
            rows.append([str(v).strip() for v in row if v is not None and str(v).strip()])
        return rows
    finally:
        wb.close()


def header_candidates(path: Path) -> list[list[str]]:
    """Possible header rows of a raw file (one for CSV/Stata/SPSS; the first rows of a sheet)."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return [_csv_header(path)]
    if suffix in (".dta", ".sav", ".zsav"):
        return [_stat_header(path)]
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    return []


# -- recognising contracts -------------------------------------------------------------------------

def recognise(columns_options: list[list[str]], contracts) -> tuple[str | None, float]:
    """The contract a file follows, from its header: every required column present, best cover."""
    best: tuple[str | None, float, int] = (None, 0.0, 0)
    for cols in columns_options:
        have = {c.strip().casefold() for c in cols}
        if not have:
            continue
        for name, schema in contracts.items():
            required = [c.casefold() for c in schema.required_columns]
            if not required or not all(c in have for c in required):
                continue
            known = {c.casefold() for c in schema.columns}
            cover = len(have & known) / max(len(have), 1)
            key = (cover, len(known))
            if best[0] is None or key > (best[1], best[2]):
                best = (name, cover, len(known))
    return best[0], best[1]


def _recognise_layout(path: Path, layouts) -> Recognised | None:
    """A delivered file recognised by a source layout's file pattern (its year from the name)."""
    rel = path.name
    fits, mismatch = [], []
    for lay in layouts.values():
        for mod in lay.modules.values():
            m = mod.regex().search(path.name)
            if m is None:
                continue
            year = int(m.group("year"))
            if not mod.main:
                return Recognised(rel, None, layout=lay.name, years=(str(year),),
                                  note=f"module '{mod.name}' of layout {lay.name} (read with its main file)")
            (fits if year in lay.years else mismatch).append((lay, year))
    if fits:
        lay, year = fits[0]
        return Recognised(rel, lay.contract, layout=lay.name, years=(str(year),))
    if mismatch:
        lay, year = mismatch[0]
        return Recognised(rel, None, layout=lay.name, years=(str(year),),
                          note=f"file of {year} but layout {lay.name} fits {', '.join(map(str, lay.years))}: add a "
                               "layout for that year (src/analysis/contracts/layouts/); not used")
    return None


def survey_years(path: Path) -> tuple[str, ...]:
    """Distinct values of ``tahun`` in a survey file (as text, sorted)."""
    import pandas as pd

    suffix = path.suffix.lower()
    if suffix in (".dta", ".sav", ".zsav"):
        import pyreadstat

        reader = pyreadstat.read_dta if suffix == ".dta" else pyreadstat.read_sav
        cols = _stat_header(path)
        col = next((c for c in cols if c.casefold() == YEAR_COLUMN), None)
        if col is None:
            return ()
        df, _ = reader(str(path), usecols=[col])
        s = df[col]
    else:
        from analysis.cleaning.reader import read_table

        df, _ = read_table(path)
        col = next((c for c in df.columns if str(c).casefold() == YEAR_COLUMN), None)
        if col is None:
            return ()
        s = df[col]
    vals = pd.to_numeric(s, errors="coerce").dropna().astype(int).astype(str)
    return tuple(sorted(set(vals)))


# -- the plan --------------------------------------------------------------------------------------

def _template_inputs(template: dict) -> dict[str, dict]:
    out = {}
    for name, spec in (template.get("inputs") or {}).items():
        spec = {"file": spec} if isinstance(spec, str) else dict(spec)
        spec.setdefault("schema", name)
        out[name] = spec
    return out


def inspect(raw_dir: Path, period: str, previous: str, template: dict, contracts=None) -> Plan:
    """Recognise every file of ``raw_dir`` and map it to the input keys of the run."""
    from analysis.contracts import load_contracts

    contracts = load_contracts() if contracts is None else contracts
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise NewPeriodError(f"{raw_dir}: raw folder not found")
    plan = Plan(period=period, previous=previous, raw_dir=raw_dir)
    from analysis.cleaning.layouts import load_layouts

    layouts = load_layouts(contracts=contracts)
    files = sorted(p for p in raw_dir.rglob("*") if p.is_file() and p.name not in SKIP_NAMES
                   and not p.name.startswith((".", "~$")))
    for p in files:
        rel = p.relative_to(raw_dir).as_posix()
        if p.suffix.lower() not in SUPPORTED:
            plan.files.append(Recognised(rel, None, note=f"not a data file ({p.suffix or 'no extension'}): ignored"))
            continue
        by_layout = _recognise_layout(p, layouts)
        if by_layout is not None:
            by_layout.file = rel
            plan.files.append(by_layout)
            continue
        try:
            schema, _ = recognise(header_candidates(p), contracts)
        except Exception as exc:       # an unreadable file: say so, do not stop the inspection
            plan.files.append(Recognised(rel, None, note=f"cannot be read: {type(exc).__name__}: {exc}"))
            continue
        if schema is None:
            plan.files.append(Recognised(rel, None, note="no data contract matches its columns: ignored "
                                                         "(see docs/data_dictionary.md)"))
            continue
        rec = Recognised(rel, schema)
        if schema in SURVEY_PREFIX:
            rec.years = survey_years(p)
        plan.files.append(rec)

    tmpl = _template_inputs(template)
    key_of_schema: dict[str, str] = {}
    for name, spec in tmpl.items():
        if spec["schema"] not in SURVEY_PREFIX:
            key_of_schema.setdefault(spec["schema"], name)
    taken: dict[str, str] = {}
    for rec in plan.files:
        if rec.schema is None:
            continue
        if rec.schema in SURVEY_PREFIX:
            if len(rec.years) != 1:
                rec.note = (f"survey file holds years {', '.join(rec.years) or '(none)'}: one year per file "
                            "is expected; not used")
                continue
            key = f"{SURVEY_PREFIX[rec.schema]}_{rec.years[0]}"
            if rec.years[0] not in (period, previous):
                rec.note = f"survey of {rec.years[0]}: neither {period} nor {previous}; not used"
                continue
        else:
            key = key_of_schema.get(rec.schema, rec.schema)
        if key in taken:
            raise NewPeriodError(f"{raw_dir}: two files for input '{key}': {taken[key]} and {rec.file}; "
                                 "keep one")
        taken[key] = rec.file
        spec = {"file": rec.file, "schema": rec.schema}
        if rec.layout != "contract":
            spec["layout"] = rec.layout
        plan.inputs[key] = spec

    wanted = []
    for name, spec in tmpl.items():
        if spec["schema"] in SURVEY_PREFIX:
            prefix = SURVEY_PREFIX[spec["schema"]]
            for y in (previous, period):
                if f"{prefix}_{y}" not in wanted:
                    wanted.append(f"{prefix}_{y}")
        else:
            wanted.append(name)
    for key in wanted:
        if key not in plan.inputs:
            schema = tmpl.get(key, {}).get("schema") or next(
                (s for s, pre in SURVEY_PREFIX.items() if key.startswith(pre + "_")), key)
            plan.missing.append(f"input '{key}' (contract '{schema}'): no file in the folder follows it")
    plan.inputs = {k: plan.inputs[k] for k in sorted(plan.inputs, key=lambda k: (k not in wanted,
                                                                             wanted.index(k) if k in wanted else 0, k))}
    _reference_gaps(plan)
    return plan


def _reference_gaps(plan: Plan) -> None:
    """Poverty lines and reference population, read from the recognised reference files."""
    from analysis.cleaning.reader import read_table

    pl = plan.inputs.get("poverty_lines")
    susenas_years = [y for y in (plan.previous, plan.period) if f"susenas_{y}" in plan.inputs]
    if pl is not None:
        df, _ = read_table(plan.raw_dir / pl["file"])
        have = set(df["year"].astype(str).str.strip()) if "year" in df.columns else set()
        for y in (plan.previous, plan.period):
            if y not in have:
                plan.missing.append(f"poverty line of {y} in {pl['file']} (row year={y}: the BPS garis "
                                    "kemiskinan of Kota Bontang, Rp per capita per month, with its source)")
    elif susenas_years:
        plan.missing.append("poverty_lines reference file (year, garis_kemiskinan_rp, source, grade)")
    wil = plan.inputs.get("wilayah")
    if wil is not None:
        df, _ = read_table(plan.raw_dir / wil["file"])
        pops = sorted(c for c in df.columns if str(c).startswith("population_"))
        if not pops:
            plan.missing.append(f"reference population per kecamatan in {wil['file']} (column population_<year>), "
                                "against which survey weights are checked")
        else:
            plan.notes.append(f"survey weights will be checked against {pops[-1]} of {wil['file']}")


# -- writing ----------------------------------------------------------------------------------------

def _q(v) -> str:
    """A double-quoted YAML scalar (the Makefile reads period/raw_dir/corrections_dir this way)."""
    return json.dumps(str(v), ensure_ascii=False)


def _rel_to_root(p: Path) -> str:
    p = Path(p).resolve()
    try:
        return p.relative_to(paths.ROOT).as_posix()
    except ValueError:
        return p.as_posix()


def render_config(plan: Plan, template: dict, *, corrections_dir: Path, release_number: str,
                  release_date: str, status: str, config_name: str = "config/<period>.yaml") -> str:
    """The text of the new run config (top-level scalars double-quoted for the Makefile)."""
    keep = {k: v for k, v in template.items()
            if k not in {"period", "previous_period", "synthetic", "raw_dir", "corrections_dir", "languages",
                         "seed", "release_date", "pseudonym_key_env", "demo_pseudonym_key", "brief", "inputs"}}
    brief = dict(template.get("brief") or {})
    brief.update(status=status, release_number=release_number)
    lines = [
        f"# Run of period {plan.period}, written by `python -m analysis.newperiod` from {plan.raw_dir.name}/.",
        "# Check the lines marked CHECK, add what `newperiod` listed as missing, then:",
        f"#   make report CONFIG={config_name}",
        f"period: {_q(plan.period)}",
        f"previous_period: {_q(plan.previous)}",
        "synthetic: false",
        f"raw_dir: {_q(_rel_to_root(plan.raw_dir))}",
        f"corrections_dir: {_q(_rel_to_root(corrections_dir))}",
        f"languages: [{', '.join(template.get('languages') or ['id', 'en'])}]",
        f"seed: {int(template.get('seed', 1))}",
        f"release_date: {_q(release_date)}          # CHECK: date printed on the briefs",
        f"pseudonym_key_env: {template.get('pseudonym_key_env', 'BONTANG_PSEUDONYM_KEY')}",
        "# Masthead of the briefs (CHECK release_number).",
        yaml.safe_dump({"brief": brief}, sort_keys=False, allow_unicode=True, width=110).rstrip(),
        yaml.safe_dump(keep, sort_keys=False, allow_unicode=True, width=110).rstrip() if keep else "",
        "inputs:",
    ]
    for key, spec in plan.inputs.items():
        inner = ", ".join(f"{k}: {_q(v) if ' ' in str(v) else v}" for k, v in spec.items())
        lines.append(f"  {key}: {{{inner}}}")
    return "\n".join(x for x in lines if x != "") + "\n"


CORRECTIONS_README = """# Corrections of period {period}

One CSV per dataset (`<input name>.csv`, e.g. `dtsen_households.csv`) with the columns
`key_column, key_value, column, old_value, new_value, n_expected, reason, who`; each correction
must match exactly `n_expected` rows holding `old_value`. See `data/corrections/demo/README.md`.
An empty folder means: no corrections.
"""


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m analysis.newperiod", description=__doc__.splitlines()[0])
    p.add_argument("--period", required=True, help="reference year of the run, e.g. 2025")
    p.add_argument("--raw", required=True, help="folder holding the raw files of the period")
    p.add_argument("--previous", default=None, help="previous period (default: period - 1)")
    p.add_argument("--config", default=None, help="config to write (default: config/<period>.yaml)")
    p.add_argument("--template", default="config/demo-2024.yaml", help="config whose settings are kept")
    p.add_argument("--corrections", default=None, help="corrections folder (default: data/corrections/<period>)")
    p.add_argument("--release-number", default=None, help="masthead release number (default: <period>/6474/01)")
    p.add_argument("--release-date", default=None, help="date printed on the briefs (default: today, UTC)")
    p.add_argument("--status", default="provisional", choices=["provisional", "official", "experimental"])
    p.add_argument("--no-hash", action="store_true", help="do not write the raw folder's MANIFEST.json")
    p.add_argument("--force", action="store_true", help="overwrite an existing config")
    args = p.parse_args(argv)

    period = str(args.period)
    if not re.fullmatch(r"\d{4}", period):
        print(f"ERROR: --period must be a year, got {period!r}", file=sys.stderr)
        return 1
    previous = str(args.previous or int(period) - 1)
    raw = paths.resolve(args.raw)
    config_path = paths.resolve(args.config or f"config/{period}.yaml")
    corrections = paths.resolve(args.corrections or f"data/corrections/{period}")
    template_path = paths.resolve(args.template)
    try:
        if config_path.exists() and not args.force:
            raise NewPeriodError(f"{config_path}: exists; use --force to overwrite or --config to write elsewhere")
        template = yaml.safe_load(template_path.read_text(encoding="utf-8")) or {}
        plan = inspect(raw, period, previous, template)
        if not plan.inputs:
            raise NewPeriodError(f"{raw}: no file follows a data contract (see docs/data_dictionary.md)")
    except (NewPeriodError, OSError, ValueError) as exc:
        print(f"ERROR: {exc}".replace("\n", " "), file=sys.stderr)
        return 1

    print(f"Inspected {_rel_to_root(raw)}/ ({len(plan.files)} files):")
    for rec in plan.files:
        used = next((k for k, s in plan.inputs.items() if s["file"] == rec.file), None)
        what = f"{rec.schema} ({rec.layout})" if rec.schema else "-"
        yrs = f", year {', '.join(rec.years)}" if rec.years else ""
        print(f"  {rec.file:<45} {what}{yrs}" + (f" -> {used}" if used else "") + (f"  [{rec.note}]" if rec.note else ""))

    release_number = args.release_number or f"{period}/6474/01"
    release_date = args.release_date or _dt.datetime.now(_dt.timezone.utc).date().isoformat()
    text = render_config(plan, template, corrections_dir=corrections, release_number=release_number,
                         release_date=release_date, status=args.status,
                         config_name=_rel_to_root(config_path))
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(text, encoding="utf-8")
    corrections.mkdir(parents=True, exist_ok=True)
    readme = corrections / "README.md"
    if not readme.exists():
        readme.write_text(CORRECTIONS_README.format(period=period), encoding="utf-8")
    print(f"Wrote {_rel_to_root(config_path)} ({len(plan.inputs)} inputs; synthetic: false; brief.status: "
          f"{args.status}; release_number {release_number}; release_date {release_date})")
    print(f"Corrections folder {_rel_to_root(corrections)}/ (empty: no corrections)")
    if not args.no_hash:
        from analysis.provenance import hash_raw

        man = hash_raw(raw)
        n = len(json.loads(man.read_text(encoding="utf-8"))["files"])
        print(f"Hashed {n} raw files into {_rel_to_root(man)}")
    for note in plan.notes:
        print(f"Note: {note}")
    missing = list(plan.missing)
    import os

    from analysis.cleaning.pseudonymise import MIN_KEY_CHARS

    key_env = template.get("pseudonym_key_env", "BONTANG_PSEUDONYM_KEY")
    key_file = paths.ROOT / ".pseudonym_key"
    key = os.environ.get(key_env) or (key_file.read_text(encoding="utf-8").strip() if key_file.is_file() else "")
    if not key:
        missing.append(f"pseudonymisation key: export {key_env}=... or write it to .pseudonym_key (never commit it)")
    elif len(key) < MIN_KEY_CHARS:
        missing.append(f"pseudonymisation key: the one found has fewer than {MIN_KEY_CHARS} characters")
    if missing:
        print(f"Still missing before `make report CONFIG={_rel_to_root(config_path)}` ({len(missing)}):")
        for m in missing:
            print(f"  - {m}")
    else:
        print(f"Nothing missing. Next: make report CONFIG={_rel_to_root(config_path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
