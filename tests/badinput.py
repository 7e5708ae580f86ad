"""Generators of bad input files for the reliability tests and the memory benchmark, and a CLI runner.

Every generator writes into a directory it is given (a pytest tmp_path, never the repository) and returns a
`BadCase`: the file's name and what the pipeline must make of it (the good records that must reach data/, the
errors/ rows, the per-file record count). Good records are real news articles from
`../shared/data/extraction/aeb/ground-truth.json` wrapped in minimal HTML, so they pass the default language and
quality filters; each one is used once, so dedup has nothing to remove.

`run_cli` runs `crawlwash run` in a child interpreter and reports its exit code, output, wall time and the peak
RSS of the largest process of the job (the CLI, its Beam workers, the extraction sandboxes).
"""

from __future__ import annotations

import gzip
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from tests.conftest import AEB_DIR, REPO, WARC_DIR

__all__ = [
    "ERR_EMPTY",
    "GOOD_ARTICLES",
    "BadCase",
    "CliRun",
    "article_html",
    "article_text",
    "gzip_bomb",
    "http_response",
    "make_bad_inputs",
    "run_cli",
    "shared_malformed_cases",
    "warc_record",
]

# Real English news articles of 1.5-7 KB (keys of the AEB ground truth, by prefix); each is used by one case only,
# so dedup never removes a good record.
GOOD_ARTICLES = (
    "04a6711c", "05844573", "06e5123e", "06ee193d", "08f79376", "098bb3e9", "0d461229", "14cc2a0c",
    "156770d6", "1ee91d1f", "1f765c48", "232a43fb", "264dc3ae", "291a8bf3", "2c46804d", "2f42ef1d",
    "33fe2471", "359fee22", "360c732d", "374ac9a5", "39d5c43b", "3c5bf8db", "3cb22bfa", "3cb5e2f4",
    "3f65af7b", "4219d096", "42aad16b", "4648a420", "51d066b0", "52111884", "57d46c9d", "5caf91b8",
)  # fmt: skip

ERR_EMPTY = "EmptyFile: zero-length file"
GIB = 1 << 30


@cache
def _ground_truth() -> dict[str, dict]:
    return json.loads((AEB_DIR / "ground-truth.json").read_text(encoding="utf-8"))


def article_text(index: int) -> str:
    """The body text of good article `index` (paragraphs separated by blank lines)."""
    prefix = GOOD_ARTICLES[index]
    (key,) = [k for k in _ground_truth() if k.startswith(prefix)]
    return _ground_truth()[key]["articleBody"]


def article_html(index: int, charset: str = "utf-8") -> bytes:
    """Good article `index` as a small, well-formed HTML page."""
    paras = [p.strip() for p in article_text(index).split("\n") if p.strip()]
    body = "".join(f"<p>{_escape(p)}</p>\n" for p in paras)
    html = (
        f'<!DOCTYPE html>\n<html><head><meta charset="{charset}"><title>Article {index}</title></head>\n'
        f"<body><nav><a href='/'>Home</a></nav><article><h1>Article {index}</h1>\n{body}</article></body></html>\n"
    )
    return html.encode(charset)


def _escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def good_url(case: str, n: int) -> str:
    return f"https://good.example/{case}/{n}"


def http_response(
    body: bytes, extra_headers: str = "", content_type: str = "text/html; charset=utf-8"
) -> bytes:
    return f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n{extra_headers}\r\n".encode() + body


def warc_record(
    rtype: str,
    block: bytes,
    rid: str,
    url: str,
    content_type: str | None = None,
    content_length: int | None = None,
) -> bytes:
    """One WARC/1.0 record with its CRLFCRLF trailer; `content_length` may lie about `len(block)`."""
    ct = content_type or ("application/http; msgtype=response" if rtype == "response" else "text/html")
    length = len(block) if content_length is None else content_length
    head = (
        f"WARC/1.0\r\nWARC-Type: {rtype}\r\nWARC-Record-ID: <urn:uuid:{rid}>\r\nWARC-Target-URI: {url}\r\n"
        f"WARC-Date: 2024-05-01T12:00:00Z\r\nContent-Type: {ct}\r\nContent-Length: {length}\r\n\r\n"
    )
    return head.encode() + block + b"\r\n\r\n"


