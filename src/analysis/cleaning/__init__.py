"""Stage 01: validation, corrections, rule-based cleaning, pseudonymisation and update progress.

Public API::

    from analysis.cleaning import run_clean_stage, write_clean_outputs, DataContractError
    outputs = run_clean_stage(cfg)          # raises DataContractError listing every fatal violation
    write_clean_outputs(outputs, cfg)       # all or nothing under data/processed/<period>/

``python -m analysis.cleaning --config config/demo-2024.yaml`` does both and exits 1 with the
message on a data-contract violation.
"""
from analysis.cleaning.pipeline import (CleanOutputs, load_inputs, raw_kecamatan_codes, run_clean_stage,
                                       write_clean_outputs)
from analysis.cleaning.pseudonymise import PseudonymKeyError
from analysis.cleaning.validate import DataContractError, ValidationReport, Violation

__all__ = ["CleanOutputs", "DataContractError", "PseudonymKeyError", "ValidationReport", "Violation",
           "load_inputs", "raw_kecamatan_codes", "run_clean_stage", "write_clean_outputs"]
