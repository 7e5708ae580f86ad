"""Masking personal data in a document's text (pure, no Beam).

    text -> spans of each kind turned on (e-mail, IP, card, phone; `detect`, `phones`)
         -> overlaps resolved in that order of precedence (an e-mail's digits are not a phone number)
         -> each span replaced by its placeholder, or by a stable fake value of its kind

The fake values are documentation values that no real person has: `userN@example.com`, 192.0.2.0/24 (TEST-NET-1),
2001:db8::/32, Ofcom's numbers reserved for drama (+44 20 7946 0000-0999), and the issuers' published test card
numbers. N and the last digits come from a hash of the value, so one value gets the same fake everywhere and two
values in a document stay distinct.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

from xxhash import xxh3_64_intdigest

from transforms.pii.config import CARD, EMAIL, IP, PHONE, PLACEHOLDERS, PiiConfig
from transforms.pii.detect import find_cards, find_emails, find_ips
from transforms.pii.phones import find_phones, hint_regions

__all__ = ["MaskResult", "fake_value", "mask_pii"]

_TEST_CARDS = {15: "378282246310005", 14: "30569309025904", 16: "4111111111111111", 13: "4222222222222",
               19: "4111111111111111003"}  # fmt: skip


class MaskResult(NamedTuple):
    text: str
    counts: dict[str, int]  # kind -> values masked, every kind turned on


def _host(url: str | None) -> str | None:
    if not url:
        return None
    rest = url.split("://", 1)[-1]
    host = rest.split("/", 1)[0].split("?", 1)[0].rsplit("@", 1)[-1]
    if host.startswith("["):
        return None
    return host.split(":", 1)[0].lower() or None


def _regroup(template: str, digits: str) -> str:
    """`digits` laid out in the groups and separators of `template`."""
    out, i = [], 0
    for ch in template:
        if ch.isdigit() and i < len(digits):
            out.append(digits[i])
            i += 1
        elif not ch.isdigit():
            out.append(ch)
    return "".join(out) + digits[i:]


def fake_value(kind: str, value: str) -> str:
    """The stable documentation value standing for `value`."""
    h = xxh3_64_intdigest(value.encode("utf-8", "surrogatepass"))
    if kind == EMAIL:
        return f"user{h % 10000}@example.com"
    if kind == IP:
        return f"2001:db8::{h % 0xFFFF + 1:x}" if ":" in value else f"192.0.2.{h % 254 + 1}"
    if kind == CARD:
        digits = "".join(c for c in value if c.isdigit())
        return _regroup(value, _TEST_CARDS.get(len(digits), _TEST_CARDS[16]))
    national = "020 7946 0" if not value.lstrip("(").startswith(("+", "00")) else "+44 20 7946 0"
    return f"{national}{h % 1000:03d}"


def _spans(text: str, kind: str, url: str | None, lang: str | None) -> list[tuple[int, int]]:
    if kind == EMAIL:
        return find_emails(text)
    if kind == IP:
        return find_ips(text)
    if kind == CARD:
        return find_cards(text)
    return find_phones(text, hint_regions(_host(url), lang))


_PRECEDENCE = (EMAIL, IP, CARD, PHONE)


def mask_pii(text: str, url: str | None, lang: str | None, cfg: PiiConfig,
             kinds: Sequence[str] | None = None) -> MaskResult:  # fmt: skip
    """Mask the personal data of `text` (see the module docstring); `url` and `lang` give the phone regions."""
    kinds = cfg.kinds() if kinds is None else kinds
    counts: Counter[str] = Counter({k: 0 for k in kinds})
    chosen: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for kind in _PRECEDENCE:
        if kind not in kinds:
            continue
        for start, end in _spans(text, kind, url, lang):
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            chosen.append((start, end, kind))
    if not chosen:
        return MaskResult(text, dict(counts))
    chosen.sort()
    parts: list[str] = []
    last = 0
    fake = cfg.replacement == "fake"
    for start, end, kind in chosen:
        parts.append(text[last:start])
        parts.append(fake_value(kind, text[start:end]) if fake else PLACEHOLDERS[kind])
        counts[kind] += 1
        last = end
    parts.append(text[last:])
    return MaskResult("".join(parts), dict(counts))