def _rid(case: str, n: int) -> str:
    """A fixed, valid-looking UUID per (case, record) so ids are stable across runs."""
    h = sum(ord(c) * (i + 1) for i, c in enumerate(case)) % 0xFFFFFFFF
    return f"{h:08x}-0000-4000-8000-{n:012x}"


def good_record(case: str, n: int, article: int) -> bytes:
    return warc_record("response", http_response(article_html(article)), _rid(case, n), good_url(case, n))


def gzip_bomb(total_bytes: int, member_bytes: int = 16 << 20) -> bytes:
    """Zeros as concatenated gzip members (~1/1000 of `total_bytes`): cheap to make, costly to inflate."""
    member = gzip.compress(bytes(member_bytes), compresslevel=9, mtime=0)
    full, rest = divmod(total_bytes, member_bytes)
    out = member * full
    if rest:
        out += gzip.compress(bytes(rest), compresslevel=9, mtime=0)
    return out


@dataclass
class BadCase:
    """One generated (or shared) input file and what the pipeline must make of it.

    `records`: outcomes the read stage yields for the file (the file's share of the ledger's `read`).
    `kept_urls` / `kept_sources`: good records that must reach data/ (by URL, or by source for url-less files).
    `errors`: (stage, error prefix, source_record or None) rows expected in errors/ for the file, in any order.
    `dropped`: (stage, reason) rows expected in rejected/ (unit "record") for the file.
    """

    name: str
    path: Path
    records: int
    kept_urls: list[str] = field(default_factory=list)
    kept_sources: int = 0
    errors: list[tuple[str, str, str | None]] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)
    note: str = ""


# -- generators ------------------------------------------------------------------------------------------------

Generator = Callable[[Path], BadCase]


def _truncated_gzip_member(root: Path) -> BadCase:
    name = "trunc-member.warc.gz"
    members = [gzip.compress(good_record(name, n, n), mtime=0) for n in range(3)]
    cut = len(members[2]) // 2
    data = members[0] + members[1] + members[2][:cut]
    (root / name).write_bytes(data)
    return BadCase(
        name,
        root / name,
        records=3,
        kept_urls=[good_url(name, 0), good_url(name, 1)],
        errors=[
            ("read", f"TruncatedRecord: response record <urn:uuid:{_rid(name, 2)}>", f"offset:{len(data)}")
        ],
        note="a gzip member cut in half: the two records before it are kept",
    )


def _random_bytes(root: Path) -> BadCase:
    name = "random.warc.gz"
    (root / name).write_bytes(random.Random(7).randbytes(200_000))
    return BadCase(
        name,
        root / name,
        records=1,
        errors=[("read", "CorruptFile: OSError: Invalid WARC header at offset 0", "offset:0")],
    )


def _random_after_gzip_magic(root: Path) -> BadCase:
    name = "random-gzip.warc.gz"
    (root / name).write_bytes(b"\x1f\x8b\x08\x00" + random.Random(8).randbytes(100_000))
    return BadCase(name, root / name, records=1, errors=[("read", "CorruptFile: ", "offset:0")])


def _empty(fname: str) -> Generator:
    def make(root: Path) -> BadCase:
        (root / fname).write_bytes(b"")
        return BadCase(fname, root / fname, records=1, errors=[("read", ERR_EMPTY, "offset:0")])

    return make


def _broken_header(root: Path) -> BadCase:
    name = "broken-header.warc"
    first = good_record(name, 0, 3)
    broken = b"WARC/1.0\r\nWARC-Type response\r\nContent-Length: twelve\r\n\x00\x01garbage\r\n\r\n<html>lost</html>\r\n\r\n"
    (root / name).write_bytes(first + broken + good_record(name, 2, 4))
    # FastWARC reads the broken block as a record of unknown type with no content; the bytes after it are no
    # header: one fault row there, and the record after it cannot be reached
    fault_at = len(first) + broken.index(b"\r\n\r\n") + 4
    return BadCase(
        name,
        root / name,
        records=3,
        kept_urls=[good_url(name, 0)],
        dropped=[("read", "warc_other_type")],
        errors=[
            ("read", f"CorruptFile: OSError: Invalid WARC header at offset {fault_at}", f"offset:{fault_at}")
        ],
        note="a header block with a colon-less field and a non-numeric Content-Length",
    )


