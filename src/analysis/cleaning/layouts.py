"""Source layouts as data: read files as BPS and Kemensos deliver them into the normalised contract.

The data contracts (``src/analysis/contracts/*.yaml``) stay the internal standard. A *layout*
(``src/analysis/contracts/layouts/<name>.yaml``, one per source and layout version) says how a
delivered file maps onto one contract:

``contract``, ``years``
    The contract it produces and the survey years whose files it fits.
``modules``
    The delivered files, by name pattern (``{year}`` stands for the 4-digit year), the keys they
    join on and, for a module with several rows per key, the ``filter`` that leaves one (e.g. the
    household head in the individual file). The ``main`` module gives the rows (and the row
    numbers of messages); the others are joined m:1 on their keys.
``columns``
    One rule per contract column: ``from`` a source variable (optionally of another ``module``)
    with ``codes`` (numeric code -> category; Stata/SPSS value labels in the file are read and
    quoted when a code is unknown), ``scale`` (unit conversion, multiply), ``format`` (several
    variables into one code, e.g. ``"{R101}{R102}{R103}"`` with ``pad`` widths), ``divide`` (a
    ratio of two variables, e.g. food expenditure per capita, with optional ``round`` decimals), ``file_year`` (the year in the file
    name) or ``fallback`` (a second rule where the first source is empty).

Anything the layout does not foresee stops the run with one line naming the layout, the source
variable and the file: a contract column without a rule, a declared source variable missing from
the file, a code without a category (listed with counts), a file whose name does not match the
pattern, a year outside ``years`` or different from the year of the input, a module row without
its key in the main module. Names are matched without regard to case (DBF deliveries are upper
case, Stata copies often lower case).

``LAYOUT_CONTRACT = "contract"`` is the identity layout: the file already follows the contract.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from analysis import paths
from analysis.cleaning.reader import FileInfo, ReadError, coerce_to_contract, read_table

LAYOUTS_DIR = paths.CONTRACTS_DIR / "layouts"
LAYOUT_CONTRACT = "contract"
RULE_KEYS = {"from", "module", "codes", "labels", "scale", "format", "pad", "divide", "file_year", "fallback",
             "note", "otherwise", "round"}
LAYOUT_KEYS = {"name", "title", "source", "contract", "years", "modules", "columns", "notes", "evidence"}
MODULE_KEYS = {"pattern", "keys", "main", "filter", "note"}


class LayoutError(ReadError):
    """A delivered file does not fit its layout (the message names layout, variable and file)."""


class LayoutDefinitionError(ValueError):
    """A layout YAML is malformed (the message names the YAML file and the key)."""


@dataclass(frozen=True)
class Module:
    name: str
    pattern: str
    keys: tuple[str, ...]
    main: bool = False
    filter: dict = field(default_factory=dict)

    def regex(self) -> re.Pattern:
        parts = re.split(r"(\{year\})", self.pattern)
        rx = "".join(r"(?P<year>\d{4})" if p == "{year}" else re.escape(p) for p in parts)
        return re.compile(rx + r"$", re.IGNORECASE)


@dataclass(frozen=True)
class Layout:
    name: str
    title: str
    contract: str
    years: tuple[int, ...]
    modules: dict[str, Module]
    columns: dict[str, dict]
    source_file: str = ""

    @property
    def main(self) -> Module:
        return next(m for m in self.modules.values() if m.main)

    def variables(self) -> list[tuple[str, str]]:
        """(module, source variable) pairs the layout reads (keys and filters included)."""
        out: list[tuple[str, str]] = []
        for m in self.modules.values():
            out += [(m.name, k) for k in m.keys] + [(m.name, k) for k in m.filter]

        def walk(rule):
            mod = rule.get("module", self.main.name)
            src = rule.get("from")
            for s in ([src] if isinstance(src, str) else list(src or [])):
                out.append((mod, s))
            for s in rule.get("divide") or []:
                out.append((mod, s))
            if rule.get("fallback"):
                walk(rule["fallback"])
        for rule in self.columns.values():
            walk(rule)
        seen, uniq = set(), []
        for x in out:
            if x not in seen:
                seen.add(x)
                uniq.append(x)
        return uniq


def _parse(path: Path) -> Layout:
    where = str(path)
    spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    unknown = set(spec) - LAYOUT_KEYS
    if unknown:
        raise LayoutDefinitionError(f"{where}: unknown key(s) {sorted(unknown)}")
    for k in ("name", "contract", "years", "modules", "columns"):
        if k not in spec:
            raise LayoutDefinitionError(f"{where}: missing key '{k}'")
    modules = {}
    for mname, m in spec["modules"].items():
        bad = set(m) - MODULE_KEYS
        if bad or "pattern" not in m or "keys" not in m:
            raise LayoutDefinitionError(f"{where}: module '{mname}': needs pattern and keys; unknown {sorted(bad)}")
        modules[mname] = Module(name=mname, pattern=str(m["pattern"]), keys=tuple(m["keys"]),
                                main=bool(m.get("main", False)),
                                filter={str(k): str(v) for k, v in (m.get("filter") or {}).items()})
    if sum(m.main for m in modules.values()) != 1:
        raise LayoutDefinitionError(f"{where}: exactly one module must be 'main: true'")

    def check_rule(col, rule, depth=0):
        if not isinstance(rule, dict):
            raise LayoutDefinitionError(f"{where}: column '{col}': rule must be a mapping")
        bad = set(rule) - RULE_KEYS
        if bad:
            raise LayoutDefinitionError(f"{where}: column '{col}': unknown key(s) {sorted(bad)}")
        if not ({"from", "divide", "file_year"} & set(rule)):
            raise LayoutDefinitionError(f"{where}: column '{col}': needs 'from', 'divide' or 'file_year'")
        if rule.get("module") and rule["module"] not in modules:
            raise LayoutDefinitionError(f"{where}: column '{col}': unknown module '{rule['module']}'")
        if rule.get("codes") is not None:
            rule["codes"] = {str(k): (None if v is None else str(v)) for k, v in rule["codes"].items()}
        if rule.get("fallback"):
            check_rule(col, rule["fallback"], depth + 1)

    for col, rule in spec["columns"].items():
        check_rule(col, rule)
    return Layout(name=str(spec["name"]), title=str(spec.get("title", "")), contract=str(spec["contract"]),
                  years=tuple(int(y) for y in spec["years"]), modules=modules, columns=dict(spec["columns"]),
                  source_file=str(path))


def load_layouts(directory: str | Path | None = None, contracts=None) -> dict[str, Layout]:
    """Every layout YAML of a folder, checked against the contracts it names.

    Raises
    ------
    LayoutDefinitionError
        Malformed YAML, an unknown contract, or a required contract column without a rule.
    """
    from analysis.contracts import load_contracts

    directory = Path(directory) if directory else LAYOUTS_DIR
    contracts = load_contracts() if contracts is None else contracts
    out: dict[str, Layout] = {}
    for p in sorted(directory.glob("*.yaml")):
        lay = _parse(p)
        if lay.name in out:
            raise LayoutDefinitionError(f"{p}: layout name '{lay.name}' also in {out[lay.name].source_file}")
        schema = contracts.get(lay.contract)
        if schema is None:
            raise LayoutDefinitionError(f"{p}: contract '{lay.contract}' not found")
        unmapped = [c for c in schema.required_columns if c not in lay.columns]
        if unmapped:
            raise LayoutDefinitionError(f"{p}: layout '{lay.name}': contract column(s) {', '.join(unmapped)} of "
                                        f"'{lay.contract}' have no rule (unmapped variable)")
        extra = [c for c in lay.columns if c not in schema.columns]
        if extra:
            raise LayoutDefinitionError(f"{p}: layout '{lay.name}': column(s) {', '.join(extra)} are not in "
                                        f"contract '{lay.contract}'")
        out[lay.name] = lay
    return out


# -- reading -------------------------------------------------------------------------------------

def _text(s: pd.Series) -> pd.Series:
    """Codes as text: integral floats (Stata stores codes as doubles) without '.0'."""
    from analysis.cleaning.reader import _as_text

    return _as_text(s)


def _value_labels(path: Path) -> dict[str, dict[str, str]]:
    if path.suffix.lower() not in (".dta", ".sav", ".zsav"):
        return {}
    import pyreadstat

    reader = pyreadstat.read_dta if path.suffix.lower() == ".dta" else pyreadstat.read_sav
    _, meta = reader(str(path), metadataonly=True)
    out = {}
    for var, labels in (meta.variable_value_labels or {}).items():
        out[var.casefold()] = {(str(int(k)) if isinstance(k, float) and float(k).is_integer() else str(k)): str(v)
                               for k, v in labels.items()}
    return out


@dataclass
class _ModuleData:
    module: Module
    path: Path
    df: pd.DataFrame
    labels: dict[str, dict[str, str]]
    names: dict[str, str]            # casefolded -> actual column name

    def col(self, layout: Layout, var: str) -> pd.Series:
        actual = self.names.get(var.casefold())
        if actual is None:
            raise LayoutError(self.path, f"layout '{layout.name}': source variable '{var}' (module "
                                         f"'{self.module.name}') is not in the file")
        return self.df[actual]


def file_year(layout: Layout, path: Path) -> int:
    """The year in a main-module file name; the name must match the layout's pattern."""
    m = layout.main.regex().search(Path(path).name)
    if m is None:
        raise LayoutError(path, f"layout '{layout.name}': file name does not match the pattern "
                                f"'{layout.main.pattern}' of module '{layout.main.name}'")
    return int(m.group("year"))


