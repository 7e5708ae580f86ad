"""PEP 562 lazy exports: a package's public names loaded from their modules on first use (pure, no Beam)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any

__all__ = ["lazy_getattr"]


def lazy_getattr(package: str, exports: Mapping[str, str], namespace: dict[str, Any]) -> Callable[[str], Any]:
    """The module `__getattr__` of `package`: `exports` maps each public name to the module (in the package, or
    a dotted absolute module path for a name the package re-exports from below it) that defines it; a name is
    imported on first use and then cached in `namespace` (the package's globals), so importing a pure module of
    the package never imports Beam."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module if "." in module else f"{package}.{module}"), name)
        namespace[name] = value
        return value

    return __getattr__
