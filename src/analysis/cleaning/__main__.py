"""``python -m analysis.cleaning --config config/demo-2024.yaml``: run and write stage 01.

Exit status 0 on success; 1 with the message on stderr when the raw data break their contracts
(nothing is written then), when the configuration or a contract is invalid, or when a real run has
no pseudonymisation key.
"""
from __future__ import annotations

import argparse
import sys
import time


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m analysis.cleaning", description=__doc__.splitlines()[0])
    p.add_argument("--config", required=True, help="run configuration (config/<name>.yaml)")
    p.add_argument("--contracts", default=None, help="folder of contract YAMLs (default: the package's)")
    p.add_argument("--report", default=None,
                   help="on failure, also write the Markdown validation report to this file")
    args = p.parse_args(argv)

    from analysis.cleaning import DataContractError, run_clean_stage, write_clean_outputs
    from analysis.config import load_config
    from analysis.contracts import load_contracts

    t0 = time.perf_counter()
    try:
        cfg = load_config(args.config)
        contracts = load_contracts(args.contracts) if args.contracts else None
        out = run_clean_stage(cfg, contracts)
        written = write_clean_outputs(out, cfg)
    except DataContractError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        if args.report:
            from pathlib import Path

            Path(args.report).write_text(exc.report.to_markdown("Validation report (run stopped)"),
                                         encoding="utf-8")
            print(f"validation report: {args.report}", file=sys.stderr)
        return 1
    except ValueError as exc:  # ConfigError, ContractError, PseudonymKeyError
        print(f"ERROR: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    n_warn = len(out.report.warnings)
    log = out.clean["cleaning_log"]
    print(f"stage 01 done in {time.perf_counter() - t0:.1f} s: {len(out.tables)} tables, "
          f"{n_warn} warning(s) in the validation report, {len(log)} cleaning-log rows, "
          f"{len(written)} files under data/processed/{out.period}/ (pseudonym key: {out.key_source})")
    print("timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in out.timings.items())
          + f", write {time.perf_counter() - t0 - sum(out.timings.values()):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
