"""A process that reads Parquet through crawlwash's readers and ends right away exits cleanly.

With Arrow's thread pool, a pool thread can drop the last Python buffer of a read just after the read returned; if
the interpreter is shutting down by then, CPython ends that thread, its C++ frames cannot unwind, and the process
aborts ("terminate called without an active exception", SIGABRT). `crawlwash run` did so after about one run in
three on the bench's 1,700-response WARC, once its report (a run's last read) had become fast. Here each reader
runs in a fresh process that exits at once, several times over. With the pool, such processes abort often: 20
of 40 that read a file's row groups, and the `read_table` and `row_groups` cases here fail.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

READERS = {
    "iter_batches": "from transforms.core.staged import iter_batches\nfor _ in iter_batches(PATH): pass",
    "iter_record_batches": "from transforms.core.staged import iter_record_batches\n"
    "for _ in iter_record_batches(PATH): pass",
    "read_table": "from transforms.core.staged import read_table\nread_table(PATH)",
    "row_groups": "from pipelines.run_output import RunOutput\n"
    "run = RunOutput(DIR, {'outputs': {'data': [{'name': NAME, 'rows': 20000}]}}, {}, {}, '', {})\n"
    "for _ in run.row_groups('data', ['c0', 'c1', 'c2', 'c3']): pass\n"
    "run.fetch({(PATH, 3): {1, 2}}, ['c0'])",
}
RUNS = 8


@pytest.fixture(scope="module")
def shard(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("exit") / "data" / "part-00000-of-00001.parquet"
    path.parent.mkdir()
    table = pa.table({f"c{i}": [f"{'x' * 50}{j}" for j in range(20_000)] for i in range(8)})
    pq.write_table(table, path, row_group_size=5_000)
    return path


@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_process_that_ends_right_after_a_read_exits_cleanly(shard: Path, reader: str) -> None:
    code = (f"PATH = {str(shard)!r}\nDIR = {str(shard.parent.parent)!r}\nNAME = {shard.name!r}\n"
            + READERS[reader])  # fmt: skip
    codes = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
             for _ in range(RUNS)]  # fmt: skip
    assert [p.returncode for p in codes] == [0] * RUNS, [p.stderr[-300:] for p in codes if p.returncode]
