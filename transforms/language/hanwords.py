"""Chinese or Japanese? Word-frequency evidence for a line of Han characters without kana (pure core, no Beam).

In a Japanese page, a line of Han characters with no kana is either Japanese (a headline, a name, an address:
"東京都知事選挙結果速報") or injected Chinese ("注册即送63元彩金、体育投注首存送100%"). fastText cannot tell
them apart on short Han-only text (it reads both as Japanese), and only some Chinese lines use simplified forms
Japanese does not have. The words can: the line is split by ICU (`transforms/quality/words.py`) and each distinct
Han word is looked up in `wordfreq`'s Chinese and Japanese lists (shipped in its wheel): 注册, 彩金, 投注, 手机 are
common Chinese and absent from Japanese; 知事, 選挙, 速報, 東京 the reverse. The evidence is the log10 likelihood
ratio of Chinese against Japanese over those words (a frequency missing from a list counts as 10^`FLOOR_LOG10`;
a word neither list has adds nothing).

The two lists are read on first use, once per worker process (~49,000 Han words, ~0.05 s: their files are read
without importing wordfreq, `transforms.core.wordlists`, whose import alone took 0.2 s of a run's first Japanese
page).
"""

from __future__ import annotations

import re

from transforms.core.wordlists import wordfreq_bins
from transforms.language.wordlm import FLOOR_LOG10
from transforms.quality.words import split_words

__all__ = ["HanWordModel"]

_HAN_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+")


class HanWordModel:
    """log10 frequencies of the Han words of wordfreq's Chinese and Japanese lists; `llr` scores a line."""

    def __init__(self) -> None:
        self._freqs: dict[str, tuple[float, float]] | None = None

    def _build(self) -> dict[str, tuple[float, float]]:
        per_lang: list[dict[str, float]] = []
        for lang in ("zh", "ja"):
            freqs: dict[str, float] = {}
            for centibels, bucket in enumerate(wordfreq_bins(f"small_{lang}")):
                for word in bucket:
                    if _HAN_WORD.fullmatch(word):
                        freqs.setdefault(word, -centibels / 100)  # the first (most frequent) listing wins
            per_lang.append(freqs)
        zh, ja = per_lang
        return {w: (zh.get(w, FLOOR_LOG10), ja.get(w, FLOOR_LOG10)) for w in zh.keys() | ja.keys()}

    def llr(self, line: str) -> float:
        """log10 P(words | Chinese) - log10 P(words | Japanese) over the distinct Han words of `line`."""
        if self._freqs is None:
            self._freqs = self._build()
        # distinct words in line order: a set's order (and so the float sum's last bits) changed with the
        # process's hash seed, so a borderline line could be judged differently by two workers or a resumed run
        words = dict.fromkeys(w for w in split_words(line)[0] if _HAN_WORD.fullmatch(w))
        return sum(zh - ja for zh, ja in (self._freqs.get(w, (0.0, 0.0)) for w in words))
