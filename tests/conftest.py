"""Shared test fixtures: the real crawl data lives in ../shared/data beside the checkout (never copied here)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
SEEDS = SHARED_DATA / "seeds"
WARC_DIR = SHARED_DATA / "warc"
WET_DIR = SHARED_DATA / "wet"
BENCH_WARC = SHARED_DATA / "bench" / "trafilatura-eval.warc.gz"
AEB_DIR = SHARED_DATA / "extraction" / "aeb"

SEED_SPAM = SEEDS / "000_184ceb5270c47104.txt"
SEED_CLEAN = SEEDS / "001_539775783a692a51.txt"
SEED_REPEATED = SEEDS / "004_d6c586c19f803f1b.txt"


_DATA_NAMES = re.compile(
    r"\b(SHARED_DATA|SEEDS|SEED_\w+|WARC_DIR|WET_DIR|BENCH_WARC|AEB_DIR|shared_data|full_run|badinput)\b"
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without ../shared/data, the tests that read it are skipped (saying why); the pure unit tests still run."""
    if SHARED_DATA.is_dir():
        return
    skip = pytest.mark.skip(reason=f"needs the real crawl data at {SHARED_DATA}")
    needs: dict[Path, bool] = {}
    for item in items:
        path = Path(str(item.fspath))
        if path not in needs:
            needs[path] = bool(_DATA_NAMES.search(path.read_text(encoding="utf-8")))
        if needs[path]:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    return SHARED_DATA


CLI = str(Path(sys.executable).with_name("crawlwash"))
# Hugging Face `datasets` in a venv of its own (`make test` builds it: it needs a dill that Beam 2.62 refuses).
DATASETS_PYTHON = REPO / ".cache" / "datasets-venv" / "bin" / "python"


def datasets_python() -> str:
    """The python that has `datasets`; fails (never skips) when `make test` has not built it."""
    assert DATASETS_PYTHON.is_file(), f"{DATASETS_PYTHON} is missing: run `make test` (it builds the datasets venv)"
    return str(DATASETS_PYTHON)


# Dataflow's job translation needs apache-beam[gcp]: a venv of its own (`make test` builds it), not .venv, where it
# would load Google's clients on every `import apache_beam` (tests/dataflow_cli.py says more).
DATAFLOW_PYTHON = REPO / ".cache" / "dataflow-venv" / "bin" / "python"


def dataflow_python() -> str:
    """The python that has apache-beam[gcp] and this checkout; fails (never skips) when `make test` has not built it."""
    assert DATAFLOW_PYTHON.is_file(), f"{DATAFLOW_PYTHON} is missing: run `make test` (it builds the Dataflow venv)"
    return str(DATAFLOW_PYTHON)
ALL_INPUTS = [f"{WARC_DIR}/*/*", f"{WET_DIR}/*/*.warc.wet.gz", f"{SEEDS}/*.txt"]


def crawlwash(*args: str, cwd: Path = REPO, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture(scope="session")
def full_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`crawlwash run` over every file in warc/, the WET sample and the seeds, default config, DirectRunner with 2
    workers (stderr is not a terminal: progress log lines every 2 s). Its stderr is kept in ../run.stderr."""
    out = tmp_path_factory.mktemp("e2e") / "out"
    args = ["run", "--output", str(out), "--direct_num_workers=2", "--progress-every", "2"]
    for pattern in ALL_INPUTS:
        args += ["--input", pattern]
    proc = crawlwash(*args)
    (out.parent / "run.stderr").write_text(proc.stderr)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "ledger" in proc.stdout and "balanced" in proc.stdout
    return out
