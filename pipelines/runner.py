"""Runner options, guard rails, and running one job end to end.

Defaults: the DirectRunner in multi-processing mode, one worker per core. Any Beam option passes through. Runners
known to lose data are refused, and options a runner cannot start without are reported before submission:

- DataflowRunner: --project, --region, --temp_location (gs://), the crawlwash code for the workers
  (--extra_package=dist/crawlwash-*.whl, --setup_file=./pyproject.toml or --sdk_container_image=IMAGE), and input
  patterns and output directory the workers can reach (gs://, not local paths). `--dry_run=True` only translates.
- PortableRunner: --job_endpoint (a Flink or Spark job server, or Beam's local job service).
- FlinkRunner: --flink_master=HOST:PORT (the cluster's REST address) or --job_endpoint of a running job server.
- SparkRunner: --spark_master_url=spark://HOST:PORT, or --spark_submit_uber_jar with --spark_rest_url, or
  --job_endpoint of a running job server.
- Portable, Flink and Spark workers in Docker need an image with crawlwash (`Dockerfile`) or a staged package.
- DaskRunner: refused.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Sequence
from typing import Any

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import (
    DebugOptions,
    GoogleCloudOptions,
    PipelineOptions,
    PortableOptions,
    SetupOptions,
    TestOptions,
    WorkerOptions,
)
from apache_beam.options.pipeline_options_validator import PipelineOptionsValidator

from pipelines.config import CrawlwashConfig
from pipelines.pipeline import DIRECT_RUNNERS, build_pipeline, runner_name
from pipelines.progress import Progress
from transforms.read import list_inputs
from transforms.write import fingerprint, prepare_output_dir
from transforms.write.output import STATS

__all__ = [
    "REFUSED_RUNNERS",
    "REQUIRED_OPTIONS",
    "WHEEL_HINT",
    "RunnerError",
    "build_options",
    "dry_run_job",
    "is_local_runner",
    "run_fingerprint",
    "run_job",
    "runner_name",
]

log = logging.getLogger("crawlwash")

# Runners that silently lose tagged outputs, combiner results or WriteToParquet output (checked on Beam 2.77; still refused on 2.62).
REFUSED_RUNNERS = {
    "daskrunner": "Beam's DaskRunner silently drops tagged outputs, combiners and WriteToParquet output",
}

# Options each runner cannot start without (checked before submission). Runner-specific alternatives (Flink's
# --job_endpoint instead of --flink_master, ...) are checked in `_check_cluster_runner`.
REQUIRED_OPTIONS: dict[str, tuple[str, ...]] = {
    "dataflowrunner": ("project", "region", "temp_location"),
    "portablerunner": ("job_endpoint",),
    "flinkrunner": (),
    "sparkrunner": (),
}

WHEEL_HINT = (
    "build the wheel with `python -m pip wheel --no-deps -w dist .` and pass "
    "--extra_package=dist/crawlwash-0.1.0-cp311-cp311-linux_x86_64.whl (CPython 3.11, Linux x86-64: the Beam SDK "
    "image's platform), or pass --setup_file=./pyproject.toml (workers then compile the Rust extension and need "
    "cargo), or a custom SDK image built from the Dockerfile"
)

_PORTABLE_RUNNERS = {"portablerunner", "flinkrunner", "sparkrunner"}
_FLINK_LOCAL_MASTERS = {"[auto]", "[local]"}


class RunnerError(ValueError):
    """A runner problem found before submission."""


def _has_flag(args: Sequence[str], name: str) -> bool:
    return any(a == f"--{name}" or a.startswith(f"--{name}=") for a in args)


_LOCAL_RUNNERS = {
    "directrunner",
    "prismrunner",
    "bundlebasedirectrunner",
    "switchingdirectrunner",
    "testdirectrunner",
}


def is_local_runner(options: PipelineOptions) -> bool:
    """The job runs on this machine (the DirectRunner family, Prism)."""
    return runner_name(options).lower() in _LOCAL_RUNNERS


def _is_local_path(path: str) -> bool:
    return FileSystems.get_scheme(path) in (None, "file")


def _ships_crawlwash(options: PipelineOptions) -> bool:
    setup = options.view_as(SetupOptions)
    return bool(setup.extra_packages or setup.setup_file)


_GCS_BUCKET = re.compile(PipelineOptionsValidator.GCS_BUCKET)
_PROJECT_ID = re.compile(f"({PipelineOptionsValidator.PROJECT_ID_PATTERN})$")
DRY_RUN_PLACEHOLDERS = {
    "project": "crawlwash-dry-run",
    "temp_location": "gs://crawlwash-dry-run/temp",
    "staging_location": "gs://crawlwash-dry-run/staging",
}


def _invalid_cloud_options(gcloud: GoogleCloudOptions) -> dict[str, str]:
    """Options whose value Google Cloud would refuse: a project id or a temp/staging bucket name (Beam's own
    patterns). With a bad bucket name, Beam spends minutes trying to create a default bucket instead."""
    bad = {}
    project = gcloud.project
    if project and not project.isdigit() and not _PROJECT_ID.match(project):
        bad["project"] = project
    for name in ("temp_location", "staging_location"):
        value = getattr(gcloud, name, None)
        if value and value.startswith("gs://"):
            bucket = value[len("gs://") :].split("/", 1)[0]
            if not _GCS_BUCKET.match(bucket):
                bad[name] = value
    return bad


def _check_dataflow(options: PipelineOptions, cfg: CrawlwashConfig) -> None:
    gcloud = options.view_as(GoogleCloudOptions)
    if gcloud.temp_location and not gcloud.temp_location.startswith("gs://"):
        raise RunnerError(f"runner DataflowRunner needs a gs:// --temp_location, got {gcloud.temp_location!r}")
    if not (_ships_crawlwash(options) or options.view_as(WorkerOptions).sdk_container_image):
        raise RunnerError(f"runner DataflowRunner: the workers need the crawlwash code: {WHEEL_HINT}")
    bad = _invalid_cloud_options(gcloud)
    named = ", ".join(f"--{k}={v}" for k, v in bad.items())
    if options.view_as(TestOptions).dry_run:
        # Translation only: nothing is read, written or staged, so local paths are fine, and a value Google Cloud
        # would refuse is replaced by a placeholder (a submission names it as an error) instead of sending Beam to
        # the network to create a default bucket.
        for name in bad:
            setattr(gcloud, name, DRY_RUN_PLACEHOLDERS[name])
        if bad:
            log.warning("dry run: %s would be refused by Google Cloud; translating with placeholders instead", named)
        return
    if bad:
        raise RunnerError(
            f"runner DataflowRunner: {named}: not a valid project id or Cloud Storage bucket name (buckets: 3-63 "
            "characters, lower-case letters, digits, '-', '_' and '.')"
        )
    local = [p for p in cfg.input.paths if _is_local_path(p)]
    if local:
        raise RunnerError(
            "runner DataflowRunner: input patterns must be on storage the workers can read (gs://...), "
            f"not local paths: {', '.join(local)}"
        )
    if _is_local_path(cfg.output.dir):
        raise RunnerError(
            f"runner DataflowRunner: output.dir must be on storage the workers can write (gs://...), "
            f"not the local path {cfg.output.dir!r}"
        )


def _check_cluster_runner(key: str, runner: str, args: Sequence[str], options: PipelineOptions) -> None:
    """Flink, Spark and generic portable runners: an endpoint to submit to, and workers that can import crawlwash."""
    all_opts = options.get_all_options(drop_default=False, retain_unknown_options=True)
    has_endpoint = bool(all_opts.get("job_endpoint"))
    if key == "flinkrunner" and not has_endpoint and not _has_flag(args, "flink_master"):
        raise RunnerError(
            "runner FlinkRunner needs --flink_master=HOST:PORT (the Flink cluster's REST address) or "
            "--job_endpoint=HOST:PORT (a running Beam Flink job server); use --flink_master=[local] to ask for an "
            "embedded local Flink on purpose"
        )
    if all_opts.get("output_executable_path"):
        has_endpoint = True  # the job is written as a jar for the cluster's own submit (Dataproc, spark-submit)
    if key == "sparkrunner" and not has_endpoint:
        if all_opts.get("spark_submit_uber_jar"):
            if not all_opts.get("spark_rest_url"):
                raise RunnerError(
                    "runner SparkRunner with --spark_submit_uber_jar needs --spark_rest_url=http://HOST:6066"
                )
        elif not _has_flag(args, "spark_master_url"):
            raise RunnerError(
                "runner SparkRunner needs --spark_master_url=spark://HOST:PORT (the Spark master), "
                "--spark_submit_uber_jar with --spark_rest_url=http://HOST:6066, or --job_endpoint=HOST:PORT "
                "(a running Beam Spark job server); use --spark_master_url=local[N] for a local Spark on purpose"
            )
    portable = options.view_as(PortableOptions)
    env_type = (portable.environment_type or "").upper()
    local_master = (key == "flinkrunner" and all_opts.get("flink_master") in _FLINK_LOCAL_MASTERS) or (
        key == "sparkrunner" and str(all_opts.get("spark_master_url", "")).startswith("local")
    )
    if not env_type and local_master:
        return  # Beam defaults to LOOPBACK here: workers run in this process
    if env_type in ("", "DOCKER") and not portable.environment_config and not _ships_crawlwash(options):
        raise RunnerError(
            f"runner {runner}: workers would start from the stock Beam SDK image, which has no crawlwash. Pass "
            "--environment_type=DOCKER --environment_config=IMAGE (built from the Dockerfile), or stage the code: "
            + WHEEL_HINT
        )


def build_options(beam_args: Sequence[str], cfg: CrawlwashConfig) -> PipelineOptions:
    """PipelineOptions from the pass-through arguments, with crawlwash's local defaults and guard rails."""
    args = list(beam_args)
    unknown = [a for a in args if a.startswith("-") and not a.startswith("--")]
    if unknown:
        raise RunnerError(f"unrecognized arguments: {' '.join(unknown)}")
    if not _has_flag(args, "runner"):
        args.append("--runner=DirectRunner")
    options = PipelineOptions(args)
    runner = runner_name(options)
    key = runner.lower()
    if key in REFUSED_RUNNERS:
        raise RunnerError(
            f"runner {runner} is refused: {REFUSED_RUNNERS[key]}. Use DirectRunner, PortableRunner "
            "(Flink, Spark) or DataflowRunner."
        )
    if options.view_as(SetupOptions).save_main_session:
        raise RunnerError("--save_main_session is not supported: workers get crawlwash as an installed package")
    if key in DIRECT_RUNNERS:
        if not _has_flag(args, "direct_running_mode"):
            args.append("--direct_running_mode=multi_processing")
        if not _has_flag(args, "direct_num_workers"):
            args.append(f"--direct_num_workers={os.cpu_count() or 1}")
        options = PipelineOptions(args)
    all_opts = options.get_all_options(drop_default=False, retain_unknown_options=True)
    missing = [name for name in REQUIRED_OPTIONS.get(key, ()) if not all_opts.get(name)]
    if missing:
        raise RunnerError(f"runner {runner} needs " + ", ".join(f"--{m}" for m in missing))
    if key == "dataflowrunner":
        _check_dataflow(options, cfg)
    elif key in _PORTABLE_RUNNERS:
        _check_cluster_runner(key, runner, args, options)
    return options


