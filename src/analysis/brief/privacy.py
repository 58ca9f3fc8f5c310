"""The privacy gate: nothing reaches ``reports/`` that could identify a person.

``check_outputs(paths, registry_names=..., registry_addresses=..., min_count=...)`` raises
:class:`PrivacyError` (the CLI exits 2) naming every file and finding when an output
(CSV, HTML, ipynb, JSON, Markdown, text) contains:

1. **A NIK or No KK**: a 16-digit number standing alone (not part of a longer digit or letter
   run, not the fraction of a decimal), or four groups of four digits separated by spaces or
   hyphens. Both identifiers are 16 digits; the gate does not try to validate the layout,
   because a false alarm costs a look while a miss costs a person's identity.
   Embedded images are not scanned: ``data:image/...;base64,`` payloads are cut out of the text
   and, in notebooks, ``image/*`` outputs are skipped. Nothing is decoded.
2. **A name or an address from the raw registry** (DTSEN ``nama_kepala_keluarga``, ``alamat``;
   members ``nama``). Matching is on whole phrases after case-folding and keeping only word
   characters: a registry name matches only as the full sequence of its words ("Siti Aminah"),
   never as a single word, so common words and one-word names (mononyms) are not matched
   (documented limitation: a one-word name is caught only by the other rules). Addresses must
   match as the full address string. Implementation: the registry phrases are kept in sets keyed
   by their number of words, and each text's word n-grams of those lengths are looked up in the
   sets (hashing, no per-name loop, no regex of thousands of alternatives).
3. **A small cell**: a count column — name matching ``n_*``, ``count*``, ``jumlah*``,
   ``households*``, ``persons*`` (case-insensitive; in HTML tables also the display headers
   "Jumlah …", "Number …", "Keluarga …", "Families …") — holding a value from 1 to
   ``min_count - 1``. Zero is allowed (a structural zero reveals no one; suppressing it would
   only hide that a category is empty). ``n_sample`` is exempt: it is the unweighted number of
   sample units behind an estimate, a design count published with every estimate (estimates
   resting on fewer than ``min_n_sample`` units are already suppressed), not a count of people
   with a characteristic. Likewise ``n_rows`` and ``n_failed`` of the cleaning log and validation
   report count records touched by a rule or failing a check (process metadata). Override with
   ``count_exempt=...`` or the config key ``privacy.count_exempt_columns``.

4. **A record-level table** (the public tier holds aggregates only): a CSV or JSON table with a
   record-key column (:data:`RECORD_KEY_COLUMNS`, plus ``privacy.record_key_columns``: raw keys,
   pseudonymous keys, raw row numbers) or with a column whose values are nearly all distinct
   16-hex-digit pseudonymous keys (one row per record, whatever the column is called).
5. **A date of birth**: a column named like one (``tanggal_lahir``, ``date_of_birth`` …) or, in any
   text, a birth phrase followed by a date ("lahir 02-12-1963", "tgl lahir: 2 Des 1963",
   "born 1963-12-02").
6. **A raw record key or an identifier-like number**: a raw survey or registry key of the run
   (Susenas/Sakernas ``id_rt``, ``id_art``, DTSEN ``id_keluarga``; read from the raw files like the
   names) standing as a word anywhere in text; and, in the text columns of a table (columns that
   are not numbers), any run of 8 or more digits standing alone (``privacy.id_min_digits``), which
   is how keys, card and phone numbers look, while published figures carry separators.

Findings never print the identifier itself: numbers and names are masked in the message.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable

import pandas as pd

COUNT_COLUMN_RE = re.compile(r"^(n_|count|jumlah|households|persons)", re.I)
HTML_COUNT_HEADER_RE = re.compile(r"^(n_|count|jumlah|households|persons|number|keluarga|families)", re.I)
DEFAULT_COUNT_EXEMPT = ("n_sample", "n_rows", "n_failed")
NIK_RE = re.compile(r"(?<![0-9A-Za-z])(?<!\d\.)\d{16}(?![0-9A-Za-z])"
                    r"|(?<![0-9A-Za-z])\d{4}[ \-]\d{4}[ \-]\d{4}[ \-]\d{4}(?![0-9A-Za-z])")
DATA_URI_RE = re.compile(r"data:image/[A-Za-z0-9.+\-]+;base64,[A-Za-z0-9+/=]*")
WORD_RE = re.compile(r"\w+", re.UNICODE)
TEXT_SUFFIXES = {".csv", ".html", ".htm", ".ipynb", ".json", ".md", ".txt", ".svg"}
RECORD_KEY_COLUMNS = ("row_key", "hh_key", "person_key", "seeker_key", "id_keluarga", "id_rt", "id_art", "nik",
                      "no_kk", "row", "_index", "example_rows")
PSEUDONYM_RE = re.compile(r"^[0-9a-f]{16}$")
BIRTH_COLUMN_RE = re.compile(r"(tanggal|tgl)_?lahir|date_of_birth|birth_?date|^dob$|^ttl$", re.I)
_DATE = (r"(?:\d{1,2}[-/. ]\d{1,2}[-/. ](?:\d{4}|\d{2})(?!\d)|\d{4}-\d{1,2}-\d{1,2}"
         r"|\d{1,2}\s+(?:jan|feb|mar|apr|mei|may|jun|jul|agu|aug|sep|okt|oct|nov|des|dec)[a-z]*\.?\s+\d{4})")
BIRTH_RE = re.compile(r"(?<![a-z])(?:lahir|kelahiran|ttl|born|birth|dob)(?![a-z])[^,;\n]{0,20}?" + _DATE, re.I)
DEFAULT_ID_MIN_DIGITS = 8
KEY_TOKEN_RE = re.compile(r"[A-Za-z0-9]+")


class PrivacyError(RuntimeError):
    """An output would disclose a person; the message lists file and finding."""

    def __init__(self, findings: list["Finding"]):
        self.findings = findings
        lines = [f"privacy gate refused {len({f.file for f in findings})} file(s):"]
        lines += [f"  {f}" for f in findings[:50]]
        if len(findings) > 50:
            lines.append(f"  … and {len(findings) - 50} more")
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Finding:
    file: str
    kind: str       # nik | registry_name | registry_address | small_cell | record_level | birth_date |
                    # record_key | id_digits | unreadable
    where: str
    detail: str

    def __str__(self) -> str:
        return f"{self.file}: {self.kind} at {self.where}: {self.detail}"


def _mask_number(s: str) -> str:
    d = re.sub(r"\D", "", s)
    return d[:4] + "\u2022" * 8 + d[-4:]


def _mask_phrase(s: str) -> str:
    return " ".join(w[0].upper() + "\u2026" for w in s.split())


def normalise(text: str) -> str:
    """Case-folded words joined by single spaces ("Jl. Kenari No.12" -> "jl kenari no 12")."""
    return " ".join(WORD_RE.findall(str(text).casefold()))


def _phrase_sets(values: Iterable[str], min_words: int) -> dict[int, frozenset[str]]:
    by_len: dict[int, set[str]] = {}
    for v in values:
        if v is None or (isinstance(v, float) and v != v):
            continue
        p = normalise(v)
        n = p.count(" ") + 1 if p else 0
        if n >= min_words:
            by_len.setdefault(n, set()).add(p)
    return {k: frozenset(v) for k, v in by_len.items()}


class _TableParser(HTMLParser):
    """Collect (headers, rows) of every <table> (cells as text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables, self._t, self._row, self._cell, self._in = [], None, None, None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._t = {"header": [], "rows": []}
        elif self._t is not None and tag == "tr":
            self._row = []
        elif self._t is not None and tag in ("td", "th"):
            self._cell, self._in = [], tag

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(("".join(self._cell).strip(), self._in))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._t is not None:
            if self._row and all(k == "th" for _, k in self._row) and not self._t["header"]:
                self._t["header"] = [c for c, _ in self._row]
            else:
                self._t["rows"].append([c for c, _ in self._row])
            self._row = None
        elif tag == "table" and self._t is not None:
            self.tables.append(self._t)
            self._t = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


class PrivacyGate:
    """Holds the registry phrases and thresholds; scans texts, frames and files."""

    def __init__(self, registry_names: Iterable[str] = (), registry_addresses: Iterable[str] = (), *,
                 min_count: int = 10, count_exempt: Iterable[str] = DEFAULT_COUNT_EXEMPT,
                 record_keys: Iterable[str] = (), record_key_columns: Iterable[str] = RECORD_KEY_COLUMNS,
                 id_min_digits: int = DEFAULT_ID_MIN_DIGITS):
        self.names = _phrase_sets(registry_names, 2)
        self.addresses = _phrase_sets(registry_addresses, 2)
        self.min_count = int(min_count)
        self.count_exempt = {c.lower() for c in count_exempt}
        # raw keys shorter than 6 characters would match ordinary numbers; they are left to rule 6
        self.record_keys = frozenset(str(k).strip().casefold() for k in record_keys if len(str(k).strip()) >= 6)
        self.record_key_columns = {c.lower() for c in record_key_columns}
        # digits inside a URL or path (a source's article number) are not an identifier of a person
        self.id_digits_re = re.compile(r"(?<![0-9A-Za-z.,/])\d{%d,}(?![0-9A-Za-z/]|[.,]\d)" % int(id_min_digits))

    # -- text ------------------------------------------------------------------------------
    def scan_text(self, text: str, file: str, kind: str = "text") -> list[Finding]:
        """NIK-shaped numbers and registry phrases in a text (images cut out); HTML tables too."""
        if kind == "ipynb" or (kind == "json" and text.lstrip()[:1] in "{["):
            try:
                obj = json.loads(text)
            except json.JSONDecodeError:
                obj = None
            if obj is not None:
                return self._scan_json(obj, file, kind)
        clean = DATA_URI_RE.sub("data:image/;base64,", text)
        out = []
        for m in NIK_RE.finditer(clean):
            out.append(Finding(file, "nik", f"char {m.start()}", f"16-digit number shaped like a NIK/No KK {_mask_number(m.group())}"))
        out += self._phrases(clean, file)
        out += self._births(clean, file)
        out += self._keys(clean, file)
        if kind == "html" or "<table" in clean:
            out += self._html_tables(clean, file)
        return out

    def _phrases(self, text: str, file: str, where: str = "") -> list[Finding]:
        if not self.names and not self.addresses:
            return []
        words = WORD_RE.findall(text.casefold())
        out, seen = [], set()
        for kind, sets in (("registry_name", self.names), ("registry_address", self.addresses)):
            for n, phrases in sets.items():
                for i in range(len(words) - n + 1):
                    g = " ".join(words[i:i + n])
                    if g in phrases and (kind, g) not in seen:
                        seen.add((kind, g))
                        out.append(Finding(file, kind, where or f"word {i}",
                                           f"{'name' if kind == 'registry_name' else 'address'} from the registry ({_mask_phrase(g)})"))
        return out

    def _births(self, text: str, file: str, where: str = "") -> list[Finding]:
        return [Finding(file, "birth_date", where or f"char {m.start()}",
                        "date of birth in text (" + re.sub(r"\d", "\u2022", m.group()) + ")")
                for m in BIRTH_RE.finditer(text)]

    def _keys(self, text: str, file: str, where: str = "") -> list[Finding]:
        if not self.record_keys:
            return []
        out, seen = [], set()
        for m in KEY_TOKEN_RE.finditer(text):
            tok = m.group().casefold()
            if len(tok) >= 6 and tok in self.record_keys and tok not in seen:
                seen.add(tok)
                out.append(Finding(file, "record_key", where or f"char {m.start()}",
                                   f"raw record key of the survey or registry {_mask_number(tok) if tok.isdigit() else tok[:3] + '…'}"))
        return out

    def _scan_json(self, obj, file: str, kind: str) -> list[Finding]:
        out: list[Finding] = []
        strings: list[str] = []

        def walk(o, key=""):
            if isinstance(o, dict):
                for k, v in o.items():
                    if isinstance(k, str) and k.startswith("image/"):
                        continue  # embedded image payload: never scanned, never decoded
                    walk(v, k)
            elif isinstance(o, list):
                if o and all(isinstance(x, str) for x in o):
                    strings.append("".join(o))  # notebook multi-line strings
                else:
                    for x in o:
                        walk(x, key)
            elif isinstance(o, str):
                strings.append(o)
            elif isinstance(o, (int, float)) and not isinstance(o, bool):
                strings.append(repr(o))
        walk(obj)
        text = "\n".join(strings)
        out += self.scan_text(text, file, kind="html" if "<table" in text else "text")
        if kind == "json" and isinstance(obj, list) and obj and all(isinstance(x, dict) for x in obj):
            out += self.scan_frame(pd.DataFrame(obj), file)
        return out

    def _html_tables(self, text: str, file: str) -> list[Finding]:
        p = _TableParser()
        p.feed(text)
        out = []
        for ti, tab in enumerate(p.tables):
            for ci, h in enumerate(tab["header"]):
                if not HTML_COUNT_HEADER_RE.match(h.strip()) or h.strip().lower() in self.count_exempt:
                    continue
                for ri, row in enumerate(tab["rows"]):
                    if ci >= len(row):
                        continue
                    cell = row[ci].replace("\u00a0", " ").strip()
                    if not re.fullmatch(r"\d{1,3}(?:[.,\s]\d{3})*|\d+", cell):
                        continue
                    v = int(re.sub(r"\D", "", cell))
                    if 0 < v < self.min_count:
                        out.append(Finding(file, "small_cell", f"table {ti + 1}, row {ri + 1}, column '{h}'",
                                           f"count {v} is below the suppression threshold {self.min_count}"))
        return out

    # -- tables ----------------------------------------------------------------------------
    def count_columns(self, df: pd.DataFrame) -> list[str]:
        return [c for c in df.columns if COUNT_COLUMN_RE.match(str(c)) and str(c).lower() not in self.count_exempt]

    def scan_frame(self, df: pd.DataFrame, file: str) -> list[Finding]:
        """Small cells in count columns, plus NIK-shaped values and registry phrases in any cell."""
        out = []
        for c in self.count_columns(df):
            v = pd.to_numeric(df[c], errors="coerce")
            bad = v[(v > 0) & (v < self.min_count)]
            for idx, val in bad.items():
                out.append(Finding(file, "small_cell", f"row {int(idx) + 2 if isinstance(idx, int) else idx}, column '{c}'",
                                   f"count {val:g} is below the suppression threshold {self.min_count}"))
        out += self.record_level(df, file)
        for c in df.columns:
            if BIRTH_COLUMN_RE.search(str(c)):
                out.append(Finding(file, "birth_date", f"column '{c}'", "a date-of-birth column"))
        for c in df.columns:
            text = df[c].astype(str)
            text = text[(text != "") & pd.to_numeric(text, errors="coerce").isna()]
            if text.empty:
                continue
            hit = text[text.str.contains(self.id_digits_re)]
            for idx in hit.index[:5]:
                out.append(Finding(file, "id_digits", f"row {int(idx) + 2 if isinstance(idx, int) else idx}, column '{c}'",
                                   "identifier-like digit string in a text column "
                                   f"({_mask_number(self.id_digits_re.search(hit[idx]).group())})"))
        return out

    def record_level(self, df: pd.DataFrame, file: str) -> list[Finding]:
        """Record-key columns (by name, or holding distinct pseudonymous keys): a row per record."""
        out = []
        for c in df.columns:
            name = str(c).lower()
            if name in self.record_key_columns:
                out.append(Finding(file, "record_level", f"column '{c}'",
                                   "record-key column: a table of records, not of aggregates"))
                continue
            v = df[c].astype(str)
            v = v[v != ""]
            if len(v) >= 5 and v.str.match(PSEUDONYM_RE).mean() >= 0.9 and v.nunique() >= 0.9 * len(v):
                out.append(Finding(file, "record_level", f"column '{c}'",
                                   "column of distinct pseudonymous keys: one row per record"))
        return out

    def scan_file(self, path: str | Path) -> list[Finding]:
        path = Path(path)
        name = str(path)
        suffix = path.suffix.lower()
        if suffix not in TEXT_SUFFIXES:
            return []  # binary files (png, parquet) are not published by stage 05
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            try:
                text = path.read_text(encoding="cp1252")
            except Exception as exc:  # pragma: no cover
                return [Finding(name, "unreadable", "file", str(exc))]
        kind = {".ipynb": "ipynb", ".json": "json", ".html": "html", ".htm": "html"}.get(suffix, "text")
        out = self.scan_text(text, name, kind)
        if suffix == ".csv":
            try:
                df = pd.read_csv(path, dtype=str, keep_default_na=False)
            except Exception as exc:
                return out + [Finding(name, "unreadable", "file", f"not a CSV table: {exc}")]
            out += self.scan_frame(df, name)
        return out

    def check_text(self, text: str, file: str, kind: str | None = None) -> None:
        kind = kind or ("html" if file.endswith((".html", ".htm")) else "ipynb" if file.endswith(".ipynb") else "text")
        f = self.scan_text(text, file, kind)
        if kind == "text" and file.endswith(".csv"):
            import io
            f += self.scan_frame(pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False), file)
        if f:
            raise PrivacyError(f)

    def check_files(self, paths: Iterable[str | Path]) -> None:
        findings = []
        for p in expand(paths):
            findings += self.scan_file(p)
        if findings:
            raise PrivacyError(findings)


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Files under the given paths (folders are walked), sorted."""
    out = []
    for p in paths:
        p = Path(p)
        out += sorted(q for q in p.rglob("*") if q.is_file()) if p.is_dir() else [p]
    return out


def check_outputs(paths: Iterable[str | Path], registry_names: Iterable[str] = (),
                  registry_addresses: Iterable[str] = (), min_count: int = 10,
                  count_exempt: Iterable[str] = DEFAULT_COUNT_EXEMPT, record_keys: Iterable[str] = ()) -> None:
    """Refuse (raise :class:`PrivacyError`) if any output file holds a finding; see module doc."""
    PrivacyGate(registry_names, registry_addresses, min_count=min_count, count_exempt=count_exempt,
                record_keys=record_keys).check_files(paths)


# ------------------------------------------------------------------------------------------
# the registry's names and addresses
# ------------------------------------------------------------------------------------------
REGISTRY_NAME_COLUMNS = {"dtsen_households": ("nama_kepala_keluarga",), "dtsen_members": ("nama",)}
REGISTRY_ADDRESS_COLUMNS = {"dtsen_households": ("alamat",)}


def _read_columns(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        for enc in ("utf-8", "cp1252"):
            try:
                return pd.read_csv(path, dtype=str, usecols=lambda c: c in columns, encoding=enc, keep_default_na=False)
            except UnicodeDecodeError:
                continue
    if suffix == ".dta":
        with pd.io.stata.StataReader(path) as r:
            present = [c for c in columns if c in r.variable_labels()]
        return pd.read_stata(path, columns=present, convert_categoricals=False)
    if suffix in (".xlsx", ".xls"):
        df = pd.read_excel(path, dtype=str)
        return df[[c for c in columns if c in df.columns]]
    if suffix == ".parquet":
        return pd.read_parquet(path, columns=list(columns))
    raise ValueError(f"cannot read registry file {path}")


def registry_identifiers(cfg, *, required: bool | None = None) -> tuple[set[str], set[str]]:
    """Names and addresses from the RAW registry files of a run (never from processed data).

    ``required`` (default: ``not cfg.synthetic``): raise :class:`PrivacyError` when a registry
    file is absent, because the gate could not check names. On a synthetic run a missing
    registry only means the name rule has nothing to look for.
    """
    required = (not getattr(cfg, "synthetic", False)) if required is None else required
    names: set[str] = set()
    addresses: set[str] = set()
    for schema, cols in (("dtsen_households", ("nama_kepala_keluarga", "alamat")), ("dtsen_members", ("nama",))):
        try:
            path = cfg.input_path(schema)
        except Exception:
            path = None
        if path is None or not Path(path).is_file():
            if required:
                raise PrivacyError([Finding(str(path or schema), "unreadable", "registry",
                                            "raw registry not found: names and addresses cannot be checked")])
            continue
        df = _read_columns(Path(path), cols)
        for c in REGISTRY_NAME_COLUMNS.get(schema, ()):
            if c in df.columns:
                names |= set(df[c].dropna().astype(str))
        for c in REGISTRY_ADDRESS_COLUMNS.get(schema, ()):
            if c in df.columns:
                addresses |= set(df[c].dropna().astype(str))
    names.discard("")
    addresses.discard("")
    return names, addresses


RAW_KEY_COLUMNS = {"susenas_kp": ("id_rt",), "sakernas": ("id_rt", "id_art"), "dtsen_households": ("id_keluarga",)}


def raw_record_keys(cfg) -> set[str]:
    """Raw record keys of the run's survey and registry files (``id_rt``, ``id_art``, ``id_keluarga``).

    Read like the names, from the raw files only; a missing file contributes nothing (its keys
    cannot be in the outputs either). Numeric keys read from Stata files are written as integers.
    """
    keys: set[str] = set()
    for name in sorted(getattr(cfg, "inputs", {}) or {}):
        try:
            schema = cfg.input_schema(name)
            path = Path(cfg.input_path(name))
        except Exception:
            continue
        cols = RAW_KEY_COLUMNS.get(schema)
        if not cols or not path.is_file():
            continue
        df = _read_columns(path, cols)
        for c in cols:
            if c not in df.columns:
                continue
            v = df[c].dropna()
            if pd.api.types.is_float_dtype(v):
                v = v.round().astype("int64")
            keys |= set(v.astype(str).str.strip())
    keys.discard("")
    return keys


def gate_for(cfg) -> PrivacyGate:
    """The gate of a run: registry identifiers, raw keys, threshold and exemptions from the config."""
    names, addresses = registry_identifiers(cfg)
    pv = cfg.privacy or {}
    return PrivacyGate(names, addresses, min_count=int(pv.get("suppression_min_count", 10)),
                       count_exempt=pv.get("count_exempt_columns", DEFAULT_COUNT_EXEMPT),
                       record_keys=raw_record_keys(cfg),
                       record_key_columns=(*RECORD_KEY_COLUMNS, *pv.get("record_key_columns", ())),
                       id_min_digits=int(pv.get("id_min_digits", DEFAULT_ID_MIN_DIGITS)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m analysis.brief.privacy",
                                 description="Refuse outputs holding NIK/No KK, registry names or addresses, or small cells.")
    ap.add_argument("paths", nargs="+", help="files or folders to check")
    ap.add_argument("--config", required=True, help="run config (registry, suppression threshold)")
    a = ap.parse_args(argv)
    from analysis.config import load_config
    try:
        gate_for(load_config(a.config)).check_files(a.paths)
    except PrivacyError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"privacy gate: {len(expand(a.paths))} file(s) passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
