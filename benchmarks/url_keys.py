"""URL duplicates and sites on real crawl data: courlan's URL key and registered domain vs the earlier hand-written
ones (kept here as the baseline).

    .venv/bin/python benchmarks/url_keys.py

Over every HTML response of ../shared/data/warc and the bench WARC (the records the pipeline extracts), prints:
- URL-dedup: the distinct keys and the records that share a key with an earlier one (what URL dedup drops),
  with `transforms.dedup.urls.url_key` and with the earlier key (scheme and "www." kept), and example groups
  that only the new key joins;
- frequent-line sites: the distinct hosts (the earlier `host_of`: the host without "www.") and the distinct
  registered domains (`transforms.clean.lines.host_of` now), with the domains that gather several hosts.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from harness import SHARED  # puts the repository on sys.path

from transforms.clean.lines import host_of  # noqa: E402
from transforms.core import Doc  # noqa: E402
from transforms.dedup.urls import url_key  # noqa: E402
from transforms.read import ReadConfig, read_file  # noqa: E402

_TRACKING = {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid", "mc_cid",
             "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "ref_src", "spm"}  # fmt: skip


def earlier_key(url: str | None) -> str | None:
    """The hand-written key crawlwash used before (scheme and 'www.' kept), for the comparison."""
    if not url or not url.strip():
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").rstrip(".")
    if not scheme or not host:
        return None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and {"http": 80, "https": 443}.get(scheme) != port:
        netloc = f"{netloc}:{port}"
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~") or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    items = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k.lower() not in _TRACKING and not k.lower().startswith("utm_")]  # fmt: skip
    return urlunsplit((scheme, netloc, path, urlencode(sorted(items)) if items else "", ""))


def earlier_host(url: str | None) -> str | None:
    try:
        host = urlsplit(url).hostname if url else None
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def urls() -> list[str]:
    files = [SHARED / "bench" / "trafilatura-eval.warc.gz"]
    files += sorted(p for p in (SHARED / "warc").glob("*/*") if ".warc" in p.name or ".arc" in p.name)
    out = []
    for path in files:
        with path.open("rb") as f:
            out += [r.url for r in read_file(f, str(path), ReadConfig()) if isinstance(r, Doc) and r.url]
    return out


def _groups(values: list[str], key) -> dict[str, list[str]]:  # noqa: ANN001
    groups: dict[str, list[str]] = defaultdict(list)
    for v in values:
        k = key(v)
        if k is not None:
            groups[k].append(v)
    return groups


def main() -> int:
    all_urls = urls()
    print(f"HTML responses with a URL: {len(all_urls)}")
    for name, key in (("earlier key", earlier_key), ("url_key (courlan)", url_key)):
        g = _groups(all_urls, key)
        dups = sum(len(v) - 1 for v in g.values())
        print(
            f"  {name:<20} {len(g):>5} distinct keys, {dups:>4} records share a key with another (URL dedup drops)"
        )
    new = _groups(all_urls, url_key)
    only_new = [sorted(set(v)) for v in new.values() if len({earlier_key(u) for u in v}) > 1]
    print(f"  groups only the new key joins: {len(only_new)}; e.g. {only_new[:3]}")
    hosts = _groups(all_urls, earlier_host)
    domains = _groups(all_urls, host_of)
    print(f"frequent-line sites: {len(hosts)} hosts -> {len(domains)} registered domains")
    multi = {
        d: sorted({earlier_host(u) for u in v})
        for d, v in domains.items()
        if len({earlier_host(u) for u in v}) > 1
    }
    print(f"  domains that gather several hosts: {len(multi)}; e.g. {list(multi.items())[:3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
