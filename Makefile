# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 6543
STAMP := $(VENV)/.installed

.PHONY: run test install catalogs extract bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q 'setuptools<81' wheel

# Re-install only when the dependency declaration changes.
$(STAMP): $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP) catalogs

# Compiled catalogs are build products, never committed.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locales/*/LC_MESSAGES/*.po))
catalogs: $(MO_FILES)
locales/%.mo: locales/%.po $(STAMP)
	$(BIN)/pybabel -q compile -i $< -o $@

run: install
	mkdir -p var
	$(BIN)/pserve development.ini http_port=$(PORT)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

# The long variants: the whole suite with EJPORTAL_SOAK=1, so the soak and the crash drill
# (pytest marker `soak`) and every suite that reads it run at full length.
.PHONY: soak
soak: install
	EJPORTAL_SOAK=1 $(BIN)/pytest $(PYTEST_ARGS)

# Re-extract messages from .py and .pt files into the template and merge into the catalogs.
extract: $(STAMP)
	$(BIN)/pot-create -c lingua.cfg -o locales/ejportal.pot src/ejportal templates
	for lang in ru en; do $(BIN)/pybabel update -i locales/ejportal.pot -d locales -D ejportal -l $$lang --no-fuzzy-matching; done

bench: install
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) src/*.egg-info locales/*/LC_MESSAGES/*.mo
