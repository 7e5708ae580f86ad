"""The `crawlwash` command end to end on the real files in ../shared/data, DirectRunner in multi-processing mode.

One run over every file in ../shared/data/warc, the WET sample and the seeds (`full_run`, shared by the session), then many checks on
its outputs; plus the seeds-only run from the issue and the checks that happen before any work starts.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections import Counter
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq

from tests.conftest import SEED_CLEAN, SEED_REPEATED, SEED_SPAM, SEEDS, crawlwash, datasets_python


def _rows(out: Path, kind: str) -> list[dict]:
    return pq.read_table(out / kind).to_pylist()


def test_outputs_and_balanced_ledger(full_run: Path) -> None:
    for name in ("stats.json", "config.yaml", "_SUCCESS"):
        assert (full_run / name).is_file(), name
    assert not (full_run / "_temporary").exists()
    stats = json.loads((full_run / "stats.json").read_text())
    assert stats["balanced"] is True
    assert stats["read"] == stats["kept"] + stats["dropped"] + stats["failed"]
    data, rejected, errors = (_rows(full_run, k) for k in ("data", "rejected", "errors"))
    record_drops = [r for r in rejected if r["unit"] == "record"]
    assert len(data) == stats["kept"] > 0
    assert len(record_drops) == stats["dropped"]  # rejected_sample_rate defaults to 1.0
    assert len(errors) == stats["failed"]
    # every record of every file: 2177 in warc/ (LICENSE included, as one failed record), 2 in the WET file, 3 seeds
    assert stats["read"] == 2177 + 2 + 3
    assert stats["dropped_by_stage"]["read"]["warc_request"] == 713
    manifest = json.loads((full_run / "_SUCCESS").read_text())
    assert sum(f["rows"] for f in manifest["outputs"]["data"]) == stats["kept"]
    # the map phase's own timers (the per-stage table of `make bench`) and the finish time go to run_info.json,
    # never to stats.json or _SUCCESS (which re-runs must write byte-identical)
    facts = json.loads((full_run / "run_info.json").read_text())
    assert set(facts) == {"finished", "map_seconds", "splits_reused"} and not set(facts) & set(manifest)
    assert facts["splits_reused"] == 0  # nothing retried
    steps = facts["map_seconds"]
    assert set(steps) == {"read", "url", "warm_up", "extract", "normalize", "language", "boilerplate", "line_keys",
                          "quality", "dedup_keys", "stage_write"}  # fmt: skip
    assert steps["extract"] > 0 and all(v >= 0 for v in steps.values())
    assert "timing_us" not in stats


def test_every_source_record_is_accounted_for(full_run: Path) -> None:
    """Per input file, the rows in data/ + rejected/ (records) + errors/ equal what the file holds."""
    per_source: Counter[str] = Counter()
    for r in _rows(full_run, "data"):
        per_source[r["source"]] += 1
    for r in _rows(full_run, "rejected"):
        if r["unit"] == "record":
            per_source[r["source"]] += 1
    for r in _rows(full_run, "errors"):
        per_source[r["source"]] += 1
    by_name = {Path(s).name: n for s, n in per_source.items()}
    assert by_name["example-trunc.warc"] == 4  # 2 warcinfo + 1 response before the fault + the fault row
    assert by_name["clipped.warc.gz"] == 1
    assert by_name["warcfile.warc.gz"] == 50  # 1 warcinfo + 17 requests + 16 responses + 16 metadata
    assert by_name["example.arc.gz"] == 300
    assert by_name["LICENSE"] == 1
    for seed in (SEED_SPAM, SEED_CLEAN, SEED_REPEATED):
        assert by_name[seed.name] == 1


def test_malformed_files_become_error_rows_naming_file_and_offset(full_run: Path) -> None:
    errors = {Path(r["source"]).name: r for r in _rows(full_run, "errors")}
    assert set(errors) == {"example-trunc.warc", "clipped.warc.gz", "LICENSE"}
    trunc = errors["example-trunc.warc"]
    assert trunc["stage"] == "read" and trunc["source_record"] == "offset:2560"
    assert trunc["error"].startswith("CorruptFile: OSError: Invalid WARC header at offset 2560")
    clipped = errors["clipped.warc.gz"]
    assert clipped["source_record"] == "offset:18184" and clipped["error"].startswith("TruncatedRecord:")
    assert errors["LICENSE"]["error"].startswith("UnsupportedFormat:")
    # the response read before the fault in example-trunc.warc went on through the pipeline (not into errors/)
    trunc_rows = [r for r in _rows(full_run, "data") + _rows(full_run, "rejected")
                  if Path(r["source"]).name == "example-trunc.warc" and r.get("stage") != "read"]
    assert len(trunc_rows) == 1 and trunc_rows[0]["url"] == "http://example.com/"


def test_kept_documents_have_text_and_provenance(full_run: Path) -> None:
    data = _rows(full_run, "data")
    assert len({r["id"] for r in data}) == len(data)
    for r in data:
        assert r["text"].strip() and r["n_chars"] == len(r["text"])
        assert r["id"] and r["source"] and r["source_record"]
        assert r["lang"] and r["lang_score"] is not None
        if ".warc" in r["source"] or ".arc" in r["source"]:
            assert r["url"] and r["fetch_time"] is not None and r["content_type"], r["id"]
        if r["source"].endswith(".warc.gz") and "arc.gz" not in r["source"]:
            assert r["source_record"].startswith("<urn:"), r["source_record"]


def test_shards_read_back_everywhere(full_run: Path) -> None:
    table = pq.read_table(full_run / "data")
    n = table.num_rows
    con = duckdb.connect()
    assert con.execute(f"select count(*) from read_parquet('{full_run}/data/*.parquet')").fetchone()[0] == n
    langs = dict(con.execute(
        f"select lang, count(*) from read_parquet('{full_run}/data/*.parquet') group by lang").fetchall())
    assert sum(langs.values()) == n and "en" in langs
    assert pl.read_parquet(f"{full_run}/data/*.parquet").height == n
    # Hugging Face `datasets` and pandas (a `datasets` dependency) from the datasets venv: pandas stays out of .venv,
    # where Beam would import it on every `import apache_beam` (0.3 s of each run's fixed cost).
    env = dict(os.environ, HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1", HF_HOME=str(full_run.parent / "hf"))
    code = (
        "import datasets, glob, pandas; "
        f"ds = datasets.load_dataset('parquet', data_files=sorted(glob.glob('{full_run}/data/*.parquet')), "
        f"split='train', cache_dir='{full_run.parent}/hf'); print(ds.num_rows, len(pandas.read_parquet('{full_run}/data')))"
    )
    proc = subprocess.run([datasets_python(), "-c", code], capture_output=True, text=True, env=env, timeout=300,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip().splitlines()[-1] == f"{n} {n}"


def test_seeds_become_two_clean_documents(tmp_path: Path) -> None:
    out = tmp_path / "x"
    proc = crawlwash("run", "--input", f"{SEEDS}/*.txt", "--output", str(out))
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert sorted(p.name for p in (out / "data").glob("*.parquet")) == ["part-00000-of-00001.parquet"]
    assert (out / "stats.json").is_file() and (out / "config.yaml").is_file()
    stats = json.loads((out / "stats.json").read_text())
    assert (stats["read"], stats["kept"], stats["dropped"], stats["failed"]) == (3, 2, 1, 0)
    assert stats["dropped_by_stage"] == {"dedup": {"near_duplicate": 1}}
    docs = {Path(r["source"]).name: r for r in _rows(out, "data")}
    assert SEED_REPEATED.name in docs
    article = [ln.strip() for ln in SEED_CLEAN.read_text(encoding="utf-8").splitlines() if ln.strip()]
    kept_article = docs.get(SEED_SPAM.name) or docs[SEED_CLEAN.name]
    for line in article:
        assert line in kept_article["text"]
    for doc in docs.values():
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in doc["text"]), "Han spam or mojibake left"
        assert "Back to top" not in doc["text"] and "All rights reserved" not in doc["text"]
        assert doc["lang"] == "en"
    repeated = docs[SEED_REPEATED.name]["text"]
    assert repeated.startswith("Officials get into microblog habit\n")
    assert repeated.count("Nowadays, government microblogs are becoming service-oriented") == 1
    assert "About Us" not in repeated and "Terms of Use" not in repeated


def test_checks_before_any_work(tmp_path: Path) -> None:
    proc = crawlwash("run", "--input", str(tmp_path / "nothing-*.warc.gz"), "--output", str(tmp_path / "o"))
    assert proc.returncode == 2 and "matches no file" in proc.stderr
    assert not (tmp_path / "o").exists()
    proc = crawlwash("run", "--input", f"{SEEDS}/*.txt", "--output", str(tmp_path / "o"),
                     "--set", "extract.timout_s=3")
    assert proc.returncode == 2 and "extract.timout_s: unknown key" in proc.stderr
    proc = crawlwash("run", "--input", f"{SEEDS}/*.txt", "--output", str(tmp_path / "o"),
                     "--set", "output.shard_target_bytes=big")
    assert proc.returncode == 2 and "output.shard_target_bytes" in proc.stderr
    proc = crawlwash("run", "--input", f"{SEEDS}/*.txt", "--output", str(tmp_path / "o"), "--runner=DaskRunner")
    assert proc.returncode == 2 and "DaskRunner is refused" in proc.stderr
