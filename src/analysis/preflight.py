"""``python -m analysis.preflight --config config/<run>.yaml``: plausibility checks before stage 01.

Runs :func:`analysis.cleaning.preflight.run_preflight` (survey years, weights and their totals
per kecamatan, kecamatan/strata/PSU coverage, poverty lines, corrections folder). Prints one line
per failure -- file, column, rule, rows as numbered in the file -- and exits 1; exits 0 with a
one-line summary when every check passes. Nothing is written.
"""
from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m analysis.preflight", description=__doc__.splitlines()[0])
    p.add_argument("--config", required=True, help="run configuration (config/<name>.yaml)")
    p.add_argument("--contracts", default=None, help="folder of contract YAMLs (default: the package's)")
    args = p.parse_args(argv)

    from analysis.cleaning.preflight import run_preflight
    from analysis.config import load_config
    from analysis.contracts import load_contracts

    try:
        cfg = load_config(args.config)
        contracts = load_contracts(args.contracts) if args.contracts else None
        problems = run_preflight(cfg, contracts)
    except ValueError as exc:           # ConfigError, ContractError, a layout that does not fit
        print(f"ERROR: {type(exc).__name__}: {exc}".replace("\n", " "), file=sys.stderr)
        return 1
    if problems:
        for v in problems:
            print(f"ERROR: {v.message()}".replace("\n", " "), file=sys.stderr)
        print(f"preflight: {len(problems)} problem(s); nothing was run or written", file=sys.stderr)
        return 1
    print(f"preflight OK: {args.config}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
