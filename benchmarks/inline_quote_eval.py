"""Control for the line-level language pass: English lines that quote a short Japanese or Chinese phrase must stay.

    .venv/bin/python benchmarks/inline_quote_eval.py [--seed 7] [--pages 60] [--show N]

Each control line is an English sentence around a short quoted phrase, a term or a name in Japanese or Chinese
(templates x phrases below, 40 per language). Each is inserted at a seeded random position into a real English
page (the bench pages that `benchmarks/language_eval.py` extracts, identified as English), and the page goes
through the language stage (`clean_language` with the default config). Printed: the share of control lines
kept, per language, and the removed ones. Target (multilingual issue): at least 97% kept.
"""

from __future__ import annotations

import argparse
import random

import harness  # noqa: F401  (puts the repository on sys.path)
from language_eval import load_pages  # noqa: E402

from transforms.language import LanguageConfig, LanguageModel, clean_language, identify  # noqa: E402

TEMPLATES = [
    'As one reader put it, the phrase "{p}" sums up the idea better than any translation we tried.',
    "The sign above the door simply read {p}, which the owner translates as {g}.",
    'Locals call the dish {p} ("{g}"), and it is served only in winter.',
    "In the interview she used the word {p}, meaning {g}, to describe the mood of the team.",
    'The novel\'s original title, "{p}", loses some of its charm in English ({g}).',
    "Our guide kept repeating {p} ({g}) whenever the path became steep.",
    "The company name {p} was chosen because it means {g} and is easy to remember.",
    'A note on the fridge said "{p}", which roughly means {g}.',
]
PHRASES = {
    "ja": [
        ("こんにちは", "hello"), ("ありがとう", "thank you"), ("いただきます", "let us eat"),
        ("おもてなし", "hospitality"), ("一期一会", "once in a lifetime"), ("木漏れ日", "sunlight through trees"),
        ("がんばって", "do your best"), ("生き甲斐", "a reason for being"), ("お疲れ様", "thanks for your work"),
        ("もったいない", "what a waste"),
    ],
    "zh": [
        ("你好", "hello"), ("谢谢", "thank you"), ("加油", "keep going"), ("关系", "connections"),
        ("马马虎虎", "so-so"), ("一路平安", "have a safe trip"), ("小笼包", "soup dumplings"),
        ("功夫", "skill through effort"), ("面子", "face"), ("春节快乐", "happy spring festival"),
    ],
}  # fmt: skip


def control_lines(lang: str) -> list[str]:
    """Every template with every phrase of the language, cycled to 40 lines."""
    out = []
    for k in range(40):
        phrase, gloss = PHRASES[lang][k % len(PHRASES[lang])]
        out.append(TEMPLATES[k % len(TEMPLATES)].format(p=phrase, g=gloss))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--pages", type=int, default=60, help="English host pages used")
    ap.add_argument("--show", type=int, default=10)
    args = ap.parse_args()
    model, cfg = LanguageModel(), LanguageConfig()
    hosts = [p["text"] for p in load_pages(1000) if identify(p["text"], model, cfg).lang == "en"][: args.pages]
    rng = random.Random(args.seed)
    removed: list[tuple[str, str]] = []
    total = 0
    for lang in PHRASES:
        kept = 0
        lines = control_lines(lang)
        for line in lines:
            page = rng.choice(hosts).split("\n")
            page.insert(rng.randint(0, len(page)), line)
            result = clean_language("\n".join(page), model, cfg)
            if line in result.strip.removed:
                removed.append((lang, line))
            else:
                kept += 1
        total += len(lines)
        print(f"{lang}: {kept}/{len(lines)} control lines kept ({kept / len(lines):.3f})")
    share = 1 - len(removed) / total
    print(f"all: {total - len(removed)}/{total} kept ({share:.3f}); target >= 0.97: {'met' if share >= 0.97 else 'missed'}")
    for lang, line in removed[: args.show]:
        print(f"  removed ({lang}): {line}")


if __name__ == "__main__":
    main()
