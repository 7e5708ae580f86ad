"""Finding e-mail addresses, public IP addresses and payment card numbers in text (pure, no Beam).

Each finder returns (start, end) spans of the values to mask. The regexes find candidates; a candidate is kept
only when the value checks out: an IP address must parse (`ipaddress`) and be global, a card number must have an
issuer's prefix and length, a card-like grouping and a valid Luhn checksum. Look-alikes stay: version strings
and section numbers (a keyword before them), dotted numbers with more than four parts (OIDs), retina image names
(logo@2x.png), times and MAC addresses (not IPv6), ISBNs and order numbers (no issuer prefix, or no Luhn).
"""

from __future__ import annotations

import ipaddress
import re

__all__ = ["find_cards", "find_emails", "find_ips", "luhn_ok"]

Span = tuple[int, int]

# Local part @ domain; the top-level domain is letters only (no "name@1.2.3"), and not a file extension.
_EMAIL = re.compile(
    r"(?<![\w.!#$%&'*+=?^`{|}~\-])[\w!#$%&'*+=?^`{|}~\-]+(?:\.[\w!#$%&'*+=?^`{|}~\-]+)*"
    r"@(?:[^\W_](?:[\w\-]{0,61}[^\W_])?\.)+([^\W\d_]{2,63})(?![\w\-]|\.[^\W_])"
)
_FILE_TLDS = frozenset({"png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "bmp", "ico", "css", "js", "pdf"})

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(rf"(?<![\w.])(?:{_OCTET}\.){{3}}{_OCTET}(?![\w]|\.\d)")
# At least two colons among hex groups (or "::"); validated by `ipaddress`, which also reads an embedded IPv4.
_IPV6 = re.compile(
    r"(?<![\w:.])(?:[0-9A-Fa-f]{1,4}:|::?)(?:[0-9A-Fa-f]{0,4}:){1,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?"
    r"(?![\w:])"
)
# Cheap tests that every match above must pass (most texts pass none), so the full patterns scan few texts:
# an IPv6 match holds two colons with at most four hex digits between them (its first two groups, or "::"); an
# IPv4 match holds four dotted numbers; a card number that `find_cards` keeps holds two groups of four digits
# (every grouping of `_CARD_GROUPS` opens with 4 then 4 or 6) or 13 digits in a row.
_MAY_IPV6 = re.compile(r":[0-9A-Fa-f]{0,4}:")
_MAY_IPV4 = re.compile(r"\d\.\d{1,3}\.\d{1,3}\.\d")
_MAY_CARD = re.compile(r"\d{4}[ \-]?\d{4}")
# Words right before a dotted number that make it a version or a section, not an address.
_NOT_IP_BEFORE = re.compile(
    r"(?:\b(?:v|ver|version|versión|versione|build|release|rel|firmware|kernel|update|patch|section|sect|sec|"
    r"chapter|ch|clause|art|article|para|paragraph|figure|fig|table|tab|step|item|rule|oid|isbn|§)\.?\s*|§\s*)$",
    re.IGNORECASE,
)

# 13 to 19 digits, single spaces or dashes between them; the grouping is checked below.
# r"(?<![\w\-.,/+])\d(?:[ \-]?\d){12,18}(?![\w\-]|[.,]\d)", written with the first digit before the look-behind:
# Python's regex engine then skips to digits instead of trying the look-behind at every position (the same
# matches, 2.4 times faster; tests/test_pii.py compares the two).
_CARD = re.compile(r"\d(?<![\w\-.,/+]\d)(?:[ \-]?\d){12,18}(?![\w\-]|[.,]\d)")
_CARD_GROUPS = frozenset({(4, 4, 4, 4), (4, 4, 4, 4, 3), (4, 6, 5), (4, 6, 4), (4, 4, 4, 1), (4, 4, 4, 2),
                          (4, 4, 4, 3), (4, 4, 5), (4, 4, 4, 4, 1), (4, 4, 4, 4, 2)})  # fmt: skip


def find_emails(text: str) -> list[Span]:
    if "@" not in text:
        return []
    return [m.span() for m in _EMAIL.finditer(text) if m.group(1).lower() not in _FILE_TLDS]


def _is_global(value: str) -> bool:
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:84.17.45.201 is that IPv4 address
    return (mapped or address).is_global


def find_ips(text: str) -> list[Span]:
    spans: list[Span] = []
    if ":" in text and _MAY_IPV6.search(text):
        for m in _IPV6.finditer(text):
            value = m.group()
            if value.count(":") >= 2 and _is_global(value):
                spans.append(m.span())
    if "." in text and _MAY_IPV4.search(text):
        for m in _IPV4.finditer(text):
            start, end = m.span()
            if any(s <= start and end <= e for s, e in spans):  # the IPv4 tail of an IPv6 address
                continue
            if _is_global(m.group()) and not _NOT_IP_BEFORE.search(text, max(0, start - 16), start):
                spans.append((start, end))
    return spans


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _issuer_ok(d: str) -> bool:
    """An issuer's prefix (IIN) with a length it issues."""
    n = len(d)
    p2, p4 = int(d[:2]), int(d[:4])
    if d[0] == "4":  # Visa
        return n in (13, 16, 19)
    if 51 <= p2 <= 55 or 2221 <= p4 <= 2720:  # Mastercard
        return n == 16
    if p2 in (34, 37):  # American Express
        return n == 15
    if d.startswith("6011") or 644 <= int(d[:3]) <= 649 or p2 == 65:  # Discover
        return 16 <= n <= 19
    if 3528 <= p4 <= 3589:  # JCB
        return 16 <= n <= 19
    if 300 <= int(d[:3]) <= 305 or p2 in (36, 38, 39):  # Diners Club
        return 14 <= n <= 19
    if p2 == 62:  # UnionPay
        return 16 <= n <= 19
    if p2 == 50 or 56 <= p2 <= 69:  # Maestro
        return 13 <= n <= 19
    return False


def find_cards(text: str) -> list[Span]:
    spans: list[Span] = []
    if not _MAY_CARD.search(text):
        return spans
    for m in _CARD.finditer(text):
        value = m.group()
        seps = {c for c in value if not c.isdigit()}
        if len(seps) > 1:
            continue
        digits = value if not seps else value.replace(next(iter(seps)), "")
        if seps and tuple(len(g) for g in value.split(next(iter(seps)))) not in _CARD_GROUPS:
            continue
        if _issuer_ok(digits) and luhn_ok(digits):
            spans.append(m.span())
    return spans
