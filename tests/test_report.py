"""What a person looks at after a run: report.html, `crawlwash inspect`, the dataset card README.md, progress.

All on the session's real run (`full_run`: every file of warc/, the WET sample and the seeds, default config,
DirectRunner). Each number the report or the card shows is compared with stats.json or recounted from the shards
here, independently of pipelines/report.py (DuckDB, pyarrow, the per-stage columns).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pyarrow.parquet as pq
import pytest
import yaml

from tests.conftest import WARC_DIR, crawlwash, datasets_python

PLOTS = ("funnel", "drops", "languages", "lengths", "removed", "clusters", "hosts")
CHROMIUM = next((p for p in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if p), None)


def _embedded(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="crawlwash-report">(.*?)</script>', page, re.S)
    assert found, "the report embeds its numbers"
    return json.loads(found.group(1).replace("<\\/", "</"))


@pytest.fixture(scope="module")
def report(full_run: Path) -> tuple[str, dict]:
    page = (full_run / "report.html").read_text(encoding="utf-8")
    return page, _embedded(page)


@pytest.fixture(scope="module")
def stats(full_run: Path) -> dict:
    return json.loads((full_run / "stats.json").read_text())


def _sql(full_run: Path, query: str) -> list[tuple]:
    return duckdb.connect().execute(query.replace("DATA", f"read_parquet('{full_run}/data/*.parquet')")).fetchall()


def test_run_writes_report_and_card(full_run: Path) -> None:
    """`crawlwash run` on the DirectRunner writes both by default (`output.report: auto`)."""
    assert (full_run / "report.html").stat().st_size > 50_000
    assert (full_run / "README.md").is_file()
    assert "output.report" not in (full_run / "config.yaml").read_text()  # a key under output:, not a dotted one
    assert yaml.safe_load((full_run / "config.yaml").read_text())["output"]["report"] == "auto"


def test_report_numbers_equal_stats(report: tuple[str, dict], stats: dict) -> None:
    page, r = report
    for key in ("read", "kept", "dropped", "failed", "balanced", "dropped_by_stage", "failed_by_stage"):
        assert r[key] == stats[key], key
    assert r["read"] == 2182 and stats["read"] == r["kept"] + r["dropped"] + r["failed"]
    for key in ("read", "kept", "dropped", "failed"):  # shown on the page, as plain numbers
        assert f'<div class="n" id="n-{key}">{stats[key]}</div>' in page
    funnel = {row["stage"]: row for row in r["funnel"]}
    assert [row["stage"] for row in r["funnel"]] == [
        "read", "url", "extract", "normalize", "language", "boilerplate", "quality", "dedup"
    ]  # fmt: skip
    assert funnel["url"]["dropped"] == 0  # no page of warc/, the WET sample or the seeds is on a blocklist
    training = r["training"]
    assert training["url_dropped"] == {} and training["url_stage_on"]
    assert training["pii_masked"] == stats["pii_masked"] and set(stats["pii_masked"]) == {"email", "phone", "ip", "card"}
    assert training["tokenizer"] is None and "tokens_by_lang" not in stats
    assert "<p id='tokens-off'>Token counts are off. Set <code>tokens.tokenizer</code>" in page
    assert r["funnel"][-1]["left"] == stats["kept"]
    assert funnel["read"]["dropped"] == sum(stats["dropped_by_stage"]["read"].values())
    assert funnel["read"]["failed"] == stats["failed_by_stage"]["read"]
    assert funnel["dedup"]["dropped"] == sum(stats["dropped_by_stage"]["dedup"].values())
    # the rejected/ rows per reason equal the ledger (rejected_sample_rate is 1.0 by default)
    ledger = {f"{s}/{reason}": n for s, reasons in stats["dropped_by_stage"].items() for reason, n in reasons.items()}
    assert r["rejected_rows"] == dict(sorted(ledger.items()))
    audit = {f"{s}/{reason}": n for s, reasons in stats["audit_rows_by_stage"].items() for reason, n in reasons.items()}
    assert r["audit_rows"] == dict(sorted(audit.items()))
    assert r["error_rows"] == stats["failed_by_stage"]


def test_report_numbers_equal_the_shards(full_run: Path, report: tuple[str, dict]) -> None:
    _, r = report
    data = r["data"]
    table = pq.read_table(full_run / "data")
    assert data["rows"] == table.num_rows == r["kept"]
    assert data["languages"] == dict(_sql(full_run, "select coalesce(lang, 'unknown'), count(*) from DATA group by 1"))
    # length bins, recounted with SQL
    edges = [0, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000]
    for column, key in (("n_chars_extracted", "length_before"), ("n_chars", "length_after")):
        counts = [
            _sql(full_run, f"select count(*) from DATA where {column} >= {lo} and {column} < {hi}")[0][0]
            for lo, hi in zip(edges, [*edges[1:], 2**31])
        ]
        assert data[key] == counts, column
    (before, after), = _sql(full_run, "select sum(n_chars_extracted), sum(n_chars) from DATA")
    assert (data["chars_before"], data["chars_after"]) == (before, after)
    assert after < before
    # removed lines per reason, checked against the stages' own count columns
    removed = data["removed_lines"]
    rows = table.select(["foreign_lines_removed", "foreign_chars_removed", "boilerplate_lines_removed",
                         "repeated_paragraphs_removed", "frequent_lines_removed"]).to_pylist()  # fmt: skip
    total = Counter()
    for row in rows:
        total.update({k: v or 0 for k, v in row.items()})
    lang = [v for k, v in removed.items() if k.startswith("language/")]
    assert sum(v["lines"] for v in lang) == total["foreign_lines_removed"] > 0
    assert sum(v["chars"] for v in lang) == total["foreign_chars_removed"]
    assert removed["boilerplate/frequent_line"]["lines"] == total["frequent_lines_removed"] > 0
    assert removed["boilerplate/repeated_paragraph"]["lines"] == total["repeated_paragraphs_removed"]
    per_doc = [k for k in removed if k.startswith("boilerplate/") and k.split("/")[1] not in
               ("frequent_line", "repeated_paragraph")]  # fmt: skip
    assert sum(removed[k]["lines"] for k in per_doc) == total["boilerplate_lines_removed"] > 0
    # near-duplicate clusters: every cluster keeps one document and drops the others
    sizes = dict(_sql(full_run, "select dedup_cluster_size, count(*) from DATA where dedup_cluster_size > 1 group by 1"))
    assert data["cluster_sizes"] == {str(k): v for k, v in sorted(sizes.items())}
    assert sum((int(k) - 1) * n for k, n in data["cluster_sizes"].items()) == r["dropped_by_stage"]["dedup"][
        "near_duplicate"
    ]
    hosts = Counter((urlsplit(u).hostname or "(no url)") if u else "(no url)" for u in table.column("url").to_pylist())
    assert data["hosts"] == len(hosts)
    assert data["top_hosts"][0] == [*hosts.most_common(1)[0]]
    assert {h: n for h, n in data["top_hosts"]} == {h: hosts[h] for h, _ in data["top_hosts"]}


def test_report_shows_samples_with_removed_lines_highlighted(full_run: Path, report: tuple[str, dict]) -> None:
    page, r = report
    assert page.count('<div class="sample kept">') == 6
    audit = pq.read_table(full_run / "rejected", filters=[("unit", "=", "lines")]).to_pylist()
    kept_ids = set(pq.read_table(full_run / "data", columns=["id"]).column("id").to_pylist())
    shown = [a for a in audit if a["id"] in kept_ids and f"id {a['id']}" in page]
    assert shown, "at least one kept sample has audit rows"
    import html as html_lib

    for a in shown:
        for line in a["text"].split("\n"):
            assert f'<mark class="removed">{html_lib.escape(line)}</mark>' in page
    # two rejected samples per reason that has rejected rows (fewer when the reason has fewer rows)
    expected = sum(min(2, n) for n in r["rejected_rows"].values())
    assert page.count('<div class="sample rejected">') == expected


def test_report_is_self_contained(report: tuple[str, dict]) -> None:
    page, _ = report
    assert "<link" not in page and "@import" not in page
    assert not re.search(r"url\((?!#)", page)  # only the SVGs' own clip paths: url(#id)
    assert re.findall(r"<script\b[^>]*>", page) == ['<script type="application/json" id="crawlwash-report">']
    assert not re.search(r"\ssrc=", page)
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert all(h.startswith("#") for h in hrefs), [h for h in hrefs if not h.startswith("#")][:5]
    for name in PLOTS:
        assert f'<figure class="plot" id="plot-{name}"><svg' in page, name


def _chromium(url: str, out: Path, *extra: str) -> subprocess.CompletedProcess:
    assert CHROMIUM is not None
    args = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr",
            "--v=0", "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={out.parent / 'chromium-profile'}",
            *extra, url]  # fmt: skip
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False, cwd=out.parent)


def _console(proc: subprocess.CompletedProcess) -> list[str]:
    return [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_console_errors_are_seen(tmp_path: Path) -> None:
    """The console check below can fail: a page with a script error is caught."""
    page = tmp_path / "broken.html"
    page.write_text("<html><body><p>x</p><script>notDefined();</script></body></html>")
    proc = _chromium(page.as_uri(), tmp_path / "shot.png", f"--screenshot={tmp_path / 'shot.png'}")
    assert any("notDefined" in line for line in _console(proc)), proc.stderr[-2000:]


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_report_renders_in_headless_chromium(full_run: Path, tmp_path: Path) -> None:
    from PIL import Image

    shot = tmp_path / "report.png"
    url = (full_run / "report.html").as_uri()
    proc = _chromium(url, shot, f"--screenshot={shot}", "--window-size=1200,2400")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert _console(proc) == []
    image = Image.open(shot).convert("RGB")
    assert image.size == (1200, 2400)
    colors = image.getcolors(maxcolors=1 << 20)
    assert colors is not None and len(colors) > 200  # text, bars and axes: far from a blank page
    background = max(colors)[0] / (image.size[0] * image.size[1])
    assert background < 0.9
    dom = _chromium(url, shot, "--dump-dom")
    assert dom.returncode == 0
    assert dom.stdout.count("<svg") == len(PLOTS)
    for name in PLOTS:
        assert f'id="plot-{name}"' in dom.stdout


def test_report_command_rewrites_the_same_report(full_run: Path, tmp_path: Path, report: tuple[str, dict]) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(full_run, copy)
    (copy / "report.html").unlink()
    (copy / "README.md").unlink()
    proc = crawlwash("report", str(copy))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.splitlines() == [f"crawlwash: wrote {copy}/report.html", f"crawlwash: wrote {copy}/README.md"]
    again = _embedded((copy / "report.html").read_text(encoding="utf-8"))
    first = dict(report[1])
    assert again.pop("out_dir") == str(copy) and first.pop("out_dir") == str(full_run)
    assert again == first
    missing = crawlwash("report", str(tmp_path / "nothing"))
    assert missing.returncode == 2 and "_SUCCESS is missing" in missing.stderr


def test_inspect_shows_shards_schema_and_rows(full_run: Path, stats: dict) -> None:
    proc = crawlwash("inspect", str(full_run), "--n", "2")
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout
    assert out.splitlines()[0] == (f"{full_run}: read {stats['read']}, kept {stats['kept']}, dropped "
                                   f"{stats['dropped']}, failed {stats['failed']} (ledger balanced)")  # fmt: skip
    manifest = json.loads((full_run / "_SUCCESS").read_text())
    shards = manifest["outputs"]["data"]
    assert f"data/: {len(shards)} shard(s), {stats['kept']} rows" in out
    for shard in shards:
        assert f"  data/{shard['name']}  {shard['rows']} rows" in out
    schema = pq.read_schema(next((full_run / "data").glob("*.parquet")))
    assert f"schema of data/ ({len(schema)} columns):" in out
    width = max(len(n) for n in schema.names)
    assert f"  {'id'.ljust(width)}  string not null" in out
    assert f"  {'lang'.ljust(width)}  string" in out
    first = pq.ParquetFile(full_run / "data" / shards[0]["name"]).read_row_group(0, columns=["id"]).column("id")
    assert "2 sample row(s) of data/:" in out
    for doc_id in first.to_pylist()[:2]:
        assert f"  {'id'.ljust(width)}  {doc_id}" in out


def test_inspect_one_reason(full_run: Path, stats: dict) -> None:
    proc = crawlwash("inspect", str(full_run), "--reason", "quality/c4:too_few_sentences", "--n", "4")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "schema of rejected/ (9 columns):" in proc.stdout
    assert "4 sample row(s) of rejected/ rows with reason quality/c4:too_few_sentences:" in proc.stdout
    assert proc.stdout.count("c4:too_few_sentences") >= 5
    short = crawlwash("inspect", str(full_run), "--reason", "warc_request", "--n", "1")
    assert short.returncode == 0 and "1 sample row(s)" in short.stdout and "warc_request" in short.stdout
    bad = crawlwash("inspect", str(full_run), "--reason", "no_such_reason")
    assert bad.returncode == 2
    assert "no records were dropped for reason 'no_such_reason'" in bad.stderr
    assert f"read/warc_request ({stats['dropped_by_stage']['read']['warc_request']})" in bad.stderr


def test_dataset_card(full_run: Path, stats: dict, tmp_path: Path) -> None:
    card = (full_run / "README.md").read_text(encoding="utf-8")
    assert card.startswith("---\n")
    header = yaml.safe_load(card.split("---\n")[1])
    assert header["configs"][0] == {
        "config_name": "default", "data_files": [{"split": "train", "path": "data/*.parquet"}], "default": True
    }  # fmt: skip
    assert [c["config_name"] for c in header["configs"]] == ["default", "rejected", "errors"]
    langs = [lang for lang, in _sql(full_run, "select lang from DATA group by lang order by count(*) desc, lang")]
    assert header["language"] == [lang for lang in langs if lang and re.fullmatch(r"[a-z]{2,3}", lang)]
    assert header["size_categories"] == ["n<1K"]
    for key in ("read", "kept"):
        assert re.search(rf"^\| {key}\b.* \| {stats[key]} \|$", card, re.M), key
    manifest = json.loads((full_run / "_SUCCESS").read_text())
    assert f"- crawlwash version: {manifest['crawlwash_version']}" in card
    assert f"- finished: {json.loads((full_run / 'run_info.json').read_text())['finished']}" in card
    assert f"- input files: {len(manifest['fingerprint']['inputs'])} (" in card
    assert (full_run / "config.yaml").read_text().rstrip() in card
    # the card's header is what `datasets` reads: load_dataset(DIR) finds the shards through it (offline)
    env = dict(os.environ, HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1", HF_HOME=str(tmp_path / "hf"))
    code = (
        "import datasets; "
        f"print(datasets.load_dataset('{full_run}', split='train').num_rows, "
        f"datasets.load_dataset('{full_run}', 'rejected', split='train').num_rows)"
    )
    proc = subprocess.run([datasets_python(), "-c", code], capture_output=True, text=True, env=env, timeout=300,
                          check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    rejected_rows = sum(f["rows"] for f in manifest["outputs"]["rejected"])
    assert proc.stdout.split() == [str(stats["kept"]), str(rejected_rows)]


def test_progress_lines_while_running(full_run: Path, stats: dict) -> None:
    """Not a terminal: progress log lines (every 2 s in this run) with splits, records, kept share, records/s and
    time left."""
    lines = [line for line in (full_run.parent / "run.stderr").read_text().splitlines() if "progress: " in line]
    assert lines, "progress lines were logged"
    pattern = re.compile(
        r"progress: map: splits (\d+)/(\d+|\?), (\d+) records, (\d+) staged \([\d.]+%\), [\d.]+ records/s, \d+% of"
    )
    parsed = [pattern.search(line) for line in lines if "map done" not in line]
    assert all(parsed), lines
    planned = stats["job"]["splits_planned"]
    for m in parsed:
        assert int(m.group(1)) <= planned and m.group(2) in ("?", str(planned))
        assert int(m.group(3)) <= stats["read"]
    done = [line for line in lines if "map done" in line]
    for line in done:
        assert f"map done: {planned}/{planned} splits, {stats['read']} records" in line


def test_progress_notes_inside_one_split(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A split being read leaves progress notes (records, bytes); the launcher's state reads them, and a finished
    split's marker instead."""
    from pipelines.config import load_config
    from pipelines.pipeline import STAGE_REGISTRY, map_spec
    from pipelines.progress import ProgressState
    from transforms.engine import map_phase
    from transforms.read import Split

    monkeypatch.setattr(map_phase, "PROGRESS_EVERY_S", 0.0)  # a note after every record
    path = str(WARC_DIR / "archivesunleashed+aut" / "example.pdf.warc.gz")
    size = os.path.getsize(path)
    cfg = load_config(None, [f"output.dir={tmp_path}", "pipeline.stages=[extract]"])
    chain = [(n, fn) for n in cfg.pipeline.stages if (fn := STAGE_REGISTRY[n].make(cfg)) is not None]
    fn = map_phase.MapSplitFn(map_spec(cfg), chain)
    fn.setup()
    split = Split(path, size)
    (summary,) = list(fn.process(split))
    fn.teardown()
    note = json.loads(Path(tmp_path, "_temporary", "splits", f"{split.sid}.progress.json").read_text())
    assert note["records"] == summary["counts"]["read"] > 10
    assert 0 < note["bytes"] <= size
    state = ProgressState(str(tmp_path), {path: size})
    state.poll()
    assert list(state.done) == [split.sid] and state.running == {}
    assert (state.records, state.bytes_done) == (summary["counts"]["read"], size)
    # the same split while still running: only its progress note
    Path(tmp_path, "_temporary", "splits", f"{split.sid}.done.json").unlink()
    running = ProgressState(str(tmp_path), {path: size})
    running.poll()
    assert running.done == {} and running.records == note["records"] and running.bytes_done == note["bytes"]
    assert running.planned is None  # no plan notes: the split was not planned by a pipeline
    assert running.line().startswith(f"map: splits 0/?, {note['records']} records, ")


