"""What the URL stage, PII masking and token counts cost the default pipeline, and the extraction the URL stage saves.

    .venv/bin/python benchmarks/training_overhead.py [--warc PATH] [--rounds 2] [--cpu 0] [--tokenizer FILE]

`crawlwash run` on the bench file (`../shared/data/bench/trafilatura-eval.warc.gz`, 990 real pages) as `make bench`
runs it (DirectRunner, in-memory, one worker), pinned to one CPU, in alternated rounds:
- **with**: the default config (the URL stage before extraction, PII masking in the apply phase; token counts are
  off by default, and with `--tokenizer` a third side adds them);
- **without**: `pipeline.stages` without `url` and `pii.enabled=false` (the pipeline before issue 23).
The figure is the CPU time of the whole run (user + system of the CLI and every child it waited for: the
extraction sandbox included), as a ratio with/without per round, then the median; wall time is printed too (the
machines are shared). The URL stage drops pages before extraction: the extraction time it saves is the pages it
dropped times the mean extraction time per page extracted in the same run (`run_info.json` map_seconds).
Target (issue 23): the three stages together add <= 5% to the default pipeline's CPU time.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
from pathlib import Path

from harness import BENCH_WARC as DEFAULT_WARC
from harness import CLI, REPO, alternated, run_rusage

WITHOUT = ["--set", "pipeline.stages=[extract,normalize,language,boilerplate,quality,dedup]",
           "--set", "pii.enabled=false"]  # fmt: skip



def run_side(warc: Path, cpu: int, extra: list[str]) -> dict:
    out = Path(tempfile.mkdtemp(prefix="crawlwash-overhead-")) / "out"
    cmd = [str(CLI), "run", "--input", str(warc), "--output", str(out),
           "--direct_running_mode=in_memory", "--direct_num_workers=1", "--quiet", *extra]  # fmt: skip
    wall, usage, res = run_rusage(cmd, cpu, cwd=REPO)
    if usage["rc"] != 0:
        raise SystemExit(f"crawlwash failed: {res.stderr[-2000:]}")
    stats = json.loads((out / "stats.json").read_text())
    facts = json.loads((out / "run_info.json").read_text())
    shutil.rmtree(out.parent, ignore_errors=True)
    return {"cpu": usage["cpu"], "wall": wall, "stats": stats, "map_seconds": facts["map_seconds"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--warc", type=Path, default=DEFAULT_WARC)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--cpu", type=int, default=0)
    ap.add_argument("--tokenizer", default=None, help="a tokenizer.json: a third side with token counts on")
    args = ap.parse_args()
    sides = {"with": [], "without": WITHOUT}
    if args.tokenizer:
        sides["with+tokens"] = ["--set", f"tokens.tokenizer={args.tokenizer}"]
    runs: dict[str, list[dict]] = {k: [] for k in sides}
    for r, name in alternated(args.rounds, list(sides)):
        res = run_side(args.warc, args.cpu, sides[name])
        runs[name].append(res)
        print(f"round {r + 1} {name:12s} cpu {res['cpu']:7.1f} s  wall {res['wall']:7.1f} s  kept "
              f"{res['stats']['kept']}", flush=True)
    ratios = [w["cpu"] / wo["cpu"] for w, wo in zip(runs["with"], runs["without"])]
    print(f"CPU time with / without the new stages: {statistics.median(ratios):.3f} (rounds: "
          f"{', '.join(f'{x:.3f}' for x in ratios)}; target <= 1.05)")
    if "with+tokens" in runs:
        t = [w["cpu"] / wo["cpu"] for w, wo in zip(runs["with+tokens"], runs["without"])]
        print(f"... with token counts too: {statistics.median(t):.3f}")
    last = runs["with"][-1]
    url_drops = last["stats"]["dropped_by_stage"].get("url", {})
    extracted = last["stats"]["read"] - sum(last["stats"]["dropped_by_stage"].get(s, {}).get(r, 0)
                                            for s in ("read", "url") for r in last["stats"]["dropped_by_stage"].get(s, {}))  # fmt: skip
    per_page = last["map_seconds"]["extract"] / max(1, extracted)
    saved = sum(url_drops.values()) * per_page
    print(f"URL stage: {sum(url_drops.values())} pages dropped before extraction {url_drops}; at "
          f"{per_page * 1000:.0f} ms of extraction per page, {saved:.1f} s of extraction saved; its own time "
          f"{last['map_seconds'].get('url', 0):.2f} s; PII masked {last['stats'].get('pii_masked')}")


if __name__ == "__main__":
    main()