def run_job(
    cfg: CrawlwashConfig, options: PipelineOptions, config_yaml: str, progress: float | None = None
) -> dict | None:
    """Check inputs and output, save the resolved config, run the pipeline, return the ledger (stats.json).

    With `--output_executable_path=JAR` (Flink and Spark runners) the job server writes the job as a jar instead of
    running it (the Dataproc and spark-submit route: docs/runners.md) and None is returned.

    With `output.if_exists: resume` and a run that already completed with the same config and inputs, nothing
    runs: its ledger is returned. `progress`: show the job's progress while it runs (pipelines/progress.py): a live
    line on a terminal, else a log line every `progress` seconds; None shows nothing.
    """
    if options.view_as(TestOptions).dry_run:
        raise RunnerError("--dry_run=True only translates the job (see pipelines.runner.dry_run_job); nothing runs")
    if runner_name(options).lower() == "dataflowrunner":
        _dataflow_client()  # before any work: gs:// paths need it too
    out_dir = cfg.output.dir
    inputs = list_inputs(cfg.input.paths)
    fingerprint = run_fingerprint(cfg, inputs)
    state = prepare_output_dir(out_dir, cfg.output, fingerprint)
    stats_path = FileSystems.join(out_dir, STATS)
    if state == "complete":
        log.info("%s holds a complete run with this config and these inputs: nothing to do", out_dir)
        with FileSystems.open(stats_path) as f:
            return json.loads(f.read().decode("utf-8"))
    with FileSystems.create(FileSystems.join(out_dir, "config.yaml")) as f:
        f.write(config_yaml.encode("utf-8"))
    runner = runner_name(options)
    total = sum(size for _, size in inputs)
    log.info("running on %s: %d input file(s), %.1f MB -> %s", runner, len(inputs), total / 1e6, out_dir)
    p = beam.Pipeline(options=options)
    build_pipeline(p, cfg, fingerprint)
    executable = options.view_as(PortableOptions).output_executable_path
    with Progress(out_dir, dict(inputs), enabled=progress is not None and not executable, log_every=progress or 15.0):  # local runners run the whole job inside p.run()
        result = p.run()
        result.wait_until_finish()
    if executable:  # the job server wrote the job as a jar: it runs when the cluster's own submit starts it
        log.info("wrote the job to %s; nothing ran yet", executable)
        return None
    with FileSystems.open(stats_path) as f:
        stats = json.loads(f.read().decode("utf-8"))
    stats["shuffle_bytes"] = _shuffle_bytes(result)
    return stats