def test_progress_on_a_terminal_is_one_live_bar(tmp_path: Path) -> None:
    """On a terminal: one tqdm bar redrawn in place, with records, records/s, the kept share, splits and time left;
    cleared when the job ends (the summary table follows)."""
    import io

    from pipelines.progress import Progress
    from transforms.write import plan_dir, splits_dir

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    Path(plan_dir(str(tmp_path))).mkdir(parents=True)
    Path(plan_dir(str(tmp_path)), "a.json").write_text(json.dumps({"splits": 2}))
    splits = Path(splits_dir(str(tmp_path)))
    splits.mkdir(parents=True)
    (splits / "s1.done.json").write_text(json.dumps({"path": "in.warc.gz", "start": 0, "end": 600,
                                                     "counts": {"read": 300}, "docs": 90}))  # fmt: skip
    (splits / "s2.progress.json").write_text(json.dumps({"records": 100, "kept": 10, "bytes": 200, "t": 0}))
    screen = Terminal()
    progress = Progress(str(tmp_path), {"in.warc.gz": 1000}, stream=screen, interval=0.05)
    with progress:
        time.sleep(0.5)
    drawn = screen.getvalue()
    assert "\r" in drawn and "\n" not in drawn  # redrawn in place, never a new line
    line = [part for part in drawn.split("\r") if part.strip()][-1]  # the last drawing before the bar is cleared
    assert re.search(r"^map  80%\|.*\| 400 records, [\d.]+ records/s, kept 25\.0%, splits 1/2 \[", line), line
    assert drawn.split("\r")[-1].strip() == ""  # cleared at the end
