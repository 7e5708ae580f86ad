"""crawlwash's benchmarks, one entry point: `python -m benchmarks GROUP BENCHMARK [ARGS ...]`, from the repository root.

Every benchmark prints its figures as ratios against a baseline measured in the same run. GROUP BENCHMARK picks one,
and ARGS go to it unchanged: `python -m benchmarks GROUP BENCHMARK --help` shows its own options. Groups:
- speed: throughput and per-stage cost, against a bare trafilatura loop, datatrove or an earlier revision;
- quality: what the stages keep and drop on real pages, against ground truth or datatrove as the oracle;
- scale: the whole job at real size (cores, memory, shuffle bytes), bad inputs, the generated Common Crawl-like WARC;
- cluster: scale-out on a real Flink cluster.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# group -> (what it measures, {benchmark: (its script in benchmarks/, what it prints)})
GROUPS: dict[str, tuple[str, dict[str, tuple[str, str]]]] = {
    "speed": (
        "throughput and per-stage cost, as ratios against baselines measured in the same run",
        {
            "bench": ("bench.py", "`make bench`: every speed target, vs datatrove and a bare trafilatura loop"),
            "pipeline": ("pipeline_throughput.py", "the whole pipeline on one core vs a bare trafilatura loop"),
            "extract": ("extract_throughput.py", "the extraction path (decode + sandbox) vs bare trafilatura"),
            "stages": ("stage_ab.py", "the stages after extraction, REV vs this checkout: ms/doc per step"),
            "language": ("language_speed.py", "line-level language ID cost vs extraction time"),
            "quality": ("quality_speed.py", "quality signals vs trafilatura (and datatrove's filters)"),
            "segmenters": ("segmenter_speed.py", "ICU word breaks vs jieba / fugashi / pythainlp, chars/s"),
            "url-blocklist": ("url_blocklist.py", "URL stage: RSS added per worker, lookups/s, load time"),
            "training-overhead": ("training_overhead.py", "URL + PII (+ tokens) cost vs the pipeline without them"),
        },
    ),
    "quality": (
        "what the stages keep and drop on real pages, against ground truth or datatrove",
        {
            "aeb": ("aeb_f1.py", "extraction F1 through the pipeline vs bare trafilatura: AEB + eval snippets"),
            "extraction-modes": ("extraction_modes.py", "trafilatura's settings side by side: F1, snippets, time"),
            "language": ("language_eval.py", "foreign-line stripping: injected-spam recall / legit loss"),
            "inline-quote": ("inline_quote_eval.py", "English lines quoting a Japanese/Chinese phrase must stay"),
            "multilingual": ("multilingual_eval.py", "real article pages kept per language, next to English"),
            "gambling": ("gambling_lexicon.py", "spam lexicons (gambling, pharmacy) on real text: lines they alone remove"),
            "filters": ("quality_report.py", "share of the bench pages each quality filter drops, per preset"),
            "dedup": ("dedup_eval.py", "near-duplicate recall at Jaccard >= 0.8, false merges"),
            "pii": ("pii_eval.py", "PII recall per kind, look-alikes masked (dev and holdout banks)"),
            "datatrove-parity": ("datatrove_parity.py", "every quality statistic against datatrove's: agreement"),
            "tokenizers": ("tokenizer_compare.py", "regex+ICU tokens vs FineWeb-2's assigned tokenizers"),
            "url-keys": ("url_keys.py", "URL duplicates and sites: courlan's keys vs the earlier ones"),
        },
    ),
    "scale": (
        "the whole job at real size, bad inputs, and the generated Common Crawl-like WARC",
        {
            "sizes": ("scale.py", "2.5k/10k/40k-response WARCs + 100 files: cores, RSS, shuffle bytes/doc"),
            "bad-input": ("bad_input_memory.py", "peak memory and time of the worst bad inputs"),
            "gen-warc": ("gen_ccwarc.py", "write a Common Crawl-like WARC from the real pages of ../shared/data"),
            "beam-flatten": ("beam_flatten_repro.py", "pure-Beam reproduction of the DirectRunner's lost elements"),
        },
    ),
    "cluster": (
        "scale-out on a real cluster",
        {
            "flink": ("cluster.py", "1 vs 2 Flink TaskManagers on one generated WARC: speed-up, bytes moved"),
        },
    ),
}


def _parser() -> argparse.ArgumentParser:
    listing = "\n".join(
        f"  {group + ' ' + name:26s} {text}" for group, (_, benches) in GROUPS.items() for name, (_, text) in benches.items()
    )
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        epilog=f"benchmarks:\n{listing}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    groups = ap.add_subparsers(dest="group", required=True, metavar="GROUP")
    for group, (about, benches) in GROUPS.items():
        gp = groups.add_parser(
            group,
            help=about,
            usage=f"python -m benchmarks {group} [-h] BENCHMARK [ARGS ...]",
            description=f"{group}: {about}. ARGS go to the benchmark unchanged ({group} BENCHMARK --help: its own).",
        )
        names = gp.add_subparsers(dest="name", required=True, metavar="BENCHMARK")
        for name, (_, text) in benches.items():
            names.add_parser(name, help=text, add_help=False)
    return ap


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) >= 2 and argv[0] in GROUPS and argv[1] in GROUPS[argv[0]][1]:
        script = HERE / GROUPS[argv[0]][1][argv[1]][0]
        # The script replaces this process, as if run as `python benchmarks/SCRIPT ARGS`: same figures, same exit.
        os.execv(sys.executable, [sys.executable, str(script), *argv[2:]])
    _parser().parse_args(argv)  # prints the help, or fails naming the choices
    return 2


if __name__ == "__main__":
    sys.exit(main())
