"""Bad input end to end: one `crawlwash run` over a directory of generated bad files (plus the malformed files
in ../shared/data/warc) must finish with bounded time and memory, turn every bad record or file into a readable
errors/ row, keep the good records around it, and balance the ledger per file and in total.

The cases themselves are in `tests/badinput.py`. Smaller checks here: files that vanish or cannot be opened,
the input checks that run before the pipeline starts, the error budget, and two reader fixes found by this suite
(multi-member gzip bodies, mostly-UTF-8 text).
"""

from __future__ import annotations

import collections
import gzip
import json
import os
import re
from pathlib import Path

import apache_beam as beam
import pyarrow.parquet as pq
import pytest
from apache_beam.testing import test_pipeline
from apache_beam.testing.util import assert_that, equal_to

from pipelines import cli
from tests.badinput import (
    GIB,
    BadCase,
    CliRun,
    article_html,
    article_text,
    good_record,
    gzip_bomb,
    make_bad_inputs,
    run_cli,
    shared_malformed_cases,
)
from tests.conftest import WARC_DIR
from transforms.read import ReadConfig, RecordTooLarge, Split, check_inputs, decode_http_body, read_text
from transforms.read.beam import _ReadSplitFn

# A hang must not hang the suite (the job's time and memory are measured by benchmarks/bad_input_memory.py).
JOB_TIMEOUT_S = 600
READABLE_ERROR = re.compile(r"^[A-Z][A-Za-z]+: \S.*")


def _table(out: Path, kind: str) -> list[dict]:
    files = sorted((out / kind).glob("*.parquet"))
    rows: list[dict] = []
    for f in files:
        rows.extend(pq.read_table(f).to_pylist())
    return rows


class BadRun:
    def __init__(self, cases: list[BadCase], run: CliRun, out: Path, dir_as_file: Path) -> None:
        self.cases = cases
        self.run = run
        self.out = out
        self.dir_as_file = dir_as_file
        self.data = _table(out, "data") if (out / "data").is_dir() else []
        self.rejected = _table(out, "rejected") if (out / "rejected").is_dir() else []
        self.errors = _table(out, "errors") if (out / "errors").is_dir() else []
        stats_path = out / "stats.json"
        self.stats = json.loads(stats_path.read_text()) if stats_path.exists() else {}

    def rows_for(self, source: Path) -> tuple[list[dict], list[dict], list[dict]]:
        s = str(source)
        return (
            [r for r in self.data if r["source"] == s],
            [r for r in self.rejected if r["source"] == s and r["unit"] == "record"],
            [r for r in self.errors if r["source"] == s],
        )


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory: pytest.TempPathFactory) -> BadRun:
    root = tmp_path_factory.mktemp("bad-input")
    inputs = root / "in"
    cases = make_bad_inputs(inputs)
    # a directory where a file is expected: a glob lists files only, so it is named on its own
    dir_as_file = root / "dir-as-file.warc.gz"
    dir_as_file.mkdir()
    (dir_as_file / "inner.txt").write_text("never read")
    cases.append(
        BadCase(
            "dir-as-file.warc.gz",
            dir_as_file,
            records=1,
            errors=[("read", "IsADirectoryError: ", "offset:0")],
        )
    )
    shared = shared_malformed_cases()
    cases.extend(shared)
    out = root / "out"
    args = ["run", "--input", f"{inputs}/*", "--input", str(dir_as_file)]
    for case in shared:
        args += ["--input", str(case.path)]
    args += ["--output", str(out)]
    run = run_cli(args, cwd=root, timeout_s=JOB_TIMEOUT_S)
    return BadRun(cases, run, out, dir_as_file)


