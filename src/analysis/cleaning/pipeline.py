"""Stage 01: read, validate, correct, clean, pseudonymise and write the raw inputs of a run.

:func:`run_clean_stage` does everything in memory and raises :class:`DataContractError` when any
input breaks a fatal rule of its contract; :func:`write_clean_outputs` writes the result. Writing
is all-or-nothing (:func:`analysis.stage.write_outputs`): every file is first written to a staging
folder that replaces ``data/processed/<period>/`` only when all of them were written; on any
failure ``data/processed/`` stays byte-for-byte as it was. Raw files are opened
read-only and never modified.

Order of work (all inputs at each step before the next step):

1. read every input declared in ``cfg.inputs`` with its contract (:func:`analysis.cleaning.reader.read_table`);
2. apply the documented corrections (``cfg.corrections_dir``), checking each one's row count and
   old value (iecorrect);
3. validate every input against its contract, foreign keys across inputs included
   (:mod:`analysis.cleaning.validate`) -- stop here with *every* fatal violation listed;
4. clean by rules (:mod:`analysis.cleaning.rules`), logging every changed, dropped or flagged row;
5. map geography to ``kode_kec``/``kode_kel``; registry progress tables
   (:mod:`analysis.cleaning.progress`);
6. pseudonymise (keyed hashes) and drop every PII column (:mod:`analysis.cleaning.pseudonymise`).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import disclosure, paths
from analysis.cleaning import rules
from analysis.cleaning import _vec
from analysis.cleaning._vec import regex_match
from analysis.cleaning.corrections import apply_corrections
from analysis.cleaning.layouts import read_input
from analysis.cleaning.preflight import preflight_checks
from analysis.cleaning.progress import progress_tables
from analysis.cleaning.pseudonymise import Pseudonymiser, primary_pseudonym, pseudonymise, resolve_key, row_keys
from analysis.cleaning.rules import CleaningLog
from analysis.cleaning.table import LoadedTable
from analysis.cleaning.validate import (FATAL, WARN, DataContractError, ValidationContext, ValidationReport,
                                        Violation, _as_str, _numeric, _type_ok, validate_tables)
from analysis.cleaning.reader import ReadError, coerce_to_contract, read_table
from analysis.codes import kecamatan_codes
from analysis.contracts import Schema, load_contracts
from analysis.stage import STAGES, settings, write_outputs

CLEAN_DIR = "clean"
# row-level side outputs: written only to the restricted tier (restricted/<period>/clean/), never
# to data/processed or reports (analysis.paths.restricted_dir; docs/ARCHITECTURE.md "Two tiers")
RESTRICTED_CLEAN = ("cleaning_log", "corrections_applied", "validation_detail")
VALIDATION_PUBLIC_COLUMNS = ["dataset", "file", "column", "rule", "severity", "n_rows", "row_reference", "handled_by"]
INPUT_FILES_COLUMNS = ["dataset", "file", "format", "encoding", "header_row", "sha256", "n_rows"]
# members take the geography of their family ("via household", docs/ARCHITECTURE.md)
GEOGRAPHY_VIA = {"dtsen_members": ("dtsen_households", "id_keluarga")}
FLAG_ACTIONS = ("flagged", "winsorised", "set_missing", "corrected")
CLEANING_DEFAULTS = {"outlier_z_flag": rules.DEFAULT_Z_FLAG, "outlier_z_winsorise": rules.DEFAULT_Z_WINSORISE}
"""Keys of the config's ``cleaning:`` section (robust z of log expenditure: flag, winsorise)."""


