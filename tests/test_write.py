"""The writer, ledger and finalize step, on real Beam and real pyarrow Parquet (seed texts as documents)."""

from __future__ import annotations

import json
from pathlib import Path

import apache_beam as beam
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.conftest import SEEDS
from transforms.doc import UNIT_LINES, Doc, Dropped, Failed, sample_keep, stable_id
from transforms.write import (
    DATA,
    ERRORS,
    ERRORS_SCHEMA,
    REJECTED,
    REJECTED_SCHEMA,
    ComputeLedger,
    Finalize,
    OutputConfig,
    WriteShards,
    build_stats,
    doc_to_row,
    docs_schema,
    dropped_to_row,
    failed_to_row,
    prepare_output_dir,
)

EXTRA = [pa.field("dedup_cluster_size", pa.int32())]


def _seed_docs() -> list[Doc]:
    docs = []
    for i, path in enumerate(sorted(SEEDS.glob("*.txt"))):
        docs.append(
            Doc(
                id=stable_id(str(path), "file"),
                source=str(path),
                source_record="file",
                text=path.read_text(encoding="utf-8"),
                fetch_time="2018-01-24T13:09:00Z" if i == 0 else None,
                attrs={"dedup_cluster_size": i + 1},
            )
        )
    return docs


def _run(out: Path, docs, dropped, failed, read_extra: int = 0, cfg: OutputConfig | None = None) -> None:
    cfg = cfg or OutputConfig(dir=str(out))
    schemas = {DATA: docs_schema(EXTRA), REJECTED: REJECTED_SCHEMA, ERRORS: ERRORS_SCHEMA}
    with beam.Pipeline() as p:
        kept = p | "Docs" >> beam.Create(docs)
        drop = p | "Dropped" >> beam.Create(dropped)
        fail = p | "Failed" >> beam.Create(failed)
        record_drops = [d for d in dropped if d.unit == "record"]
        read = p | "Read" >> beam.Create(list(range(len(docs) + len(record_drops) + len(failed) + read_extra)))
        shards = {
            DATA: kept | "KR" >> beam.Map(doc_to_row, ("dedup_cluster_size",)) | "WD" >> WriteShards(
                str(out), DATA, schemas[DATA], cfg),
            REJECTED: drop | "RR" >> beam.Map(dropped_to_row, 100) | "WR" >> WriteShards(
                str(out), REJECTED, schemas[REJECTED], cfg),
            ERRORS: fail | "ER" >> beam.Map(failed_to_row) | "WE" >> WriteShards(
                str(out), ERRORS, schemas[ERRORS], cfg),
        }
        stats = {"read": read, "kept": kept, "dropped": drop, "failed": fail} | ComputeLedger()
        _ = p | Finalize(str(out), cfg, stats, shards, schemas)


def _outcomes():
    docs = _seed_docs()
    dropped = [
        Dropped.of(docs[0], "quality", "gopher_quality:word_count_below_min", detail="value=3 threshold=50"),
        Dropped(stage="read", reason="warc_request", id="r1", source="a.warc.gz", source_record="<urn:uuid:1>"),
        Dropped(stage="language", reason="foreign_script", id=docs[1].id, source=docs[1].source,
                source_record="file", text="主站蜘蛛池模板", unit=UNIT_LINES),
    ]
    failed = [Failed(stage="read", error="OSError: Invalid WARC header", source="bad.warc", source_record="offset:1197")]
    return docs[1:], dropped, failed


def test_shards_ledger_and_manifest(tmp_path: Path) -> None:
    kept, dropped, failed = _outcomes()
    _run(tmp_path, kept, dropped, failed)
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["part-00000-of-00001.parquet"]
    table = pq.read_table(tmp_path / "data")
    assert table.schema.field("fetch_time").type == pa.timestamp("us", tz="UTC")
    assert table.schema.field("dedup_cluster_size").type == pa.int32()
    assert table.num_rows == 2
    assert table.column("id").to_pylist() == sorted(d.id for d in kept)  # rows sorted by id
    assert set(table.column("text").to_pylist()) == {d.text for d in kept}
    assert pq.ParquetFile(tmp_path / "data" / "part-00000-of-00001.parquet").metadata.row_group(0).column(
        0).compression == "ZSTD"

    rejected = pq.read_table(tmp_path / "rejected").to_pylist()
    assert {(r["stage"], r["reason"], r["unit"]) for r in rejected} == {
        ("quality", "gopher_quality:word_count_below_min", "record"),
        ("read", "warc_request", "record"),
        ("language", "foreign_script", "lines"),
    }
    errors = pq.read_table(tmp_path / "errors").to_pylist()
    assert errors == [
        {"stage": "read", "error": "OSError: Invalid WARC header", "source": "bad.warc",
         "source_record": "offset:1197", "id": None, "url": None}
    ]


