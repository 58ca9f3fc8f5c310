"""Validation of raw tables against their contracts, with pandera, reporting every violation.

For every input a pandera ``DataFrameSchema`` is built from its contract (:func:`build_schema`):
required columns, types, empty cells, allowed codes (including ``allowed_ref`` lookups into the
wilayah reference), ranges, patterns, unique columns, the primary key, foreign keys into the other
tables of the run, and the checks of the named cleaning rules (geography, NIK structure). All checks
are custom pandera checks whose functions are vectorised (string and arithmetic operations on whole
columns) so that a 4-million-row registry validates in seconds; each check records which rows
failed, and the schema is run with ``lazy=True`` so that *all* violations of *all* files are
reported at once.

Row numbers
-----------
Rows are named as the statistician sees them when opening the raw file: for CSV and xlsx the
spreadsheet row number, counting the header as row 1 (or, for an xlsx with title rows, the header's
own row number, e.g. 4); for Stata and SPSS files the observation number (``_n``). The report's
``row_reference`` column says which.

Severity
--------
``fatal`` stops the run before anything is written (:class:`DataContractError`); ``warn`` is
cleaned or flagged by a named rule and logged. The table below is also in ``docs/data_dictionary.md`` of
the final report:

- unreadable file (empty, truncated, ragged row, wrong encoding, unsupported format), a missing
  required column, a file without data rows, an unknown kelurahan/kecamatan name, a code outside
  the crosswalk, a kelurahan code outside its kecamatan, a survey weight <= 0: always fatal;
- type, empty cells, allowed codes, ranges, patterns, unique keys: the contract's ``severity``
  (default fatal); exact duplicate rows are always ``warn`` (dropped);
- spelling variants of place names, NIK structure, column not in the contract, Windows-1252
  encoding: warn.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaError, SchemaErrors

from analysis.cleaning import rules
from analysis.cleaning import _vec
from analysis.cleaning._vec import regex_match
from analysis.cleaning.table import LoadedTable
from analysis.contracts import ColumnSpec, ForeignKey, RefSpec
from analysis.cleaning.reader import text_parses_as

FATAL, WARN = "fatal", "warn"
MAX_EXAMPLES = 5
WEIGHT_COLUMNS = ("bobot",)   # survey weights: must be > 0 (design rule, always fatal)
REPORT_COLUMNS = ["dataset", "file", "column", "rule", "severity", "n_rows", "example_rows",
                  "example_values", "row_reference", "handled_by"]


@dataclass(frozen=True)
class Violation:
    """One failed rule in one column of one file."""

    dataset: str
    file: str
    column: str
    rule: str
    severity: str
    n_rows: int = 0
    rows: tuple[int, ...] = ()
    values: tuple[str, ...] = ()
    row_reference: str = ""
    handled_by: str = ""
    file_level: bool = False       # the whole file is unusable (rule says why, incl. the row)

    def message(self) -> str:
        """E.g. ``…/susenas_kp_maret_2024.dta: column 'bobot': rule 'weight > 0' failed in 3 rows
        (rows 12, 57, 311)``."""
        where = f"{self.file}: column '{self.column}'" if self.column else self.file
        if self.file_level or (not self.rows and self.n_rows == 0):
            return f"{where}: {self.rule}"
        rows = ", ".join(str(r) for r in self.rows)
        more = ", …" if self.n_rows > len(self.rows) else ""
        unit = "row" if self.n_rows == 1 else "rows"
        what = f" (e.g. {', '.join(repr(v) for v in self.values[:3])})" if self.values else ""
        return (f"{where}: rule '{self.rule}' failed in {self.n_rows} {unit} "
                f"({unit} {rows}{more}){what}")


class ValidationReport:
    """All violations of a run, as a tidy table and as Markdown."""

    def __init__(self, violations: list[Violation] | None = None):
        self.violations: list[Violation] = list(violations or [])

    def extend(self, vs) -> None:
        self.violations.extend(vs)

    @property
    def fatal(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == FATAL]

    @property
    def warnings(self) -> list[Violation]:
        return [v for v in self.violations if v.severity != FATAL]

    def to_frame(self) -> pd.DataFrame:
        rows = [{
            "dataset": v.dataset, "file": v.file, "column": v.column, "rule": v.rule,
            "severity": v.severity, "n_rows": v.n_rows,
            # ", " and not " ": four 4-digit row numbers joined by spaces read like a NIK
            "example_rows": ", ".join(str(r) for r in v.rows),
            "example_values": " | ".join(v.values), "row_reference": v.row_reference,
            "handled_by": v.handled_by,
        } for v in self.violations]
        df = pd.DataFrame(rows, columns=REPORT_COLUMNS)
        if df.empty:
            return df.astype({"n_rows": "int64"})
        df["_sev"] = (df["severity"] != FATAL).astype(int)
        df = df.sort_values(["_sev", "dataset", "column", "rule"], kind="mergesort").drop(columns="_sev")
        return df.reset_index(drop=True)

    def to_markdown(self, title: str = "Validation report", files: pd.DataFrame | None = None) -> str:
        df = self.to_frame()
        n_f, n_w = len(self.fatal), len(self.warnings)
        lines = [f"# {title}", "",
                 f"{n_f} fatal violation(s), {n_w} warning(s). Fatal violations stop the run before "
                 "anything is written; warnings are cleaned or flagged by the named rule and logged in "
                 "`cleaning_log.csv`.", "",
                 "Row numbers are those you see when you open the raw file: for CSV and Excel files the "
                 "spreadsheet row, counting the header as row 1 (or, for an Excel sheet with title rows, "
                 "the header's own row number); for Stata and SPSS files the observation number (`_n`). "
                 "At most five example rows are listed; values of identifying columns are never shown.", ""]
        if files is not None and not files.empty:
            lines += ["## Files read", "", "| dataset | file | format | encoding | header row | rows | sha256 |",
                      "|---|---|---|---|---|---|---|"]
            for r in files.itertuples(index=False):
                lines.append(f"| {r.dataset} | `{r.file}` | {r.format} | {r.encoding or ''} | "
                             f"{'' if pd.isna(r.header_row) else int(r.header_row)} | {r.n_rows} | "
                             f"`{str(r.sha256)[:12]}…` |")
            lines.append("")
        for sev, head in ((FATAL, "Fatal"), (WARN, "Warnings")):
            part = df[df["severity"] == sev]
            lines += [f"## {head}", ""]
            if part.empty:
                lines += ["None.", ""]
                continue
            lines += ["| dataset | column | rule | rows failing | example rows | example values | handled by |",
                      "|---|---|---|---|---|---|---|"]
            for r in part.itertuples(index=False):
                lines.append("| " + " | ".join(_md(x) for x in (
                    r.dataset, f"`{r.column}`" if r.column else "", r.rule, r.n_rows, r.example_rows,
                    r.example_values, r.handled_by)) + " |")
            lines.append("")
        return "\n".join(lines)


def _md(x) -> str:
    return str(x).replace("|", "\\|").replace("\n", " ")


class DataContractError(ValueError):
    """Raw data break their contract; nothing was written. The message lists every fatal
    violation with file, column, rule and example rows."""

    def __init__(self, violations: list[Violation] | ValidationReport, note: str = ""):
        if isinstance(violations, ValidationReport):
            self.report = violations
        else:
            self.report = ValidationReport(violations)
        fatal = self.report.fatal
        head = (f"{len(fatal)} fatal data-contract violation(s); nothing was written to "
                f"data/processed.{(' ' + note) if note else ''}")
        super().__init__(head + "\n" + "\n".join(f"  - {v.message()}" for v in fatal))


# -- context -------------------------------------------------------------------------------------

@dataclass
class ValidationContext:
    """Everything a check needs beyond its own column: the other tables and the wilayah lookups."""

    tables: dict[str, LoadedTable]
    wilayah: rules.Wilayah | None = None
    options: dict = field(default_factory=dict)
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # (input, column, rule): fatal

    def problem(self, table: LoadedTable, column: str, rule: str) -> None:
        """A fatal finding that concerns the run's setup rather than rows (missing reference)."""
        self.problems.append((table.name, column, rule))

    def tables_of_schema(self, schema: str) -> list[LoadedTable]:
        return [t for t in self.tables.values() if t.schema.name == schema and t.ok]

    def parent_table(self, child: LoadedTable, schema: str) -> list[LoadedTable]:
        """Tables a foreign key of ``child`` refers to (same period when several)."""
        if child.schema.name == schema:
            return [child]
        cands = self.tables_of_schema(schema)
        if len(cands) <= 1:
            return cands
        suffix = child.name.rsplit("_", 1)[-1]
        same = [t for t in cands if t.name.rsplit("_", 1)[-1] == suffix]
        return same or cands

    def ref_values(self, ref: RefSpec) -> set[str] | None:
        tabs = self.tables_of_schema(ref.schema)
        if not tabs:
            return None
        vals: set[str] = set()
        for t in tabs:
            df = t.df
            if ref.column not in df.columns:
                continue
            m = pd.Series(True, index=df.index)
            for k, v in ref.filters:
                if k not in df.columns:
                    m &= False
                else:
                    m &= df[k].astype("str").str.strip().str.casefold() == v.casefold()
            vals |= set(df.loc[m, ref.column].dropna().astype("str").str.strip())
        return vals