def _content_length_short(root: Path) -> BadCase:
    name = "cl-short.warc"
    first = good_record(name, 0, 5)
    # article 25, not 6: 6 (tennis scores, 27% of its tokens digits and dashes) fails Gopher's letter rule
    block = http_response(article_html(25))
    liar = warc_record("response", block, _rid(name, 1), good_url(name, 1), content_length=len(block) - 1000)
    (root / name).write_bytes(first + liar + good_record(name, 2, 7))
    # the liar's declared block ends 1000 bytes early: its (cut) page is read, then the bytes where its
    # CRLFCRLF trailer should be are no WARC header: one fault row there
    fault_at = len(first) + liar.index(b"\r\n\r\n") + 4 + len(block) - 1000
    return BadCase(
        name,
        root / name,
        records=3,
        kept_urls=[good_url(name, 0), good_url(name, 1)],
        errors=[("read", "CorruptFile: OSError: Invalid WARC header", f"offset:{fault_at}")],
        note="Content-Length 1000 bytes short",
    )


def _content_length_long(root: Path) -> BadCase:
    name = "cl-long.warc"
    first = good_record(name, 0, 8)
    block = http_response(article_html(9))
    liar = warc_record(
        "response", block, _rid(name, 1), good_url(name, 1), content_length=len(block) + 50_000
    )
    data = first + liar
    (root / name).write_bytes(data)
    return BadCase(
        name,
        root / name,
        records=2,
        kept_urls=[good_url(name, 0)],
        errors=[
            (
                "read",
                (
                    f"TruncatedRecord: response record <urn:uuid:{_rid(name, 1)}> declares {len(block) + 50_000} "
                    f"bytes but the file ends after {len(block) + 4} of them (offset {len(data)})"
                ),
                f"offset:{len(data)}",
            )
        ],
        note="Content-Length 50,000 bytes past the end of the file",
    )


def _bomb_member(root: Path, total: int = 4 * GIB) -> BadCase:
    name = "bomb-member.warc.gz"
    head = warc_record("resource", b"", _rid(name, 0), "https://bomb.example/member", content_length=total)
    head = head[: -len(b"\r\n\r\n")]
    data = (
        gzip.compress(head, mtime=0)
        + gzip_bomb(total)
        + gzip.compress(b"\r\n\r\n", mtime=0)
        + gzip.compress(good_record(name, 1, 10), mtime=0)
    )
    (root / name).write_bytes(data)
    return BadCase(
        name,
        root / name,
        records=2,
        kept_urls=[good_url(name, 1)],
        errors=[
            (
                "read",
                f"RecordTooLarge: resource record of {total} bytes exceeds max_record_bytes=67108864",
                f"<urn:uuid:{_rid(name, 0)}>",
            )
        ],
        note=f"{len(data) >> 10} KiB inflating to {total >> 30} GiB inside the WARC's gzip members",
    )


def _bomb_nested(root: Path, total: int = 4 * GIB) -> BadCase:
    name = "bomb-nested.warc"
    inner = gzip_bomb(total)
    payload = gzip.compress(inner, compresslevel=9, mtime=0)  # gzip of gzip: a few KB -> MB -> GB
    block = http_response(payload, "Content-Encoding: gzip, gzip\r\n")
    data = warc_record("response", block, _rid(name, 0), "https://bomb.example/nested") + good_record(
        name, 1, 11
    )
    (root / name).write_bytes(data)
    return BadCase(
        name,
        root / name,
        records=2,
        kept_urls=[good_url(name, 1)],
        errors=[
            (
                "read",
                "RecordTooLarge: decompressed payload exceeds max_record_bytes=67108864",
                f"<urn:uuid:{_rid(name, 0)}>",
            )
        ],
        note=f"a {len(payload) >> 10} KiB HTTP body, Content-Encoding: gzip, gzip, inflating to {total >> 30} GiB",
    )