def run_fingerprint(cfg: CrawlwashConfig, inputs: list[tuple[str, int]]) -> dict:
    """What a resumed run must share with the run it continues (config and input files with sizes)."""
    return fingerprint(cfg.model_dump(mode="json"), inputs)


def _shuffle_bytes(result: Any) -> int | None:
    """Encoded bytes of the records that entered a shuffle (Beam counters `shuffle_bytes.*`), when the runner
    reports metrics; None otherwise."""
    try:
        counters = result.metrics().query()["counters"]
    except Exception:  # noqa: BLE001 - some runners report no metrics: the figure is optional
        return None
    total = [c.committed or c.attempted or 0 for c in counters if c.key.metric.name.startswith("shuffle_bytes.")]
    return int(sum(total)) if total else 0


def _staged_name(dep: Any) -> str:
    """The name an artifact (a staged wheel, requirements file, ...) gets on the workers."""
    from apache_beam.portability import common_urns
    from apache_beam.portability.api import beam_runner_api_pb2

    if dep.role_urn == common_urns.artifact_roles.STAGING_TO.urn:
        payload = beam_runner_api_pb2.ArtifactStagingToRolePayload.FromString(dep.role_payload)
        return payload.staged_name
    return dep.type_urn


def _dataflow_client() -> Any:  # noqa: ANN401 - Beam's apiclient module
    """Beam's Dataflow API client module. It needs apache-beam[gcp] (crawlwash's `dataflow` extra), which a plain
    install leaves out: with it, every `import apache_beam` also loads Google's clients (0.4 s a run)."""
    try:
        from apache_beam.runners.dataflow.internal import apiclient
    except ImportError as exc:
        raise RunnerError(
            f"runner DataflowRunner needs apache-beam[gcp] where the job is submitted: pip install "
            f"'crawlwash[dataflow]' (or 'apache-beam[gcp]==2.62.0') ({exc})"
        ) from exc
    return apiclient


