# Kota Bontang poverty, labour and skill-gap pipeline.
#   make report                 set up the environment (first time) and build reports/<period>/
#   make test                   run every test (unit, fixtures, end-to-end, nbval)
#   make report CONFIG=config/<other>.yaml   the same pipeline on other data
# `make help` lists every target. Requires GNU make >= 3.82 and python3 (3.11).

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules
# Independent targets (stages 02-04, the briefs per language and kecamatan) run in parallel on
# all cores, each target's output printed whole when it finishes; `make -j1` runs serially.
# Outputs are byte-identical either way (tests/test_pipeline_e2e.py builds with -j).
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 1) --output-sync=target

CONFIG ?= config/demo-2024.yaml
# OUT redirects everything the pipeline writes (used by `make verify` and the tests).
OUT ?= .
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON3 ?= python3

# Read the few settings make needs from the run config (values must be quoted strings).
cfg = $(shell sed -n 's/^$(1):[[:space:]]*"\{0,1\}\([^"#]*[^"# ]\)"\{0,1\}.*/\1/p' $(CONFIG))
PERIOD := $(call cfg,period)
RAW_DIR := $(call cfg,raw_dir)
CORR_DIR := $(call cfg,corrections_dir)
WILAYAH := $(RAW_DIR)/reference/wilayah_bontang.csv
LANGUAGES := $(shell sed -n 's/^languages:[[:space:]]*\[\(.*\)\].*/\1/p' $(CONFIG) | tr -d ' ' | tr ',' ' ')
KECAMATAN := $(shell awk -F, '$$3=="kecamatan"{print $$1}' $(WILAYAH) 2>/dev/null)

# Deterministic builds: no hash randomisation, no wall-clock dates, no display.
export PYTHONHASHSEED := 0
export SOURCE_DATE_EPOCH := 1747785600
export MPLBACKEND := Agg
export TZ := UTC
export ANALYSIS_OUTPUT_DIR := $(abspath $(OUT))

REPORT := $(OUT)/reports/$(PERIOD)
EXEC := $(REPORT)/executed
STAMP := $(OUT)/build/$(PERIOD)
BEXEC := $(OUT)/build/$(PERIOD)/executed
RUN := $(PY) -m analysis.runner

# Make sees imported code, config and data: each stage depends on the modules it imports.
CORE := $(wildcard src/analysis/__init__.py src/analysis/paths.py src/analysis/config.py \
          src/analysis/io.py src/analysis/estimates.py src/analysis/runner.py src/analysis/disclosure.py)
pkg = $(wildcard src/analysis/$(1).py src/analysis/$(1)/*.py src/analysis/$(1)/*.yaml \
        src/analysis/$(1)/templates/* src/analysis/$(1)/templates/*/*)
