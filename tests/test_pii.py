"""The PII stage: what is masked (exact texts), what stays (look-alikes), the fake values, and its place in the
apply phase (the text that is written; frequent footer lines with an address are still removed whole)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from tests.engine import case_config, run_staged
from transforms.clean import BoilerplateConfig
from transforms.core import Doc
from transforms.pii import PiiConfig, PiiFn, fake_value, mask_pii
from transforms.pii.detect import luhn_ok

ON = PiiConfig()


def _mask(text: str, url: str | None = None, lang: str | None = "en", cfg: PiiConfig = ON) -> str:
    return mask_pii(text, url, lang, cfg).text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Write to jane.doe+news@mail.example.org today.", "Write to <EMAIL> today."),
        ("Contact: O'Brien_2@Uni-Bonn.DE.", "Contact: <EMAIL>."),
        ("mailto:info@müller-bau.de", "mailto:<EMAIL>"),
        ("Server 84.17.45.201 answered, 8.8.8.8:53 too.", "Server <IP> answered, <IP>:53 too."),
        ("Mirror at 2a00:1450:4001:81b::200e and [2606:4700:4700::1111]:443.", "Mirror at <IP> and [<IP>]:443."),
        ("Mapped ::ffff:84.17.45.201 here.", "Mapped <IP> here."),
        ("Visa 4111 1111 1111 1111, MC 5500-0000-0000-0004.", "Visa <CARD>, MC <CARD>."),
        ("Amex 3782 822463 10005 or 378282246310005.", "Amex <CARD> or <CARD>."),
        ("Call +49 30 12345678 or +1 (415) 555-2671.", "Call <PHONE> or <PHONE>."),
        ("Ring 0049 89 1234567 now.", "Ring <PHONE> now."),
    ],
)
def test_masked(text: str, masked: str) -> None:
    assert _mask(text) == masked


@pytest.mark.parametrize(
    ("text", "url", "lang", "masked"),
    [
        ("Ruf an: 030 12345678 oder (089) 1234-567.", "https://www.firma.de/kontakt", "de",
         "Ruf an: <PHONE> oder <PHONE>."),
        ("Appelez le 01 23 45 67 89 ou le 06.12.34.56.78.", "https://exemple.fr/", "fr",
         "Appelez le <PHONE> ou le <PHONE>."),
        ("Call (212) 555-0123 or 415.555.2671 today.", "https://example.com/", "en",
         "Call <PHONE> or <PHONE> today."),
        ("Llámenos al 912 345 678 o al 612 34 56 78.", "https://ejemplo.es/", "es",
         "Llámenos al <PHONE> o al <PHONE>."),
        ("Phone 020 7946 0958 any time.", "https://shop.co.uk/", "en", "Phone <PHONE> any time."),
        ("Tel. 03-1234-5678", "https://example.jp/", "ja", "Tel. <PHONE>"),
    ],
)  # fmt: skip
def test_national_formats_with_region_hints(text: str, url: str, lang: str, masked: str) -> None:
    assert _mask(text, url, lang) == masked


LOOK_ALIKES = [
    "Published on 12.05.2023 at 14:30, updated 2023-05-14.",
    "2018-01-24 13:09 China Daily",
    "ISBN 978-3-16-148410-0 and ISBN 0-306-40615-2.",
    "See doi:10.1000/182 and https://doi.org/10.1038/nphys1170.",
    "Upgrade to version 1.2.3.4 or v10.0.19045.3570; see section 4.2.1.3.",
    "The OID 1.3.6.1.4.1.311 identifies it.",
    "Intranet 192.168.1.20, loopback 127.0.0.1, doc 203.0.113.5 and 2001:db8::1, link fe80::1.",
    "It costs $1,299.00 or 1.299,00 € (1 299 000 zł for the lot).",
    "The city has 1.234.567 inhabitants and 67 390 000 habitants live in France.",
    "Paris lies at 48.8566, 2.3522; Berlin at 52.5200 13.4050.",
    "Final score 3-1, then 21-19 21-17 in the second game.",
    "Order #555-123-4567 and invoice no. 2023-0045-7781 were paid; Bestellnummer 4711 0815 1234.",
    "Follow @jane_doe and @crawlwash on social media.",
    "Use logo@2x.png for retina screens and icon@3x.jpg too.",
    "Tracking 1Z 999 AA1 01 2345 6784; serial 4012-8888-8888-1882 is a test.",
    "Meeting at 10:30:45, MAC 00:1A:2B:3C:4D:5E.",
    "Call 5551234567 has no separator, so it is not a phone number.",
    "In 1998-2004 the years 2010/11 were different.",
]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_stay(text: str) -> None:
    assert _mask(text, "https://example.fr/", "fr") == text
    assert _mask(text, "https://example.com/", "en") == text


def test_counts_kinds_off_and_disabled() -> None:
    text = "Mail a@b.example, call +49 30 12345678, IP 84.17.45.201, card 4111111111111111."
    assert mask_pii(text, None, "en", ON).counts == {"email": 1, "phone": 1, "ip": 1, "card": 1}
    off = PiiConfig(phone=False, card=False)
    res = mask_pii(text, None, "en", off)
    assert res.text == "Mail <EMAIL>, call +49 30 12345678, IP <IP>, card 4111111111111111."
    assert res.counts == {"email": 1, "ip": 1}
    assert PiiConfig(enabled=False).kinds() == ()


def test_fake_values_are_stable_documentation_values() -> None:
    cfg = PiiConfig(replacement="fake")
    text = "Mail jane@corp.example.org or bob@corp.example.org, IP 84.17.45.201, 2a00:1450:4001:81b::200e, " \
           "call +49 30 12345678 or 030 12345678, card 5500-0000-0000-0004."
    out = _mask(text, "https://corp.de/", "de", cfg)
    assert out == _mask(text, "https://corp.de/", "de", cfg)  # stable
    fakes = {k: fake_value(k, v) for k, v in (("email", "jane@corp.example.org"), ("ip", "84.17.45.201"),
                                              ("ip", "2a00:1450:4001:81b::200e"), ("phone", "+49 30 12345678"),
                                              ("card", "5500-0000-0000-0004"))}  # fmt: skip
    assert fake_value("email", "jane@corp.example.org") != fake_value("email", "bob@corp.example.org")
    assert fake_value("email", "jane@corp.example.org").endswith("@example.com")
    assert not ipaddress.ip_address(fake_value("ip", "84.17.45.201")).is_global
    assert ipaddress.ip_address(fake_value("ip", "2a00:1450:4001:81b::200e")) in ipaddress.ip_network("2001:db8::/32")
    assert fake_value("phone", "+49 30 12345678").startswith("+44 20 7946 0")
    assert fake_value("phone", "030 12345678").startswith("020 7946 0")
    assert fake_value("card", "5500-0000-0000-0004") == "4111-1111-1111-1111" and luhn_ok("4111111111111111")
    assert all(v in out for v in fakes.values())
    assert "corp.example.org" not in out and "84.17.45.201" not in out and "12345678" not in out


def test_pii_fn_is_a_stage_for_pipelines_of_your_own() -> None:
    doc = Doc(id="1", source="s", source_record="r", text="Write to a@b.example", lang="en")
    out = PiiFn(ON).apply(doc)
    assert out.text == "Write to <EMAIL>" and out.attrs["pii_counts"] == {"email": 1, "phone": 0, "ip": 0, "card": 0}


FOOTER = "Questions? Write to the desk at newsroom@weekly-gazette.example any time."


def test_masked_in_the_written_text_after_the_frequent_line_pass(tmp_path: Path) -> None:
    """The apply phase: a footer line with an address on four sites is removed whole (its key is the real text's);
    the other addresses are masked in what is written; pii_counts, n_chars and the totals follow."""
    docs = [
        Doc(id=f"d{i}", source="s", source_record=f"line:{i}", url=f"https://site{i}.example/a", lang="en",
            text=f"A story about {topic}; its author is reachable at author{i}@site{i}.example for questions.\n"
                 f"{FOOTER}")
        for i, topic in enumerate(("rivers", "bridges", "schools", "bakeries"))
    ]  # fmt: skip
    docs.append(Doc(id="u", source="s", source_record="line:9", url="https://other.example/b", lang="en",
                    text="Call +49 30 12345678 or visit 84.17.45.201 for this unique page."))  # fmt: skip
    bp = BoilerplateConfig(frequent_min_hosts=3, frequent_min_host_docs=3, audit_sample_rate=1.0)
    cfg = case_config(tmp_path / "case", ["extract", "boilerplate"], boilerplate=bp)
    out = run_staged(tmp_path, [("case", cfg, docs)])["case"]
    rows = {r["id"]: r for r in out.data}
    assert rows["d0"]["text"] == "A story about rivers; its author is reachable at <EMAIL> for questions."
    assert rows["d0"]["pii_counts"] == {"email": 1, "phone": 0, "ip": 0, "card": 0}
    assert rows["u"]["text"] == "Call <PHONE> or visit <IP> for this unique page."
    assert all(r["n_chars"] == len(r["text"]) for r in out.data)
    assert out.stats["pii_masked"] == {"card": 0, "email": 4, "ip": 1, "phone": 1}
    assert out.stats["audit_rows_by_stage"]["boilerplate"]["frequent_line"] == 4


def test_off_means_no_column_and_no_totals(tmp_path: Path) -> None:
    doc = Doc(id="x", source="s", source_record="line:1", url="https://a.example/", text="Mail a@b.example", lang="en")
    cfg = case_config(tmp_path / "off", ["extract"], pii={"enabled": False})
    out = run_staged(tmp_path, [("off", cfg, [doc])])["off"]
    assert out.data[0]["text"] == "Mail a@b.example" and "pii_counts" not in out.data[0]
    assert "pii_masked" not in out.stats


def test_candidates_are_those_of_the_plain_patterns_on_real_text() -> None:
    """`phones._CANDIDATE` and `detect._CARD` begin with their first character's class (for speed); they find
    exactly what the plain patterns, look-behind first, find: on 300 real pages (the shared bench's HTTP responses, markup and all) and on edge cases."""
    import re

    from fastwarc.warc import ArchiveIterator, WarcRecordType

    from tests.conftest import BENCH_WARC
    from transforms.pii.detect import _CARD
    from transforms.pii.phones import _CANDIDATE

    plain_phone = re.compile(r"(?<![\w+/\-.,#])(?:\+ ?|\(\+?)?\d[\d \u00a0\-./()]{4,24}\d(?![\w\-/]|[.,]\d)")
    plain_card = re.compile(r"(?<![\w\-.,/+])\d(?:[ \-]?\d){12,18}(?![\w\-]|[.,]\d)")
    texts = ["+49 30 1234567", "(+49) 30 123456", "a(030) 1234567", "x+1 212 555 0123", "+ 1 212-555-0123",
             "#1234567", "((12345678", "+(12) 3456789", "1,234567890", "٣٤٥٦٧٨٩٠١٢ ٣", "-(030) 1234567",
             "4111 1111 1111 1111", "a4111111111111111", "-4111111111111111", "x 4111-1111-1111-1111."]  # fmt: skip
    with open(BENCH_WARC, "rb") as f:
        for rec in ArchiveIterator(f, record_types=WarcRecordType.response):
            texts.append(rec.reader.read().decode("utf-8", "replace"))
            if len(texts) > 300:
                break
    found = {"phone": 0, "card": 0}
    for text in texts:
        for kind, fast, plain in (("phone", _CANDIDATE, plain_phone), ("card", _CARD, plain_card)):
            spans = [m.span() for m in fast.finditer(text)]
            assert spans == [m.span() for m in plain.finditer(text)], (kind, text[:200])
            found[kind] += len(spans)
    assert len(texts) > 300 and found["phone"] > 1000 and found["card"] > 20, found
