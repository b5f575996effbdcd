# Policy-paper toolchain. `make help` lists the targets.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
.SUFFIXES:
MAKEFLAGS += --no-builtin-rules --no-print-directory

# ---------------------------------------------------------------- settings
PYTHON    ?= python3
VENV      ?= .venv
SOURCES   ?= sources
TEMPLATES ?= templates
OUT       ?= build
DIST      ?= dist
PIPELINE  := $(VENV)/bin/pipeline
export SOURCES TEMPLATES OUT DIST

comma := ,
space := $(empty) $(empty)

# ---------------------------------------------------------------- environment
# The virtual environment holds exactly the versions of requirements.lock (checked against
# their hashes); it is made anew when the lock changes. `make lock` refreshes the lock.
LOCK       := requirements.lock
BENCH_LOCK := requirements-bench.lock
$(VENV)/.installed: $(LOCK) pyproject.toml
	@echo "Setting up $(VENV) from $(LOCK) (Python packages, bundled pandoc)…"
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	  || { echo "error: Python 3.11 or newer is needed (found $$($(PYTHON) --version))" >&2; exit 1; }
	@$(PYTHON) -m venv --clear $(VENV)
	@$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
	  --require-hashes --no-deps -r $(LOCK)
	@$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
	  --no-deps --no-build-isolation -e .
	@touch $@