def _read_module(layout: Layout, mod: Module, path: Path) -> _ModuleData:
    if not path.is_file():
        raise LayoutError(path, f"layout '{layout.name}': module '{mod.name}' (pattern '{mod.pattern}') not found")
    df, info = read_table(path)
    names = {str(c).casefold(): str(c) for c in df.columns}
    return _ModuleData(mod, path, df, _value_labels(path), names)


def _apply_rule(layout: Layout, target: str, rule: dict, mods: dict[str, _ModuleData], main_index,
                year: int, only: pd.Series | None = None) -> pd.Series:
    """One contract column from its rule; ``only`` limits the rows whose codes must be known
    (a ``fallback`` is needed only where the first source is empty)."""
    if rule.get("file_year"):
        return pd.Series(str(year), index=main_index, dtype=object)
    md = mods[rule.get("module", layout.main.name)]
    if rule.get("divide"):
        num, den = (pd.to_numeric(md.col(layout, v), errors="coerce") for v in rule["divide"])
        out = num / den
        if rule.get("scale") is not None:
            out = out * float(rule["scale"])
        if rule.get("round") is not None:
            out = out.round(int(rule["round"]))
        return out.astype("float64").map(lambda x: "" if pd.isna(x) else repr(float(x)))
    src = rule["from"]
    if rule.get("format"):
        srcs = [src] if isinstance(src, str) else list(src)
        pad = {str(k): int(v) for k, v in (rule.get("pad") or {}).items()}
        parts = {}
        for v in srcs:
            t = _text(md.col(layout, v)).fillna("")
            parts[v] = t.str.zfill(pad[v]) if v in pad else t
        res = pd.Series("", index=md.df.index, dtype=object)
        for i, piece in enumerate(re.split(r"\{(\w+)\}", rule["format"])):
            res = res + (parts[piece] if i % 2 == 1 else piece)
        empty = pd.concat([parts[v] == "" for v in srcs], axis=1).any(axis=1)
        return res.where(~empty, None)
    s = md.col(layout, src)
    if rule.get("codes") is not None:
        codes = rule["codes"]
        t = _text(s)
        mapped = t.map(codes)
        unknown = t.notna() & ~t.isin(list(codes))
        if only is not None:
            unknown &= only.to_numpy()
        if unknown.any():
            counts = t[unknown].value_counts().sort_index()
            labels = md.labels.get(str(src).casefold(), {})
            listed = ", ".join(f"{k}{' (' + labels[k] + ')' if k in labels else ''}: {n} rows"
                               for k, n in counts.items())
            rows = (md.df.index[unknown.to_numpy()][:5] + (1 if md.path.suffix.lower() in (".dta", ".sav", ".zsav")
                                                            else 2)).tolist()
            raise LayoutError(md.path, f"layout '{layout.name}': source variable '{src}' -> '{target}': unknown "
                                       f"code(s) {listed} (first rows {', '.join(map(str, rows))}); add them to "
                                       f"the layout's codes", row=rows[0])
        out = mapped.where(t.notna(), None)
    elif rule.get("scale") is not None:
        out = (pd.to_numeric(s, errors="coerce") * float(rule["scale"])).map(
            lambda x: "" if pd.isna(x) else repr(float(x)))
        out = out.where(out != "", None)
    else:
        out = _text(s)
    if rule.get("fallback"):
        need = out.isna() | (out.astype(str) == "")
        if only is not None:
            need &= only.to_numpy()
        fb = _apply_rule(layout, target, rule["fallback"], mods, main_index, year, only=need)
        out = out.where(~need, fb)
    return out


