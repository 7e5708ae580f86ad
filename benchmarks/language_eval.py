"""Dev evaluation of foreign-line stripping: inject realistic spam into real pages and measure what comes out.

Pages: the bench WARC (`../shared/data/bench/trafilatura-eval.warc.gz`, de/en/es/fr/pl/...) and the Common Crawl /
ClueWeb excerpts (Chinese and Japanese pages), extracted with trafilatura (cached in a temp file between runs).
Spam kinds (generated from phrase banks with a seeded RNG, so every line differs):
  han_list    Han "spider pool" county/keyword lists          -> Latin-script pages
  mojibake    Chinese footers, UTF-8 bytes decoded as GBK      -> Latin-script and Chinese pages
  pharmacy_en English pharmacy spam                            -> de / fr / es / other non-English Latin pages
  gambling_id Indonesian gambling spam                         -> English pages
  gambling_vi Vietnamese gambling spam                         -> English pages
  zh_in_ja    Chinese gambling spam                            -> Japanese pages
Each injection is a single line or a run (2-8 lines) at the start, middle or end. Real pages without injection
are the controls. Printed per kind: spam-line recall; legitimate-character loss (%) counted two ways: "legit loss"
= every legitimate line removed from the injected page (absolute), "excess loss" = only legitimate lines that the
same page WITHOUT injection keeps (the loss the injection caused; a host page's own foreign lines, e.g. a Greek
letter in a German page, are removed in both and count only in the absolute figure); `--show` lists excess losses.
Banks (`--bank`), and what each was used for:
  dev       tuned on, every pass.
  holdout   held out; its single miss page (an English page that a large Indonesian block outvotes) was read
            in issue 25's Title Case / short-line pass, so it is tuning material since.
  holdout2  held out, never tuned on.
  holdout3  written fresh for the fifth pass; its code-mixed gambling lines were then used to find what fastText
            misses, and the word-frequency evidence was built against that: tuning material since the sixth pass.
  holdout4  written after the sixth pass's tuning and run once: the honest figure for that pass; its short
            gambling lines were read in issue 25's Title Case / short-line pass: tuning material since.
  holdout5  the two gambling kinds only, written after issue 25's first gambling tuning and run once then (the
            honest figure for it); its misses (the Title Case template, hashtag lines, short Vietnamese lines)
            are what the Title Case / short-line pass was aimed at: tuning material since.
  holdout6  the two gambling kinds only, written at the start of the Title Case / short-line pass, before any of
            its tuning, and run once at its end: the honest figure for that pass. Title Case headings, ALL CAPS,
            hashtags, brand codes, English words mixed in, short and long lines, link-text lines, and injections
            inside a real paragraph (split in two around them). Run once, on 578f9b0: gambling_id 0.9049,
            gambling_vi 0.9545 (misses: tag-and-brand lines under 15 letters, Title Case lines fastText gives
            English 0.1 or more, English-framed lines, Vietnamese without diacritics); read since, so tuning
            material from the next pass on.
  holdout7  the two gambling kinds plus controls, written at the start of the brand-code / gambling-lexicon pass
            (issue 25 item 5), before any of its tuning, and run once at its end: new brands and phrasing, short
            tag-and-brand lines, Title Case, English-framed lines, Vietnamese without diacritics, lines that are
            mostly a URL. Its controls: `legit_en*` (English lines on betting, casinos, lotteries, product and
            model codes, injected into English pages; the recall column is the share removed, want 0) and whole
            Indonesian and Vietnamese news paragraphs about gambling (kept lines printed). Run once, with main
            45a1456's code (before): gambling_id 0.5361, gambling_vi 0.7401; on 10f9949 (after): gambling_id 0.9347,
            gambling_vi 0.8773; legit_en 0 removed and every control page line kept, both. Misses: brand codes
            with a frame word no list has ("Akses SULTAN88", "Vô B52club", "MB66 apk"), brands without digits
            ("Main RAJAWD", "Nhatvip is the top casino ..."), codes the brand rule does not read (B52club, j88,
            68GB), a long English-framed line; read since, so tuning material from the next pass on.
  holdout8  written blind (without reading the lexicon) at the start of issue 25 item 5's third gambling pass, before
            any of its tuning, and run once on main's logic (1fbdc4f): comment spam, footer link farms, SEO keyword
            stuffing, contact and short-link lines, brands with and without digits, lower-case codes, a block's
            plain lines (copyright, menus); also on non-English Latin pages (`gambling_*_eu`). Controls: `legit_en`
            (bookmakers, casinos, place names like Bandar Seri Begawan, product codes, short quoted Indonesian or
            Vietnamese phrases in English prose) and Indonesian, Vietnamese and Malay news paragraphs on gambling.
            Run once, on 1fbdc4f (before): gambling_id 0.7979, gambling_vi 0.6947, gambling_id_eu 0.8569,
            gambling_vi_eu 0.8254 (excess loss 0.016 / 0.012 / 0.085 / 0.028 %); legit_en 0 removed and every
            control page line kept. Its misses were read then (link lines, copyright lines, tags and names inside
            a block, invented brands without digits): tuning material since. After that pass (gambling.py's
            block rule): 0.8973 / 0.8035 / 0.9316 / 0.9193, the same losses. Still missed: single short tags
            ("Coba BUKITJP"), English-framed lines without language ("X - Top reputable bookmaker in Vietnam"),
            copyright lines at a block's edge, keyword stuffing of a brand without digits.
  holdout9  English pharmacy spam on non-English Latin pages plus controls, written blind at the start of issue 25's
            pharmacy pass (before any pharmacy rule was written), run once on main's logic (0ff40d9) and once at
            the pass's end: new drug names, comment spam, link farms, keyword stuffing, price-per-pill lines, shop
            hosts and URLs, Title Case and ALL CAPS headings, a shop's plain lines. Controls: `legit_en` (English
            health news on the same drugs and doses, in English pages) and German, French, Spanish, Italian, Dutch
            and English medical pages (kept lines printed). Run once, on 0ff40d9 (before): pharmacy_en 0.7599
            (legit loss 0.890 %, excess 0.032 %); legit_en 0 removed and every control page line kept. At the
            pass's end (pharmacy.py, the re-vote without its block): 0.8046 (0.893 % / 0.035 %), legit_en 0
            removed, every control line kept. Still missed: drugs outside the lexicon (prednisone, amoxicillin,
            doxycycline, valtrex, rybelsus, stendra, tapentadol), drug-and-dose lines without a selling word
            ("Viagra 20mg"), shop URLs and a shop's plain lines ("© 2021 X Online Pharmacy. All rights reserved.",
            "We ship to USA, UK ..."), Title Case headings ("Where To Buy Adipex Safely Online"); read since, so
            tuning material from the next pass on. At the second pharmacy pass's end (the block rule, the wider
            drug list, drug-and-dose lines, `pharmacy_hint`): 0.9854 (0.884 % / 0.025 %); still missed: lone shop
            URLs and copyright lines, "Super P-Force", an eight-line block that outvotes a short page.
  holdout10 written blind (without reading the lexicon) at the start of issue 25 item 5's fourth gambling pass, before
            any of its tuning, and run once on main's logic (0ff40d9): the SEO pages injected into hacked sites
            (titles with ":" "~" "»", breadcrumbs, fact tables, shop ratings and prices, FAQ, tables of contents,
            testimonials, fake bylines and addresses, small-caps and full-width letters, Linktree / Google Sites
            links, brands without digits, English-framed lines), also on non-English Latin pages. Controls:
            `legit_en` (Indonesian and Vietnamese places, food and names in English prose, "Bet365 casino is not
            available in Indonesia", model codes, a news site's copyright line and menu) and Indonesian, Vietnamese
            and Malay news pages on gambling with their "Baca juga" / "Xem them" link lines and captions.
            Run once, on 0ff40d9 (before): gambling_id 0.7740, gambling_vi 0.8299, gambling_id_eu 0.8932,
            gambling_vi_eu 0.8486 (excess loss 0.002 / 0.003 / 0.064 / 0.026 %); legit_en 0 removed and every
            control page line kept. Its misses were read then: tuning material since. After that pass (the block's
            brands, link and tag lines, lines inside a block, small capitals; no lexicon term added): 0.8938 /
            0.8878 / 0.9367 / 0.9206, the same losses; holdout8 0.9315 / 0.8456 / 0.9654 / 0.9406. Still missed:
            single lines without vocabulary ("Minimal Deposit | Rp 10.000", "Login DEWAKOIN", "Mục lục", link
            pages of a brand without digits), English-framed lines, and a block's lines naming another brand than
            its neighbours (each generated line draws its own brand; in the wild a block names one).
  holdout11 English pharmacy spam on non-English Latin pages plus controls, written blind at the start of issue 25's
            second pharmacy pass (before any of its rules), run once on main's logic (b5c540a): shop names and
            URLs, price tables, "Rx" tags, brand and generic pairs, bestseller and category lists, Title Case
            headings, a shop's menu, payment and trust lines. Controls: `legit_en` (English patient information,
            labels and news with brand and generic names, doses and prices) and German, French, Spanish, Italian,
            Dutch, Polish, Portuguese and English pages on medicines (kept lines printed). Run once, on b5c540a
            (before): pharmacy_en 0.6015 (legit loss 0.928 %, excess 0.017 %); legit_en 0 removed and every
            control page line kept. Its misses were read then: tuning material from then on. At the pass's end:
            0.9890 (0.931 % / 0.021 %), legit_en 0 removed, every control line kept; still missed: lone shop
            hosts, headings and menus ("Men's Health", "Home | Bestsellers | Shipping Info | FAQ"), "Cipro" (Italian
            for Cyprus, left out of the list).
Also the controls' kept-text fraction per language.
Targets: recall >= 0.98, loss <= 0.5 %, non-English controls keep >= 95 %.

    .venv/bin/python benchmarks/language_eval.py [--seed 7] [--max-pages 400] [--per-page 1] [--holdout]
        [--bank dev|holdout|holdout2|...|holdout11] [--set key=value ...] [--show N]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import logging
import random
import re
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

from harness import SHARED  # puts the repository on sys.path

from transforms.language import LanguageConfig, LanguageModel, clean_language

BENCH_WARC = SHARED / "bench" / "trafilatura-eval.warc.gz"
CJK_WARCS = [
    SHARED / "warc" / "chatnoir-eu+chatnoir-resiliparse" / "warcfile.warc.gz",
    SHARED / "warc" / "chatnoir-eu+chatnoir-resiliparse" / "clueweb-quirk.warc.gz",
]

log = logging.getLogger("language_eval")

# --- phrase banks --------------------------------------------------------------------------------------------

PLACES = ["嵊泗县", "永新县", "永定县", "井冈山市", "永吉县", "政和县", "若羌县", "临汾市", "重庆市", "迁西县", "六盘水市", "桓仁", "壶关县", "汤原县", "洛川县", "广河县", "霍城县", "米脂县", "广元市", "靖宇县", "阿尔山市", "白银市", "平塘县", "鸡西市", "庆阳市", "宜春市", "乌恰县", "光山县", "西青区", "正阳县", "中宁县", "四平市", "漳平市", "永兴县", "丁青县", "兰西县", "天台县", "商水县", "海安县", "文登市", "宁晋县", "泗阳县", "沧源", "元氏县", "宁陕县", "措勤县", "开化县", "新源县", "东丰县", "晋中市", "旬阳县", "绥化市", "德庆县", "安西县", "冕宁县", "丹江口市", "琼结县", "富宁县", "阿克苏市", "马边", "锡林浩特市", "通州区", "仁寿县", "邯郸市", "孟州市", "湘潭县", "黄梅县", "云霄县", "泸水县", "固镇县", "巴马", "新巴尔虎左旗", "大田县", "海门市", "尚志市", "英山县", "双牌县", "五寨县", "钟祥市", "昌都县", "遂平县", "宜川县", "陇南市", "莱西市", "鄂托克前旗", "吉首市", "松溪县", "武山县", "望谟县", "巴东县", "綦江县", "屏南县", "安义县", "上思县"]
LIST_PREFIXES = [
    "主站蜘蛛池模板:", "网站地图:", "友情链接:", "热门城市:", "蜘蛛池:", "相关搜索:", "站群模板:", "热门地区:", "",
]
LIST_EXTRAS = ["手机", "娱乐", "新闻", "视频", "下载", "论坛", "彩票", "体育", "直播", "游戏"]

ZH_FOOTER = [
    "沪ICP备{n8}号-{d}", "京ICP证{n6}号", "粤ICP备{n8}号", "互联网新闻信息服务许可证：{n11}", "网络视听许可证：{n7}",
    "广播电视节目制作经营许可证：沪字第{n3}号", "增值电信业务经营许可证：沪B2-{n8}", "京公网安备 {n14}号",
    "违法和不良信息举报电话：{n8}", "版权所有 未经授权禁止复制或建立镜像", "网络文化经营许可证 京网文〔{y}〕{n4}-{n3}号",
    "联系我们 | 关于我们 | 广告服务 | 隐私政策", "本站所有内容均来源于互联网，如有侵权请联系删除", "信息网络传播视听节目许可证：{n7}号",
    "举报邮箱：jubao@{w}.com", "药品医疗器械网络信息服务备案：（京）网药械信息备字（{y}）第{n5}号",
    "出版物经营许可证：新出发京批字第直{n6}号", "地址：{city}市{district}区人民路{n3}号 邮编：{n6}",
]
CITIES = ["北京", "上海", "广州", "深圳", "杭州", "南京", "成都", "武汉", "西安", "重庆", "天津", "苏州"]
DISTRICTS = ["朝阳", "海淀", "浦东", "黄浦", "天河", "福田", "西湖", "鼓楼", "武侯", "江汉", "雁塔", "渝中"]

DRUGS = [
    "Viagra", "Cialis", "Levitra", "Tramadol", "Xanax", "Valium", "Ambien", "Phentermine", "Propecia", "Kamagra",
    "Soma", "Clomid", "Accutane", "Modafinil", "Adderall", "Oxycodone", "Lorazepam", "Priligy", "Zithromax",
    "Sildenafil", "Tadalafil", "Vardenafil", "Finasteride", "Diazepam", "Klonopin", "Meridia", "Lipitor",
]
PHARMA = [
    "Buy {drug} online without a prescription and save up to {pct}% today",
    "Cheap {drug} {dose}mg tablets with fast worldwide shipping and discreet packaging",
    "Order generic {drug} from our licensed online pharmacy, no doctor visit required",
    "Best price for {drug} {dose} mg, overnight delivery to your door",
    "Where can I buy {drug} safely? Trusted pharmacy with {n2},000 satisfied customers",
    "Get {drug} and {drug2} at the lowest prices, free pills with every order",
    "{drug} {dose}mg for sale: no prescription needed, pay with credit card or bitcoin",
    "Discount {drug} online - bonus pills, free shipping on orders over ${n2}",
    "Looking for {drug} without rx? Fast, private and secure checkout from a certified pharmacy",
    "Canadian pharmacy {drug} generic, {pct}% off your first purchase, money back guarantee",
    "Click here to buy {drug} {dose} mg cheap, delivered within {d} business days",
    "Men's health: order {drug} now and enjoy the weekend, satisfaction guaranteed",
    "Top quality {drug} pills, FDA approved generics shipped from our trusted partners",
    "Lose weight fast with {drug}, buy online today and see results in {d} weeks",
    "Special offer: {drug} plus {drug2} combo pack, free delivery worldwide",
]

ID_BRANDS = ["SLOT88", "GACOR77", "MAXWIN303", "TOGEL4D", "JP99", "HOKI138", "ZEUS168", "OLYMPUS88", "BOLA855"]
ID_PARTS = [
    "situs judi slot online terpercaya", "daftar slot gacor hari ini", "bandar togel resmi dan terbesar",
    "deposit pulsa tanpa potongan", "link alternatif terbaru", "RTP live tertinggi", "gampang menang jackpot",
    "bonus new member {pct}%", "pasti maxwin setiap hari", "agen judi bola terpercaya di Indonesia",
    "main sekarang dan raih kemenangan besar", "proses deposit dan withdraw cepat", "pelayanan 24 jam nonstop",
    "bisa deposit via dana, ovo dan gopay", "situs resmi dengan lisensi internasional", "prediksi togel jitu malam ini",
    "slot demo gratis tanpa daftar", "dijamin bayar berapapun kemenanganmu", "minimal deposit {n2} ribu saja",
    "pola slot gacor dan jam hoki", "kumpulan situs judi online paling aman", "raih cuan besar setiap hari",
]
ID_TEMPLATES = [
    "{brand} {p1}, {p2} dan {p3}",
    "{brand}: {p1} dengan {p2}",
    "{p1} - {brand} {p2}",
    "Ayo {p1} bersama {brand}, {p2}!",
    "{brand} adalah {p1} yang menyediakan {p2} dan {p3}.",
    "Hanya di {brand}: {p1}, {p2}",
]
VI_BRANDS = ["FB88", "W88", "VN88", "Fun88", "M88", "12BET", "Kubet", "Hi88", "Jun88", "New88", "OKVIP"]
VI_PARTS = [
    "nhà cái uy tín hàng đầu Việt Nam", "cá cược bóng đá trực tuyến", "đăng ký nhận khuyến mãi {pct}%",
    "tỷ lệ kèo nhà cái hôm nay", "nạp tiền nhanh chóng qua ngân hàng", "rút tiền siêu tốc trong {d} phút",
    "casino trực tuyến đẳng cấp", "xổ số miền Bắc hôm nay", "đá gà trực tiếp thomo", "nổ hũ đổi thưởng",
    "game bài đổi thưởng uy tín", "soi kèo chính xác miễn phí", "link vào mới nhất không bị chặn",
    "hoàn trả mỗi ngày không giới hạn", "chăm sóc khách hàng 24/7", "tặng ngay {n3}K cho thành viên mới",
    "bắn cá đổi thưởng hấp dẫn", "trang chủ chính thức của nhà cái", "thể thao ảo và lô đề online",
]
VI_TEMPLATES = [
    "{brand} - {p1}, {p2}",
    "{brand} là {p1} với {p2} và {p3}",
    "Tham gia {brand} ngay: {p1}, {p2}",
    "{p1} tại {brand}, {p2}!",
    "{brand}: {p1} | {p2}",
    "Truy cập {brand} để {p1} và {p2}.",
]
ZH_SPAM_PARTS = [
    "澳门新葡京官方网站", "注册即送{n2}元彩金", "北京赛车pk10开奖直播", "时时彩平台注册", "六合彩开奖结果查询",
    "真人百家乐在线娱乐", "体育投注首存送{pct}%", "信誉最好的网上赌场", "银河娱乐官网登录", "天天返水无上限",
    "提款秒到账", "老虎机游戏免费试玩", "皇冠体育比分直播", "幸运飞艇计划网页版", "快三走势图今天", "捕鱼游戏现金版",
    "全网最高赔率", "官方授权正规平台", "七星彩开奖号码", "威尼斯人在线平台", "永利皇宫网址大全", "手机版下载安装",
]


def _fill(tpl: str, rng: random.Random) -> str:
    def num(k: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(k))

    return tpl.format(
        drug=rng.choice(DRUGS), drug2=rng.choice(DRUGS), dose=rng.choice([5, 10, 20, 25, 50, 100, 200]),
        pct=rng.choice([10, 15, 20, 30, 50, 70, 80, 100]), d=rng.randint(1, 9), n2=num(2), n3=num(3), n4=num(4),
        n5=num(5), n6=num(6), n7=num(7), n8=num(8), n11=num(11), n14=num(14), y=rng.randint(2010, 2024),
        w=rng.choice(["sina", "qq", "163", "sohu", "ifeng"]), city=rng.choice(CITIES), district=rng.choice(DISTRICTS),
    )


def gen_han_list(rng: random.Random) -> str:
    items = rng.sample(PLACES, rng.randint(4, 40))
    for _ in range(rng.randint(0, 3)):
        items.insert(rng.randrange(len(items) + 1), rng.choice(LIST_EXTRAS))
    sep = rng.choice(["| ", "|", " ", "、", " | ", "，"])
    prefix = rng.choice(LIST_PREFIXES)
    return (prefix + " " if prefix else "") + sep.join(items)


def gen_mojibake(rng: random.Random) -> str:
    text = _fill(rng.choice(ZH_FOOTER), rng)
    if rng.random() < 0.3:
        text += " " + _fill(rng.choice(ZH_FOOTER), rng)
    text = text.encode("utf-8").decode("gbk", errors=rng.choice(["replace", "ignore"]))
    return text.replace("\ufffd", "?") if rng.random() < 0.5 else text


def gen_pharmacy(rng: random.Random) -> str:
    return _fill(rng.choice(PHARMA), rng)


def _compose(rng: random.Random, templates: list[str], parts: list[str], brands: list[str]) -> str:
    p = rng.sample(parts, 3)
    return _fill(rng.choice(templates).format(brand=rng.choice(brands), p1=p[0], p2=p[1], p3=p[2]), rng)


def gen_gambling_id(rng: random.Random) -> str:
    return _compose(rng, ID_TEMPLATES, ID_PARTS, ID_BRANDS)


def gen_gambling_vi(rng: random.Random) -> str:
    return _compose(rng, VI_TEMPLATES, VI_PARTS, VI_BRANDS)


def gen_zh_spam(rng: random.Random) -> str:
    parts = [_fill(p, rng) for p in rng.sample(ZH_SPAM_PARTS, rng.randint(2, 5))]
    return rng.choice(["，", " ", "|", "！", "、"]).join(parts)


# Held-out banks (`--holdout`): different templates and vocabulary, never used for tuning.
HOLDOUT_PHARMA = [
    "Purchase {drug} with no script, {pct} percent discount and free express courier",
    "Our online drugstore sells {drug} and {drug2} cheaply, order in two clicks",
    "Need {drug} fast? We ship in plain envelopes, no questions asked",
    "Generic {drug} {dose} mg at wholesale prices, buy more and pay less",
]
HOLDOUT_ID_PARTS = [
    "daftar akun baru sekarang juga", "menangkan hadiah jutaan rupiah", "situs taruhan bola paling dipercaya",
    "tanpa ribet dan langsung main", "layanan pelanggan ramah setiap saat", "putaran gratis untuk pemain baru",
    "promo cashback mingguan hingga {pct}%", "permainan kasino langsung dengan dealer cantik",
]
HOLDOUT_ID_TEMPLATES = ["Segera {p1} di {brand}, {p2} serta {p3}", "{brand} menawarkan {p1}; {p2}"]
HOLDOUT_VI_PARTS = [
    "đăng nhập nhanh không cần xác minh", "thưởng nạp đầu lên đến {pct}%", "trải nghiệm sòng bài trực tuyến",
    "quay hũ may mắn mỗi ngày", "hỗ trợ rút tiền về tài khoản ngân hàng", "kèo thơm hôm nay cho anh em",
]
HOLDOUT_VI_TEMPLATES = ["Vào {brand} ngay hôm nay: {p1}, {p2}", "{brand} mang đến {p1} cùng {p2} và {p3}"]
HOLDOUT_ZH_PARTS = ["网上真人娱乐场", "手机投注平台", "每日首充优惠{pct}%", "彩票代理招商", "百家乐技巧分享", "体育竞猜官网"]


def gen_pharmacy_holdout(rng: random.Random) -> str:
    return _fill(rng.choice(HOLDOUT_PHARMA), rng)


def gen_gambling_id_holdout(rng: random.Random) -> str:
    return _compose(rng, HOLDOUT_ID_TEMPLATES, HOLDOUT_ID_PARTS, ID_BRANDS)


def gen_gambling_vi_holdout(rng: random.Random) -> str:
    return _compose(rng, HOLDOUT_VI_TEMPLATES, HOLDOUT_VI_PARTS, VI_BRANDS)


def gen_zh_spam_holdout(rng: random.Random) -> str:
    parts = [_fill(p, rng) for p in rng.sample(HOLDOUT_ZH_PARTS, rng.randint(2, 4))]
    return rng.choice(["，", " ", "｜"]).join(parts)


# Second held-out set (`--bank holdout2`): phrase banks written apart from the dev and holdout ones, for every
# kind (Han lists and mojibake footers included), never used for tuning; run it with another `--seed` too.
H2_PLACES = [
    "朝阳区", "海淀区", "昌平区", "顺义区", "大兴区", "怀柔区", "密云县", "延庆县", "静海县", "宝坻区", "蓟县", "宁河县",
    "滦平县", "兴隆县", "围场县", "丰宁县", "赤城县", "涿鹿县", "蔚县", "阳原县", "怀安县", "万全县", "崇礼县", "尚义县",
    "康保县", "沽源县", "张北县", "鹿泉市", "藁城市", "晋州市", "新乐市", "辛集市", "深泽县", "无极县", "赞皇县", "高邑县",
    "栾城县", "井陉县", "灵寿县", "平山县", "行唐县", "元氏县", "赵县", "正定县", "大名县", "魏县", "曲周县", "邱县",
]
H2_PREFIXES = ["热门推荐：", "最新文章：", "本站导航：", "城市分站：", "推荐阅读：", ""]
H2_EXTRAS = ["招聘", "二手房", "租房", "美食", "旅游", "医院", "学校", "天气"]
H2_FOOTER = [
    "Copyright © {y} 版权所有 苏ICP备{n8}号", "浙公网安备 {n14}号", "客服热线：400-{n3}-{n4}",
    "工作时间：周一至周五 9:00-18:00", "本站部分信息来源于网络，仅供参考", "合作伙伴 | 网站地图 | 免责声明 | 联系方式",
    "技术支持：{city}网络科技有限公司", "营业执照注册号：{n11}", "食品经营许可证：JY{n14}",
]
H2_PHARMA = [
    "Fast acting {drug} {dose}mg - secure checkout, shipped the same day",
    "Say goodbye to pharmacy queues: get your {drug} delivered in {d} days",
    "Real {drug}, real savings. {pct}% off generics this week only",
    "Online consultation included - {drug} prescribed and shipped overnight",
    "Stock up on {drug} and {drug2}: bulk discounts for returning customers",
    "The cheapest {drug} on the web, guaranteed or your money back",
]
H2_ID_PARTS = [
    "jackpot progresif setiap jam", "livechat aktif siang malam", "tanpa batas penarikan dana",
    "scatter hitam paling dicari", "daftar gratis cuma lima menit", "garansi kekalahan seratus persen",
    "situs slot anti rungkad", "depo via qris langsung masuk", "pasaran togel terlengkap se-Asia",
]
H2_ID_TEMPLATES = ["Main di {brand} sekarang, {p1} dan {p2}!", "{brand} hadir dengan {p1}, {p2}, {p3}"]
H2_VI_PARTS = [
    "tải app nhận quà liền tay", "cược thủ số một châu Á", "rút tiền không giới hạn số lần",
    "khuyến mãi nạp lần đầu cực khủng", "đội ngũ hỗ trợ tận tâm", "sảnh casino live đẳng cấp quốc tế",
    "xanh chín và minh bạch", "hoàn tiền cược thua hằng tuần",
]
H2_VI_TEMPLATES = ["Đăng ký {brand} hôm nay để {p1}, {p2}", "{brand} - {p1}, {p2} và {p3}!"]
H2_ZH_PARTS = ["真人视讯平台", "彩票预测专家", "电子游艺大全", "棋牌游戏下载", "足球竞彩推荐", "注册送{n2}元", "充值返利{pct}%"]


def gen_han_list_h2(rng: random.Random) -> str:
    items = rng.sample(H2_PLACES, rng.randint(4, 30))
    for _ in range(rng.randint(0, 3)):
        items.insert(rng.randrange(len(items) + 1), rng.choice(H2_EXTRAS))
    prefix = rng.choice(H2_PREFIXES)
    return prefix + rng.choice([" ", "|", "、", " · ", "，"]).join(items)


def gen_mojibake_h2(rng: random.Random) -> str:
    text = _fill(rng.choice(H2_FOOTER), rng)
    return text.encode("utf-8").decode("gbk", errors=rng.choice(["replace", "ignore"])).replace("\ufffd", "?")


def gen_pharmacy_h2(rng: random.Random) -> str:
    return _fill(rng.choice(H2_PHARMA), rng)


def gen_gambling_id_h2(rng: random.Random) -> str:
    return _compose(rng, H2_ID_TEMPLATES, H2_ID_PARTS, ID_BRANDS)


def gen_gambling_vi_h2(rng: random.Random) -> str:
    return _compose(rng, H2_VI_TEMPLATES, H2_VI_PARTS, VI_BRANDS)


def gen_zh_spam_h2(rng: random.Random) -> str:
    parts = [_fill(p, rng) for p in rng.sample(H2_ZH_PARTS, rng.randint(2, 4))]
    return rng.choice(["，", " ", "|"]).join(parts)


# Third held-out set (`--bank holdout3`): written fresh for the fifth pass, before any tuning of that pass; looked
# at in the sixth (code-mixed misses), so no longer an untouched figure. Varied shapes: separators, prefixes, numbers,
# brand codes mixed with English words, short and long lines.
H3_PLACES = [
    "江宁区", "浦口区", "六合区", "溧水县", "高淳县", "江阴市", "宜兴市", "溧阳市", "金坛市", "丹阳市", "扬中市", "句容市",
    "泰兴市", "靖江市", "姜堰市", "兴化市", "高邮市", "仪征市", "宝应县", "建湖县", "射阳县", "阜宁县", "滨海县", "响水县",
    "东台市", "大丰市", "如皋市", "如东县", "启东市", "通州市", "沭阳县", "泗洪县", "睢宁县", "邳州市", "新沂市", "丰县",
    "沛县", "铜山县", "赣榆县", "东海县", "灌云县", "灌南县", "盱眙县", "金湖县", "涟水县", "洪泽县", "宿豫区", "海州区",
]
H3_PREFIXES = ["分站导航", "【热门城市】", "周边城市>>", "热搜词：", "地区站点 -", "", ""]
H3_EXTRAS = ["装修公司", "搬家公司", "代开发票", "网站建设", "seo优化", "专业快速排名", "黄页", "同城交友"]
H3_FOOTER = [
    "Copyright©{y}-{y2} {city}{w2}信息技术有限公司 All Rights Reserved",
    "闽ICP备{n8}号-{d} | 闽公网安备{n14}号",
    "全国服务热线：0{n2}-{n8}  传真：0{n2}-{n8}",
    "24小时客服电话 400 {n3} {n4}（免长途费）",
    "ICP经营许可证 B2-{n8} 网络文化经营许可证 {n4}-{n3}",
    "版权声明：本站文章版权归原作者所有，转载请注明出处",
    "邮箱：service@{w}.cn  QQ：{n9}",
    "{city}{w2}科技发展有限公司 版权所有 技术支持：{w2}网络",
    "免责声明 | 隐私条款 | 投诉建议 | 友情链接申请",
    "增值电信业务经营许可证：粤B2-{n8} 统一社会信用代码：91{n6}MA{n8}",
]
H3_W2 = ["华信", "鼎盛", "恒达", "博远", "中科", "汇丰", "天成", "金桥"]
H3_PHARMA = [
    "Erectile dysfunction? {drug} {dose}mg works in {d}0 minutes - order discreetly",
    "{drug} online USA, no Rx needed, visa/mastercard accepted",
    "Get the real deal: brand {drug} at generic prices",
    "{drug} vs {drug2}: which one should you buy? Compare prices here",
    "Refill your {drug} prescription online and save {pct}%",
    "buy {drug} uk next day delivery",
    "Trusted supplier of {drug} since {y}, over {n2}k orders shipped",
    "Why pay more? {drug} from ${d}.{n2} per pill",
]
H3_ID_PARTS = [
    "slot online gampang menang", "login alternatif anti blokir", "bonus deposit harian {pct}%",
    "situs togel online resmi", "rtp slot live hari ini", "daftar sekarang gratis", "bocoran pola gacor malam ini",
    "deposit 10 ribu via e-wallet", "withdraw cepat tanpa ribet", "agen casino online terbaik",
]
H3_ID_TEMPLATES = [
    "{brand} login | {p1} | {p2}",
    "{brand} - {p1} new member bonus {pct}%",
    "Link {brand} terbaru: {p1}, {p2}",
    "{p1} {brand} official",
    "{brand} {p1} dan {p2} terpercaya {y}",
]
H3_VI_PARTS = [
    "link vào nhà cái không bị chặn", "khuyến mãi thành viên mới {n3}k", "cá độ bóng đá online uy tín",
    "đăng ký tài khoản miễn phí", "nạp rút siêu tốc {d} phút", "xóc đĩa online đổi thưởng", "app cá cược mới nhất",
    "bảo hiểm cược thua {pct}%",
]
H3_VI_TEMPLATES = [
    "{brand} casino - {p1} | {p2}",
    "{brand} link mới nhất {y}: {p1}",
    "Nhà cái {brand} - {p1}, {p2}",
    "{p1} tại {brand} official",
]
H3_VI_BRANDS = ["SV88", "789BET", "F8BET", "SHBET", "Mu88", "BK8", "Go88"]
H3_ID_BRANDS = ["MPO500", "DEWA4D", "NAGA303", "PRAGMATIC88", "KOI777", "SULTAN99"]
H3_ZH_PARTS = [
    "澳门百家乐官网", "最新体育投注网址", "网络棋牌平台排行榜", "新用户注册送{n2}元体验金", "北京PK10稳赚计划",
    "时时彩后一单期计划", "真人荷官在线发牌", "加微信{n9}领取彩金", "腾讯分分彩开奖记录",
]


def _phrases(pool: list[str]) -> Callable[[random.Random], str]:
    """A generator of one phrase of `pool`, its fields filled (`_fill3`): the banks' legitimate lines."""
    return lambda rng: _fill3(rng.choice(pool), rng)


