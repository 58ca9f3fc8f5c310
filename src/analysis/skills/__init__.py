"""Skill-gap stage (04): occupation coder, gap signals and shortage index, programme effects,
recommendations.

Entry points: :func:`run_skills_stage` (``cfg -> StageOutputs(estimates, tables, work, info)``)
and :func:`write_stage_outputs`. Modules: ``data`` (inputs), ``coding`` (KBJI coder),
``gaps`` (signals, shortage index, mismatch), ``effects`` (programme effects), ``recommend``
(scorecard and rule), ``plots`` (notebook views), ``stage`` (orchestration and privacy).
"""
from analysis.skills.stage import StageOutputs, run_skills_stage, write_stage_outputs

__all__ = ["StageOutputs", "run_skills_stage", "write_stage_outputs"]
