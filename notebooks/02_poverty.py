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
# # Stage 02 — Poverty by kecamatan and kelurahan, and whether bansos reaches the poor
#
# BPS publishes poverty for Kota Bontang as a whole. This stage estimates, from the cleaned
# Susenas Maret files of two years and the cleaned social registry (DTSEN):
#
# 1. **direct estimates** of P0, P1, P2 (person level, poor = per-capita expenditure strictly
#    below the year's poverty line) and the Gini ratio, for the city, each kecamatan and
#    household groups, with design-based standard errors (Taylor linearisation over strata and
#    PSUs), 95 % intervals (t with the design degrees of freedom; logit interval for P0) and the
#    BPS reliability flag;
# 2. the **change** between the two years (independent samples) with its test;
# 3. a **kelurahan map** of P0 from a Fay-Herriot model with registry covariates, benchmarked to
#    the direct city figure, with diagnostics;
# 4. **targeting** of PKH and BPNT: a proxy-means test fitted on Susenas, validated out of
#    sample, applied to the registry; inclusion and exclusion errors by kecamatan;
# 5. the **published** BPS series beside the estimates and the concept notes for the brief.
#
# All logic lives in `analysis.poverty`; this notebook calls it and shows aggregates only.

# %% tags=["parameters"]
config_path = "config/demo-2024.yaml"

# %%
import pandas as pd
from IPython.display import display

from analysis.codes import banner_text
from analysis.config import load_config
from analysis.poverty import plots, run_poverty_stage
from analysis.stage import as_image, write_stage
from analysis.poverty.stage import write_worklists

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 20)
pd.set_option("display.max_colwidth", 60)

cfg = load_config(config_path)
if cfg.synthetic:
    print(banner_text("en"))
out = run_poverty_stage(cfg)
written = write_stage(out, cfg, "poverty")
print("written:", ", ".join(p.relative_to(written[0].parent).as_posix() for p in written))
# field worklists with names and addresses: restricted tier only (restricted/<period>/worklists/)
books = write_worklists(cfg, out)
print(f"field worklists: {len(books)} kelurahan workbook(s), {len(out.info['worklists'])} families "
      "(restricted tier, never published)")

# %% [markdown]
# ## 1. Direct estimates: city and kecamatan
# P0 in percent of persons; P1 and P2 ×100 as BPS publishes them; Gini as a ratio; `poor_persons`
# is the estimated number of poor persons. Flags: `ok` (RSE ≤ 25 %), `caution` (25-50 %),
# `unreliable` (> 50 %), `suppressed` (fewer than the configured minimum of sample households).

# %%
plots.headline_view(out.estimates)

# %%
as_image(plots.p0_by_kecamatan(out.estimates, (cfg.previous_period, cfg.period)))

# %% [markdown]
# ## 2. Household groups (current period)
# Subpopulations of the full design: household head's sex and education, household size.

# %%
for level in ("hh_head_sex", "hh_head_education", "hh_size"):
    display(plots.domain_view(out.estimates, level, cfg.period))

# %% [markdown]
# ## 3. Change between the two years
# Independent samples: the SE of a change is the root of the summed variances, tested with t on
# the summed design degrees of freedom. A change is called a rise or a fall only when significant.

# %%
ch = out.tables["changes"]
ch[ch["domain_level"].isin(["kota", "kecamatan"])].round(3)

# %% [markdown]
# ## 4. Kelurahan map: Fay-Herriot model
# Direct kelurahan estimates (domains of the full design) with GVF-smoothed sampling variances,
# registry covariates, REML fit, Prasad-Rao MSE; kelurahan without sample get the synthetic
# regression estimate. The benchmarked version adds up (population-weighted) to the direct city P0.

# %%
out.tables["fh_summary"]

# %%
as_image(plots.kelurahan_estimates(out.tables["kelurahan_p0"]))

# %% [markdown]
# ### Diagnostics
# Standardised residuals should look like draws from N(0, 1) with no trend against the
# regression prediction; the shrinkage factor gamma grows with the kelurahan sample size; the
# model should lower the coefficient of variation compared with the direct estimate.

# %%
as_image(plots.fh_residuals(out.tables["fh_diagnostics"]))

# %%
as_image(plots.fh_shrinkage(out.tables["kelurahan_p0"]))

# %%
as_image(plots.fh_cv(out.tables["fh_diagnostics"]))

# %%
out.tables["fh_diagnostics"].round(3)

# %% [markdown]
# ## 5. Targeting of PKH and BPNT
# ### Proxy-means test: out-of-sample validation
# Survey-weighted regression of log per-capita expenditure on characteristics the registry also
# records. R² and the PMT's own errors (share of households) in sample, out of time (fitted on
# the previous year, tested on the current one) and with PSU-grouped K-fold cross-validation.

# %%
out.tables["pmt_validation"].round(2)

# %% [markdown]
# ### Inclusion and exclusion errors in the registry
# Families (registry records found moved, dead, duplicated or not found are left out; recipients
# on such records are counted separately). Eligibility is by the PMT-predicted welfare: below the
# poverty line, or in the bottom 40 % of the city's person distribution. Counts below the
# suppression threshold are blank; kecamatan with unverified records are flagged.

# %%
out.tables["targeting_errors"].round(1)

# %%
as_image(plots.targeting_bars(out.tables["targeting_errors"], "poverty_line"))

# %%
as_image(plots.targeting_bars(out.tables["targeting_errors"], "bottom40"))

# %% [markdown]
# ### Survey evidence against actual expenditure
# The same error rates estimated directly from Susenas (households), where actual expenditure is
# observed; most cells rest on few poor sample households.

# %%
t = out.estimates[out.estimates["indicator"].str.contains("_error_")]
t[["indicator", "domain_name", "estimate", "ci_low", "ci_high", "n_sample", "flag"]].round(1)

# %% [markdown]
# ## 6. Published context and concept notes

# %%
out.tables["published_poverty"][["indicator", "year", "series", "value", "grade", "label"]]

# %%
out.tables["concept_notes"]

# %% [markdown]
# ## 7. Field worklists (restricted) and their public counts
# Families whose verification is pending or whose record was found invalid, ranked by the PMT's
# poverty likelihood and assigned an intervention channel (`poverty.worklists` in the config:
# Kemensos PKH/BPNT, local APBD/TJSL/BAZNAS, not eligible). The lists themselves, with names and
# addresses joined from the raw registry, are written only to `restricted/<period>/worklists/`;
# the public table `worklist_counts` gives families per RT and channel, with cells under the
# suppression threshold blanked. Kelurahan totals:

# %%
wc = out.tables["worklist_counts"]
wc[wc["rt"] == "semua"].drop(columns=["rt"]).set_index("kode_kel")
