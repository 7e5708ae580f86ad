"""The `crawlwash` command line.

    crawlwash run [--config FILE] --input GLOB [--input GLOB ...] --output DIR [--set key=value ...] [Beam options]
    crawlwash report DIR                       DIR/report.html and the dataset card DIR/README.md
    crawlwash inspect DIR [--reason R] [--n N] shards, schema, row counts and sample rows
    crawlwash check-config [--config FILE] [--set key=value ...]

Everything not known here passes through to Beam's `PipelineOptions` (`--runner`, `--direct_num_workers`, ...).
Checks happen before any work starts: the config (naming the bad key), the input patterns (each must match a file),
the runner (runners known to lose data are refused) and the output directory (see `output.if_exists`).
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import re
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from transforms.core import Failed

if TYPE_CHECKING:
    from apache_beam.options.pipeline_options import PipelineOptions

    from pipelines.config import CrawlwashConfig

__all__ = ["main", "run"]

log = logging.getLogger("crawlwash")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crawlwash",
        description="Turn raw web-crawl files (WARC, ARC, WET, JSONL, txt, HTML) into clean, deduplicated Parquet "
        "shards, on any Apache Beam runner.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run_p = sub.add_parser(
        "run",
        help="run the pipeline",
        description="Run the pipeline. Options not listed here are Beam pipeline options and pass through "
        "(e.g. --runner=PortableRunner --job_endpoint=localhost:8099, --direct_num_workers=4). Without --runner "
        "the DirectRunner runs in multi-processing mode on all cores.",
        epilog="Outputs under DIR: data/*.parquet (kept), rejected/*.parquet (dropped, with stage and reason), "
        "errors/*.parquet (failed, with stage and error), stats.json (ledger), config.yaml, _SUCCESS (last).",
    )
    run_p.add_argument(
        "--config",
        help="YAML config file (e.g. configs/local.yaml); without it the documented defaults apply",
    )
    run_p.add_argument(
        "--input",
        action="append",
        default=None,
        metavar="GLOB",
        help="input file pattern; repeat for several (replaces input.paths)",
    )
    run_p.add_argument("--output", metavar="DIR", help="output directory (replaces output.dir)")
    run_p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        dest="overrides",
        help="override one config key, e.g. --set extract.timeout_s=5 (repeatable; values are YAML)",
    )
    run_p.add_argument(
        "--quiet",
        action="store_true",
        help="no progress (a live line on a terminal, else a log line every --progress-every seconds) and no "
        "info logging, only the summary",
    )
    run_p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also show debug messages: each split a worker finished (records, kept, seconds), models loaded",
    )
    run_p.add_argument(
        "--progress-every",
        type=float,
        default=15.0,
        metavar="SECONDS",
        help="when stderr is not a terminal: seconds between progress log lines (default 15)",
    )
    report_p = sub.add_parser(
        "report",
        help="write DIR/report.html and the dataset card DIR/README.md for a finished run",
        description="Write DIR/report.html (self-contained: plots inlined as SVG, nothing loaded from the network) "
        "and the Hugging Face dataset card DIR/README.md for the finished run in DIR.",
    )
    report_p.add_argument("dir", metavar="DIR", help="output directory of a finished run")
    report_p.add_argument("--no-card", action="store_true", help="write report.html only")
    inspect_p = sub.add_parser(
        "inspect",
        help="show a finished run's shards, schema, row counts and sample rows",
        description="Show the shards, schema, row counts and N sample rows of DIR/data/ or, with --reason, of the "
        "rejected/ rows of one drop reason ('reason' or 'stage/reason', e.g. quality/c4:too_few_sentences).",
    )
    inspect_p.add_argument("dir", metavar="DIR", help="output directory of a finished run")
    inspect_p.add_argument("--reason", metavar="R", help="show rejected/ rows with this reason instead of data/")
    inspect_p.add_argument("--n", type=int, default=3, metavar="N", help="sample rows to show (default 3)")
    check_p = sub.add_parser("check-config", help="validate a config (with --set overrides) and print it resolved")
    check_p.add_argument("--config")
    check_p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="overrides")
    return parser


class _WorkerLogFilter(logging.Filter):
    """Make the DirectRunner's forwarded worker logs readable: keep crawlwash's own messages (progress) and errors,
    drop Beam's start-up chatter, and print `message` instead of the whole protobuf log entry."""

    _MESSAGE = re.compile(r'message: "((?:[^"\\]|\\.)*)"')
    _LOCATION = re.compile(r'log_location: "([^"]*)"')

    def __init__(self, level: int) -> None:
        super().__init__()
        self._level = level

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.args or not isinstance(record.args, tuple):
            return record.levelno >= logging.ERROR
        entry = str(record.args[0])
        location = self._LOCATION.search(entry)
        ours = location is not None and any(f"/{pkg}/" in location.group(1) for pkg in ("transforms", "pipelines"))
        if not (ours and record.levelno >= self._level) and record.levelno < logging.ERROR:
            return False
        found = self._MESSAGE.search(entry)
        if found:
            raw = found.group(1)
            try:
                raw = raw.encode("latin-1").decode("unicode_escape").encode("latin-1").decode("utf-8", "replace")
            except (UnicodeEncodeError, UnicodeDecodeError):
                pass
            record.msg, record.args = "[worker] %s", (raw,)
        return True


