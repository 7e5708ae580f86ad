"""datatrove 0.10.1's FineWeb stages over one WARC file, on one task: the anchor `benchmarks/bench.py` compares with.

Runs in datatrove's own venv (bench.py creates it; crawlwash is not importable there):

    .bench/datatrove-venv/bin/python benchmarks/datatrove_fineweb.py WARC OUT_DIR

Stages, in this order (as the performance issue specifies): WarcReader -> Trafilatura(favour_precision=True,
timeout=10) -> LanguageFilter(language_threshold=0.65) -> GopherRepetitionFilter -> GopherQualityFilter ->
C4QualityFilter(filter_no_terminal_punct=False) -> FineWebQualityFilter -> ParquetWriter. The language model is
lid.176.ftz, copied by bench.py into datatrove's asset cache (nothing is downloaded). Prints one JSON line: the
documents read and kept, and the seconds from the first import to the end (what a user waits for).
"""

from __future__ import annotations

import time

START = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.extractors import Trafilatura  # noqa: E402
from datatrove.pipeline.filters import (  # noqa: E402
    C4QualityFilter,
    FineWebQualityFilter,
    GopherQualityFilter,
    GopherRepetitionFilter,
    LanguageFilter,
)
from datatrove.pipeline.readers import WarcReader  # noqa: E402
from datatrove.pipeline.writers import ParquetWriter  # noqa: E402


def main() -> None:
    warc, out = Path(sys.argv[1]), Path(sys.argv[2])
    pipeline = [
        WarcReader(str(warc.parent), glob_pattern=warc.name),
        Trafilatura(favour_precision=True, timeout=10),
        LanguageFilter(language_threshold=0.65),
        GopherRepetitionFilter(),
        GopherQualityFilter(),
        C4QualityFilter(filter_no_terminal_punct=False),
        FineWebQualityFilter(),
        ParquetWriter(str(out / "data")),
    ]
    executor = LocalPipelineExecutor(pipeline=pipeline, tasks=1, workers=1, logging_dir=str(out / "logs"))
    stats = executor.run()
    seconds = time.perf_counter() - START
    read = kept = 0
    for stat in stats.stats:
        name = stat.name.lower()
        if "warc" in name and "read" in name:
            read = int(stat.stats.get("documents", {}).total if stat.stats.get("documents") else 0)
        if "parquet" in name:
            kept = int(stat.stats.get("total", {}).total if stat.stats.get("total") else 0)
    print(json.dumps({"read": read, "kept": kept, "seconds": round(seconds, 3)}))


if __name__ == "__main__":
    main()
