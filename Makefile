# crawlwash: two commands on a fresh machine with Python 3.11 and pip.
#   make run   - create .venv, install, run the main job on the bundled sample (DirectRunner) into out/
#   make test  - create .venv, install with test extras, run the default test suite
#   make test-airflow - the Airflow DAG end to end in its own venv (CI runs it)
#   make bench - speed on one core next to datatrove 0.10.1 and a bare trafilatura loop, per-stage table
#   make wheel - the wheel that Dataflow workers install (--extra_package dist/crawlwash-*.whl)
PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test test-slow test-airflow bench wheel install clean

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

bench: $(STAMP)
	$(PY) benchmarks/bench.py

test-airflow:
	bash deploy/airflow/ci_test.sh

wheel: $(STAMP)
	$(PY) -m pip wheel --no-deps -w dist .

clean:
	rm -rf $(VENV) out build dist *.egg-info .bench
