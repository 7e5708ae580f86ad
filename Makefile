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
# Hugging Face `datasets` reads the shards in the tests from a venv of its own: through `multiprocess` it needs
# dill>=0.3.8, and Beam 2.62 pins dill<0.3.2. It also proves the shards load in a newer pyarrow than the writer's.
DATASETS_VENV  := .cache/datasets-venv
DATASETS_STAMP := $(DATASETS_VENV)/.installed

.PHONY: run test test-slow test-airflow bench wheel install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m transforms.url.blocklist
	touch $(STAMP)

$(DATASETS_STAMP):
	$(PYTHON) -m venv $(DATASETS_VENV)
	$(DATASETS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(DATASETS_VENV)/bin/python -m pip install --quiet 'datasets==5.2.0' 'pyarrow==25.0.1'
	touch $(DATASETS_STAMP)

install: $(STAMP)

run: $(STAMP)
	rm -rf out
	$(VENV)/bin/crawlwash run --config configs/local.yaml --output out

test: $(STAMP) $(DATASETS_STAMP)
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
