"""Beam's per-method signature inspection, computed once per function instead of at every bundle.

Beam 2.62 builds a `DoFnSignature` for every DoFn of a fused stage each time a bundle processor is made, and
`userstate.get_dofn_specs` walks all ~28 methods of a DoFn (`dir(dofn)`) to look for state and timer parameters,
several times per DoFn: at construction, at translation, and again in each worker for each bundle. Each walk calls
`core.get_function_args_defaults(method)`, that is `inspect.signature`, about 28,000 times in a 3-document run:
0.4 s of a 2.7 s job, measured on one quiet CPU (issue 24's fixed cost).

A function's argument names and default values are a property of the function object (its code, `__defaults__`,
`__wrapped__`, `__signature__`), never of the instance a method is bound to: inspect.signature of a bound method
is the function's signature less its first parameter. So the result is remembered per (function, bound or not).
Only functions defined at module or class level are remembered: they are imported, never unpickled, so each is
one object for the life of the process and the cache holds a bounded set. Lambdas and closures (a `beam.Map`'s
callable is unpickled anew for every bundle) go to Beam's own function every time. Every call returns fresh lists,
as Beam's does. `tests/test_beam_signatures.py` compares the cached answer with Beam's own on every DoFn of the
pipeline.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

from apache_beam.transforms import core as _core

__all__ = ["install"]

_Args = tuple[tuple[str, ...], tuple[Any, ...]]
_CACHE: dict[tuple[types.FunctionType, bool], _Args] = {}
_beam_args_defaults: Callable[[Any], tuple[list[str], list[Any]]] | None = None


def _args_defaults(f: Any) -> tuple[list[str], list[Any]]:
    assert _beam_args_defaults is not None
    if isinstance(f, types.MethodType):
        fn, bound = f.__func__, True
    else:
        fn, bound = f, False
    if not isinstance(fn, types.FunctionType) or "<" in fn.__qualname__:  # <lambda>, <locals>: not cached
        return _beam_args_defaults(f)
    key = (fn, bound)
    hit = _CACHE.get(key)
    if hit is None:
        args, defaults = _beam_args_defaults(f)
        hit = _CACHE[key] = (tuple(args), tuple(defaults))
    return list(hit[0]), list(hit[1])


def install() -> None:
    """Route `apache_beam.transforms.core.get_function_args_defaults` through the cache (once per process)."""
    global _beam_args_defaults
    if _beam_args_defaults is None:
        _beam_args_defaults = _core.get_function_args_defaults
        _core.get_function_args_defaults = _args_defaults
