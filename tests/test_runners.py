"""Runners: guard rails before submission, the portable job API for real, Dataflow translation, runner profiles.

The portable test starts Beam's job service and an external worker pool as separate processes on loopback
(tests/portable.py) and checks that the full pipeline gives the same kept rows, rejected rows, error rows and ledger
as the DirectRunner on the same input. The Dataflow test translates the full pipeline with `--dry_run=True` (no
cloud access) for 10 and for 10,000 input files and checks the job stays the same, far below the 10 MB limit; it
runs in the Dataflow venv (apache-beam[gcp], `make test` builds it: tests/dataflow_cli.py).
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipelines.cli import run as cli_run
from pipelines.config import load_config
from pipelines.runner import RunnerError, build_options, runner_name
from tests.conftest import REPO, SEEDS, WARC_DIR, dataflow_python
from tests.portable import portable_services  # noqa: F401  (pytest fixture)

log = logging.getLogger(__name__)

DATAFLOW_BASE = [
    "--runner=DataflowRunner",
    "--project=crawlwash-test",
    "--region=europe-west4",
    "--temp_location=gs://crawlwash-test-bucket/tmp",
]
IMAGE = "europe-west4-docker.pkg.dev/crawlwash-test/crawlwash/worker:0.1.0"


@pytest.fixture
def cfg():
    return load_config(None, [f"input.paths=[{SEEDS}/*.txt]", "output.dir=/tmp/crawlwash-unused"])


def _err(beam_args: list[str], cfg) -> str:
    with pytest.raises(RunnerError) as info:
        build_options(beam_args, cfg)
    return str(info.value)


# -- guard rails ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("runner", ["DaskRunner", "apache_beam.runners.dask.dask_runner.DaskRunner"])
def test_dask_runner_is_refused(cfg, runner):
    msg = _err([f"--runner={runner}"], cfg)
    assert msg.startswith("runner DaskRunner is refused: Beam's DaskRunner silently drops tagged outputs")
    assert "Use DirectRunner, PortableRunner (Flink, Spark) or DataflowRunner" in msg


def test_cli_refuses_dask_before_any_work(tmp_path, capsys):
    out = tmp_path / "out"
    code = cli_run(["run", "--input", f"{SEEDS}/*.txt", "--output", str(out), "--runner=DaskRunner"])
    assert code == 2
    assert "crawlwash: runner DaskRunner is refused" in capsys.readouterr().err
    assert not out.exists()


def test_direct_runner_defaults_to_multiprocessing(cfg):
    opts = build_options([], cfg).get_all_options()
    assert opts["runner"] == "DirectRunner"
    assert opts["direct_running_mode"] == "multi_processing"
    assert opts["direct_num_workers"] >= 1
    opts = build_options(["--direct_running_mode=in_memory", "--direct_num_workers=1"], cfg).get_all_options()
    assert (opts["direct_running_mode"], opts["direct_num_workers"]) == ("in_memory", 1)


def test_save_main_session_is_refused(cfg):
    assert "--save_main_session is not supported" in _err(["--save_main_session"], cfg)


def test_dataflow_names_every_missing_option(cfg):
    assert (
        _err(["--runner=DataflowRunner"], cfg)
        == "runner DataflowRunner needs --project, --region, --temp_location"
    )
    msg = _err(["--runner=DataflowRunner", "--project=crawlwash-test", "--temp_location=gs://b-x/tmp"], cfg)
    assert msg == "runner DataflowRunner needs --region"


def test_dataflow_needs_gcs_temp_location(cfg):
    args = [
        "--runner=DataflowRunner",
        "--project=crawlwash-test",
        "--region=europe-west4",
        "--temp_location=/tmp/x",
    ]
    assert _err(args, cfg) == "runner DataflowRunner needs a gs:// --temp_location, got '/tmp/x'"


def test_dataflow_needs_worker_packaging(cfg):
    msg = _err(DATAFLOW_BASE, cfg)
    assert msg.startswith("runner DataflowRunner: the workers need the crawlwash code")
    assert "--extra_package=dist/crawlwash-0.1.0-cp311-cp311-linux_x86_64.whl" in msg


def test_dataflow_refuses_local_paths_unless_dry_run(cfg):
    args = [*DATAFLOW_BASE, f"--sdk_container_image={IMAGE}"]
    assert _err(args, cfg).startswith(
        f"runner DataflowRunner: input patterns must be on storage the workers can read (gs://...), not local "
        f"paths: {SEEDS}/*.txt"
    )
    remote_in = cfg.model_copy(
        update={"input": cfg.input.model_copy(update={"paths": ["gs://crawl/in/*.warc.gz"]})}
    )
    assert "output.dir must be on storage the workers can write" in _err(args, remote_in)
    remote = remote_in.model_copy(
        update={"output": remote_in.output.model_copy(update={"dir": "gs://crawl/out"})}
    )
    assert runner_name(build_options(args, remote)) == "DataflowRunner"
    assert runner_name(build_options([*args, "--dry_run=True"], cfg)) == "DataflowRunner"


def test_portable_needs_job_endpoint(cfg):
    assert _err(["--runner=PortableRunner"], cfg) == "runner PortableRunner needs --job_endpoint"


def test_portable_docker_workers_need_crawlwash(cfg):
    msg = _err(["--runner=PortableRunner", "--job_endpoint=localhost:8099"], cfg)
    assert msg.startswith("runner PortableRunner: workers would start from the stock Beam SDK image")
    for ok in (
        ["--environment_type=DOCKER", f"--environment_config={IMAGE}"],
        ["--environment_type=EXTERNAL", "--environment_config=localhost:50000"],
        ["--environment_type=LOOPBACK"],
        ["--extra_package=dist/crawlwash-0.1.0-cp311-cp311-linux_x86_64.whl"],
    ):
        build_options(["--runner=PortableRunner", "--job_endpoint=localhost:8099", *ok], cfg)


def test_flink_needs_a_master_or_job_server(cfg):
    msg = _err(["--runner=FlinkRunner"], cfg)
    assert msg.startswith("runner FlinkRunner needs --flink_master=HOST:PORT")
    image = ["--environment_type=DOCKER", f"--environment_config={IMAGE}"]
    build_options(["--runner=FlinkRunner", "--flink_master=flink-jobmanager:8081", *image], cfg)
    build_options(["--runner=FlinkRunner", "--job_endpoint=flink-jobserver:8099", *image], cfg)
    build_options(["--runner=FlinkRunner", "--flink_master=[local]"], cfg)  # embedded Flink, LOOPBACK workers
    msg = _err(["--runner=FlinkRunner", "--flink_master=flink-jobmanager:8081"], cfg)
    assert msg.startswith("runner FlinkRunner: workers would start from the stock Beam SDK image")


def test_spark_needs_a_master_or_job_server(cfg):
    assert _err(["--runner=SparkRunner"], cfg).startswith(
        "runner SparkRunner needs --spark_master_url=spark://"
    )
    msg = _err(["--runner=SparkRunner", "--spark_submit_uber_jar"], cfg)
    assert msg == "runner SparkRunner with --spark_submit_uber_jar needs --spark_rest_url=http://HOST:6066"
    image = ["--environment_type=DOCKER", f"--environment_config={IMAGE}"]
    build_options(["--runner=SparkRunner", "--spark_master_url=spark://spark-master:7077", *image], cfg)
    build_options(
        [
            "--runner=SparkRunner",
            "--spark_submit_uber_jar",
            "--spark_rest_url=http://spark-master:6066",
            *image,
        ],
        cfg,
    )
    build_options(["--runner=SparkRunner", "--spark_master_url=local[2]"], cfg)


# -- runner profiles -----------------------------------------------------------------------------------------


def profile_beam_args(name: str) -> list[str]:
    """The Beam options a profile documents in its `# beam_args:` comment block (one option per line)."""
    lines = (REPO / "configs" / f"{name}.yaml").read_text(encoding="utf-8").splitlines()
    start = lines.index("# beam_args:")
    args: list[str] = []
    for line in lines[start + 1 :]:
        m = re.match(r"#\s+(--\S+)", line)
        if not m:
            break
        args.append(m.group(1))
    return args


@pytest.mark.parametrize(
    ("name", "runner", "required"),
    [
        ("dataflow", "DataflowRunner", ["project", "region", "temp_location", "sdk_container_image"]),
        ("flink", "FlinkRunner", ["job_endpoint", "environment_type", "environment_config"]),
        ("spark", "SparkRunner", ["job_endpoint", "environment_type", "environment_config"]),
    ],
)
def test_profiles_validate_and_name_required_options(name, runner, required):
    cfg = load_config(REPO / "configs" / f"{name}.yaml")
    assert all(p.startswith("gs://") for p in cfg.input.paths) and cfg.output.dir.startswith("gs://")
    args = profile_beam_args(name)
    assert f"--runner={runner}" in args
    names = {a[2:].split("=", 1)[0] for a in args}
    assert set(required) <= names, sorted(set(required) - names)
    assert runner_name(build_options(args, cfg)) == runner


def test_the_default_local_run_gives_every_cpu_a_worker_so_the_map_phase_runs_batches():
    from pipelines.pipeline import workers_fill_the_cpus

    cfg = load_config(None, [])
    assert workers_fill_the_cpus(build_options([], cfg))  # --direct_num_workers = the CPU count
    assert workers_fill_the_cpus(build_options(["--direct_num_workers=64"], cfg))
    one = build_options(["--direct_num_workers=1"], cfg)
    assert workers_fill_the_cpus(one) == (len(os.sched_getaffinity(0)) == 1)
    flink = ["--runner=PortableRunner", "--job_endpoint=localhost:8099", "--environment_type=LOOPBACK"]
    assert not workers_fill_the_cpus(build_options(flink, cfg))  # a cluster runner places its workers itself


# -- Dataflow translation ------------------------------------------------------------------------------------
# The translation needs apache-beam[gcp]: it runs `crawlwash run --dry_run=True` in the Dataflow venv (`make test`
# builds it; tests/dataflow_cli.py), with the network switched off, and reads the job's sizes it prints.


def dataflow_dry_run(*args: str) -> tuple[dict, str]:
    """`crawlwash run ARGS` in the Dataflow venv: (the job's sizes it prints as JSON, its stderr)."""
    proc = subprocess.run(
        [dataflow_python(), str(REPO / "tests" / "dataflow_cli.py"), "run", *args],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout), proc.stderr


def _many_files(root: Path, n: int) -> str:
    root.mkdir(parents=True)
    for i in range(n):
        (root / f"page-{i:05d}.txt").write_text(f"Document number {i} of a large crawl.\n", encoding="utf-8")
    return str(root / "*.txt")


def test_dataflow_translation_does_not_grow_with_input_files(tmp_path):
    args = [*profile_beam_args("dataflow"), "--dry_run=True", "--job_name=crawlwash-dry-run"]
    sizes = {}
    for n in (10, 10_000):
        pattern = _many_files(tmp_path / f"in{n:05d}", n)
        started = time.monotonic()
        sizes[n], _ = dataflow_dry_run("--config", str(REPO / "configs" / "dataflow.yaml"), "--input", pattern, *args)
        log.info("dataflow dry run, %d files: %s in %.1f s", n, sizes[n], time.monotonic() - started)
    small, big = sizes[10], sizes[10_000]
    assert big["runner"] == "DataflowRunner" and big["job_name"] == "crawlwash-dry-run" and big["transforms"] > 50
    assert big["transforms"] == small["transforms"]  # no per-file transforms
    # Only the pattern and pickling noise differ; one transform per file would add megabytes.
    assert abs(big["pipeline_proto_bytes"] - small["pipeline_proto_bytes"]) < 4096
    assert abs(big["job_json_bytes"] - small["job_json_bytes"]) < 1024
    assert big["job_json_bytes"] < 1_000_000 and big["pipeline_proto_bytes"] < 2_000_000  # limit: 10 MB


def test_cli_dry_run_works_offline_and_prints_the_job_size(tmp_path):
    """The documented command, with a bucket and a project id Google Cloud would refuse: it translates without
    touching the network (Beam would otherwise spend minutes trying to create a default bucket)."""
    job, err = dataflow_dry_run(
        "--input", f"{SEEDS}/*.txt", "--output", str(tmp_path / "df"), "--runner=DataflowRunner",
        "--dry_run=True", "--project=p", "--region=us-central1", "--temp_location=gs://b/tmp",
        "--sdk_container_image=example.invalid/img:1",
    )  # fmt: skip
    assert job["runner"] == "DataflowRunner" and job["transforms"] > 100
    assert 0 < job["job_json_bytes"] < 10 << 20
    assert f"crawlwash: dry run: {job['transforms']} transforms; CreateJob request" in err
    assert not (tmp_path / "df").exists()  # nothing written


def test_dry_run_without_the_gcp_extra_says_what_is_missing(tmp_path, capsys):
    """.venv has no apache-beam[gcp]: a Dataflow dry run or submission fails before any work, as an option error."""
    code = cli_run([
        "run", "--input", f"{SEEDS}/*.txt", "--output", str(tmp_path / "df"), "--runner=DataflowRunner",
        "--dry_run=True", "--project=p", "--region=us-central1", "--temp_location=gs://b/tmp",
        "--sdk_container_image=example.invalid/img:1",
    ])  # fmt: skip
    assert code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "crawlwash: runner DataflowRunner needs apache-beam[gcp] where the job is submitted: pip install "
        "'crawlwash[dataflow]' (or 'apache-beam[gcp]==2.62.0') (No module named 'apitools')"
    )
    assert not (tmp_path / "df").exists()
    code = cli_run([  # a real submission stops there too, before listing gs:// inputs it could not read
        "run", "--input", "gs://crawl-in/*.warc.gz", "--output", "gs://crawl-out/clean", "--runner=DataflowRunner",
        "--project=my-project", "--region=us-central1", "--temp_location=gs://crawl-tmp/tmp",
        "--sdk_container_image=example.invalid/img:1",
    ])  # fmt: skip
    assert code == 2
    assert capsys.readouterr().err.splitlines()[-1].startswith(
        "crawlwash: runner DataflowRunner needs apache-beam[gcp] where the job is submitted"
    )


