"""Extraction stage: charset decoding, trafilatura on real pages, the sandboxed time budget, the Beam transform."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import apache_beam as beam
import pytest
from apache_beam import pvalue
from apache_beam.testing import test_pipeline
from apache_beam.testing.util import assert_that, equal_to
from fastwarc.warc import ArchiveIterator, WarcRecordType

from tests.conftest import AEB_DIR, BENCH_WARC, REPO, WARC_DIR
from transforms.core import FAILED, Doc, Failed
from transforms.extract import (
    REASON_NO_TEXT_EXTRACTED,
    ExtractConfig,
    ExtractFn,
    ExtractorCrashed,
    ExtractorSandbox,
    ExtractResult,
    ExtractText,
    HtmlTooLarge,
    UndecodableHtml,
    decode_html,
    extract_html,
    normalize_charset,
    sniff_meta_charset,
)

CLUEWEB_QUIRK = WARC_DIR / "chatnoir-eu+chatnoir-resiliparse" / "clueweb-quirk.warc.gz"
CC_WARC = WARC_DIR / "chatnoir-eu+chatnoir-resiliparse" / "warcfile.warc.gz"
AUT_WARC = WARC_DIR / "archivesunleashed+aut" / "example.warc.gz"
SOPA_WARC = WARC_DIR / "ukwa+webarchive-test-suite" / "sopa-wikipedia-homepage.warc.gz"

IN_PROCESS = ExtractConfig(timeout_s=0)
EUC_JP_TITLE = "ヘッドポーター 吉田カバン PORTER 限定品 取扱専門 通販店【e-brand】"

# Pages of the ScrapingHub article-extraction benchmark (ground truth in AEB_DIR/ground-truth.json).
AEB_NYT = "04a6711caa7c687592777718866e781e976e0fe684faebe8b3cedcef8cd0ea34"  # 410 KB, utf-8, no meta charset
AEB_AUTOSHOW = "05844573ca7e1fba714d715bb11ca08c26e25328999c74a1cb3bc8a0e4399f0f"  # 140 KB, meta utf-8
AEB_REUTERS = "06e5123e4ef7cfb4533250dc45d1e03d0838fc66223f45c583c4d12f48b4da85"  # 58 KB


def _http_block(block: bytes) -> tuple[dict[str, str], bytes]:
    """Split an HTTP response block into lower-cased headers and body (CRLF or bare LF, as ClueWeb has)."""
    crlf, lf = block.find(b"\r\n\r\n"), block.find(b"\n\n")
    cut, sep = (crlf, 4) if crlf >= 0 and (lf < 0 or crlf < lf) else (lf, 2)
    headers = {}
    for line in block[:cut].decode("latin-1").splitlines()[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return headers, block[cut + sep :]


def _header_charset(headers: dict[str, str]) -> str | None:
    ct = headers.get("content-type", "")
    return ct.split("charset=", 1)[1].split(";")[0].strip() if "charset=" in ct.lower() else None


def _responses(path: Path) -> dict[str, tuple[str | None, bytes]]:
    """URL -> (charset from the HTTP header, payload) for the response records of a WARC file."""
    out = {}
    with open(path, "rb") as f:
        for rec in ArchiveIterator(f, record_types=WarcRecordType.response, parse_http=False):
            headers, body = _http_block(rec.reader.read())
            out[rec.headers.get("WARC-Target-URI")] = (_header_charset(headers), body)
    return out


def _aeb(key: str) -> tuple[bytes, str]:
    truth = json.loads((AEB_DIR / "ground-truth.json").read_text())[key]["articleBody"]
    return gzip.decompress((AEB_DIR / "html" / f"{key}.html.gz").read_bytes()), truth


@pytest.fixture(scope="module")
def cc_pages() -> dict[str, tuple[str | None, bytes]]:
    return _responses(CC_WARC)


@pytest.fixture(scope="module")
def clueweb_pages() -> dict[str, tuple[str | None, bytes]]:
    return _responses(CLUEWEB_QUIRK)


BENCH_URLS = {
    "der-erfolg": "http://www.der-erfolg-gibt-recht.de/rezepte/rinderleber-geschnetzeltes-mit-apfel-und-zwiebel",
    "gazeta": "https://wiadomosci.gazeta.pl/wiadomosci/7,114883,27025667,ziemniaki-na",
    "mix1": "https://www.mix1.de/music/leslie-clio/brave-new-woman/",
    "partei": "https://die-partei.net/luebeck/2012/05/31/das-ministerium-fur-club-kultur-informiert/",
    "bmjv": "https://www.bmjv.de/DE/Verbraucherportal/KonsumImAlltag/TransparenzPreisanpassung/",
}


@pytest.fixture(scope="module")
def bench_pages() -> dict[str, tuple[str, bytes]]:
    """A few pages of the benchmark WARC by short name: (URL, payload); URLs matched by prefix."""
    found = {}
    with open(BENCH_WARC, "rb") as f:
        for rec in ArchiveIterator(f, record_types=WarcRecordType.response, parse_http=True):
            url = rec.headers.get("WARC-Target-URI")
            for name, prefix in BENCH_URLS.items():
                if url.startswith(prefix):
                    found[name] = (url, rec.reader.read())
    assert set(found) == set(BENCH_URLS)
    return found


@pytest.fixture(scope="module")
def png_payload() -> bytes:
    return _responses(SOPA_WARC)["http://bits.wikimedia.org/images/wikimedia-button.png"][1]


@pytest.fixture(scope="module")
def no_text_page() -> bytes:
    # A real page whose body is empty (a meta-refresh redirect).
    return _responses(AUT_WARC)["http://www.hideout.com.br/"][1]


@pytest.fixture(scope="module")
def spb_page(cc_pages) -> bytes:
    charset, payload = cc_pages["http://01spb.ru/company/"]
    assert charset == "windows-1251"
    return payload


def _pathological_page(paragraphs: int = 40_000) -> bytes:
    # 2.6 MB of paragraphs: several seconds of trafilatura on any machine (about 7 s here), far over a 1 s budget.
    body = "".join(
        f"<p>Paragraph number {i} with some words in it to make text.</p>" for i in range(paragraphs)
    )
    return f"<html><head><title>slow</title></head><body>{body}</body></html>".encode()


# ---------------------------------------------------------------------------------------------------------------
# Charsets
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("ISO-8859-1", "cp1252"),
        ("latin1", "cp1252"),
        ("US-ASCII", "cp1252"),
        ("windows-1252", "cp1252"),
        ("iso-8859-9", "cp1254"),
        ("gb2312", "gb18030"),
        ("GBK", "gb18030"),
        ("x-gbk", "gb18030"),
        ("x-sjis", "cp932"),
        ("Shift_JIS", "cp932"),
        ("EUC-JP", "euc_jp"),
        ("euc-kr", "cp949"),
        ("big5", "big5hkscs"),
        ("windows-1251", "cp1251"),
        ("windows-874", "cp874"),
        ("KOI8-R", "koi8-r"),
        ("ks_c_5601-1987", "cp949"),  # Korean sites' usual label: a WHATWG label of EUC-KR
        ("iso88591", "cp1252"),
        ("csgb2312", "gb18030"),
        ("x-mac-ukrainian", "mac-cyrillic"),
        ("ucs-2", "utf-16-le"),  # a label newer than webencodings' table
        (' "UTF-8" ', "utf-8"),
        ("utf8", "utf-8"),
        ("utf-7", None),
        ("rot13", None),
        ("base64", None),
        ("unicode_escape", None),
        ("no-such-charset", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_charset(label: str | None, codec: str | None) -> None:
    assert normalize_charset(label) == codec


def test_sniff_meta_charset_on_real_pages(cc_pages, clueweb_pages) -> None:
    assert sniff_meta_charset(next(iter(clueweb_pages.values()))[1]) == "euc_jp"
    assert sniff_meta_charset(cc_pages["http://01spb.ru/company/"][1]) == "cp1251"
    assert (
        sniff_meta_charset(cc_pages["http://041696.com/15477/list_6_4.html"][1]) == "gb18030"
    )  # charset=gbk
    assert (
        sniff_meta_charset(cc_pages["http://06.live-radsport.ch/tippspiel/stats_140_petzi.html"][1])
        == "cp1252"
    )
    assert sniff_meta_charset(_aeb(AEB_AUTOSHOW)[0]) == "utf-8"
    assert sniff_meta_charset(_aeb(AEB_NYT)[0]) is None


def test_sniff_meta_charset_edge_cases() -> None:
    assert sniff_meta_charset(b'<html><head><meta charset="utf-16"></head>') == "utf-8"
    assert sniff_meta_charset(b"<!-- <meta charset=\"koi8-r\"> --><meta charset='windows-1250'>") == "cp1250"
    assert sniff_meta_charset(b'<?xml version="1.0" encoding="ISO-8859-2"?>\n<html>') == "iso8859-2"
    assert sniff_meta_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=bogus">') is None
    assert sniff_meta_charset(b" " * 5000 + b'<meta charset="koi8-r">') is None  # beyond the prescan window


def test_euc_jp_pages_decode_from_header_or_meta(clueweb_pages) -> None:
    assert len(clueweb_pages) == 29
    for header_charset, payload in clueweb_pages.values():
        assert header_charset == "EUC-JP"
        from_header, codec = decode_html(payload, header_charset)
        assert codec == "euc_jp"
        assert "\ufffd" not in from_header
        assert "<title>" in from_header and "吉田" in from_header  # 吉田カバン (Yoshida & Co.) on every page
        assert decode_html(payload, None) == (from_header, "euc_jp")  # the meta tag alone gets it right


def test_euc_jp_page_extracts_japanese_text_and_title(clueweb_pages) -> None:
    payload = clueweb_pages["http://www.uraharajuku.st/shopdetail/001005000005/019/000/order/"][1]
    res = extract_html(payload, IN_PROCESS.model_copy(update={"with_metadata": True}), http_charset="EUC-JP")
    assert res.charset == "euc_jp"
    assert res.title == EUC_JP_TITLE
    assert "マージ 長財布 Ｌ パンチングレザー ブラック（1）" in res.text
    assert not res.text.startswith("---")  # trafilatura's YAML metadata header is not part of the text
    # Metadata only adds the title: the text is the same without it.
    assert extract_html(payload, IN_PROCESS, http_charset="EUC-JP") == ExtractResult(res.text, None, "euc_jp")


def test_header_wins_over_meta(spb_page) -> None:
    # Both labels decode these bytes without error; the HTTP header decides.
    payload = spb_page.replace(b"charset=windows-1251", b"charset=koi8-r")
    assert sniff_meta_charset(payload) == "koi8-r"
    text, codec = decode_html(payload, "windows-1251")
    assert codec == "cp1251"
    assert "Стратегия пожарной безопасности" in text


def test_meta_wins_over_detection(spb_page) -> None:
    mislabelled = spb_page.replace(b"charset=windows-1251", b"charset=koi8-r")
    assert decode_html(mislabelled, None)[1] == "koi8-r"  # declared beats detected, even when wrong
    undeclared = spb_page.replace(b"charset=windows-1251", b"")
    text, codec = decode_html(undeclared, None)
    assert codec == "cp1251"  # detection
    assert "Стратегия пожарной безопасности" in text


def test_lying_header_falls_back_to_meta(spb_page) -> None:
    text, codec = decode_html(spb_page, "utf-8")  # not valid UTF-8: the header lies
    assert codec == "cp1251"
    assert "Стратегия пожарной безопасности" in text
    res = extract_html(spb_page, IN_PROCESS, http_charset="utf-8")
    assert res.charset == "cp1251"
    assert res.text.startswith(
        "О компании\nСтратегия пожарной безопасности\nООО «СПБ» - узкоспециализированное"
    )


def test_single_byte_label_loses_to_valid_utf8() -> None:
    payload, _ = _aeb(AEB_AUTOSHOW)  # UTF-8 with curly quotes, served as if it were latin-1
    text, codec = decode_html(payload, "ISO-8859-1")
    assert codec == "utf-8"
    assert "Toyota’s top-selling vehicle" in text


def test_detection_without_any_declaration(cc_pages) -> None:
    header, payload = cc_pages["http://0760.jxtdw.com/area/sanxiang/"]
    assert header == "gb2312"
    undeclared = payload.replace(b"charset=gb2312", b"")
    assert sniff_meta_charset(undeclared) is None
    text, codec = decode_html(undeclared, None)
    assert codec == "gb18030"
    assert "中山市标力玻璃有限公司" in text
    assert decode_html(payload, header) == (payload.decode("gb18030"), "gb18030")


def test_mixed_encoding_page_keeps_its_declared_charset(bench_pages) -> None:
    # A real UTF-8 page with three stray latin-1 bytes ("K\xfcchenblogs"): UTF-8 with three U+FFFD beats a
    # detector's single-byte guess for the whole page (charset-normalizer says iso8859_10: mojibake everywhere).
    payload = bench_pages["der-erfolg"][1]
    text, codec = decode_html(payload, None)
    assert codec == "utf-8"
    assert text.count("\ufffd") == 3
    assert "So schön winterlich ist es" in extract_html(payload, IN_PROCESS).text


def test_legacy_charsets_decode_as_browsers_do(bench_pages) -> None:
    # trafilatura's own bytes path reads these as latin-1 ("dziesi±tej", "\x84Brave New Woman\x93").
    text, codec = decode_html(bench_pages["gazeta"][1], None)
    assert codec == "iso8859-2"
    assert "surówka na dziesiątej" in text
    text, codec = decode_html(bench_pages["mix1"][1], None)  # declared iso-8859-1: windows-1252 in browsers
    assert codec == "cp1252"
    assert "Leslie-Clio-Album, „Brave New Woman“" in text


def test_bom_wins_over_header() -> None:
    payload, _ = _aeb(AEB_REUTERS)
    text, codec = decode_html(b"\xef\xbb\xbf" + payload, "windows-1251")
    assert codec == "utf-8"
    assert text == payload.decode("utf-8")


def test_binary_payload_is_undecodable(png_payload) -> None:
    with pytest.raises(UndecodableHtml, match=r"^1293 of 2308 characters undecodable or control characters"):
        decode_html(png_payload, None)
    with pytest.raises(UndecodableHtml):
        extract_html(png_payload, IN_PROCESS, http_charset="iso-8859-1")


# ---------------------------------------------------------------------------------------------------------------
# Extraction (in process)
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [AEB_NYT, AEB_AUTOSHOW, AEB_REUTERS])
def test_extracts_the_article_of_real_pages(key: str) -> None:
    payload, truth = _aeb(key)
    res = extract_html(payload, IN_PROCESS)
    assert res.charset == "utf-8"
    assert res.title is None  # with_metadata is off by default
    first_paragraph = truth.split("\n")[0]
    assert first_paragraph[:120] in res.text


def test_extracts_evaluation_snippets_from_bench_pages(bench_pages) -> None:
    # Snippets from trafilatura's evaluation data (bench/trafilatura-evaldata.json) that must appear.
    wanted = {
        "partei": ["Die GEMA dreht völlig am Zeiger!"],
        "bmjv": [
            "Auch hier gilt der Grundsatz,",
            "Anbieter von Fernwärme haben innerhalb ihres Leitungsnetzes ein Monopol",
        ],
    }
    for name, snippets in wanted.items():
        url, payload = bench_pages[name]
        text = extract_html(payload, IN_PROCESS, url=url).text
        for snippet in snippets:
            assert snippet in text
        assert "Impressum" not in text  # a "without" snippet of both pages


def test_page_without_main_text_gives_empty_text(no_text_page) -> None:
    assert extract_html(no_text_page, IN_PROCESS) == ExtractResult("", None, "utf-8")


def test_oversized_payload_is_refused() -> None:
    payload, _ = _aeb(AEB_REUTERS)
    with pytest.raises(HtmlTooLarge, match=rf"^{len(payload)} bytes > max_html_bytes=50000$"):
        extract_html(payload, IN_PROCESS.model_copy(update={"max_html_bytes": 50_000}))


def test_deduplicate_is_scoped_to_one_page() -> None:
    # trafilatura's default cache is process-wide: repeated runs over the same page would start dropping text.
    payload, _ = _aeb(AEB_AUTOSHOW)
    cfg = IN_PROCESS.model_copy(update={"deduplicate": True})
    results = {extract_html(payload, cfg).text for _ in range(4)}
    assert len(results) == 1
    assert "Toyota’s top-selling vehicle" in results.pop()


def test_config_rejects_unknown_keys_and_bad_values() -> None:
    with pytest.raises(ValueError, match="favour"):
        ExtractConfig(favour="precision")
    with pytest.raises(ValueError, match="favor"):
        ExtractConfig(favor="speed")
    with pytest.raises(ValueError, match="timeout_s"):
        ExtractConfig(timeout_s=-1)
    for name, field in ExtractConfig.model_fields.items():
        assert field.description, name


# ---------------------------------------------------------------------------------------------------------------
# Sandbox
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fast_sandbox():
    with ExtractorSandbox(ExtractConfig(timeout_s=1.0, max_html_bytes=10_000_000)) as sb:
        yield sb


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")  # a zombie has exited (an orphan's reaper may be slow)


def test_sandbox_gives_the_same_results_as_in_process(fast_sandbox, clueweb_pages, spb_page) -> None:
    cases = [
        (_aeb(AEB_NYT)[0], None),
        (next(iter(clueweb_pages.values()))[1], "EUC-JP"),
        (spb_page, "utf-8"),
    ]
    for payload, charset in cases:
        assert fast_sandbox.extract(payload, http_charset=charset) == extract_html(
            payload, IN_PROCESS, charset
        )


def test_sandbox_reports_errors_without_restarting(fast_sandbox, png_payload) -> None:
    pid = fast_sandbox.pid
    with pytest.raises(UndecodableHtml, match="characters undecodable"):
        fast_sandbox.extract(png_payload)
    with pytest.raises(HtmlTooLarge, match=r"bytes > max_html_bytes=10000000$"):
        fast_sandbox.extract(b"<html>" + b" " * 10_000_000)
    assert fast_sandbox.pid == pid


@pytest.mark.slow  # a child restart: seconds on a loaded machine (the timeout test covers the same restart path)
def test_child_crash_mid_page_is_reported_and_recovered(fast_sandbox) -> None:
    fast_sandbox.extract(b"<html><body><p>warm up</p></body></html>")
    pid = fast_sandbox.pid
    threading.Timer(0.3, os.kill, (pid, signal.SIGKILL)).start()
    with pytest.raises(ExtractorCrashed, match=r"^extraction process died \(exit code -9\)$"):
        fast_sandbox.extract(_pathological_page())
    payload, truth = _aeb(AEB_REUTERS)
    assert fast_sandbox.extract(payload).text.startswith(truth[:60])


@pytest.mark.slow  # a child restart: seconds on a loaded machine
def test_idle_child_death_is_transparent(fast_sandbox) -> None:
    fast_sandbox.extract(b"<html><body><p>warm up</p></body></html>")
    pid = fast_sandbox.pid
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    payload, truth = _aeb(AEB_REUTERS)
    assert fast_sandbox.extract(payload).text.startswith(truth[:60])
    assert fast_sandbox.pid != pid


@pytest.mark.slow  # a second interpreter importing Beam, then a child
def test_child_exits_when_the_parent_dies_mid_page(tmp_path) -> None:
    script = tmp_path / "parent.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import os, signal, sys, threading, time
            sys.path.insert(0, {str(REPO)!r})
            from transforms.extract import ExtractConfig, ExtractorSandbox
            from tests.test_extract import _pathological_page
            sb = ExtractorSandbox(ExtractConfig(timeout_s=0, max_html_bytes=10_000_000))
            sb.extract(b"<html><body><p>warm up</p></body></html>")
            print(sb.pid, flush=True)
            threading.Thread(target=sb.extract, args=(_pathological_page(),), daemon=True).start()
            time.sleep(0.5)  # the child is now busy with the page
            os.kill(os.getpid(), signal.SIGKILL)
            """
        )
    )
    proc = subprocess.run(
        [sys.executable, str(script)], check=False, capture_output=True, text=True, timeout=120, cwd=REPO
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    child = int(proc.stdout.split()[0])
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(child)


# ---------------------------------------------------------------------------------------------------------------
# Beam
# ---------------------------------------------------------------------------------------------------------------


def _html_doc(name: str, payload: bytes, charset: str | None = None) -> Doc:
    return Doc(id=name, source=f"test://{name}", source_record="file", html=payload, charset=charset,
               content_type="text/html", url=f"http://example.test/{name}")  # fmt: skip


def test_extract_fn_timeout_is_a_failed_row_and_the_next_document_extracts() -> None:
    fn = ExtractFn(ExtractConfig(timeout_s=1.0, max_html_bytes=10_000_000))
    fn.setup()
    payload, truth = _aeb(AEB_REUTERS)
    try:
        warm = list(fn.process(_html_doc("warm", payload)))  # waits for the child to start
        pool = fn._pool
        with pool.borrow() as box:
            first_pid = box.pid
        slow = list(fn.process(_html_doc("slow", _pathological_page())))  # cut at 1 s (alone: many seconds)
        fine = list(fn.process(_html_doc("fine", payload)))
        with pool.borrow() as box:
            assert box.starts == 2  # killed on timeout, restarted for the next page
            second_pid = box.pid
        assert pool.started == 1  # one thread: the pool lent the same sandbox every time
    finally:
        fn.teardown()
        pool.close()
    assert not _alive(first_pid)  # killed on timeout
    assert not _alive(second_pid)  # stopped with the pool
    assert len(slow) == 1 and isinstance(slow[0], pvalue.TaggedOutput) and slow[0].tag == FAILED
    assert slow[0].value == Failed(
        stage="extract", error="ExtractionTimeout: exceeded 1.0 s", source="test://slow", source_record="file",
        id="slow", url="http://example.test/slow",
    )  # fmt: skip
    for out in (warm, fine):
        assert len(out) == 1 and isinstance(out[0], Doc)
        assert out[0].text.startswith(truth[:60]) and out[0].html is None and out[0].charset == "utf-8"


def test_prefetched_pages_give_the_same_rows_and_a_slow_one_its_own_timeout(png_payload) -> None:
    # The map phase sends the next page to the sandbox before it runs the later stages on the current one
    # (`prefetch`). Each page still gets its own outcome and its own time budget, counted from when it was sent.
    fn = ExtractFn(ExtractConfig(timeout_s=1.0, max_html_bytes=10_000_000))
    fn.setup()
    fn._overlap = True  # whatever CPUs this test may use
    payload, truth = _aeb(AEB_REUTERS)
    docs = [_html_doc("a", payload), _html_doc("slow", _pathological_page()), _html_doc("b", payload),
            _html_doc("png", png_payload), _html_doc("c", b"<html>" + b" " * 10_000_001)]  # fmt: skip
    try:
        list(fn.process(_html_doc("warm", payload)))  # waits for the child to start
        outcomes = []
        for doc, following in zip(docs, [*docs[1:], None], strict=True):
            outcomes.append(list(fn.outcomes(doc)))
            fn.prefetch(following)
            time.sleep(0.6)  # the later stages of `doc`: the budget of `following` runs meanwhile
        pool = fn._pool
    finally:
        fn.teardown()
        pool.close()
    a, slow, b, png, big = (out[0] for out in outcomes)
    assert isinstance(a, Doc) and isinstance(b, Doc) and a.text == b.text and a.text.startswith(truth[:60])
    assert slow.tag == FAILED and slow.value.error == "ExtractionTimeout: exceeded 1.0 s"
    assert png.tag == FAILED and png.value.error.startswith("UndecodableHtml: ")
    assert big.tag == FAILED and big.value.error.startswith("HtmlTooLarge: ")


def test_extract_text_transform(no_text_page, png_payload, spb_page) -> None:
    reuters, reuters_truth = _aeb(AEB_REUTERS)
    nyt, _ = _aeb(AEB_NYT)
    text_doc = Doc(id="wet", source="test://wet", source_record="line:1", text="Already text.", lang="en")
    docs = [
        _html_doc("reuters", reuters),
        _html_doc("spb", spb_page, charset="windows-1251"),
        _html_doc("empty", no_text_page),
        _html_doc("png", png_payload, charset="iso-8859-1"),
        _html_doc("big", nyt),
        text_doc,
    ]
    cfg = ExtractConfig(max_html_bytes=200_000)
    with test_pipeline.TestPipeline() as p:
        out = p | beam.Create(docs) | ExtractText(cfg)
        kept = out.kept | "Kept" >> beam.Map(lambda d: (d.id, d.html is None, d.charset, d.text[:40]))
        dropped = out.dropped | "Dropped" >> beam.Map(lambda d: (d.id, d.stage, d.reason, d.text))
        failed = out.failed | "Failed" >> beam.Map(lambda f: (f.id, f.stage, f.error))
        expected_wet = text_doc.with_attrs(n_chars_extracted=len(text_doc.text))  # untouched but for its length
        untouched = out.kept | beam.Filter(lambda d: d.id == "wet") | beam.Map(lambda d: d == expected_wet)
        assert_that(
            kept,
            equal_to(
                [
                    ("reuters", True, "utf-8", reuters_truth[:40]),
                    ("spb", True, "cp1251", "О компании\nСтратегия пожарной безопаснос"),
                    ("wet", True, None, "Already text."),
                ]
            ),
            label="kept",
        )
        assert_that(dropped, equal_to([("empty", "extract", REASON_NO_TEXT_EXTRACTED, "")]), label="dropped")
        png_error = "UndecodableHtml: 339 of 2426 characters undecodable or control characters as cp1252"
        big_error = f"HtmlTooLarge: {len(nyt)} bytes > max_html_bytes=200000"
        assert_that(
            failed,
            equal_to([("png", "extract", png_error), ("big", "extract", big_error)]),
            label="failed",
        )
        assert_that(untouched, equal_to([True]), label="untouched")


def _stage_splits(out: Path, overrides: list[str], overlap: bool, batch: int, paths: list[Path]) -> tuple[list, dict]:
    """The map phase of the default config (with `overrides`) on each file as one split, its extraction overlapping
    or not and in batches of `batch` documents: (the splits' summaries, the staged files' bytes by name). Each split
    is read in a thread given 300 s: a map phase that hangs fails here, it does not hang the suite."""
    from pipelines.config import load_config
    from pipelines.pipeline import STAGE_REGISTRY, map_spec
    from transforms.engine.map_phase import MapSplitFn
    from transforms.read import Split

    # a budget no page reaches even on a loaded machine: a timeout would differ between runs, not the read-ahead
    cfg = load_config(None, [f"output.dir={out}", "extract.timeout_s=600", *overrides])
    chain = [(n, fn) for n in cfg.pipeline.stages if (fn := STAGE_REGISTRY[n].make(cfg)) is not None]
    fn = MapSplitFn(map_spec(cfg), chain)
    fn.setup()
    (extract,) = (stage for name, stage in chain if name == "extract")
    extract._overlap = overlap
    fn._batch_docs = batch
    pool = extract._pool
    summaries: list[dict] = []
    try:
        for path in paths:
            reader = threading.Thread(
                target=lambda: summaries.extend(fn.process(Split(str(path), path.stat().st_size))), daemon=True
            )
            reader.start()
            reader.join(300)
            assert not reader.is_alive(), f"overlap={overlap} batch={batch}: the split of {path} never finished"
    finally:
        fn.teardown()
        pool.close()
    files = sorted((out / "_temporary" / "splits").glob("*.parquet"))
    return summaries, {f.name: f.read_bytes() for f in files}


def test_map_phase_stages_the_same_files_with_and_without_prefetch_and_in_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Reading ahead and extracting the next page meanwhile, or running each stage over a batch of documents (a
    # worker on one CPU), changes no byte of what a split stages. Batches of 3 end between the WARCs' request and
    # metadata records, and at the end of a file; with at most 4 records a batch, some batches end on a request.
    from transforms.engine import map_phase

    defaults = (map_phase._BATCH_DOCS, map_phase._BATCH_RECORDS)
    staged = {}
    for overlap, batch, records in (
        (False, 1, 1024), (True, 1, 1024), (False, 3, 1024), (True, 3, 1024), (False, 64, 1024), (False, 64, 4)
    ):  # fmt: skip
        monkeypatch.setattr(map_phase, "_BATCH_RECORDS", records)
        summaries, staged[overlap, batch, records] = _stage_splits(
            tmp_path / f"{overlap}-{batch}-{records}", [], overlap, batch, [CC_WARC, AUT_WARC]
        )
        assert all(s["counts"]["read"] > 10 for s in summaries) and len(summaries) == 2
    assert (False, *defaults) in staged  # the settings of a worker on one CPU were among them
    first = staged[False, 1, 1024]
    assert len(first) >= 8
    assert all(files == first for files in staged.values())


def test_a_split_whose_first_page_stops_before_extraction_is_read_with_prefetch(tmp_path: Path) -> None:
    # The split's first page is dropped by the URL stage, before extraction: the next page must not be sent ahead
    # before the extraction stage's warm-up, which waits for the sandbox a page sent ahead holds (it hung).
    overrides = ["url.block_domains=[003338.cn]", "extract.sandbox_pool_size=1"]
    staged = {}
    for overlap, batch in ((False, 1), (True, 1), (True, 3)):
        summaries, staged[overlap, batch] = _stage_splits(tmp_path / f"{overlap}-{batch}", overrides, overlap,
                                                          batch, [CC_WARC])  # fmt: skip
        assert summaries[0]["counts"]["dropped\turl\tblocklisted_domain"] == 1
    assert staged[True, 1] == staged[False, 1] == staged[True, 3]


def test_a_closed_pool_starts_a_new_sandbox() -> None:
    # The process's pool is shared: closing it stops its idle sandboxes, and a later borrow starts a new one (it
    # used to wait forever once the pool had started its `sandbox_pool_size`).
    from transforms.extract.pool import SandboxPool

    pool = SandboxPool(ExtractConfig(sandbox_pool_size=1))
    pids = []
    for _ in range(2):
        with pool.borrow() as box:
            box.wait_ready()
            pids.append(box.pid)
        pool.close()
    assert pids[0] != pids[1] and None not in pids


def test_a_worker_runs_the_stages_in_batches_on_one_cpu_or_when_the_runner_fills_the_cpus() -> None:
    from pipelines.config import load_config
    from pipelines.pipeline import STAGE_REGISTRY, map_spec
    from transforms.engine.map_phase import _BATCH_DOCS, MapSplitFn

    cfg = load_config(None, [])
    before = os.sched_getaffinity(0)
    one = {min(before)}
    cases = [  # (CPUs the worker may use, MapSpec.overlap, documents a batch)
        (one, True, _BATCH_DOCS), (before, True, 1 if len(before) > 1 else _BATCH_DOCS), (before, False, _BATCH_DOCS)
    ]  # fmt: skip
    try:
        for cpus, overlap, batch in cases:
            chain = [(n, fn) for n in cfg.pipeline.stages if (fn := STAGE_REGISTRY[n].make(cfg)) is not None]
            fn = MapSplitFn(map_spec(cfg, overlap=overlap), chain)
            os.sched_setaffinity(0, cpus)
            fn.setup()
            try:
                assert fn._batch_docs == batch, (cpus, overlap)
            finally:
                fn.teardown()
    finally:
        os.sched_setaffinity(0, before)


def test_the_sandbox_child_starts_without_pydantic_or_beam() -> None:
    """The child imports what it runs and no more (pydantic alone was 0.15 s of every start); it reads the
    options `ExtractConfig.options()` gives, the same values under the same names."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import transforms.extract.sandbox, transforms.extract.html; "
        "print(sorted(m for m in ('pydantic', 'apache_beam', 'pyarrow') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(REPO)], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"
    cfg = IN_PROCESS.model_copy(update={"mode": "fast", "favor": "recall", "with_metadata": True})
    options = cfg.options()
    assert options.fast_mode and options.favor == "recall" and options.with_metadata
    assert {f: getattr(options, f) for f in options.__dataclass_fields__} == {
        f: getattr(cfg, f) for f in options.__dataclass_fields__
    }
