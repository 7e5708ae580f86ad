"""Beam coders for the record types (`Doc`, `Dropped`, `Failed`): compact, deterministic, no pickle.

Without them Beam pickles each record whenever it crosses a process or a shuffle (the stage transforms used on
their own, a user's pipeline around them). A coder writes the fields in order: strings as a length and UTF-8,
None as a flag, floats as 8 bytes, the raw HTML as bytes, and `attrs` (ints, floats, strings, None) as sorted
JSON. The pipeline's own map phase never sends a record anywhere; these are for everything else.

`register()` is called by `transforms.stage`, which every Beam module of crawlwash imports; stage transforms
declare their output types, so Beam picks these coders.
"""

from __future__ import annotations

import json
from typing import Any

from apache_beam import coders
from apache_beam.coders.coder_impl import create_InputStream, create_OutputStream

from transforms.core.doc import Doc, Dropped, Failed

__all__ = ["DocCoder", "DroppedCoder", "FailedCoder", "register"]

_NONE, _SOME = 0, 1


def _put_str(out: Any, value: str | None) -> None:
    if value is None:
        out.write_byte(_NONE)
        return
    out.write_byte(_SOME)
    data = value.encode("utf-8", "surrogatepass")
    out.write_var_int64(len(data))
    out.write(data)


def _get_str(inp: Any) -> str | None:
    if inp.read_byte() == _NONE:
        return None
    return inp.read(inp.read_var_int64()).decode("utf-8", "surrogatepass")


def _put_bytes(out: Any, value: bytes | None) -> None:
    if value is None:
        out.write_byte(_NONE)
        return
    out.write_byte(_SOME)
    out.write_var_int64(len(value))
    out.write(value)


def _get_bytes(inp: Any) -> bytes | None:
    if inp.read_byte() == _NONE:
        return None
    return inp.read(inp.read_var_int64())


def _put_float(out: Any, value: float | None) -> None:
    if value is None:
        out.write_byte(_NONE)
        return
    out.write_byte(_SOME)
    out.write_bigendian_double(float(value))


def _get_float(inp: Any) -> float | None:
    return None if inp.read_byte() == _NONE else inp.read_bigendian_double()


_DOC_STRINGS = ("id", "source", "source_record", "text", "url", "fetch_time", "content_type", "charset", "title",
                "lang", "lang2")  # fmt: skip


class DocCoder(coders.Coder):
    """A `Doc` as its fields (see the module docstring)."""

    def encode(self, doc: Doc) -> bytes:
        out = create_OutputStream()
        for name in _DOC_STRINGS:
            _put_str(out, getattr(doc, name))
        _put_bytes(out, doc.html)
        _put_float(out, doc.lang_score)
        _put_float(out, doc.lang2_score)
        _put_str(
            out, json.dumps(dict(doc.attrs), sort_keys=True, separators=(",", ":")) if doc.attrs else None
        )
        return out.get()

    def decode(self, data: bytes) -> Doc:
        inp = create_InputStream(data)
        fields: dict[str, Any] = {name: _get_str(inp) for name in _DOC_STRINGS}
        fields["text"] = fields["text"] or ""
        fields["html"] = _get_bytes(inp)
        fields["lang_score"] = _get_float(inp)
        fields["lang2_score"] = _get_float(inp)
        attrs = _get_str(inp)
        fields["attrs"] = json.loads(attrs) if attrs else {}
        return Doc(**fields)

    def is_deterministic(self) -> bool:
        return True

    def to_type_hint(self) -> type:
        return Doc


class DroppedCoder(coders.Coder):
    """A `Dropped` as its fields."""

    _FIELDS = ("stage", "reason", "id", "source", "source_record", "url", "text", "detail", "unit")

    def encode(self, value: Dropped) -> bytes:
        out = create_OutputStream()
        for name in self._FIELDS:
            _put_str(out, getattr(value, name))
        return out.get()

    def decode(self, data: bytes) -> Dropped:
        inp = create_InputStream(data)
        return Dropped(**{name: _get_str(inp) for name in self._FIELDS})

    def is_deterministic(self) -> bool:
        return True

    def to_type_hint(self) -> type:
        return Dropped


class FailedCoder(coders.Coder):
    """A `Failed` as its fields."""

    _FIELDS = ("stage", "error", "source", "source_record", "id", "url")

    def encode(self, value: Failed) -> bytes:
        out = create_OutputStream()
        for name in self._FIELDS:
            _put_str(out, getattr(value, name))
        return out.get()

    def decode(self, data: bytes) -> Failed:
        inp = create_InputStream(data)
        return Failed(**{name: _get_str(inp) for name in self._FIELDS})

    def is_deterministic(self) -> bool:
        return True

    def to_type_hint(self) -> type:
        return Failed


def register() -> None:
    """Tell Beam's coder registry to use these coders for the record types (idempotent)."""
    coders.registry.register_coder(Doc, DocCoder)
    coders.registry.register_coder(Dropped, DroppedCoder)
    coders.registry.register_coder(Failed, FailedCoder)
