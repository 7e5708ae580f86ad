"""Minimal pure-Beam reproduction of the DirectRunner's lost elements (docs/beam-notes.md); no crawlwash code.

    .venv/bin/python benchmarks/beam_flatten_repro.py [--shape flatten|flatten-gbk|gbk] [--n 1500]
        [--size 300000] [--mode multi_processing|multi_threading|in_memory] [--workers 2]

Shapes, each after `Create(range(n)) | Reshuffle | ParDo(...).with_outputs("other", main="main")` (every third
element on the tagged output):
- flatten (the issue's): the main output is consumed twice, by a later Map and by a Flatten of (main, tagged);
  prints what the later stage and the Flatten each counted.
- flatten-gbk: Flatten of (main, tagged), then a GroupByKey (7 keys); prints the grouped values.
- gbk: the main output alone, then a GroupByKey; prints the grouped values.
"""

from __future__ import annotations

import argparse
import sys
import time

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions


class _Split(beam.DoFn):
    def __init__(self, size: int) -> None:
        self._size = size

    def process(self, i: int):  # noqa: ANN201
        payload = "x" * self._size
        if i % 3 == 0:
            yield beam.pvalue.TaggedOutput("other", (i % 7, payload))
        else:
            yield (i % 7, payload)


def _report(what: str, n: int):  # noqa: ANN202
    def show(count: int) -> None:
        print(f"{what}: {count} of {n}", flush=True)

    return show


def _grouped(pcoll: beam.PCollection, what: str, n: int) -> None:
    _ = (
        pcoll
        | "Group" >> beam.GroupByKey()
        | "Sizes" >> beam.Map(lambda kv: sum(1 for _ in kv[1]))
        | "Sum" >> beam.CombineGlobally(sum)
        | "Show" >> beam.Map(_report(what, n))
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shape", default="flatten", choices=["flatten", "flatten-gbk", "gbk"])
    ap.add_argument("--n", type=int, default=1500)
    ap.add_argument("--size", type=int, default=300_000, help="bytes per element")
    ap.add_argument(
        "--mode", default="multi_processing", choices=["multi_processing", "multi_threading", "in_memory"]
    )
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    n = args.n
    main_n = n - len(range(0, n, 3))
    opts = PipelineOptions(
        [
            f"--direct_running_mode={args.mode}",
            f"--direct_num_workers={args.workers}",
            "--runner=DirectRunner",
        ]
    )
    started = time.monotonic()
    with beam.Pipeline(options=opts) as p:
        res = (
            p
            | beam.Create(list(range(n)))
            | beam.Reshuffle()
            | beam.ParDo(_Split(args.size)).with_outputs("other", main="main")
        )
        if args.shape == "flatten":
            later = res.main | "Later" >> beam.Map(lambda kv: kv[0])
            _ = (
                later
                | "CountLater" >> beam.combiners.Count.Globally()
                | "ShowLater" >> beam.Map(_report("later stage saw (main output)", main_n))
            )
            both = (res.main, res.other) | beam.Flatten()
            _ = (
                both
                | "CountAll" >> beam.combiners.Count.Globally()
                | "ShowAll" >> beam.Map(_report("Flatten(main, tagged) delivered", n))
            )
        elif args.shape == "flatten-gbk":
            _grouped((res.main, res.other) | beam.Flatten(), "GroupByKey(Flatten(main, tagged)) grouped", n)
        else:
            _grouped(res.main, "GroupByKey(main) grouped", main_n)
    print(f"shape={args.shape} mode={args.mode} workers={args.workers} size={args.size}: "
          f"{time.monotonic() - started:.1f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