@dataclass
class CleanOutputs:
    """Everything stage 01 writes, in memory.

    Attributes
    ----------
    period : str
    tables : dict[str, DataFrame]
        Processed tables by input name (``dtsen_households``, ``susenas_2024`` …): typed, no PII,
        with keyed pseudonyms, ``kode_kec``/``kode_kel``, ``registry_verified``, ``qc_flags``.
    clean : dict[str, DataFrame]
        ``clean/`` tables. Aggregates (``data/processed/<period>/clean/``): ``cleaning_summary``
        (rows by dataset, rule, column and action), ``cleaning_by_kecamatan`` (the same by
        kecamatan, suppressed), ``validation_report`` (without example rows or values),
        ``progress_kecamatan``, ``progress_kelurahan``, ``progress_reasons``,
        ``decile_transitions``, ``input_files``. Row-level (:data:`RESTRICTED_CLEAN`, written to
        ``restricted/<period>/clean/`` only): ``cleaning_log``, ``corrections_applied``,
        ``validation_detail`` (the full report with example rows and values).
    validation_markdown : str
        The full report (example rows and values: restricted tier).
    report : ValidationReport
    key_source : str
        Where the pseudonymisation key came from (never the key itself).
    """

    period: str
    tables: dict[str, pd.DataFrame]
    clean: dict[str, pd.DataFrame]
    validation_markdown: str
    report: ValidationReport
    key_source: str
    files: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)   # seconds per step (benchmarks)


# -- reading -------------------------------------------------------------------------------------

def load_inputs(cfg, contracts: dict[str, Schema]) -> tuple[dict[str, LoadedTable], list[Violation]]:
    """Read every declared input; reading problems become fatal violations, not exceptions."""
    tables: dict[str, LoadedTable] = {}
    problems: list[Violation] = []
    for name in cfg.inputs:
        path = cfg.input_path(name)
        schema_name = cfg.input_schema(name)
        schema = contracts.get(schema_name)
        if schema is None:
            problems.append(Violation(dataset=name, file=str(path), column="", severity=FATAL,
                                      rule=f"no data contract named '{schema_name}' in src/analysis/contracts"))
            continue
        t = LoadedTable(name=name, schema=schema, path=path)
        try:
            # the file as delivered (BPS/Kemensos layout named in the config) or in the contract's own
            t.df, t.info = read_input(cfg, name, schema)
        except ReadError as exc:
            t.read_error = exc
        tables[name] = t
    return tables, problems


def raw_kecamatan_codes(cfg) -> list[str]:
    """Kemendagri kecamatan codes of the run's raw wilayah table, sorted.

    Make needs them to name the kecamatan briefs before stage 01 has run (``analysis.makeinputs``).
    """
    name = next((n for n in cfg.inputs if cfg.input_schema(n) == "wilayah"), None)
    if name is None:
        raise ValueError(f"{cfg.path}: no input with schema 'wilayah' under 'inputs'")
    df, _ = read_table(cfg.input_path(name), load_contracts()["wilayah"])
    return kecamatan_codes(df)


def _wilayah(tables: dict[str, LoadedTable]) -> tuple[rules.Wilayah | None, list[Violation]]:
    for t in tables.values():
        if t.schema.name == "wilayah" and t.ok:
            try:
                return rules.Wilayah(t.df), []
            except ValueError as exc:
                return None, [Violation(dataset=t.name, file=t.file, column="", rule=str(exc), severity=FATAL)]
    return None, []


# -- the stage -----------------------------------------------------------------------------------

def run_clean_stage(cfg, contracts: dict[str, Schema] | None = None) -> CleanOutputs:
    """Read, validate, correct, clean and pseudonymise every input of a run (nothing written).

    Parameters
    ----------
    cfg : analysis.config.RunConfig
    contracts : dict, optional
        Contracts to validate against (default: :func:`analysis.contracts.load_contracts`).

    Returns
    -------
    CleanOutputs

    Raises
    ------
    DataContractError
        When any input breaks a fatal rule (unreadable file, missing column, wrong type, unknown
        kelurahan, conflicting duplicates, a correction that does not match …). The message lists
        every fatal violation of every file with file, column, rule and example row numbers.
    analysis.cleaning.pseudonymise.PseudonymKeyError
        A real run without a pseudonymisation key (checked before reading any data).
    """
    try:
        return _run(cfg, contracts)
    finally:
        _vec.clear_cache()     # cached encodings hold column arrays: never keep them past a run


