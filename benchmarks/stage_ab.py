"""The stages after extraction, two revisions side by side: ms per document per step, and whether the outputs are equal.

    .venv/bin/python -m benchmarks speed stages --before REV [--rounds 7] [--limit N] [--warc PATH] [--cpu 0]
        [--clock wall|cpu]

A speed change to a stage after extraction should give the same output, faster. `make bench` times whole runs, whose
noise on a shared machine (±15%) hides a change of a few percent in one stage; this script isolates them:

1. The bench WARC's pages (`../shared/data/bench/trafilatura-eval.warc.gz`, 990) are read and extracted once, with
   this checkout's extract stage (default config), and stored as plain field dicts in a temporary file.
2. `REV` is checked out into a temporary git worktree; its compiled hot paths (`native/`, where it has them) are
   built in place with cargo, as `make install` builds them (release, `--locked`; cached under `.bench/`). Each
   round runs one fresh process per side (this checkout, then `REV`, alternating which goes first), pinned to one
   CPU: it builds the default chain of *its own* revision,
   runs every stage after extraction, the frequent-line keys and the dedup key rows on every document, and times
   each step (the map phase's step names). A fresh process per round means cold caches, as in a real run.
3. Each process hashes what it produced (kept texts and columns, drop reasons, line keys, dedup key rows); the two
   revisions' digests must be equal for a pure speed change.

Printed: per step, the median ms per document over the rounds for both sides and their ratio; the digests.
`--clock cpu` times each step in the process's CPU time rather than wall time: on a machine that other jobs share,
a wall-time step also counts the time the process waited for the CPU.
"""

from __future__ import annotations

import argparse
import os
import pickle
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

from harness import BENCH_DIR, REPO, json_child
from harness import BENCH_WARC as DEFAULT_WARC

# Runs in the child, with the side's repository first on sys.path: argv = [docs pickle, clock ("wall" or "cpu")].
CHILD = r"""
import hashlib, json, pickle, sys, time
from collections import Counter
from apache_beam import pvalue
from pipelines.config import CrawlwashConfig
from pipelines.pipeline import STAGE_REGISTRY, map_spec
from transforms.clean import frequent_line_entries, host_of
from transforms.core.doc import Doc
from transforms.engine.map_phase import dedup_key_row

cfg = CrawlwashConfig()
spec = map_spec(cfg)
chain = [(n, fn) for n in cfg.pipeline.stages if n != "extract" and (fn := STAGE_REGISTRY[n].make(cfg)) is not None]
for _, fn in chain:
    fn.setup()
params = cfg.dedup.near.params()
docs = [Doc(**fields) for fields in pickle.loads(open(sys.argv[1], "rb").read())]
timing = Counter()
digest = hashlib.sha256()
clock = time.process_time if sys.argv[2] == "cpu" else time.perf_counter
kept = 0
for doc in docs:
    cur = doc
    for name, fn in chain:
        t0 = clock()
        nxt = None
        for out in fn.outcomes(cur):
            if isinstance(out, pvalue.TaggedOutput):
                digest.update(repr((out.tag, out.value.stage, getattr(out.value, "reason", None))).encode())
            else:
                nxt = out
        cur = nxt
        t1 = clock()
        timing[name] += t1 - t0
        if cur is None:
            break
        if name == spec.line_stage:
            keys, _, _ = frequent_line_entries(cur.text, host_of(cur.url), spec.line_min_chars)
            timing["line_keys"] += clock() - t1
            digest.update(keys.tobytes())
    if cur is None:
        continue
    t0 = clock()
    row = dedup_key_row(cur, kept, spec.dedup, params)
    timing["dedup_keys"] += clock() - t0
    kept += 1
    digest.update(repr((cur.text, cur.lang, cur.lang_score, sorted(cur.attrs.items()), sorted(row.items()))).encode())
print(json.dumps({"timing": timing, "kept": kept, "digest": digest.hexdigest()}))
"""


def extract_docs(warc: Path, limit: int) -> list[dict]:
    """The WARC's documents after this checkout's extract stage, as field dicts (what reaches `normalize`)."""
    import dataclasses

    from apache_beam import pvalue

    from pipelines.config import CrawlwashConfig
    from pipelines.pipeline import STAGE_REGISTRY
    from transforms.core.doc import Doc
    from transforms.read.files import read_file

    cfg = CrawlwashConfig()
    extract = STAGE_REGISTRY["extract"].make(cfg)
    extract.setup()
    docs: list[dict] = []
    try:
        with warc.open("rb") as f:
            for outcome in read_file(f, warc.name, cfg.read):
                if not isinstance(outcome, Doc):
                    continue
                for out in extract.outcomes(outcome):
                    if not isinstance(out, pvalue.TaggedOutput):
                        docs.append({k.name: getattr(out, k.name) for k in dataclasses.fields(out)})
                if limit and len(docs) >= limit:
                    break
    finally:
        extract.teardown()
    return docs


