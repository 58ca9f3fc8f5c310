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
# # Stage 03 — Employment and unemployment in Kota Bontang, and why the AK/I count differs
#
# Bontang has had the highest open unemployment rate (TPT) of Kalimantan Timur's ten kab/kota for
# most of the last decade, and the city has disputed BPS's figure by citing the number of job
# seekers holding an AK/I card at Disnaker. This stage:
#
# 1. applies the **BPS labour definitions** (working age 15+, the one-hour rule, the four
#    categories of open unemployment, the 35-hour threshold, formal = status 3 and 4) to the
#    cleaned Sakernas Agustus files of two years;
# 2. estimates TPT, TPAK, TKK, underemployment, part-time work, informality, youth unemployment
#    and NEET for the city and each kecamatan, TPT by sex, age, education and kecamatan × sex,
#    and the employed by industry (KBLI) and occupation (KBJI) — every figure a ratio of weighted
#    totals with a design-based standard error (Taylor linearisation over strata and PSUs), a
#    95 % interval and the BPS reliability flag;
# 3. tests the **change** from the previous August (independent samples);
# 4. sets the **AK/I registry beside the Sakernas count**, computing from the data how much of the
#    gap each known reason explains — without "correcting" either number;
# 5. shows BPS's **published** Bontang and Kaltim series beside the estimates.
#
# All logic lives in `analysis.labour`; this notebook calls it and shows aggregates only.

# %% tags=["parameters"]
config_path = "config/demo-2024.yaml"

# %%
import pandas as pd
from IPython.display import display

from analysis.codes import banner_text
from analysis.config import load_config
from analysis.labour import plots, run_labour_stage
from analysis.stage import as_image, write_stage

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 20)
pd.set_option("display.max_colwidth", 80)

cfg = load_config(config_path)
if cfg.synthetic:
    print(banner_text("en"))
out = run_labour_stage(cfg)
written = write_stage(out, cfg, "labour")
print("written:", ", ".join(p.relative_to(written[0].parent).as_posix() for p in written))
est = out.estimates
periods = (cfg.previous_period, cfg.period)

# %% [markdown]
# ## 1. The city: both Augusts and the change
# Rates in percent (95 % CI); the change in percentage points. Flags: `ok` (RSE ≤ 25 %),
# `caution` (25–50 %), `unreliable` (> 50 %), `suppressed` (too few sample persons in the
# denominator); `;not_significant` marks a change whose 95 % interval includes zero.

# %%
display(plots.headline_view(est, periods))

# %% [markdown]
# ## 2. Kecamatan
# BPS publishes no kecamatan labour figures for Bontang; with a few hundred sample households a
# year, kecamatan estimates rest on a few hundred labour-force members each, so read the flags.

# %%
for ind in ("tpt", "tpak"):
    for per in periods:
        print(f"{ind}, {per}")
        display(plots.domain_view(est, ind, "kecamatan", per))

# %% [markdown]
# ## 3. Who is unemployed: education, sex, age
# TPT by education keeps SMA (general) and SMK (vocational) apart: nationally SMK graduates have
# the highest TPT. Error bars are 95 % confidence intervals; overlapping intervals mean the sample
# cannot tell the groups apart.

# %%
display(as_image(plots.tpt_by_education_sex(est, cfg.period, synthetic=cfg.synthetic)))

# %%
for level in ("education", "sex", "age_group", "kecamatan_x_sex"):
    print(level)
    display(plots.domain_view(est, "tpt", level, cfg.period))

# %% [markdown]
# ## 4. Where people work: industry (KBLI 2020 sections) and occupation (KBJI 2014 major groups)
# Shares of the employed with their standard errors; small sections are flagged.

# %%
for level in ("kbli", "kbji"):
    display(plots.domain_view(est, "employment_share", level, cfg.period))

# %% [markdown]
# ## 5. Changes from the previous August
# Differences of two independent samples: SE = √(SE₁² + SE₂²), t test on the summed design
# degrees of freedom, two-sided p-value. A change is reported as a rise or a fall only when it
# is significant at 5 %.

# %%
ch = out.tables["changes"]
display(ch[ch["domain_level"].isin(["kota", "kecamatan"])]
        [["indicator", "domain_level", "domain_name", "estimate", "ci_low", "ci_high", "p_value", "direction"]]
        .round(3))

# %% [markdown]
# ## 6. AK/I registrations and the Sakernas count
# The registry side starts from the number of card transactions in the 12 months to the Sakernas
# reference date and removes, step by step, what is not a current, unplaced, local job seeker:
# renewals of the same card, reported placements, expired cards (a card is valid 6 months),
# placements never reported (estimated from the training tracer linked to the cards) and holders
# without a Bontang KTP. The survey side shows the Sakernas estimate of the unemployed and the
# groups that explain the difference in concept. What remains on the registry side is **not** an
# unemployment count, and the Sakernas figure is not "corrected" either: they answer different
# questions. Cells resting on fewer than the configured minimum of persons are blank.

# %%
display(out.tables["aki_vs_tpt"][["component", "count", "share", "se", "side", "source"]].round(1))

# %%
display(as_image(plots.aki_waterfall(out.tables["aki_vs_tpt"])))

# %% [markdown]
# The reasons, one line each (the brief reads these phrases in Bahasa Indonesia and English):

# %%
display(out.tables["aki_reasons"][["reason_code", "text_en", "value"]])

# %% [markdown]
# ## 7. Published context
# BPS's published August TPT for Bontang and Kalimantan Timur (as reported, with source and
# evidence grade), with this run's estimates; on the demo data those are synthetic.

# %%
if "tpt_published" in out.tables:
    tp = out.tables["tpt_published"]
    display(tp[tp["indicator"] == "tpt"][["area", "year", "series", "value", "ci_low", "ci_high", "grade"]])
    display(as_image(plots.tpt_history(tp)))
else:
    print("published_indicators not available for this run")