def _fill3(tpl: str, rng: random.Random) -> str:
    """`_fill` plus the holdout3-only fields (kept apart so the other banks' random streams do not change)."""
    extra = {"w2": rng.choice(H3_W2), "n9": "".join(rng.choice("0123456789") for _ in range(9)),
             "y2": str(rng.randint(2024, 2026))}
    for k, v in extra.items():
        tpl = tpl.replace("{" + k + "}", v)
    return _fill(tpl, rng)


def gen_han_list_h3(rng: random.Random) -> str:
    items = rng.sample(H3_PLACES, rng.randint(3, 35))
    for _ in range(rng.randint(0, 4)):
        items.insert(rng.randrange(len(items) + 1), rng.choice(H3_EXTRAS))
    if rng.random() < 0.3:  # "<city>装修公司" keyword-stuffing style
        items = [it + rng.choice(H3_EXTRAS) for it in items[:12]]
    prefix = rng.choice(H3_PREFIXES)
    return (prefix + rng.choice(["", " "]) if prefix else "") + rng.choice([" ", " | ", "、", "/", "  "]).join(items)


def gen_mojibake_h3(rng: random.Random) -> str:
    text = _fill3(rng.choice(H3_FOOTER), rng)
    if rng.random() < 0.25:
        text += rng.choice(["  ", " | "]) + _fill3(rng.choice(H3_FOOTER), rng)
    text = text.encode("utf-8").decode("gbk", errors=rng.choice(["replace", "ignore"]))
    return text.replace("\ufffd", rng.choice(["?", "\ufffd", ""]))


