"""Which URLs the URL stage drops, and why (pure core, no Beam).

    url -> host (lower-case, no userinfo, port or trailing dot, IDN as punycode), path
        -> the host and each parent domain, most specific first: allow list -> keep; UT1 or block_domains
           -> blocklisted_domain                       (a.b.x.blogspot.com, b.x.blogspot.com, ..., com)
        -> the URL and each parent path on the UT1 URL list or block_urls -> blocklisted_url
        -> words of the lower-cased URL (split on non-alphanumerics, and also at letter/digit boundaries)
           in the banned list -> banned_word; >= soft_word_threshold of them in the soft list -> soft_banned_words
        -> a banned phrase anywhere in the URL's letters and digits (Aho-Corasick) -> banned_subword
        -> a banned word glued to English words in one token ("freejizz", `compound.py`) -> banned_word

The word rules are datatrove's (its lists and its normalisation: phrases are matched on the URL with everything
but letters and digits removed), applied to the lower-cased URL (datatrove's are case-sensitive, so
"/Free-PORN" passes it). Banned words are whole words, or parts of a token that splits entirely into English
words ("freejizz"): "middlesex", "scunthorpe", "analytics", "cockburn", "therapistfinder" hold a banned word only
as a substring and pass (`compound.py` says how). Parent domains are checked because many UT1
entries are subdomains of hosting platforms (name.blogspot.com): a listed host blocks its subdomains, never its
parent or its siblings. An IP address host is looked up as it is (it has no parent domains).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import ahocorasick
from xxhash import xxh3_64_intdigest

from transforms.url.blocklist import UT1_SOURCE, DomainIndex, cached_bytes, data_path, read_member
from transforms.url.compound import CompoundWords
from transforms.url.config import (
    REASON_BANNED_SUBWORD,
    REASON_BANNED_WORD,
    REASON_BLOCKLISTED_DOMAIN,
    REASON_BLOCKLISTED_URL,
    REASON_SOFT_BANNED_WORDS,
    UrlConfig,
)

__all__ = ["UrlFilter", "UrlParts", "UrlVerdict", "WordLists", "load_word_lists", "split_url", "url_key", "ut1_url_keys"]

# scheme://userinfo@host:port/path?query#fragment; the scheme and "//" are optional (UT1's URLs have none).
_URL = re.compile(
    r"\s*(?:[A-Za-z][A-Za-z0-9+.\-]*:)?(?://)?(?:[^/?#@\\\s]*@)?(\[[^\]/?#]*\]|[^:/?#\\\s]*)(?::[^/?#\\\s]*)?([^#\s]*)"
)
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_LETTERS_OR_DIGITS = re.compile(r"[a-z]+|[0-9]+")


class UrlParts(NamedTuple):
    host: str  # normalised: lower-case ASCII (punycode), no port, userinfo or trailing dot
    tail: str  # path and query as written (no fragment)
    is_ip: bool


def _punycode(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:  # a label the IDNA 2003 codec refuses (too long, disallowed): plain punycode per label
        labels = []
        for label in host.split("."):
            labels.append(label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii"))
        return ".".join(labels)


def split_url(url: str) -> UrlParts | None:
    """The normalised host and the path of a URL (or of 'host/path' without scheme); None without a host."""
    m = _URL.match(url)
    if m is None:
        return None
    host, tail = m.group(1), m.group(2)
    if host.startswith("["):
        return UrlParts(host[1:-1].lower(), tail, True) if len(host) > 2 else None
    host = host.lower().strip(".")
    if not host:
        return None
    if not host.isascii():
        host = _punycode(host)
    return UrlParts(host, tail, _IPV4.fullmatch(host) is not None)


def _suffixes(host: str, is_ip: bool) -> list[str]:
    """The host and each parent domain, most specific first ("a.b.com", "b.com", "com")."""
    if is_ip:
        return [host]
    out = [host]
    i = host.find(".")
    while i >= 0:
        host = host[i + 1 :]
        out.append(host)
        i = host.find(".")
    return out


def url_key(host: str, path: str) -> str:
    """The key of a URL list entry or lookup: host without 'www.', lower-case path without query and trailing '/'."""
    if host.startswith("www."):
        host = host[4:]
    return host + path.split("?", 1)[0].lower().rstrip("/")


def _path_prefixes(path: str) -> list[str]:
    """'/a/b/c' -> ['/a/b/c', '/a/b', '/a', '']: a listed URL blocks the pages below it."""
    path = path.split("?", 1)[0].lower().rstrip("/")
    out = [path]
    i = path.rfind("/")
    while i >= 0:
        path = path[:i]
        out.append(path)
        i = path.rfind("/")
    return out


@dataclass(frozen=True)
class WordLists:
    banned: frozenset[str]
    soft: frozenset[str]
    subwords: tuple[str, ...]


def _word_list(text: str) -> list[str]:
    """datatrove's reading of a list: '#' lines are commented out, entries keep only letters and digits."""
    return [w for line in text.splitlines() if line and not line.startswith("#") and (w := _NON_ALNUM.sub("", line.lower()))]


def load_word_lists() -> WordLists:
    """datatrove's banned, soft-banned and banned-subword lists, bundled with their Apache-2.0 license."""
    read = lambda name: _word_list(data_path(name).read_text(encoding="utf-8"))  # noqa: E731
    return WordLists(
        frozenset(read("banned_words.txt")), frozenset(read("soft_banned_words.txt")),
        tuple(read("banned_subwords.txt")),
    )  # fmt: skip


def _with_scheme(entry: str) -> str:
    """A list entry as a URL ("example.com/a" and "example.com:8080" have no scheme)."""
    entry = entry.strip()
    return entry if "://" in entry else "http://" + entry.lstrip("/")


