"""The URL stage's blocklist on one core: memory added per worker, lookups per second with every rule, load time.

    .venv/bin/python benchmarks/url_blocklist.py [--urls 200000] [--cpu 0]

Each measurement runs in a fresh child process pinned to one CPU (`taskset`-like `sched_setaffinity`):
- **load**: seconds of `UrlFilter.from_config(UrlConfig())` in a process whose imports are done (the UT1 index
  already built in the cache directory, as `make install` leaves it): checksum of the bundled list, memory map,
  the UT1 URL list, the word lists and their automaton;
- **RSS added**: the process's resident memory after the load and after all the lookups (every page of the
  index that random hosts touch is then mapped), minus before the load; next to it, what a Python set of the
  4.56 M domain strings costs (the design it replaces), measured the same way;
- **lookups/s**: per CPU second of the process (the machines are shared; wall-time rate printed next to it),
  `verdict(url)` with every rule on (host and each parent domain against UT1, the URL list, banned
  and soft-banned words, banned phrases) over URLs made of real host shapes: the bench file's 990 page URLs,
  UT1 hosts with www./m. prefixes, ports and upper case, and random article paths.
Targets (issue 23): <= 64 MB added per worker, >= 100,000 lookups/s, load <= 2 s.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from harness import BENCH_WARC, REPO, json_child  # puts the repository on sys.path

TARGETS = {"rss_mb": 64.0, "lookups_per_s": 100_000.0, "load_s": 2.0}

CHILD = r"""
import json, os, random, sys, time
sys.path.insert(0, sys.argv[1])
def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
mode, n = sys.argv[2], int(sys.argv[3])
urls = json.load(open(sys.argv[4]))
from transforms.url import UrlConfig, UrlFilter
from transforms.url.blocklist import data_path, read_member, UT1_SOURCE
if mode == "set":
    before = rss_mb()
    raw = read_member(data_path(UT1_SOURCE), "domains").decode()
    domains = set(raw.split("\n")); del raw
    print(json.dumps({"rss_added_mb": rss_mb() - before, "entries": len(domains)}))
    sys.exit()
before = rss_mb()
t0 = time.perf_counter()
f = UrlFilter.from_config(UrlConfig())
load_s = time.perf_counter() - t0
after_load = rss_mb()
batch = (urls * (n // len(urls) + 1))[:n]
t0, c0 = time.perf_counter(), time.process_time()
blocked = sum(f.verdict(u) is not None for u in batch)
seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({"load_s": load_s, "rss_after_load_mb": after_load - before, "rss_added_mb": rss_mb() - before,
                  "lookups": n, "seconds": seconds, "cpu_seconds": cpu, "blocked": blocked}))
"""


def sample_urls(count: int, seed: int = 7) -> list[str]:
    from fastwarc import ArchiveIterator, WarcRecordType

    from transforms.url.blocklist import UT1_SOURCE, data_path, read_member

    rng = random.Random(seed)
    real = []
    with BENCH_WARC.open("rb") as f:
        for rec in ArchiveIterator(f, record_types=WarcRecordType.response, parse_http=False):
            url = rec.headers.get("WARC-Target-URI") or ""
            if url.count("/") >= 2:
                real.append(url)
    domains = read_member(data_path(UT1_SOURCE), "domains").decode().split("\n")
    words = "news world sport local story 2024 report city council market review travel food".split()
    urls = list(real)
    while len(urls) < count:
        kind = rng.random()
        if kind < 0.5:
            host = rng.choice(real).split("/")[2]
        else:
            host = rng.choice(domains)
            host = rng.choice(["", "www.", "m.", "blog."]) + host
            if rng.random() < 0.2:
                host = host.upper()
            if rng.random() < 0.2:
                host += ":8080"
        path = "/".join(rng.choice(words) for _ in range(rng.randint(1, 4)))
        urls.append(f"https://{host}/{path}-{rng.randint(1, 99999)}.html")
    rng.shuffle(urls)
    return urls


def child(mode: str, n: int, urls_file: Path, cpu: int) -> dict:
    return json_child([sys.executable, "-c", CHILD, str(REPO), mode, str(n), str(urls_file)], cpu)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--urls", type=int, default=200_000)
    ap.add_argument("--cpu", type=int, default=0)
    args = ap.parse_args()
    urls_file = Path("/tmp/crawlwash-url-bench.json")
    urls_file.write_text(json.dumps(sample_urls(20_000)))
    child("filter", 10, urls_file, args.cpu)  # builds the index in the cache if it is not there yet
    runs = [child("filter", args.urls, urls_file, args.cpu) for _ in range(3)]
    best = min(runs, key=lambda r: r["cpu_seconds"])
    as_set = child("set", 0, urls_file, args.cpu)
    rate = best["lookups"] / best["cpu_seconds"]
    wall_rate = best["lookups"] / best["seconds"]
    load = min(r["load_s"] for r in runs)
    rss = max(r["rss_added_mb"] for r in runs)
    print(f"load:     {load:.3f} s (best of 3; target <= {TARGETS['load_s']} s)")
    print(f"RSS:      +{rss:.1f} MB per worker after {best['lookups']} lookups (+{best['rss_after_load_mb']:.1f} MB "
          f"right after loading; target <= {TARGETS['rss_mb']} MB); a Python set of the {as_set['entries']} "
          f"domains: +{as_set['rss_added_mb']:.0f} MB")
    print(f"lookups:  {rate:,.0f} URLs per CPU second on one core ({wall_rate:,.0f}/s of wall time on this "
          f"machine), every rule on ({best['blocked']} of {best['lookups']} blocked; target >= "
          f"{TARGETS['lookups_per_s']:,.0f})")


if __name__ == "__main__":
    main()
