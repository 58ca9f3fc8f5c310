"""The one scaffold every stage stands on: declared inputs and outputs, strict settings, one writer.

A stage (01 clean, 02 poverty, 03 labour, 04 skills) is declared once in :data:`STAGES`: the
processed tables it reads, the files it writes and the folder they go to. Stages read their inputs
only through :func:`read_processed` -- there is no fallback to the raw folder, because only stage
01 may read raw data; a missing input is an error naming the stage that makes it. Each stage
returns a :class:`StageOutputs`, and :func:`write_outputs` writes all of it into a staging folder
and swaps that in only when every file was written, so a failed run never leaves a half-new
folder and files the run did not write (a stale table, another dataset's Parquet) disappear.
Config sections are read with :func:`settings`, where an unknown key is an error, not a silent
no-op.
"""
from __future__ import annotations

import io
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

import pandas as pd

from analysis import paths
from analysis.estimates import write_estimates
from analysis.io import atomic_write_csv, atomic_write_parquet, atomic_write_text


class StageInputError(FileNotFoundError):
    """A stage's declared input is missing; the message names the stage that writes it."""


class SettingsError(ValueError):
    """A config section has an unknown key or a value of the wrong kind."""


@dataclass(frozen=True)
class Stage:
    """Declaration of one stage.

    Attributes
    ----------
    name : str
        Short name; also the folder under ``data/processed/<period>/`` (``clean`` writes its
        Parquet tables at the top of that folder and its side tables in ``clean/``).
    notebook : str
        The notebook that runs it (relative to the project root).
    inputs : tuple of str
        Processed tables it needs, ``{period}``/``{previous_period}`` filled from the config.
    optional_inputs : tuple of str
        Tables it uses when the run declares them under ``inputs`` (the AK/I registry, say).
    tables : tuple of str
        Names of the ``tables/<name>.csv`` it writes (analysis stages).
    work : tuple of str
        Unpublished work files written beside ``estimates.csv`` (``<name>.csv``).
    """

    name: str
    notebook: str
    inputs: tuple[str, ...] = ()
    optional_inputs: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()
    work: tuple[str, ...] = ()

    def folder(self, period: str) -> Path:
        """Where the stage writes (``data/processed/<period>/<name>``; stage 01: the period folder)."""
        return paths.processed_dir(period) if self.name == CLEAN else paths.stage_dir(period, self.name)

    def input_names(self, cfg) -> list[str]:
        """Required processed tables of one run."""
        return [n.format(period=cfg.period, previous_period=cfg.previous_period) for n in self.inputs]

    def outputs(self, cfg=None) -> list[str]:
        """Declared output files, relative to :meth:`folder`.

        Stage 01: one Parquet per run input (its side tables in ``clean/`` depend on which
        inputs the run has, and are listed in docs/ARCHITECTURE.md).
        """
        if self.name == CLEAN:
            return [f"{n}.parquet" for n in sorted(cfg.inputs)] if cfg is not None else []
        return (["estimates.csv"] + [f"tables/{t}.csv" for t in self.tables]
                + [f"{w}.csv" for w in self.work])


CLEAN = "clean"
STAGES: dict[str, Stage] = {s.name: s for s in (
    Stage("clean", "notebooks/01_clean.py"),
    Stage("poverty", "notebooks/02_poverty.py",
          inputs=("susenas_{previous_period}", "susenas_{period}", "dtsen_households", "dtsen_members", "wilayah",
                  "poverty_lines", "published_indicators"),
          tables=("changes", "concept_notes", "covariate_harmonisation", "ebp_aggregates", "ebp_coefficients",
                  "ebp_diagnostics", "ebp_kelurahan", "ebp_selection", "ebp_transformations", "fh_diagnostics",
                  "fh_summary", "kelurahan_p0", "pmt_coefficients", "pmt_validation", "published_poverty",
                  "targeting_errors", "worklist_counts")),
    Stage("labour", "notebooks/03_labour.py",
          inputs=("sakernas_{previous_period}", "sakernas_{period}", "wilayah", "published_indicators"),
          optional_inputs=("ak1_registrations", "trainees"),
          tables=("aki_reasons", "aki_vs_tpt", "changes", "labour_force_summary", "tpt_published",
                  "unemployment_categories")),
    Stage("skills", "notebooks/04_skills.py",
          inputs=("ak1_registrations", "employers", "vacancies", "training_programs", "training_cohorts",
                  "applicants", "trainees", "kbji2014", "occupation_synonyms", "coded_titles"),
          optional_inputs=("employer_survey",),
          tables=("balance", "certificate_gaps", "classifier_metrics", "mismatch_index", "occupation_gaps",
                  "occupation_titles", "programme_effect_power", "programme_effect_sensitivity",
                  "programme_effects_methods", "programme_scorecard", "recommendations",
                  "seekers_vacancies_by_major_group", "tracer_response"),
          work=("coding_review_queue",)),
)}