def _list_keys(entries: Iterable[str]) -> set[str]:
    """The lookup keys of URL list entries (entries without a host are left out)."""
    keys = set()
    for entry in entries:
        parts = split_url(_with_scheme(entry))
        if parts is not None:
            keys.add(url_key(parts.host, parts.tail))
    return keys


def ut1_url_keys(checksum: bytes) -> list[str]:
    """The keys of the bundled UT1 URL list (~20,000 entries): made once per machine and cached, since parsing
    the entries took 0.1 s of every run's start. The cache file is named after the list's SHA-256 (`checksum`,
    as `load_ut1` read it) and this module's source, whose functions make the keys: a changed list or a changed
    key rule gets a new file, never a stale one."""
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]

    def build() -> bytes:
        entries = read_member(data_path(UT1_SOURCE), "urls").decode("utf-8", "replace").splitlines()
        return "\n".join(sorted(_list_keys(entries))).encode("utf-8")

    text = cached_bytes(f"url-keys-{checksum.hex()[:20]}-{code}.txt", build).decode("utf-8")
    return text.split("\n") if text else []


class UrlVerdict(NamedTuple):
    reason: str
    detail: str


class UrlFilter:
    """The URL stage's rules over the loaded lists; `verdict(url)` is None for a URL that stays."""

    def __init__(self, cfg: UrlConfig, ut1: DomainIndex | None, words: WordLists | None,
                 ut1_urls: Iterable[str] = (), ut1_url_keys: Iterable[str] = ()) -> None:  # fmt: skip
        """`ut1_urls`: URL list entries as written; `ut1_url_keys`: entries already made keys (`ut1_url_keys()`)."""
        self._ut1 = ut1
        self._block = frozenset(self._host_of(d) for d in cfg.block_domains) - {""}
        self._allow = frozenset(self._host_of(d) for d in cfg.allow_domains) - {""}
        urls = set(ut1_url_keys) | _list_keys([*ut1_urls, *cfg.block_urls])
        self._urls = frozenset(urls)
        self._url_hosts = frozenset(u.split("/", 1)[0] for u in urls)
        self._soft_threshold = cfg.soft_word_threshold
        self._words = words
        self._automaton = None
        self._compound = CompoundWords(words.banned, words.soft) if words is not None else None
        if words is not None and words.subwords:
            automaton = ahocorasick.Automaton()
            for phrase in words.subwords:
                automaton.add_word(phrase, phrase)
            automaton.make_automaton()
            self._automaton = automaton

    @staticmethod
    def _host_of(entry: str) -> str:
        parts = split_url(_with_scheme(entry))
        return parts.host if parts is not None else ""

    @classmethod
    def from_config(cls, cfg: UrlConfig) -> UrlFilter:
        """The filter with the bundled lists that `cfg` turns on (UT1 memory-mapped from the machine's cache)."""
        from transforms.url.blocklist import load_ut1

        ut1 = load_ut1() if cfg.ut1 else None
        keys = ut1_url_keys(ut1.checksum) if ut1 is not None else []
        return cls(cfg, ut1, load_word_lists() if cfg.word_lists else None, ut1_url_keys=keys)

    def _domain_verdict(self, suffixes: list[str]) -> tuple[bool, str | None]:
        """(allowed, the listed domain that blocks it): the most specific listed suffix decides."""
        allow, block, ut1 = self._allow, self._block, self._ut1
        mine = allow or block
        for s in suffixes:
            if mine:
                if s in allow:
                    return True, None
                if s in block:
                    return False, s
            if ut1 is not None and ut1.contains_hash(xxh3_64_intdigest(s.encode())):
                return False, s
        return False, None

    def verdict(self, url: str | None) -> UrlVerdict | None:
        if not url:
            return None
        parts = split_url(url)
        if parts is None:
            return None
        suffixes = _suffixes(parts.host, parts.is_ip)
        allowed, listed = self._domain_verdict(suffixes)
        if allowed:
            return None
        if listed is not None:
            return UrlVerdict(REASON_BLOCKLISTED_DOMAIN, f"domain={listed}")
        if not self._url_hosts.isdisjoint(suffixes):  # the URL list's hosts are few: most URLs stop here
            for s in suffixes:
                if s in self._url_hosts:
                    for prefix in _path_prefixes(parts.tail):
                        key = url_key(s, prefix)
                        if key in self._urls:
                            return UrlVerdict(REASON_BLOCKLISTED_URL, f"url={key}")
        if self._words is not None:
            return self._word_verdict(parts)
        return None

    def _word_verdict(self, parts: UrlParts) -> UrlVerdict | None:
        words = self._words
        assert words is not None
        text = (parts.host + parts.tail).lower()
        tokens = set(_NON_ALNUM.split(text))
        if not text.isalpha():  # also split "porn4free" into "porn", "4", "free"
            tokens.update(_LETTERS_OR_DIGITS.findall(text))
        hit = tokens & words.banned
        if hit:
            return UrlVerdict(REASON_BANNED_WORD, "word=" + min(hit))
        soft = tokens & words.soft
        if len(soft) >= self._soft_threshold:
            return UrlVerdict(REASON_SOFT_BANNED_WORDS, "words=" + ",".join(sorted(soft)))
        if self._automaton is not None:
            for _, phrase in self._automaton.iter(_NON_ALNUM.sub("", text)):
                return UrlVerdict(REASON_BANNED_SUBWORD, f"phrase={phrase}")
        if self._compound is not None and (glued := self._compound.find(tokens)) is not None:
            return UrlVerdict(REASON_BANNED_WORD, f"word={glued[0]} in={glued[1]}")
        return None
