"""Minimal pure-Beam reproduction of the DirectRunner's lost elements (docs/beam-notes.md); no crawlwash code.

    .venv/bin/python benchmarks/beam_flatten_repro.py [--n 1500] [--size 300000] [--mode multi_processing]
                                                      [--workers 2] [--fixed]

A ParDo with a tagged output whose main output is consumed twice, by a later stage and by a Flatten of
(main, tagged), on the DirectRunner (FnApiRunner) with 2 workers. Prints how many elements each consumer saw.
With large elements (300 KB) in multi_processing or multi_threading mode the Flatten sometimes delivers fewer
than it was given; with `in_memory`, or 1 KB elements, it delivers all of them. `--fixed` applies crawlwash's
fix (pipelines/beam_fixes.py: the runner's buffer lookup made atomic) first.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions


class _Split(beam.DoFn):
    def __init__(self, size: int) -> None:
        self._size = size

    def process(self, i: int):  # noqa: ANN201
        payload = "x" * self._size
        if i % 3 == 0:
            yield beam.pvalue.TaggedOutput("other", (i, payload))
        else:
            yield (i, payload)


def _report(what: str, n: int):  # noqa: ANN202
    def show(count: int) -> None:
        print(f"{what}: {count} of {n}", flush=True)

    return show


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1500)
    ap.add_argument("--size", type=int, default=300_000, help="bytes per element")
    ap.add_argument(
        "--mode", default="multi_processing", choices=["multi_processing", "multi_threading", "in_memory"]
    )
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--fixed", action="store_true", help="apply crawlwash's fix of the runner first")
    args = ap.parse_args(argv)
    if args.fixed:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from pipelines.beam_fixes import patch_local_runner

        patch_local_runner()
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
    print(f"mode={args.mode} workers={args.workers} size={args.size} fixed={args.fixed}: "
          f"{time.monotonic() - started:.1f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
