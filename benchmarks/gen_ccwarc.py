"""Generate Common Crawl-like WARC files, deterministic from a seed.

    .venv/bin/python benchmarks/gen_ccwarc.py --responses 40000 --out /tmp/cc-40000.warc.gz [--seed 1]
    .venv/bin/python benchmarks/gen_ccwarc.py --responses 100 --files 100 --out /tmp/cc-100x100/ [--seed 1]

Like a Common Crawl WARC: one gzip member per record, a `warcinfo` record first, then for every page a `request`,
a `response` (HTTP headers + HTML) and a `metadata` record, with fresh WARC-Record-IDs and dates.

The pages are the real HTML pages of ../shared/data: the 990 pages of bench/trafilatura-eval.warc.gz and the
HTML responses (status 200) of warc/. Each generated response takes a page round-robin, gives it a new URL and
mutates its paragraphs (`<p>` elements) at random:
- about 15% are light variants (a few paragraphs dropped, two swapped): near-duplicates of each other;
- the rest keep a random 35-65% of their paragraphs in a shuffled order: a different document each time
  (two such variants of one page share about a third of their text).
So some documents are near-duplicates and most are not, and the corpus is as large as asked while every page
stays a real page. The same seed gives the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import random
import re
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from harness import SHARED  # puts the repository on sys.path

from transforms.core import Doc  # noqa: E402
from transforms.read import (
    ReadConfig,
    read_file,  # noqa: E402
)

PARAGRAPH = re.compile(rb"<p[\s>].*?</p>", re.IGNORECASE | re.DOTALL)
LIGHT_SHARE = 0.15
START = datetime(2024, 5, 1, tzinfo=UTC)


def source_pages() -> list[tuple[str, bytes]]:
    """(url, html) of every real HTML page in ../shared/data (bench first, then warc/, in path order)."""
    pages: list[tuple[str, bytes]] = []
    files = [SHARED / "bench" / "trafilatura-eval.warc.gz"]
    files += sorted(p for p in (SHARED / "warc").glob("*/*") if ".warc" in p.name or ".arc" in p.name)
    for path in files:
        with path.open("rb") as f:
            for rec in read_file(f, str(path), ReadConfig()):
                if isinstance(rec, Doc) and rec.html and b"<" in rec.html[:4096]:
                    pages.append((rec.url or f"https://example.org/{len(pages)}", rec.html))
    return pages


def mutate(html: bytes, rng: random.Random) -> bytes:
    """A variant of the page: paragraphs dropped and reordered (light or heavy, see the module docstring)."""
    paras = PARAGRAPH.findall(html)
    if len(paras) < 2:
        return html
    if rng.random() < LIGHT_SHARE:
        keep = [p for p in paras if rng.random() > 0.08] or paras[:1]
        if len(keep) > 2:
            i, j = rng.sample(range(len(keep)), 2)
            keep[i], keep[j] = keep[j], keep[i]
    else:
        share = rng.uniform(0.35, 0.65)
        keep = [p for p in paras if rng.random() < share] or [rng.choice(paras)]
        rng.shuffle(keep)
    first, last = PARAGRAPH.search(html), list(PARAGRAPH.finditer(html))[-1]
    assert first is not None
    return html[: first.start()] + b"\n".join(keep) + html[last.end() :]


def _record(warc_type: str, url: str | None, date: datetime, block: bytes, rng: random.Random,
            content_type: str, extra: dict[str, str] | None = None) -> bytes:  # fmt: skip
    rid = uuid.UUID(int=rng.getrandbits(128), version=4)
    headers = [
        "WARC/1.0",
        f"WARC-Type: {warc_type}",
        f"WARC-Date: {date.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        f"WARC-Record-ID: <urn:uuid:{rid}>",
        f"Content-Length: {len(block)}",
        f"Content-Type: {content_type}",
    ]
    if url:
        headers.insert(2, f"WARC-Target-URI: {url}")
    for k, v in (extra or {}).items():
        headers.append(f"{k}: {v}")
    record = ("\r\n".join(headers) + "\r\n\r\n").encode() + block + b"\r\n\r\n"
    return gzip.compress(record, compresslevel=6, mtime=0)


def page_records(url: str, html: bytes, date: datetime, rng: random.Random) -> Iterator[bytes]:
    """request, response and metadata records of one fetch, each its own gzip member."""
    host = url.split("/")[2] if "://" in url else "example.org"
    request = (
        f"GET /{url.split('/', 3)[-1]} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: CCBot/2.0\r\n\r\n".encode()
    )
    yield _record("request", url, date, request, rng, "application/http; msgtype=request")
    http = (
        f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {len(html)}\r\n"
        f"Date: {date.strftime('%a, %d %b %Y %H:%M:%S GMT')}\r\n\r\n"
    ).encode()
    digest = hashlib.sha1(html).hexdigest()
    yield _record("response", url, date, http + html, rng, "application/http; msgtype=response",
                  {"WARC-Payload-Digest": f"sha1:{digest}"})  # fmt: skip
    meta = f"fetchTimeMs: {rng.randint(50, 3000)}\r\ncharset-detected: UTF-8\r\n".encode()
    yield _record("metadata", url, date, meta, rng, "application/warc-fields")


def _new_url(url: str, i: int) -> str:
    base = url.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    return f"{base}/cw-{i:07d}"


def write_warc(path: Path, first: int, count: int, pages: list[tuple[str, bytes]], seed: int) -> int:
    """Responses `first .. first+count-1` (page i mod len(pages)) into one file; returns its size in bytes."""
    rng = random.Random(f"{seed}:{first}:{count}")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        info = f"software: crawlwash gen_ccwarc\r\nformat: WARC File Format 1.0\r\nseed: {seed}\r\n".encode()
        f.write(_record("warcinfo", None, START, info, rng, "application/warc-fields",
                        {"WARC-Filename": path.name}))  # fmt: skip
        for i in range(first, first + count):
            url, html = pages[i % len(pages)]
            date = START + timedelta(seconds=i * 7)
            for member in page_records(_new_url(url, i), mutate(html, rng), date, rng):
                f.write(member)
    return path.stat().st_size


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--responses", type=int, required=True, help="responses per file")
    ap.add_argument("--files", type=int, default=1, help="number of files (then --out is a directory)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    pages = source_pages()
    total = 0
    for k in range(args.files):
        path = args.out if args.files == 1 else args.out / f"cc-{k:05d}.warc.gz"
        total += write_warc(path, k * args.responses, args.responses, pages, args.seed)
    print(f"{args.files} file(s), {args.files * args.responses} responses from {len(pages)} real pages, "
          f"{total / 1e6:.1f} MB -> {args.out}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