def test_job_over_all_bad_inputs_succeeds(bad_run: BadRun) -> None:
    run = bad_run.run
    assert run.returncode == 0, run.stderr[-4000:]
    assert (bad_run.out / "_SUCCESS").exists()
    stats = bad_run.stats
    assert stats["balanced"] is True
    assert stats["read"] == stats["kept"] + stats["dropped"] + stats["failed"]
    assert stats["read"] == sum(c.records for c in bad_run.cases)
    assert stats["kept"] == len(bad_run.data)
    assert stats["failed"] == len(bad_run.errors)
    assert "ledger" in run.stdout and "balanced" in run.stdout


def test_every_file_is_accounted_for_record_by_record(bad_run: BadRun) -> None:
    """No record is lost: per file, data/ + rejected/ (records) + errors/ rows == the records read."""
    counted = {}
    for case in bad_run.cases:
        data, rejected, errors = bad_run.rows_for(case.path)
        counted[case.name] = len(data) + len(rejected) + len(errors)
    assert counted == {c.name: c.records for c in bad_run.cases}
    sources = {str(c.path) for c in bad_run.cases}
    assert {r["source"] for r in bad_run.data + bad_run.rejected + bad_run.errors} <= sources


def test_bad_records_are_readable_errors_rows(bad_run: BadRun) -> None:
    for row in bad_run.errors:
        assert READABLE_ERROR.match(row["error"]), row
        assert row["stage"] in ("read", "extract", "normalize", "language", "boilerplate", "quality", "dedup")
    mismatches = []
    for case in bad_run.cases:
        _, _, errors = bad_run.rows_for(case.path)
        got = sorted((r["stage"], r["error"], r["source_record"]) for r in errors)
        if len(got) != len(case.errors):
            mismatches.append((case.name, case.errors, got))
            continue
        for stage, prefix, record in case.errors:
            hits = [g for g in got if g[0] == stage and g[1].startswith(prefix) and record in (None, g[2])]
            if len(hits) != 1:
                mismatches.append((case.name, (stage, prefix, record), got))
    assert mismatches == []


def test_read_drops_are_the_expected_reasons(bad_run: BadRun) -> None:
    mismatches = []
    for case in bad_run.cases:
        _, rejected, _ = bad_run.rows_for(case.path)
        got = collections.Counter(
            (r["stage"], r["reason"]) for r in rejected if r["stage"] in ("read", "extract")
        )
        if got != collections.Counter(case.dropped):
            mismatches.append((case.name, dict(got), case.dropped))
    assert mismatches == []


def test_good_records_around_the_bad_ones_are_kept(bad_run: BadRun) -> None:
    kept_urls = {r["url"] for r in bad_run.data}
    missing = {c.name: [u for u in c.kept_urls if u not in kept_urls] for c in bad_run.cases}
    assert {k: v for k, v in missing.items() if v} == {}
    for case in bad_run.cases:
        if case.kept_sources:
            data, _, _ = bad_run.rows_for(case.path)
            assert len(data) == case.kept_sources, case.name
    # the text of a good record is the article, not something mangled by its bad neighbours
    by_url = {r["url"]: r for r in bad_run.data}
    first_sentence = article_text(11).split(". ")[0]
    assert first_sentence in by_url["https://good.example/bomb-nested.warc/1"]["text"]


def test_text_with_bad_bytes_is_kept_readable(bad_run: BadRun) -> None:
    by_name = {c.name: c for c in bad_run.cases}
    (row,) = bad_run.rows_for(by_name["bad-utf8.txt"].path)[0]
    assert row["charset"] == "utf-8"
    assert "’" in row["text"] and "‚Äô" not in row["text"]  # the article's curly quotes survive
    (row,) = bad_run.rows_for(by_name["nul.txt"].path)[0]
    assert article_text(21).split("\n")[0][:60] in row["text"]
    nul_page = {r["url"]: r for r in bad_run.data}["https://good.example/nul.warc/0"]
    assert "zero" in nul_page["text"]


def test_entities_are_not_expanded(bad_run: BadRun) -> None:
    """A billion-laughs page: the internal DTD is not parsed, `&lol9;` stays a literal, nothing blows up."""
    by_name = {c.name: c for c in bad_run.cases}
    data, rejected, errors = bad_run.rows_for(by_name["laughs.html"].path)
    (row,) = data + rejected
    assert errors == [] and len(row["text"]) < 1000 and "lollol" not in row["text"]


