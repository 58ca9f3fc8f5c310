"""Labour stage (03): BPS labour-force definitions, design-based estimates, AK/I vs TPT.

Modules
-------
``definitions``  one vectorised function per BPS concept (working age, employed, the four
                 categories of open unemployment, labour force, underemployment, part-time,
                 informal, youth, NEET) and the domain groupings (age, education, KBLI, KBJI)
``estimation``   every indicator as a domain ratio with :mod:`analysis.survey` (Taylor
                 linearisation), shaped into the estimates contract; changes between rounds
``aki``          AK/I registrations beside Sakernas unemployment: the decomposition of the gap
                 and the reasons as bilingual phrase data
``published``    BPS's published Bontang/Kaltim labour series beside the estimates
``privacy``      small-cell and complementary suppression of the tables
``stage``        ``run_labour_stage(cfg) -> analysis.stage.StageOutputs``

The entry point is re-exported here (outputs are written by ``analysis.stage.write_stage``)::

    from analysis.labour import run_labour_stage
"""
from analysis.labour.definitions import classify
from analysis.labour.estimation import (INDICATORS, LabourSample, domain_ratio, estimate_changes,
                                        estimate_indicators, prepare_sample)
from analysis.labour.stage import LabourInputs, load_inputs, run_labour_stage

__all__ = [
    "INDICATORS", "LabourInputs", "LabourSample", "classify", "domain_ratio",
    "estimate_changes", "estimate_indicators", "load_inputs", "prepare_sample", "run_labour_stage",
]
