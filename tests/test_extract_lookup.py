"""The extraction module's C-level element lookup (`transforms.extract.html._element_lookup_in_c`): every node gets
the class lxml.html's Python lookup gives it, and trafilatura's output is the same text for text."""

from __future__ import annotations

import lxml.html
import pytest
import trafilatura
import trafilatura.utils
from fastwarc.warc import ArchiveIterator, WarcRecordType
from lxml import etree

from tests.conftest import BENCH_WARC
from transforms.extract import ExtractConfig, decode_html
from transforms.extract.html import _ELEMENT_LOOKUP, _trafilatura_options, set_element_lookup


@pytest.fixture(scope="module")
def pages() -> list[str]:
    """Every ninth page of the shared bench (110 real pages in many languages and charsets), decoded."""
    out = []
    with open(BENCH_WARC, "rb") as f:
        for i, rec in enumerate(ArchiveIterator(f, record_types=WarcRecordType.response, parse_http=True)):
            if i % 9 == 0:
                ctype = rec.http_headers.get("Content-Type") or ""
                charset = ctype.partition("charset=")[2].strip() or None
                out.append(decode_html(rec.reader.read(), charset)[0])
    assert len(out) == 110
    return out


def _classes(parser: lxml.html.HTMLParser, html: str, other_nodes: bool = False) -> list[tuple[str, str]]:
    root = lxml.html.document_fromstring(html.encode("utf-8"), parser=parser)
    if other_nodes:
        # The HTML parser reads `<?...>` as a comment and makes no entity nodes: these are added, and their
        # Python objects dropped at once, so that iterating makes new ones through the document's lookup.
        root.append(etree.ProcessingInstruction("php", "echo 1"))
        root.append(etree.Entity("nbsp"))
    return [(node.tag if isinstance(node.tag, str) else node.tag.__name__, type(node).__qualname__) for node in root.iter()]


def test_every_node_gets_the_class_of_lxml_htmls_python_lookup(pages: list[str]) -> None:
    # Comments and processing instructions kept, so that their classes are compared too.
    python_lookup = lxml.html.HTMLParser(encoding="utf-8")
    c_lookup = lxml.html.HTMLParser(encoding="utf-8")
    c_lookup.set_element_class_lookup(_ELEMENT_LOOKUP)
    special = (
        "<html><body><form><input name=q><label for=q>Q</label><select><option>1</select>"
        "<textarea>t</textarea></form><!-- note --><p>x</p></body></html>"
    )
    expected = [
        ("html", "HtmlElement"), ("body", "HtmlElement"), ("form", "FormElement"), ("input", "InputElement"),
        ("label", "LabelElement"), ("select", "SelectElement"), ("option", "HtmlElement"),
        ("textarea", "TextareaElement"), ("Comment", "HtmlComment"), ("p", "HtmlElement"),
        ("ProcessingInstruction", "HtmlProcessingInstruction"), ("Entity", "HtmlEntity"),
    ]  # fmt: skip
    assert _classes(python_lookup, special, other_nodes=True) == expected
    assert _classes(c_lookup, special, other_nodes=True) == expected
    nodes = 0
    for html in pages:
        want = _classes(python_lookup, html)
        assert _classes(c_lookup, html) == want
        nodes += len(want)
    assert nodes > 50_000


def test_trafilatura_gives_the_same_text_with_either_lookup(pages: list[str]) -> None:
    options = _trafilatura_options(ExtractConfig())
    parsers = (trafilatura.utils.HTML_PARSER, lxml.html.html_parser)
    assert all(p.makeelement("a").__class__ is lxml.html.HtmlElement for p in parsers)
    with_c = [trafilatura.extract(html, **options) for html in pages]
    try:
        set_element_lookup(c_level=False)
        assert all(type(p.makeelement("form")) is lxml.html.FormElement for p in parsers)
        with_python = [trafilatura.extract(html, **options) for html in pages]
    finally:
        set_element_lookup()
    assert sum(1 for t in with_c if t) >= 100
    assert with_c == with_python