def gen_pharmacy_h3(rng: random.Random) -> str:
    return _fill(rng.choice(H3_PHARMA), rng)


def _compose3(rng: random.Random, templates: list[str], parts: list[str], brands: list[str]) -> str:
    p = rng.sample(parts, 3)
    tpl = rng.choice(templates)
    for k, v in {"brand": rng.choice(brands), "p1": p[0], "p2": p[1], "p3": p[2]}.items():
        tpl = tpl.replace("{" + k + "}", v)
    return _fill3(tpl, rng)


def gen_gambling_id_h3(rng: random.Random) -> str:
    return _compose3(rng, H3_ID_TEMPLATES, H3_ID_PARTS, H3_ID_BRANDS + ID_BRANDS[:3])


def gen_gambling_vi_h3(rng: random.Random) -> str:
    return _compose3(rng, H3_VI_TEMPLATES, H3_VI_PARTS, H3_VI_BRANDS + VI_BRANDS[:3])


def gen_zh_spam_h3(rng: random.Random) -> str:
    parts = [_fill3(p, rng) for p in rng.sample(H3_ZH_PARTS, rng.randint(1, 4))]
    return rng.choice(["，", " ", "——", "；"]).join(parts)


HOLDOUT3_GENERATORS = {
    "han_list": gen_han_list_h3,
    "mojibake": gen_mojibake_h3,
    "pharmacy_en": gen_pharmacy_h3,
    "gambling_id": gen_gambling_id_h3,
    "gambling_vi": gen_gambling_vi_h3,
    "zh_in_ja": gen_zh_spam_h3,
}

# Fourth held-out set (`--bank holdout4`): written at the end of the sixth pass, after all of its tuning, and run
# once: never tuned on. New phrasing and shapes for every kind (keyword stuffing with Latin in Han lists, price
# lines, slang, app and login lines).
H4_PROVINCES = ["河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "江苏省", "浙江省", "安徽省", "福建省", "江西省",
                "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省", "四川省", "贵州省", "云南省", "陕西省",
                "甘肃省", "青海省", "内蒙古", "广西", "西藏", "宁夏", "新疆", "北京市", "天津市", "上海市"]
H4_SERVICES = ["seo优化", "网站建设", "办证", "代开发票", "装修", "搬家", "租车", "婚纱摄影", "培训学校", "网络推广"]
H4_FOOTER = [
    "关于我们 | 联系方式 | 网站地图 | 免责声明 | 招聘信息",
    "Copyright © {y}-2025 {city}在线 版权所有 未经许可不得转载",
    "地址：{city}市{district}区建设路{n3}号 电话：0{n2}-{n8}",
    "本网站信息仅供参考，不构成任何投资建议",
    "客服QQ：{n9} 工作时间：周一至周五 9:00-18:00",
    "蜀ICP备{n8}号 川公网安备{n14}号",
]
H4_PHARMA = [
    "Generic {drug} {dose}mg x 30 pills - ${d}9.95 - free airmail shipping",
    "buy {drug} online cheap, {drug} {dose}mg price comparison",
    "Order {drug} overnight no prescription - fedex delivery",
    "{drug} side effects? Read the reviews and buy {drug} at our drugstore",
    "Best online pharmacy reviews {y}: cheap meds, fast shipping, no questions",
    "Save big on {drug} - bulk discounts for repeat customers",
]
H4_ID_BRANDS = ["AKUN99", "RAJA188", "JUDI365", "KILAT77", "NAGA99"]
H4_ID = [
    "Daftar {brand} sekarang juga, situs slot gacor malam ini gampang maxwin",
    "{brand} merupakan bandar judi online terbesar dan terpercaya di Asia",
    "Main slot di {brand} dijamin jackpot setiap hari bosku",
    "Link login {brand} anti nawala terbaru {y}",
    "Cek bocoran RTP slot {brand} hari ini akurat {pct}%",
    "Promo cashback mingguan {pct}% khusus member setia {brand}",
]
H4_VI_BRANDS = ["VIN88", "SUNWIN", "HB88", "TA88", "ZBET"]
H4_VI = [
    "{brand} - Trang chủ chính thức, đăng ký nhận ngay {n3}K",
    "Tải app {brand} cho điện thoại Android và iOS miễn phí",
    "Kèo nhà cái hôm nay, tỷ lệ cược bóng đá trực tuyến tại {brand}",
    "{brand} lừa đảo? Sự thật về nhà cái {brand} mà bạn cần biết",
    "Hướng dẫn nạp tiền {brand} nhanh nhất chỉ trong {d} phút",
]
H4_ZH = ["菲律宾申博太阳城官网，在线真人娱乐", "六合彩开奖结果查询 今晚特码", "网上赌博平台推荐 注册送体验金",
         "重庆时时彩计划 人工免费", "百家乐必胜技巧 稳赚不赔", "足球投注网站 亚洲盘口 滚球"]


def gen_han_list_h4(rng: random.Random) -> str:
    items = rng.sample(H4_PROVINCES, rng.randint(3, 20))
    items = [it + rng.choice(H4_SERVICES) if rng.random() < 0.5 else it for it in items]
    return rng.choice(["【推荐】", "热门：", ""]) + rng.choice([" ", "，", " - ", "|"]).join(items)


def gen_mojibake_h4(rng: random.Random) -> str:
    text = _fill3(rng.choice(H4_FOOTER), rng)
    return text.encode("utf-8").decode("gbk", errors=rng.choice(["replace", "ignore"])).replace("\ufffd", "?")


def gen_pharmacy_h4(rng: random.Random) -> str:
    return _fill(rng.choice(H4_PHARMA), rng)


def gen_gambling_id_h4(rng: random.Random) -> str:
    return _fill(rng.choice(H4_ID).replace("{brand}", rng.choice(H4_ID_BRANDS)), rng)


def gen_gambling_vi_h4(rng: random.Random) -> str:
    return _fill(rng.choice(H4_VI).replace("{brand}", rng.choice(H4_VI_BRANDS)), rng)


def gen_zh_spam_h4(rng: random.Random) -> str:
    return rng.choice(["，", " ", "；"]).join(rng.sample(H4_ZH, rng.randint(1, 3)))


HOLDOUT4_GENERATORS = {
    "han_list": gen_han_list_h4,
    "mojibake": gen_mojibake_h4,
    "pharmacy_en": gen_pharmacy_h4,
    "gambling_id": gen_gambling_id_h4,
    "gambling_vi": gen_gambling_vi_h4,
    "zh_in_ja": gen_zh_spam_h4,
}

# Fifth held-out set (`--bank holdout5`): written after issue 25's tuning of the two gambling kinds (on the dev bank
# only) and run once, before and after: the honest figure for that change. Gambling kinds only (the other kinds
# use the dev banks). New brands, slang, hashtags, Title Case lines, Vietnamese without its diacritics.
H5_ID_BRANDS = ["GARUDA88", "MANTAP138", "SENSA77", "PETIR99", "HOKIBET", "JAGO303", "BOSS88", "RAJAWIN"]
H5_ID_PARTS = [
    "main mahjong ways 2 pasti jp", "scatter hitam muncul terus", "depo 5k via qris tanpa potongan",
    "wd berapapun pasti dibayar lunas", "admin ramah siap bantu 24 jam", "rtp akurat update setiap menit",
    "freebet untuk member baru tanpa deposit", "rollingan mingguan sampai {pct}%", "link anti nawala dan anti blokir",
    "bocoran pola gates of olympus malam ini", "cuan jutaan rupiah tiap hari", "bandar togel hadiah 4d terbesar",
    "sweet bonanza x500 gampang pecah", "akun pro server luar negeri",
]
H5_ID_TEMPLATES = [
    "{brand} | {p1} | {p2}",
    "Daftar {brand}: {p1}. {p2}.",
    "{p1}! {p2} hanya di {brand}",
    "Situs Slot Gacor Hari Ini {brand} Gampang Menang",
    "#{brand} #slotgacor {p1}",
    "Bosku, {p1} di {brand}, {p2} {y}",
    "Login {brand} alternatif: {p1}, {p2}, {p3}",
]
H5_VI_BRANDS = ["KUWIN", "8XBET", "HI88", "ONE88", "XOSO66", "MB66", "NOHU90", "AE888"]
H5_VI_PARTS = [
    "nạp đầu tặng {pct}% tối đa {d} triệu", "tài xỉu online minh bạch", "game bài đổi thưởng ăn tiền thật",
    "soi cầu lô đề chuẩn xác", "hoàn trả cược thể thao {d}%", "rút tiền về ví điện tử trong vài phút",
    "vòng quay may mắn miễn phí mỗi ngày", "cá cược esports và bóng đá ngoại hạng Anh", "bắn cá ăn xu cực đã",
    "hỗ trợ khách hàng suốt ngày đêm", "nha cai uy tin so 1", "ca cuoc bong da truc tuyen",
    "nap tien nhanh rut tien gon",
]
H5_VI_TEMPLATES = [
    "{brand} | {p1} | {p2}",
    "Link vào {brand} mới nhất: {p1}, {p2}",
    "{p1} – {brand} chính chủ",
    "Nha cai {brand}: {p1}",
    "{brand} {y}: {p1}! {p2}.",
    "Tải {brand} ngay hôm nay, {p1} và {p2}",
]


def gen_gambling_id_h5(rng: random.Random) -> str:
    return _compose3(rng, H5_ID_TEMPLATES, H5_ID_PARTS, H5_ID_BRANDS)


def gen_gambling_vi_h5(rng: random.Random) -> str:
    return _compose3(rng, H5_VI_TEMPLATES, H5_VI_PARTS, H5_VI_BRANDS)


HOLDOUT5_GENERATORS = {"gambling_id": gen_gambling_id_h5, "gambling_vi": gen_gambling_vi_h5}

# Sixth held-out set (`--bank holdout6`): the two gambling kinds, written at the start of the Title Case / short-line
# work on issue 25 (after holdout5 was moved into the tuning material), before any of its tuning, and run once at
# its end. Shapes real gambling spam takes: Title Case headings, ALL CAPS lines, hashtags (brand and compound tags),
# brand and number codes, English words mixed in, short and long lines, link-text lines (menus, "baca juga"
# teasers, URLs), Vietnamese with and without its diacritics; placed also inside a real paragraph (the paragraph
# split in two around the injected lines, `inject`).
H6_ID_BRANDS = ["LIGA365", "DUNIA777", "ASIA99", "KASTIL88", "MEGAWIN", "SINGA4D", "TOTO12", "RATU303", "SPIN55",
                "Cuan138", "DewaHoki"]
H6_ID_PARTS = [
    "situs judi online 24 jam terpercaya", "kumpulan link slot resmi", "bonus rollingan tanpa syarat",
    "promo member baru langsung dapat saldo", "deposit lewat bank lokal", "main dari hp tanpa aplikasi",
    "menang berapapun pasti dibayar", "jadwal togel singapore hari ini", "keluaran sgp hk sdy tercepat",
    "bocoran angka jitu malam ini", "server thailand paling gacor", "modal receh hasil jutaan", "tanpa potongan admin",
    "dijamin aman dan nyaman", "pilihan permainan terlengkap", "tembak ikan online uang asli",
    "taruhan sepak bola liga inggris", "daftar gratis tanpa biaya", "layanan pelanggan online nonstop",
    "mudah menang setiap hari", "akun demo gratis", "jackpot besar menanti anda",
]
H6_ID_SHORT = ["login {brand} terbaru", "daftar {brand}", "{brand} gacor", "slot {brand} hari ini", "link {brand} resmi",
               "Situs {brand}", "{brand} Login", "Togel {brand}"]
H6_ID_TEMPLATES = [
    "{P1} Di {brand} {y}",  # Title Case heading
    "Daftar Situs Judi Online Terpercaya Dan Terbaik {y}",
    "{brand} Situs Togel Online Resmi Dan Terpercaya",
    "Link Alternatif {brand} Terbaru Anti Blokir",
    "Bocoran Slot Gacor Malam Ini Pasti Maxwin Di {brand}",
    "{BRAND} - {UP1}, {UP2}!",  # ALL CAPS
    "DAFTAR {BRAND} SEKARANG JUGA DAN {UP1}",
    "#{brand} #judionline #slotgacorhariini {p1}",
    "{p1} #{brand} #togelonline #situsresmi",
    "#agenbola #{brand} {p1} dan {p2}",
    "Best {brand} online casino Indonesia: {p1}, {p2}",
    "{brand} official site - {p1} with fast withdraw",
    "Play now at {brand}! {p1} and get bonus {pct}%",
    "{brand} adalah {p1} yang sudah berdiri sejak {y}, {p2}, {p3}, serta {p4} untuk semua pemain",
    "Baca juga: {p1} di {brand}",
    "Home | Daftar | Login {brand} | Promo | Hubungi Kami",
    "{p1} klik https://{brand_low}.vip/daftar",
    "» {p1} ({brand})",
    "{short}",
    "{short}: {p1}",
    "Tips {p1}? Gabung dengan {brand}, {p2}.",
]
H6_VI_BRANDS = ["SODO66", "BET88", "WIN79", "RIKVIP", "TF88", "V9BET", "QQ88", "DABET", "LUCK8", "ALO789", "Sin88"]
H6_VI_PARTS = [
    "chơi game bài online ăn tiền", "đặt cược thể thao với tỷ lệ cao", "nhận code miễn phí hàng ngày",
    "đăng nhập không bị chặn", "ưu đãi hoàn tiền hấp dẫn", "ứng dụng cá cược trên điện thoại",
    "kèo bóng đá hôm nay", "lô đề online tỷ lệ 1 ăn 99", "sòng bạc trực tuyến uy tín", "nạp tiền qua momo",
    "rút tiền nhanh 24/7", "tải app nhận thưởng", "thể thao điện tử hấp dẫn", "quay slot nổ hũ lớn",
    "choi game bai doi thuong", "keo nha cai hom nay", "dang ky nhan thuong ngay", "bảo mật thông tin tuyệt đối",
    "giao diện đẹp dễ sử dụng", "khuyến mãi khủng cho tân thủ",
]
H6_VI_SHORT = ["Tải {brand}", "{brand} hôm nay", "link {brand}", "đăng nhập {brand}", "{brand} uy tín",
               "Nhà cái {brand}", "{brand} casino", "Vào {brand}"]