# -- before the pipeline starts ----------------------------------------------------------------------------------


def test_glob_matching_nothing_is_exit_code_2_before_the_job_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no configs/local.yaml here: the defaults apply
    pattern = str(tmp_path / "nothing-*.warc.gz")
    assert cli.run(["run", "--input", pattern, "--output", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == f"crawlwash: input pattern {pattern!r} matches no file\n"
    assert not (tmp_path / "out").exists()  # refused before anything was written
    # a dangling symlink named on its own is the same: nothing to read
    link = tmp_path / "dangling.warc.gz"
    link.symlink_to(tmp_path / "gone.warc.gz")
    assert cli.run(["run", "--input", str(link), "--output", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == f"crawlwash: input pattern {str(link)!r} matches no file\n"
    # a glob that lists a directory and a dangling symlink next to a real file reads the file only (Beam's
    # listing yields files); the directory named on its own is an errors/ row (see the end-to-end run)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "sub.warc").mkdir()
    (tmp_path / "in" / "dangling.warc").symlink_to(tmp_path / "nowhere.warc")
    (tmp_path / "in" / "ok.warc").write_bytes(good_record("ok.warc", 0, 0))
    assert check_inputs([str(tmp_path / "in" / "*")]) == [str(tmp_path / "in" / "ok.warc")]


# -- files that vanish or cannot be opened -----------------------------------------------------------------------


def _read_elements(elements: list[tuple[str, int]]) -> list:
    fn = _ReadSplitFn(ReadConfig())
    out = []
    for path, size in elements:
        out.extend(fn.process(Split(path, size)))
    return [getattr(o, "value", o) for o in out]


def test_file_that_vanishes_after_listing_or_cannot_be_opened_is_one_errors_row(tmp_path: Path) -> None:
    gone = tmp_path / "gone.warc.gz"  # listed, then deleted before the read
    dangling = tmp_path / "dangling.warc.gz"
    dangling.symlink_to(tmp_path / "nowhere.warc.gz")
    directory = tmp_path / "dir.jsonl"
    directory.mkdir()
    locked = tmp_path / "locked.txt"
    locked.write_text(article_text(0), encoding="utf-8")
    locked.chmod(0)
    outs = _read_elements([(str(gone), 1234), (str(dangling), 0), (str(directory), 4096), (str(locked), 10)])
    got = [(type(o).__name__, o.stage, o.source, o.source_record, o.error.split(":")[0]) for o in outs[:3]]
    assert got == [
        ("Failed", "read", str(gone), "offset:0", "FileNotFoundError"),
        ("Failed", "read", str(dangling), "offset:0", "FileNotFoundError"),
        ("Failed", "read", str(directory), "offset:0", "IsADirectoryError"),
    ]
    assert outs[0].error == f"FileNotFoundError: [Errno 2] No such file or directory: '{gone}'"
    (locked_out,) = outs[3:]
    if os.geteuid() == 0:  # root reads a mode-000 file: it is simply read
        assert locked_out.text == article_text(0)
    else:
        assert locked_out.error.startswith("PermissionError: [Errno 13] Permission denied")


def test_unreadable_files_under_a_beam_pipeline(tmp_path: Path) -> None:
    good = tmp_path / "good.warc"
    good.write_bytes(good_record("good.warc", 0, 0))
    elements = [Split(str(tmp_path / "vanished.warc"), 99), Split(str(good), good.stat().st_size)]
    with test_pipeline.TestPipeline() as p:
        res = (
            p
            | beam.Create(elements)
            | beam.ParDo(_ReadSplitFn(ReadConfig())).with_outputs("dropped", "failed", main="kept")
        )
        assert_that(
            res.kept | "KeptUrl" >> beam.Map(lambda d: d.url),
            equal_to(["https://good.example/good.warc/0"]),
            label="kept",
        )
        assert_that(
            res.failed | "FailedKey" >> beam.Map(lambda f: (Path(f.source).name, f.error.split(":")[0])),
            equal_to([("vanished.warc", "FileNotFoundError")]),
            label="failed",
        )


# -- the error budget --------------------------------------------------------------------------------------------


def test_mostly_garbage_input_fails_the_job_naming_the_worst_files(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "garbage.jsonl").write_text("".join(f"not json {i}\n" for i in range(12)))
    (inputs / "zero.warc.gz").write_bytes(b"")
    (inputs / "noise.warc.gz").write_bytes(bytes(range(256)) * 40)
    (inputs / "ok.warc").write_bytes(good_record("ok.warc", 0, 1))
    out = tmp_path / "out"
    run = run_cli(
        [
            "run",
            "--input",
            f"{inputs}/*",
            "--output",
            str(out),
            "--set",
            "output.max_error_ratio=0.5",
            "--set",
            "pipeline.stages=[extract]",  # the budget is checked when the outputs are finalized, after any stages
            "--direct_running_mode=in_memory",
            "--direct_num_workers=1",
        ],
        cwd=tmp_path,
    )
    assert run.returncode == 1
    message = (
        "crawlwash: job failed: ErrorBudgetExceeded: 14 of 15 records failed (93.3%), above "
        f"output.max_error_ratio=0.5; worst sources: {inputs / 'garbage.jsonl'} (12), {inputs / 'noise.warc.gz'} "
        f"(1), {inputs / 'zero.warc.gz'} (1)"
    )
    assert run.stderr.splitlines()[-1] == message  # one clear last line
    assert not (out / "_SUCCESS").exists()
    assert json.loads((out / "stats.json").read_text())["failed"] == 14  # the ledger is there to inspect


# -- reader fixes found by the suite -----------------------------------------------------------------------------


def test_multi_member_gzip_body_is_fully_decoded_and_bounded() -> None:
    page = article_html(0)
    two_members = gzip.compress(page[:1000], mtime=0) + gzip.compress(page[1000:], mtime=0)
    assert decode_http_body(two_members, None, "gzip", 1 << 20) == page
    # a nested bomb whose inner stream is many members: a few KB that inflate to 4 GiB, cut at the limit
    nested = gzip.compress(gzip_bomb(4 * GIB), compresslevel=9, mtime=0)
    assert len(nested) < 16_000
    with pytest.raises(RecordTooLarge, match="decompressed payload exceeds max_record_bytes=67108864"):
        decode_http_body(nested, None, "gzip, gzip", 64 << 20)
    # trailing bytes that are no gzip member are ignored, as before
    assert decode_http_body(gzip.compress(page, mtime=0) + b"\r\n", None, "gzip", 1 << 20) == page


def test_mostly_utf8_text_keeps_utf8_with_replacement_chars() -> None:
    import io

    text = article_text(1)
    raw = text.encode("utf-8")
    cut = raw.index(b". ", 500) + 2
    damaged = raw[:cut] + b"\xff\xfe " + raw[cut:]
    (doc,) = read_text(io.BytesIO(damaged), "x.txt", ReadConfig())
    assert doc.charset == "utf-8"
    assert doc.text == text[: len(raw[:cut].decode())] + "\ufffd\ufffd " + raw[cut:].decode()
    # a legacy-encoded text (no valid UTF-8 multi-byte sequence) still goes to charset detection
    latin = ("Le café de la gare était fermé à cause de la grève générale. " * 20).encode("cp1252")
    (doc,) = read_text(io.BytesIO(latin), "y.txt", ReadConfig())
    assert doc.charset != "utf-8" and "café" in doc.text and "\ufffd" not in doc.text


def test_shared_malformed_files_exist() -> None:
    for case in shared_malformed_cases():
        assert case.path.is_file() and case.path.is_relative_to(WARC_DIR)
