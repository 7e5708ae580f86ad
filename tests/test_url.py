"""The URL stage: the bundled UT1 list (memory-mapped host hashes), datatrove's word lists, your own lists, and the
stage's place before extraction (a blocked page is never extracted)."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipelines.config import ConfigError, load_config
from tests.badinput import article_html, http_response, run_cli, warc_record
from tests.conftest import REPO
from transforms.core import Doc, Dropped
from transforms.url import DomainIndex, UrlConfig, UrlFilter, UrlFn, split_url
from transforms.url.blocklist import UT1_SOURCE, build_index, data_path, host_hash, load_ut1, read_member, source_checksum
from transforms.url.match import _list_keys, ut1_url_keys

BENCH_WARC = REPO.parent / "shared" / "data" / "bench" / "trafilatura-eval.warc.gz"

# Legitimate hosts and URLs that hold a banned word only inside another word (the Scunthorpe problem).
SCUNTHORPE = [
    "https://www.middlesex.ac.uk/study", "https://www.essex.gov.uk/", "https://analytics.google.com/home",
    "https://www.sussex.ac.uk/news", "https://www.scunthorpe-united.co.uk/", "https://www.cockburn.wa.gov.au/",
    "https://www.psychologytoday.com/us/therapists", "https://therapist.com/find", "https://www.wessexwater.co.uk/",
    "https://www.penistone-town-council.gov.uk/", "https://www.clitheroeadvertiser.co.uk/", "https://www.cumbria.gov.uk/",
    "https://www.titanicbelfast.com/", "https://www.hancockcountyohio.gov/", "https://www.peacocktv.com/",
    "https://www.cocktailsociety.com/", "https://www.sextantsailing.org/", "https://www.assassinscreed.com/",
    "https://www.arsenal.com/news", "https://www.dickens-society.org/", "https://www.butterfly-conservation.org/",
    "https://www.shuttlecock-world.com/", "https://www.grapevine-wine.com/", "https://www.specialist-tools.de/",
    "https://www.matsushita.co.jp/", "https://www.shiitake-farm.com/", "https://www.classicfm.com/",
    "https://www.bassguitarmagazine.com/", "https://www.assessment-centre.org/", "https://www.spicers.co.uk/",
    "https://www.scattergood.org/", "https://www.pakistantoday.com.pk/", "https://www.cummins.com/",
    "https://www.twatt-orkney.co.uk/", "https://www.hornimanmuseum.org/", "https://www.homosassa.fl.us/",
    "https://www.kumquat-recipes.com/", "https://www.therapistaid.com/", "https://www.rapperswil-jona.ch/",
    "https://www.analog-devices.com/",
]  # fmt: skip


@pytest.fixture(scope="module")
def ut1_filter() -> UrlFilter:
    return UrlFilter.from_config(UrlConfig())


def test_split_url_normalises_the_host() -> None:
    assert split_url("HTTPS://User:Pw@WWW.Example.COM.:8443/Path?q=1#frag") == ("www.example.com", "/Path?q=1", False)
    assert split_url("http://bücher.example/x").host == "xn--bcher-kva.example"
    assert split_url("http://[2001:DB8::1]:80/").host == "2001:db8::1"
    assert split_url("http://203.0.113.7/a") == ("203.0.113.7", "/a", True)
    assert split_url("example.org/a/b") == ("example.org", "/a/b", False)
    assert split_url("") is None


def test_ut1_variants_of_listed_domains_are_blocked(ut1_filter: UrlFilter) -> None:
    """Entries of the real list, as crawls write them: www., m., deeper subdomains, upper case, ports, userinfo."""
    for url in ("http://0-1avsex.com/", "https://www.0-1avsex.com/a", "https://M.0-1AVSEX.COM:8080/",
                "http://u:p@a.b.c.0-1avsex.com/x", "http://0-1avsex.com./"):  # fmt: skip
        v = ut1_filter.verdict(url)
        assert v is not None and v.reason == "blocklisted_domain" and v.detail == "domain=0-1avsex.com", url


def test_a_listed_subdomain_blocks_its_children_never_its_parent_or_siblings(ut1_filter: UrlFilter) -> None:
    assert ut1_filter.verdict("https://m.wepartynaked.blogspot.dk/2020/01/x.html") == (
        "blocklisted_domain", "domain=wepartynaked.blogspot.dk")  # fmt: skip
    assert ut1_filter.verdict("https://blogspot.dk/") is None
    assert ut1_filter.verdict("https://travelnotes.blogspot.dk/") is None


def test_adult_top_level_domains_are_listed(ut1_filter: UrlFilter) -> None:
    assert ut1_filter.verdict("https://shop.example.xxx/") == ("blocklisted_domain", "domain=xxx")


def test_ut1_urls_block_their_pages_and_the_pages_below(ut1_filter: UrlFilter) -> None:
    assert ut1_filter.verdict("https://www.reddit.com/r/2busty2hide/") == (
        "blocklisted_url", "url=reddit.com/r/2busty2hide")  # fmt: skip
    assert ut1_filter.verdict("https://tumblr.com/caribbeancamgirls/post/123") == (
        "blocklisted_url", "url=tumblr.com/caribbeancamgirls")  # fmt: skip
    assert ut1_filter.verdict("https://www.reddit.com/r/python/") is None


def test_scunthorpe_hosts_pass(ut1_filter: UrlFilter) -> None:
    assert len(SCUNTHORPE) == 40
    assert [u for u in SCUNTHORPE if ut1_filter.verdict(u) is not None] == []


def test_word_rules_on_the_lower_cased_url(ut1_filter: UrlFilter) -> None:
    assert ut1_filter.verdict("https://news.example.org/Free-PORN-Videos") == ("banned_word", "word=porn")
    assert ut1_filter.verdict("https://news.example.org/porn4free") == ("banned_word", "word=porn")
    assert ut1_filter.verdict("https://news.example.org/lesbian-sex/") == (
        "soft_banned_words", "words=lesbian,sex")  # fmt: skip
    assert ut1_filter.verdict("https://news.example.org/sex-education-in-schools") is None  # one soft word
    assert ut1_filter.verdict("https://tube.example.org/best-sex-videos") == ("banned_subword", "phrase=sexvideo")


def test_banned_words_glued_to_english_words(ut1_filter: UrlFilter) -> None:
    """datatrove splits URLs only at non-alphanumerics; a token that splits entirely into English words, one of
    them banned, is blocked too: the fewest words win, names and words that hold a banned word pass."""
    v = ut1_filter.verdict
    assert v("http://freejizz.org/") == ("banned_word", "word=jizz in=freejizz")
    assert v("https://www.example.com/tags/hotcreampievideos") == ("banned_word", "word=creampie in=hotcreampievideos")
    assert v("https://www.example.org/bestpornsite/") == ("banned_word", "word=porn in=bestpornsite")
    assert v("https://www.example.net/xxxclips") == ("banned_word", "word=xxx in=xxxclips")
    for innocent in ("https://therapistfinder.com/", "https://www.expertsexchange.com/", "https://penisland.net/",
                     "https://whorepresents.com/", "https://www.cockburnlibrary.org/", "https://spicersltd.co.uk/",
                     "https://www.pakistantoday.com.pk/", "https://hancockcountyohio.gov/",
                     "https://www.wessexwater.co.uk/", "https://titanicbelfast.com/", "https://scattergood.org/"):  # fmt: skip
        assert v(innocent) is None, innocent
    c = ut1_filter._compound
    assert c is not None
    assert c.split("therapistfinder") == ["therapist", "finder"]
    assert c.split("expertsexchange") == ["experts", "exchange"]
    assert c.split("hornimanmuseum") is None  # "horniman" is no word of the list: never split, never blocked


def test_real_bench_pages_on_ut1(ut1_filter: UrlFilter) -> None:
    """The bench file's 990 real pages: exactly these four hosts are on UT1 (listed there as adult)."""
    from fastwarc import ArchiveIterator, WarcRecordType

    blocked = {}
    with BENCH_WARC.open("rb") as f:
        for rec in ArchiveIterator(f, record_types=WarcRecordType.response, parse_http=False):
            url = rec.headers.get("WARC-Target-URI")
            if (v := ut1_filter.verdict(url)) is not None:
                blocked[url.split("/")[2]] = v.reason
    assert blocked == {"gay.ch": "blocklisted_domain", "jungefreiheit.de": "blocklisted_domain",
                       "www.lacuarta.com": "blocklisted_domain", "www.siegessaeule.de": "blocklisted_domain"}  # fmt: skip