def _run(cfg, contracts: dict[str, Schema] | None = None) -> CleanOutputs:
    import time

    timings: dict[str, float] = {}
    clock = [time.perf_counter()]

    def lap(name: str) -> None:
        now = time.perf_counter()
        timings[name] = round(now - clock[0], 3)
        clock[0] = now
        if os.environ.get("ANALYSIS_CLEAN_PROFILE"):
            import resource
            print(f"  {name:<14} {timings[name]:6.1f} s  peak RSS so far "
                  f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2:.2f} GiB", flush=True)

    contracts = load_contracts() if contracts is None else contracts
    key, key_source = resolve_key(cfg)
    pz = Pseudonymiser(key)
    opts = settings(cfg, "cleaning", CLEANING_DEFAULTS)

    tables, problems = load_inputs(cfg, contracts)
    wilayah, wproblems = _wilayah(tables)
    problems += wproblems
    lap("read")
    for t in tables.values():
        if t.ok:
            t.row_key = row_keys(t.df, t.schema, pz)
    lap("row_keys")

    log = CleaningLog()
    corr_problems, corr_summary = apply_corrections(tables, cfg.corrections_dir, log)
    lap("corrections")
    ctx = ValidationContext(tables, wilayah, opts)
    report = validate_tables(tables, ctx)
    report.extend(problems + corr_problems)
    # plausibility of well-formed files (years, weight totals, coverage, poverty lines)
    report.extend(preflight_checks(cfg, {n: t for n, t in tables.items() if t.ok}))
    lap("validate")
    if report.fatal:
        raise DataContractError(report)

    for t in tables.values():
        _clean_table(t, wilayah, log, opts)
    _geography_via_parent(tables, log)
    log_df = log.frame(with_index=True)
    by_kec = _log_by_kecamatan(log_df, tables, dict(wilayah.name_of) if wilayah is not None else {},
                               disclosure.Rules.from_config(cfg))
    lap("rules")

    # registry progress (before pseudonymisation: it needs only codes and statuses)
    clean: dict[str, pd.DataFrame] = {}
    hh = next((t for t in tables.values() if t.schema.name == "dtsen_households"), None)
    mem = next((t for t in tables.values() if t.schema.name == "dtsen_members"), None)
    if hh is not None and {"status_verifikasi", "kode_kec", "kode_kel"} <= set(hh.df.columns):
        names = dict(wilayah.name_of) if wilayah is not None else {}
        link = "id_keluarga"
        clean.update(progress_tables(hh.df, mem.df if mem is not None else None, names,
                                     disclosure.Rules.from_config(cfg).min_count, link=link))

    lap("progress")
    for t in tables.values():
        _registry_flags(t, tables, log_df)
    processed = {}
    for t in tables.values():
        processed[t.name] = _finish_table(t, pz, log_df)
        t.df = None
        t.cache.clear()
    _vec.clear_cache()
    lap("pseudonymise")

    files = pd.DataFrame([{
        "dataset": t.name, "file": t.file, "format": t.info.format, "encoding": t.info.encoding or "",
        "header_row": t.info.header_row, "sha256": t.info.sha256, "n_rows": t.info.n_rows,
    } for t in tables.values()], columns=INPUT_FILES_COLUMNS)
    files["header_row"] = files["header_row"].astype("Int64")
    log_out = log_df.drop(columns="_index")
    log_out = log_out.sort_values(["dataset", "row", "rule", "column"], kind="mergesort").reset_index(drop=True)
    summary = (log_out.groupby(["dataset", "rule", "column", "action"], sort=True).size()
               .rename("n_rows").reset_index())
    detail = report.to_frame()
    clean.update({
        "cleaning_log": log_out,
        "cleaning_summary": summary,
        "cleaning_by_kecamatan": by_kec,
        "validation_report": detail[VALIDATION_PUBLIC_COLUMNS],
        "validation_detail": detail,
        "corrections_applied": corr_summary,
        "input_files": files,
    })
    md = report.to_markdown(f"Validation report — period {cfg.period}", files)
    lap("report")
    return CleanOutputs(period=str(cfg.period), tables=processed, clean=clean, validation_markdown=md,
                        report=report, key_source=key_source, timings=timings)


