"""Shared test fixtures: the real crawl data lives in ../shared/data beside the checkout (never copied here)."""

from __future__ import annotations

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


def pytest_sessionstart(session: pytest.Session) -> None:
    if not SHARED_DATA.is_dir():
        raise pytest.UsageError(f"test data not found at {SHARED_DATA}: the suite reads ../shared/data")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    return SHARED_DATA