H6_VI_TEMPLATES = [
    "Nhà Cái {brand} Uy Tín Số 1 Việt Nam",  # Title Case heading
    "Link Vào {brand} Mới Nhất {y} Không Bị Chặn",
    "{P1} Tại {brand}",
    "Cá Cược Bóng Đá Trực Tuyến Cùng {brand}",
    "{BRAND} - NHÀ CÁI UY TÍN SỐ 1 - {UP1}",  # ALL CAPS
    "ĐĂNG KÝ {BRAND} NHẬN NGAY {n3}K",
    "#{brand} #nhacaiuytin #cacuocbongda {p1}",
    "{p1} #{brand} #gamebaidoithuong",
    "{brand} official - best online casino in Vietnam, {p1}",
    "Join {brand} today: {p1} and {p2}",
    "{brand} là {p1}, {p2}, {p3} và {p4}, được hàng triệu người chơi tin tưởng từ năm {y}",
    "Xem thêm: {p1} tại {brand}",
    "Trang chủ | Đăng ký | Đăng nhập {brand} | Khuyến mãi | Liên hệ",
    "{p1} truy cập https://{brand_low}.com/dangky",
    "» {p1} – {brand}",
    "{short}",
    "{short}: {p1}",
    "Nha cai {brand} - {p1}, {p2}",
]


def _title(text: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in text.split(" "))


def _compose6(rng: random.Random, templates: list[str], parts: list[str], brands: list[str], shorts: list[str]) -> str:
    p = [_fill3(x, rng) for x in rng.sample(parts, 4)]
    brand = rng.choice(brands)
    fields = {
        "brand": brand, "BRAND": brand.upper(), "brand_low": brand.lower(),
        "p1": p[0], "p2": p[1], "p3": p[2], "p4": p[3],
        "P1": _title(p[0]), "UP1": p[0].upper(), "UP2": p[1].upper(),
        "short": rng.choice(shorts).replace("{brand}", brand),
    }
    tpl = rng.choice(templates)
    for k, v in fields.items():
        tpl = tpl.replace("{" + k + "}", v)
    return _fill3(tpl, rng)


def gen_gambling_id_h6(rng: random.Random) -> str:
    return _compose6(rng, H6_ID_TEMPLATES, H6_ID_PARTS, H6_ID_BRANDS, H6_ID_SHORT)


def gen_gambling_vi_h6(rng: random.Random) -> str:
    return _compose6(rng, H6_VI_TEMPLATES, H6_VI_PARTS, H6_VI_BRANDS, H6_VI_SHORT)


HOLDOUT6_GENERATORS = {"gambling_id": gen_gambling_id_h6, "gambling_vi": gen_gambling_vi_h6}

# Seventh held-out set (`--bank holdout7`): the two gambling kinds plus legitimate controls, written at the start of
# issue 25's brand-code / gambling-lexicon pass, before any of its tuning, and run once at its end. New brands, new
# phrasing, and the shapes holdout6 found missed: tag-and-brand lines under 15 letters, Title Case lines, English-
# framed lines, Vietnamese without its diacritics, lines that are mostly a URL. Two control kinds: `legit_en` puts
# real-looking English lines about sports betting, casinos, lotteries and product or model codes (what a gambling
# rule must not touch) into English pages; they are legitimate lines, so the figure printed is how many of them
# were removed (the "recall" column is their removal rate and must stay 0). `CONTROL_PAGES_H7` are whole
# Indonesian and Vietnamese news paragraphs about gambling (raids, blocked sites, the law), cleaned on their own.
H7_ID_BRANDS = ["PUSAT4D", "GARUDA888", "Koin77", "MAHJONG69", "JOKERWIN", "BINTANG5", "LAPAK303", "SULTAN88",
                "Petir4D", "KUDA123", "RAJAWD", "MPO500"]
H7_ID_PARTS = [
    "scatter hitam turun terus", "rtp pragmatic play akurat {pct}%", "mahjong ways 2 gampang jp",
    "wd berapapun dibayar lunas", "deposit qris mulai 10rb", "bandar bola sbobet terpercaya",
    "live casino baccarat online", "toto macau 4d hadiah terbesar", "prediksi hk malam ini jitu",
    "akun pro thailand anti rungkad", "gates of olympus x1000", "freebet tanpa deposit untuk member baru",
    "cashback mingguan tanpa syarat", "pola jitu jam gacor", "situs resmi bukan abal abal",
    "spaceman gampang cuan", "bonus harian tanpa batas", "kemenangan langsung cair ke rekening",
    "agen sabung ayam online", "tarik dana kilat 2 menit", "game tembak ikan paling seru", "slot server luar negeri",
]
H7_ID_SHORT = ["Akses {brand}", "Masuk {brand}", "Gas {brand}", "{brand} Jp", "Main {brand}", "{brand} wd",
               "Slot {brand}", "{brand} asli"]
H7_ID_TEMPLATES = [
    "{P1} Bersama {brand}",  # Title Case heading
    "Agen Slot Online Gampang Menang Dan Cepat Bayar",
    "Situs {brand} Resmi Paling Gacor Se Indonesia {y}",
    "{BRAND} SLOT GACOR - {UP1}",  # ALL CAPS
    "Get your welcome bonus at {brand}, the number one slot site in Indonesia! {p1}",  # English-framed
    "Looking for a trusted togel dealer? {brand} is the answer: {p1}",
    "Claim {pct}% deposit bonus now on {brand} slot gacor",
    "https://www.{brand_low}.org/?ref=slotgacor",  # mostly a URL
    "{brand_low}-login.xyz | {p1}",
    "Kunjungi {brand_low}.site/daftar sekarang",
    "{short}",  # tag and brand, short
    "{short} {y}",
    "{brand} hadir dengan {p1}, {p2}, dan juga {p3}. Tunggu apa lagi?",
    "Kenapa harus {brand}? Karena {p1} dan {p2}",
    "Info: {p1} hanya di {brand} ✅",
    "🔥 {brand} 🔥 {p1} 🔥 {p2}",
    "Artikel terkait: {p1}",
    "Bosku, {p1}! Langsung daftar di {brand} ya",
    "Judi online {brand} - {p1}",
]
H7_VI_BRANDS = ["MB66", "GO99", "B52club", "789WIN", "HITVIP", "NOHU90", "KO66", "J88", "XOCDIA88", "TAIXIU79",
                "Nhatvip", "68GB"]
H7_VI_PARTS = [
    "tài xỉu online uy tín", "xóc đĩa đổi thưởng", "quay hũ thần tài", "bài cào ba cây ăn tiền",
    "lô đề 1 ăn 99.5", "tiến lên miền nam đổi thưởng", "nạp rút siêu tốc", "khuyến mãi nạp đầu 200%",
    "game bắn cá hot nhất", "phỏm tá lả online", "đá gà cựa sắt trực tiếp", "soi kèo ngoại hạng anh",
    "tai xiu uy tin nhat", "xoc dia doi thuong", "quay hu than tai", "nap rut nhanh chong",
    "khuyen mai cuc khung", "danh bai online an tien", "cong game quoc te", "sảnh casino châu Á", "rồng hổ trực tuyến",
    "thưởng nóng mỗi tuần",
]
H7_VI_SHORT = ["Vô {brand}", "Chơi {brand}", "{brand} club", "Tai {brand}", "{brand} vip", "Cổng {brand}",
               "{brand} nổ hũ", "{brand} apk"]
H7_VI_TEMPLATES = [
    "{P1} Tại Cổng Game {brand}",  # Title Case heading
    "Cổng Game Bài Đổi Thưởng {brand} Chính Thức {y}",
    "{BRAND} - {UP1} - {UP2}",  # ALL CAPS
    "Download {brand} for Android and iOS: {p1}",  # English-framed
    "{brand} is the top casino in Vietnam with {p1}",
    "Sign up at {brand} and enjoy {p1}",
    "https://{brand_low}.club/tai-app?code=vip",  # mostly a URL
    "{brand_low}.net - {p1}",
    "Truy cập {brand_low}.vin/dang-ky ngay",
    "{short}",
    "{short} {y}",
    "Cong game {brand} - {p1}, {p2}",  # no diacritics
    "{brand} la cong game {p1} va {p2}",
    "Tai sao nen choi tai {brand}? Vi {p1}",
    "{brand} mang lại {p1}, {p2} cùng {p3} cho anh em",
    "Tin liên quan: {p1}",
    "✅ {brand} ✅ {p1} ✅ {p2}",
    "Anh em ơi, {p1} ở {brand} nhé",
    "Đánh giá {brand}: {p1}",
]
# Legitimate English lines with gambling words, bookmakers' names, brand-like codes and model numbers.
H7_LEGIT_EN = [
    "Bet365 and William Hill cut Arsenal's title odds to {d}/2 after Saturday's draw at Anfield.",
    "The Airbus A320neo and the Boeing 737 MAX 8 make up most of the airline's order book.",
    "The iPhone15 Pro starts at $999; the Galaxy S24 Ultra costs about $1,299.",
    "Online sports betting handle in New Jersey reached $1.{d} billion in March, with DraftKings and FanDuel "
    "taking most of it.",
    "The casino's slot machines paid back {pct} cents on the dollar last year, the gaming commission said.",
    "A Michigan man won a $2.{d} million jackpot on a Wheel of Fortune slot at MGM Grand Detroit.",
    "Poker pro Daniel Negreanu finished third in the WSOP Main Event, taking home $4 million.",
    "Our casino review: the deposit bonus looks generous, but the wagering requirement is 40x.",
    "Firmware v2.3.1 for the RT-AX88U router fixes the Wi-Fi 6 dropouts reported by users.",
    "The Powerball jackpot rose to $650 million after no ticket matched all six numbers.",
    "Use code SAVE20 at checkout for 20% off; the offer ends Sunday.",
    "Gambling addiction helplines saw a {pct}% rise in calls after the Super Bowl.",
    "The PS5 and Xbox Series X both support 4K gaming at 120 fps.",
    "Macau's casino revenue rose {pct}% in July as visitors from mainland China returned.",
    "Flight QF12 from Sydney landed at LAX two hours late because of the storm.",
    "The club's shirt sponsor, an online betting company, was banned from front-of-shirt deals by the league.",
    "Router model TP-Link Archer C7 and the Netgear R7000 were tested at 5 GHz.",
    "Indonesia blocked more than 800,000 gambling websites in {y}, the communications ministry said.",
    "Vietnam's first legal casino for locals, Corona Resort on Phu Quoc, opened its doors in 2019.",
    "Slot machine maker Aristocrat reported record profit, driven by its Lightning Link games.",
]
# Whole Indonesian and Vietnamese news paragraphs about gambling: real text in its own language (must be kept whole).
CONTROL_PAGES_H7 = [
    ("id", "Polisi Daerah Metro Jaya menangkap 12 tersangka pengelola situs judi online di Jakarta Barat pada Selasa "
           "malam.\nDari tangan para tersangka, petugas menyita puluhan ponsel, laptop, dan buku rekening yang "
           "dipakai untuk menampung uang deposit para pemain.\nKepala Bidang Humas mengatakan situs tersebut "
           "menawarkan permainan slot, togel, dan taruhan bola, dengan omzet hingga miliaran rupiah per bulan.\n"
           "Para tersangka dijerat Pasal 303 KUHP tentang perjudian dan Undang-Undang Informasi dan Transaksi "
           "Elektronik, dengan ancaman hukuman sepuluh tahun penjara.\nPolisi mengimbau masyarakat untuk tidak "
           "tergiur iklan judi online yang kini marak di media sosial."),
    ("id", "Kementerian Komunikasi dan Informatika telah memblokir lebih dari 800 ribu konten judi online sepanjang "
           "tahun ini.\nMenteri menyebut para bandar kini memakai nama merek yang berganti setiap pekan dan "
           "menyisipkan "
           "tautan ke situs pemerintah serta kampus.\nPPATK mencatat perputaran uang judi online mencapai ratusan "
           "triliun rupiah, sebagian besar dari pemain dengan deposit kecil di bawah seratus ribu rupiah.\n"
           "Psikolog mengingatkan bahwa kecanduan judi slot dapat merusak keuangan keluarga dan memicu utang "
           "pinjaman online.\nWarga yang menemukan situs judi dapat melaporkannya melalui aduankonten.id."),
    ("vi", "Công an TP Hồ Chí Minh vừa triệt phá một đường dây đánh bạc qua mạng với số tiền giao dịch hơn 1.000 tỷ "
           "đồng.\nTheo cơ quan điều tra, các đối tượng lập nhiều trang web cá cược bóng đá và game bài đổi thưởng, "
           "thu hút hàng chục nghìn người chơi.\nNgười chơi nạp tiền qua tài khoản ngân hàng đứng tên người khác để "
           "tránh bị phát hiện.\nVụ án đang được mở rộng điều tra, các đối tượng bị khởi tố về tội tổ chức đánh bạc "
           "theo Điều 322 Bộ luật Hình sự.\nCơ quan chức năng khuyến cáo người dân không tham gia các trang cá cược "
           "trực tuyến trái phép."),
    ("vi", "Nghị định về kinh doanh casino cho phép người Việt Nam đủ 21 tuổi, có thu nhập ổn định, được vào chơi thí "
           "điểm tại một số điểm kinh doanh.\nTheo Bộ Tài chính, doanh thu từ hoạt động casino năm ngoái tăng so với "
           "năm trước, nhưng vẫn thấp hơn kỳ vọng.\nCác chuyên gia cho rằng cần siết chặt quản lý các ứng dụng tài "
           "xỉu, xóc đĩa và nổ hũ đang quảng cáo tràn lan trên mạng xã hội.\nNhiều nhà cái nước ngoài núp bóng các "
           "trang tin thể thao để lôi kéo người chơi đặt cược.\nNgười nghiện cờ bạc có thể tìm hỗ trợ tại các trung "
           "tâm tư vấn tâm lý."),
]


def gen_gambling_id_h7(rng: random.Random) -> str:
    return _compose6(rng, H7_ID_TEMPLATES, H7_ID_PARTS, H7_ID_BRANDS, H7_ID_SHORT)


def gen_gambling_vi_h7(rng: random.Random) -> str:
    return _compose6(rng, H7_VI_TEMPLATES, H7_VI_PARTS, H7_VI_BRANDS, H7_VI_SHORT)


HOLDOUT7_GENERATORS = {
    "gambling_id": gen_gambling_id_h7, "gambling_vi": gen_gambling_vi_h7, "legit_en": _phrases(H7_LEGIT_EN),
}

# Eighth held-out set (`--bank holdout8`): the two gambling kinds, the same two on non-English Latin pages
# (`gambling_id_eu`, `gambling_vi_eu`: German, French, Spanish, Polish ... pages), and controls; written blind for
# issue 25 item 5's third gambling pass (without reading the lexicon or its rules), before any of its tuning, and
# run once on main's logic. What judol and Vietnamese casino spam look like in the wild, in shapes the earlier banks
# did not write: comment spam ("Mantap min ..."), footer link farms (pipe- and bullet-separated keyword lists),
# hidden SEO keyword stuffing (one brand repeated with suffixes), contact lines (WhatsApp, Telegram, Zalo), short
# links, brands with and without digits, codes in lower case or with a digit inside the word, slang, emoji, hashtags,
# Title Case, ALL CAPS, Vietnamese without its diacritics, and a block's plain lines (copyright, menu words) that
# only their neighbours give away. Controls: `legit_en` (English lines on bookmakers, casinos, lotteries, poker,
# place names like Bandar Seri Begawan, product and model codes, and English lines quoting a short Indonesian or
# Vietnamese phrase about gambling), and `CONTROL_PAGES_H8`: Indonesian, Vietnamese and Malay news about gambling.
H8_ID_BRANDS = ["MAWAR189", "PANDAWA88", "KAISAR4D", "DEPOBOS", "Surgaplay", "AWAN777", "BUKITJP", "TOGELKITA",
                "Bento4D", "ROMA138", "Cemara77", "wdbos", "h0kijitu", "LANGIT69", "Kerisbet", "DOMINO99X"]