def _setup_logging(quiet: bool, live: bool, verbose: bool = False) -> None:
    """Warnings and errors always show. `quiet`: nothing else but the summary; `verbose`: crawlwash's debug
    messages too (a line per split a worker finished). `live`: a progress bar is drawn on the terminal, which
    workers' info lines would break."""
    logging.basicConfig(
        level=logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    level = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    for name in ("crawlwash", "transforms", "pipelines"):
        logging.getLogger(name).setLevel(level)
    forwarded = logging.getLogger("apache_beam.runners.portability.local_job_service")
    forwarded.setLevel(logging.DEBUG if verbose else logging.INFO)
    forwarded.addFilter(_WorkerLogFilter(logging.WARNING if live and not verbose else level))


def _verbose_workers(beam_args: list[str]) -> list[str]:
    """With --verbose, workers in other processes send crawlwash's debug messages too (unless the user already
    chose log levels for them)."""
    if any(a.startswith("--sdk_harness_log_level_overrides") for a in beam_args):
        return beam_args
    levels = json.dumps({"transforms": "DEBUG", "pipelines": "DEBUG"})
    return [*beam_args, f"--sdk_harness_log_level_overrides={levels}"]


def _summary(stats: dict, seconds: float) -> str:
    rows: list[tuple[str, str]] = [("read", str(stats["read"])), ("kept", str(stats["kept"]))]
    for stage, reasons in stats["dropped_by_stage"].items():
        for reason, n in reasons.items():
            rows.append((f"dropped  {stage}/{reason}", str(n)))
    rows.append(("dropped (total)", str(stats["dropped"])))
    for stage, n in stats["failed_by_stage"].items():
        rows.append((f"failed   {stage}", str(n)))
    rows.append(("failed (total)", str(stats["failed"])))
    rows.append(("ledger", "balanced" if stats["balanced"] else "NOT BALANCED"))
    rate = stats["read"] / seconds if seconds > 0 else 0.0
    rows.append(("wall time", f"{seconds:.1f} s"))
    rows.append(("records/s", f"{rate:.1f}"))
    docs = (
        stats["read"]
        - sum(stats["dropped_by_stage"].get("read", {}).values())
        - stats["failed_by_stage"].get("read", 0)
    )
    if stats.get("shuffle_bytes") is not None and docs > 0:  # Beam counters, where the runner reports them
        rows.append(("shuffled bytes", str(stats["shuffle_bytes"])))
        rows.append(("shuffled bytes/document", f"{stats['shuffle_bytes'] / docs:.0f}"))
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"  {k.ljust(width)}  {v.rjust(10)}" for k, v in rows)


_OUR_FAILURE = re.compile(r"\b(ErrorBudgetExceeded|LedgerError): (.+?)(?: \[while running|\\n|\n|$)")


def _job_failure(exc: BaseException) -> str:
    """The readable cause of a failed job: crawlwash's own failure messages survive the runner's wrapping."""
    found = _OUR_FAILURE.search(str(exc))
    message = f"{found.group(1)}: {found.group(2)}" if found else Failed.describe(exc)
    return re.sub(r"\s*\[while running [^\n]*", "", message).strip()[:2000]


def _look(args: argparse.Namespace) -> int:
    """`report` and `inspect`: read a finished run."""
    from pipelines.inspection import UnknownReason, inspect_run
    from pipelines.report import write_report
    from pipelines.run_output import NotARun, open_run

    try:
        if args.command == "report":
            for path in write_report(args.dir, card=not args.no_card):
                print(f"crawlwash: wrote {path}")
        else:
            if args.n < 0:
                print("crawlwash: --n must be 0 or more", file=sys.stderr)
                return 2
            inspect_run(open_run(args.dir), sys.stdout, n=args.n, reason=args.reason)
    except (NotARun, UnknownReason) as exc:
        print(f"crawlwash: {exc}", file=sys.stderr)
        return 2
    return 0


def _wants_report(cfg: CrawlwashConfig, options: PipelineOptions) -> bool:
    if cfg.output.report == "auto":
        from pipelines.runner import is_local_runner

        return is_local_runner(options)
    return bool(cfg.output.report)


