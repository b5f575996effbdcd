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
PIPELINE  := $(VENV)/bin/pipeline
export SOURCES TEMPLATES OUT

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
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	@touch $@

# ---------------------------------------------------------------- generated rules
# Per-artefact rules (language × format × edition) come from the book itself.
RULES := $(OUT)/.work/rules.mk
NEEDS_RULES := $(filter build $(OUT)/%,$(or $(MAKECMDGOALS),build))

ifneq ($(NEEDS_RULES),)
-include $(RULES)
endif

$(RULES): $(VENV)/.installed $(SOURCES)/book.yaml $(wildcard $(SOURCES)/practices $(SOURCES)/chapters/* $(SOURCES)/translations/* $(TEMPLATES)/*)
	@mkdir -p $(@D)
	@$(PIPELINE) makefile > $@.tmp && mv $@.tmp $@

EDITION ?= $(BOOK_DEFAULT_EDITION)
LANGS   ?= $(BOOK_LANGS)
FORMATS ?= pdf epub html
langs   := $(subst $(comma),$(space),$(LANGS))
formats := $(subst $(comma),$(space),$(FORMATS))
targets := $(foreach l,$(langs),$(foreach f,$(formats),$(ARTEFACTS_$(EDITION)_$(l)_$(f))))

# ---------------------------------------------------------------- targets
.PHONY: build validate status check dist serve bench test clean clean-venv venv help

## build: set up, validate and build every language × format of an edition into build/
build: $(VENV)/.installed $(RULES) $(targets)
	@echo "Built edition '$(EDITION)' ($(words $(targets)) artefacts) in $(OUT)/$(EDITION)/:"
	@for t in $(targets); do printf '  %s\n' "$$t"; done

## validate: check every source file and print every problem in one run
validate: $(VENV)/.installed
	@$(PIPELINE) validate

## status: translation status per language, down to the field
status: $(VENV)/.installed
	@$(PIPELINE) status

## test: run the whole test suite
test: $(VENV)/.installed
	$(VENV)/bin/python -m pytest

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
	@echo "  Variables: LANGS=uk,pl FORMATS=pdf,epub,html EDITION=brief SOURCES=dir OUT=dir"
