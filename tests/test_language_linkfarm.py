"""Chinese link-farm lines ("spider pool" SEO spam, `transforms/language/linkfarm.py`, issue 25): a block of them
that outweighs a short real page's own text no longer decides the page's language; the shape alone removes nothing."""

from __future__ import annotations

from tests.conftest import BENCH_WARC
from tests.test_language import _extract_warc, cfg, model  # noqa: F401 (the fixtures)
from transforms.language import LanguageConfig, clean_language
from transforms.language.linkfarm import is_spam

OFF = LanguageConfig(link_farm_revote=False)

# Lines of the shapes a spider pool injects: place lists under link-block headings, with the pool's keywords, the
# keywords glued to the places, provinces, several separators.
BLOCK = [
    "网站地图: 永吉县 绥化市 安西县 体育 望谟县 丹江口市 重庆市 靖宇县 六盘水市 视频 迁西县",
    "友情链接: 措勤县、锡林浩特市、永新县、井冈山市、商水县、重庆市、安义县、新巴尔虎左旗",
    "赞皇县 · 宝坻区 · 行唐县 · 邱县 · 深泽县 · 延庆县 · 无极县 · 崇礼县 · 招聘 · 辛集市",
    "地区站点 - 沭阳县seo优化  大丰市同城交友  丹阳市专业快速排名  响水县网站建设  溧水县seo优化",
    "【推荐】湖南省，广东省，福建省办证，新疆网络推广，陕西省，浙江省办证，黑龙江省，贵州省网站建设",
    "相关搜索: 米脂县，阿克苏市，宁陕县，大田县，旬阳县，政和县，鸡西市，巴马，通州区，琼结县",
    "主站蜘蛛池模板: 锡林浩特市、琼结县、彩票、綦江县、海门市、游戏、大田县、冕宁县、永兴县",
]

# The block the dev bank (`benchmarks/language_eval.py`, `han_list`) injected into knowledge-on-air.de's podcast
# page, which it missed before the re-vote: the page then voted Chinese (zh 0.46, de 0.43).
PAGE_BLOCK = [
    '主站蜘蛛池模板: 锡林浩特市、琼结县、彩票、綦江县、海门市、游戏、游戏、大田县、冕宁县、永兴县',
    '网站地图: 白银市| 论坛| 若羌县| 开化县| 英山县| 正阳县| 四平市| 广元市| 大田县| 晋中市| 孟州市| 庆阳市| 中宁县| 丁青县| 云霄县| 望谟县| 元氏县| 仁寿县| 临汾市| 双牌县| 泸水县| 重庆市| 固镇县| 昌都县| 广河县| 上思县| 沧源| 鄂托克前旗',
    '网站地图: 巴马、屏南县、沧源、阿尔山市、鸡西市、井冈山市、庆阳市、琼结县、西青区、陇南市、遂平县、天台县、中宁县、汤原县、大田县、鄂托克前旗、米脂县、钟祥市、泗阳县、上思县',
    '友情链接: 措勤县、锡林浩特市、永新县、井冈山市、商水县、重庆市、安义县、新巴尔虎左旗、中宁县、武山县、迁西县、泸水县、开化县、鸡西市、文登市、阿尔山市、广元市、庆阳市、陇南市、通州区、望谟县、壶关县、黄梅县、固镇县、五寨县、游戏、德庆县、琼结县、安西县、嵊泗县、天台县、汤原县、富宁县、屏南县、英山县、六盘水市、阿克苏市、洛川县、钟祥市',
    '相关搜索: 米脂县，阿克苏市，宁陕县，大田县，旬阳县，政和县，鸡西市，巴马，通州区，琼结县，仁寿县，英山县，丁青县，商水县，锡林浩特市，临汾市，天台县，正阳县，庆阳市，五寨县，迁西县，海安县，白银市，綦江县，光山县，绥化市，陇南市，上思县',
    '友情链接: 临汾市 | 遂平县 | 巴马 | 莱西市 | 直播 | 汤原县 | 霍城县 | 武山县 | 永新县 | 固镇县 | 巴东县 | 措勤县 | 丹江口市 | 六盘水市 | 宁晋县 | 海安县 | 德庆县 | 马边 | 富宁县 | 西青区 | 下载 | 宁陕县 | 娱乐 | 若羌县 | 平塘县 | 阿克苏市 | 昌都县 | 冕宁县',
    '友情链接: 永新县 巴东县 尚志市 英山县 阿尔山市 大田县 云霄县 富宁县 乌恰县 东丰县 中宁县 鄂托克前旗 海门市 绥化市 宜春市 琼结县 屏南县 綦江县 湘潭县 文登市 靖宇县 壶关县 武山县 安西县 下载 阿克苏市 马边 漳平市 固镇县 措勤县 广元市 遂平县 五寨县 海安县 西青区 霍城县 吉首市 六盘水市 政和县 上思县 永吉县',
]


def test_the_shape() -> None:
    assert all(is_spam(line) for line in BLOCK)
    for line in [
        "受灾地区包括永吉县、绥化市和安西县，当地政府已经启动应急预案。",  # a news sentence naming three places
        "友情链接: 新浪 搜狐 网易 腾讯",  # a real link block: sites, not places
        "北京市、上海市和广州市的房价",  # too few places
        "网站地图 | 联系我们 | 关于我们 | 隐私政策",
        "Beijing, Shanghai, Guangzhou, Shenzhen, Chengdu, Wuhan",
        "",
    ]:
        assert not is_spam(line), line


def test_block_that_outvotes_a_short_german_page_is_voted_out(model, cfg):
    """Seven link-farm lines outweigh knowledge-on-air.de's podcast page (one German paragraph): the page voted
    Chinese, kept the block and lost its own paragraph. Voted again without the block's lines, it reads German, and
    only the block goes."""
    (page,) = _extract_warc(BENCH_WARC, limit=1, want=lambda t: t.startswith("KOA039 Live vom KnowledgeCamp"))
    assert all(is_spam(line) for line in PAGE_BLOCK)
    text = "\n".join([page, *PAGE_BLOCK])
    res = clean_language(text, model, cfg)
    assert res.before.lang == "de"
    assert res.strip.removed == PAGE_BLOCK and res.strip.text == page
    off = clean_language(text, model, OFF)
    assert (off.before.lang, off.before.lang2) == ("zh", "de")
    assert off.strip.lines_removed == 0


def test_a_chinese_page_keeps_its_own_county_list(model, cfg):
    """A Chinese page is voted again without the list and still reads Chinese: nothing is removed for the shape."""
    text = "\n".join(
        [
            "今年夏天，多地遭遇持续强降雨，部分县市出现严重内涝，交通和电力一度中断。",
            "据应急管理部门通报，以下地区已启动防汛四级应急响应：",
            BLOCK[0].split(": ", 1)[1],
            "气象部门提醒，未来三天仍有较强降雨，请居民注意防范山洪和地质灾害。",
        ]
    )
    res = clean_language(text, model, cfg)
    assert res.before.lang == "zh" and res.strip.lines_removed == 0
