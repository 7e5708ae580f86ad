"""Chinese link-farm lines ("spider pool" SEO spam) by their shape: what the page re-vote leaves out.

Hacked sites and spider pools (蜘蛛池: networks of pages made to be crawled, so that search engines index the sites
they link) inject blocks of Chinese lines into pages of every language. Each line is a list of short links under a
link-block heading: "网站地图: 永吉县 绥化市 安西县 体育 望谟县 ...", "友情链接: 措勤县、锡林浩特市、永新县 ...": the names
of county-level places (the pool's subdomains, one per place) with a few keywords (体育, 视频, 彩票). Han lines on a
Latin page go by their script; but a block of them outweighs a short page's own text, which then votes Chinese, so
that the block reads as the page's own language and stays. `is_spam` tells the block's lines by their shape, and the
page is voted again without them (`features.vote_without_block`, the mechanism the gambling and pharmacy lexicons
use): the page's own lines decide its language, and the block goes as Han lines on that page's script do.

The shape, not a list of places (written here rather than taken from a package; no maintained package tells these
lines): the items of a line split at list separators (、，,|/·-【】 and spaces); a place item starts with 2-7 Han
characters ending in a suffix of the simplified-Chinese administrative divisions (省 province, 县 county, 市 city, 区
district, 旗 banner, 州 prefecture, 盟 league), the keyword of the pool's page often glued after it ("沭阳县seo优化"). A line is the shape when at least 5 of its items, and 60% of them, are places,
or, under a link-block heading (`HEADINGS`: sitemap, friendly links, related searches, spider-pool and site-group
templates), when 3 of them are. Only the re-vote reads it: a Chinese article that lists the counties a flood hit
still votes Chinese with its other lines, and nothing is removed from a page for its shape alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from transforms.language.labels import language_group

__all__ = ["CHINESE", "HEADINGS", "is_spam", "spam_lines"]

CHINESE = language_group("zh")

# Headings of link blocks: a sitemap, friendly links (link exchange), related and popular searches, and the
# templates of site groups and spider pools (站群, 蜘蛛池), as the SEO trade names them.
HEADINGS = frozenset(
    ["网站地图", "友情链接", "相关搜索", "热门搜索", "相关链接", "站群模板", "站群", "蜘蛛池", "蜘蛛池模板", "主站蜘蛛池模板"]
)

_HEADING = re.compile(r"\s*([\u4e00-\u9fff]{2,8})\s*[:：]\s*")
_SEPARATORS = re.compile(r"[\s、，,|｜/;；·・\-–—【】\[\]]+")
# A place name and what may be glued to it (the keyword of the pool's page: "沭阳县seo优化", "山东省婚纱摄影").
_PLACE = re.compile(r"[\u4e00-\u9fff]{1,6}[县市区旗州盟省]")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def is_spam(line: str) -> bool:
    """The line is a link-farm list (see the module docstring): mostly county-level place names, or some of them
    under a link-block heading."""
    if len(line) < 8 or len(_HAN.findall(line)) < 0.6 * len(line.replace(" ", "")):
        return False
    body, heading = line, False
    m = _HEADING.match(line)
    if m is not None:
        heading = m.group(1) in HEADINGS
        body = line[m.end() :]
    items = [item for item in _SEPARATORS.split(body) if item]
    places = sum(1 for item in items if _PLACE.match(item))
    if heading:
        return places >= 3
    return places >= 5 and places >= 0.6 * len(items)


def spam_lines(lines: Sequence[str]) -> list[bool]:
    """`is_spam` of each line."""
    return [is_spam(line) for line in lines]
