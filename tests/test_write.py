"""The writer, ledger and finalize step, on real Beam and real pyarrow Parquet (seed texts as documents):
records staged as the map phase stages them, then the pipeline's own apply and finalize phases."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.conftest import SEEDS
from tests.engine import case_config, run_staged
from transforms.core import UNIT_LINES, Doc, Dropped, Failed, sample_keep, stable_id
from transforms.write import (
    REJECTED_SCHEMA,
    ErrorBudgetExceeded,
    LedgerError,
    OutputConfig,
    RunFingerprintError,
    build_stats,
    check,
    doc_to_row,
    fingerprint,
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


def _run(out: Path, records: list, output: dict | None = None, planned_extra: int = 0) -> None:
    """Stage `records` (Docs kept; Dropped / Failed as what the map phase dropped) and run apply + finalize."""
    cfg = case_config(out, ["extract", "dedup"], output={"dir": str(out), **(output or {})},
                      dedup={"url": {"enabled": False}, "exact": {"enabled": False}, "near": {"enabled": False}})
    run_staged(out.parent, [(out.name, cfg, records)], planned_extra=planned_extra)


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
    out = tmp_path / "run"
    _run(out, [*kept, *dropped, *failed])
    assert sorted(p.name for p in (out / "data").iterdir()) == ["part-00000-of-00001.parquet"]
    table = pq.read_table(out / "data")
    assert table.schema.field("fetch_time").type == pa.timestamp("us", tz="UTC")
    assert table.schema.field("dedup_cluster_size").type == pa.int32()
    assert table.num_rows == 2
    assert sorted(table.column("id").to_pylist()) == sorted(d.id for d in kept)
    assert set(table.column("text").to_pylist()) == {d.text for d in kept}
    assert pq.ParquetFile(out / "data" / "part-00000-of-00001.parquet").metadata.row_group(0).column(
        0).compression == "ZSTD"

    rejected = pq.read_table(out / "rejected").to_pylist()
    assert {(r["stage"], r["reason"], r["unit"]) for r in rejected} == {
        ("quality", "gopher_quality:word_count_below_min", "record"),
        ("read", "warc_request", "record"),
        ("language", "foreign_script", "lines"),
    }
    errors = pq.read_table(out / "errors").to_pylist()
    assert errors == [
        {"stage": "read", "error": "OSError: Invalid WARC header", "source": "bad.warc",
         "source_record": "offset:1197", "id": None, "url": None}
    ]


def test_balanced_ledger_reads_back_in_duckdb(tmp_path: Path) -> None:
    kept, dropped, failed = _outcomes()
    out = tmp_path / "run"
    _run(out, [*kept, *dropped, *failed])  # read = 2 kept + 2 record drops + 1 failed = 5
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
    assert stats["job"] == {"applied_docs": 2, "splits_applied": 2, "splits_mapped": 2, "splits_planned": 2,
                            "staged_docs": 2}  # fmt: skip
    manifest = json.loads((out / "_SUCCESS").read_text())
    assert manifest["stats"] == {"read": 5, "kept": 2, "dropped": 2, "failed": 1}
    assert not (out / "_temporary").exists()
    con = duckdb.connect()
    n, chars = con.execute(
        f"select count(*), sum(n_chars) from read_parquet('{out}/data/*.parquet')"
    ).fetchone()
    assert n == 2 and chars == sum(len(d.text) for d in kept)


def test_a_lost_split_fails_the_job_without_success_marker(tmp_path: Path) -> None:
    """One split more was planned than mapped (a runner that lost a summary): the guard fails the job."""
    kept, dropped, failed = _outcomes()
    out = tmp_path / "run"
    with pytest.raises(Exception, match="ledger does not balance.*splits_planned=3 splits_mapped=2"):
        _run(out, [*kept, *dropped, *failed], planned_extra=1)
    stats = json.loads((out / "stats.json").read_text())
    assert stats["balanced"] is True and stats["job"]["splits_planned"] == 3
    assert not (out / "_SUCCESS").exists()


def test_ledger_and_error_budget_checks() -> None:
    stats = build_stats({"read": 5, "kept": 2, "dropped\tread\twarc_request": 2, "failed\tread": 1,
                         "failed_source\tbad.warc": 1})  # fmt: skip
    check(stats, 1.0)
    with pytest.raises(ErrorBudgetExceeded, match=r"1 of 5 records failed \(20.0%\).*worst sources: bad.warc \(1\)"):
        check(stats, 0.1)
    with pytest.raises(LedgerError, match="read=6 kept=2 dropped=2 failed=1"):
        check({**stats, "read": 6, "balanced": False}, 1.0)
    with pytest.raises(LedgerError, match="url_records_sent=5 url_records_received=4"):
        check({**stats, "job": {"url_records_sent": 5, "url_records_received": 4}}, 1.0)


def test_error_budget_fails_the_job(tmp_path: Path) -> None:
    kept, dropped, failed = _outcomes()
    out = tmp_path / "run"
    with pytest.raises(Exception, match=r"1 of 5 records failed \(20.0%\).*worst sources: bad.warc \(1\)"):
        _run(out, [*kept, *dropped, *failed], output={"max_error_ratio": 0.1})
    assert not (out / "_SUCCESS").exists()


def test_shard_count_follows_target_and_is_byte_identical(tmp_path: Path) -> None:
    docs = [
        Doc(id=stable_id("doc", str(i)), source="s", source_record=f"line:{i}", text=f"document {i} " * 40)
        for i in range(60)
    ]
    runs = []
    for name in ("a", "b"):
        out = tmp_path / name
        _run(out, docs, output={"shard_target_bytes": 4000})
        runs.append(out)
    files_a = sorted(p.name for p in (runs[0] / "data").iterdir())
    total = sum(len(doc_to_row(d)["text"]) for d in docs)
    assert len(files_a) >= total // 4000  # shard count follows the data
    assert files_a[0] == f"part-00000-of-{len(files_a):05d}.parquet"
    assert pq.read_table(runs[0] / "data").num_rows == 60
    for kind in ("data", "rejected", "errors"):
        for name in files_a:
            assert (runs[0] / kind / name).read_bytes() == (runs[1] / kind / name).read_bytes()
    # a shard no split went to is still a valid, empty file with the right schema
    empty = [pq.read_table(runs[0] / "rejected" / name) for name in files_a]
    assert all(t.num_rows == 0 and t.schema.equals(REJECTED_SCHEMA) for t in empty)


def test_prepare_output_dir_refuses_then_overwrites(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "part-00000-of-00001.parquet").write_bytes(b"old")
    with pytest.raises(FileExistsError, match="output.if_exists=overwrite"):
        prepare_output_dir(str(tmp_path), OutputConfig(dir=str(tmp_path)))
    prepare_output_dir(str(tmp_path), OutputConfig(dir=str(tmp_path), if_exists="overwrite"))
    assert not (tmp_path / "data").exists()


def test_prepare_output_dir_resume_checks_the_fingerprint(tmp_path: Path) -> None:
    cfg = {"output": {"dir": str(tmp_path), "if_exists": "resume"}, "dedup": {"near": {"threshold": 0.8}}}
    inputs = [("/in/a.warc.gz", 10), ("/in/b.warc.gz", 20)]
    first = fingerprint(cfg, inputs)
    resume = OutputConfig(dir=str(tmp_path), if_exists="resume")
    assert prepare_output_dir(str(tmp_path), resume, first) == "run"  # nothing there yet: a fresh run
    assert json.loads((tmp_path / "_temporary" / "run.json").read_text()) == first
    (tmp_path / "_temporary" / "splits").mkdir()
    (tmp_path / "_temporary" / "splits" / "0123456789abcdef.done.json").write_text("{}")
    assert prepare_output_dir(str(tmp_path), resume, fingerprint(cfg, inputs)) == "run"
    assert (tmp_path / "_temporary" / "splits" / "0123456789abcdef.done.json").exists()  # kept for the resume
    changed = {**cfg, "dedup": {"near": {"threshold": 0.7}}}
    with pytest.raises(RunFingerprintError, match=r"different config \(config keys changed: dedup.near.threshold\)"):
        prepare_output_dir(str(tmp_path), resume, fingerprint(changed, inputs))
    with pytest.raises(RunFingerprintError, match=r"inputs added: 1 \(/in/c.warc.gz\)"):
        prepare_output_dir(str(tmp_path), resume, fingerprint(cfg, [*inputs, ("/in/c.warc.gz", 5)]))
    with pytest.raises(RunFingerprintError, match=r"inputs changed size: 1 \(/in/b.warc.gz\)"):
        prepare_output_dir(str(tmp_path), resume, fingerprint(cfg, [inputs[0], ("/in/b.warc.gz", 21)]))
    # a complete run with the same fingerprint: nothing to do
    (tmp_path / "_SUCCESS").write_text(json.dumps({"fingerprint": first}))
    assert prepare_output_dir(str(tmp_path), resume, first) == "complete"


def test_build_stats_and_sampling() -> None:
    stats = build_stats({"read": 3, "kept": 1, "dropped\tread\twarc_request": 1, "failed\textract": 1,
                         "failed_source\tx.warc": 1})
    assert stats["balanced"] and stats["dropped"] == 1 and stats["failed"] == 1
    assert all(sample_keep(str(i), 1.0) for i in range(10))
    kept = sum(sample_keep(str(i), 0.25) for i in range(4000))
    assert 900 < kept < 1100
    assert [sample_keep(str(i), 0.25) for i in range(50)] == [sample_keep(str(i), 0.25) for i in range(50)]


def test_step_timings_stay_out_of_the_ledger() -> None:
    # `time<TAB>step` counts (microseconds) are summed like the others but kept apart from the record counts:
    # Finalize moves them to `_SUCCESS` so that stats.json stays byte-identical between runs.
    stats = build_stats({"read": 2, "kept": 2, "time\textract": 1500, "time\tlanguage": 700})
    assert stats["timing_us"] == {"extract": 1500, "language": 700}
    assert stats["balanced"] and stats["job"] == {} and stats["dropped"] == 0
    assert "timing_us" not in build_stats({"read": 1, "kept": 1})


def test_copied_batches_make_the_bytes_that_rows_make(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The apply phase's shard assembly copies Arrow batches (`StagedWriter.copy_batch`) where one pass wrote rows:
    the row groups, and so the file's bytes, must be the same, by row count and by the string-bytes limit."""
    from transforms.core.staged import iter_record_batches
    from transforms.write import StagedWriter, compression_options, docs_schema
    from transforms.write import staging

    monkeypatch.setattr(staging, "ROW_GROUP_BYTES", 6000)  # seed texts are 1-10k chars: the limit cuts groups too
    schema, comp = docs_schema(EXTRA), compression_options(OutputConfig())
    rows = [doc_to_row(d, ("dedup_cluster_size",)) for d in _seed_docs()] * 3
    assert sum(len(r["text"]) for r in rows) > 6000 * 3

    def by_rows(path: Path, these: list[dict]) -> bytes:
        w = StagedWriter(str(path), schema, 4, comp)
        for row in these:
            w.write(dict(row))
        assert w.close() == len(these)
        return path.read_bytes()

    want = by_rows(tmp_path / "rows.parquet", rows)
    half = len(rows) // 2
    by_rows(tmp_path / "a.parquet", rows[:half])
    by_rows(tmp_path / "b.parquet", rows[half:])
    for batch_rows in (1, 3, 1000):
        w = StagedWriter(str(tmp_path / f"copy{batch_rows}.parquet"), schema, 4, comp)
        for part in ("a", "b"):
            for batch in iter_record_batches(str(tmp_path / f"{part}.parquet"), batch_rows):
                w.copy_batch(batch)
        assert w.close() == len(rows)
        assert (tmp_path / f"copy{batch_rows}.parquet").read_bytes() == want
    # rows written before and after copied batches keep their places
    w = StagedWriter(str(tmp_path / "mixed.parquet"), schema, 4, comp)
    w.write(dict(rows[0]))
    for i, batch in enumerate(iter_record_batches(str(tmp_path / "a.parquet"), 2)):
        w.copy_batch(batch.slice(1) if i == 0 else batch)  # its first row was written above
    for row in rows[half:]:
        w.write(dict(row))
    w.close()
    assert (tmp_path / "mixed.parquet").read_bytes() == want