def build_native(worktree: Path) -> None:
    """The revision's compiled extension, built in place: the crate as setuptools-rust builds it for `make
    install` (cargo, release, --locked), copied to where the package imports it from."""
    manifest = worktree / "native" / "Cargo.toml"
    if not manifest.exists():
        return  # a revision before the compiled hot paths: pure Python
    target = BENCH_DIR / "stage-ab-cargo"
    env = {**os.environ, "CARGO_TARGET_DIR": str(target), "PYO3_PYTHON": sys.executable,
           "PATH": f"{Path.home() / '.cargo' / 'bin'}:{os.environ.get('PATH', '')}"}  # fmt: skip
    print("building native/ of the earlier revision (cargo, release) ...", flush=True)
    cmd = ["cargo", "build", "--release", "--locked", "--lib", "--quiet", "--manifest-path", str(manifest)]
    subprocess.run(cmd, check=True, env=env)
    ext = worktree / "transforms" / "core" / f"_native{sysconfig.get_config_var('EXT_SUFFIX')}"
    shutil.copyfile(target / "release" / "lib_native.so", ext)


def run_side(repo: Path, docs_file: Path, cpu: int, clock: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(repo)}
    return json_child([sys.executable, "-c", CHILD, str(docs_file), clock], cpu, env=env, cwd=repo)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", required=True, help="the git revision to compare this checkout with")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--limit", type=int, default=0, help="only the first N documents (0: all)")
    ap.add_argument("--warc", type=Path, default=DEFAULT_WARC)
    ap.add_argument("--cpu", type=int, default=0, help="the CPU both sides are pinned to")
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall", help="time steps in wall or CPU time")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="crawlwash-stage-ab-"))
    worktree = tmp / "before"
    subprocess.run(["git", "worktree", "add", "--detach", "-q", str(worktree), args.before], check=True, cwd=REPO)
    try:
        build_native(worktree)
        docs = extract_docs(args.warc, args.limit)
        docs_file = tmp / "docs.pkl"
        docs_file.write_bytes(pickle.dumps(docs))
        n = len(docs)
        print(f"{n} extracted documents of {args.warc.name}; {args.rounds} rounds, CPU {args.cpu}, {args.clock} clock",
              flush=True)  # fmt: skip
        sides = {"before": worktree, "after": REPO}
        runs: dict[str, list[dict]] = {"before": [], "after": []}
        for rnd in range(args.rounds):
            for side in ("after", "before") if rnd % 2 else ("before", "after"):
                runs[side].append(run_side(sides[side], docs_file, args.cpu, args.clock))
            print(f"  round {rnd + 1}: " + "  ".join(
                f"{s} {sum(runs[s][-1]['timing'].values()) * 1000 / n:.2f} ms/doc" for s in runs
            ), flush=True)  # fmt: skip
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=REPO, check=False)
    steps = list(dict.fromkeys(k for s in runs.values() for r in s for k in r["timing"]))
    print(f"\nmedian ms per document ({args.before} = before, this checkout = after):")
    print(f"  {'step':12s} {'before':>8s} {'after':>8s} {'after/before':>13s}")
    total = {"before": 0.0, "after": 0.0}
    for step in [*steps, "total"]:
        med = {}
        for side, rs in runs.items():
            if step == "total":
                med[side] = statistics.median(sum(r["timing"].values()) for r in rs) * 1000 / n
            else:
                med[side] = statistics.median(r["timing"].get(step, 0.0) for r in rs) * 1000 / n
            total[side] += med[side] if step != "total" else 0.0
        ratio = med["after"] / med["before"] if med["before"] else float("nan")
        print(f"  {step:12s} {med['before']:8.3f} {med['after']:8.3f} {ratio:13.3f}")
    digests = {side: {r["digest"] for r in rs} for side, rs in runs.items()}
    kept = {side: {r["kept"] for r in rs} for side, rs in runs.items()}
    print(f"\nkept: before {sorted(kept['before'])}, after {sorted(kept['after'])}")
    print(f"digest before: {' '.join(sorted(digests['before']))}")
    print(f"digest after:  {' '.join(sorted(digests['after']))}")
    print("outputs equal" if digests["before"] == digests["after"] else "OUTPUTS DIFFER")


if __name__ == "__main__":
    main()