def test_dataflow_refuses_invalid_bucket_and_project_names(cfg):
    args = ["--runner=DataflowRunner", "--project=p", "--region=europe-west4", "--temp_location=gs://b/tmp",
            "--sdk_container_image=img"]  # fmt: skip
    gcs_cfg = cfg.model_copy(update={
        "input": cfg.input.model_copy(update={"paths": ["gs://in/*.warc.gz"]}),
        "output": cfg.output.model_copy(update={"dir": "gs://out-bucket/clean"}),
    })  # fmt: skip
    with pytest.raises(RunnerError, match=r"--project=p, --temp_location=gs://b/tmp: not a valid project id"):
        build_options(args, gcs_cfg)


@pytest.mark.slow
def test_dataflow_translation_stages_the_built_wheel(tmp_path):
    """The worker-packaging path: build the wheel as the docs say and check it is staged for the workers."""
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(REPO)], check=True
    )
    (wheel,) = dist.glob("crawlwash-*.whl")
    args = [a for a in profile_beam_args("dataflow") if not a.startswith("--sdk_container_image")]
    result, _ = dataflow_dry_run("--config", str(REPO / "configs" / "dataflow.yaml"), "--input", f"{SEEDS}/*.txt",
                                 *args, f"--extra_package={wheel}", "--dry_run=True")  # fmt: skip
    assert wheel.name in result["artifacts"]