def test_balanced_ledger_reads_back_in_duckdb(tmp_path: Path) -> None:
    kept, dropped, failed = _outcomes()
    out = tmp_path / "run"
    _run(out, kept, dropped, failed)  # read = 2 kept + 2 record drops + 1 failed = 5
    stats = json.loads((out / "stats.json").read_text())
    assert (stats["read"], stats["kept"], stats["dropped"], stats["failed"]) == (5, 2, 2, 1)
    assert stats["balanced"] is True
    assert stats["dropped_by_stage"] == {
        "quality": {"gopher_quality:word_count_below_min": 1},
        "read": {"warc_request": 1},
    }
    assert stats["failed_by_stage"] == {"read": 1}
    assert stats["audit_rows_by_stage"] == {"language": {"foreign_script": 1}}
    assert stats["worst_sources"] == [{"source": "bad.warc", "failed": 1}]
    manifest = json.loads((out / "_SUCCESS").read_text())
    assert manifest["stats"] == {"read": 5, "kept": 2, "dropped": 2, "failed": 1}
    assert not (out / "_temporary").exists()
    con = duckdb.connect()
    n, chars = con.execute(
        f"select count(*), sum(n_chars) from read_parquet('{out}/data/*.parquet')"
    ).fetchone()
    assert n == 2 and chars == sum(len(d.text) for d in kept)


def test_unbalanced_ledger_fails_without_success_marker(tmp_path: Path) -> None:
    kept, dropped, failed = _outcomes()
    with pytest.raises(Exception, match="ledger does not balance"):
        _run(tmp_path, kept, dropped, failed, read_extra=1)
    assert json.loads((tmp_path / "stats.json").read_text())["balanced"] is False
    assert not (tmp_path / "_SUCCESS").exists()


def test_error_budget(tmp_path: Path) -> None:
    kept, dropped, failed = _outcomes()
    cfg = OutputConfig(dir=str(tmp_path), max_error_ratio=0.1)
    with pytest.raises(Exception, match=r"1 of 5 records failed \(20.0%\).*worst sources: bad.warc \(1\)"):
        _run(tmp_path, kept, dropped, failed, cfg=cfg)
    assert not (tmp_path / "_SUCCESS").exists()


def test_shard_count_follows_target_and_is_byte_identical(tmp_path: Path) -> None:
    docs = [
        Doc(id=stable_id("doc", str(i)), source="s", source_record=f"line:{i}", text=f"document {i} " * 40)
        for i in range(60)
    ]
    cfg = OutputConfig(dir="unused", shard_target_bytes=4000)
    runs = []
    for name in ("a", "b"):
        out = tmp_path / name
        _run(out, docs if name == "a" else list(reversed(docs)), [], [], cfg=cfg.model_copy(update={"dir": str(out)}))
        runs.append(out)
    files_a = sorted(p.name for p in (runs[0] / "data").iterdir())
    total = sum(len(doc_to_row(d)["text"]) for d in docs)
    assert len(files_a) >= total // 4000  # shard count follows the data
    assert files_a[0] == f"part-00000-of-{len(files_a):05d}.parquet"
    assert pq.read_table(runs[0] / "data").num_rows == 60
    for name in files_a:
        assert (runs[0] / "data" / name).read_bytes() == (runs[1] / "data" / name).read_bytes()
    # an empty rejected output is still one valid, empty shard with the right schema
    empty = pq.read_table(runs[0] / "rejected" / "part-00000-of-00001.parquet")
    assert empty.num_rows == 0 and empty.schema.equals(REJECTED_SCHEMA)


def test_prepare_output_dir_refuses_then_overwrites(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "part-00000-of-00001.parquet").write_bytes(b"old")
    with pytest.raises(FileExistsError, match="output.if_exists=overwrite"):
        prepare_output_dir(str(tmp_path), OutputConfig(dir=str(tmp_path)))
    prepare_output_dir(str(tmp_path), OutputConfig(dir=str(tmp_path), if_exists="overwrite"))
    assert not (tmp_path / "data").exists()


def test_build_stats_and_sampling() -> None:
    stats = build_stats({"read": 3, "kept": 1, "dropped\tread\twarc_request": 1, "failed\textract": 1,
                         "failed_source\tx.warc": 1})
    assert stats["balanced"] and stats["dropped"] == 1 and stats["failed"] == 1
    assert all(sample_keep(str(i), 1.0) for i in range(10))
    kept = sum(sample_keep(str(i), 0.25) for i in range(4000))
    assert 900 < kept < 1100
    assert [sample_keep(str(i), 0.25) for i in range(50)] == [sample_keep(str(i), 0.25) for i in range(50)]
