"""Data contracts: the YAML data dictionary that validation reads and the docs are generated from.

Every raw table the pipeline reads is described by one *schema* in a YAML file of this folder
(``registry.yaml``, ``susenas.yaml``, ``sakernas.yaml``, ``reference.yaml``, ``disnaker.yaml``;
format in ``docs/ARCHITECTURE.md``, "Data-contract YAML format"). This module turns the YAML into
frozen dataclasses (:class:`Schema`, :class:`ColumnSpec`, :class:`ForeignKey`) and renders the
same objects as Markdown, so that ``docs/data_dictionary.md`` cannot drift from what
``analysis.cleaning`` validates::

    python -m analysis.contracts --markdown docs/data_dictionary.md   # regenerate
    python -m analysis.contracts --check docs/data_dictionary.md      # exit 1 if out of date

The loader is strict about the *meaning* of a contract (types, severities, key names, foreign
keys pointing at known schemas) because a typo such as ``alowed:`` would otherwise silently
disable a check; purely descriptive extra keys (``unit``, ``notes`` …) are accepted and shown.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml

from analysis import paths

TYPES = ("string", "integer", "float", "date", "flag", "category")
TYPE_ALIASES = {"str": "string", "text": "string", "int": "integer", "double": "float",
                "number": "float", "numeric": "float", "bool": "flag", "boolean": "flag",
                "datetime": "date", "categorical": "category"}
SEVERITIES = ("fatal", "warn")

# The vocabulary of the ``cleaning:`` key. ``analysis.cleaning.rules`` implements each name
# (a test checks that both lists agree); the descriptions go into the data dictionary.
CLEANING_RULES: dict[str, str] = {
    "kelurahan_name": "Free-text kelurahan name matched to the Kemendagri code after case-folding, "
                      "dropping spaces/hyphens/dots and applying `name_variants` of the wilayah "
                      "reference; unmatched names are fatal.",
    "kecamatan_name": "Free-text kecamatan name matched like `kelurahan_name`; when it disagrees "
                      "with the kelurahan's parent the kelurahan wins (logged).",
    "kecamatan_bps": "BPS kecamatan code (6474010/020/030) mapped to the Kemendagri code through the "
                     "wilayah crosswalk (`bps_code`), never by suffix; a kelurahan code outside the "
                     "mapped kecamatan is fatal.",
    "kelurahan_code": "Kemendagri kelurahan code copied to `kode_kel`; it must exist in the wilayah "
                      "reference.",
    "nik_structure": "NIK checked for 16 digits, province 64, birth day 01-31 or 41-71 (+40 for women), "
                     "month 01-12, day code consistent with sex; failures are flagged (`nik_valid`) "
                     "and logged by category, never by number. Residence is never inferred from NIK "
                     "digits.",
    "duplicate_rows": "Rows repeating a key: exact copies are dropped (logged); copies that disagree "
                      "are fatal (fix them with a correction).",
    "age_relation": "Impossible ages (outside the contract range) set missing; household heads or "
                    "spouses under 10, children not younger than the head, families with no or several "
                    "heads, age inconsistent with the birth date are flagged (logged).",
    "expenditure_outlier": "Per-capita expenditure: robust z on the log scale (median/MAD within a "
                           "survey round); |z| > 3.5 flagged, z > 5 winsorised to the z = 5 value "
                           "(food expenditure scaled by the same factor); the lower tail is never "
                           "changed automatically because it drives P0/P1/P2.",
    "flag": "Violations are kept as they are and reported (validation report).",
    "set_missing": "Values violating the column's checks are set missing (logged).",
}

# Rules applied by column name when the contract names none (shown as "(default)" in the docs).
DEFAULT_CLEANING_BY_COLUMN: dict[str, str] = {
    "kelurahan_nama": "kelurahan_name",
    "kecamatan_nama": "kecamatan_name",
    "kode_kecamatan_bps": "kecamatan_bps",
    "kode_kelurahan": "kelurahan_code",
    "nik": "nik_structure",
    "pengeluaran_kapita": "expenditure_outlier",
}

SCHEMA_KEYS = {"title", "provider", "grain", "primary_key", "foreign_keys", "columns", "description",
               "notes", "primary_key_severity", "source", "licence", "license", "frequency", "file",
               "files", "unit", "access", "sheet", "period"}
COLUMN_KEYS = {"type", "description", "source_variable", "required", "nullable", "pii", "pseudonymise",
               "allowed", "allowed_ref", "min", "max", "pattern", "unique", "severity", "cleaning",
               # descriptive only
               "unit", "notes", "note", "example", "examples", "labels", "values_note", "format",
               "derived", "question", "universe", "missing", "title", "label"}
FK_KEYS = {"columns", "references", "ref_columns", "severity", "description", "notes"}
PSEUDONYM_KEYS = ("hh_key", "person_key", "seeker_key")
_REF_RE = re.compile(r"^\s*(?P<schema>\w+)\.(?P<column>\w+)\s*(\[(?P<filters>[^\]]*)\])?\s*$")


class ContractError(ValueError):
    """A contract YAML is malformed; the message names the file, schema and key."""


@dataclass(frozen=True)
class RefSpec:
    """A lookup such as ``wilayah.kemendagri_code[level=kelurahan]``."""

    schema: str
    column: str
    filters: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        f = ",".join(f"{k}={v}" for k, v in self.filters)
        return f"{self.schema}.{self.column}" + (f"[{f}]" if f else "")


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a raw table as promised by its provider."""

    name: str
    type: str = "string"
    description: str = ""
    source_variable: str = ""
    required: bool = True
    nullable: bool = True
    pii: bool = False
    pseudonymise: str | None = None
    allowed: tuple[str, ...] | None = None
    allowed_labels: Mapping[str, str] | None = None
    allowed_ref: RefSpec | None = None
    min: float | None = None
    max: float | None = None
    pattern: str | None = None
    unique: bool = False
    severity: str = "fatal"
    cleaning: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def effective_cleaning(self) -> str | None:
        """The rule that handles violations: the contract's, else the default for the name."""
        return self.cleaning or DEFAULT_CLEANING_BY_COLUMN.get(self.name)


