#!/usr/bin/env bash
# CI check of the Airflow DAG: `airflow dags test` runs deploy/airflow/crawlwash_dag.py for one date with the
# DirectRunner on the seed documents, then asserts the run wrote shards and a balanced ledger.
#
# Airflow lives in its own virtual environment (it pins much of its own stack), with the Beam provider, the
# Google provider (the Beam operator refuses to start without it) and crawlwash installed next to it:
# AIRFLOW_VENV (default ~/.cache/crawlwash/airflow-venv, outside the checkout so a fresh CI clone on the same
# machine reuses it) is created once and reused while the pins are unchanged. AIRFLOW_HOME is a fresh temporary
# directory with a sqlite DB.
#   usage: deploy/airflow/ci_test.sh            (from anywhere; ../shared/data must be beside the checkout)
set -euo pipefail

REPO="$(cd "$(dirname "$0")/../.." && pwd)"
PYTHON="${PYTHON:-python3.11}"
AIRFLOW_VENV="${AIRFLOW_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/crawlwash/airflow-venv}"
AIRFLOW_VERSION=3.3.2
BEAM_PROVIDER_VERSION=6.2.2   # the newest that accepts apache-beam 2.62 (6.2.3 needs >=2.69, 6.3.x >=2.76)
GOOGLE_PROVIDER_VERSION=19.5.0  # the newest that accepts pyarrow 16 (Beam 2.62 needs pyarrow<17); the operator refuses to start without it
SEEDS="$REPO/../shared/data/seeds"
DAG_ID=crawlwash_daily
DAY=2024-06-01

[ -d "$SEEDS" ] || { echo "ci_test: seeds not found at $SEEDS" >&2; exit 1; }

# The environment depends only on the pins (Airflow's, the providers' and crawlwash's dependencies): build it once,
# reuse it while they are unchanged. crawlwash itself is reinstalled on every run (no dependencies, no network), so
# the DAG always runs the code of this checkout.
stamp="$AIRFLOW_VENV/.crawlwash-stamp"
want="$( (cat "$REPO/pyproject.toml"; echo "$AIRFLOW_VERSION $BEAM_PROVIDER_VERSION $GOOGLE_PROVIDER_VERSION") \
        | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "ci_test: creating $AIRFLOW_VENV (airflow $AIRFLOW_VERSION, beam provider $BEAM_PROVIDER_VERSION," \
         "google provider $GOOGLE_PROVIDER_VERSION, crawlwash's dependencies); takes minutes once"
    rm -rf "$AIRFLOW_VENV"
    mkdir -p "$(dirname "$AIRFLOW_VENV")"
    "$PYTHON" -m venv "$AIRFLOW_VENV"
    "$AIRFLOW_VENV/bin/python" -m pip install --quiet --upgrade pip "setuptools>=68" wheel
    "$AIRFLOW_VENV/bin/python" -m pip install --quiet \
        "apache-airflow==$AIRFLOW_VERSION" \
        "apache-airflow-providers-apache-beam==$BEAM_PROVIDER_VERSION" \
        "apache-airflow-providers-google==$GOOGLE_PROVIDER_VERSION" \
        "$REPO"
    echo "$want" > "$stamp"
fi
# crawlwash's build requirements (pyproject's [build-system]: setuptools-rust builds the Rust hot paths) live in the
# venv, so the reinstall needs no isolated build env; without setuptools-rust setuptools would build a wheel
# without transforms.core._native and the job would fail at import, so the import is checked here.
"$AIRFLOW_VENV/bin/python" -m pip install --quiet "setuptools>=77" "setuptools-rust==1.13.0" wheel
"$AIRFLOW_VENV/bin/python" -m pip install --quiet --no-deps --no-build-isolation --force-reinstall "$REPO" > /dev/null
"$AIRFLOW_VENV/bin/python" -c "import transforms.core._native" \
    || { echo "ci_test: crawlwash's compiled module did not install into $AIRFLOW_VENV" >&2; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/crawlwash-airflow.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
export AIRFLOW_HOME="$WORK/airflow"
export AIRFLOW__CORE__DAGS_FOLDER="$REPO/deploy/airflow"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN="sqlite:///$AIRFLOW_HOME/airflow.db"
mkdir -p "$AIRFLOW_HOME" "$WORK/in/$DAY"
# The DAG reads {input_prefix}/{ds}/{input_glob}: give it one dated folder holding (links to) the seeds.
for f in "$SEEDS"/*.txt; do ln -s "$f" "$WORK/in/$DAY/"; done

export CRAWLWASH_INPUT_PREFIX="$WORK/in"
export CRAWLWASH_INPUT_GLOB="*.txt"
export CRAWLWASH_OUTPUT_PREFIX="$WORK/out"
export CRAWLWASH_RUNNER=DirectRunner
export CRAWLWASH_BEAM_OPTIONS='{"direct_num_workers": 1, "direct_running_mode": "in_memory"}'
export CRAWLWASH_PYTHON="$AIRFLOW_VENV/bin/python"
export CRAWLWASH_RETRIES=0   # a failure fails the test now, not after the DAG's 10-minute retry delay

AIRFLOW="$AIRFLOW_VENV/bin/airflow"
"$AIRFLOW" db migrate > "$WORK/migrate.log" 2>&1 || { cat "$WORK/migrate.log"; exit 1; }
"$AIRFLOW" dags list-import-errors
status=0
"$AIRFLOW" dags test "$DAG_ID" "$DAY" > "$WORK/dags-test.log" 2>&1 || status=$?
grep -E "crawlwash: wrote|ledger|state=|Traceback" "$WORK/dags-test.log" || true
[ "$status" -eq 0 ] || { tail -100 "$WORK/dags-test.log"; echo "ci_test: airflow dags test exited $status" >&2; exit 1; }

"$AIRFLOW_VENV/bin/python" - "$WORK/out/$DAY" <<'PY'
import json, sys
from pathlib import Path
import pyarrow.parquet as pq

out = Path(sys.argv[1])
assert (out / "_SUCCESS").is_file(), f"no _SUCCESS under {out}"
stats = json.loads((out / "stats.json").read_text())
shards = sorted((out / "data").glob("part-*.parquet"))
assert shards, f"no data shards under {out / 'data'}"
kept = sum(pq.read_metadata(s).num_rows for s in shards)
assert stats["read"] == 3, stats
assert stats["balanced"] and stats["read"] == stats["kept"] + stats["dropped"] + stats["failed"], stats
assert kept == stats["kept"], (kept, stats)
print(f"ci_test: OK: {len(shards)} data shard(s), read={stats['read']} kept={stats['kept']} "
      f"dropped={stats['dropped']} failed={stats['failed']}, ledger balanced")
PY
