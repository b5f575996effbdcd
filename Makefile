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
# The virtual environment is rebuilt when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	@echo "Setting up $(VENV) (Python packages, bundled pandoc)…"
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	  || { echo "error: Python 3.11 or newer is needed (found $$($(PYTHON) --version))" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test,check]'
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
FORMATS ?= pdf epub html slides sheets
langs   := $(subst $(comma),$(space),$(LANGS))
formats := $(subst $(comma),$(space),$(FORMATS))
# Longest renders first (every language's PDF, then the decks and sheets, then EPUB and
# HTML), so that with -j2 no long PDF starts last while the other core has nothing to do.
by_length := pdf slides sheets epub html
targets := $(foreach f,$(filter $(formats),$(by_length)),$(foreach l,$(langs),$(ARTEFACTS_$(EDITION)_$(l)_$(f))))

# ---------------------------------------------------------------- targets
.PHONY: build slides sheets validate status check system-deps dist serve bench test clean clean-venv venv help

## build: set up, validate and build every language × format of an edition into build/
build: $(VENV)/.installed $(RULES) $(targets)
	@echo "Built edition '$(EDITION)' ($(words $(targets)) artefacts) in $(OUT)/$(EDITION)/:"
	@for t in $(targets); do printf '  %s\n' "$$t"; done

## slides: only the symposium deck (16:9 PDF and offline HTML) of each language
slides: $(VENV)/.installed $(RULES) $(foreach l,$(langs),$(ARTEFACTS_$(EDITION)_$(l)_slides))

## sheets: only the one-page practice sheets (A4 PDFs with QR codes) of each language
sheets: $(VENV)/.installed $(RULES) $(foreach l,$(langs),$(ARTEFACTS_$(EDITION)_$(l)_sheets))

## dist: a release in dist/<version>/ (release editions × languages, checksums, landing page)
release_langs := $(if $(filter command line,$(origin LANGS)),$(langs),$(RELEASE_LANGS))
release_args  := --langs $(subst $(space),$(comma),$(release_langs))
release_targets := $(foreach f,$(by_length),$(foreach e,$(RELEASE_EDITIONS),\
                     $(foreach l,$(release_langs),$(ARTEFACTS_$(e)_$(l)_$(f)))))

# CHECKS=0 skips the conformance gates (only for trying the layout; never for a release).
CHECKS ?= 1
dist: $(VENV)/.installed $(RULES) $(if $(filter 0,$(CHECKS)),,node_modules/.installed)
	@$(PIPELINE) dist --gate-only $(release_args)
	@$(MAKE) $(release_targets)
ifneq ($(CHECKS),0)
	@for e in $(RELEASE_EDITIONS); do \
	  $(PIPELINE) check --edition $$e $(release_args) --formats pdf,epub,html,slides,sheets || exit 1; done
endif
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
	  --formats $(subst $(space),$(comma),$(strip $(formats)))

## system-deps: install Chromium and, if missing, Java with apt-get (needs root: sudo make system-deps)
system-deps:
	apt-get update
	apt-get install -y chromium $(if $(shell command -v java),,default-jre-headless)

## test: run the whole test suite
test: $(VENV)/.installed node_modules/.installed
	$(VENV)/bin/python -m pytest

# ---------------------------------------------------------------- benchmark
# The peers `make bench` compares with (Sphinx, MyST, Typst), in the same environment.
$(VENV)/.bench-installed: $(VENV)/.installed pyproject.toml
	$(VENV)/bin/python -m pip install --quiet -e '.[test,bench]'
	@touch $@

## bench: time builds (sample, corpora of 40-1,000 practices) against the raw tools and peers
bench: $(VENV)/.bench-installed
	@$(PIPELINE) bench --json $(OUT)/bench.json $(BENCH_ARGS)

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
	@grep -E '^## ' $(MAKEFILE_LIST) | sed -E 's/^## /  make /; s/: /\t/'
	@echo "  Variables: LANGS=uk,pl FORMATS=pdf,epub,html,slides,sheets EDITION=brief SOURCES=dir OUT=dir"