@dataclass(frozen=True)
class ForeignKey:
    """Columns whose values must exist in another table of the same run."""

    columns: tuple[str, ...]
    references: str
    ref_columns: tuple[str, ...]
    severity: str = "fatal"


@dataclass(frozen=True)
class Schema:
    """A raw table's contract."""

    name: str
    title: str = ""
    provider: str = ""
    grain: str = ""
    primary_key: tuple[str, ...] = ()
    primary_key_severity: str = "fatal"
    foreign_keys: tuple[ForeignKey, ...] = ()
    columns: Mapping[str, ColumnSpec] = field(default_factory=dict)
    group: str = ""          # YAML file stem (registry, susenas, …)
    source_file: str = ""    # YAML path relative to the project root
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def pii_columns(self) -> list[str]:
        return [c.name for c in self.columns.values() if c.pii]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns.values() if c.required]

    def pseudonym_sources(self) -> dict[str, str]:
        """Keyed-hash column -> the first column declared as its source."""
        out: dict[str, str] = {}
        for c in self.columns.values():
            if c.pseudonymise and c.pseudonymise not in out:
                out[c.pseudonymise] = c.name
        return out


# -- loading -------------------------------------------------------------------------------------

def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(path)


def parse_ref(text: str, where: str = "") -> RefSpec:
    """Parse ``schema.column[key=value,…]``."""
    m = _REF_RE.match(str(text))
    if not m:
        raise ContractError(f"{where}: allowed_ref {text!r} is not of the form "
                            f"'schema.column[key=value]'")
    filters = []
    if m.group("filters"):
        for part in m.group("filters").split(","):
            if "=" not in part:
                raise ContractError(f"{where}: allowed_ref filter {part!r} needs key=value")
            k, v = part.split("=", 1)
            filters.append((k.strip(), v.strip().strip("'\"")))
    return RefSpec(m.group("schema"), m.group("column"), tuple(filters))


