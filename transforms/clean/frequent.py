"""frequent_beam"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import apache_beam as beam
import numpy as np

from transforms.clean.frequent_core import LINE, LINE_WITH_SPLIT, frequent_line_keys, frequent_line_splits
from transforms.core import concat, sid_hex, sid_int, split_rows, unpack
from transforms.core.shuffle import GUARD, guard, max_rows_for, meter
from transforms.core.staged import KIND_LINES, read_table, split_path

__all__ = ["FrequentLines"]


@dataclass(frozen=True)
class FrequentSpec:
    out_dir: str
    min_hosts: int
    min_host_docs: int
    with_splits: bool  # the `cogroup` join: also say which splits hold each frequent key


class _ScatterLinesFn(beam.DoFn):
    def __init__(self, spec: FrequentSpec) -> None:
        self._spec = spec

    def process(self, summary: Mapping[str, Any], buckets: Mapping[str, int]) -> Iterator:
        if not summary["lines"]:
            return
        t = read_table(split_path(self._spec.out_dir, summary["sid"], KIND_LINES))
        table = {c: t.column(c).to_numpy() for c in ("key", "host", "text")}
        layout = LINE
        if self._spec.with_splits:
            layout = LINE_WITH_SPLIT
            table["sid"] = np.full(len(table["key"]), sid_int(summary["sid"]), dtype=np.uint64)
        groups = table["key"].view(np.uint64) % np.uint64(buckets["line"])
        for b, blob in split_rows(layout, table, groups, max_rows_for(layout)):
            yield ("line", b), blob
        yield guard("line_records_sent", len(table["key"]))


class _ReduceLinesFn(beam.DoFn):
    def __init__(self, spec: FrequentSpec) -> None:
        self._spec = spec

    def process(self, element: tuple[Any, Iterable[bytes]]) -> Iterator:
        _, blobs = element
        layout = LINE_WITH_SPLIT if self._spec.with_splits else LINE
        t = concat(layout, (unpack(layout, b) for b in blobs))
        yield guard("line_records_received", len(t["key"]))
        frequent = frequent_line_keys(t, self._spec.min_hosts, self._spec.min_host_docs)
        if self._spec.with_splits:
            marks = frequent_line_splits(t, frequent)
            for sid, key in zip(marks["sid"].tolist(), marks["key"].tolist(), strict=True):
                yield sid_hex(sid), int(key)
            yield guard("marks_sent", len(marks["sid"]))
        else:
            for key in frequent.tolist():
                yield int(key)


class FrequentLines(beam.PTransform):
    """Split summaries -> the frequent line keys (ints), or with `with_splits` (sid, key) pairs."""

    def __init__(self, spec: FrequentSpec, buckets: beam.pvalue.AsSingleton) -> None:
        super().__init__()
        self._spec = spec
        self._buckets = buckets

    def expand(self, summaries: beam.PCollection) -> tuple[beam.PCollection, beam.PCollection]:
        lines = summaries | "ScatterLines" >> beam.ParDo(
            _ScatterLinesFn(self._spec), self._buckets
        ).with_outputs(GUARD, main="lines")
        reduced = (
            meter(lines.lines, "lines")
            | "GroupLines" >> beam.GroupByKey()
            | "ReduceLines" >> beam.ParDo(_ReduceLinesFn(self._spec)).with_outputs(GUARD, main="frequent")
        )
        guards = (lines[GUARD], reduced[GUARD]) | "LineGuards" >> beam.Flatten()
        return reduced.frequent, guards
