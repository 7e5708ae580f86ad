# crawlwash: two commands on a fresh machine with Python 3.11 and pip.
#   make run   - create .venv, install, run the main job on the bundled sample (DirectRunner) into out/
#   make test  - create .venv, install with test extras, run the default test suite
#   make test-cluster - the default pipeline on a real local Flink and Spark cluster (CI runs it)
#   make test-airflow - the Airflow DAG end to end in its own venv (CI runs it)
#   make bench - every speed ratio: a long generated WARC (one vs two CPUs), the shared bench vs datatrove and bare
#   make wheel - the wheel that Dataflow workers install (--extra_package dist/crawlwash-*.whl)
#   make dataflow-venv - .cache/dataflow-venv: .venv plus apache-beam[gcp], to translate or submit Dataflow jobs
#   make cluster-deps - Flink, Spark and Beam's job servers for deploy/local/cluster.sh (into .cache/)
# The install builds crawlwash's compiled hot paths (native/, Rust): it needs `cargo` (rustup's default place is
# searched too); the crates come from crates.io as native/Cargo.lock pins them.
PYTHON ?= python3.11
export PATH := $(HOME)/.cargo/bin:$(PATH)
NATIVE := native/Cargo.toml native/Cargo.lock $(wildcard native/src/*.rs)
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# Hugging Face `datasets` reads the shards in the tests from a venv of its own: through `multiprocess` it needs
# dill>=0.3.8, and Beam 2.62 pins dill<0.3.2. It also proves the shards load in a newer pyarrow than the writer's,
# and holds the pandas that reads them back (in .venv, Beam would import pandas on every run: 0.3 s).
DATASETS_VENV  := .cache/datasets-venv
DATASETS_STAMP := $(DATASETS_VENV)/.installed
# Dataflow's job translation (the --dry_run tests) needs apache-beam[gcp]; installed in .venv, it would make every
# `import apache_beam` load the Cloud Storage filesystem and Google's clients (0.4 s of each run's fixed cost) and
# print their FutureWarnings. So it gets a venv of its own: .venv's packages at the same versions plus
# apache-beam[gcp], and this checkout on its path (a .pth file; the compiled extension is the one .venv built).
DATAFLOW_VENV  := .cache/dataflow-venv
DATAFLOW_STAMP := $(DATAFLOW_VENV)/.installed

.PHONY: run test test-slow test-cluster test-airflow bench wheel install dataflow-venv clean cluster-deps cluster-deps-flink cluster-deps-spark

# setuptools warns on every editable install that a folder named like the package may shadow it (it is the
# package): that one warning is silenced, every other one still shows.
# An editable install leaves this checkout's modules without bytecode (pip compiles only what it copies): where
# PYTHONDONTWRITEBYTECODE is set (as in some CI sandboxes) every process would compile them again, about 0.1 s
# of each run's start and of each worker's; compileall writes it once (a module edited later is compiled at
# import, as without it).
$(STAMP): pyproject.toml $(NATIVE)
	@command -v cargo >/dev/null || { echo "crawlwash builds a Rust extension (native/): install cargo, e.g. from rustup.rs" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	PYTHONWARNINGS="ignore:Editable installation" $(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m compileall -q pipelines transforms
	$(PY) -m transforms.url.blocklist
	touch $(STAMP)

$(DATASETS_STAMP):
	$(PYTHON) -m venv $(DATASETS_VENV)
	$(DATASETS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(DATASETS_VENV)/bin/python -m pip install --quiet 'datasets==5.2.0' 'pyarrow==25.0.1'
	touch $(DATASETS_STAMP)

$(DATAFLOW_STAMP): $(STAMP)
	rm -rf $(DATAFLOW_VENV)
	$(PYTHON) -m venv $(DATAFLOW_VENV)
	$(DATAFLOW_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(PY) -m pip freeze --exclude-editable > $(DATAFLOW_VENV)/venv-packages.txt
	$(DATAFLOW_VENV)/bin/python -m pip install --quiet -r $(DATAFLOW_VENV)/venv-packages.txt 'apache-beam[gcp]==2.62.0'
	echo "$(CURDIR)" > "$$($(DATAFLOW_VENV)/bin/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')/crawlwash-checkout.pth"
	touch $(DATAFLOW_STAMP)

install: $(STAMP)

dataflow-venv: $(DATAFLOW_STAMP)

# Flink and Spark distributions (PyPI) and Beam's job servers (Maven Central) for deploy/local/cluster.sh, under
# .cache/ (fetched once; `cluster.sh up` runs these).
cluster-deps: cluster-deps-flink cluster-deps-spark

cluster-deps-flink: $(STAMP)
	deploy/local/cluster.sh fetch flink

cluster-deps-spark: $(STAMP)
	deploy/local/cluster.sh fetch spark

run: $(STAMP)
	rm -rf out
	$(VENV)/bin/crawlwash run --config configs/local.yaml --output out

test: $(STAMP) $(DATASETS_STAMP) $(DATAFLOW_STAMP)
	$(PY) -m pytest

test-slow: $(STAMP) $(DATAFLOW_STAMP)
	$(PY) -m pytest -m 'slow and not cluster'

# The default pipeline on a real local Flink and Spark cluster, byte for byte against the DirectRunner.
test-cluster: $(STAMP) cluster-deps
	$(PY) -m pytest -m 'cluster and not slow'

bench: $(STAMP)
	$(PY) -m benchmarks speed bench

test-airflow:
	bash deploy/airflow/ci_test.sh

wheel: $(STAMP)
	$(PY) -m pip wheel --no-deps -w dist .

clean:
	rm -rf $(VENV) out build dist *.egg-info .bench native/target transforms/core/_native*.so
