"""Poverty stage (02): direct FGT/Gini estimates, changes, kelurahan Fay-Herriot map, bansos targeting.

Public API
----------
run_poverty_stage(cfg, inputs=None) -> StageOutputs
    Every output of the stage (estimates in the output contract + tables).
load_inputs(cfg) -> PovertyInputs
    The cleaned Parquet files of stage 01 and the reference tables.

Outputs are written by ``analysis.stage.write_stage(outputs, cfg, "poverty")``.

Modules: :mod:`~analysis.poverty.direct` (design-based FGT, Gini, domains),
:mod:`~analysis.poverty.change` (independent-samples change tests),
:mod:`~analysis.poverty.smallarea` (registry covariates, Fay-Herriot map, benchmarking),
:mod:`~analysis.poverty.targeting` (proxy-means test, inclusion/exclusion errors),
:mod:`~analysis.poverty.context` (published series, concept notes),
:mod:`~analysis.poverty.stage` (inputs, orchestration).
"""
from analysis.poverty.stage import (
    TABLE_NAMES,
    PovertyInputs,
    load_inputs,
    run_poverty_stage,
)

__all__ = ["TABLE_NAMES", "PovertyInputs", "load_inputs", "run_poverty_stage"]