def test_your_lists_and_the_most_specific_allow(tmp_path: Path) -> None:
    listed = tmp_path / "block.txt"
    listed.write_text("# my list\nBad.Example\n\nworse.example.\n", encoding="utf-8")
    cfg = load_config(None, [f"url.block_domains={listed}", "url.allow_domains=[good.bad.example, blogspot.dk]",
                             "url.block_urls=['https://ok.example/private/', 'ok.example/x?y=1']"]).url  # fmt: skip
    assert cfg.block_domains == ["Bad.Example", "worse.example."]
    f = UrlFilter(cfg, DomainIndex.of_hosts(["wepartynaked.blogspot.dk"]), None)
    assert f.verdict("http://www.bad.example/") == ("blocklisted_domain", "domain=bad.example")
    assert f.verdict("http://good.bad.example/") is None  # allowed: more specific than the blocked parent
    assert f.verdict("http://a.good.bad.example/") is None
    assert f.verdict("http://x.worse.example/") == ("blocklisted_domain", "domain=worse.example")
    # allowing a platform does not rescue a listed host on it: the listed host is more specific
    assert f.verdict("http://wepartynaked.blogspot.dk/") == ("blocklisted_domain", "domain=wepartynaked.blogspot.dk")
    assert f.verdict("https://www.ok.example/private/page") == ("blocklisted_url", "url=ok.example/private")
    assert f.verdict("https://ok.example/x") == ("blocklisted_url", "url=ok.example/x")
    assert f.verdict("https://ok.example/public") is None
    with pytest.raises(ConfigError, match="url.block_domains"):
        load_config(None, [f"url.block_domains={tmp_path / 'missing.txt'}"])