def _code_str(v: Any) -> str:
    """Canonical string of a code written in YAML (``1`` and ``"1"`` and ``1.0`` -> ``"1"``)."""
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _bool(v: Any, where: str, key: str) -> bool:
    if isinstance(v, bool):
        return v
    raise ContractError(f"{where}: '{key}' must be true or false, got {v!r}")


def _number(v: Any, where: str, key: str) -> float | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ContractError(f"{where}: '{key}' must be a number, got {v!r}")
    return float(v)


def _severity(v: Any, where: str) -> str:
    v = "fatal" if v is None else str(v).strip().lower()
    if v == "warning":
        v = "warn"
    if v not in SEVERITIES:
        raise ContractError(f"{where}: severity must be one of {SEVERITIES}, got {v!r}")
    return v


def _columns_list(v: Any, where: str, key: str) -> tuple[str, ...]:
    if v is None:
        return ()
    if isinstance(v, str):
        return (v,)
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return tuple(v)
    raise ContractError(f"{where}: '{key}' must be a column name or a list of column names")


def _parse_column(name: str, spec: Any, where: str) -> ColumnSpec:
    where = f"{where}: column '{name}'"
    if spec is None:
        spec = {}
    if isinstance(spec, str):  # shorthand  col: integer
        spec = {"type": spec}
    if not isinstance(spec, dict):
        raise ContractError(f"{where}: must be a mapping of properties")
    unknown = sorted(set(spec) - COLUMN_KEYS)
    if unknown:
        raise ContractError(f"{where}: unknown key(s) {unknown}; known: {sorted(COLUMN_KEYS)}")
    typ = str(spec.get("type", "string")).strip().lower()
    typ = TYPE_ALIASES.get(typ, typ)
    if typ not in TYPES:
        raise ContractError(f"{where}: type {spec.get('type')!r} is not one of {TYPES}")
    allowed = labels = None
    if spec.get("allowed") is not None:
        a = spec["allowed"]
        if isinstance(a, dict):
            labels = {_code_str(k): str(v) for k, v in a.items()}
            allowed = tuple(labels)
        elif isinstance(a, list):
            allowed = tuple(_code_str(x) for x in a)
        else:
            raise ContractError(f"{where}: 'allowed' must be a list or a mapping code -> label")
    ref = parse_ref(spec["allowed_ref"], where) if spec.get("allowed_ref") else None
    pseud = spec.get("pseudonymise")
    if pseud is not None and pseud not in PSEUDONYM_KEYS:
        raise ContractError(f"{where}: pseudonymise must be one of {PSEUDONYM_KEYS}, got {pseud!r}")
    cleaning = spec.get("cleaning")
    if cleaning is not None and cleaning not in CLEANING_RULES:
        raise ContractError(f"{where}: unknown cleaning rule {cleaning!r}; known: {sorted(CLEANING_RULES)}")
    pattern = spec.get("pattern")
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ContractError(f"{where}: pattern {pattern!r} is not a valid regex: {exc}") from None
    extra = {k: spec[k] for k in spec if k not in {
        "type", "description", "source_variable", "required", "nullable", "pii", "pseudonymise",
        "allowed", "allowed_ref", "min", "max", "pattern", "unique", "severity", "cleaning"}}
    return ColumnSpec(
        name=name, type=typ,
        description=str(spec.get("description", "") or "").strip(),
        source_variable=str(spec.get("source_variable", "") or "").strip(),
        required=_bool(spec.get("required", True), where, "required"),
        nullable=_bool(spec.get("nullable", True), where, "nullable"),
        pii=_bool(spec.get("pii", False), where, "pii"),
        pseudonymise=pseud, allowed=allowed, allowed_labels=labels, allowed_ref=ref,
        min=_number(spec.get("min"), where, "min"), max=_number(spec.get("max"), where, "max"),
        pattern=pattern, unique=_bool(spec.get("unique", False), where, "unique"),
        severity=_severity(spec.get("severity"), where), cleaning=cleaning, extra=extra,
    )


