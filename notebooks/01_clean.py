# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Stage 01 — Reading, validating and cleaning the raw data
#
# Every later stage reads what this one writes. It
#
# 1. **reads** every raw file declared in the run configuration (CSV in UTF-8 or Windows-1252,
#    Excel sheets with title rows, Stata and SPSS files), keeping codes as text;
# 2. applies the **documented corrections** of `data/corrections/` (each with a reason and who,
#    checked against the number of rows and the old value it expects);
# 3. **validates** every file against its data contract (`src/analysis/contracts/*.yaml`, rendered
#    as `docs/data_dictionary.md`) and stops, writing nothing, if any rule marked *fatal* fails;
# 4. **cleans** by named rules: place-name spellings to Kemendagri codes, the BPS-to-Kemendagri
#    kecamatan crosswalk, NIK structure, duplicates, impossible ages, expenditure outliers — every
#    changed, dropped or flagged row goes to the cleaning log;
# 5. replaces direct identifiers by keyed pseudonyms and drops them;
# 6. measures the **progress of the 2025 DTSEN data update** by kecamatan and kelurahan.
#
# Only aggregates are shown here. The logic is in `analysis.cleaning`.

# %% tags=["parameters"]
config_path = "config/demo-2024.yaml"

# %%
import pandas as pd

from analysis import paths
from analysis.cleaning import run_clean_stage, write_clean_outputs
from analysis.cleaning import views
from analysis.codes import banner_text
from analysis.config import load_config

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 24)
pd.set_option("display.max_colwidth", 70)

cfg = load_config(config_path)
if cfg.synthetic:
    print(banner_text("en"))
out = run_clean_stage(cfg)          # raises DataContractError (and the run stops) on a fatal violation
written = write_clean_outputs(out, cfg)
print(f"pseudonymisation key: {out.key_source}")
print("written (data/processed: aggregates and pseudonymised data; restricted: row-level, never published):",
      ", ".join(sorted(p.relative_to(paths.output_root()).as_posix() for p in written)))

# %% [markdown]
# ## 1. What was read
# One row per declared input, in the provenance record `clean/input_files.csv`: the detected
# format and text encoding, the header row found (an Excel sheet may have title rows above it),
# the number of data rows and the start of the file's SHA-256.

# %%
views.files_view(out)

# %% [markdown]
# ## 2. Validation
# Number of failed rules and of rows concerned, by file and severity. A *fatal* rule would have
# stopped the run; the *warnings* below are handled by the named cleaning rule (`handled_by`) and
# logged. The full report, with example row numbers and values as they appear in the raw files, is
# `clean/validation_report.md` in the restricted tier (`restricted/<period>/`, never published).

# %%
views.validation_summary(out)

# %%
views.validation_view(out)

# %% [markdown]
# ## 3. Corrections applied
# From `data/corrections/`: what was corrected (lines and rows). Each line's reason and officer
# are in `clean/corrections_applied.csv` of the restricted tier: free text can name a person.

# %%
views.corrections_view(out)

# %% [markdown]
# ## 4. Cleaning log
# Rows changed (`recoded`, `corrected`, `winsorised`, `set_missing`), `dropped` or `flagged`, by
# rule (by kecamatan too, suppressed, in `clean/cleaning_by_kecamatan.csv`). Row-level detail,
# named by pseudonymous key and raw row number, is in `clean/cleaning_log.csv` of the restricted
# tier; NIK problems are logged by category, never by number.

# %%
views.log_view(out)

# %%
views.log_categories(out)

# %% [markdown]
# ## 5. Progress of the DTSEN data update
# Target families are those on the list before the update (families added by it, `baru`, are
# counted apart). Coverage = verified target families as a percentage of the target. Counts from 1
# to the suppression threshold are blanked, with a second cell where the first could be recovered
# by subtraction (`suppressed_cells` in the CSV files).

# %%
views.progress_view(out)

# %% [markdown]
# Kelurahan where the verification is not finished, least advanced first:

# %%
views.pending_kelurahan(out)

# %% [markdown]
# Families by outcome of the verification visit (removed: `pindah` moved, `meninggal` died,
# `ganda` duplicate record, `tidak_ditemukan` not found):

# %%
views.reasons_view(out, "kecamatan")

# %% [markdown]
# ## 6. Welfare deciles before and after verification (city)
# Rows: national decile before the update (`baru` = family added by it). Columns: decile after
# re-scoring the verified record, or the reason the record was removed, or `belum_diverifikasi`.
# A decile is a registry ranking (proxy-means test), not BPS consumption poverty.

# %%
views.decile_matrix(out)
