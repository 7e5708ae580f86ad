"""`read_file`: the reader of one opened file (or split), chosen by format."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import IO

from transforms.core import Failed, TransientError
from transforms.read.config import STAGE, Outcome, ReadConfig, UnsupportedFormat
from transforms.read.formats import _describe, _empty_file, _seekable, _tell, detect_format
from transforms.read.text import read_html, read_jsonl, read_text
from transforms.read.warc import read_arc, read_warc

log = logging.getLogger(__name__)

__all__ = ["read_file"]


def read_file(stream: IO[bytes], source: str, cfg: ReadConfig, first_line: int = 0) -> Iterator[Outcome]:
    """Outcomes of every record of one opened input file, the reader chosen by `cfg.format` / the extension.

    The stream may be a split of the file (`transforms.splits.WindowStream`): readers start at its position and
    stop at its end; `first_line` is the number of lines before it (JSONL). A zero-length file, an unknown
    extension or an unexpected error while reading is one Failed row (`offset:N`); the outcomes yielded before
    it stand. `TransientError` (a failed remote read) is never turned into a row.
    """
    try:
        fmt, compression = detect_format(source, cfg.format)
    except UnsupportedFormat as exc:
        yield Failed(stage=STAGE, error=_describe(exc), source=source, source_record="offset:0")
        return
    stream = _seekable(stream)
    start = _tell(stream) or 0
    if not stream.read(1):
        yield _empty_file(source)
        return
    stream.seek(start)
    if fmt in ("warc", "wet"):
        records = read_warc(stream, source, cfg)
    elif fmt == "arc":
        records = read_arc(stream, source, cfg)
    elif fmt == "jsonl":
        records = read_jsonl(stream, source, cfg, compression, first_line)
    elif fmt == "text":
        records = read_text(stream, source, cfg, compression)
    else:
        records = read_html(stream, source, cfg, compression)
    try:
        yield from records
    except (MemoryError, RecursionError, TransientError):
        raise
    except Exception as exc:  # noqa: BLE001 - a reader bug or odd input must cost one file, not the job
        where = _tell(stream)
        log.warning("reading %s failed: %s", source, _describe(exc))
        yield Failed(
            stage=STAGE,
            error=f"CorruptFile: {_describe(exc)} at offset {where}",
            source=source,
            source_record=f"offset:{where if where is not None else '?'}",
        )
