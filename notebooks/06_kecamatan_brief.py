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
kecamatan_code = "64.74.01"

# %% tags=["remove_cell"]
# One-page kecamatan brief (stage 05). Numbers from the stage outputs, sentences from
# analysis.brief.narrative; nothing is computed here.
from analysis.brief import sections as s
from analysis.brief.html import show

ctx = s.context(config_path, language, kecamatan_code=kecamatan_code)

# %%
show(s.kecamatan_header(ctx))

# %%
show(s.kecamatan_body(ctx))

# %%
show(s.provenance(ctx))