def _parse_schema(name: str, spec: Any, group: str, source: str) -> Schema:
    where = f"{source}: schema '{name}'"
    if not isinstance(spec, dict):
        raise ContractError(f"{where}: must be a mapping")
    unknown = sorted(set(spec) - SCHEMA_KEYS)
    if unknown:
        raise ContractError(f"{where}: unknown key(s) {unknown}; known: {sorted(SCHEMA_KEYS)}")
    cols_spec = spec.get("columns")
    if not isinstance(cols_spec, dict) or not cols_spec:
        raise ContractError(f"{where}: 'columns' must be a non-empty mapping")
    columns = {str(c): _parse_column(str(c), s, where) for c, s in cols_spec.items()}
    pk = _columns_list(spec.get("primary_key"), where, "primary_key")
    for c in pk:
        if c not in columns:
            raise ContractError(f"{where}: primary_key column '{c}' is not among its columns")
    fks = []
    for i, fk in enumerate(spec.get("foreign_keys") or []):
        w = f"{where}: foreign_keys[{i}]"
        if not isinstance(fk, dict) or "references" not in fk or "columns" not in fk:
            raise ContractError(f"{w}: needs 'columns' and 'references'")
        unknown = sorted(set(fk) - FK_KEYS)
        if unknown:
            raise ContractError(f"{w}: unknown key(s) {unknown}")
        cols = _columns_list(fk["columns"], w, "columns")
        ref_cols = _columns_list(fk.get("ref_columns", fk["columns"]), w, "ref_columns")
        if len(cols) != len(ref_cols):
            raise ContractError(f"{w}: 'columns' and 'ref_columns' differ in length")
        for c in cols:
            if c not in columns:
                raise ContractError(f"{w}: column '{c}' is not among the schema's columns")
        fks.append(ForeignKey(cols, str(fk["references"]), ref_cols, _severity(fk.get("severity"), w)))
    extra = {k: spec[k] for k in spec if k not in {"title", "provider", "grain", "primary_key",
                                                   "primary_key_severity", "foreign_keys", "columns"}}
    return Schema(
        name=name, title=str(spec.get("title", "") or ""), provider=str(spec.get("provider", "") or ""),
        grain=str(spec.get("grain", "") or ""), primary_key=pk,
        primary_key_severity=_severity(spec.get("primary_key_severity"), where),
        foreign_keys=tuple(fks), columns=columns, group=group, source_file=source, extra=extra,
    )


def load_contracts(directory: str | Path | None = None) -> dict[str, Schema]:
    """Read every ``*.yaml`` contract of a folder.

    Parameters
    ----------
    directory : str or Path, optional
        Folder of contract YAMLs; default ``src/analysis/contracts``.

    Returns
    -------
    dict[str, Schema]
        Schema name -> contract, in file order (files sorted by name).

    Raises
    ------
    ContractError
        Malformed YAML, unknown keys, unknown types, a schema defined twice, or a foreign key or
        ``allowed_ref`` that points at an unknown schema or column.
    """
    directory = Path(directory) if directory is not None else paths.CONTRACTS_DIR
    out: dict[str, Schema] = {}
    for f in sorted(directory.glob("*.yaml")):
        source = _rel(f)
        try:
            data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ContractError(f"{source}: not valid YAML: {exc}") from None
        schemas = data.get("schemas") if isinstance(data, dict) else None
        if not isinstance(schemas, dict):
            raise ContractError(f"{source}: top level must hold a 'schemas:' mapping")
        for name, spec in schemas.items():
            if name in out:
                raise ContractError(f"{source}: schema '{name}' is already defined in "
                                    f"{out[name].source_file}")
            out[str(name)] = _parse_schema(str(name), spec, f.stem, source)
    _check_references(out)
    return out


