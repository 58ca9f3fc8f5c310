"""Stage 04 (skills): occupation coding, skill-gap signals and programme recommendations.

Entry point: :func:`run_skills_stage` (``cfg -> analysis.stage.StageOutputs``); outputs are
written by ``analysis.stage.write_stage(outputs, cfg, "skills")``. Modules: ``data`` (inputs),
``coding`` (KBJI coder), ``gaps`` (signals, shortage index, mismatch), ``effects`` (programme
effects), ``recommend`` (scorecard and recommendations), ``plots`` (views for the notebook).
"""
from analysis.skills.stage import run_skills_stage

__all__ = ["run_skills_stage"]