H8_ID_PARTS = [
    "rtp live tertinggi hari ini", "pola gacor jam 2 pagi", "bocoran admin jarwo", "slot depo 5k via dana",
    "scatter hitam mahjong ways 3", "anti rungkad seharian", "maxwin x5000 tanpa modal besar", "jp paus tiap malam",
    "pecah x1000 di olympus", "gampang menang bosku", "link alternatif anti nawala", "bandar darat terpercaya",
    "server kamboja asli", "toto 4d diskon 66%", "bbfs 7 digit colok bebas", "prediksi sgp hari ini paling jitu",
    "angka main hongkong malam ini", "starlight princess gampang scatter", "wild bandito lagi pecah",
    "depo pulsa tanpa potongan", "wd cepat cuma 1 menit", "bonus new member 100% di depan", "cashback kekalahan {pct}%",
    "live dealer roulette 24 jam", "tangkas online uang asli", "pasaran togel terlengkap", "mix parlay odds tinggi",
    "agen judi bola resmi asia", "sabung ayam sv388", "rekap pola harian",
]
H8_ID_SHORT = ["Cek {brand}", "Yuk ke {brand}", "Buruan {brand}", "{brand} anti rungkad", "{brand} terpercaya",
               "Link {brand_low}", "{brand} maxwin", "Coba {brand}", "{brand} depo 10k", "Daftar Akun {brand}"]
H8_ID_TEMPLATES = [
    # comment spam
    "Mantap min, {brand} emang gacor parah 🔥",
    "Makasih infonya gan, btw {p1} cuma di {brand}",
    "Sudah coba {brand}? {p1}, {p2} 👍",
    "Aku udah wd 3 juta dari {brand} hari ini, {p1} beneran",
    "Izin promo ya min: {brand} {p1}",
    # footer link farm / tag cloud
    "slot gacor | {brand_low} | {p1} | {p2} | togel online",
    "{p1} • {p2} • {p3} • {brand}",
    "Tags: {brand}, {p1}, {p2}, {p3}",
    # hidden SEO keyword stuffing
    "{brand}, {brand} login, {brand} daftar, {brand} link alternatif, {brand} rtp",
    "{brand_low} {brand_low} login {brand_low} slot {brand_low} apk",
    # contact and short links
    "Hubungi WA +62 812-{n4}-{n3} untuk daftar {brand}",
    "t.me/{brand_low}_official",
    "https://bit.ly/{brand_low}-gacor",
    "https://{brand_low}.pages.dev/ 💰",
    "Klik: {brand_low}.com ➜ {p1}",
    # headings
    "{P1} Hanya Di {brand}",
    "{BRAND} | {UP1}",
    "𝐒𝐋𝐎𝐓 𝐆𝐀𝐂𝐎𝐑 {brand} - {p1}",
    "Bandar Togel Online Terpercaya Dengan Diskon Terbesar",
    "{short}",
    "{short} {y}",
    # English-framed
    "{brand} is the most trusted online slot site with {p1}",
    "Register at {brand} today and claim your freespin bonus",
    "Why play at {brand}? {p1}!",
    # plain prose
    "Buat kalian yang cari situs slot, {brand} jawabannya karena {p1} dan {p2}",
    "Dengan modal kecil kamu bisa {p1} di {brand}",
    "#{tag} #{brand_low} #slotonline {p1}",
    "💎 {p1} 💎 {p2} 💎",
    # a block's plain lines
    "Copyright © {y} {brand}. All Rights Reserved.",
    "Daftar | Masuk | Promosi | Livechat",
]
H8_VI_BRANDS = ["GEMWIN", "Iwin", "YO88", "Manclub", "TYPHU88", "Debet", "BJ88", "KV999", "Bayvip", "Five88",
                "Hitclub", "88CLB", "luck8vn", "Zowin", "SAOVANG", "XSMB88"]
H8_VI_PARTS = [
    "nổ hũ đổi thưởng uy tín", "bắn cá H5 ăn xu", "xóc đĩa livestream", "đá gà thomo trực tiếp",
    "kèo nhà cái hôm nay", "soi cầu miền bắc chính xác 100%", "lô đề online tỷ lệ cao", "tài xỉu md5 minh bạch",
    "rút tiền trong 3 phút", "giftcode tân thủ 50k", "hoàn trả {pct}% mỗi ngày", "baccarat kim tiền",
    "rồng hổ ăn tiền thật", "game bài 3D sắc nét", "sicbo trực tuyến", "kèo tài xỉu ngoại hạng Anh",
    "no hu doi thuong", "ban ca an xu", "xoc dia truc tuyen", "da ga truc tiep", "soi cau xsmb", "lo de online",
    "keo bong da hom nay", "nap tien qua the cao", "tang code 100k", "đặt cược esports", "thể thao ảo",
    "bảo mật SSL tuyệt đối", "đại lý hoa hồng 50%", "siêu phẩm quay hũ",
]
H8_VI_SHORT = ["Link {brand}", "{brand} chính thức", "Tải app {brand}", "{brand} đổi thưởng", "Nạp tiền {brand}",
               "{brand} mới nhất", "game {brand}", "{brand} online", "Đăng Ký {brand}", "{brand} uy tin"]
H8_VI_TEMPLATES = [
    # comment spam
    "Mình chơi {brand} được 2 năm rồi, {p1} thật sự",
    "Ai cần link {brand} thì ib mình nhé",
    "Anh em vào {brand} đi, {p1} đó",
    "Bác nào chơi {brand} chưa? {p1} không?",
    # footer link farm / tag cloud
    "nhà cái uy tín | {brand} | nổ hũ | bắn cá | xóc đĩa | đá gà",
    "{p1} • {p2} • {p3} • {brand}",
    "Từ khóa: {brand}, {p1}, {p2}",
    # hidden SEO keyword stuffing
    "{brand}, {brand} com, {brand} đăng nhập, {brand} link vào, tải {brand}",
    "{brand_low} {brand_low} apk {brand_low} ios {brand_low} club",
    # contact and short links
    "Zalo CSKH {brand}: 09{n8}",
    "t.me/{brand_low}cskh",
    "https://{brand_low}.bet/?a={n4}",
    "bit.ly/link-{brand_low} 👉 {p1}",
    "{brand_low}.cc - {p1}",
    # headings
    "{P1} Tại {brand}",
    "{BRAND} | {UP1}",
    "Cổng Game Nổ Hũ Uy Tín Nhất Hiện Nay",
    "{short}",
    "{short} {y}",
    # English-framed
    "{brand} - Top reputable bookmaker in Vietnam {y}",
    "Official link to {brand}: {p1}",
    "{brand} com - the most prestigious online casino",
    # plain prose
    "Với {brand} bạn có thể {p1} và {p2} mọi lúc mọi nơi",
    "Nếu bạn đang tìm {p1} thì {brand} là lựa chọn số một",
    "#{tag} #{brand_low} #nhacai {p1}",
    "🎰 {p1} 🎰 {p2} 🎰",
    # a block's plain lines
    "© {y} {brand}. All rights reserved.",
    "Trang chủ | Khuyến mãi | Đại lý | CSKH",
]
# Legitimate English lines: bookmakers, casinos, lotteries, poker, place names, product codes, and short quoted
# Indonesian or Vietnamese phrases in English prose (what a gambling rule must not touch).
H8_LEGIT_EN = [
    "Caesars Sportsbook and BetMGM both offered Kansas City at -{d}50 on the moneyline.",
    "Stake.com replaced the club's previous shirt sponsor in a deal worth £{d}0 million a season.",
    "PokerStars and 888poker settled with regulators over unlicensed play in {y}.",
    "The Venetian Macao has more than 3,000 rooms and a casino floor of 50,000 square metres.",
    "Evolution's Crazy Time and Lightning Roulette are the most played live casino games in Europe.",
    "Royal Brunei flight BI{n3} to Bandar Seri Begawan was diverted because of smoke in the cabin.",
    "Iranian ports such as Bandar Abbas handle most of the country's container trade.",
    "In Indonesia, online gambling is known as judol, short for judi online, and the word trended on X in {y}.",
    "Vietnamese police said the ring ran cockfighting (đá gà) bets through a livestream on Facebook.",
    "The minister told reporters, 'Judi online merusak keluarga,' before announcing the new task force.",
    "The Samsung QN90C and the LG C3 OLED were the best TVs we tested under $1,500.",
    "Lenovo's ThinkPad X1 Carbon Gen {d} ships with an Intel Core Ultra 7 155H.",
    "The Mega Millions jackpot for Friday's draw stands at ${d}12 million, the largest since {y}.",
    "Paddy Power and Betfair, both owned by Flutter, now take more bets on mobile than in shops.",
    "A Las Vegas slot player hit a $4.{d} million Megabucks jackpot at the Excalibur on Sunday night.",
    "Help is available: call 1-800-GAMBLER or visit www.ncpgambling.org.",
    "Download the FanDuel Sportsbook app from the App Store or Google Play to claim the $150 bonus bets.",
    "Parts list: SKU RB-{n4}, M4x12 screws (x8), and the JST-XH connector kit.",
    "Crown Resorts was fined A${d}50 million for anti-money-laundering failures at its Melbourne casino.",
    "The state lottery's scratch cards, including Lucky 7s and Cash Explosion, raised ${d}0 million for schools.",
    "Singapore's Marina Bay Sands reported gaming revenue of S${d}.2 billion last year.",
    "Router firmware 3.0.0.4.388 for the ASUS GT-AX11000 adds WPA3 support.",
]
# Whole Indonesian, Vietnamese and Malay news paragraphs about gambling: real text in its own language.
CONTROL_PAGES_H8 = [
    ("id", "Satgas Pemberantasan Judi Online menemukan lebih dari 4.000 rekening yang dipakai untuk menampung "
           "setoran pemain sepanjang semester pertama.\nMenurut laporan itu, bandar memakai nama situs yang mirip "
           "merek terkenal dan sering mengganti alamat agar tidak diblokir.\nSebagian besar pemain adalah pekerja "
           "berpenghasilan rendah yang bermain slot dengan setoran kecil setiap hari.\nPemerintah juga meminta "
           "bank dan penyedia dompet digital menutup akun yang terindikasi menerima uang judi.\nPengamat menilai "
           "penindakan harus menyasar pemodal besar di luar negeri, bukan hanya operator kecil."),
    ("id", "Seorang pegawai honorer di Bandung mengaku kehilangan gaji tiga bulan karena kecanduan main slot di "
           "ponselnya.\nIa mengatakan awalnya hanya mencoba karena tergiur iklan yang menjanjikan kemenangan besar "
           "dan bonus untuk anggota baru.\nKeluarganya kemudian membawanya ke klinik rehabilitasi yang kini juga "
           "menangani pasien kecanduan judi.\nDokter di klinik itu menyebut jumlah pasien seperti ini naik tajam "
           "dalam dua tahun terakhir."),
    ("vi", "Bộ Công an cảnh báo người dân về các trang web cá độ bóng đá giả mạo, quảng cáo tỷ lệ cược cao và "
           "khuyến mãi lớn.\nNhiều người chơi bị lừa nạp tiền nhưng không thể rút, tài khoản bị khóa ngay sau khi "
           "thắng.\nCác trang này thường đặt máy chủ ở nước ngoài và thay đổi tên miền liên tục để tránh bị chặn."
           "\nTheo luật, người tham gia đánh bạc trái phép có thể bị phạt tiền hoặc truy cứu trách nhiệm hình sự."),
    ("vi", "Trường hợp nam sinh viên ở Hà Nội vay nợ hàng trăm triệu đồng vì chơi lô đề và tài xỉu trên mạng đã "
           "khiến dư luận bức xúc.\nGia đình cho biết em bắt đầu chơi từ những ván nhỏ qua các nhóm kín trên mạng "
           "xã hội.\nChuyên gia tâm lý khuyên phụ huynh để ý các dấu hiệu như thường xuyên hỏi vay tiền hoặc thức "
           "khuya dùng điện thoại.\nNhà trường đã phối hợp với công an địa phương tổ chức buổi tuyên truyền về tác "
           "hại của cờ bạc trực tuyến."),
    ("ms", "Polis Diraja Malaysia menahan 15 individu yang dipercayai terlibat dalam sindiket judi dalam talian "
           "di sebuah rumah kedai di Johor Bahru.\nSerbuan itu turut merampas komputer, telefon bimbit dan wang "
           "tunai berjumlah lebih RM20,000.\nKetua Polis Daerah berkata sindiket itu mempromosikan laman judi "
           "melalui aplikasi pesanan dan media sosial.\nKes disiasat di bawah Akta Rumah Judi Terbuka 1953."),
]