def _log_by_kecamatan(log_df: pd.DataFrame, tables: dict[str, LoadedTable], names: dict[str, str],
                      rules_: "disclosure.Rules") -> pd.DataFrame:
    """Rows changed, dropped or flagged by dataset, rule, column, action and kecamatan (suppressed).

    The kecamatan of a logged row is that of the row in its cleaned table; rows without one (no
    geography in the dataset, or dropped before geography was known) count under ``kode_kec``
    empty. The kecamatan of a group add up to the city count of ``cleaning_summary``, so a
    blanked cell is protected by a second one (:func:`analysis.disclosure.suppress`).
    """
    parts = []
    for name, g in log_df.groupby("dataset", sort=True):
        t = tables.get(name)
        kec = np.full(len(g), "", dtype=object)
        if t is not None and t.df is not None and "kode_kec" in t.df.columns:
            pos = t.df.index.get_indexer(g["_index"].to_numpy())
            codes = t.df["kode_kec"].astype("object").fillna("").to_numpy()
            kec = np.where(pos >= 0, codes[np.maximum(pos, 0)], "")
        parts.append(g[["dataset", "rule", "column", "action"]].assign(kode_kec=kec.astype(str)))
    cols = ["dataset", "rule", "column", "action", "kode_kec"]
    if not parts:
        return pd.DataFrame(columns=cols + ["kecamatan", "n_rows", disclosure.MARKER])
    d = pd.concat(parts).groupby(cols, sort=True).size().rename("n_rows").reset_index()
    d.insert(5, "kecamatan", d["kode_kec"].map(names).fillna(""))
    return disclosure.suppress(d, ["n_rows"], rules_, col_groups=["dataset", "rule", "column", "action"])


# -- cleaning one table --------------------------------------------------------------------------

def _log_values(table: LoadedTable, col: str, values):
    """Values as the log may show them: never those of a PII column."""
    spec = table.schema.columns.get(col)
    return "[pii]" if spec is not None and spec.pii else values