# -- the portable job API, for real --------------------------------------------------------------------------

PORTABLE_INPUTS = [
    f"{SEEDS}/*.txt",
    f"{WARC_DIR}/chatnoir-eu+chatnoir-resiliparse/warcfile.warc.gz",
    f"{WARC_DIR}/webrecorder+warcio/example-trunc.warc",
]


def _rows(out: Path, kind: str) -> list[str]:
    rows = []
    for shard in sorted((out / kind).glob("part-*.parquet")):
        rows.extend(json.dumps(r, sort_keys=True, default=str) for r in pq.read_table(shard).to_pylist())
    return sorted(rows)


def _run_cli(out: Path, beam_args: list[str]) -> float:
    argv = ["run", "--quiet", "--output", str(out), *[x for p in PORTABLE_INPUTS for x in ("--input", p)]]
    started = time.monotonic()
    assert cli_run([*argv, *beam_args]) == 0
    return time.monotonic() - started


def test_portable_runner_matches_direct_runner(tmp_path, portable_services):  # noqa: F811
    direct_s = _run_cli(tmp_path / "direct", [])
    portable_s = _run_cli(tmp_path / "portable", portable_services.beam_args)
    log.info(
        "same input: DirectRunner %.1f s, PortableRunner (job service + worker pool) %.1f s",
        direct_s,
        portable_s,
    )

    direct, portable = tmp_path / "direct", tmp_path / "portable"
    stats = json.loads((direct / "stats.json").read_text())
    assert stats == json.loads((portable / "stats.json").read_text())
    assert stats["balanced"] and stats["kept"] > 0 and stats["dropped"] > 0 and stats["failed"] > 0, stats
    for kind in ("data", "rejected", "errors"):
        a, b = _rows(direct, kind), _rows(portable, kind)
        assert len(a) == len(b) and a == b, kind
    assert len(_rows(direct, "data")) == stats["kept"]
    assert (portable / "_SUCCESS").is_file()
