"""Corrections as data, in the manner of World Bank iefieldkit ``iecorrect``.

A correction is a row of ``data/corrections/<corrections_dir>/<dataset>.csv`` (``<dataset>`` =
the input's name in the run config, e.g. ``dtsen_households.csv``)::

    key_column,key_value,column,old_value,new_value,n_expected,reason,who
    id_keluarga,KLG-000123,luas_lantai_m2,450,45,1,"Tim kelurahan Api-Api: luas 45 m2 (salah ketik)",RS

- the rows of the dataset whose ``key_column`` equals ``key_value`` are selected; there must be
  exactly ``n_expected`` of them;
- in each, ``column`` must currently hold ``old_value`` (empty = missing) and becomes
  ``new_value`` (empty = set missing);
- ``column = _drop`` drops the selected rows (``old_value``/``new_value`` left empty);
- ``reason`` and ``who`` are required: the log says why and by whom;
- ``key_column`` may be ``row_key`` (or the table's pseudonym name, e.g. ``person_key``): the
  pseudonymous key that ``clean/cleaning_log.csv`` shows for a flagged row, so a correction of a
  person never needs the NIK in the corrections file.

Any mismatch (a different number of rows, a different old value, an unknown column, a new value of
the wrong type, two corrections of the same cell, a missing reason) is fatal and reported with the
corrections file and its line number, together with every other problem of the run. Corrections
are applied *before* contract validation, so a documented correction is the way to repair a value
that breaks the contract; every corrected cell goes to the cleaning log with the reason and who.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.cleaning.pseudonymise import primary_pseudonym
from analysis.cleaning.rules import CleaningLog, _text
from analysis.cleaning.table import LoadedTable
from analysis.cleaning.validate import FATAL, Violation
from analysis.cleaning.reader import ReadError, coerce_to_contract, display_path, read_table, text_parses_as

CORRECTION_COLUMNS = ["key_column", "key_value", "column", "old_value", "new_value", "n_expected", "reason", "who"]
DROP = "_drop"
RULE = "correction"


def correction_files(directory: Path | None) -> dict[str, Path]:
    """Dataset name -> corrections CSV of a folder (``README.md`` and other files ignored)."""
    if directory is None or not Path(directory).is_dir():
        return {}
    return {p.stem: p for p in sorted(Path(directory).glob("*.csv"))}


def _v(file: str, column: str, rule: str, line: int | None = None, dataset: str = "corrections") -> Violation:
    return Violation(dataset=dataset, file=file, column=column, rule=(f"line {line}: " if line else "") + rule,
                     severity=FATAL, n_rows=1 if line else 0, rows=(line,) if line else (),
                     row_reference="line of the corrections file (header = line 1)", file_level=True)


def _canon(s: pd.Series) -> pd.Series:
    """Cell values as comparable text (missing -> '')."""
    return _text(s).astype(str).str.strip()


def apply_corrections(tables: dict[str, LoadedTable], directory: Path | None, log: CleaningLog
                      ) -> tuple[list[Violation], pd.DataFrame]:
    """Check and apply every corrections file of ``directory`` to the tables (in place).

    Returns
    -------
    (violations, summary)
        Fatal problems (empty when all corrections applied) and one summary row per correction
        (dataset, file, line, key_column, column, n_rows, reason, who).
    """
    problems: list[Violation] = []
    summaries: list[pd.DataFrame] = []
    for dataset, path in correction_files(directory).items():
        file = display_path(path)
        table = tables.get(dataset)
        if table is None:
            problems.append(_v(file, "", f"corrections for '{dataset}', which is not an input of this run "
                                         f"(inputs: {', '.join(tables)})"))
            continue
        if not table.ok:
            continue  # the read error is reported already
        try:
            corr, _ = read_table(path, {c: "string" for c in CORRECTION_COLUMNS})
        except ReadError as exc:
            problems.append(_v(file, "", f"corrections file cannot be read: {exc.problem}"))
            continue
        missing = [c for c in CORRECTION_COLUMNS if c not in corr.columns]
        if missing:
            problems.append(_v(file, ", ".join(missing), "corrections file lacks required column(s)"))
            continue
        if corr.empty:
            continue
        p, s = _apply_one(table, corr, file, log)
        problems.extend(p)
        if s is not None:
            summaries.append(s)
    cols = ["dataset", "file", "line", "key_column", "column", "n_rows", "reason", "who"]
    summary = pd.concat(summaries, ignore_index=True)[cols] if summaries else pd.DataFrame(columns=cols)
    return problems, summary


def _apply_one(table: LoadedTable, corr: pd.DataFrame, file: str, log: CleaningLog
               ) -> tuple[list[Violation], pd.DataFrame | None]:
    df = table.df
    schema = table.schema
    corr = corr.copy()
    corr["line"] = np.arange(len(corr)) + 2
    for c in CORRECTION_COLUMNS:
        corr[c] = corr[c].astype("str").str.strip()
    problems: list[Violation] = []
    ds = table.name

    def bad(mask: pd.Series, column: str, rule_fn) -> None:
        for r in corr[mask].itertuples(index=False):  # one message per bad correction line
            problems.append(_v(file, column if column else str(r.column), rule_fn(r), int(r.line), ds))

    def is_pii(col: str) -> bool:
        return col in schema.columns and schema.columns[col].pii

    # -- the corrections file itself
    bad(corr["reason"].isna() | corr["who"].isna(), "reason", lambda r: "every correction needs a reason and who")
    ne_ok = text_parses_as(corr["n_expected"], "integer") & corr["n_expected"].notna()
    bad(~ne_ok, "n_expected", lambda r: f"n_expected {r.n_expected!r} is not a whole number")
    # rows can be named by a column or by the pseudonymous row key of the cleaning log
    # (``row_key`` or the table's key name, e.g. ``person_key``): no NIK needed in a corrections file
    prim = primary_pseudonym(schema)
    key_aliases = {"row_key"} | ({prim[0]} if prim else set())
    key_ok = corr["key_column"].isin(list(df.columns) + sorted(key_aliases))
    bad(~key_ok, "key_column", lambda r: f"key_column '{r.key_column}' is not a column of {ds} "
                                         f"(nor {' / '.join(sorted(key_aliases))})")
    target_ok = corr["column"].isin(list(df.columns)) | (corr["column"] == DROP)
    bad(~target_ok, "column", lambda r: f"column '{r.column}' is not a column of {ds} (or {DROP})")
    bad(corr["key_value"].isna(), "key_value", lambda r: "key_value is empty")
    usable = ne_ok & key_ok & target_ok & corr["key_value"].notna()
    corr = corr[usable].copy()
    if corr.empty:
        return problems, None
    corr["n_expected"] = corr["n_expected"].astype("int64")
    corr["cid"] = np.arange(len(corr))

    # -- rows selected by each correction (vectorised: one merge per key column)
    pairs = []
    for kc, grp in corr.groupby("key_column", sort=False):
        key_series = table.row_key.reindex(df.index) if kc in key_aliases else df[kc]
        keys = pd.DataFrame({"_idx": df.index, "key_value": _canon(key_series).to_numpy()})
        pairs.append(keys.merge(grp[["cid", "key_value"]], on="key_value", how="inner"))
    pairs = pd.concat(pairs, ignore_index=True)[["cid", "_idx"]]
    n_matched = pairs["cid"].value_counts().reindex(corr["cid"], fill_value=0).to_numpy()
    corr["n_matched"] = n_matched
    wrong_n = corr["n_matched"] != corr["n_expected"]
    for r in corr[wrong_n].itertuples(index=False):
        key = "(identifying key)" if is_pii(r.key_column) else f"'{r.key_value}'"
        problems.append(_v(file, r.column, f"correction of column '{r.column}' where {r.key_column} = {key} "
                                           f"matches {r.n_matched} row(s) of {table.file}, but "
                                           f"n_expected = {r.n_expected}", int(r.line), ds))
    pairs = pairs.merge(corr[["cid", "column", "old_value", "new_value", "line", "reason", "who", "key_column"]],
                        on="cid")
    pairs = pairs[~pairs["cid"].isin(corr.loc[wrong_n, "cid"])]

    # -- two corrections of the same cell
    cells = pairs[pairs["column"] != DROP]
    twice = cells.duplicated(["_idx", "column"], keep=False)
    for line, col in cells.loc[twice, ["line", "column"]].drop_duplicates().itertuples(index=False):
        problems.append(_v(file, col, "two corrections change the same cell", int(line), ds))

    # -- old values must match; new values must fit the column type
    changes = []
    for col, grp in cells[~twice].groupby("column", sort=False):
        current = _canon(df.loc[grp["_idx"], col])
        old = grp["old_value"].fillna("").to_numpy()
        mism = current.to_numpy() != old
        if pd.api.types.is_numeric_dtype(df[col]):  # 45 == 45.0
            cur_num = pd.to_numeric(df.loc[grp["_idx"], col], errors="coerce").to_numpy(dtype=float)
            old_num = pd.to_numeric(pd.Series(old), errors="coerce").to_numpy(dtype=float)
            mism &= ~(np.isclose(cur_num, old_num) & ~np.isnan(old_num))
        for (line, cur), _ in pd.DataFrame({"line": grp["line"].to_numpy()[mism],
                                            "cur": current.to_numpy()[mism]}).groupby(["line", "cur"], sort=False):
            shown = "(identifying value)" if is_pii(col) else repr(cur)
            problems.append(_v(file, col, f"old_value does not match: the row holds {shown}", int(line), ds))
        grp = grp[~mism]
        if grp.empty:
            continue
        new = grp["new_value"]
        typ = schema.columns[col].type if col in schema.columns else "string"
        dtype = df[col].dtype
        if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype):
            check_typ = typ if typ in ("integer", "flag", "float", "date") else "float"
            ok = text_parses_as(new.astype("str"), check_typ) | new.isna()
            for line in grp.loc[~ok.to_numpy(), "line"]:
                problems.append(_v(file, col, f"new_value is not a valid {check_typ}", int(line), ds))
            grp = grp[ok.to_numpy()]
        changes.append((col, grp))

    if problems:
        return problems, None

    # -- apply (only when every correction of the file is valid)
    for col, grp in changes:
        idx = pd.Index(grp["_idx"])
        before = df.loc[idx, col].copy()
        new = pd.Series(grp["new_value"].to_numpy(), index=idx, dtype="str")
        dtype = df[col].dtype
        if pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype) or \
                pd.api.types.is_datetime64_any_dtype(dtype):
            typ = schema.columns[col].type if col in schema.columns else "float"
            new = coerce_to_contract(new.to_frame(col), {col: typ})[col].astype(dtype)
        else:
            df[col] = df[col].astype("object") if df[col].dtype != "str" else df[col]
        df.loc[idx, col] = new
        pii = is_pii(col)
        log.add(table.name, idx, table, rule=RULE, action="corrected", column=col,
                before="[pii]" if pii else before, after="[pii]" if pii else new,
                detail=pd.Series((grp["reason"] + " (" + grp["who"] + "; " + file + " line "
                                  + grp["line"].astype(str) + ")").to_numpy(), index=idx))
    drops = pairs[pairs["column"] == DROP]
    if not drops.empty:
        idx = pd.Index(drops["_idx"].unique())
        log.add(table.name, idx, table, rule=RULE, action="dropped", column="",
                detail=pd.Series((drops["reason"] + " (" + drops["who"] + "; " + file + " line "
                                  + drops["line"].astype(str) + ")").to_numpy(), index=pd.Index(drops["_idx"]))
                .groupby(level=0).first())
        df = df.drop(index=idx)
    # a correction may have repaired the only cell that kept a column from converting
    types = {c: schema.columns[c].type for c in df.columns if c in schema.columns}
    table.df = coerce_to_contract(df, types)
    summary = corr[~wrong_n].assign(dataset=table.name, file=file, n_rows=corr["n_matched"])
    return problems, summary


# -- corrections from field-visit records --------------------------------------------------------

VISIT_ITEMS = {"luas_lantai_m2": "dtsen_households", "tanggal_lahir": "dtsen_members"}


def from_field_visits(visits: pd.DataFrame, households: pd.DataFrame, members: pd.DataFrame, pz,
                      age_date: str) -> dict[str, pd.DataFrame]:
    """Registry corrections derived from the visit records of verification teams, and only from them.

    Parameters
    ----------
    visits : DataFrame
        ``registry/kunjungan_lapangan.csv`` as text: ``no_berita_acara, tanggal_kunjungan,
        petugas, id_keluarga, nik, item, nilai_tercatat, nilai_lapangan, sumber``.
    households, members : DataFrame
        The raw registry files (the value a row holds now, and how many rows a key selects).
    pz : analysis.cleaning.pseudonymise.Pseudonymiser
        With the run's key: members are corrected by ``person_key``, never by NIK.
    age_date : str
        Date at which the export computed ``umur`` (the SIKS-NG export date); a corrected birth
        date also corrects the age, in completed years at that date.

    Returns
    -------
    dict
        ``{"dtsen_households": frame, "dtsen_members": frame}`` in :data:`CORRECTION_COLUMNS`.
    """
    v = visits.astype(str)
    unknown = sorted(set(v["item"]) - set(VISIT_ITEMS))
    if unknown:
        raise ValueError(f"field visits: item(s) {unknown} have no correction rule")
    out = {name: [] for name in VISIT_ITEMS.values()}
    hh_ids = households["id_keluarga"].astype(str)
    for r in v[v["item"] == "luas_lantai_m2"].itertuples():
        sel = households[hh_ids == r.id_keluarga]
        out["dtsen_households"].append({
            "key_column": "id_keluarga", "key_value": r.id_keluarga, "column": "luas_lantai_m2",
            "old_value": _canon(sel["luas_lantai_m2"]).iloc[0] if len(sel) else r.nilai_tercatat,
            "new_value": r.nilai_lapangan, "n_expected": len(sel),
            "reason": f"Luas lantai kosong di ekspor SIKS-NG; diukur ulang saat kunjungan verifikasi "
                      f"{r.tanggal_kunjungan} (berita acara {r.no_berita_acara})", "who": r.petugas})
    nik = members["nik"].astype(str)
    ref = pd.Timestamp(age_date)
    for r in v[v["item"] == "tanggal_lahir"].itertuples():
        sel = members[nik == r.nik]
        key = str(pz.hash(pd.Series([r.nik]), "person_key").iloc[0])
        born = pd.Timestamp(r.nilai_lapangan)
        age = ref.year - born.year - ((ref.month, ref.day) < (born.month, born.day))
        base = {"key_column": "person_key", "key_value": key, "n_expected": len(sel), "who": r.petugas}
        why = f"dicocokkan dengan Kartu Keluarga (berita acara {r.no_berita_acara}, {r.tanggal_kunjungan})"
        out["dtsen_members"].append({**base, "column": "umur", "old_value": _canon(sel["umur"]).iloc[0],
                                     "new_value": str(age),
                                     "reason": f"Umur dari tanggal lahir salah entri; {why}, lahir {r.nilai_lapangan}"})
        out["dtsen_members"].append({**base, "column": "tanggal_lahir",
                                     "old_value": _canon(sel["tanggal_lahir"]).iloc[0][:10],
                                     "new_value": r.nilai_lapangan, "reason": f"Tanggal lahir salah entri; {why}"})
    return {k: pd.DataFrame(rows, columns=CORRECTION_COLUMNS) for k, rows in out.items()}