def _clean_table(t: LoadedTable, w: rules.Wilayah | None, log: CleaningLog, opts: dict) -> None:
    s = t.schema
    df = t.df
    t.df = None        # the local frame is the only reference: replaced frames are freed at once
    extra = [c for c in df.columns if c not in s.columns]
    if extra:
        df = df.drop(columns=extra)  # columns outside the contract never go further
    changed: list[str] = []

    # 1. warn-severity violations that a rule sets missing: wrong types, ranges, codes, patterns
    for col in s.columns.values():
        if col.name not in df.columns or col.severity != WARN:
            continue
        x = df[col.name]
        bad = ~_type_ok(x, col.type)
        if col.min is not None or col.max is not None:
            v = _numeric(x)
            lo = -np.inf if col.min is None else col.min
            hi = np.inf if col.max is None else col.max
            out_of_range = v.notna() & ((v < lo) | (v > hi))
            if col.effective_cleaning in ("set_missing", "age_relation"):
                bad |= out_of_range
        if col.effective_cleaning == "set_missing":
            if col.allowed is not None:
                bad |= x.notna() & ~_as_str(x).str.strip().isin(set(col.allowed))
            if col.pattern:
                bad |= x.notna() & ~regex_match(_as_str(x), col.pattern)
        bad = bad.fillna(False).astype(bool)
        if bad.any():
            rule = "age_relation" if col.effective_cleaning == "age_relation" else "set_missing"
            log.add(t.name, bad, t, rule=rule, action="set_missing", column=col.name,
                    before=_log_values(t, col.name, x), after="")
            df = df.assign(**{col.name: x.mask(bad)})
            changed.append(col.name)
            t.forget(col.name)
    if changed:
        df = df.assign(**coerce_to_contract(df[changed], {c: s.columns[c].type for c in changed}))

    # 2. duplicates: exact copies dropped; conflicting ones (warn severity) flagged
    keys = []
    if s.primary_key:
        keys.append((list(s.primary_key), s.primary_key_severity))
    keys += [([c.name], c.severity) for c in s.columns.values() if c.unique and (c.name,) != tuple(s.primary_key)]
    for key, _sev in keys:
        exact, conflict = t.cached("duplicates", tuple(key), lambda key=key: rules.duplicate_masks(df, key))
        exact, conflict = exact.reindex(df.index), conflict.reindex(df.index)
        label = "+".join(key)
        if exact.any():
            log.add(t.name, exact, t, rule="duplicate_rows", action="dropped", column=label,
                    detail="exact copy of an earlier row")
            df = df[~exact]
            conflict = conflict[~exact]
        if conflict.any():
            log.add(t.name, conflict, t, rule="duplicate_rows", action="flagged", column=label,
                    detail="key repeated with different values (contract severity warn)")

    # 3. geography
    df = _geography(t, df, w, log)

    # 4. NIK structure (flag, never infer residence)
    nik_cols = [c.name for c in s.columns.values() if c.effective_cleaning == "nik_structure" and c.name in df]
    for c in nik_cols:
        sex_col = "jenis_kelamin" if "jenis_kelamin" in df.columns else None
        prob = t.cached("nik", (c,) + ((sex_col,) if sex_col else ()),
                        lambda: rules.nik_problem(df[c], df[sex_col] if sex_col else None)).reindex(df.index)
        bad = prob.notna()
        log.add(t.name, bad, t, rule="nik_structure", action="flagged", column=c, before=prob,
                after="flagged (nik_valid = False)")
        df = df.assign(nik_valid=~bad & df[c].notna())

    # 5. ages and relations (registry members)
    if {"id_keluarga", "hubungan_kk", "umur"} <= set(df.columns):
        prob = rules.age_relation_problems(df)
        log.add(t.name, prob.notna(), t, rule="age_relation", action="flagged", column="umur+hubungan_kk",
                before=prob, after="flagged")

    # 6. expenditure outliers (Susenas)
    exp_cols = [c.name for c in s.columns.values() if c.effective_cleaning == "expenditure_outlier" and c.name in df]
    for c in exp_cols:
        df = _expenditure(t, df, c, log, opts)
    t.df = df


def _geography(t: LoadedTable, df: pd.DataFrame, w: rules.Wilayah | None, log: CleaningLog) -> pd.DataFrame:
    if w is None:
        return df
    cols = {c.effective_cleaning: c.name for c in t.schema.columns.values() if c.name in df.columns}
    kel = kec = None
    if "kelurahan_name" in cols:
        raw = df[cols["kelurahan_name"]]
        kel = w.kelurahan_code(raw)
        official = w.official_name(kel)
        changed = raw.notna() & kel.notna() & (raw.astype("str") != official)
        log.add(t.name, changed, t, rule="kelurahan_name", action="recoded", column=cols["kelurahan_name"],
                before=raw, after=official, detail=kel)
        df = df.assign(**{cols["kelurahan_name"]: official.where(kel.notna(), raw)})
    if "kelurahan_code" in cols:
        kel = _as_str(df[cols["kelurahan_code"]]).str.strip().where(lambda x: x.isin(w.kel_codes))
    if "kecamatan_bps" in cols:
        kec = w.kecamatan_from_bps(_as_str(df[cols["kecamatan_bps"]]))
    if "kecamatan_name" in cols:
        raw = df[cols["kecamatan_name"]]
        by_name = w.kecamatan_code(raw)
        by_kel = w.parent(kel) if kel is not None else pd.Series(np.nan, index=df.index, dtype="object")
        kec_final = by_kel.where(by_kel.notna(), by_name)
        official = w.official_name(kec_final)
        changed = raw.notna() & kec_final.notna() & (raw.astype("str") != official)
        disagree = by_kel.notna() & by_name.notna() & (by_kel != by_name)
        detail = pd.Series(np.select([disagree.to_numpy(dtype=bool), by_name.isna().to_numpy()],
                                     ["kecamatan of the kelurahan differs from the name given",
                                      "not a kecamatan name: taken from the kelurahan"], "spelling variant"),
                           index=df.index)
        log.add(t.name, changed, t, rule="kecamatan_name", action="recoded", column=cols["kecamatan_name"],
                before=raw, after=official, detail=detail)
        df = df.assign(**{cols["kecamatan_name"]: official.where(kec_final.notna(), raw)})
        kec = kec_final
    if kec is None and kel is not None:
        kec = w.parent(kel)
    if kec is not None:
        df = df.assign(kode_kec=kec.astype("str"))
    if kel is not None:
        df = df.assign(kode_kel=kel.astype("str"))
    return df


