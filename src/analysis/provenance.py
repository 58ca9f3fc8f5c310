"""Where every output came from: source commit, config, input hashes, package versions.

``reports/<period>/MANIFEST.json`` records the SHA-256 of every input and output of a run.
``make verify`` rebuilds the release elsewhere and compares against it; before anything is built,
:func:`verify_raw` checks the raw files against ``data/raw/<source>/MANIFEST.json`` so that an
altered raw file stops the run and is named.

The commit shown in briefs is the last commit that touched the *sources* of the outputs (code,
notebooks, configs, lock, raw and correction data), not HEAD: committing a release (which only
adds files under ``reports/``) therefore does not change the bytes of the release itself.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from analysis import paths
from analysis.io import atomic_write_json, sha256_file

SOURCE_PATHS = ["src", "notebooks", "config", "requirements", "Makefile", "pyproject.toml",
                "data/raw", "data/corrections"]
MANIFEST_NAME = "MANIFEST.json"


class RawDataError(RuntimeError):
    """Raw data do not match their manifest (altered, missing or unlisted files)."""


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=paths.ROOT, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip()


def source_commit() -> str:
    """Hash of the last commit that touched any source path ('unknown' outside git)."""
    return _git("log", "-1", "--format=%H", "--", *SOURCE_PATHS) or "unknown"


def source_dirty() -> bool:
    """True when tracked or untracked source files differ from the source commit."""
    status = _git("status", "--porcelain", "--", *SOURCE_PATHS)
    return bool(status)


def tree_hash(files: list[Path], root: Path) -> str:
    """One SHA-256 over sorted (relative path, file hash) pairs."""
    h = hashlib.sha256()
    for f in sorted(files, key=lambda p: p.relative_to(root).as_posix()):
        h.update(f.relative_to(root).as_posix().encode() + b"\0" + sha256_file(f).encode() + b"\n")
    return h.hexdigest()


def package_versions() -> dict[str, str]:
    """Installed distributions of the running environment, name -> version (sorted)."""
    dists = {d.metadata["Name"].lower(): d.version for d in importlib.metadata.distributions()
             if d.metadata["Name"]}
    return dict(sorted(dists.items()))


def build_date(cfg) -> str:
    """Release date of the run: config ``release_date``, else SOURCE_DATE_EPOCH, else 1970-01-01.

    Never the wall clock, so that two builds give the same bytes.
    """
    if cfg.release_date:
        return str(cfg.release_date)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    ts = int(epoch) if epoch and epoch.isdigit() else 0
    return datetime.fromtimestamp(ts, tz=timezone.utc).date().isoformat()


def raw_manifest_path(cfg) -> Path:
    return cfg.raw_dir / MANIFEST_NAME


def collect(cfg) -> dict:
    """Provenance of one run, as shown in brief footers and stored in MANIFEST.json.

    Parameters
    ----------
    cfg : analysis.config.RunConfig

    Returns
    -------
    dict
        ``commit, dirty, config_path, config_sha256, raw_manifest_sha256, lock_sha256, python,
        build_date, command``.
    """
    rel_cfg = cfg.path.relative_to(paths.ROOT).as_posix() if cfg.path.is_relative_to(paths.ROOT) else str(cfg.path)
    raw_manifest = raw_manifest_path(cfg)
    lock = paths.ROOT / "requirements" / "lock.txt"
    return {
        "commit": source_commit(),
        "dirty": source_dirty(),
        "config_path": rel_cfg,
        "config_sha256": cfg.sha256,
        "raw_manifest_sha256": sha256_file(raw_manifest) if raw_manifest.exists() else None,
        "lock_sha256": sha256_file(lock) if lock.exists() else None,
        "python": platform.python_version(),
        "build_date": build_date(cfg),
        "command": f"make report CONFIG={rel_cfg}",
    }


def verify_raw(raw_dir: Path) -> dict[str, str]:
    """Check every raw file against ``<raw_dir>/MANIFEST.json``.

    Returns
    -------
    dict
        relative path -> sha256 of the verified files.

    Raises
    ------
    RawDataError
        Naming every altered, missing or unlisted file.
    """
    manifest_file = raw_dir / MANIFEST_NAME
    if not manifest_file.exists():
        raise RawDataError(f"{manifest_file}: raw-data manifest not found; create it with "
                           f"`python -m analysis.provenance hash-raw {raw_dir}` after checking the files")
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    files = manifest.get("files", manifest)
    problems = []
    present = {p.relative_to(raw_dir).as_posix() for p in raw_dir.rglob("*")
               if p.is_file() and p.name not in (MANIFEST_NAME, "README.md")}
    verified = {}
    for rel, meta in sorted(files.items()):
        expected = meta["sha256"] if isinstance(meta, dict) else meta
        f = raw_dir / rel
        if not f.exists():
            problems.append(f"{f}: listed in the manifest but missing")
            continue
        got = sha256_file(f)
        if got != expected:
            problems.append(f"{f}: SHA-256 {got[:12]}… differs from the manifest ({expected[:12]}…): "
                            "the raw file was altered")
        verified[rel] = got
    for rel in sorted(present - set(files)):
        problems.append(f"{raw_dir / rel}: not listed in {manifest_file}")
    if problems:
        raise RawDataError("raw data do not match their manifest:\n  " + "\n  ".join(problems))
    return verified


def hash_raw(raw_dir: Path) -> Path:
    """Write ``MANIFEST.json`` for a raw folder (a deliberate act after receiving new data)."""
    from analysis.io import atomic_write_json as _w

    files = {p.relative_to(raw_dir).as_posix(): {"sha256": sha256_file(p), "bytes": p.stat().st_size}
             for p in sorted(raw_dir.rglob("*")) if p.is_file() and p.name not in (MANIFEST_NAME, "README.md")}
    return _w({"files": files}, raw_dir / MANIFEST_NAME)


def output_hashes(report_dir: Path) -> dict[str, str]:
    """SHA-256 of every file of a report folder except its manifest."""
    return {p.relative_to(report_dir).as_posix(): sha256_file(p)
            for p in sorted(report_dir.rglob("*")) if p.is_file() and p.name != MANIFEST_NAME}


def write_manifest(cfg) -> Path:
    """Write ``reports/<period>/MANIFEST.json`` (provenance, inputs, outputs, packages)."""
    report = paths.report_dir(cfg.period)
    manifest = {
        "provenance": collect(cfg),
        "config": yaml_safe(cfg.path.read_text(encoding="utf-8")),
        "inputs": {f"{cfg.raw_dir.relative_to(paths.ROOT).as_posix() if cfg.raw_dir.is_relative_to(paths.ROOT) else cfg.raw_dir}/{k}": v
                   for k, v in verify_raw(cfg.raw_dir).items()},
        "outputs": output_hashes(report),
        # format, encoding, header row and hash of every raw file as the cleaning stage read it
        "input_files": _input_files(cfg),
        "packages": package_versions(),
        "synthetic": cfg.synthetic,
    }
    return atomic_write_json(manifest, report / MANIFEST_NAME)


def write_restricted_manifest(cfg) -> Path | None:
    """Write ``restricted/<period>/MANIFEST.json``: SHA-256 of every restricted file, with the
    source commit and config hash, so that a worklist handed to a field team can be traced to its
    run. The restricted tier is never published or committed; None when it holds no file."""
    root = paths.restricted_dir(cfg.period)
    if not root.is_dir():
        return None
    files = output_hashes(root)
    if not files:
        return None
    manifest = {"tier": "restricted", "period": str(cfg.period), "source_commit": source_commit(),
                "config_sha256": cfg.sha256, "files": files}
    return atomic_write_json(manifest, root / MANIFEST_NAME)


def _input_files(cfg) -> list[dict]:
    import pandas as pd

    f = paths.stage_dir(cfg.period, "clean") / "input_files.csv"
    if not f.exists():
        return []
    df = pd.read_csv(f, dtype=str, keep_default_na=False)
    if "path" in df.columns:  # never an absolute path of the machine that ran it
        df["path"] = df["path"].map(lambda p: Path(p).name)
    return df.to_dict(orient="records")


def yaml_safe(text: str):
    import yaml

    return yaml.safe_load(text)


def compare_outputs(manifest_file: Path, rebuilt_dir: Path, release_dir: Path | None = None) -> list[str]:
    """Differences between a manifest's outputs and a rebuilt (and the released) folder.

    Returns a list of human-readable lines, empty when everything is identical.
    """
    manifest = json.loads(Path(manifest_file).read_text(encoding="utf-8"))
    expected = manifest["outputs"]
    diffs = []
    for label, folder in (("release", release_dir), ("rebuild", rebuilt_dir)):
        if folder is None:
            continue
        got = output_hashes(Path(folder))
        for rel in sorted(set(expected) | set(got)):
            if rel not in got:
                diffs.append(f"{label}: {rel}: missing (listed in {manifest_file.name})")
            elif rel not in expected:
                diffs.append(f"{label}: {rel}: not listed in {manifest_file.name}")
            elif got[rel] != expected[rel]:
                diffs.append(f"{label}: {rel}: SHA-256 {got[rel][:12]}… differs from manifest {expected[rel][:12]}…")
    return diffs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.provenance", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("verify-raw", help="check raw files against their manifest")
    p.add_argument("--config", required=True)
    p = sub.add_parser("hash-raw", help="write the manifest of a raw folder")
    p.add_argument("raw_dir")
    p = sub.add_parser("manifest", help="write reports/<period>/MANIFEST.json")
    p.add_argument("--config", required=True)
    p = sub.add_parser("compare", help="compare a rebuilt report folder with a release manifest")
    p.add_argument("--manifest", required=True)
    p.add_argument("--rebuilt", required=True)
    p.add_argument("--release", default=None)
    args = parser.parse_args(argv)

    from analysis.config import load_config

    try:
        if args.cmd == "verify-raw":
            cfg = load_config(args.config)
            n = len(verify_raw(cfg.raw_dir))
            print(f"raw data OK: {n} files in {cfg.raw_dir} match {MANIFEST_NAME}")
        elif args.cmd == "hash-raw":
            print(hash_raw(paths.resolve(args.raw_dir)))
        elif args.cmd == "manifest":
            cfg = load_config(args.config)
            print(write_manifest(cfg))
            restricted = write_restricted_manifest(cfg)
            if restricted is not None:
                print(restricted)
        elif args.cmd == "compare":
            diffs = compare_outputs(Path(args.manifest), Path(args.rebuilt),
                                    Path(args.release) if args.release else None)
            if diffs:
                print(f"{len(diffs)} difference(s) against {args.manifest}:", file=sys.stderr)
                for d in diffs:
                    print("  " + d, file=sys.stderr)
                return 1
            n = len(json.loads(Path(args.manifest).read_text())["outputs"])
            print(f"verify OK: all {n} outputs identical to {args.manifest}")
    except RawDataError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
