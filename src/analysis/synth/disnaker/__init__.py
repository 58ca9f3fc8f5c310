"""Synthetic Disnaker Kota Bontang files (AK/I, vacancies, training) and the skills truth.

Everything written here is SYNTHETIC. The structure mirrors Permenaker 39/2016 (seeker, vacancy
and placement content) and the Bontang flows of ``docs/methods.md`` §10; the sizes are
calibrated to published aggregates (``data/reference/published_indicators.csv``, with sources; active AK/I ~5,000-7,000,
~1,500 reported vacancy positions a year, registry V/U ~0.2-0.3, ~25-30 % women, peaks in the
school-leaving months and plant turnarounds). Every other number is a **demo assumption**: the
occupation imbalances, programme effects and noise rates below are chosen so that the skill-gap
stage has something known to recover, and are written to ``data/truth/demo/skills_truth.csv``.

Entry point: :func:`write_disnaker` (called by ``analysis.synth.build`` when present)::

    from pathlib import Path
    from analysis.synth.disnaker import write_disnaker
    write_disnaker(None, 20250521, Path("data/raw/demo"), Path("data/truth/demo"))

With ``population=None`` the seekers are independent draws (kecamatan shares from
``reference/wilayah_bontang.csv``); with a population object whose ``persons`` frame has sex, age,
education and kecamatan columns, seekers' demographics are drawn from its working-age persons.
The output is byte-identical for the same seed (CSV with fixed formats; the xlsx with fixed
document properties and zip timestamps).

Modules, one per artefact: ``catalogues`` (the CSV catalogues under ``data/``), ``common``
(constants, dates, helpers), ``titles`` (messy free-text titles), ``employers``, ``ak1`` (AK/I
cards and the tracer-card link), ``vacancies`` (vacancies and the employer survey), ``training``
(programmes, cohorts, applicants, trainees), ``reference`` (KBJI table, lexicon, coded titles,
truth), ``writers`` (deterministic CSV/xlsx).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .ak1 import _ak1, _fake_addresses, _fake_names, _population_persons, link_tracer_placements
from .catalogues import GENERIC, KBLI_SECTIONS, MAJOR_GROUPS, MINOR, SUB_MAJOR, catalogue, programmes
from .common import (CERTS, EDU_CODES, EDU_ISCED, EDU_RANK, EXTRACT, FIELD_BY_MG, FIXED_XLSX_TIME, LINK_STREAM,
                     REPORT_RATE, SECTOR_TYPES, START, STREAM, YEARS, _kecamatan_shares, _logistic, _months)
from .employers import _affinity, _employers
from .reference import _coded_titles, _kbji_table, _synonyms, _truth
from .titles import _title_variants, _typo, make_titles
from .training import _training
from .vacancies import _employer_survey, _vacancies
from .writers import TITLE_ROWS, _normalise_zip, _write_csv, _write_xlsx

__all__ = ["write_disnaker", "link_tracer_placements", "catalogue", "programmes", "make_titles", "REPORT_RATE",
           "STREAM", "EXTRACT", "YEARS", "START", "GENERIC", "MAJOR_GROUPS", "SUB_MAJOR", "MINOR", "KBLI_SECTIONS",
           "CERTS", "EDU_CODES", "EDU_RANK", "EDU_ISCED", "FIELD_BY_MG", "SECTOR_TYPES", "FIXED_XLSX_TIME",
           "TITLE_ROWS"]


def write_disnaker(population, seed: int, raw_dir: Path, truth_dir: Path) -> list[Path]:
    """Generate the synthetic Disnaker and skills reference files and their truth.

    Parameters
    ----------
    population : object or None
        The synthetic population of ``analysis.synth`` (optional). When it exposes a ``persons``
        DataFrame (attribute or key) with sex, age, education and kecamatan columns, seekers'
        demographics are drawn from its persons aged 18-57; otherwise independent draws.
    seed : int
        Run seed (the Disnaker files use their own sub-stream of it).
    raw_dir, truth_dir : Path
        ``data/raw/demo`` and ``data/truth/demo``.

    Returns
    -------
    list of Path
        Every raw file written (for the raw MANIFEST), then the truth file.
    """
    raw_dir, truth_dir = Path(raw_dir), Path(truth_dir)
    rng = np.random.default_rng([int(seed), STREAM])
    cat = catalogue()
    active = cat[cat["u"] > 0].reset_index(drop=True)
    kec_codes, kec_p = _kecamatan_shares(raw_dir)

    emp = _employers(rng, kec_codes, kec_p)
    aff = _affinity(active, emp)

    # --- occupation rates -----------------------------------------------------------------
    kappa = active["kappa"].to_numpy()
    u_stock = active["u"].to_numpy()
    spell = 14.0 * np.exp(-0.22 * kappa)                 # months searching (shortage: shorter)
    inflow = u_stock / spell                             # registrations share by desired occupation
    v_base = u_stock * np.exp(0.95 * kappa)
    v_base = v_base / v_base.sum() * 1450.0              # positions a year (2022 level)

    # --- AK/I registrations ----------------------------------------------------------------
    ak1, truth_titles_ak1 = _ak1(rng, active, inflow, spell, kec_codes, kec_p, population, emp)

    # --- vacancies -------------------------------------------------------------------------
    vac, vac_truth = _vacancies(rng, active, emp, aff, v_base)

    # --- employer survey --------------------------------------------------------------------
    survey = _employer_survey(rng, active, emp, aff, v_base)

    # --- training ---------------------------------------------------------------------------
    prog = programmes()
    programs_out, cohorts, applicants, trainees, att_truth, trainee_truth = _training(rng, prog, ak1, active)
    ak1, link_truth = link_tracer_placements(np.random.default_rng([int(seed), STREAM, LINK_STREAM]), ak1,
                                             trainee_truth)

    # --- reference tables -------------------------------------------------------------------
    kbji = _kbji_table(cat)
    kbli = pd.DataFrame(KBLI_SECTIONS, columns=["kategori", "judul_id", "title_en"])
    syn = _synonyms(cat)
    coded = _coded_titles(rng, vac_truth, truth_titles_ak1, active)

    # --- write ------------------------------------------------------------------------------
    out: list[Path] = []
    d = raw_dir / "disnaker"
    r = raw_dir / "reference"
    out.append(_write_csv(ak1, d / "ak1_registrations.csv"))
    out.append(_write_csv(emp, d / "employers.csv"))
    out.append(_write_xlsx(vac, d / "lowongan_2022_2025.xlsx"))
    out.append(_write_csv(survey, d / "employer_survey.csv"))
    out.append(_write_csv(programs_out, d / "training_programs.csv"))
    out.append(_write_csv(cohorts, d / "training_cohorts.csv"))
    out.append(_write_csv(applicants, d / "applicants.csv"))
    out.append(_write_csv(trainees, d / "trainees.csv"))
    out.append(_write_csv(kbji, r / "kbji2014.csv"))
    out.append(_write_csv(kbli, r / "kbli2020_kategori.csv"))
    out.append(_write_csv(syn, r / "occupation_synonyms.csv"))
    out.append(_write_csv(coded, r / "coded_titles.csv"))

    truth = _truth(active, v_base, u_stock, att_truth, vac_truth, truth_titles_ak1)
    truth = pd.concat([truth, link_truth], ignore_index=True)
    out.append(_write_csv(truth, truth_dir / "skills_truth.csv"))
    return out