def _expenditure(t: LoadedTable, df: pd.DataFrame, col: str, log: CleaningLog, opts: dict) -> pd.DataFrame:
    zf = float(opts["outlier_z_flag"])
    zw = float(opts["outlier_z_winsorise"])
    x = df[col].astype("float64")
    res = rules.expenditure_outliers(x, zf, zw)
    zt = res.z.round(2).astype("str")
    if res.non_positive.any():
        log.add(t.name, res.non_positive, t, rule="expenditure_outlier", action="set_missing", column=col,
                before=x, after="", detail="expenditure <= 0 is impossible")
        x = x.mask(res.non_positive)
    flag_only = res.flagged & ~res.winsorise
    log.add(t.name, flag_only, t, rule="expenditure_outlier", action="flagged", column=col, before=x, after=x,
            detail="robust z (log scale) = " + zt)
    if res.winsorise.any():
        new = x.where(~res.winsorise, res.cap)
        log.add(t.name, res.winsorise, t, rule="expenditure_outlier", action="winsorised", column=col,
                before=x, after=new.round(0), detail="robust z (log scale) = " + zt)
        food = "pengeluaran_makanan_kapita"
        if food in df.columns:
            f = df[food].astype("float64")
            factor = (new / x).where(res.winsorise, 1.0)
            newf = f * factor
            log.add(t.name, res.winsorise & f.notna(), t, rule="expenditure_outlier", action="winsorised",
                    column=food, before=f, after=newf.round(0), detail="scaled with " + col)
            df = df.assign(**{food: newf})
        x = new
    return df.assign(**{col: x})


def _geography_via_parent(tables: dict[str, LoadedTable], log: CleaningLog) -> None:
    for t in tables.values():
        via = GEOGRAPHY_VIA.get(t.schema.name)
        if via is None or not t.ok or "kode_kec" in t.df.columns:
            continue
        parent = next((p for p in tables.values() if p.schema.name == via[0] and p.ok), None)
        link = via[1]
        if parent is None or link not in t.df.columns or "kode_kec" not in parent.df.columns:
            continue
        pos = _vec.positions(t.df[link], parent.df[link])
        t.df = t.df.assign(kode_kec=_vec.take(parent.df["kode_kec"], pos, t.df.index),
                           kode_kel=_vec.take(parent.df["kode_kel"], pos, t.df.index))