def read_with_layout(layout: Layout, path: str | Path, schema=None, *, year: int | str | None = None
                     ) -> tuple[pd.DataFrame, FileInfo]:
    """Read a delivered file (and its modules) into the contract's columns.

    Parameters
    ----------
    layout : Layout
    path : str or Path
        The main module's file; the other modules are found next to it by their patterns.
    schema : analysis.contracts.Schema, optional
        The contract, to convert the columns to its types (as :func:`analysis.io.read_table`).
    year : int, optional
        The year the input is used for; the year in the file name must equal it.

    Returns
    -------
    (DataFrame, FileInfo)
        Contract columns, one row per row of the main module (0-based index = its rows), and the
        main module's file info (row numbers in messages refer to it).

    Raises
    ------
    LayoutError
        Naming the layout, the source variable and the file.
    """
    path = Path(path)
    fy = file_year(layout, path)
    if fy not in layout.years:
        raise LayoutError(path, f"layout '{layout.name}' fits the years {', '.join(map(str, layout.years))}, "
                                f"the file is of {fy} (layout/year mismatch: choose the layout of that year)")
    if year is not None and str(fy) != str(year):
        raise LayoutError(path, f"layout '{layout.name}': the file is of {fy} but the input is used for {year}")
    main_df, info = read_table(path)
    mods = {layout.main.name: _ModuleData(layout.main, path, main_df,
                                          _value_labels(path), {str(c).casefold(): str(c) for c in main_df.columns})}
    main = mods[layout.main.name]
    main_keys = pd.concat([_text(main.col(layout, k)).rename(k) for k in layout.main.keys], axis=1)
    for mod in layout.modules.values():
        if mod.main:
            continue
        mpath = path.parent / mod.pattern.replace("{year}", str(fy))
        md = _read_module(layout, mod, mpath)
        df = md.df
        keep = pd.Series(True, index=df.index)
        for var, val in mod.filter.items():
            keep &= _text(md.col(layout, var)) == val
        df = df[keep.to_numpy()]
        md.df = df
        keys = pd.concat([_text(md.col(layout, k)).rename(k) for k in mod.keys], axis=1)
        dup = keys.duplicated(keep=False)
        if dup.any():
            rows = (df.index[dup.to_numpy()][:5] + 1).tolist()
            raise LayoutError(mpath, f"layout '{layout.name}': module '{mod.name}': key {'+'.join(mod.keys)} "
                                     f"repeats after the filter {mod.filter or '(none)'} (rows {rows})")
        # align the module's rows to the main module's (m:1 on the keys)
        mk = pd.MultiIndex.from_frame(keys)
        pos = pd.Series(np.arange(len(df)), index=mk)
        want = pd.MultiIndex.from_frame(main_keys.set_axis(list(mod.keys), axis=1))
        idx = pos.reindex(want)
        if idx.isna().any():
            miss = main_df.index[idx.isna().to_numpy()]
            rows = info.file_rows(miss[:5]).tolist()
            raise LayoutError(path, f"layout '{layout.name}': {len(miss)} row(s) without a match in module "
                                    f"'{mod.name}' ({mpath.name}) on {'+'.join(mod.keys)} (rows "
                                    f"{', '.join(map(str, rows))})", row=rows[0])
        md.df = df.iloc[idx.to_numpy(dtype="int64")].set_axis(main_df.index)
        mods[mod.name] = md
    cols = {target: _apply_rule(layout, target, rule, mods, main_df.index, fy)
            for target, rule in layout.columns.items()}
    out = pd.DataFrame(cols, index=main_df.index)
    out = out.astype(object).where(out.notna(), None)
    for c in out.columns:
        out[c] = out[c].map(lambda v: None if v is None or v == "" else str(v))
    from analysis.cleaning.reader import _column_types

    types = _column_types(schema) if schema is not None else {}
    out = coerce_to_contract(out, types) if types else out
    return out, info


