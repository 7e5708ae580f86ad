"""Reading a finished run back: its manifest, ledger, config and shards (for `report`, `inspect`, the card).

Everything here streams the shards one row group at a time and reads only the columns asked for, so looking at a
run needs memory for one row group, not for the corpus. Paths go through Beam's FileSystems: a run on gs:// or
s3:// is read the same way as a local one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml
from apache_beam.io.filesystems import FileSystems

from transforms.core.staged import READ_OPTIONS
from transforms.write import DATA, ERRORS, REJECTED, RUN_FACTS, STATS, SUCCESS

__all__ = ["NotARun", "RunOutput", "open_run", "sample_rank"]

KINDS = (DATA, REJECTED, ERRORS)


class NotARun(ValueError):
    """The directory holds no complete crawlwash run (no _SUCCESS)."""


def _read_text(path: str) -> str:
    with FileSystems.open(path) as f:
        return f.read().decode("utf-8")


def sample_rank(key: str) -> int:
    """A stable pseudo-random rank of a document id: the report's samples are the lowest ranks (same on rerun)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


@dataclass
class RunOutput:
    """A complete run's directory: `manifest` (_SUCCESS), `stats` (stats.json), `config` (config.yaml), `facts`
    (run_info.json: finish time and the map phase's seconds per step; empty for runs written before it)."""

    out_dir: str
    manifest: dict[str, Any]
    stats: dict[str, Any]
    config: dict[str, Any]
    config_yaml: str
    facts: dict[str, Any]

    def path(self, *parts: str) -> str:
        return FileSystems.join(self.out_dir, *parts)

    def shards(self, kind: str) -> list[dict[str, Any]]:
        """The shards of data/, rejected/ or errors/ as the manifest lists them: [{"name", "rows", "path"}]."""
        return [{**f, "path": self.path(kind, f["name"])} for f in self.manifest["outputs"].get(kind, [])]

    def rows(self, kind: str) -> int:
        return sum(int(f["rows"]) for f in self.manifest["outputs"].get(kind, []))

    def schema(self, kind: str) -> pa.Schema:
        shards = self.shards(kind)
        with FileSystems.open(shards[0]["path"]) as f:
            return pq.ParquetFile(f).schema_arrow

    def row_groups(self, kind: str, columns: Sequence[str]) -> Iterator[tuple[str, int, pa.Table]]:
        """(shard path, row-group index, table of `columns`) for every row group of every shard, in order."""
        for shard in self.shards(kind):
            with FileSystems.open(shard["path"]) as f:
                pf = pq.ParquetFile(f)
                names = set(pf.schema_arrow.names)
                cols = [c for c in columns if c in names]
                for i in range(pf.num_row_groups):
                    yield shard["path"], i, pf.read_row_group(i, columns=cols, **READ_OPTIONS)

    def fetch(self, wanted: dict[tuple[str, int], set[int]], columns: Sequence[str]) -> list[dict[str, Any]]:
        """The rows at these positions ({(path, row group): {row index, ...}}), as dicts of `columns`."""
        out: list[dict[str, Any]] = []
        by_path: dict[str, list[tuple[int, set[int]]]] = {}
        for (path, group), rows in wanted.items():
            by_path.setdefault(path, []).append((group, rows))
        for path, groups in by_path.items():
            with FileSystems.open(path) as f:
                pf = pq.ParquetFile(f)
                cols = [c for c in columns if c in set(pf.schema_arrow.names)]
                for group, rows in sorted(groups):
                    table = pf.read_row_group(group, columns=cols, **READ_OPTIONS)
                    out.extend(table.take(sorted(rows)).to_pylist())
        return out


def open_run(out_dir: str) -> RunOutput:
    """The complete run in `out_dir`; NotARun names what is missing."""
    success = FileSystems.join(out_dir, SUCCESS)
    if not FileSystems.exists(success):
        raise NotARun(f"{out_dir}: no complete crawlwash run here ({SUCCESS} is missing)")
    try:
        manifest = json.loads(_read_text(success))
        stats = json.loads(_read_text(FileSystems.join(out_dir, STATS)))
    except (OSError, ValueError) as exc:
        raise NotARun(f"{out_dir}: cannot read {SUCCESS} / {STATS}: {exc}") from exc
    config_path = FileSystems.join(out_dir, "config.yaml")
    config_yaml = _read_text(config_path) if FileSystems.exists(config_path) else ""
    config = yaml.safe_load(config_yaml) or {}
    facts_path = FileSystems.join(out_dir, RUN_FACTS)
    facts = json.loads(_read_text(facts_path)) if FileSystems.exists(facts_path) else {}
    return RunOutput(out_dir, manifest, stats, config, config_yaml, facts)
