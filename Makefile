# crawlwash: two commands on a fresh machine with Python 3.11 and pip.
#   make run   - create .venv, install, run the main job on the bundled sample (DirectRunner) into out/
#   make test  - create .venv, install with test extras, run the default test suite
PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test test-slow bench install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	rm -rf out
	$(VENV)/bin/crawlwash run --config configs/local.yaml --output out

test: $(STAMP)
	$(PY) -m pytest

test-slow: $(STAMP)
	$(PY) -m pytest -m slow

clean:
	rm -rf $(VENV) out build *.egg-info
