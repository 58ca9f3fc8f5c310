"""Stage 05 release: concatenate the stage outputs into ``reports/<period>/`` behind the privacy gate.

``assemble_release(cfg)`` writes

* ``reports/<period>/estimates.csv`` — the estimates of ``poverty``, ``labour`` and ``skills``
  concatenated, validated against the contract (columns, flags, unique keys across stages) and
  sorted by the full key;
* ``reports/<period>/tables/<stage>/<name>.csv`` — every stage table, **in one subfolder per
  stage** (``poverty/``, ``labour/``, ``skills/``, ``clean/``): names stay as the stages chose them
  and two stages may use the same name (``changes.csv``) without a clash; bytes are copied
  unchanged. From ``clean/`` only the aggregate tables in :data:`CLEAN_TABLES` are published.
* ``reports/<period>/exhibits.csv`` — the exhibit map (:mod:`analysis.brief.exhibits`).

Everything is first built in memory and run through the privacy gate; only when every file
passes are they written, each atomically. Files under ``tables/`` that the run no longer
produces are removed, so a rebuild has exactly the same file list.

CLI: ``python -m analysis.brief.assemble --config config/demo-2024.yaml`` (exit 2 when the gate
refuses, 1 on a contract error).
"""
from __future__ import annotations

import argparse
import io
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis.brief import exhibits, privacy
from analysis.estimates import ESTIMATE_COLUMNS, read_estimates, sort_estimates, validate_estimates
from analysis.io import CSV_FLOAT_DIGITS, atomic_write_bytes

STAGES = ("poverty", "labour", "skills")
# aggregates only: the row-level logs and the validation detail live in restricted/<period>/
CLEAN_TABLES = ("progress_kecamatan", "progress_kelurahan", "progress_reasons", "decile_transitions",
                "cleaning_summary", "cleaning_by_kecamatan", "validation_report")


@dataclass
class Release:
    report_dir: Path
    estimates: pd.DataFrame
    files: dict[str, bytes] = field(default_factory=dict)  # relative path -> bytes
    missing: list[str] = field(default_factory=list)

    @property
    def written(self) -> list[Path]:
        return [self.report_dir / k for k in sorted(self.files)]


def _csv_bytes(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False, lineterminator="\n", float_format=f"%.{CSV_FLOAT_DIGITS}g").encode("utf-8")


def build_release(cfg, root: str | Path | None = None) -> Release:
    """Collect the release in memory (no writing): estimates, tables, exhibit map."""
    root = Path(root) if root is not None else paths.processed_dir(cfg.period)
    parts, files, missing = [], {}, []
    for stage in STAGES:
        f = root / stage / "estimates.csv"
        if f.is_file():
            parts.append(read_estimates(f))
        else:
            missing.append(f"{stage}/estimates.csv")
        tdir = root / stage / "tables"
        if tdir.is_dir():
            for tf in sorted(tdir.glob("*.csv")):
                files[f"tables/{stage}/{tf.name}"] = tf.read_bytes()
    for name in CLEAN_TABLES:
        tf = root / "clean" / f"{name}.csv"
        if tf.is_file():
            files[f"tables/clean/{tf.name}"] = tf.read_bytes()
    est = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=ESTIMATE_COLUMNS)
    est = sort_estimates(validate_estimates(est[ESTIMATE_COLUMNS], "reports estimates.csv (all stages)"))
    files["estimates.csv"] = _csv_bytes(est)
    files["exhibits.csv"] = _csv_bytes(exhibits.exhibit_table(cfg.period))
    return Release(report_dir=paths.report_dir(cfg.period), estimates=est, files=files, missing=missing)


def gate_release(release: Release, gate: privacy.PrivacyGate) -> None:
    """Run the privacy gate on every file of the release (in memory); raise on any finding."""
    findings = []
    for rel, data in sorted(release.files.items()):
        name = str(release.report_dir / rel)
        text = data.decode("utf-8", errors="replace")
        findings += gate.scan_text(text, name)
        if rel.endswith(".csv"):
            findings += gate.scan_frame(pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False), name)
    if findings:
        raise privacy.PrivacyError(findings)


def assemble_release(cfg, root: str | Path | None = None, gate: privacy.PrivacyGate | None = None) -> Release:
    """Build, gate, then write the release of ``cfg.period``; see the module docstring."""
    release = build_release(cfg, root)
    gate_release(release, gate if gate is not None else privacy.gate_for(cfg))
    out = release.report_dir
    tables_dir = out / "tables"
    keep = {out / k for k in release.files}
    if tables_dir.is_dir():
        for old in sorted(tables_dir.rglob("*.csv")):
            if old not in keep:
                old.unlink()
    for rel, data in sorted(release.files.items()):
        atomic_write_bytes(data, out / rel)
    return release


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m analysis.brief.assemble", description="Stage 05 release of estimates and tables.")
    ap.add_argument("--config", required=True)
    a = ap.parse_args(argv)
    from analysis.config import load_config
    cfg = load_config(a.config)
    try:
        rel = assemble_release(cfg)
    except privacy.PrivacyError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"release not assembled: {exc}", file=sys.stderr)
        return 1
    print(f"released {len(rel.files)} file(s) to {rel.report_dir}"
          + (f"; missing: {', '.join(rel.missing)}" if rel.missing else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