def run(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, check everything, run the job, print the summary. Returns the exit code."""
    args, beam_args = _parser().parse_known_args(argv)

    from pipelines.config import ConfigError, dump_config, load_config

    if args.command == "check-config":
        try:
            cfg = load_config(args.config, args.overrides)
        except ConfigError as exc:
            print(f"crawlwash: {exc}", file=sys.stderr)
            return 2
        sys.stdout.write(dump_config(cfg))
        return 0

    if args.command in ("report", "inspect"):
        return _look(args)

    live = not args.quiet and sys.stderr.isatty()
    _setup_logging(args.quiet, live, args.verbose)
    if args.verbose:
        beam_args = _verbose_workers(beam_args)
    from apache_beam.options.pipeline_options import PortableOptions, TestOptions

    from pipelines.runner import RunnerError, build_options, run_job

    # Beam and the stages are imported: about a million objects that live as long as the process. Frozen, the
    # collector's full passes (one every few hundred thousand allocations) skip them: 0.4 s of a short run.
    gc.freeze()
    try:
        overrides = list(args.overrides)
        cfg = load_config(args.config, overrides)
        update: dict = {}
        if args.input:
            update["input"] = cfg.input.model_copy(update={"paths": list(args.input)})
        if args.output:
            update["output"] = cfg.output.model_copy(update={"dir": args.output})
        if update:
            cfg = cfg.model_copy(update=update)
        if not cfg.input.paths:
            raise ConfigError("input.paths: no input given (use --input GLOB or input.paths in the config)")
        options = build_options(beam_args, cfg)
    except (ConfigError, RunnerError) as exc:
        print(f"crawlwash: {exc}", file=sys.stderr)
        return 2

    if options.view_as(TestOptions).dry_run:  # translate only (Dataflow): print what would be submitted
        return _dry_run(cfg, options)

    started = time.monotonic()
    try:
        stats = run_job(cfg, options, dump_config(cfg), progress=None if args.quiet else args.progress_every)
    except (
        ValueError,
        FileExistsError,
        RunnerError,
    ) as exc:  # input/output problems found before work starts
        print(f"crawlwash: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 -- the job itself failed (the runner wraps worker errors): say why in one line
        print(f"crawlwash: job failed: {_job_failure(exc)}", file=sys.stderr)
        return 1
    seconds = time.monotonic() - started
    if stats is None:  # --output_executable_path: the job is a jar now, for the cluster's own submit
        path = options.view_as(PortableOptions).output_executable_path
        print(f"crawlwash: wrote the job to {path}; it writes {cfg.output.dir} when the cluster runs it (Spark: "
              "spark-submit --class org.apache.beam.runners.spark.SparkPipelineRunner JAR; docs/runners.md)")  # fmt: skip
        return 0
    print(f"crawlwash: wrote {cfg.output.dir}")
    print(_summary(stats, seconds))
    return _write_report(cfg.output.dir) if _wants_report(cfg, options) else 0


def _dry_run(cfg: CrawlwashConfig, options: PipelineOptions) -> int:
    """Translate the job for Dataflow without submitting it; print its size. Returns the exit code."""
    from pipelines.runner import RunnerError, dry_run_job

    try:
        job = dry_run_job(cfg, options)
    except RunnerError as exc:  # e.g. no apache-beam[gcp] here: said as it is, like the other option errors
        print(f"crawlwash: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 -- translation problems (validation, a missing package) are option errors
        print(f"crawlwash: dry run failed: {_job_failure(exc)}", file=sys.stderr)
        return 2
    print(
        f"crawlwash: dry run: {job['transforms']} transforms; CreateJob request "
        f"{job['job_json_bytes'] / 1024:.1f} KB (Dataflow's limit: 10 MB); pipeline proto "
        f"{job['pipeline_proto_bytes'] / 1024:.1f} KB; nothing was submitted",
        file=sys.stderr,
    )
    print(json.dumps(job, indent=2))
    return 0


def _write_report(out_dir: str) -> int:
    """The report and card at the end of a run. Returns the exit code (1 when writing them failed)."""
    from pipelines.report import write_report

    try:
        for path in write_report(out_dir):
            print(f"crawlwash: wrote {path}")
    except Exception as exc:  # noqa: BLE001 -- the corpus is complete; a report problem must not hide that
        print(f"crawlwash: the run is complete, but writing its report failed: {Failed.describe(exc)}",
              file=sys.stderr)  # fmt: skip
        return 1
    return 0


def main() -> None:
    code = run()
    # The process ends here: no collector passes over every object while the interpreter shuts down (0.6 s after
    # a run). Every output file is closed and renamed by now; atexit handlers still run.
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    main()