def test_lists_can_be_turned_off() -> None:
    f = UrlFilter.from_config(UrlConfig(ut1=False, word_lists=False))
    assert f.verdict("http://0-1avsex.com/porn") is None


def test_index_lookups_and_rebuild_on_a_changed_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hosts = [f"host{i}.example" for i in range(5000)]
    index = DomainIndex(build_index([host_hash(h) for h in hosts], b"\x01" * 32))
    assert len(index) == 5000 and all(h in index for h in hosts)
    assert not any(f"other{i}.example" in index for i in range(5000))

    def tar_of(domains: str) -> bytes:
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w:gz") as tar:
            for name, data in (("urls", b"a.example/x\n"), ("domains", domains.encode())):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        return buf.getvalue()

    monkeypatch.setenv("CRAWLWASH_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "list.tar.gz"
    source.write_bytes(tar_of("one.example\nTWO.example\n#three.example\n"))
    first = load_ut1(source)
    assert "one.example" in first and "two.example" in first and "three.example" not in first
    assert len(list((tmp_path / "cache").glob("url-hosts-*.bin"))) == 1
    assert "one.example" in load_ut1(source)  # mapped from the cache, not rebuilt
    source.write_bytes(tar_of("three.example\n"))
    changed = load_ut1(source)
    assert "three.example" in changed and "one.example" not in changed
    assert len(list((tmp_path / "cache").glob("url-hosts-*.bin"))) == 2


def test_url_fn_drops_with_reason_and_detail() -> None:
    fn = UrlFn(UrlConfig())
    doc = Doc(id="1", source="s", source_record="r", url="https://www.0-1avsex.com/", html=b"<p>x</p>")
    out = fn.apply(doc)
    assert isinstance(out, Dropped) and (out.stage, out.reason, out.detail) == (
        "url", "blocklisted_domain", "domain=0-1avsex.com")  # fmt: skip
    no_url = doc.replace(url=None)
    assert fn.apply(no_url) is no_url


def test_blocked_pages_are_never_extracted(tmp_path: Path) -> None:
    """The CLI on a WARC: a blocked page whose payload is over extract.max_html_bytes is dropped by `url`, not
    failed by extract (so extraction never saw it); a good page is kept; the ledger balances."""
    big = article_html(1) + b"<!-- " + b"x" * 6_000_000 + b" -->"
    records = [
        warc_record("response", http_response(article_html(0)), "00000000-0000-4000-8000-000000000001",
                    "https://news.example.org/story"),
        warc_record("response", http_response(big), "00000000-0000-4000-8000-000000000002",
                    "https://WWW.0-1avsex.com:8080/page"),
        warc_record("response", http_response(article_html(2)), "00000000-0000-4000-8000-000000000003",
                    "https://news.example.org/free-porn-gallery"),
    ]  # fmt: skip
    warc = tmp_path / "in.warc"
    warc.write_bytes(b"".join(records))
    out = tmp_path / "out"
    run = run_cli(["run", "--input", str(warc), "--output", str(out), "--quiet", "--set", "output.report=false",
                   "--direct_running_mode=in_memory", "--direct_num_workers=1"], cwd=tmp_path)  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    stats = json.loads((out / "stats.json").read_text())
    assert stats["balanced"] and stats["read"] == 3 and stats["kept"] == 1 and stats["failed"] == 0
    assert stats["dropped_by_stage"]["url"] == {"banned_word": 1, "blocklisted_domain": 1}
    rejected = pq.read_table(out / "rejected").to_pylist()
    assert sorted((r["stage"], r["reason"], r["detail"], r["text"]) for r in rejected) == [
        ("url", "banned_word", "word=porn", ""), ("url", "blocklisted_domain", "domain=0-1avsex.com", "")]  # fmt: skip


def test_ut1_url_keys_are_made_once_per_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The UT1 URL list's keys come from the cache after the first time, and are the keys of the list's entries."""
    monkeypatch.setenv("CRAWLWASH_CACHE_DIR", str(tmp_path))
    source = data_path(UT1_SOURCE)
    entries = read_member(source, "urls").decode("utf-8", "replace").splitlines()
    keys = ut1_url_keys(source_checksum(source))
    assert sorted(keys) == sorted(_list_keys(entries)) and len(keys) == 19_587
    (cached,) = tmp_path.glob("url-keys-*.txt")
    assert cached.read_text(encoding="utf-8").split("\n") == keys
    assert ut1_url_keys(source_checksum(source)) == keys
    assert list(tmp_path.glob("url-keys-*.txt")) == [cached]

