"""`python -m benchmarks`: the one entry point of the benchmarks lists exactly these groups and benchmarks, and hands
a benchmark its arguments unchanged (the same bytes as running its script)."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

EXPECTED = {
    "speed": [
        "bench", "pipeline", "extract", "stages", "language", "quality", "segmenters", "url-blocklist",
        "training-overhead",
    ],
    "quality": [
        "aeb", "extraction-modes", "language", "inline-quote", "multilingual", "gambling", "filters", "dedup", "pii",
        "datatrove-parity", "tokenizers", "url-keys",
    ],
    "scale": ["sizes", "bad-input", "gen-warc", "beam-flatten"],
    "cluster": ["flink"],
}  # fmt: skip


def _bench(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}  # argparse wraps its help to the terminal's width
    return subprocess.run([sys.executable, "-m", "benchmarks", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)  # fmt: skip


def test_top_level_help_lists_the_groups_and_every_benchmark() -> None:
    res = _bench("--help")
    assert res.returncode == 0, res.stderr
    groups = re.findall(r"^    (\S+) +\S", res.stdout.split("positional arguments:")[1], re.M)
    assert groups == list(EXPECTED)
    listed = re.findall(r"^  (speed|quality|scale|cluster) (\S+) ", res.stdout.split("benchmarks:\n")[-1], re.M)
    assert listed == [(g, n) for g, names in EXPECTED.items() for n in names]


@pytest.mark.parametrize("group", list(EXPECTED))
def test_group_help_lists_its_benchmarks(group: str) -> None:
    res = _bench(group, "--help")
    assert res.returncode == 0, res.stderr
    names = re.findall(r"^    (\S+)", res.stdout.split("positional arguments:")[1].split("options:")[0], re.M)
    assert names == EXPECTED[group]


def test_every_benchmark_script_is_reachable_and_every_script_is_a_benchmark_or_a_helper() -> None:
    sys.path.insert(0, str(REPO))
    from benchmarks.__main__ import GROUPS

    scripts = {script for _, benches in GROUPS.values() for script, _ in benches.values()}
    helpers = {"__main__.py", "harness.py", "datatrove_fineweb.py", "datatrove_oracle.py"}  # run by others
    assert scripts | helpers == {p.name for p in (REPO / "benchmarks").glob("*.py")}
    assert {g: list(b) for g, (_, b) in GROUPS.items()} == EXPECTED


def test_unknown_benchmark_fails_naming_the_choices() -> None:
    res = _bench("cluster", "spark")
    assert res.returncode == 2
    assert "invalid choice: 'spark' (choose from 'flink')" in res.stderr


def test_arguments_pass_through_unchanged(tmp_path: Path) -> None:
    """`scale gen-warc ARGS` writes the very bytes `benchmarks/gen_ccwarc.py ARGS` writes; its own --help is shown."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    res = _bench("scale", "gen-warc", "--responses", "4", "--seed", "3", "--out", str(tmp_path / "a" / "cc.warc.gz"))
    assert res.returncode == 0, res.stderr
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "gen_ccwarc.py"), "--responses", "4", "--seed", "3",
                    "--out", str(tmp_path / "b" / "cc.warc.gz")], cwd=REPO, check=True, capture_output=True)  # fmt: skip
    a, b = (hashlib.sha256((tmp_path / d / "cc.warc.gz").read_bytes()).hexdigest() for d in ("a", "b"))
    assert a == b
    from fastwarc import ArchiveIterator, WarcRecordType

    with open(tmp_path / "a" / "cc.warc.gz", "rb") as f:
        assert sum(1 for _ in ArchiveIterator(f, record_types=WarcRecordType.response)) == 4
    usage = _bench("scale", "gen-warc", "--help")
    assert usage.returncode == 0
    assert usage.stdout.startswith("usage: gen_ccwarc.py [-h] --responses RESPONSES")