RAW_FILES := $(shell find $(RAW_DIR) -type f 2>/dev/null)
CORR_FILES := $(shell find $(CORR_DIR) -type f 2>/dev/null)
CLEAN_DEPS := notebooks/01_clean.py $(CORE) $(call pkg,contracts) $(wildcard src/analysis/contracts/layouts/*.yaml) \
  $(call pkg,cleaning) $(CORR_FILES)
# (the poverty stage also writes the restricted field worklists: raw registry names, pseudonymiser)
POVERTY_DEPS := notebooks/02_poverty.py $(CORE) $(call pkg,survey) $(call pkg,sae) $(call pkg,sae_unit) $(call pkg,poverty) \
  src/analysis/cleaning/identities.py src/analysis/cleaning/pseudonymise.py src/analysis/cleaning/reader.py
LABOUR_DEPS := notebooks/03_labour.py $(CORE) $(call pkg,survey) $(call pkg,labour)
SKILLS_DEPS := notebooks/04_skills.py $(CORE) $(call pkg,skills)
BRIEF_DEPS := $(CORE) $(call pkg,brief) $(call pkg,provenance)

KEC_STAMPS := $(foreach k,$(KECAMATAN),$(STAMP)/06_kecamatan_$(k).ok)

.PHONY: help report test test-unit test-nbval verify lab env lock data simulate simulate-kelurahan simulate-effects benchmark clean new-period
.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

# ---------------------------------------------------------------------------------------------
# Environment: one hashed lock for both routes (venv here; conda users create .venv from
# environment.yml first, then this only adds the project and the kernel).
$(VENV)/.installed: requirements/lock.txt pyproject.toml
	@if [ ! -x $(PY) ]; then echo "creating $(VENV) with $(PYTHON3) -m venv"; $(PYTHON3) -m venv $(VENV); fi
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/lock.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name bontang-analysis --display-name "Python (bontang-analysis)" >/dev/null
	touch $@

env: $(VENV)/.installed ## create .venv from the lock and install the package and its kernel

lock: ## recompile requirements/lock.txt from requirements/base.in (needs network)
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile requirements/base.in --generate-hashes --python-version 3.11 -o requirements/lock.txt

# ---------------------------------------------------------------------------------------------
# The pipeline. Stamps live in build/ (never committed), so a fresh clone always rebuilds and
# a second `make report` does nothing.
report: $(REPORT)/MANIFEST.json ## build reports/<period>/ (briefs, estimates.csv, tables, MANIFEST.json)

$(STAMP)/raw.ok: $(RAW_FILES) $(CONFIG) | $(VENV)/.installed
	$(PY) -m analysis.provenance verify-raw --config $(CONFIG)
	@mkdir -p $(@D) && touch $@

$(STAMP)/01_clean.ok: $(CLEAN_DEPS) $(CONFIG) $(STAMP)/raw.ok
	$(PY) -m analysis.preflight --config $(CONFIG)
	$(RUN) notebooks/01_clean.py $(BEXEC)/01_clean.ipynb -p config_path $(CONFIG)
	@touch $@

$(STAMP)/02_poverty.ok: $(POVERTY_DEPS) $(CONFIG) $(STAMP)/01_clean.ok
	$(RUN) notebooks/02_poverty.py $(BEXEC)/02_poverty.ipynb -p config_path $(CONFIG)
	@touch $@

$(STAMP)/03_labour.ok: $(LABOUR_DEPS) $(CONFIG) $(STAMP)/01_clean.ok
	$(RUN) notebooks/03_labour.py $(BEXEC)/03_labour.ipynb -p config_path $(CONFIG)
	@touch $@

$(STAMP)/04_skills.ok: $(SKILLS_DEPS) $(CONFIG) $(STAMP)/01_clean.ok
	$(RUN) notebooks/04_skills.py $(BEXEC)/04_skills.ipynb -p config_path $(CONFIG)
	@touch $@

STAGES := $(STAMP)/02_poverty.ok $(STAMP)/03_labour.ok $(STAMP)/04_skills.ok

# Stage 05. Nothing reaches reports/ without passing the privacy gate: `assemble` gates and
# publishes estimates.csv and tables/; `render` gates each brief and its executed notebook;
# the stage notebooks are gated before they are copied into reports/<period>/executed/.
$(STAMP)/assemble.ok: $(BRIEF_DEPS) $(CONFIG) $(STAGES)
	$(PY) -m analysis.brief.assemble --config $(CONFIG)
	$(PY) -m analysis.brief.privacy --config $(CONFIG) $(foreach s,01_clean 02_poverty 03_labour 04_skills,$(BEXEC)/$(s).ipynb)
	@mkdir -p $(EXEC) && cp $(foreach s,01_clean 02_poverty 03_labour 04_skills,$(BEXEC)/$(s).ipynb) $(EXEC)/
	@touch $@

$(STAMP)/05_brief_%.ok: notebooks/05_brief.py $(BRIEF_DEPS) $(CONFIG) $(STAMP)/assemble.ok
	$(RUN) notebooks/05_brief.py $(BEXEC)/05_brief_$*.ipynb -p config_path $(CONFIG) -p language $*
	$(PY) -m analysis.brief.render $(BEXEC)/05_brief_$*.ipynb $(REPORT)/brief_$*.html --config $(CONFIG) \
	  --copy-executed $(EXEC)/05_brief_$*.ipynb
	@touch $@

$(STAMP)/06_kecamatan_%.ok: notebooks/06_kecamatan_brief.py $(BRIEF_DEPS) $(CONFIG) $(STAMP)/assemble.ok
	$(RUN) notebooks/06_kecamatan_brief.py $(BEXEC)/06_kecamatan_$*.ipynb -p config_path $(CONFIG) \
	  -p language id -p kecamatan_code $*
	$(PY) -m analysis.brief.render $(BEXEC)/06_kecamatan_$*.ipynb $(REPORT)/kecamatan/brief_id_$*.html \
	  --config $(CONFIG) --copy-executed $(EXEC)/06_kecamatan_$*.ipynb
	@touch $@

$(REPORT)/MANIFEST.json: $(foreach l,$(LANGUAGES),$(STAMP)/05_brief_$(l).ok) $(KEC_STAMPS)
	$(PY) -m analysis.provenance manifest --config $(CONFIG)

# ---------------------------------------------------------------------------------------------
# Checks.
# The end-to-end test builds the pipeline once and runs on it both the byte-identity check
# and nbval's output comparison of every executed notebook (tests/test_pipeline_e2e.py).
test: $(VENV)/.installed ## run all tests: unit and fixture tests, end-to-end pipeline with nbval comparison
	$(PY) -m pytest -q -p no:cacheprovider -n 2 --dist loadfile tests

test-unit: $(VENV)/.installed ## unit and fixture tests only (no pipeline run)
	$(PY) -m pytest -q -p no:cacheprovider -m "not slow and not browser" tests

# nbval re-executes the release's executed notebooks (writing into a scratch folder) and
# compares every stored output except what tests/nbval_sanitize.cfg declares volatile
# (standalone; `make test` makes the same comparison on its one pipeline build).
test-nbval: $(VENV)/.installed
	scratch=$$(mktemp -d) && trap 'rm -rf "$$scratch"' EXIT && export ANALYSIS_OUTPUT_DIR=$$scratch && \
	$(PY) -m pytest -q -p no:cacheprovider --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
	  $(foreach s,01_clean 02_poverty 03_labour 04_skills,reports/$(PERIOD)/executed/$(s).ipynb) && \
	$(PY) -m analysis.brief.assemble --config $(CONFIG) >/dev/null && \
	$(PY) -m pytest -q -p no:cacheprovider --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
	  $$(ls reports/$(PERIOD)/executed/05_*.ipynb reports/$(PERIOD)/executed/06_*.ipynb | sort)

verify: $(VENV)/.installed ## rebuild from raw data in a temporary folder and compare with the release MANIFEST.json
	$(PY) -m analysis.provenance verify-raw --config $(CONFIG)
	scratch=$$(mktemp -d) && trap 'rm -rf "$$scratch"' EXIT && \
	$(MAKE) --no-print-directory report CONFIG=$(CONFIG) OUT=$$scratch && \
	$(PY) -m analysis.provenance compare --manifest reports/$(PERIOD)/MANIFEST.json \
	  --rebuilt $$scratch/reports/$(PERIOD) --release reports/$(PERIOD)

new-period: $(VENV)/.installed ## set up a new period: make new-period PERIOD=2025 RAW=data/raw/2025 (writes config/<PERIOD>.yaml)
	@if [ -z "$(RAW)" ]; then echo "usage: make new-period PERIOD=<year> RAW=<raw folder>"; exit 2; fi
	$(PY) -m analysis.newperiod --period "$(PERIOD)" --raw "$(RAW)"

lab: $(VENV)/.installed ## open the notebooks in JupyterLab with the project kernel
	$(PY) -m jupyter lab --notebook-dir=notebooks $$([ "$$(id -u)" = 0 ] && echo --allow-root)

data: $(VENV)/.installed ## regenerate the synthetic raw data byte for byte (data/raw/demo, data/truth/demo)
	$(PY) -m analysis.synth --config config/synth-demo.yaml

simulate: $(VENV)/.installed ## Monte-Carlo bias and CI coverage of the poverty estimators (minutes)
	$(PY) simulations/simulate_poverty.py

# Kelurahan direct / Fay-Herriot / EBP on three synthetic cities; SIM_REPS samples each, with
# SIM_BOOT bootstrap replicates inside every EBP (200 / 200 takes hours on 2 cores).
SIM_REPS ?= 20
SIM_BOOT ?= 50
simulate-kelurahan: $(VENV)/.installed ## design-based simulation of the kelurahan P0 estimators (long)
	for s in 20250521 777 4242; do $(PY) simulations/simulate_kelurahan.py --seed $$s --reps $(SIM_REPS) --mc 50 --boot $(SIM_BOOT); done

simulate-effects: $(VENV)/.installed ## coverage of the programme-effect intervals over regenerated training cohorts (~40 min on a shared machine)
	$(PY) simulations/simulate_effects.py --reps 200

benchmark: $(VENV)/.installed ## speed and memory benchmarks (minutes; R optional)
	$(PY) benchmarks/bench_fgt.py
	$(PY) benchmarks/bench_fgt_fused.py
	$(PY) benchmarks/bench_cleaning.py

clean: ## remove build products and the restricted tier (keeps the committed release and the environment)
	rm -rf build logs data/processed restricted
