"""Poverty stage (02): direct FGT/Gini estimates, changes, kelurahan Fay-Herriot map, bansos targeting.

Public API
----------
run_poverty_stage(cfg, inputs=None) -> StageOutputs
    Every output of the stage (estimates in the output contract + tables).
write_stage_outputs(outputs, stage_dir) -> list[Path]
    ``estimates.csv`` and ``tables/*.csv`` under ``paths.stage_dir(period, "poverty")``.
load_inputs(cfg) -> PovertyInputs
    The cleaned Parquet files of stage 01 and the reference tables.

Modules: :mod:`~analysis.poverty.direct` (design-based FGT, Gini, domains),
:mod:`~analysis.poverty.change` (independent-samples change tests),
:mod:`~analysis.poverty.smallarea` (registry covariates, Fay-Herriot map, benchmarking),
:mod:`~analysis.poverty.targeting` (proxy-means test, inclusion/exclusion errors),
:mod:`~analysis.poverty.context` (published series, concept notes),
:mod:`~analysis.poverty.stage` (inputs, orchestration, writer).
"""
from analysis.poverty.stage import (
    TABLE_NAMES,
    PovertyInputs,
    StageOutputs,
    load_inputs,
    run_poverty_stage,
    write_stage_outputs,
)

__all__ = ["TABLE_NAMES", "PovertyInputs", "StageOutputs", "load_inputs", "run_poverty_stage",
           "write_stage_outputs"]