def stage(name: str) -> Stage:
    """The declaration of one stage (``KeyError`` naming the known stages otherwise)."""
    try:
        return STAGES[name]
    except KeyError:
        raise KeyError(f"no stage named {name!r}; stages: {', '.join(STAGES)}") from None


# ---------------------------------------------------------------------------------- reading
def processed_path(cfg, name: str) -> Path:
    """``data/processed/<period>/<name>.parquet``: the cleaned table of a run input."""
    return paths.processed_dir(cfg.period) / f"{name}.parquet"


def read_processed(cfg, name: str, *, stage_name: str | None = None, optional: bool = False
                   ) -> pd.DataFrame | None:
    """A cleaned table written by stage 01, never the raw file.

    Parameters
    ----------
    cfg : analysis.config.RunConfig
    name : str
        Run input name (``susenas_2024``, ``wilayah`` ...).
    stage_name : str, optional
        The reading stage, named in the error message.
    optional : bool
        Return ``None`` when the run does not declare the input at all (a city without an AK/I
        extract, say). A declared input whose Parquet is missing is always an error: stage 01
        has not run, or failed.

    Raises
    ------
    StageInputError
        Naming the file, the reading stage and the stage that writes it.
    """
    if optional and name not in cfg.inputs:
        return None
    path = processed_path(cfg, name)
    if not path.is_file():
        who = f"stage {stage_name!r} needs " if stage_name else "missing input: "
        hint = ("" if name in cfg.inputs else
                f"; '{name}' is not declared under 'inputs' in {Path(cfg.path).name}")
        raise StageInputError(f"{who}{path}: written by stage 'clean' ({STAGES[CLEAN].notebook}); "
                              f"run `make report` or that notebook first{hint}")
    return pd.read_parquet(path)


def read_inputs(cfg, stage_name: str) -> dict[str, pd.DataFrame | None]:
    """Every declared input of a stage (optional ones as ``None`` when the run lacks them)."""
    st = stage(stage_name)
    out: dict[str, pd.DataFrame | None] = {n: read_processed(cfg, n, stage_name=stage_name)
                                           for n in st.input_names(cfg)}
    for n in st.optional_inputs:
        out[n] = read_processed(cfg, n, stage_name=stage_name, optional=True)
    return out


def as_text(df: pd.DataFrame) -> pd.DataFrame:
    """Every column as text with missing values as ``""`` (reference tables: codes keep their dots)."""
    df = df.drop(columns=[c for c in ("qc_flags",) if c in df])
    return pd.DataFrame({c: df[c].astype("string").fillna("").astype(str) for c in df.columns})


# ---------------------------------------------------------------------------------- settings
def settings(cfg, section: str, defaults: Mapping[str, Any]) -> dict[str, Any]:
    """One config section merged over its defaults; an unknown key is an error.

    Parameters
    ----------
    cfg : RunConfig
    section : str
        Top-level key of the run config (``poverty``, ``labour``, ``skills`` ...).
    defaults : mapping
        Every allowed key with its default. A value of the wrong kind (a text where the default
        is a number) is an error too; a default of ``None`` accepts anything.

    Raises
    ------
    SettingsError
        Naming the config file, the section and the key.
    """
    given = getattr(cfg, section, None) or {}
    where = f"{getattr(cfg, 'path', 'config')}: section '{section}'"
    if not isinstance(given, Mapping):
        raise SettingsError(f"{where} must be a mapping, got {type(given).__name__}")
    unknown = sorted(set(given) - set(defaults))
    if unknown:
        raise SettingsError(f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(defaults))}")
    for k, v in given.items():
        d = defaults[k]
        if d is None or v is None:
            continue
        ok = (isinstance(v, (int, float)) and not isinstance(v, bool) if isinstance(d, (int, float))
              and not isinstance(d, bool) else isinstance(v, type(d)))
        if not ok:
            raise SettingsError(f"{where}: key '{k}' must be {type(d).__name__} like its default {d!r}, got {v!r}")
    return {**defaults, **given}


def ci_quantile(cfg) -> float:
    """Two-sided normal quantile of the run's confidence level (``reliability.ci_level``)."""
    from scipy import stats

    level = float((cfg.reliability or {}).get("ci_level", 0.95))
    if not 0 < level < 1:
        raise SettingsError(f"{cfg.path}: reliability.ci_level must lie in (0, 1), got {level}")
    return float(stats.norm.ppf(0.5 + level / 2))