def _registry_flags(t: LoadedTable, tables: dict[str, LoadedTable], log_df: pd.DataFrame) -> None:
    """``registry_verified`` (families directly, members through their family) and ``qc_flags``."""
    df = t.df
    s = t.schema
    if "status_verifikasi" in df.columns:
        df = df.assign(registry_verified=(df["status_verifikasi"].astype("str").str.strip() == "terverifikasi")
                       .fillna(False).astype(bool))
    else:
        for fk in s.foreign_keys:
            parent = next((p for p in tables.values() if p.schema.name == fk.references and p.ok), None)
            if parent is not None and "status_verifikasi" in parent.df.columns and len(fk.columns) == 1:
                ver = (parent.df["status_verifikasi"].astype("str").str.strip() == "terverifikasi").fillna(False)
                pos = _vec.positions(df[fk.columns[0]], parent.df[fk.ref_columns[0]])
                df = df.assign(registry_verified=_vec.take(ver.astype(bool), pos, df.index))
                break
    # qc_flags: rules that flagged or changed the row
    mine = log_df[(log_df["dataset"] == t.name) & log_df["action"].isin(FLAG_ACTIONS)]
    flags = np.full(len(df), "", dtype=object)
    for rule in sorted(mine["rule"].unique()):          # a loop over the few rule names, not rows
        hit = df.index.isin(mine.loc[mine["rule"] == rule, "_index"].to_numpy())
        flags = np.where(hit, np.where(flags == "", rule, flags + ";" + rule), flags)
    t.df = df.assign(qc_flags=pd.Series(flags, index=df.index, dtype="str"))


def _finish_table(t: LoadedTable, pz: Pseudonymiser, log_df: pd.DataFrame) -> pd.DataFrame:
    df = t.df
    s = t.schema
    # pseudonyms (the row key already is the primary pseudonym unless a correction changed its source)
    prim = primary_pseudonym(s)
    pre = {}
    if prim is not None and prim[1] in df.columns:
        touched = log_df[(log_df["dataset"] == t.name) & (log_df["rule"] == "correction")
                         & (log_df["column"] == prim[1])]
        if touched.empty:
            pre[prim[0]] = t.row_key.reindex(df.index)
    return pseudonymise(df, s, pz, precomputed=pre).reset_index(drop=True)


# -- writing -------------------------------------------------------------------------------------

def write_clean_outputs(outputs: CleanOutputs, cfg=None) -> list[Path]:
    """Write processed Parquet files and ``clean/`` tables, all or nothing.

    Through :func:`analysis.stage.write_outputs`: everything goes to a staging folder that
    replaces ``data/processed/<period>/`` only when every file was written. Files an earlier
    run left there and this run did not write (another dataset's Parquet, say) are removed; the
    folders of the analysis stages are carried over untouched.

    Returns
    -------
    list of Path
        The files written (final locations).
    """
    period = outputs.period if cfg is None else str(cfg.period)
    files: dict[str, object] = {f"{name}.parquet": df for name, df in outputs.tables.items()}
    files.update({f"{CLEAN_DIR}/{name}.csv": df for name, df in outputs.clean.items()
                  if name not in RESTRICTED_CLEAN})
    st = STAGES[CLEAN_DIR]
    if cfg is not None:  # one Parquet per declared input, no more, no less
        parquet = sorted(f for f in files if f.endswith(".parquet"))
        if parquet != st.outputs(cfg):
            raise ValueError(f"stage 01 outputs {parquet} differ from the run's inputs {st.outputs(cfg)}")
    keep = tuple(name for name in STAGES if name != CLEAN_DIR)
    written = write_outputs(files, st.folder(period), keep=keep)
    written += write_restricted_clean(outputs, period)
    outputs.files = [str(p) for p in written]
    return written


def write_restricted_clean(outputs: CleanOutputs, period: str) -> list[Path]:
    """The row-level side outputs (:data:`RESTRICTED_CLEAN`, the full validation report) into
    ``restricted/<period>/clean/``, through the one stage writer (the folder is swapped whole)."""
    files: dict[str, object] = {f"{name}.csv": outputs.clean[name] for name in RESTRICTED_CLEAN
                                if name in outputs.clean}
    files["validation_report.md"] = outputs.validation_markdown
    return write_outputs(files, paths.restricted_dir(period) / CLEAN_DIR)