# The checkers of `make check` that come from npm (Nu HTML checker, axe-core), as pinned
# in package-lock.json. --ignore-scripts: vnu-jar's install script would download a Java
# runtime; the system's Java runs the jar.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null \
	  || { echo "error: npm is needed for the checkers (Debian package: npm)" >&2; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

# ---------------------------------------------------------------- generated rules
# Per-artefact rules (language × format × edition) come from the book itself.
RULES := $(OUT)/.work/rules.mk
NEEDS_RULES := $(filter build dist slides sheets $(OUT)/%,$(or $(MAKECMDGOALS),build))

ifneq ($(NEEDS_RULES),)
-include $(RULES)
endif

$(RULES): $(VENV)/.installed $(SOURCES)/book.yaml $(wildcard pipeline/*.py $(SOURCES)/practices $(SOURCES)/chapters/* $(SOURCES)/translations/* $(TEMPLATES)/*)
	@mkdir -p $(@D)
	@$(PIPELINE) makefile > $@.tmp && mv $@.tmp $@

EDITION ?= $(BOOK_DEFAULT_EDITION)
LANGS   ?= $(BOOK_LANGS)
FORMATS ?= $(BOOK_FORMATS)
langs   := $(subst $(comma),$(space),$(LANGS))
formats := $(subst $(comma),$(space),$(FORMATS))
# What a language's render process makes: the formats of this run (all by default).
RENDER_FORMATS = $(subst $(space),$(comma),$(strip $(formats)))

# An unknown language, format or edition stops make before anything is built (status 2).
ifneq ($(BOOK_LANGS),)
unknown := $(filter-out $(BOOK_LANGS),$(langs))
ifneq ($(unknown),)
$(error unknown language '$(firstword $(unknown))' in LANGS; the book's languages are: $(BOOK_LANGS))
endif
unknown := $(filter-out $(BOOK_FORMATS),$(formats))
ifneq ($(unknown),)
$(error unknown format '$(firstword $(unknown))' in FORMATS; the formats are: $(BOOK_FORMATS))
endif
ifneq ($(words $(EDITION)),1)
$(error EDITION names one edition; the book's editions are: $(BOOK_EDITIONS))
endif
ifeq ($(filter $(EDITION),$(BOOK_EDITIONS)),)
$(error unknown edition '$(EDITION)' in EDITION; the book's editions are: $(BOOK_EDITIONS))
endif
endif

# Longest renders first (the order comes with the rules, from pipeline/layout.py), so
# that no long PDF starts last while the other cores have nothing to do.
by_length := $(BOOK_FORMATS_LONGEST_FIRST)
targets := $(foreach f,$(filter $(formats),$(by_length)),$(foreach l,$(langs),$(ARTEFACTS_$(EDITION)_$(l)_$(f))))

# Every core by default; `make -j1 build` or `make -jN build` chooses otherwise. A sub-make
# (`make dist` builds through one) shares its parent's jobs.
CORES := $(shell nproc 2>/dev/null || echo 1)
ifeq ($(MAKELEVEL),0)
MAKEFLAGS += -j$(CORES)
endif
# Set when make starts: the summary counts the artefacts rendered since.
STARTED := $(shell date +%s)

# ---------------------------------------------------------------- targets
.PHONY: build slides sheets validate status check system-deps dist serve bench test test-all lock clean clean-venv venv help

## build: set up, validate and build every language × format of an edition into build/
build: $(VENV)/.installed $(RULES) $(OUT)/.work/validated $(targets)
	@now=$$(date +%s); rebuilt=0; \
	for t in $(targets); do [ "$$(stat -c %Y "$$t")" -lt $(STARTED) ] || rebuilt=$$((rebuilt + 1)); done; \
	echo "Built edition '$(EDITION)' in $(OUT)/$(EDITION)/: $(words $(targets)) artefacts," \
	  "$$rebuilt rendered now, $$((now - $(STARTED))) s on $(CORES) cores"
	@$(PIPELINE) tools --notes

## slides: only the symposium deck (16:9 PDF and offline HTML) of each language
slides: formats := slides
slides: $(VENV)/.installed $(RULES) $(foreach l,$(langs),$(ARTEFACTS_$(EDITION)_$(l)_slides))

## sheets: only the one-page practice sheets (A4 PDFs with QR codes) of each language
sheets: formats := sheets
sheets: $(VENV)/.installed $(RULES) $(foreach l,$(langs),$(ARTEFACTS_$(EDITION)_$(l)_sheets))

## dist: a release in dist/<version>/ (release editions × languages, checksums, landing page)
release_langs := $(if $(filter command line,$(origin LANGS)),$(langs),$(RELEASE_LANGS))
release_args  := --langs $(subst $(space),$(comma),$(release_langs))
release_targets := $(foreach f,$(by_length),$(foreach e,$(RELEASE_EDITIONS),\
                     $(foreach l,$(release_langs),$(ARTEFACTS_$(e)_$(l)_$(f)))))

# CHECKS=0 skips the conformance gates, to try the layout: the manifest, the landing page
# and `pipeline verify` then say that the release was not checked.
CHECKS ?= 1
dist: $(VENV)/.installed $(RULES) $(if $(filter 0,$(CHECKS)),,node_modules/.installed)
	@$(PIPELINE) dist --gate-only $(release_args)
	@$(MAKE) -s $(release_targets)
	@$(PIPELINE) dist $(release_args) $(if $(filter 0,$(CHECKS)),--no-checks)

## serve: live preview of the HTML on http://127.0.0.1:8000, rebuilt on every change
serve: $(VENV)/.installed
	@$(PIPELINE) serve $(if $(EDITION),--edition $(EDITION))

## validate: check every source file and print every problem in one run
validate: $(VENV)/.installed
	@$(PIPELINE) validate

## status: translation status per language, down to the field
status: $(VENV)/.installed
	@$(PIPELINE) status

## check: check what `make build` left (EPUBCheck, Nu HTML checker, axe-core, PDF); never builds
check: $(VENV)/.installed node_modules/.installed
	@$(PIPELINE) check $(if $(EDITION),--edition $(EDITION)) \
	  $(if $(LANGS),--langs $(subst $(space),$(comma),$(LANGS))) \
	  $(if $(strip $(formats)),--formats $(subst $(space),$(comma),$(strip $(formats))))

## system-deps: install from Debian what `make check` and the best PDF output need (as root)
# Chromium runs axe-core, Java runs EPUBCheck and the Nu checker, HarfBuzz-Subset lets
# WeasyPrint subset fonts fast (without it, it falls back to fontTools).
SYSTEM_PACKAGES = chromium libharfbuzz-subset0 $(if $(shell command -v java),,default-jre-headless) \
                  $(if $(shell command -v npm),,npm)
system-deps:
	@[ "$$(id -u)" = 0 ] || { echo "error: installing Debian packages needs root: sudo make system-deps" >&2; exit 1; }
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(SYSTEM_PACKAGES)

## test: the test suite without the end-to-end builds of the sample (a few minutes)
test: $(VENV)/.installed node_modules/.installed
	$(VENV)/bin/python -m pytest -m "not slow" $(PYTEST_ARGS)

## test-all: every test, the end-to-end builds of the whole sample included (what CI runs)
test-all: $(VENV)/.installed node_modules/.installed
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

# ---------------------------------------------------------------- benchmark
# The peers `make bench` compares with (Sphinx, MyST, Typst), in the same environment.
$(VENV)/.bench-installed: $(VENV)/.installed $(BENCH_LOCK)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
	  --require-hashes --no-deps -r $(BENCH_LOCK)
	@touch $@

## bench: time builds (sample, corpora of 40-1,000 practices) against the raw tools and peers
bench: $(VENV)/.bench-installed
	@$(PIPELINE) bench --json $(OUT)/bench.json $(BENCH_ARGS)

## lock: write requirements*.lock from pyproject.toml (UPGRADE=1: newest versions allowed)
UV := uv==0.13.9
lock:
	@rm -rf $(OUT)/.lock-tools && $(PYTHON) -m venv $(OUT)/.lock-tools
	@$(OUT)/.lock-tools/bin/python -m pip install --quiet --disable-pip-version-check "$(UV)"
	echo "setuptools>=68" | $(OUT)/.lock-tools/bin/uv pip compile --quiet --universal \
	  --python-version 3.11 --generate-hashes $(if $(UPGRADE),--upgrade) pyproject.toml - \
	  --extra test --extra check -o $(LOCK)
	echo "setuptools>=68" | $(OUT)/.lock-tools/bin/uv pip compile --quiet --universal \
	  --python-version 3.11 --generate-hashes pyproject.toml - \
	  --extra test --extra check --extra bench --constraint $(LOCK) -o $(BENCH_LOCK)
	@rm -rf $(OUT)/.lock-tools

## venv: only set up the virtual environment
venv: $(VENV)/.installed

## clean: remove build/
clean:
	rm -rf $(OUT)

## clean-venv: remove the virtual environment too
clean-venv: clean
	rm -rf $(VENV)

## help: list the targets
help:
	@sed -nE 's/^## ([a-z-]+): (.*)/\1\t\2/p' $(MAKEFILE_LIST) | awk -F'\t' '{printf "  make %-12s %s\n", $$1, $$2}'
	@echo "  Variables: LANGS=uk,pl FORMATS=pdf,epub,html,slides,sheets EDITION=brief SOURCES=dir OUT=dir"
	@echo "             CHECKS=0 (make dist without the conformance gates; the release says so)"