def read_input(cfg, name: str, schema, layouts: dict[str, Layout] | None = None) -> tuple[pd.DataFrame, FileInfo]:
    """Read one declared input of a run through its layout (``inputs.<name>.layout``)."""
    from analysis.cleaning.preflight import input_year

    spec = cfg.inputs[name]
    lname = spec.get("layout", LAYOUT_CONTRACT)
    if lname == LAYOUT_CONTRACT:
        return read_table(cfg.input_path(name), schema)
    layouts = load_layouts() if layouts is None else layouts
    layout = layouts.get(lname)
    if layout is None:
        raise LayoutError(cfg.input_path(name), f"input '{name}': no layout named '{lname}' in "
                                                f"src/analysis/contracts/layouts ({', '.join(sorted(layouts))})")
    if schema is not None and layout.contract != schema.name:
        raise LayoutError(cfg.input_path(name), f"input '{name}': layout '{lname}' produces contract "
                                                f"'{layout.contract}', the input declares '{schema.name}'")
    return read_with_layout(layout, cfg.input_path(name), schema, year=input_year(cfg, name))


# -- writing (the demo and the tests produce files in a delivered layout) -------------------------

def _inverse_codes(codes: dict[str, str | None]) -> dict[str, str]:
    """Category -> the first code listed for it (the layout's canonical code)."""
    inv: dict[str, str] = {}
    for code, cat in codes.items():
        if cat is not None:
            inv.setdefault(str(cat), str(code))
    return inv


