"""Airflow DAG: clean one day of crawl data with crawlwash, once a day.

One task, `clean_crawl`, runs the crawlwash pipeline through the Apache Beam provider's
`BeamRunPythonPipelineOperator` on the input of the run's logical date:

    input   {input_prefix}/{ds}/{input_glob}        e.g. gs://my-crawl/incoming/2024-06-01/*.warc.gz
    output  {output_prefix}/{ds}                    e.g. gs://my-corpus/clean/2024-06-01

Everything is a DAG param (override per run with `airflow dags trigger -c '{"input_prefix": ...}'` or
`airflow dags test crawlwash_daily 2024-06-01 -c '{...}'`); the defaults come from environment variables of the
Airflow workers, so one DAG file serves every deployment:

    CRAWLWASH_INPUT_PREFIX   where dated input folders live           (default: /data/crawl/incoming)
    CRAWLWASH_INPUT_GLOB     files to read inside one dated folder    (default: *.warc.gz)
    CRAWLWASH_OUTPUT_PREFIX  where dated output folders go            (default: /data/crawl/clean)
    CRAWLWASH_CONFIG         crawlwash config YAML                    (default: none: built-in defaults)
    CRAWLWASH_RUNNER         Beam runner                              (default: DirectRunner)
    CRAWLWASH_BEAM_OPTIONS   more Beam options, a JSON object         (default: {})
                             e.g. {"job_endpoint": "flink-jobserver:8099", "environment_type": "DOCKER",
                                   "environment_config": "registry.example.com/crawlwash-worker:0.1.0"}
    CRAWLWASH_PYTHON         interpreter that has crawlwash installed (default: the one running Airflow)
    CRAWLWASH_SCHEDULE       cron schedule                            (default: 0 3 * * *, 03:00 UTC daily)
    CRAWLWASH_RETRIES        retries of a failed day, 10 minutes apart (default: 1; CI sets 0 to fail at once)

Needs apache-airflow-providers-apache-beam and apache-airflow-providers-google (the Beam operator refuses to start
without the Google provider, whatever the runner); crawlwash must be installed for CRAWLWASH_PYTHON. For
DataflowRunner put project, region, temp_location and the worker packaging (sdk_container_image or extra_package)
into CRAWLWASH_BEAM_OPTIONS (docs/runners.md). deploy/airflow/ci_test.sh runs this DAG in CI.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pendulum
from airflow.providers.apache.beam.operators.beam import BeamRunPythonPipelineOperator
from airflow.sdk import DAG, Param

DAG_ID = "crawlwash_daily"
LAUNCHER = str(Path(__file__).resolve().with_name("crawlwash_job.py"))

_env = os.environ.get
_beam_options: dict = json.loads(_env("CRAWLWASH_BEAM_OPTIONS", "{}") or "{}")

with DAG(
    dag_id=DAG_ID,
    description="Clean one day of web crawl into deduplicated Parquet shards (crawlwash)",
    schedule=_env("CRAWLWASH_SCHEDULE", "0 3 * * *"),
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["crawlwash", "beam"],
    params={
        "input_prefix": Param(_env("CRAWLWASH_INPUT_PREFIX", "/data/crawl/incoming"), type="string"),
        "input_glob": Param(_env("CRAWLWASH_INPUT_GLOB", "*.warc.gz"), type="string"),
        "output_prefix": Param(_env("CRAWLWASH_OUTPUT_PREFIX", "/data/crawl/clean"), type="string"),
        "config": Param(_env("CRAWLWASH_CONFIG", ""), type="string"),
    },
    default_args={"retries": int(_env("CRAWLWASH_RETRIES", "1")), "retry_delay": pendulum.duration(minutes=10)},
) as dag:
    clean_crawl = BeamRunPythonPipelineOperator(
        task_id="clean_crawl",
        py_file=LAUNCHER,
        py_interpreter=_env("CRAWLWASH_PYTHON", sys.executable),
        runner=_env("CRAWLWASH_RUNNER", "DirectRunner"),
        pipeline_options={
            "input": ["{{ params.input_prefix }}/{{ ds }}/{{ params.input_glob }}"],
            "output": "{{ params.output_prefix }}/{{ ds }}",
            # An empty value means "no config file" (the launcher then uses crawlwash's built-in defaults).
            "config": "{{ params.config or '' }}",
            "set": ["output.if_exists=overwrite"],  # a retried or re-run day replaces its own output
            **_beam_options,
        },
    )