def _strip_marks(text: str) -> str:
    """Vietnamese written without its diacritics (how a lot of its spam is typed)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", text)
                                                if not unicodedata.combining(c)))


def _compose8(rng: random.Random, templates: list[str], parts: list[str], brands: list[str], shorts: list[str],
              marks_off: float = 0.0, n_parts: int = 4) -> str:
    """One line of holdout8 (4 phrase parts drawn) or holdout10 (3 drawn, its own random stream)."""
    p = [_fill3(x, rng) for x in rng.sample(parts, n_parts)] + [""]
    brand = rng.choice(brands)
    fields = {
        "brand": brand, "BRAND": brand.upper(), "brand_low": brand.lower(),
        "p1": p[0], "p2": p[1], "p3": p[2], "p4": p[3],
        "P1": _title(p[0]), "P2": _title(p[1]), "UP1": p[0].upper(),
        "tag": _strip_marks(p[1]).replace(" ", "").lower(),
        "short": rng.choice(shorts).replace("{brand}", brand).replace("{brand_low}", brand.lower()),
    }
    tpl = rng.choice(templates)
    for k, v in fields.items():
        tpl = tpl.replace("{" + k + "}", v)
    line = _fill3(tpl, rng)
    return _strip_marks(line) if rng.random() < marks_off else line


def gen_gambling_id_h8(rng: random.Random) -> str:
    return _compose8(rng, H8_ID_TEMPLATES, H8_ID_PARTS, H8_ID_BRANDS, H8_ID_SHORT)


def gen_gambling_vi_h8(rng: random.Random) -> str:
    return _compose8(rng, H8_VI_TEMPLATES, H8_VI_PARTS, H8_VI_BRANDS, H8_VI_SHORT, marks_off=0.25)


HOLDOUT8_GENERATORS = {
    "gambling_id": gen_gambling_id_h8, "gambling_vi": gen_gambling_vi_h8, "legit_en": _phrases(H8_LEGIT_EN),
    "gambling_id_eu": gen_gambling_id_h8, "gambling_vi_eu": gen_gambling_vi_h8,
}

# Ninth held-out set (`--bank holdout9`): English pharmacy spam on non-English Latin pages, and controls; written blind
# for issue 25's pharmacy pass (before any pharmacy rule was written), run once on main's logic and once at the end
# of that pass. New drug names (weight-loss injections, "generic ED" brands, benzodiazepines, steroids), and the
# shapes of real pharmacy spam the dev bank does not write: comment spam, footer link farms, SEO keyword stuffing,
# price-per-pill lines, shop hosts and URLs, short headings in Title Case and ALL CAPS, shipping and payment lines,
# and a shop's plain lines (copyright, "We ship to ..."). Controls: `legit_en` (English health news and patient
# information on the same drugs, doses and online pharmacies, injected into English pages: the recall column is the
# share removed, want 0) and `CONTROL_PAGES_H9`: German, French, Spanish, Italian and Dutch medical pages about the
# same drugs (with English drug and product names), and English health articles about Viagra and online pharmacies.
H9_DRUGS = ["Vidalista", "Cenforce", "Fildena", "Kamagra Oral Jelly", "Suhagra", "Avanafil", "Stendra", "Dapoxetine",
            "Semaglutide", "Ozempic", "Wegovy", "Rybelsus", "Alprazolam", "Zolpidem", "Clonazepam", "Armodafinil",
            "Tapentadol", "Hydrocodone", "Codeine", "Ivermectin", "Xenical", "Orlistat", "Valtrex", "Doxycycline",
            "Amoxicillin", "Prednisone", "Nolvadex", "Clenbuterol", "Anavar", "Super P-Force", "Viagra", "Cialis",
            "Sildenafil Citrate", "Tadalafil", "Levitra", "Xanax", "Tramadol", "Adipex", "Soma", "Propecia"]
H9_SHOPS = ["rxmeds24", "pillsdirect", "canadameds-online", "genericshop", "trustpharma", "edpills4u", "medsnorx",
            "bestrxstore", "cheapmeds", "safepills"]
H9_TLDS = ["com", "net", "top", "shop", "store", "online", "su", "to"]
H9_PHARMA_TEMPLATES = [
    # comment spam
    "Great article! I ordered {drug} from {shop}.{tld} last month and it arrived in {d} days, highly recommend",
    "Thanks for sharing. Anyone looking for cheap {drug} should check {shop}.{tld}",
    "I was skeptical at first but {drug} {dose}mg really works, got mine without a prescription",
    "Nice blog, btw you can get {drug} at half price here: https://{shop}.{tld}/{drug_low}",
    # footer link farms and keyword stuffing
    "buy {drug_low} online | cheap {drug2_low} | generic {drug_low} | {drug2_low} no rx | online pharmacy",
    "{drug} price • {drug} {dose}mg • {drug} reviews • {drug} without prescription • {drug} uk",
    "Tags: {drug_low}, {drug2_low}, buy pills online, discount pharmacy, overnight shipping",
    "{drug_low} {drug_low} online {drug_low} cheap {drug_low} order {drug_low} generic",
    # price lines
    "{drug} {dose}mg x {n2} pills - ${d}9.95 (${d}.{n2} per pill)",
    "{drug} {dose} mg: 90 tablets for ${n3}, free bonus pills with every order",
    "Price per pill from $0.{n2} — the lowest {drug} prices on the internet",
    # headings
    "Buy Generic {Drug} Online Without Prescription",
    "ORDER {DRUG} ONLINE - OVERNIGHT DELIVERY",
    "Cheap {Drug} Tablets",
    "{Drug} {dose}mg",
    "Where To Buy {Drug} Safely Online",
    # shop lines
    "We ship to USA, UK, Canada, Australia and the EU in plain unmarked packaging",
    "Secure checkout: Visa, MasterCard, PayPal and Bitcoin accepted",
    "© {y} {Shop} Online Pharmacy. All rights reserved.",
    "24/7 customer support, 100% money back guarantee, no questions asked",
    "Licensed Canadian pharmacy - no doctor consultation needed",
    "https://www.{shop}.{tld}/",
    # pitches
    "Lose up to {d}0 pounds in a month with {drug}, no diet or exercise required",
    "Last longer in bed: {drug} starts working in 15 minutes and lasts up to 36 hours",
    "Erectile dysfunction? Try {drug} soft tabs today and feel the difference tonight",
    "Get {drug} delivered to your door without seeing a doctor, 100% discreet",
    "Order {drug} and {drug2} online, no prescription required, fast FedEx shipping",
    "{drug} for sale cheap - no Rx needed - pay with crypto",
    "Need {drug} fast? Same-day dispatch, tracked worldwide delivery",
    "Top rated online drugstore: {drug}, {drug2} and 500+ generics at wholesale prices",
]


def gen_pharmacy_h9(rng: random.Random) -> str:
    drug, drug2 = rng.sample(H9_DRUGS, 2)
    shop = rng.choice(H9_SHOPS)
    fields = {
        "drug_low": drug.lower().replace(" ", "-"), "drug2_low": drug2.lower(), "DRUG": drug.upper(),
        "Drug": drug.title(), "drug2": drug2, "drug": drug, "Shop": shop.replace("-", " ").title().replace(" ", ""),
        "shop": shop, "tld": rng.choice(H9_TLDS),
    }
    return _fill_fields(rng.choice(H9_PHARMA_TEMPLATES), fields, rng)


def _fill_fields(tpl: str, fields: dict[str, str], rng: random.Random) -> str:
    """`tpl` with `fields` put in (in their order: "{Brand2}" before "{Brand}"), then `_fill3`'s."""
    for k, v in fields.items():
        tpl = tpl.replace("{" + k + "}", v)
    return _fill3(tpl, rng)


H9_LEGIT_EN = [
    "The FDA approved the first generic versions of Viagra (sildenafil) in {y}, which cut the price sharply.",
    "Tadalafil, sold as Cialis, can interact dangerously with nitrates prescribed for chest pain.",
    "Pharmacists warn that websites selling Viagra without a prescription often ship counterfeit pills.",
    "Take 500 mg of amoxicillin three times a day for seven days, as prescribed by your doctor.",
    "Demand for Ozempic and Wegovy has led to shortages at pharmacies across the country.",
    "The study followed {n3} men taking 50 mg of sildenafil and found no rise in heart problems.",
    "Online pharmacies must display the EU common logo and be registered with the national regulator.",
    "Do not buy prescription drugs online from sites that do not ask for a prescription, the agency said.",
    "Tramadol is a controlled substance, and doctors are told to prescribe the lowest effective dose.",
    "A generic drug contains the same active ingredient as the brand-name medicine and works the same way.",
    "Side effects of Xanax (alprazolam) include drowsiness, and it should not be mixed with alcohol.",
    "Interpol's Operation Pangea seized {n3},000 packages of fake medicines sold by illegal online pharmacies.",
    "Ask your pharmacist whether a cheaper generic is available before you fill the prescription.",
    "Semaglutide is given as a weekly injection, starting at 0.25 mg and raised every four weeks.",
    "Patients over 65 should start on a lower dose of zolpidem, 5 mg at bedtime.",
    "The NHS now lets pharmacists sell sildenafil 50 mg over the counter after a short consultation.",
]


HOLDOUT9_GENERATORS = {"pharmacy_en": gen_pharmacy_h9, "legit_en": _phrases(H9_LEGIT_EN)}

CONTROL_PAGES_H9 = [
    ("de", "Seit 2013 ist Sildenafil als Generikum erhältlich, die Preise für Viagra sind seitdem stark gefallen.\n"
           "Die Tabletten gibt es in den Stärken 25 mg, 50 mg und 100 mg, sie sind in Deutschland "
           "verschreibungspflichtig.\nApotheker warnen vor Online-Shops, die Potenzmittel ohne Rezept verkaufen: "
           "Ein großer Teil der dort bestellten Präparate ist gefälscht.\nSeriöse Versandapotheken erkennt man am "
           "EU-Sicherheitslogo und an der Pflicht, ein Rezept vorzulegen.\nBei Herzerkrankungen und der Einnahme "
           "von Nitraten darf Sildenafil nicht genommen werden."),
    ("de", "Ibuprofen 400 mg Filmtabletten, 20 Stück\nParacetamol ratiopharm 500 mg Tabletten\nViagra 50 mg "
           "Filmtabletten, 12 Stück – verschreibungspflichtig\nCialis 5 mg Filmtabletten\nVersandkostenfrei ab "
           "20 € Bestellwert, Lieferung in 1–2 Werktagen.\nRezept einfach per App einlösen oder per Post "
           "einsenden."),
    ("fr", "Acheter du Viagra sans ordonnance sur internet est illégal en France et dangereux pour la santé.\n"
           "L'Agence nationale de sécurité du médicament rappelle que seuls les sites autorisés peuvent vendre des "
           "médicaments en ligne.\nLe tadalafil, commercialisé sous le nom de Cialis, est prescrit contre les "
           "troubles de l'érection et l'hypertrophie bénigne de la prostate.\nLes génériques du sildenafil sont "
           "remboursés dans certains cas par l'Assurance maladie.\nEn cas de doute, demandez conseil à votre "
           "pharmacien."),
    ("es", "La Agencia Española de Medicamentos alerta sobre la venta de Ozempic falsificado en páginas web y "
           "redes sociales.\nEl medicamento, cuyo principio activo es la semaglutida, solo se puede dispensar con "
           "receta médica.\nLos farmacéuticos recuerdan que comprar fármacos en internet sin receta supone un "
           "riesgo para la salud.\nLa dosis inicial es de 0,25 mg una vez a la semana.\nLas farmacias online "
           "legales muestran el logotipo común europeo."),
    ("it", "Il Tramadol è un analgesico oppioide che richiede la prescrizione medica.\nL'Aifa ha segnalato siti "
           "che vendono Xanax e Tramadol senza ricetta, spesso con prodotti contraffatti.\nI carabinieri del Nas "
           "hanno oscurato decine di farmacie online illegali nell'ultimo anno."),
    ("nl", "Steeds meer mensen bestellen afslankmiddelen zoals Wegovy via buitenlandse webwinkels.\nHet College "
           "ter Beoordeling van Geneesmiddelen waarschuwt dat veel van deze middelen nep zijn.\nKoop geneesmiddelen "
           "alleen bij een apotheek met een erkend logo."),
    ("en", "Viagra was discovered by accident when Pfizer scientists were testing sildenafil as a heart drug.\n"
           "Men in the trials reported erections as a side effect, and the company changed course.\nThe FDA "
           "approved Viagra in 1998, and it became one of the best-selling drugs in the world.\nToday generic "
           "sildenafil costs a fraction of the brand price, and some countries sell it without a prescription.\n"
           "Doctors still advise a check-up first, because erectile dysfunction can be an early sign of heart "
           "disease.\nBuying Viagra online from unlicensed sites carries the risk of fake or contaminated pills."),
    ("en", "How to spot a fake online pharmacy\nIt sells prescription drugs such as Cialis, Xanax or Tramadol "
           "without asking for a prescription.\nIt offers prices far below those of local pharmacies and bonus "
           "pills with every order.\nIt has no physical address and no licence number you can check with a "
           "regulator.\nIf in doubt, ask your doctor or pharmacist before you buy medicine online."),
]

# Tenth held-out set (`--bank holdout10`; written as "holdout9" at the same time as the pharmacy pass's holdout9, and
# renamed): the two gambling kinds, the same two on non-English Latin pages, and controls; written blind for issue 25
# item 5's fourth gambling pass (without reading the lexicon or its rules), before any of its tuning, and run once on
# main's logic. Shapes of the judol / nhà cái SEO pages injected into hacked government, campus and shop sites that the
# earlier banks did not write: page titles with a colon, tilde or "»" ("KOITOTO : Situs Toto ..."), breadcrumbs, fact
# tables ("Minimal Deposit | Rp 10.000", "Giấy phép | PAGCOR"), star ratings and prices of a fake shop page, FAQ
# questions and answers, numbered tables of contents of a review article, provider and payment lists, testimonials with
# a name, fake CEO bylines and addresses, small-caps and full-width letters, domain-shaped brands ("lapakcuan.net"),
# Google Sites and Linktree links, brands without digits, and English-framed lines. Controls: `legit_en` (English lines
# on Indonesian and Vietnamese places, food and names, bookmakers and casinos, an operator "not available in Indonesia",
# model codes, a news site's copyright line and menu) and `CONTROL_PAGES_H10`: Indonesian, Vietnamese and Malay news on
# gambling with their "Baca juga" / "Xem thêm" link lines and short captions.
H10_ID_BRANDS = ["KOITOTO", "SENJATOTO", "NAGAHOKI", "Pausbiru", "MEJA303", "lapakcuan", "TOTOJITU", "Rusa4D",
                "BOSKURAYA", "SINAR99", "Kapten77", "GURITAPLAY", "DEWAKOIN", "asia338", "PETIRBET", "MERPATI4D"]
H10_ID_PARTS = [
    "situs toto macau resmi", "live draw sdy tercepat", "paito warna hk lengkap", "slot thailand super gacor",
    "slot server kamboja no 1", "depo qris 5 ribu", "gates of gatot kaca x500", "sweet bonanza pecah beruntun",
    "mahjong wins 3 black scatter", "rtp slot live akurat 98%", "jam hoki main slot malam", "bandar togel hadiah 4d 10 juta",
    "link resmi tanpa blokir", "slot777 gampang maxwin", "wd tanpa batas harian", "akun vip anti kalah",
    "free spin {pct} kali", "garansi kekalahan 100%", "daftar gratis tanpa biaya", "pasaran toto hk sgp sdy lengkap",
    "shio togel keluar hari ini", "colok jitu 2d", "rolling bola 0,7%", "judi kartu qq online",
    "aplikasi slot penghasil uang", "situs judi paling aman",
]
H10_ID_SHORT = ["Login {brand}", "{brand} Login", "Situs {brand}", "Alternatif {brand}", "{brand} resmi",
               "Daftar {brand}", "Masuk {brand} Sekarang", "{brand} hoki", "{brand} 🔥", "» {brand}"]
H10_ID_TEMPLATES = [
    # page titles of a hacked page
    "{BRAND} : {P1} & {P2} Terbaru {y2}",
    "{brand} ~ {P1} Hari Ini",
    "{BRAND} » Link Daftar {P1}",
    "{BRAND} 🏆 Situs Toto Togel 4D Terpercaya",
    # breadcrumbs and navigation
    "Beranda › Slot Online › {BRAND}",
    "Home / Togel / {brand}",
    # fact table of the fake review page
    "Nama Situs | {brand}",
    "Minimal Deposit | Rp 10.000",
    "Metode Pembayaran | DANA, OVO, GoPay, QRIS, BCA",
    "Jenis Permainan | Slot, Togel, Live Casino, Sportsbook",
    "Provider: Pragmatic Play, PG Soft, Habanero, Microgaming",
    # fake shop page
    "⭐⭐⭐⭐⭐ 4.9 ({n4} ulasan) · Terjual {n3}+",
    "Rp 25.000 · {brand} · Stok tersedia",
    # FAQ
    "Apakah {brand} aman dan terpercaya?",
    "Tentu saja, {brand} sudah berdiri sejak {y} dan {p1}.",
    "Berapa minimal deposit di {brand}?",
    # testimonial
    "★★★★★ Rudi H. - WD {d} juta langsung cair, {p1} mantul",
    # numbered table of contents
    "{d}. Kelebihan Bermain di {brand}",
    # small caps and full-width
    "ꜱʟᴏᴛ ɢᴀᴄᴏʀ {brand} ᴍᴀxᴡɪɴ",
    "ＳＬＯＴ ＧＡＣＯＲ {BRAND}",
    # domain-shaped brands and link pages
    "{brand_low}.net ~ {p1}",
    "linktr.ee/{brand_low}",
    "sites.google.com/view/{brand_low}-login",
    "Link: https://{brand_low}.xyz/register?ref={n5}",
    # prose
    "{brand} merupakan {p1} yang menyediakan {p2} serta {p3}.",
    "Nikmati {p1} dan {p2} bersama ribuan member aktif {brand}.",
    "{short}",
    # English-framed
    "{brand} - The best online lottery site in Indonesia",
    "Join {brand} now and get {p1}",
    # keyword stuffing without digits
    "{brand} {brand} slot {brand} togel {brand} toto {brand} rtp",
]
H10_VI_BRANDS = ["SV66", "8KBET", "Rikvip", "Sun52", "HB88", "MU88", "XO88", "OK9", "Go789", "Nohu52", "Tk88",
                "Bk8vn", "VIN777", "Sunbet", "Luxury88", "Dabet"]
H10_VI_PARTS = [
    "casino trực tuyến đẳng cấp", "cá cược thể thao hấp dẫn", "xổ số 3 miền nhanh nhất", "đá gà campuchia",
    "bắn cá long vương", "game bài tiến lên", "tặng 100% nạp đầu", "hoàn trả 1.5% không giới hạn",
    "rút tiền 24/7", "dự đoán xổ số miền nam", "bạch thủ lô hôm nay", "thống kê giải đặc biệt",
    "kèo châu Á chuẩn", "tỷ lệ kèo nhà cái", "poker online tiền thật", "nổ hũ jackpot triệu đô",
    "thu nhập đại lý cao", "app cá cược an toàn", "link vào không bị chặn", "tặng 88k cho tân thủ",
    "casino truc tuyen", "ca cuoc the thao", "xo so mien bac", "tang tien cuoc mien phi", "nha cai uy tin so 1",
    "keo nha cai chuan",
]
H10_VI_SHORT = ["Trang chủ {brand}", "{brand} com", "Vào {brand}", "{brand} – Nhà cái", "Đăng nhập {brand}",
               "{brand} Casino", "App {brand}", "{brand} mobile", "Link {brand} mới", "» {brand}"]
