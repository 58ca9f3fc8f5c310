"""Seeded generator of the SYNTHETIC Kota Bontang (no real person) and of its truth files.

``python -m analysis.synth --config config/synth-demo.yaml`` regenerates ``data/raw/demo`` and
``data/truth/demo`` byte for byte. Public entry points (import from the submodules):

* :func:`analysis.synth.population.build_population` -> :class:`~analysis.synth.population.Population`
  (``households``, ``persons``, ``blocks``, ``kelurahan``; columns in ``HOUSEHOLD_COLUMNS`` and
  ``PERSON_COLUMNS``); :func:`~analysis.synth.population.poverty_truth`,
  :func:`~analysis.synth.population.labour_truth`; :func:`~analysis.synth.population.component_rng`.
* :func:`analysis.synth.surveys.draw_susenas_sample`, :func:`analysis.synth.surveys.draw_sakernas_sample`
  (raw-contract samples, a few milliseconds per draw, for Monte-Carlo use).
* :func:`analysis.synth.registry.build_registry` (clean DTSEN extract + truth of every row) and
  :mod:`analysis.synth.dirt` (documented faults).
* :func:`analysis.synth.build.build` (the whole demo build; calls ``analysis.synth.disnaker`` when
  present).
"""