def dry_run_job(cfg: CrawlwashConfig, options: PipelineOptions) -> dict:
    """Translate the job for Dataflow without submitting it (`--dry_run=True`); return the sizes of what would be sent.

    `job_json_bytes` is the Dataflow CreateJob request (the service refuses requests over 10 MB);
    `pipeline_proto_bytes` is the Runner API pipeline that is staged next to it. Nothing is read or written.
    """
    runner = runner_name(options)
    if runner.lower() != "dataflowrunner" or not options.view_as(TestOptions).dry_run:
        raise RunnerError("dry_run_job needs --runner=DataflowRunner --dry_run=True")
    apiclient = _dataflow_client()

    # Translation only: the input patterns are not listed (they are expanded inside the pipeline anyway).
    p = beam.Pipeline(options=options)
    build_pipeline(p, cfg)
    result = p.run()
    job = result.job
    pipeline_proto = job.proto_pipeline.SerializeToString()
    # A dry run stops before the request's environment is filled in; fill it as a submission would (without
    # staging anything) so the measured request is the one the service would get.
    gcloud = job.options.view_as(GoogleCloudOptions)
    job.proto.environment = apiclient.Environment(
        packages=[],
        options=job.options,
        environment_version=getattr(apiclient, "_FNAPI_ENVIRONMENT_MAJOR_VERSION", "8"),
        proto_pipeline_staged_url=FileSystems.join(gcloud.staging_location, "pipeline.pb"),
        proto_pipeline=job.proto_pipeline,
    ).proto
    stats = {
        "runner": runner,
        "job_name": gcloud.job_name,
        "job_json_bytes": len(job.json().encode("utf-8")),
        "pipeline_proto_bytes": len(pipeline_proto),
        "transforms": len(job.proto_pipeline.components.transforms),
        "artifacts": sorted(
            _staged_name(dep) for env in job.proto_pipeline.components.environments.values() for dep in env.dependencies
        ),
        "experiments": options.view_as(DebugOptions).experiments or [],
    }
    log.info("translated for Dataflow: %s", stats)
    return stats