def _check_references(contracts: dict[str, Schema]) -> None:
    for s in contracts.values():
        for fk in s.foreign_keys:
            ref = contracts.get(fk.references)
            if ref is None:
                raise ContractError(f"{s.source_file}: schema '{s.name}': foreign key references "
                                    f"unknown schema '{fk.references}'")
            for c in fk.ref_columns:
                if c not in ref.columns:
                    raise ContractError(f"{s.source_file}: schema '{s.name}': foreign key column "
                                        f"'{c}' is not a column of '{fk.references}'")
        for c in s.columns.values():
            r = c.allowed_ref
            if r is None:
                continue
            ref = contracts.get(r.schema)
            if ref is None or r.column not in ref.columns or any(k not in ref.columns for k, _ in r.filters):
                raise ContractError(f"{s.source_file}: schema '{s.name}': column '{c.name}': "
                                    f"allowed_ref '{r}' names an unknown schema or column")


# -- documentation -------------------------------------------------------------------------------

def _md(text: Any) -> str:
    """Escape a value for a Markdown table cell."""
    s = "" if text is None else str(text)
    return s.replace("|", "\\|").replace("\n", " ").strip()


def _num(v: float | None) -> str:
    if v is None:
        return ""
    return str(int(v)) if float(v).is_integer() else repr(v)


def _rules_cell(c: ColumnSpec) -> str:
    parts = []
    if c.allowed is not None:
        if c.allowed_labels and any(c.allowed_labels[k] != k for k in c.allowed):
            parts.append("allowed: " + ", ".join(f"`{k}` {c.allowed_labels[k]}" for k in c.allowed))
        else:
            parts.append("allowed: " + ", ".join(f"`{k}`" for k in c.allowed))
    if c.allowed_ref is not None:
        parts.append(f"in `{c.allowed_ref}`")
    if c.min is not None or c.max is not None:
        parts.append(f"range [{_num(c.min) or '−∞'}, {_num(c.max) or '∞'}]")
    if c.pattern:
        parts.append(f"pattern `{c.pattern}`")
    if c.unique:
        parts.append("unique")
    return "; ".join(parts)


def _has_checks(c: ColumnSpec) -> bool:
    return bool(c.type not in ("string", "category") or not c.nullable or c.allowed is not None
                or c.allowed_ref is not None or c.min is not None or c.max is not None or c.pattern
                or c.unique or c.effective_cleaning)