def _roundtrip_product(x: pd.Series, n: pd.Series) -> pd.Series:
    """``x * n`` nudged by a few ulps so that dividing it by ``n`` gives back ``x`` exactly."""
    xv, nv = x.to_numpy("float64"), n.to_numpy("float64")
    f = xv * nv
    for _ in range(8):
        bad = np.isfinite(f) & (f / nv != xv)
        if not bad.any():
            break
        f[bad] = np.nextafter(f[bad], np.where(f[bad] / nv[bad] < xv[bad], np.inf, -np.inf))
    return pd.Series(f, index=x.index)


def to_layout(layout: Layout, df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Contract-layout rows -> one DataFrame per module of ``layout`` (inverse of the rules).

    Raises
    ------
    LayoutError
        When a value has no code in the layout (the layout is coarser than the contract there).
    """
    mods: dict[str, dict[str, pd.Series]] = {m: {} for m in layout.modules}
    main = layout.main.name

    def put(module, var, values):
        mods[module][var] = values

    def text(s):
        return _text(s).where(s.notna(), None)

    for target, rule in layout.columns.items():
        if rule.get("file_year") or target not in df.columns:
            continue
        mod = rule.get("module", main)
        v = df[target]
        if rule.get("divide"):
            num, den = rule["divide"]
            n = pd.to_numeric(df[_source_of(layout, den)], errors="coerce")
            put(mod, num, _roundtrip_product(pd.to_numeric(v, errors="coerce"), n))
            put(mod, den, text(df[_source_of(layout, den)]))
            continue
        src = rule["from"]
        if rule.get("format"):
            srcs = [src] if isinstance(src, str) else list(src)
            pad = {str(k): int(x) for k, x in (rule.get("pad") or {}).items()}
            rx = ""
            for i, piece in enumerate(re.split(r"\{(\w+)\}", rule["format"])):
                rx += (f"(?P<{piece}>.{{{pad[piece]}}})" if piece in pad else f"(?P<{piece}>.+?)") if i % 2 else re.escape(piece)
            parts = text(v).str.extract("^" + rx + "$")
            for s_ in srcs:
                if s_ in mods[mod]:
                    if not (mods[mod][s_].fillna("") == parts[s_].fillna("")).all():
                        raise LayoutError(Path(layout.source_file), f"layout '{layout.name}': '{s_}' differs between "
                                                                    f"the columns built from it")
                put(mod, s_, parts[s_])
            continue
        if rule.get("codes") is not None:
            t = text(v)
            inv = _inverse_codes(rule["codes"])
            fb = rule.get("fallback")
            fb_inv = _inverse_codes(fb["codes"]) if fb and fb.get("codes") else {}
            primary = t.map(inv)
            use_fb = primary.isna() & t.notna() & t.isin(list(fb_inv))
            bad = primary.isna() & t.notna() & ~use_fb
            if bad.any():
                vals = ", ".join(sorted(set(t[bad]))[:5])
                raise LayoutError(Path(layout.source_file), f"layout '{layout.name}': '{target}' value(s) {vals} have "
                                                            f"no code in '{src}' (the layout is coarser there)")
            put(mod, src, primary.where(~use_fb, None))
            if fb:
                fmod = fb.get("module", mod)
                other = str(fb.get("otherwise", ""))
                put(fmod, fb["from"], t.map(fb_inv).where(use_fb, other or None))
            continue
        put(mod, src, text(v) if rule.get("scale") is None else pd.to_numeric(v) / float(rule["scale"]))
    for m in layout.modules.values():
        for k in m.keys:
            if k not in mods[m.name]:
                mods[m.name][k] = mods[main][k]
        for var, val in m.filter.items():
            mods[m.name][var] = pd.Series(val, index=df.index)
    return {m: pd.DataFrame(cols, index=df.index).reset_index(drop=True) for m, cols in mods.items()}


def _source_of(layout: Layout, var: str) -> str:
    """The contract column that a source variable comes from (for ``divide`` denominators)."""
    for target, rule in layout.columns.items():
        if rule.get("from") == var:
            return target
    raise LayoutDefinitionError(f"{layout.source_file}: '{var}' is used in 'divide' but no column comes from it")


def write_layout_files(layout: Layout, df: pd.DataFrame, folder: str | Path, year: int,
                       numeric: bool = True) -> list[Path]:
    """Write contract-layout rows as the delivered module files of ``layout`` (Stata 118 or CSV by
    the pattern's extension), with the codes' categories as Stata value labels."""
    import pyreadstat

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    labels_of: dict[str, dict] = {}
    for rule in layout.columns.values():
        for r in (rule, rule.get("fallback") or {}):
            if r.get("codes") and isinstance(r.get("from"), str):
                labels_of[r["from"]] = {float(c): str(cat) for c, cat in r["codes"].items()
                                        if cat is not None and re.fullmatch(r"\d+", c)}
    for mname, mdf in to_layout(layout, df).items():
        mod = layout.modules[mname]
        path = folder / mod.pattern.replace("{year}", str(year))
        out = mdf.copy()
        if numeric:
            for c in out.columns:
                conv = pd.to_numeric(out[c], errors="coerce")
                if conv.notna().sum() == out[c].notna().sum() and c not in mod.keys:
                    out[c] = conv.astype("float64")
        if path.suffix.lower() == ".dta":
            vl = {c: labels_of[c] for c in out.columns if c in labels_of and out[c].dtype == "float64"}
            pyreadstat.write_dta(out, str(path), version=15, variable_value_labels=vl or None)
        else:
            out.to_csv(path, index=False)
        written.append(path)
    return written
