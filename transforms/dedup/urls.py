"""The URL-dedup key, on courlan (trafilatura's own URL library).

`courlan.normalize_url` lower-cases the scheme and host, drops default ports, removes tracking parameters
(utm_*, fbclid, gclid, ref, ...: courlan's list) and sorts the query. On top of it the key leaves out what does
not tell two pages apart: the fragment, a trailing slash, a trailing dot of the host, the scheme (http and
https are the same page) and a leading "www." (www.a.com/x is a.com/x). Measured on the HTML responses of
../shared/data/warc and bench/ (benchmarks/url_keys.py): the earlier hand-written key (scheme and "www." kept)
found fewer URL duplicates; see docs/architecture.md.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from courlan import normalize_url

__all__ = ["url_key"]

_SCHEMES = frozenset({"http", "https"})


def url_key(url: str | None) -> str | None:
    """The key two fetches of the same page share ("//example.com/a?b=1"); None without an http(s) URL."""
    if url is None or not url.strip():
        return None
    try:
        parts = urlsplit(normalize_url(url.strip(), strict=False, trailing_slash=False))
        host = parts.hostname
    except ValueError:  # courlan and urllib raise ValueError on malformed hosts and ports
        return None
    if parts.scheme not in _SCHEMES or not host:
        return None
    netloc = parts.netloc.lower()
    bare = host.rstrip(".").removeprefix("www.")
    netloc = netloc.replace(host, bare, 1) if host in netloc else bare
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("", netloc, path, parts.query, ""))