H10_VI_TEMPLATES = [
    # page titles
    "{BRAND} – Link Vào {BRAND} Chính Thức Không Bị Chặn {y2}",
    "Nhà Cái {brand} » {P1}",
    "{brand} ~ {P1} Uy Tín Nhất",
    "{BRAND}: {P1} & {P2}",
    # breadcrumbs and navigation
    "Trang chủ › Nhà cái › {brand}",
    "Home / Casino / {brand}",
    # fact table of the fake review page
    "Tên nhà cái | {brand}",
    "Năm thành lập | {y}",
    "Giấy phép | PAGCOR, Curacao eGaming",
    "Sản phẩm | Casino, Thể thao, Nổ hũ, Bắn cá, Xổ số",
    "Hotline | 0{n9}",
    # table of contents of the review article
    "{d}. Giới thiệu về nhà cái {brand}",
    "{d}. Hướng dẫn đăng ký {brand} chi tiết",
    "Mục lục",
    # FAQ
    "{brand} có lừa đảo không?",
    "Câu trả lời là không, {brand} {p1} và {p2}.",
    # fake CEO byline and address
    "Tác giả: CEO Trần Minh Khôi - nhà sáng lập {brand}",
    "Địa chỉ: {n3} Nguyễn Trãi, Quận 5, TP Hồ Chí Minh",
    "Email: hotro@{brand_low}.com",
    # small caps and full-width
    "ɴʜà ᴄáɪ {brand} ᴜʏ ᴛíɴ",
    "ＮＨＡ ＣＡＩ {BRAND}",
    # domain-shaped and link pages
    "{brand_low}.com – {p1}",
    "linktr.ee/{brand_low}vn",
    "sites.google.com/view/link-{brand_low}",
    # prose
    "{brand} là {p1} với {p2} và {p3}.",
    "Tham gia {brand} để nhận {p1} cùng {p2}.",
    "{short}",
    # English-framed
    "{brand} – Leading online betting site in Asia",
    "Sign up {brand} and receive {p1}",
    # keyword stuffing without digits
    "{brand} {brand} casino {brand} thể thao {brand} nổ hũ {brand} app",
]
# Legitimate English lines: Indonesian and Vietnamese places, food and names in English prose, bookmakers and
# casinos, an operator that is not available in Indonesia, model codes, a news site's copyright line and menu.
H10_LEGIT_EN = [
    "Bet365 casino is not available in Indonesia, Vietnam or the United States.",
    "William Hill and Ladbrokes cut their odds on the favourite to 5/{d} after Saturday's trial.",
    "DraftKings Sportsbook launched in North Carolina on {d} March, taking bets on college basketball.",
    "The Bellagio fountain show runs every 30 minutes from 3 p.m. and every 15 minutes after 8 p.m.",
    "Genting Highlands, an hour from Kuala Lumpur, is home to Malaysia's only licensed casino.",
    "Nguyen Van Thanh scored twice as Hanoi FC beat Hai Phong {d}-1 at Hang Day Stadium.",
    "We ate nasi goreng and sate ayam at a warung near Jalan Malioboro in Yogyakarta.",
    "Bank Rakyat Indonesia (BRI) reported net profit of Rp {d}0 trillion for the first half.",
    "The Vietnamese phrase 'nhà cái' literally means 'the house', the usual word for a bookmaker.",
    "Copyright © {y} Reuters. All rights reserved.",
    "Home | World | Business | Sport | Culture | Contact",
    "The Nikon Z{d} II and the Sony A7 IV both use a 24-megapixel full-frame sensor.",
    "Part number 8K-{n4}-B fits the 2019-2023 models; order two if you replace both sides.",
    "Powerball players in {d} states can now buy tickets online through the official app.",
    "A study of {n3} problem gamblers found that slot machines were the most common form of play.",
    "Macau's casino revenue rose {d}0% as visitors from mainland China returned after the pandemic.",
    "The 888 Holdings sale of its US business to Hard Rock closed in {y}.",
    "Read more: How Indonesia's online gambling crackdown is hitting e-wallets",
    "The Gojek and Grab apps both accept OVO, DANA and GoPay in Jakarta.",
    "Station M{d}0 of the Ho Chi Minh City metro opened at Ben Thanh in December.",
    "Bet slips, poker chips and a roulette wheel were seized in the raid, police said.",
    "GeForce RTX 4070 Ti SUPER, 16 GB GDDR6X, PCIe 4.0 x16",
]
# Whole Indonesian, Vietnamese and Malay news pages about gambling, with their link and caption lines.
CONTROL_PAGES_H10 = [
    ("id", "Polda Metro Jaya menangkap lima admin situs judi online yang mengelola ratusan akun media sosial untuk "
           "promosi.\nBaca juga: Kominfo Blokir Ribuan Situs Judi Slot dalam Sepekan\nPara tersangka dibayar "
           "beberapa juta rupiah per bulan untuk menyebarkan tautan situs judi ke grup percakapan.\nPolisi menyita "
           "belasan ponsel, laptop, dan buku tabungan dari lokasi penangkapan.\nFoto: Barang bukti yang disita "
           "polisi.\nKasus ini dijerat dengan Undang-Undang Informasi dan Transaksi Elektronik serta Pasal 303 "
           "KUHP tentang perjudian."),
    ("id", "Bank Indonesia meminta penyedia jasa pembayaran memperketat pemantauan transaksi yang mencurigakan.\n"
           "Menurut BI, banyak setoran judi online dilakukan lewat QRIS dan dompet digital dengan nominal kecil.\n"
           "Baca juga: PPATK Temukan Perputaran Uang Judi Online Rp 900 Triliun\nSejumlah bank telah menutup "
           "ribuan rekening yang dipakai bandar untuk menampung dana pemain.\nEkonom menilai langkah ini perlu "
           "dibarengi edukasi agar masyarakat tidak tergiur iklan slot di media sosial."),
    ("vi", "Công an tỉnh Quảng Ninh vừa bắt giữ 12 đối tượng tổ chức đánh bạc dưới hình thức cá độ bóng đá qua mạng."
           "\nXem thêm: Cảnh báo thủ đoạn lừa đảo qua ứng dụng cá cược\nTheo điều tra, đường dây này hoạt động "
           "từ năm 2022, tổng số tiền giao dịch lên tới hàng trăm tỷ đồng.\nẢnh: Các đối tượng tại cơ quan công an."
           "\nVụ việc đang được tiếp tục điều tra, làm rõ."),
    ("vi", "Nhiều ngôi sao mạng xã hội bị xử phạt vì quảng cáo cho các trang cá cược và game bài đổi thưởng trái "
           "phép.\nBộ Thông tin và Truyền thông cho biết đã yêu cầu các nền tảng gỡ bỏ hàng nghìn video quảng cáo "
           "cờ bạc.\nXem thêm: Người nổi tiếng quảng cáo cờ bạc có thể bị truy cứu trách nhiệm hình sự\nLuật sư "
           "cho rằng người quảng cáo cần kiểm tra kỹ sản phẩm trước khi nhận hợp đồng."),
    ("ms", "Kerajaan negeri Kedah menolak permohonan untuk membuka premis loteri baharu di negeri itu.\nMenteri "
           "Besar berkata keputusan itu dibuat demi menjaga kesejahteraan masyarakat.\nBaca juga: Polis serbu "
           "pusat judi haram di Alor Setar\nPremis nombor ekor sedia ada diberi tempoh untuk menamatkan operasi "
           "mengikut perjanjian lesen."),
]


def gen_gambling_id_h10(rng: random.Random) -> str:
    return _compose8(rng, H10_ID_TEMPLATES, H10_ID_PARTS, H10_ID_BRANDS, H10_ID_SHORT, n_parts=3)


def gen_gambling_vi_h10(rng: random.Random) -> str:
    return _compose8(rng, H10_VI_TEMPLATES, H10_VI_PARTS, H10_VI_BRANDS, H10_VI_SHORT, marks_off=0.2, n_parts=3)


HOLDOUT10_GENERATORS = {
    "gambling_id": gen_gambling_id_h10, "gambling_vi": gen_gambling_vi_h10, "legit_en": _phrases(H10_LEGIT_EN),
    "gambling_id_eu": gen_gambling_id_h10, "gambling_vi_eu": gen_gambling_vi_h10,
}

# Eleventh held-out set (`--bank holdout11`; written as "holdout10" at the same time as the gambling pass's
# holdout10, renamed when both met on main): English pharmacy spam on non-English Latin pages, and controls; written
# blind at the start of issue 25's second pharmacy pass (before any of its rules), run once on main's logic. Shapes of
# real pharmacy link spam the other banks do not write: shop names with their URLs, price tables (package, price,
# per pill, savings), "Rx" tags, brand and generic pairs ("Cialis (Tadalafil) 20mg"), bestseller and category lists,
# Title Case headings, a shop's menu, payment and trust lines. Controls: `legit_en` (English patient information,
# drug labels and health news with brand and generic names, doses and prices, injected into English pages: want 0
# removed) and `CONTROL_PAGES_H11`: German, French, Spanish, Italian, Dutch, Polish and Portuguese pages on
# medicines (package leaflets, a pharmacy's price list, news) and English health pages.
H11_PAIRS = [("Viagra", "Sildenafil"), ("Cialis", "Tadalafil"), ("Levitra", "Vardenafil"), ("Propecia", "Finasteride"),
             ("Zithromax", "Azithromycin"), ("Cipro", "Ciprofloxacin"), ("Lexapro", "Escitalopram"),
             ("Zoloft", "Sertraline"), ("Lasix", "Furosemide"), ("Neurontin", "Gabapentin"), ("Lyrica", "Pregabalin"),
             ("Provigil", "Modafinil"), ("Ambien", "Zolpidem"), ("Xanax", "Alprazolam"), ("Valium", "Diazepam"),
             ("Diflucan", "Fluconazole"), ("Plaquenil", "Hydroxychloroquine"), ("Stromectol", "Ivermectin"),
             ("Nolvadex", "Tamoxifen"), ("Clomid", "Clomiphene"), ("Accutane", "Isotretinoin"),
             ("Mounjaro", "Tirzepatide"), ("Saxenda", "Liraglutide"), ("Suboxone", "Buprenorphine"),
             ("Percocet", "Oxycodone"), ("Ultram", "Tramadol"), ("Glucophage", "Metformin"),
             ("Synthroid", "Levothyroxine"), ("Priligy", "Dapoxetine"), ("Kamagra", "Sildenafil")]
H11_GENERICS_ONLY = ["Tadacip", "Malegra", "Silagra", "Vilitra", "Tadalista", "Finpecia", "Aurogra", "Megalis"]
H11_SHOPS = [("Canadian Health&Care Mall", "canadianhealthcaremall"), ("MyMedsPlus", "mymedsplus"),
             ("RxCheapStore", "rxcheapstore"), ("Pharma Express 24", "pharmaexpress24"), ("GenericDrugHouse",
             "genericdrughouse"), ("ED Meds Direct", "edmedsdirect"), ("Global Pharmacy Plus", "globalpharmacyplus"),
             ("PillBox Online", "pillboxonline"), ("USA Meds Outlet", "usamedsoutlet"), ("DrugStore4All",
             "drugstore4all")]
H11_TLDS = ["com", "net", "org", "biz", "info", "cc", "ws", "pw", "life", "xyz"]
H11_PHARMA_TEMPLATES = [
    # shop names and URLs
    "{Shop} - Your Trusted Source of Generic {Brand}",
    "Visit {shop}.{tld} for {Brand} and {Brand2} at discount prices",
    "http://{shop}.{tld}/product/{brand_low}-{dose}mg.html",
    "www.{shop}.{tld}",
    "[url=https://{shop}.{tld}/{brand_low}]{Brand} online[/url]",
    "{shop}.{tld} — Bestsellers: {Brand}, {Brand2}, {Generic}",
    # price tables
    "{Brand} {dose}mg | 30 pills | ${n2}.95 | ${d}.{n2} per pill | Save ${n2}",
    "Package: 60 pills x {dose} mg  Price: ${n3}.00  Per pill: ${d}.50  Add to cart",
    "10 pills - $29.99, 30 pills - $69.99, 90 pills - $149.99 + 4 free pills",
    "{Generic} {dose}mg x 120 tabs ... ${n3}.40 (you save {n2}%)",
    # Rx tags and brand+generic pairs
    "{Brand} ({Generic}) {dose}mg - Rx",
    "Generic {Brand} ({Generic}) - No Rx Required",
    "{Generic} {dose} mg [Rx only] — in stock, ships in 24h",
    "{Brand} / {Generic} {dose}mg tablets",
    "{Extra} {dose}mg (Generic {Brand})",
    # Title Case headings
    "Best Place To Order {Brand} Online",
    "Generic {Brand} Fast Shipping Worldwide",
    "{Brand} Without Doctor Approval",
    "Low Cost {Generic} Tablets For Sale",
    "Men's Health",
    "Erectile Dysfunction Bestsellers",
    # drug lists
    "{Brand}, {Brand2}, {Extra}, {Generic}, {Generic2} and more",
    "Popular products: {Brand} • {Brand2} • {Extra} • {Generic2}",
    "Anti-Anxiety | Antibiotics | Pain Relief | Weight Loss | Men's Health",
    # menu, payment, trust
    "Home | Bestsellers | Shipping Info | FAQ | Testimonials | Contact Us",
    "We accept Visa, Amex, E-check and Bitcoin. Free airmail shipping on orders over $200",
    "Over 1 million satisfied customers since {y}. Reorders get 10% off",
    "All products are FDA approved generics manufactured in India",
    # pitches
    "Why pay more? {Brand} from ${d}.{n2} per pill",
    "Get your {Generic} today, no consultation, shipped in discreet packaging",
]


def gen_pharmacy_h11(rng: random.Random) -> str:
    (brand, generic), (brand2, generic2) = rng.sample(H11_PAIRS, 2)
    shop_name, shop = rng.choice(H11_SHOPS)
    fields = {
        "Shop": shop_name, "shop": shop, "tld": rng.choice(H11_TLDS), "Brand2": brand2, "Brand": brand,
        "brand_low": brand.lower(), "Generic2": generic2, "Generic": generic, "Extra": rng.choice(H11_GENERICS_ONLY),
        "dose": rng.choice(["5", "10", "20", "25", "40", "50", "100", "200", "500"]),
    }
    return _fill_fields(rng.choice(H11_PHARMA_TEMPLATES), fields, rng)


H11_LEGIT_EN = [
    "Sildenafil (Viagra) 50 mg is taken about an hour before sexual activity, no more than once a day.",
    "Generic atorvastatin costs about $10 a month, compared with more than $200 for brand-name Lipitor.",
    "Zoloft (sertraline) is usually started at 50 mg once daily and may be increased by your doctor.",
    "Pharmacies in Canada sell many prescription drugs at lower prices, but importing them is restricted.",
    "The pharmacy benefit manager said it would stop covering Ozempic for weight loss from next year.",
    "Gabapentin 300 mg capsules: take one capsule three times a day with or without food.",
    "Never order medicines from websites that offer them without a prescription, the regulator warned.",
    "Buy only from licensed pharmacies, and check the seller on the national register before you pay.",
    "In {y}, the price of a 30-day supply of Cialis fell sharply once generic tadalafil came out.",
    "Amoxicillin 500 mg is the usual adult dose for a chest infection, three times a day for five days.",
    "Your doctor may prescribe Clomid (clomiphene) to help with ovulation if you have trouble getting pregnant.",
    "Mounjaro and Wegovy have become the best-selling weight-loss drugs in the United States.",
    "Ask your pharmacist about the discount card, which can cut the cost of generics to $4 a prescription.",
    "Prednisone 20 mg tablets should be taken in the morning with food to reduce stomach upset.",
]


HOLDOUT11_GENERATORS = {"pharmacy_en": gen_pharmacy_h11, "legit_en": _phrases(H11_LEGIT_EN)}

