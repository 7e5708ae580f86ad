"""`LanguageModel`: a fastText language-ID model, loaded on first use, with a bounded cache of line
predictions."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from transforms.language.labels import (
    bundled_model_path,
    expected_scripts,
    normalize_label,
    simplified_only_chars,
)
from transforms.language.hanwords import HanWordModel
from transforms.language.wordlm import WordFrequencyModel

log = logging.getLogger(__name__)

__all__ = ["LanguageModel"]


_LINE_CACHE_SIZE = 50_000  # distinct lines whose predictions a worker keeps (~20 MB)


class LanguageModel:
    """A fastText language-ID model, loaded on first use (never at import). One instance per worker.

    Uses the low-level `predict(text, k, threshold, on_unicode_error)` of the fastText binding, which returns
    probabilities in every build (the list API of fasttext-predict 0.9.2.4 drops them, and fastText 0.9.3's
    Python wrapper breaks under NumPy 2).
    """

    def __init__(self, path: str | None = None) -> None:
        self.path = path or bundled_model_path()
        self._ft: Any = None
        self._script_hint: dict[str, str] = {}
        self._simplified: frozenset[str] | None = None
        self._prior: tuple[str, float] | None = None
        self._labels: dict[str, str] = {}  # fastText label -> normalized language (normalize_label, once)
        self._words: WordFrequencyModel | None = None
        self._han_words: HanWordModel | None = None
        self._line_cache: dict[tuple[str, int, float], list[tuple[str, float]]] = {}

    @property
    def words(self) -> WordFrequencyModel:
        """The word-frequency model (`transforms.language.wordlm`), built on first use, once per worker."""
        if self._words is None:
            self._words = WordFrequencyModel()
        return self._words

    @property
    def han_words(self) -> HanWordModel:
        """Chinese-or-Japanese word evidence for Han lines (`transforms.language.hanwords`), built on first use."""
        if self._han_words is None:
            self._han_words = HanWordModel()
        return self._han_words

    @property
    def simplified_only(self) -> frozenset[str]:
        """`simplified_only_chars()`, computed once per model instance (i.e. per worker)."""
        if self._simplified is None:
            self._simplified = simplified_only_chars()
        return self._simplified

    def no_evidence(self, preds: Sequence[tuple[str, float]]) -> bool:
        """True when `preds` is the model's answer to empty input: none of the text's words or character n-grams
        are in the (quantized) model, so the output is its prior (lid.176.ftz: en 0.12, ca 0.09, de 0.08 for
        "What do you call a fake noodle" or "| Reach | mm | mm |"). Such a prediction says nothing about the
        line's language, and it must not count as "not the page's language" (0.08 for German)."""
        if not preds:
            return True
        if self._prior is None:
            lang, prob = self.predict("", k=1)[0]
            self._prior = (lang, prob)
        lang, prob = preds[0]
        return lang == self._prior[0] and abs(prob - self._prior[1]) < 1e-6

    def _binding(self) -> Any:
        if self._ft is None:
            import fasttext  # the fasttext-predict build; imported here so importing this module stays cheap

            model = fasttext.load_model(self.path)
            self._ft = model.f
            log.debug("loaded language-ID model %s", self.path)
        return self._ft

    def predict(self, text: str, k: int = 2) -> list[tuple[str, float]]:
        """Top-k (language, probability) for one line of text (newlines are turned into spaces)."""
        ft = self._binding()
        text = text.replace("\n", " ").replace("\r", " ")
        raw = ft.predict(text + "\n", k, 0.0, "replace")
        return [(self._label(label), min(float(prob), 1.0)) for prob, label in raw]

    def predict_many(
        self, texts: Sequence[str], k: int = 2, threshold: float = 0.0
    ) -> list[list[tuple[str, float]]]:
        """Top-k predictions (those of at least `threshold`) for many lines; the model is bound once.

        A threshold prunes fastText's search of its label tree: ~20% faster at 0.005. Lines recur (menus,
        footers and templates across a site's pages; repeats inside a page): the last `_LINE_CACHE_SIZE`
        distinct lines' predictions are kept, so a recurring line costs one dictionary lookup. The result is the
        same with or without the cache (callers must not change the returned lists).
        """
        ft = self._binding()
        results = []
        labels = self._labels
        cache = self._line_cache
        predict = ft.predict
        for text in texts:
            key = (text, k, threshold)
            preds = cache.get(key)
            if preds is None:
                raw = predict(text.replace("\n", " ") + "\n", k, threshold, "replace")
                # min(prob, 1.0), without the call: this runs once per line of every page
                try:
                    preds = [(labels[label], 1.0 if prob > 1.0 else prob) for prob, label in raw]
                except KeyError:  # a label not seen before: normalized once, in the order of the predictions
                    for _, label in raw:
                        self._label(label)
                    preds = [(labels[label], 1.0 if prob > 1.0 else prob) for prob, label in raw]
                if len(cache) >= _LINE_CACHE_SIZE:
                    del cache[next(iter(cache))]  # the oldest entry (dicts keep insertion order)
                cache[key] = preds
            results.append(preds)
        return results

    def _label(self, label: str) -> str:
        """The language of a fastText label, normalized once (and its script noted as the language's hint, the
        first time a label names one)."""
        lang = self._labels.get(label)
        if lang is None:
            lang, script = normalize_label(label)
            if script:
                self._script_hint.setdefault(lang, script)
            self._labels[label] = lang
        return lang

    def scripts_for(self, lang: str) -> frozenset[str]:
        """Expected scripts of `lang` (using the script the model's labels name, where they do)."""
        return expected_scripts(lang, self._script_hint.get(lang))