def _bomb_text(root: Path, total: int = 4 * GIB) -> BadCase:
    name = "bomb.txt.gz"
    (root / name).write_bytes(gzip_bomb(total))
    return BadCase(
        name,
        root / name,
        records=1,
        errors=[("read", "RecordTooLarge: file exceeds max_record_bytes=67108864", "file")],
    )


def _bomb_jsonl(root: Path, total: int = GIB) -> BadCase:
    name = "bomb.jsonl.gz"
    good = [
        json.dumps({"id": f"{name}-{n}", "url": good_url(name, n), "text": article_text(n)}) for n in (12, 13)
    ]
    data = (
        gzip.compress((good[0] + "\n").encode(), mtime=0)
        + gzip.compress(b'{"text": "', mtime=0)
        + gzip_bomb(total)
        + gzip.compress(b'"}\n' + (good[1] + "\n").encode(), mtime=0)
    )
    (root / name).write_bytes(data)
    return BadCase(
        name,
        root / name,
        records=3,
        kept_urls=[good_url(name, 12), good_url(name, 13)],
        errors=[("read", "RecordTooLarge: line 2 exceeds max_record_bytes=67108864", "line:2")],
        note=f"a JSONL line of {total >> 30} GiB between two good lines",
    )


def _filler_page(size: int) -> bytes:
    para = b"<p>" + article_text(14).split("\n")[0].encode() + b"</p>\n"
    head = b"<!DOCTYPE html><html><head><title>huge</title></head><body><article>\n"
    return head + para * ((size - len(head)) // len(para) + 1) + b"</article></body></html>\n"


def _huge_page_file(root: Path) -> BadCase:
    name = "huge-page.html"
    page = _filler_page(50 << 20)
    (root / name).write_bytes(page)
    return BadCase(
        name,
        root / name,
        records=1,
        errors=[("extract", f"HtmlTooLarge: {len(page)} bytes > max_html_bytes=5000000", "file")],
    )


def _huge_page_warc(root: Path) -> BadCase:
    name = "huge-page.warc.gz"
    page = _filler_page(50 << 20)
    data = gzip.compress(
        warc_record("resource", page, _rid(name, 0), "https://huge.example/page"), compresslevel=1, mtime=0
    )
    data += gzip.compress(good_record(name, 1, 15), mtime=0)
    (root / name).write_bytes(data)
    return BadCase(
        name,
        root / name,
        records=2,
        kept_urls=[good_url(name, 1)],
        errors=[
            (
                "extract",
                f"HtmlTooLarge: {len(page)} bytes > max_html_bytes=5000000",
                f"<urn:uuid:{_rid(name, 0)}>",
            )
        ],
    )


def deep_page(depth: int = 100_000) -> bytes:
    text = _escape(article_text(30).split("\n")[0]).encode()
    return (
        b"<html><body>" + b"<div>" * depth + b"<p>" + text + b"</p>" + b"</div>" * depth + b"</body></html>"
    )


def _deep_page(root: Path) -> BadCase:
    name = "deep.html"
    (root / name).write_bytes(deep_page())
    # lxml stops building the tree at its depth limit (huge_tree is off): nothing is extracted, within a second
    return BadCase(name, root / name, records=1, dropped=[("extract", "no_text_extracted")])


def billion_laughs() -> bytes:
    ents = "".join(
        f'<!ENTITY lol{i} "' + ((f"&lol{i - 1};" if i > 1 else "lol") * 10) + '">' for i in range(1, 10)
    )
    return (
        f"<!DOCTYPE html [{ents}]>\n<html><head><title>lol</title></head><body><article>"
        + "<p>&lol9;&lol9;&lol9;</p>" * 3
        + "</article></body></html>"
    ).encode()


def _billion_laughs(root: Path) -> BadCase:
    name = "laughs.html"
    (root / name).write_bytes(billion_laughs())
    return BadCase(name, root / name, records=1, note="entities are not expanded (checked by the test)")


def _bad_utf8_text(root: Path) -> BadCase:
    name = "bad-utf8.txt"
    text = article_text(16).encode("utf-8")
    cut = text.index(b". ", 500) + 2
    (root / name).write_bytes(text[:cut] + b"\xff\xfe\xc3\x28 \xed\xa0\x80 " + text[cut:])
    return BadCase(name, root / name, records=1, kept_sources=1, note="invalid UTF-8 sequences mid-text")


def _mixed_encoding_warc(root: Path) -> BadCase:
    name = "mixed-encoding.warc"
    page = article_html(17)
    cut = page.index(b"</p>") + 4
    mixed = page[:cut] + "<p>Café déjà vu à Zürich — “quoted”</p>".encode("cp1252") + page[cut:]
    data = warc_record("response", http_response(mixed), _rid(name, 0), good_url(name, 0))
    (root / name).write_bytes(data + good_record(name, 1, 18))
    return BadCase(
        name,
        root / name,
        records=2,
        kept_urls=[good_url(name, 0), good_url(name, 1)],
        note="a UTF-8 page with a cp1252 paragraph",
    )


def _nul_bytes(root: Path) -> BadCase:
    name = "nul.warc"
    page = article_html(19)
    cut = page.index(b"</p>") + 4
    nul_page = page[:cut] + b"<p>\x00\x00 zero \x00 bytes</p>" + page[cut:]
    data = warc_record("response", http_response(nul_page), _rid(name, 0), good_url(name, 0))
    (root / name).write_bytes(data + good_record(name, 1, 20))
    return BadCase(name, root / name, records=2, kept_urls=[good_url(name, 0), good_url(name, 1)])


def _nul_text(root: Path) -> BadCase:
    name = "nul.txt"
    text = article_text(21)
    cut = text.index(". ", 300) + 2
    (root / name).write_text(text[:cut] + "\x00\x00\x00" + text[cut:], encoding="utf-8")
    return BadCase(name, root / name, records=1, kept_sources=1)


def _broken_jsonl(root: Path) -> BadCase:
    name = "broken.jsonl"
    lines = [
        json.dumps({"id": "j22", "url": good_url(name, 22), "text": article_text(22)}),
        '{"text": "broken json',
        json.dumps({"text": 42}),
        json.dumps(["a", "list"]),
        "\x00\x01\x02 not json at all",
        json.dumps({"id": "j23", "url": good_url(name, 23), "text": article_text(23)}),
        json.dumps({"text": "x", "url": {"not": "a string"}}),
        json.dumps({"text": "y", "fetch_time": "last tuesday"}),
    ]
    (root / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return BadCase(
        name,
        root / name,
        records=8,
        kept_urls=[good_url(name, 22), good_url(name, 23)],
        errors=[
            ("read", "InvalidRecord: line 2: not valid JSON", "line:2"),
            ("read", "InvalidRecord: line 3: field 'text' is a int, not a string", "line:3"),
            ("read", "InvalidRecord: line 4: a list, not an object", "line:4"),
            ("read", "InvalidRecord: line 5: not valid JSON", "line:5"),
            ("read", "InvalidRecord: line 7: field 'url' is a dict, not a string", "line:7"),
            ("read", "InvalidRecord: line 8: field 'fetch_time' is not a time: 'last tuesday'", "line:8"),
        ],
    )


def _unknown_extension(root: Path) -> BadCase:
    name = "notes.bin"
    (root / name).write_bytes(b"\x00binary\x01")
    return BadCase(
        name,
        root / name,
        records=1,
        errors=[
            (
                "read",
                "UnsupportedFormat: cannot tell the format of 'notes.bin' from its extension",
                "offset:0",
            )
        ],
    )


GENERATORS: tuple[Generator, ...] = (
    _truncated_gzip_member,
    _random_bytes,
    _random_after_gzip_magic,
    _empty("empty.warc.gz"),
    _empty("empty.jsonl"),
    _empty("empty.html"),
    _broken_header,
    _content_length_short,
    _content_length_long,
    _bomb_member,
    _bomb_nested,
    _bomb_text,
    _bomb_jsonl,
    _huge_page_file,
    _huge_page_warc,
    _deep_page,
    _billion_laughs,
    _bad_utf8_text,
    _mixed_encoding_warc,
    _nul_bytes,
    _nul_text,
    _broken_jsonl,
    _unknown_extension,
)


def make_bad_inputs(root: Path) -> list[BadCase]:
    """Write every generated bad file into `root` (created) and return the cases, in a fixed order."""
    root.mkdir(parents=True, exist_ok=True)
    return [gen(root) for gen in GENERATORS]


def shared_malformed_cases() -> list[BadCase]:
    """The deliberately malformed real files in ../shared/data/warc (read in place, never copied)."""
    trunc = WARC_DIR / "webrecorder+warcio/example-trunc.warc"
    clipped = WARC_DIR / "chatnoir-eu+chatnoir-resiliparse/clipped.warc.gz"
    return [
        BadCase(
            "example-trunc.warc",
            trunc,
            records=4,  # 2 warcinfo, the response (kept or filtered later), the fault
            dropped=[("read", "warc_warcinfo"), ("read", "warc_warcinfo")],
            errors=[
                (
                    "read",
                    (
                        "CorruptFile: OSError: Invalid WARC header at offset 2560 "
                        "(after record <urn:uuid:a9c51e3e-0221-11e7-bf66-0242ac120005>)"
                    ),
                    "offset:2560",
                )
            ],
        ),
        BadCase(
            "clipped.warc.gz",
            clipped,
            records=1,
            errors=[
                (
                    "read",
                    (
                        "TruncatedRecord: response record <urn:uuid:f3dfa8fa-f031-4a38-90cc-1dcee3d07bb5> declares "
                        "88275 bytes but the file ends after 75207 of them (offset 18184)"
                    ),
                    "offset:18184",
                )
            ],
        ),
        BadCase(
            "example-bad-non-chunked.warc.gz",
            WARC_DIR / "webrecorder+warcio/example-bad-non-chunked.warc.gz",
            records=6,
            dropped=[("read", "warc_request")] * 2
            + [("read", "warc_revisit")]
            + [("read", "warc_warcinfo")] * 2,
        ),
        BadCase(
            "example-wrong-chunks.warc.gz",
            WARC_DIR / "webrecorder+warcio/example-wrong-chunks.warc.gz",
            records=2,
            dropped=[("read", "warc_request")],
        ),
    ]


# -- running the CLI -------------------------------------------------------------------------------------------

# Runs the command given in argv and reports the largest RSS among the processes it waited for (the CLI
# itself and, through it, every worker and sandbox it reaped) on the last line of stderr.
_RUSAGE_WRAPPER = (
    "import resource, subprocess, sys\n"
    "rc = subprocess.call(sys.argv[1:])\n"
    "print('MAXRSS_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(rc)\n"
)


@dataclass(frozen=True)
class CliRun:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_mb: float


def cli_command(args: Sequence[str]) -> list[str]:
    """The argv of `crawlwash <args>` with this interpreter (works without the console script installed)."""
    return [sys.executable, "-m", "pipelines.cli", *args]


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def run_cli(args: Sequence[str], cwd: Path, timeout_s: float = 300) -> CliRun:
    """Run `crawlwash <args>` in `cwd` (no configs/local.yaml there: defaults apply) and wait for it."""
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", _RUSAGE_WRAPPER, *cli_command(args)],
        check=False,
        cwd=cwd,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )
    seconds = time.monotonic() - started
    stderr = proc.stderr
    peak = 0.0
    lines = stderr.rstrip("\n").rsplit("\n", 1)
    if lines and lines[-1].startswith("MAXRSS_KB "):
        peak = int(lines[-1].split()[1]) / 1024
        stderr = lines[0] if len(lines) == 2 else ""
    return CliRun(proc.returncode, proc.stdout, stderr, seconds, peak)


def peak_rss_mb_of_children() -> float:
    """Peak RSS of the largest child this process has waited for so far, in MiB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