CONTROL_PAGES_H11 = [
    ("de", "Gebrauchsinformation: Information für Anwender\nTadalafil AL 20 mg Filmtabletten\nWas ist Tadalafil AL "
           "und wofür wird es angewendet?\nTadalafil AL enthält den Wirkstoff Tadalafil und gehört zu einer Gruppe "
           "von Arzneimitteln, die als Phosphodiesterase-Typ-5-Hemmer bezeichnet werden.\nNehmen Sie Tadalafil AL "
           "nicht ein, wenn Sie allergisch gegen Tadalafil sind.\nPackungsgrößen: 4, 12, 24 und 48 Filmtabletten."),
    ("de", "Sildenafil Heumann 100 mg, 24 Stück – 39,95 €\nFinasterid Aristo 1 mg, 98 Stück – 52,10 €\nMetformin "
           "Lich 1000 mg, 180 Stück – 18,47 €\nAlle Preise inkl. MwSt., zzgl. Versandkosten. Rezeptpflichtige "
           "Arzneimittel nur gegen Vorlage eines Rezepts."),
    ("fr", "Le Lévothyrox est prescrit en cas d'hypothyroïdie.\nLa dose est adaptée par le médecin selon les "
           "résultats des analyses de sang.\nDes pharmacies en ligne proposent du Lyrica et du Xanax sans "
           "ordonnance : l'ANSM met en garde contre ces sites.\nLe prix d'une boîte de Viagra 50 mg varie de 30 à "
           "60 euros selon les pharmacies."),
    ("es", "El ibuprofeno de 600 mg necesita receta médica en España.\nLa amoxicilina es un antibiótico de la "
           "familia de las penicilinas.\nLa Guardia Civil ha desmantelado una red que vendía Viagra y Cialis "
           "falsificados por internet.\nPrecio del Cialis 5 mg, 28 comprimidos: unos 60 euros."),
    ("it", "Il Cialis 5 mg si assume una volta al giorno, sempre alla stessa ora.\nIl prezzo del generico del "
           "tadalafil è sceso sotto i 20 euro.\nNon acquistare farmaci su siti che non espongono il logo comune "
           "europeo."),
    ("nl", "Paracetamol 500 mg is zonder recept verkrijgbaar bij de drogist en de apotheek.\nVoor Viagra en "
           "Cialis heeft u een recept van de huisarts nodig.\nDe prijs van sildenafil is sinds het verlopen van "
           "het patent sterk gedaald."),
    ("pl", "Sildenafil 50 mg jest dostępny w aptekach bez recepty pod nazwą Maxigra Go.\nLekarze przestrzegają "
           "przed kupowaniem leków na potencję w internecie.\nCena opakowania zawierającego 4 tabletki wynosi "
           "około 30 zł."),
    ("pt", "O Ozempic é um medicamento indicado para o tratamento da diabetes tipo 2.\nA Anvisa alerta para a "
           "venda de canetas falsificadas em sites e redes sociais.\nA dose inicial é de 0,25 mg por semana."),
    ("en", "Lipitor vs. generic atorvastatin: is there a difference?\nBoth contain the same active ingredient, "
           "atorvastatin calcium, in doses of 10 mg, 20 mg, 40 mg and 80 mg.\nGeneric atorvastatin costs a "
           "fraction of the brand price at most pharmacies.\nTalk to your doctor before switching any "
           "prescription medicine."),
    ("en", "Cialis (tadalafil) 5 mg tablets\nCialis is used to treat erectile dysfunction and the symptoms of an "
           "enlarged prostate.\nDo not take Cialis if you take nitrates for chest pain.\nPrice: a 30-day supply "
           "of generic tadalafil costs about $15 with a discount card."),
]


HOLDOUT2_GENERATORS = {
    "han_list": gen_han_list_h2,
    "mojibake": gen_mojibake_h2,
    "pharmacy_en": gen_pharmacy_h2,
    "gambling_id": gen_gambling_id_h2,
    "gambling_vi": gen_gambling_vi_h2,
    "zh_in_ja": gen_zh_spam_h2,
}

HOLDOUT_GENERATORS = {
    "pharmacy_en": gen_pharmacy_holdout,
    "gambling_id": gen_gambling_id_holdout,
    "gambling_vi": gen_gambling_vi_holdout,
    "zh_in_ja": gen_zh_spam_holdout,
}

KINDS = {
    "han_list": (gen_han_list, "latin"),
    "mojibake": (gen_mojibake, "latin_or_zh"),
    "pharmacy_en": (gen_pharmacy, "non_en_latin"),
    "gambling_id": (gen_gambling_id, "en"),
    "gambling_vi": (gen_gambling_vi, "en"),
    "zh_in_ja": (gen_zh_spam, "ja"),
    # legitimate lines (a control): only in the banks that define a generator for it
    "legit_en": (None, "en"),
    # the gambling kinds on non-English Latin-script pages: only in the banks that define a generator for them
    "gambling_id_eu": (None, "non_en_latin"),
    "gambling_vi_eu": (None, "non_en_latin"),
}
LEGIT_KINDS = frozenset({"legit_en"})

# --- pages ---------------------------------------------------------------------------------------------------


def _normalize(text: str) -> str:
    lines = []
    for line in unicodedata.normalize("NFC", text).split("\n"):
        line = re.sub(r"\s+", " ", line).strip()
        if line:
            lines.append(line)
    return "\n".join(lines)


def load_pages(max_pages: int) -> list[dict]:
    """Extracted text of the real pages (cached by input file size in the temp dir)."""
    sources = [BENCH_WARC, *CJK_WARCS]
    key = hashlib.sha1(json.dumps(["v2", *[(str(p), p.stat().st_size) for p in sources]]).encode()).hexdigest()[:12]
    cache = Path(tempfile.gettempdir()) / f"crawlwash-language-eval-{key}.json.gz"
    if cache.exists():
        pages = json.loads(gzip.decompress(cache.read_bytes()))
    else:
        import trafilatura
        from warcio.archiveiterator import ArchiveIterator

        from transforms.extract import ExtractConfig, ExtractError, extract_html

        pages = []
        t0 = time.perf_counter()
        for path in sources:
            with open(path, "rb") as f:
                for rec in ArchiveIterator(f):
                    if rec.rec_type != "response":
                        continue
                    body = rec.content_stream().read()
                    if path in CJK_WARCS:
                        # EUC-JP / GBK pages: decode with the HTTP charset (the pipeline's extraction core)
                        ctype = rec.http_headers.get_header("Content-Type") if rec.http_headers else None
                        charset = None
                        if ctype and "charset=" in ctype:
                            charset = ctype.split("charset=", 1)[1].split(";")[0].strip()
                        try:
                            text = extract_html(body, ExtractConfig(), http_charset=charset).text or ""
                        except ExtractError:
                            text = ""
                    else:
                        text = trafilatura.extract(body) or ""
                    text = _normalize(text)
                    if len(text) >= 100:
                        url = rec.rec_headers.get_header("WARC-Target-URI")
                        pages.append({"url": url, "text": text, "src": path.name})
        log.info("extracted %d pages in %.1fs", len(pages), time.perf_counter() - t0)
        cache.write_bytes(gzip.compress(json.dumps(pages).encode()))
    seen = set()
    unique = []
    for p in pages:
        if p["text"] not in seen:
            seen.add(p["text"])
            unique.append(p)
    bench = [p for p in unique if p["src"] == BENCH_WARC.name][:max_pages]
    return bench + [p for p in unique if p["src"] != BENCH_WARC.name]


# --- evaluation ----------------------------------------------------------------------------------------------


def _hosts(kind: str, page_lang: str) -> bool:
    target = KINDS[kind][1]
    latin = page_lang not in {"zh", "ja", "ko", "ru", "uk", "bg", "el", "ar", "fa", "he", "th", "hi"}
    if target == "latin":
        return latin
    if target == "latin_or_zh":
        return latin or page_lang == "zh"
    if target == "non_en_latin":
        return latin and page_lang != "en"
    return page_lang == target


BANKS = {
    "dev": {},
    "holdout": HOLDOUT_GENERATORS,
    "holdout2": HOLDOUT2_GENERATORS,
    "holdout3": HOLDOUT3_GENERATORS,
    "holdout4": HOLDOUT4_GENERATORS,
    "holdout5": HOLDOUT5_GENERATORS,
    "holdout6": HOLDOUT6_GENERATORS,
    "holdout7": HOLDOUT7_GENERATORS,
    "holdout8": HOLDOUT8_GENERATORS,
    "holdout9": HOLDOUT9_GENERATORS,
    "holdout10": HOLDOUT10_GENERATORS,
    "holdout11": HOLDOUT11_GENERATORS,
}

# Banks with whole control pages in the gambling kinds' own languages (printed after the kinds).
CONTROL_PAGES = {"holdout7": CONTROL_PAGES_H7, "holdout8": CONTROL_PAGES_H8, "holdout9": CONTROL_PAGES_H9,
                 "holdout10": CONTROL_PAGES_H10, "holdout11": CONTROL_PAGES_H11}

# Banks whose injections may also land inside a real paragraph (`inject`).
INSIDE_PARAGRAPH_BANKS = frozenset({"holdout6", "holdout7", "holdout8", "holdout9", "holdout10", "holdout11"})


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\u00c0-\u024f\"\u201c(])")


def inject(
    text: str, kind: str, rng: random.Random, holdout: bool = False, bank: str | None = None
) -> tuple[list[str], list[bool], list[int | None]]:
    """The page's lines with a single spam line or a run of 2-8 injected at the start, in the middle or at the
    end (and, for `INSIDE_PARAGRAPH_BANKS`, inside a real paragraph: the paragraph split in two at a sentence end,
    the spam between the halves). Returns the lines, which are spam, and the page line each other line comes
    from (None for spam)."""
    lines = text.split("\n")
    bank = bank or ("holdout" if holdout else "dev")
    gen = BANKS[bank].get(kind, KINDS[kind][0])
    n_spam = 1 if rng.random() < 0.35 else rng.randint(2, 8)
    spam = [gen(rng) for _ in range(n_spam)]
    origin: list[int | None] = list(range(len(lines)))
    if bank in INSIDE_PARAGRAPH_BANKS:
        where = rng.choice(["start", "middle", "end", "inside"])
        if where == "inside":
            splits = [
                (i, m.start(), m.end())
                for i, line in enumerate(lines)
                for m in _SENTENCE_END.finditer(line)
                if 40 <= m.start() <= len(line) - 40
            ]
            if splits:
                i, a, b = rng.choice(splits)
                out = lines[:i] + [lines[i][:a]] + spam + [lines[i][b:]] + lines[i + 1 :]
                origin = origin[: i + 1] + [None] * n_spam + origin[i:]
                return out, [o is None for o in origin], origin
            where = "middle"
    else:
        where = rng.choice(["start", "middle", "end"])
    pos = {"start": 0, "end": len(lines), "middle": rng.randint(1, max(1, len(lines) - 1))}[where]
    out = lines[:pos] + spam + lines[pos:]
    origin = origin[:pos] + [None] * n_spam + origin[pos:]
    return out, [o is None for o in origin], origin


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--max-pages", type=int, default=400, help="bench pages used (the CJK pages are added)")
    ap.add_argument("--per-page", type=int, default=1, help="injections per (page, kind) pair")
    ap.add_argument("--show", type=int, default=0, help="print up to N misses and false removals per kind")
    ap.add_argument("--holdout", action="store_true", help="use the held-out spam banks (never tune on them)")
    ap.add_argument("--bank", choices=sorted(BANKS), default=None,
                    help="spam phrase banks: dev (default), holdout (= --holdout), holdout2 ... holdout11 (see above)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="LanguageConfig override")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    model = LanguageModel()
    cfg = LanguageConfig(**{k: json.loads(v) for k, v in (kv.split("=", 1) for kv in args.set)})
    pages = load_pages(args.max_pages)
    for p in pages:
        p["lang"] = clean_language(p["text"], model, LanguageConfig(strip_lines=False)).before.lang

    rng = random.Random(args.seed)
    # controls: real pages, no injection
    control: dict[str, list[float]] = {}
    control_examples: dict[str, list[str]] = {}
    for p in pages:
        res = clean_language(p["text"], model, cfg)
        p["control_removed"] = set(res.strip.removed_at)  # line indices of the page itself
        total = len(p["text"])
        kept = total - res.strip.chars_removed
        control.setdefault(p["lang"], []).append(kept / total)
        if res.strip.removed:
            control_examples.setdefault(p["lang"], []).extend(res.strip.removed[:3])

    bank = args.bank or ("holdout" if args.holdout else "dev")
    print(f"pages: {len(pages)} ({sum(1 for p in pages if p['src'] == BENCH_WARC.name)} bench)  seed={args.seed}"
          f"  bank={bank}")
    print("\nper spam kind:")
    print(f"{'kind':<13}{'docs':>6}{'spam lines':>12}{'recall':>9}{'legit loss %':>14}{'excess loss %':>15}"
          f"{'docs w/ loss':>14}{'w/ excess':>11}")
    t0 = time.perf_counter()
    for kind in KINDS:
        if BANKS[bank].get(kind, KINDS[kind][0]) is None:
            continue
        hosts = [p for p in pages if _hosts(kind, p["lang"])]
        n_spam = n_caught = 0
        legit_chars = legit_lost = excess_lost = 0
        docs_with_loss = docs_with_excess = 0
        misses: list[str] = []
        losses: list[str] = []
        for p in hosts:
            for _ in range(args.per_page):
                lines, is_spam, origin = inject(p["text"], kind, rng, holdout=args.holdout, bank=args.bank)
                res = clean_language("\n".join(lines), model, cfg)
                removed = set(res.strip.removed_at)
                lost_here = excess_here = 0
                for i, (line, spam, page_line) in enumerate(zip(lines, is_spam, origin)):
                    if spam:
                        n_spam += 1
                        if i in removed:
                            n_caught += 1
                        else:
                            misses.append(line)
                        continue
                    legit_chars += len(line)
                    if i in removed:
                        lost_here += len(line)
                        if page_line not in p["control_removed"]:
                            excess_here += len(line)
                            losses.append(f"[{p['lang']}] {line}")
                legit_lost += lost_here
                excess_lost += excess_here
                docs_with_loss += lost_here > 0
                docs_with_excess += excess_here > 0
        recall = n_caught / n_spam if n_spam else float("nan")
        loss = 100.0 * legit_lost / legit_chars if legit_chars else float("nan")
        excess = 100.0 * excess_lost / legit_chars if legit_chars else float("nan")
        label = kind + "*" if kind in LEGIT_KINDS else kind
        print(f"{label:<13}{len(hosts) * args.per_page:>6}{n_spam:>12}{recall:>9.4f}{loss:>14.3f}{excess:>15.3f}"
              f"{docs_with_loss:>14}{docs_with_excess:>11}")
        for line in misses[: args.show]:
            print(f"    miss: {line[:120]}")
        for line in losses[: args.show]:
            print(f"    excess loss: {line[:120]}")
    elapsed = time.perf_counter() - t0
    if any(kind in BANKS[bank] for kind in LEGIT_KINDS):
        print("(* legitimate lines injected as a control: the recall column is the share of them removed, want 0)")
    if bank in CONTROL_PAGES:
        print("\ncontrol pages (real text on the spam kinds' subjects, gambling or medicine, cleaned on their own): kept lines")
        for lang, text in CONTROL_PAGES[bank]:
            res = clean_language(text, model, cfg)
            n = len(text.split("\n"))
            print(f"  [{lang}] {n - len(res.strip.removed_at)}/{n} lines kept, {res.strip.chars_removed} chars removed")
            for line in res.strip.removed[: args.show]:
                print(f"    control removal [{lang}]: {line[:120]}")

    print("\ncontrols (real pages, no injection): kept-text fraction")
    print(f"{'lang':<6}{'docs':>6}{'mean kept':>11}{'min kept':>10}{'docs < 95%':>12}")
    for lang, fr in sorted(control.items(), key=lambda kv: -len(kv[1])):
        print(f"{lang:<6}{len(fr):>6}{sum(fr) / len(fr):>11.4f}{min(fr):>10.4f}{sum(f < 0.95 for f in fr):>12}")
    non_en = [f for lang, fr in control.items() if lang != "en" for f in fr]
    print(f"non-English controls: {len(non_en)} docs, mean kept {sum(non_en) / len(non_en):.4f}, "
          f"{sum(f < 0.95 for f in non_en)} below 95%")
    if args.show:
        for lang, ex in control_examples.items():
            for line in ex[: args.show]:
                print(f"    control removal [{lang}]: {line[:120]}")
    print(f"(injection runs took {elapsed:.1f}s)")


if __name__ == "__main__":
    main()
