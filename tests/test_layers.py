"""Data flows one way between the stage packages: the boilerplate stage (`transforms/clean`) and the writer
(`transforms/write`) share their pieces through `transforms/core` (the staged-file layout in `core/staged.py`; the
apply phase's row edit is passed in by the pipeline), never by importing each other; the writer reads the dedup
verdicts through `core/verdicts.py`; a stage keeps its per-process objects itself (`core/per_process.py`: the
language model, the URL filter, the extraction sandboxes, the tokenizer), never from the map-phase engine, which
imports the stages."""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

import pytest

TRANSFORMS = Path(__file__).resolve().parents[1] / "transforms"
# Besides `core` and itself, what a package may import: the engine runs the map phase over the stages; the
# language stage's Han lines use the quality stage's ICU word breaks (`hanwords.py`, below).
ALLOWED = {
    "engine": {"clean", "dedup", "read", "write"},
    "language": {"quality"},
}


def imported_packages(package: str) -> dict[str, set[str]]:
    """For each module of `transforms/<package>`, the `transforms.<x>` packages it imports (at any depth)."""
    out: dict[str, set[str]] = {}
    for path in sorted((TRANSFORMS / package).glob("*.py")):
        found: set[str] = set()
        with warnings.catch_warnings():  # a module's own invalid escapes are its linter's business, not this test's
            warnings.simplefilter("ignore", DeprecationWarning)
            tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            found |= {n.split(".")[1] for n in names if n.startswith("transforms.") and n.count(".") >= 1}
        out[path.name] = found
    return out


@pytest.mark.parametrize(("package", "forbidden"), [("clean", "write"), ("write", "clean")])
def test_clean_and_write_do_not_import_each_other(package: str, forbidden: str) -> None:
    offenders = {
        module: sorted(found) for module, found in imported_packages(package).items() if forbidden in found
    }
    assert offenders == {}
    assert "core" in set().union(*imported_packages(package).values())  # the check does see imports


def test_language_imports_only_core_and_below() -> None:
    """The language stage imports `transforms/core` and its own modules, never the map-phase engine or a stage
    above it (hanwords' ICU word breaks, `transforms.quality.words`, are the one piece of another stage)."""
    found = imported_packages("language")
    assert {module for module, packages in found.items() if "engine" in packages} == set()
    assert set().union(*found.values()) == {"core", "language", "quality"}
    assert {module for module, packages in found.items() if "quality" in packages} == {"hanwords.py"}


@pytest.mark.parametrize("package", sorted(p.name for p in TRANSFORMS.iterdir() if (p / "__init__.py").is_file()))
def test_a_package_imports_only_core_itself_and_what_it_is_allowed(package: str) -> None:
    found = set().union(*imported_packages(package).values())
    assert found - {"core", package} - ALLOWED.get(package, set()) == set()
