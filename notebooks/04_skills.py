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
# # Stage 04 — Skill gaps in Kota Bontang and what the training programmes should do about them
#
# After the contraction of an economy built on LNG, fertiliser, petrochemicals and coal, the city
# wants its training programmes matched to what Bontang's industry needs. This stage uses the
# Disnaker administrative data (AK/I job-seeker cards, reported vacancies, an establishment
# survey, training classes, applicants and the 6-month tracer):
#
# 1. codes free-text job titles to **KBJI 2014** (= ISCO-08) with a character/word TF-IDF +
#    multinomial logistic coder, evaluated on hand-coded titles held out **by employer**;
# 2. computes, per occupation and per certificate, tightness (V/U, V/Q), fill rate, days to fill,
#    the share of hires from outside Bontang, the flow gap G = (D − S)/(D + S), and an
#    OECD-Skills-for-Jobs-style **shortage index** with cluster-bootstrap confidence intervals;
# 3. estimates **programme effects** on employment 6 months after training (admitted against
#    rejected applicants of oversubscribed classes: doubly robust AIPW, IPW, logit AMEs,
#    statsmodels TreatmentEffect), with overlap, balance and tracer non-response weighting;
# 4. places every programme by need and effect and proposes **expand / insufficient evidence / reduce /
#    close / maintain** with a seat change in classes of 16.
#
# All logic lives in `analysis.skills`; this notebook calls it and shows aggregates only.

# %% tags=["parameters"]
config_path = "config/demo-2024.yaml"

# %%
import pandas as pd
from IPython.display import display

from analysis.codes import banner_text
from analysis.config import load_config
from analysis.skills import plots, run_skills_stage
from analysis.stage import as_image, write_stage

pd.set_option("display.width", 180)
pd.set_option("display.max_columns", 30)
pd.set_option("display.max_colwidth", 60)

cfg = load_config(config_path)
if cfg.synthetic:
    print(banner_text("en"))
out = run_skills_stage(cfg)
written = write_stage(out, cfg, "skills")
print("written:", ", ".join(p.relative_to(written[0].parent).as_posix() for p in written))
tables = out.tables

# %% [markdown]
# ## 1. The occupation coder
# Held-out evaluation: the hand-coded titles are de-duplicated and split by employer (GroupKFold),
# so no employer's postings are on both sides. Accuracy is measured against the coders' codes,
# whose own agreement (Cohen's κ on double-coded records) is the ceiling. A title is auto-coded
# only when p₁ ≥ threshold and p₁ − p₂ ≥ margin; the rest go to the review queue, and every count
# below uses the soft probabilities.

# %%
display(plots.classifier_view(tables["classifier_metrics"]))
display(plots.classifier_other(tables["classifier_metrics"]))

# %% [markdown]
# ## 2. Job seekers against vacancies
# Job seekers are the average stock over the year's month-ends of valid, not-placed AK/I cards —
# not unemployment (placements are often not reported, so the stock overstates it). Vacancy
# positions are de-duplicated postings of the year.

# %%
display(tables["seekers_vacancies_by_major_group"].round(1))

# %%
display(as_image(plots.beveridge_chart(tables["occupation_gaps"], synthetic=cfg.synthetic)))

# %% [markdown]
# ## 3. The shortage index
# Positive = shortage, negative = surplus. Labels: *shortage* if the 90 % bootstrap interval is
# above 0, *surplus* if below, *balanced* if it lies within ±0.5, else *uncertain*. Occupations
# with fewer than 30 vacancies plus seekers are pooled into their 3-digit (then 2-digit) group.

# %%
display(as_image(plots.si_bars(tables["occupation_gaps"], synthetic=cfg.synthetic)))

# %%
display(plots.gaps_view(tables["occupation_gaps"]))
display(tables["occupation_gaps"]["label"].value_counts())

# %% [markdown]
# ## 4. Certificates
# Gap = positions requiring the certificate − (seekers holding it + certified completers of the
# year). The share of vacancies lacking *only* the certificate counts postings for which no
# qualified seeker is expected but some would be without the certificate requirement.

# %%
display(tables["certificate_gaps"].round(2))

# %% [markdown]
# ## 5. Programme effects
# Admitted against rejected applicants of oversubscribed classes. Pooled estimates by method:

# %%
display(tables["programme_effects_methods"].round(4))

# %% [markdown]
# Covariate balance (standardised mean differences; the target is |SMD| < 0.1 after weighting) and
# the tracer response rates behind the non-response weights:

# %%
display(plots.balance_view(tables["balance"]))
display(plots.balance_by_programme(tables["balance"]))
display(tables["tracer_response"])

# %% [markdown]
# The scorecard (effects in percentage points, 95 % intervals clustered by class with a CR2-type
# correction and t(G-1), see docs/programme_effects.md; `precision` is *insufficient* when fewer
# than four classes or ten treated or comparison applicants answered the tracer):

# %%
display(plots.scorecard_view(tables["programme_scorecard"]))

# %% [markdown]
# What the samples can show: each programme's effective sample (simple-random-sample size with the
# same standard error), the smallest effect it can detect, and the responding applicants it would
# need to detect a 10-point effect. Then the sensitivity to unmeasured selection (E-values) and
# the overlap of the propensity scores:

# %%
display(tables["programme_effect_power"].round(2))
display(tables["programme_effect_sensitivity"].round(3))

# %% [markdown]
# ## 6. Recommendations
# Rule (config `skills.recommend`): **expand** only if the target occupations are in shortage
# (90 % CI > 0), the effect's 95 % interval lies above zero, the estimate is not flagged
# insufficient, and its cost per additional placement is at most the median; **reduce** if in
# surplus and it does not demonstrably work (**close** when no seat would be left); **maintain** if
# it works without a shortage; otherwise **insufficient_evidence**, with the sample needed to
# detect a 10-point effect. The last row pools all programmes.

# %%
display(as_image(plots.quadrant_chart(tables["recommendations"], synthetic=cfg.synthetic)))

# %%
display(plots.recommendations_view(tables["recommendations"]))

# %% [markdown]
# ## 7. Aggregate mismatch
# Jackman–Layard–Savouri MM = ½ Σ|u/U − v/V| and Şahin–Song–Topa–Violante M = 1 − Σ (v/V)^α (u/U)^(1−α)
# (α = 0.5) by year and number of KBJI digits; both drift with trends, so read them across
# occupations within a year rather than as a time series.

# %%
display(tables["mismatch_index"].round(3))