# -- building the pandera schema -----------------------------------------------------------------

@dataclass
class _Check:
    uid: str
    column: str        # column label in the report ("" for file level, "a+b" for keys)
    rule: str
    severity: str
    fn: Callable
    wide: bool = False
    handled_by: str = ""
    show_values: bool = True


def _numeric(s: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        return s.astype("float64")
    return pd.to_numeric(s, errors="coerce")


def _as_str(s: pd.Series) -> pd.Series:
    if pd.api.types.is_string_dtype(s) and not pd.api.types.is_object_dtype(s):
        return s
    return rules._text(s).replace("", np.nan).astype("str")


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def _bool(x) -> pd.Series:
    return pd.Series(x).fillna(False).astype(bool)


def _type_ok(s: pd.Series, typ: str) -> pd.Series:
    if typ in ("string", "category"):
        return pd.Series(True, index=s.index)
    if typ in ("integer", "flag"):
        if pd.api.types.is_integer_dtype(s):
            return pd.Series(True, index=s.index)
        if pd.api.types.is_float_dtype(s):
            return s.isna() | (np.floor(s) == s)
        return text_parses_as(_as_str(s), "integer")
    if typ == "float":
        if pd.api.types.is_numeric_dtype(s):
            return pd.Series(True, index=s.index)
        return text_parses_as(_as_str(s), "float")
    if typ == "date":
        if pd.api.types.is_datetime64_any_dtype(s):
            return pd.Series(True, index=s.index)
        return text_parses_as(_as_str(s), "date")
    return pd.Series(True, index=s.index)


def _allowed_ok(s: pd.Series, allowed: tuple[str, ...] | set[str]) -> pd.Series:
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        num = pd.to_numeric(pd.Series(list(allowed), dtype="object"), errors="coerce").dropna()
        return s.isin(set(num.astype("float64"))) | s.isna()
    return _vec.isin(_vec.strip(_as_str(s)), allowed) | s.isna()


def column_checks(table: LoadedTable, col: ColumnSpec, ctx: ValidationContext) -> list[_Check]:
    """The checks of one contract column (see the module docstring for severities)."""
    name, sev = col.name, col.severity
    rule_name = col.effective_cleaning
    checks: list[_Check] = []
    uid = f"{name}#"

    def add(rule, fn, severity=sev, handled_by="", show=not col.pii):
        checks.append(_Check(f"{uid}{len(checks)}", name, rule, severity, fn, handled_by=handled_by,
                             show_values=show))

    if col.type != "string" and col.type != "category":
        add(f"type {col.type}", lambda s, t=col.type: _type_ok(s, t),
            handled_by="set_missing" if sev == WARN else "")
    if not col.nullable:
        add("not empty", lambda s: s.notna())
    if col.type == "flag" and col.allowed is None:
        add("flag is 0 or 1", lambda s: _allowed_ok(s, ("0", "1")))
    geo_rule = rule_name in ("kelurahan_name", "kecamatan_name")
    if col.allowed is not None and not geo_rule:
        shown = ", ".join(col.allowed[:8]) + (", …" if len(col.allowed) > 8 else "")
        add(f"allowed codes ({shown})", lambda s, a=col.allowed: _allowed_ok(s, a),
            handled_by=(rule_name or "flag") if sev == WARN else "")
    if col.allowed_ref is not None and not geo_rule:
        vals = ctx.ref_values(col.allowed_ref)
        if vals is None:
            ctx.problem(table, name, f"allowed_ref: reference table '{col.allowed_ref.schema}' is not "
                                     f"among the run's inputs")
        else:
            add(f"value in {col.allowed_ref}", lambda s, v=frozenset(vals): _allowed_ok(s, v),
                handled_by=(rule_name or "flag") if sev == WARN else "")
    if col.min is not None or col.max is not None:
        lo = -np.inf if col.min is None else col.min
        hi = np.inf if col.max is None else col.max
        text = (f"{_fmt(lo)} ≤ {name} ≤ {_fmt(hi)}" if col.min is not None and col.max is not None
                else f"{name} ≥ {_fmt(lo)}" if col.min is not None else f"{name} ≤ {_fmt(hi)}")
        handler = ("set_missing" if rule_name in ("set_missing", "age_relation") else (rule_name or "flag"))
        add(text, lambda s, lo=lo, hi=hi: (lambda v: v.isna() | ((v >= lo) & (v <= hi)))(_numeric(s)),
            handled_by=handler if sev == WARN else "")
    if name in WEIGHT_COLUMNS:
        add("weight > 0", lambda s: (lambda v: v.isna() | (v > 0))(_numeric(s)), severity=FATAL)
    if col.pattern:
        # a NIK's structure is the nik_structure rule's business: flagged (warn), never fatal
        nik = rule_name == "nik_structure"
        add(f"matches {col.pattern}",
            lambda s, p=col.pattern: regex_match(_as_str(s), p) | s.isna(),
            severity=WARN if nik else sev,
            handled_by="nik_structure" if nik else (rule_name or "flag") if sev == WARN else "")
    if col.unique and tuple(table.schema.primary_key) != (name,):
        first_unique = next(c.name for c in table.schema.columns.values() if c.unique)
        checks.extend(_duplicate_checks(table, [name], sev, name,
                                        exact=not table.schema.primary_key and name == first_unique))
    # named cleaning rules that bring their own checks
    w = ctx.wilayah
    if geo_rule:
        kind = "kelurahan" if rule_name == "kelurahan_name" else "kecamatan"
        if w is None:
            ctx.problem(table, name, f"rule {rule_name}: the wilayah reference is not among the run's inputs")
        else:
            lookup = w.kelurahan_code if kind == "kelurahan" else w.kecamatan_code
            kel_col = next((c.name for c in table.schema.columns.values()
                            if c.effective_cleaning == "kelurahan_name" and c.name in table.df.columns), None)
            if kind == "kecamatan" and kel_col is not None:
                # the kelurahan decides the kecamatan: an unreadable kecamatan name is only fatal
                # when the kelurahan cannot be read either (and that is reported on the kelurahan)
                add("kecamatan name found in the wilayah reference (else taken from the kelurahan)",
                    lambda s, f=lookup: f(s).notna() | s.isna(), severity=WARN, handled_by=rule_name)
            else:
                add(f"{kind} name found in the wilayah reference (names and name_variants)",
                    lambda s, f=lookup: f(s).notna() | s.isna(), severity=FATAL)
            add(f"spelling variant of the official {kind} name (recoded)",
                lambda s, f=lookup: (lambda code: code.isna() | (s.astype("str") == w.official_name(code)))(f(s)),
                severity=WARN, handled_by=rule_name)
    if rule_name == "kecamatan_bps" and col.allowed is None and col.allowed_ref is None and w is not None:
        add("BPS kecamatan code in the wilayah crosswalk (bps_code)",
            lambda s: w.kecamatan_from_bps(_as_str(s)).notna() | s.isna(), severity=FATAL)
    if rule_name == "kelurahan_code" and col.allowed_ref is None and w is not None:
        add("kelurahan code in the wilayah reference",
            lambda s: _vec.isin(_vec.strip(_as_str(s)), w.kel_codes) | s.isna(), severity=FATAL)
    if rule_name == "nik_structure":
        sex_col = "jenis_kelamin" if "jenis_kelamin" in table.df.columns else None
        df = table.df

        def nik_ok(s, df=df, sex_col=sex_col):
            prob = table.cached("nik", (name,) + ((sex_col,) if sex_col else ()),
                                lambda: rules.nik_problem(df[name], df[sex_col] if sex_col else None))
            # the pattern check (when declared) already reports malformed digits
            return prob.isna() | (prob.isin(["length_not_16", "non_digit_character"]) & bool(col.pattern))
        add("NIK structure (16 digits, province 64, day 01-31/41-71, month 01-12, day code vs sex)",
            nik_ok, severity=WARN, handled_by="nik_structure", show=False)
    return checks


def _duplicate_checks(table: LoadedTable, key: list[str], severity: str, label: str,
                      exact: bool = True) -> list[_Check]:
    """Exact copies (warn, dropped) and conflicting duplicates (contract severity) of a key."""
    df = table.df
    if any(k not in df.columns for k in key):
        return []
    exact_mask, conflict = table.cached("duplicates", tuple(key), lambda: rules.duplicate_masks(df, key))
    keytxt = ", ".join(key)
    pii = any(table.schema.columns[k].pii for k in key if k in table.schema.columns)
    out = []
    if exact:
        out.append(_Check(f"dup:{label}:exact", label, f"exact duplicate rows (same {keytxt}, same values)",
                          WARN, lambda d, m=exact_mask: ~m, wide=True, handled_by="duplicate_rows",
                          show_values=False))
    return out + [
        _Check(f"dup:{label}:conflict", label,
               f"({keytxt}) unique (duplicates that differ in other columns)",
               severity, lambda d, m=conflict: ~m, wide=True, show_values=not pii,
               handled_by="duplicate_rows" if severity == WARN else ""),
    ]


def table_checks(table: LoadedTable, ctx: ValidationContext) -> list[_Check]:
    """Checks across the columns of a table and across tables (keys, geography consistency)."""
    s = table.schema
    df = table.df
    checks: list[_Check] = []
    if s.primary_key:
        checks.extend(_duplicate_checks(table, list(s.primary_key), s.primary_key_severity,
                                        "+".join(s.primary_key)))
    for i, fk in enumerate(s.foreign_keys):
        chk = _fk_check(table, fk, ctx, i)
        if chk is not None:
            checks.append(chk)
    w = ctx.wilayah
    if w is not None and {"kode_kecamatan_bps", "kode_kelurahan"} <= set(df.columns):
        def geo_ok(d):
            kec = w.kecamatan_from_bps(_as_str(d["kode_kecamatan_bps"]))
            par = w.parent(_as_str(d["kode_kelurahan"]).str.strip())
            return ~(kec.notna() & par.notna() & (kec != par))
        checks.append(_Check("geo:bps", "kode_kelurahan",
                             "kode_kelurahan lies in the kecamatan of kode_kecamatan_bps (via the crosswalk)",
                             FATAL, geo_ok, wide=True))
    if w is not None and {"kecamatan_nama", "kelurahan_nama"} <= set(df.columns):
        def names_ok(d):
            kel = w.kelurahan_code(d["kelurahan_nama"])
            kec = w.kecamatan_code(d["kecamatan_nama"])
            return ~(kel.notna() & kec.notna() & (w.parent(kel) != kec))
        checks.append(_Check("geo:names", "kecamatan_nama",
                             "kecamatan_nama agrees with the kelurahan's kecamatan (kelurahan wins)",
                             WARN, names_ok, wide=True, handled_by="kecamatan_name"))
    return checks


def _fk_check(table: LoadedTable, fk: ForeignKey, ctx: ValidationContext, i: int) -> _Check | None:
    parents = ctx.parent_table(table, fk.references)
    label = "+".join(fk.columns)
    if any(c not in table.df.columns for c in fk.columns):
        return None  # reported as a missing required column
    if not parents:
        ctx.problem(table, label, f"foreign key: referenced table '{fk.references}' is not among the "
                                  f"run's inputs (or could not be read)")
        return None
    keys = []
    for p in parents:
        if all(c in p.df.columns for c in fk.ref_columns):
            keys.append(_vec.arrow(_key_series(p.df, list(fk.ref_columns))))
    import pyarrow as pa
    import pyarrow.compute as pc
    chunks = [c.cast(pa.string()) for k in keys for c in (k.chunks if isinstance(k, pa.ChunkedArray) else [k])]
    refset = pc.unique(pa.chunked_array(chunks, type=pa.string())).drop_null() if chunks else \
        pa.array([], pa.string())
    pii = any(table.schema.columns[c].pii for c in fk.columns)

    def fk_ok(d):
        k = _key_series(d, list(fk.columns))
        return k.isna() | _vec.isin(k, refset)
    names = ", ".join(p.name for p in parents)
    return _Check(f"fk{i}", label, f"({', '.join(fk.columns)}) exists in {names} "
                                   f"({', '.join(fk.ref_columns)})", fk.severity, fk_ok, wide=True,
                  show_values=not pii)


def _key_series(df: pd.DataFrame, cols: list[str]) -> pd.Series:
    """Key columns as one text key (stripped; missing when any part is missing)."""
    if len(cols) == 1:
        return _vec.strip(_as_str(df[cols[0]]))
    return _vec.join_text(pd.DataFrame({c: _vec.strip(_as_str(df[c])) for c in cols}), cols)


def build_schema(table: LoadedTable, ctx: ValidationContext) -> tuple[pa.DataFrameSchema, dict[str, _Check],
                                                                      dict[str, pd.Series]]:
    """The pandera schema of one input, the check metadata by check name, and the dict the
    check functions write their failing-row masks into."""
    captured: dict[str, pd.Series] = {}
    meta: dict[str, _Check] = {}

    def wrap(chk: _Check):
        def fn(obj):
            try:
                ok = pd.Series(chk.fn(obj), index=obj.index).fillna(False).astype(bool)
            except Exception as exc:  # a check that cannot run is itself a fatal finding
                captured[chk.uid + ":error"] = pd.Series(True, index=obj.index[:1])
                meta[chk.uid + ":error"] = _Check(chk.uid + ":error", chk.column,
                                                  f"check '{chk.rule}' could not run: {type(exc).__name__}: {exc}",
                                                  FATAL, chk.fn)
                return pd.Series(True, index=obj.index)
            captured[chk.uid] = ~ok
            # pandera gets the verdict of the check; the failing rows are read from ``captured``
            # (letting pandera format one failure case per row costs seconds at registry size)
            return bool(ok.all())
        return pa.Check(fn, name=chk.uid, ignore_na=False)

    columns = {}
    df = table.df
    for col in table.schema.columns.values():
        checks = column_checks(table, col, ctx) if col.name in df.columns else []
        for c in checks:
            meta[c.uid] = c
        columns[col.name] = pa.Column(None, checks=[wrap(c) for c in checks if not c.wide],
                                      nullable=True, required=col.required, coerce=False)
        wide_from_col = [c for c in checks if c.wide]
        for c in wide_from_col:
            meta[c.uid] = c
    wide = [c for c in meta.values() if c.wide] + table_checks(table, ctx)
    for c in wide:
        meta[c.uid] = c
    schema = pa.DataFrameSchema(columns, checks=[wrap(c) for c in wide], strict=False, coerce=False,
                                name=table.name)
    return schema, meta, captured


# -- running -------------------------------------------------------------------------------------

def validate_table(table: LoadedTable, ctx: ValidationContext) -> list[Violation]:
    """All violations of one input (reading problems included)."""
    base = dict(dataset=table.name, file=table.file, row_reference=table.row_reference)
    if table.read_error is not None:
        return [Violation(column="", rule=table.read_error.problem, severity=FATAL,
                          rows=(table.read_error.row,) if table.read_error.row else (),
                          n_rows=1 if table.read_error.row else 0, file_level=True, **base)]
    out: list[Violation] = []
    df = table.df
    if table.info is not None and table.info.encoding == "cp1252":
        out.append(Violation(column="", rule="encoding is Windows-1252, not UTF-8 (read and converted)",
                             severity=WARN, **base))
    extra = [c for c in df.columns if c not in table.schema.columns]
    for c in extra:
        out.append(Violation(column=str(c), rule="column not in the contract (not carried into processed data)",
                             severity=WARN, **base))
    if len(df) == 0:
        out.append(Violation(column="", rule="file has no data rows", severity=FATAL, **base))
    n_problems = len(ctx.problems)
    schema, meta, captured = build_schema(table, ctx)
    for _, col, rule in ctx.problems[n_problems:]:
        out.append(Violation(column=col, rule=rule, severity=FATAL, **base))
    try:
        # a shallow copy (no data copied under copy-on-write): pandera attaches the schema to the
        # object it validated, and that object should die with this call
        schema.validate(df.copy(deep=False), lazy=True, inplace=True)
    except SchemaErrors as err:
        fc = err.failure_cases
        missing = fc[fc["check"].astype("str") == "column_in_dataframe"]
        for c in sorted(set(missing["failure_case"].astype("str"))):
            out.append(Violation(column=c, rule="required column is missing", severity=FATAL, **base))
        other = fc[~fc["check"].astype("str").isin(list(meta) + ["column_in_dataframe"])]
        for (col, chk), _ in other.groupby(["column", "check"], dropna=False, sort=True):
            out.append(Violation(column="" if pd.isna(col) else str(col), rule=str(chk), severity=FATAL, **base))
    except SchemaError as err:  # pandera raised eagerly (should not happen with lazy=True)
        out.append(Violation(column=str(getattr(err, "column_name", "") or ""), rule=str(err).splitlines()[0],
                             severity=FATAL, **base))
    for uid, fail in captured.items():
        chk = meta[uid]
        fail = fail[fail]
        if fail.empty:
            continue
        idx = fail.index
        rows = tuple(int(r) for r in table.row_numbers(idx[:MAX_EXAMPLES]))
        values: tuple[str, ...] = ()
        if chk.show_values and chk.column in df.columns:
            vals = rules._text(df.loc[idx, chk.column]).drop_duplicates().head(MAX_EXAMPLES)
            values = tuple(v for v in vals if v != "")
        out.append(Violation(column=chk.column, rule=chk.rule, severity=chk.severity, n_rows=len(idx),
                             rows=rows, values=values, handled_by=chk.handled_by, **base))
    return out


def validate_tables(tables: dict[str, LoadedTable], ctx: ValidationContext | None = None) -> ValidationReport:
    """Validate every input of a run; never raises for data problems (see :class:`DataContractError`)."""
    ctx = ctx or ValidationContext(tables)
    report = ValidationReport()
    for t in tables.values():
        report.extend(validate_table(t, ctx))
    return report
