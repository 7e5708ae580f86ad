"""ICU / crawlwash tokens against the word tokenizer FineWeb-2 used, on real documents per language.

    .venv/bin/python benchmarks/tokenizer_compare.py [--per-lang 293]

Real documents: the GNOME user help (`gnome-user-docs` 43.0, Debian's package, CC-BY-SA-3.0), one document per
help page, in the languages it is translated into among those the tokenizer issue names (cs, ja, ko, lv, vi, zh);
a page is kept when fastText (lid.176) gives it that language (untranslated pages stay English and are left out).
The package is fetched once with `apt-get download` into `.bench/` (a build-time fetch, never at run time) and
nothing of it goes into git. No offline source of real th, my, bn or ar documents was found here (Debian ships
none of these help translations; PyPI tokenizer packages ship dictionaries, not text).

The documents go through `benchmarks/datatrove_parity.py` (datatrove in its own venv as the oracle), which prints
per language the median and 90th percentile of the tokenizer-dependent statistics (word count, mean word length,
share of tokens with a letter, top 2-/4-gram and duplicate 5-/10-gram character fractions, newlines per token)
over crawlwash's tokens and over the assigned tokenizer's, the share of documents each side keeps, and the
tokenization ms/doc of both.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

BENCH = REPO / ".bench"
DEB_DIR = BENCH / "gnome-user-docs"
HELP = DEB_DIR / "x" / "usr" / "share" / "help"
LANGS = {"cs": "cs", "ja": "ja", "ko": "ko", "lv": "lv", "vi": "vi", "zh_CN": "zh"}
BLOCKS = ("title", "p", "item", "td", "code", "screen")


def fetch() -> None:
    """gnome-user-docs from Debian, unpacked under .bench/ (once)."""
    if HELP.exists():
        return
    DEB_DIR.mkdir(parents=True, exist_ok=True)
    subprocess.run(["apt-get", "download", "gnome-user-docs"], cwd=DEB_DIR, check=True)
    deb = next(DEB_DIR.glob("gnome-user-docs_*.deb"))
    subprocess.run(["dpkg", "-x", str(deb), str(DEB_DIR / "x")], check=True)


def page_text(path: Path) -> str:
    """The text of a Mallard page: its title and each paragraph, list item or cell as a line (no <info>)."""
    from lxml import etree

    root = etree.parse(str(path)).getroot()
    for info in root.iter("{*}info"):
        info.getparent().remove(info)
    lines = []
    for el in root.iter(*(f"{{*}}{b}" for b in BLOCKS)):
        if el.tag.endswith("}item") and el.find("{*}p") is not None:
            continue  # its paragraphs are lines of their own
        text = re.sub(r"\s+", " ", "".join(el.itertext())).strip()
        if text:
            lines.append(text)
    return "\n".join(lines)


def documents(per_lang: int) -> list[dict]:
    import fasttext

    from transforms.core.models import bundled_model_path

    model = fasttext.load_model(bundled_model_path())
    out = []
    for folder, lang in LANGS.items():
        n = 0
        for path in sorted((HELP / folder / "gnome-help").glob("*.page")):
            text = page_text(path)
            if len(text) < 200:
                continue
            label = model.predict(text.replace("\n", " "), k=1)[0][0].removeprefix("__label__")
            if label != lang:
                continue
            out.append({"id": f"gnome-help/{folder}/{path.name}", "text": text, "lang": lang})
            n += 1
            if n >= per_lang:
                break
        print(f"{lang}: {n} real documents (gnome-user-docs {folder})", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-lang", type=int, default=293)
    args = ap.parse_args()
    fetch()
    docs = documents(args.per_lang)
    path = BENCH / "tokenizer-docs.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "datatrove_parity.py"), "--no-pipeline-docs", "--extra", str(path)],
        check=True,
    )


if __name__ == "__main__":
    main()