def to_markdown(contracts: Mapping[str, Schema] | None = None) -> str:
    """Render the contracts as the data dictionary (``docs/data_dictionary.md``)."""
    contracts = load_contracts() if contracts is None else contracts
    lines = [
        "# Data dictionary",
        "",
        "<!-- GENERATED FILE: do not edit. Regenerate with",
        "     python -m analysis.contracts --markdown docs/data_dictionary.md -->",
        "",
        "Generated from the data contracts in `src/analysis/contracts/*.yaml`, the same files that "
        "`analysis.cleaning` validates every raw input against, so this page cannot drift from the "
        "checks. Codes are strings (leading zeros kept). Column legend: **req** = the column must "
        "be present (absence is always fatal); **null** = empty cells allowed; **PII** = direct "
        "identifier, never written to processed data (replaced by the keyed hash in **pseudonym** "
        "when one is named); **severity** = what a violation of the column's checks does "
        "(`fatal` stops the run before anything is written; `warn` is cleaned or flagged by the "
        "named **rule** and logged in `clean/cleaning_log.csv`).",
        "",
        "## Contents",
        "",
    ]
    groups: dict[str, list[Schema]] = {}
    for s in contracts.values():
        groups.setdefault(s.source_file or s.group, []).append(s)
    for src, schemas in groups.items():
        lines.append(f"- `{src}`: " + ", ".join(f"[`{s.name}`](#{s.name.replace('_', '-')})"
                                                 for s in schemas))
    lines.append("")
    for src, schemas in groups.items():
        lines += [f"## `{src}`", ""]
        for s in schemas:
            lines += [f"### {s.name}", ""]
            if s.title:
                lines.append(f"**{_md(s.title)}**" + "  ")
            if s.provider:
                lines.append(f"Provider: {_md(s.provider)}" + "  ")
            if s.grain:
                lines.append(f"Grain: {_md(s.grain)}" + "  ")
            if s.primary_key:
                pk = ", ".join(f"`{c}`" for c in s.primary_key)
                lines.append(f"Primary key: {pk} (duplicates: {s.primary_key_severity})" + "  ")
            for fk in s.foreign_keys:
                lines.append(f"Foreign key: ({', '.join(fk.columns)}) → `{fk.references}`"
                             f"({', '.join(fk.ref_columns)}), {fk.severity}" + "  ")
            for k, v in s.extra.items():
                lines.append(f"{k.replace('_', ' ').capitalize()}: {_md(v)}" + "  ")
            lines += ["", "| column | type | req | null | PII | pseudonym | checks | severity | rule "
                      "| description | source variable |",
                      "|---|---|---|---|---|---|---|---|---|---|---|"]
            for c in s.columns.values():
                rule = c.cleaning or (f"{c.effective_cleaning} (default)" if c.effective_cleaning else "")
                desc = c.description
                for k, v in c.extra.items():
                    desc += f" *{k}*: {v}."
                lines.append("| " + " | ".join([
                    f"`{c.name}`", c.type, "yes" if c.required else "no", "yes" if c.nullable else "no",
                    "**yes**" if c.pii else "", f"`{c.pseudonymise}`" if c.pseudonymise else "",
                    _md(_rules_cell(c)), c.severity if _has_checks(c) else "", _md(rule), _md(desc),
                    _md(c.source_variable),
                ]) + " |")
            lines.append("")
    lines += [
        "## Cleaning rules",
        "",
        "Named in the `cleaning:` key of a column (or applied by column name where marked "
        "*(default)* above). Implemented in `src/analysis/cleaning/rules.py`.",
        "",
        "| rule | what it does |",
        "|---|---|",
    ]
    lines += [f"| `{k}` | {_md(v)} |" for k, v in CLEANING_RULES.items()]
    lines += [
        "",
        "## Columns added in processed data",
        "",
        "`data/processed/<period>/<input>.parquet` holds the raw columns minus PII (and minus any "
        "column not in the contract), typed as above, plus:",
        "",
        "| column | on | meaning |",
        "|---|---|---|",
        "| `hh_key`, `person_key`, `seeker_key` | tables with a `pseudonymise:` column | keyed "
        "HMAC-SHA256 (16 hex characters) of the source column with the run's secret key; the same "
        "key name links tables |",
        "| `kode_kec`, `kode_kel` | tables with geography | Kemendagri kecamatan / kelurahan code "
        "(registry members get their family's) |",
        "| `registry_verified` | registry tables | family verified in the 2025 DTSEN update "
        "(`status_verifikasi == terverifikasi`) |",
        "| `nik_valid` | tables with `nik` | NIK passes the structural check (`nik_structure`) |",
        "| `qc_flags` | every table | `;`-separated names of the cleaning rules that flagged the row "
        "(empty when none) |",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """CLI: ``python -m analysis.contracts --markdown docs/data_dictionary.md [--check]``."""
    import argparse
    import sys

    p = argparse.ArgumentParser(prog="python -m analysis.contracts", description=__doc__.split("\n")[0])
    p.add_argument("--markdown", metavar="PATH", help="write the data dictionary to PATH")
    p.add_argument("--check", metavar="PATH", help="exit 1 if PATH differs from the generated dictionary")
    p.add_argument("--contracts", metavar="DIR", help="folder of contract YAMLs (default: the package's)")
    args = p.parse_args(argv)
    try:
        text = to_markdown(load_contracts(args.contracts))
    except ContractError as exc:
        print(f"contract error: {exc}", file=sys.stderr)
        return 1
    if args.check:
        target = paths.resolve(args.check)
        current = target.read_text(encoding="utf-8") if target.is_file() else None
        if current != text:
            print(f"{args.check} is out of date: run python -m analysis.contracts --markdown "
                  f"{args.check}", file=sys.stderr)
            return 1
    if args.markdown:
        target = paths.resolve(args.markdown)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)  # atomic: a reader never sees half a dictionary
        print(f"wrote {args.markdown} ({len(text.splitlines())} lines)")
    if not args.markdown and not args.check:
        print(text)
    return 0
