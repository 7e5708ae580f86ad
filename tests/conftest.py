"""Shared test fixtures: the real crawl data lives in ../shared/data beside the checkout (never copied here)."""

from __future__ import annotations

import re
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
    r"\b(SHARED_DATA|SEEDS|SEED_\w+|WARC_DIR|WET_DIR|BENCH_WARC|AEB_DIR|shared_data|badinput)\b"
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
