"""Stage 05: the policy briefs (Bahasa Indonesia and English) and the release of ``reports/``.

Modules
-------
fmt        number, percent, money and date formatting through Babel (``id_ID``, ``en_GB``)
i18n       fixed labels of the briefs in both languages
data       tolerant loaders of the stage outputs (estimates contract + tables)
narrative  phrase functions: headline and change wording, reliability, key points, notes
charts     matplotlib charts for A4, Okabe-Ito palette, each returning ``(figure, alt_text)``
html       HTML fragments displayed by the brief notebooks (masthead, key figures, tables …)
render     executed notebook -> self-contained HTML (nbconvert, custom template, no code)
privacy    the privacy gate run before anything is written to ``reports/``
assemble   stage 05 release: concatenated estimates, copied tables, exhibit map
exhibits   the exhibit map (table/figure -> notebook, function, output file)

The brief never computes an estimate: every number comes from ``estimates.csv`` or ``tables/``.
"""