# ---------------------------------------------------------------------------------- outputs
@dataclass
class StageOutputs:
    """What an analysis stage returns; nothing is written until :func:`write_outputs`.

    Attributes
    ----------
    estimates : DataFrame
        Rows of the estimates contract.
    tables : dict of str to DataFrame
        Published tidy tables (``tables/<name>.csv``), aggregates only.
    work : dict of str to DataFrame
        Unpublished work files (written beside ``estimates.csv``).
    info : dict
        Model objects and summaries for the notebook (never written).
    round_digits : int, optional
        Round float columns of tables and work files to this many decimals when writing (a
        bootstrap's last-bit noise then never changes a byte); the frames in memory stay exact.
    """

    estimates: pd.DataFrame
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    work: dict[str, pd.DataFrame] = field(default_factory=dict)
    info: dict = field(default_factory=dict)
    round_digits: int | None = None

    def files(self) -> dict[str, Callable[[Path], Path]]:
        """Relative path -> writer of every file of the stage."""
        out: dict[str, Callable[[Path], Path]] = {"estimates.csv": lambda p: write_estimates(self.estimates, p)}
        for prefix, frames in (("tables/", self.tables), ("", self.work)):
            for name, df in frames.items():
                out[f"{prefix}{name}.csv"] = lambda p, df=df: atomic_write_csv(_rounded(df, self.round_digits), p)
        return out


def _rounded(df: pd.DataFrame, digits: int | None) -> pd.DataFrame:
    if digits is None:
        return df
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].round(digits)
    return out


def writer_for(obj) -> Callable[[Path], Path]:
    """Writer of one value by kind: DataFrame -> Parquet or CSV (by suffix), str -> text."""
    if isinstance(obj, pd.DataFrame):
        return lambda p: atomic_write_parquet(obj, p) if p.suffix == ".parquet" else atomic_write_csv(obj, p)
    if isinstance(obj, str):
        return lambda p: atomic_write_text(obj, p)
    raise TypeError(f"no writer for {type(obj).__name__}")


def write_outputs(outputs: StageOutputs | Mapping[str, Any], dest: str | os.PathLike, *,
                  declared: list[str] | None = None, keep: tuple[str, ...] = ()) -> list[Path]:
    """Write a stage's whole output into a staging folder, then swap it in.

    Parameters
    ----------
    outputs : StageOutputs or mapping
        A :class:`StageOutputs`, or ``relative path -> DataFrame | str | writer(path)``.
    dest : path
        The stage folder. After success it holds exactly the files written now (plus ``keep``);
        whatever an earlier run left there is gone.
    declared : list of str, optional
        The stage's declared outputs (:meth:`Stage.outputs`); writing a different set is an
        error, raised before anything is touched.
    keep : tuple of str
        Entries of ``dest`` owned by other stages (stage 01's folder holds the analysis stages'
        folders), carried over unchanged.

    Returns
    -------
    list of Path
        Final paths of the files written, sorted.

    Notes
    -----
    The staging folder is a sibling of ``dest`` (same file system), so the swap is two renames;
    on any failure before it the staging folder is removed and ``dest`` is as it was.
    """
    files = outputs.files() if isinstance(outputs, StageOutputs) else {
        k: (v if callable(v) else writer_for(v)) for k, v in outputs.items()}
    if declared is not None and sorted(files) != sorted(declared):
        extra, missing = sorted(set(files) - set(declared)), sorted(set(declared) - set(files))
        raise ValueError(f"{dest}: stage outputs differ from the declaration "
                         f"(undeclared: {extra or 'none'}; not written: {missing or 'none'})")
    dest = Path(dest)
    created = [p for p in reversed(dest.parents) if not p.exists()]  # removed again on failure
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.staging-", dir=dest.parent))
    old = None
    moved: list[str] = []
    try:
        for rel in sorted(files):
            files[rel](staging / rel)
        os.chmod(staging, 0o777 & ~_umask())
        if dest.exists():
            for k in keep:
                if (dest / k).exists():
                    os.rename(dest / k, staging / k)
                    moved.append(k)
            old = dest.parent / f".{dest.name}.old-{staging.name.rsplit('-', 1)[-1]}"
            os.rename(dest, old)
        os.rename(staging, dest)
    except BaseException:
        if old is not None and old.exists() and not dest.exists():
            os.rename(old, dest)
        for k in moved:
            if (staging / k).exists() and dest.exists():
                os.rename(staging / k, dest / k)
        shutil.rmtree(staging, ignore_errors=True)
        if created and not dest.exists():
            shutil.rmtree(created[0], ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return sorted(dest / rel for rel in files)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_stage(outputs: StageOutputs, cfg, stage_name: str) -> list[Path]:
    """Write an analysis stage's outputs to its folder, checked against its declaration."""
    st = stage(stage_name)
    return write_outputs(outputs, st.folder(cfg.period), declared=st.outputs(cfg))


# ---------------------------------------------------------------------------------- notebooks
def as_image(fig, dpi: int = 110):
    """A matplotlib Figure as a PNG ``IPython.display.Image``, with stable bytes; closes it.

    No software or date metadata is written, so executed notebooks are byte-reproducible; the
    figure is closed (pyplot figures would otherwise be shown a second time by the backend).
    """
    import matplotlib.pyplot as plt
    from IPython.display import Image

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    plt.close(fig)
    return Image(data=buf.getvalue(), format="png")
