"""Command line: ``python -m analysis.synth --config config/synth-demo.yaml``.

Regenerates ``data/raw/demo`` and ``data/truth/demo`` (byte for byte for a given seed and locked
environment). ``--n-persons 4123303 --raw-dir /tmp/kaltim/raw --truth-dir /tmp/kaltim/truth``
builds a Kalimantan-Timur-size population for the cleaning benchmark.
"""
from __future__ import annotations

import argparse
import json
import sys

from analysis.synth.build import RUN_CONFIG, build


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m analysis.synth", description=__doc__.splitlines()[0])
    ap.add_argument("--config", default="config/synth-demo.yaml", help="generator configuration (YAML)")
    ap.add_argument("--n-persons", type=int, default=None, help="population size (default: the configuration's)")
    ap.add_argument("--raw-dir", default=None, help="output folder of the raw files (default: config raw_dir)")
    ap.add_argument("--truth-dir", default=None, help="output folder of the truth files (default: config truth_dir)")
    ap.add_argument("--run-config", default=RUN_CONFIG, help="run configuration giving the raw file names")
    ap.add_argument("--no-disnaker", action="store_true", help="skip analysis.synth.disnaker even if present")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    res = build(a.config, n_persons=a.n_persons, raw_dir=a.raw_dir, truth_dir=a.truth_dir,
                run_config=a.run_config, disnaker=not a.no_disnaker, verbose=not a.quiet)
    print(json.dumps({"population": res["population"], "timings_s": res["timings"],
                      "raw_files": len(res["raw_files"]), "headline": res["headline"]}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
