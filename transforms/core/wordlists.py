"""wordfreq's word lists, read from the files inside its wheel without importing wordfreq (pure, no Beam).

`import wordfreq` costs a worker 0.1-0.2 s of CPU and ~25 MB (langcodes, and a stack inspection that finds its data
directory) before the first word is read; a worker that wants one list (the URL stage's English words, the
language stage's Chinese and Japanese Han words) would pay that, the language stage in the middle of a run, on its
first Japanese page. A list is one file, `<wordfreq>/data/<name>.msgpack.gz`, read here as wordfreq's own
`read_cBpack` reads it: gzipped msgpack, a header `{"format": "cB", "version": 1}`, then one bin per centibel of
frequency. Nothing is downloaded: the files ship in wordfreq's wheel (Apache-2.0 code, CC-BY-SA 4.0 data).
"""

from __future__ import annotations

import gzip
import importlib.util
from pathlib import Path

import msgpack

__all__ = ["wordfreq_bins"]


def wordfreq_bins(name: str) -> list[list[str]]:
    """The bins of wordfreq's list `name` (`small_en`, `small_zh`: wordlist, "_", language): bin i holds the words
    of frequency 10^(-i/100), in alphabetical order, as `wordfreq.read_cBpack` returns them."""
    spec = importlib.util.find_spec("wordfreq")  # finds the package without running it
    assert spec is not None and spec.origin is not None, "wordfreq is a dependency of crawlwash"
    with gzip.open(Path(spec.origin).parent / "data" / f"{name}.msgpack.gz", "rb") as f:
        data = msgpack.load(f, raw=False)
    if not isinstance(data[0], dict) or data[0].get("format") != "cB" or data[0].get("version") != 1:
        raise ValueError(f"unexpected wordfreq list header in {name}: {data[0]!r}")
    return data[1:]
