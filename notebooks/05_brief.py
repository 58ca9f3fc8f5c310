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

# %% tags=["parameters"]
config_path = "config/demo-2024.yaml"
language = "id"

# %% tags=["remove_cell"]
# City brief (stage 05). Every number comes from the stage outputs through analysis.brief;
# every sentence from analysis.brief.narrative. This notebook only calls and displays.
from analysis.brief import sections as s
from analysis.brief.html import show

ctx = s.context(config_path, language)

# %%
show(s.header(ctx))

# %%
show(s.decisions(ctx))

# %%
show(s.headline_figures(ctx))

# %%
show(s.main_points(ctx))

# %%
show(s.official_box(ctx))

# %%
show(s.annex(ctx))

# %%
show(s.glossary(ctx))

# %%
show(s.progress(ctx))

# %%
show(s.poverty(ctx))

# %%
show(s.labour(ctx))

# %%
show(s.industry_section(ctx))

# %%
show(s.skills(ctx))

# %%
show(s.targeting(ctx))

# %%
show(s.quality(ctx))

# %%
show(s.methods(ctx))

# %%
show(s.sources(ctx))

# %%
show(s.provenance(ctx))
