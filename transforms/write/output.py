"""Writing the outputs: the output directory's layout, row schemas, `if_exists`, and the finalize step.

Layout under the output directory (docs/architecture.md):

    data/part-XXXXX-of-YYYYY.parquet      kept documents
    rejected/part-XXXXX-of-YYYYY.parquet  dropped records (stage, reason), optionally sampled
    errors/part-XXXXX-of-YYYYY.parquet    failed records (stage, error, source)
    stats.json                            the ledger: read == kept + dropped + failed
    _SUCCESS                              manifest, written last

How shards are made, and why:
- The shard count N is derived from the data (the bytes of the documents the map phase kept /
  `shard_target_bytes`). Every split of the input goes whole to shard `sid mod N` (`shard_of`); the apply
  phase writes a shard's documents split by split (splits in id order, documents in input order), its rejected
  and errors rows alongside, so no text is ever shuffled and the same input and config give byte-identical
  shards on every run and runner.
- Shards are written under `_temporary/out/` and renamed into place by one finalize step after every shard of
  every output is complete: nothing partial is ever visible under `data/`. A retried write overwrites its own
  temporary file; a retried finalize skips renames already done. `_SUCCESS` is written last; `_temporary/` (the
  staged files) is deleted after it.
- The ledger is computed from the data (never from Beam metrics, which some runners do not report).
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal

import apache_beam as beam
import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from pydantic import Field

from transforms.core import EXTRACTED_CHARS, REMOVED_BY_REASON, Doc, Dropped, Failed, Section
from transforms.core.staged import TEMP_DIR, out_path
from transforms.write.ledger import FACTS, TIMING, check
from transforms.write.staging import RUN_FILE, RunFingerprintError, check_fingerprint, write_bytes_atomic

__all__ = [
    "CARD",
    "DATA",
    "DOC_FIELDS",
    "ERRORS",
    "ERRORS_SCHEMA",
    "REJECTED",
    "REJECTED_SCHEMA",
    "REPORT",
    "RUN_FACTS",
    "STATS",
    "SUCCESS",
    "Finalize",
    "OutputConfig",
    "compression_options",
    "crawlwash_version",
    "doc_to_row",
    "docs_schema",
    "dropped_to_row",
    "failed_to_row",
    "prepare_output_dir",
    "shard_name",
    "shard_of",
]

log = logging.getLogger(__name__)


def crawlwash_version() -> str:
    """The installed crawlwash version (provenance in _SUCCESS and the dataset card)."""
    try:
        return importlib.metadata.version("crawlwash")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


DATA, REJECTED, ERRORS = "data", "rejected", "errors"
KINDS = (DATA, REJECTED, ERRORS)
SUCCESS = "_SUCCESS"
STATS = "stats.json"
# What differs between two runs of the same job (finish time, the map phase's seconds per step): kept out of
# stats.json and _SUCCESS, which re-runs must write byte-identical; written just before _SUCCESS.
RUN_FACTS = "run_info.json"
DEDUP_INDEX = "dedup_index"  # the signature index of near-dedup (read by later incremental runs)
REPORT = "report.html"  # written after the job by pipelines/report.py (`output.report`, `crawlwash report`)
CARD = "README.md"  # the dataset card, written with the report
OWNED = (DATA, REJECTED, ERRORS, TEMP_DIR, STATS, RUN_FACTS, SUCCESS, DEDUP_INDEX, REPORT, CARD)


class OutputConfig(Section):
    """Where and how the outputs are written."""

    dir: str = Field("out", description="Output directory (local path, gs://, s3://). --output overrides it.")
    shard_target_bytes: int = Field(
        256 * 1024 * 1024,
        gt=0,
        description="Target size of one shard, counted as uncompressed row bytes; the shard count follows the data.",
    )
    compression: Literal["zstd", "snappy", "gzip", "none"] = Field("zstd", description="Parquet codec.")
    compression_level: int | None = Field(3, description="Codec level (zstd 1-22); null for the codec default.")
    row_group_rows: int = Field(10_000, gt=0, description="Maximum rows per Parquet row group.")
    rejected_sample_rate: float = Field(
        1.0,
        ge=0.0,
        le=1.0,
        description="Fraction of dropped records written to rejected/ (deterministic by id). Counts in stats.json "
        "are always exact.",
    )
    rejected_max_text_chars: int = Field(
        20_000, ge=0, description="Text of a rejected row is cut to this many characters (0 keeps no text)."
    )
    if_exists: Literal["fail", "overwrite", "resume"] = Field(
        "fail",
        description="When the output directory already has content: 'fail' refuses to start; 'overwrite' deletes "
        "the previous data/, rejected/, errors/, dedup_index/, _temporary/, stats.json, run_info.json, _SUCCESS, report.html and README.md before the "
        "run; 'resume' continues a killed run started with the same config and inputs (splits that completed are "
        "not read again; a changed config or input list is refused) and does nothing after a complete one.",
    )
    report: bool | Literal["auto"] = Field(
        "auto",
        description="Write report.html (plots, samples) and the dataset card README.md into the output directory "
        "when `crawlwash run` ends. 'auto': on local runners (DirectRunner, PrismRunner) but not on cluster "
        "runners, where `crawlwash report DIR` writes them later (it reads the shards from the launching machine).",
    )
    max_error_ratio: float = Field(
        1.0,
        ge=0.0,
        le=1.0,
        description="Fail the job (no _SUCCESS) when failed/read exceeds this ratio; the message names the worst "
        "sources. 1.0 never fails.",
    )


# -- schemas ---------------------------------------------------------------------------------------------------

DOC_FIELDS: list[pa.Field] = [
    pa.field("id", pa.string(), nullable=False),
    pa.field("text", pa.string(), nullable=False),
    pa.field("url", pa.string()),
    pa.field("source", pa.string(), nullable=False),
    pa.field("source_record", pa.string(), nullable=False),
    pa.field("fetch_time", pa.timestamp("us", tz="UTC")),
    pa.field("content_type", pa.string()),
    pa.field("charset", pa.string()),
    pa.field("title", pa.string()),
    pa.field("lang", pa.string()),
    pa.field("lang_score", pa.float32()),
    pa.field("lang2", pa.string()),
    pa.field("lang2_score", pa.float32()),
    pa.field("n_chars", pa.int32(), nullable=False),
    pa.field("n_chars_extracted", pa.int32()),  # the text's length right after extraction (before cleaning)
    pa.field("removed_by_reason", pa.string()),  # JSON {"stage/reason": [lines, chars]} removed by line passes
]

REJECTED_SCHEMA = pa.schema(
    [
        pa.field("stage", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("detail", pa.string()),
        pa.field("unit", pa.string(), nullable=False),
        pa.field("id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("source_record", pa.string(), nullable=False),
        pa.field("url", pa.string()),
        pa.field("text", pa.string(), nullable=False),
    ]
)

ERRORS_SCHEMA = pa.schema(
    [
        pa.field("stage", pa.string(), nullable=False),
        pa.field("error", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("source_record", pa.string(), nullable=False),
        pa.field("id", pa.string()),
        pa.field("url", pa.string()),
    ]
)


def docs_schema(extra_columns: Sequence[pa.Field] = ()) -> pa.Schema:
    """The explicit schema of data/: the base Doc columns plus the columns the enabled stages contribute."""
    names = {f.name for f in DOC_FIELDS}
    for f in extra_columns:
        if f.name in names:
            raise ValueError(f"column {f.name!r} is declared twice")
        names.add(f.name)
    return pa.schema([*DOC_FIELDS, *extra_columns])


def _parse_time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        t = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    return t.astimezone(dt.UTC)


def doc_to_row(doc: Doc, extra_names: Sequence[str] = ()) -> dict[str, Any]:
    row = {
        "id": doc.id,
        "text": doc.text,
        "url": doc.url,
        "source": doc.source,
        "source_record": doc.source_record,
        "fetch_time": _parse_time(doc.fetch_time),
        "content_type": doc.content_type,
        "charset": doc.charset,
        "title": doc.title,
        "lang": doc.lang,
        "lang_score": doc.lang_score,
        "lang2": doc.lang2,
        "lang2_score": doc.lang2_score,
        "n_chars": len(doc.text),
        "n_chars_extracted": doc.attrs.get(EXTRACTED_CHARS),
        "removed_by_reason": doc.attrs.get(REMOVED_BY_REASON),
    }
    for name in extra_names:
        row[name] = doc.attrs.get(name)
    return row


def dropped_to_row(d: Dropped, max_text_chars: int) -> dict[str, Any]:
    return {
        "stage": d.stage,
        "reason": d.reason,
        "detail": d.detail,
        "unit": d.unit,
        "id": d.id,
        "source": d.source,
        "source_record": d.source_record,
        "url": d.url,
        "text": d.text[:max_text_chars],
    }


def failed_to_row(f: Failed) -> dict[str, Any]:
    return {
        "stage": f.stage,
        "error": f.error,
        "source": f.source,
        "source_record": f.source_record,
        "id": f.id,
        "url": f.url,
    }


# -- shards ----------------------------------------------------------------------------------------------------


def shard_name(index: int, count: int) -> str:
    return f"part-{index:05d}-of-{count:05d}.parquet"


def shard_of(sid: str, num_shards: int) -> int:
    """The output shard of a split: its id modulo the shard count (every shard gets whole splits)."""
    return int(sid, 16) % num_shards


def shard_count(kept_bytes: int, kept_docs: int, cfg: OutputConfig) -> int:
    """Shards for the documents the map phase kept (row bytes: text plus 64 per row, as the rows are sized)."""
    return max(1, -(-(kept_bytes + 64 * kept_docs) // cfg.shard_target_bytes))


def compression_options(cfg: OutputConfig) -> dict[str, Any]:
    codec = None if cfg.compression == "none" else cfg.compression
    level = cfg.compression_level if codec in ("zstd", "gzip") else None
    return {"compression": codec, "compression_level": level}


# -- the output directory --------------------------------------------------------------------------------------


def _read_json(path: str) -> dict[str, Any] | None:
    if not FileSystems.exists(path):
        return None
    with FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED) as f:
        try:
            return json.loads(f.read().decode("utf-8"))
        except ValueError:
            return None


def prepare_output_dir(output_dir: str, cfg: OutputConfig, fingerprint: Mapping[str, Any] | None = None) -> str:
    """Apply `if_exists` before any work starts; returns 'run' (go on) or 'complete' (resume of a finished run).

    'fail' refuses a directory that holds a run; 'overwrite' deletes it first; 'resume' keeps the staged splits
    of a killed run with the same fingerprint (config and inputs) and refuses one with another. The fingerprint
    is saved as `_temporary/run.json`, so that any run can be resumed.
    """
    join = FileSystems.join
    present = [n for n in OWNED if FileSystems.exists(join(output_dir, n))]
    if present and cfg.if_exists == "fail":
        raise FileExistsError(
            f"output directory {output_dir} already holds a run ({', '.join(present)}); choose another --output "
            "or pass --set output.if_exists=overwrite (or resume, to continue a killed run)"
        )
    if cfg.if_exists == "resume" and present:
        if fingerprint is None:
            raise ValueError("output.if_exists=resume needs the run's fingerprint")
        if SUCCESS in present:
            done = _read_json(join(output_dir, SUCCESS)) or {}
            check_fingerprint(done.get("fingerprint", {}), fingerprint, output_dir)
            return "complete"
        previous = _read_json(join(output_dir, TEMP_DIR, RUN_FILE))
        if previous is None:
            raise RunFingerprintError(
                f"output.if_exists=resume: {output_dir} holds {', '.join(present)} but no record of the run that "
                "wrote it (_temporary/run.json); pass --set output.if_exists=overwrite to start over"
            )
        check_fingerprint(previous, fingerprint, output_dir)
        for name in (DATA, REJECTED, ERRORS, STATS, DEDUP_INDEX):  # a killed finalize's renames: redone
            if name in present:
                FileSystems.delete([join(output_dir, name)])
        return "run"
    for name in present:
        FileSystems.delete([join(output_dir, name)])
    if not FileSystems.exists(output_dir):
        FileSystems.mkdirs(output_dir)
    if fingerprint is not None:
        write_bytes_atomic(join(output_dir, TEMP_DIR, RUN_FILE), json.dumps(fingerprint).encode("utf-8"))
    return "run"


def _move(src: str, dst: str) -> None:
    if FileSystems.exists(dst) and not FileSystems.exists(src):
        return  # a retried finalize: already moved
    if FileSystems.exists(dst):
        FileSystems.delete([dst])
    FileSystems.rename([src], [dst])


def _empty_shard(path: str, schema: pa.Schema, cfg: OutputConfig) -> None:
    with FileSystems.create(path, compression_type=CompressionTypes.UNCOMPRESSED) as f:
        pq.write_table(schema.empty_table(), f, write_statistics=True, **compression_options(cfg))


class _FinalizeFn(beam.DoFn):
    def __init__(self, output_dir: str, schemas: Mapping[str, pa.Schema], cfg: OutputConfig,
                 fingerprint: Mapping[str, Any] | None) -> None:  # fmt: skip
        self._out = output_dir
        self._schemas = dict(schemas)
        self._cfg = cfg
        self._fingerprint = dict(fingerprint) if fingerprint is not None else None

    def process(self, _: Any, stats: dict, applied: Sequence[Mapping[str, Any]], num_shards: int) -> Iterator:
        out = self._out
        rows = {int(a["shard"]): a["rows"] for a in applied}
        manifest: dict[str, Any] = {"outputs": {}}
        for kind, schema in self._schemas.items():
            final_dir = FileSystems.join(out, kind)
            if not FileSystems.exists(final_dir):
                FileSystems.mkdirs(final_dir)
            files = []
            for index in range(num_shards):
                name = shard_name(index, num_shards)
                src = out_path(out, kind, name)
                if index not in rows:  # a shard that no split hashed to: written empty, names stay honest
                    _empty_shard(src, schema, self._cfg)
                _move(src, FileSystems.join(final_dir, name))
                files.append({"name": name, "rows": rows.get(index, {}).get(kind, 0)})
            manifest["outputs"][kind] = files
        stats = dict(stats)
        timing_us = stats.pop(TIMING, {})
        run_facts = stats.pop(FACTS, {})
        write_bytes_atomic(FileSystems.join(out, STATS), (json.dumps(stats, indent=2) + "\n").encode())
        check(stats, self._cfg.max_error_ratio)
        manifest["stats"] = {k: stats[k] for k in ("read", "kept", "dropped", "failed")}
        manifest["crawlwash_version"] = crawlwash_version()
        facts = {
            "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "map_seconds": {step: round(us / 1e6, 3) for step, us in timing_us.items()},
            # splits whose staged files an earlier attempt left (a retried bundle, a restarted job, a resume)
            "splits_reused": run_facts.get("splits_reused", 0),
        }
        write_bytes_atomic(FileSystems.join(out, RUN_FACTS), (json.dumps(facts, indent=2) + "\n").encode())
        if self._fingerprint is not None:
            manifest["fingerprint"] = self._fingerprint
        write_bytes_atomic(FileSystems.join(out, SUCCESS), (json.dumps(manifest, indent=2) + "\n").encode())
        temp_root = FileSystems.join(out, TEMP_DIR)
        if FileSystems.exists(temp_root):
            FileSystems.delete([temp_root])
        yield manifest


class Finalize(beam.PTransform):
    """Rename every shard into place, write stats.json, check the ledger, then write `_SUCCESS`."""

    def __init__(self, output_dir: str, cfg: OutputConfig, schemas: Mapping[str, pa.Schema],
                 fingerprint: Mapping[str, Any] | None = None) -> None:  # fmt: skip
        super().__init__()
        self._out = output_dir
        self._cfg = cfg
        self._schemas = schemas
        self._fingerprint = fingerprint

    def expand(self, inputs: tuple[beam.PCollection, beam.PCollection, beam.PCollection]) -> beam.PCollection:
        stats, applied, num_shards = inputs
        return (
            stats.pipeline
            | "FinalizeImpulse" >> beam.Create([None])
            | "FinalizeOutputs"
            >> beam.ParDo(
                _FinalizeFn(self._out, self._schemas, self._cfg, self._fingerprint),
                beam.pvalue.AsSingleton(stats),
                beam.pvalue.AsList(applied),
                beam.pvalue.AsSingleton(num_shards),
            )
        )
