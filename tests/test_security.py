"""Security: configs are loaded safely, input data is never unpickled or evaluated, HTML parsing and
decompression are bounded, and nothing is written outside the output directory whatever the data holds."""

from __future__ import annotations

import ast
import gzip
import io
import re
import tracemalloc
import zlib
from pathlib import Path

import brotli
import pytest
import zstandard
from lxml import etree
from trafilatura.utils import load_html

from pipelines import cli
from pipelines.config import ConfigError, load_config
from tests.badinput import billion_laughs, deep_page, gzip_bomb, http_response, warc_record
from tests.conftest import REPO
from tests.engine import case_config, run_staged
from transforms.core import Doc, Dropped, Failed
from transforms.extract import ExtractConfig, extract_html
from transforms.read import ReadConfig, read_file
from transforms.write import shard_name

CODE_DIRS = ("transforms", "pipelines")

# -- YAML ----------------------------------------------------------------------------------------------------------


def test_python_tags_in_a_config_are_rejected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    marker = tmp_path / "pwned"
    evil = tmp_path / "evil.yaml"
    evil.write_text(f'output: !!python/object/apply:os.system ["touch {marker}"]\n')
    with pytest.raises(ConfigError, match="is not valid YAML: could not determine a constructor for the tag"):
        load_config(evil)
    assert cli.run(["check-config", "--config", str(evil)]) == 2
    assert (
        "could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'"
        in (capsys.readouterr().err)
    )
    # an override value with a tag is never constructed: it is a plain string at most
    cfg = load_config(None, [f'output.dir=!!python/object/apply:os.system ["touch {marker}"]'])
    assert isinstance(cfg.output.dir, str)
    evil.write_text("output: !!python/name:os.system\n")
    with pytest.raises(ConfigError):
        load_config(evil)
    assert not marker.exists()


# -- no pickle / eval / exec of data -------------------------------------------------------------------------------

_FORBIDDEN_CALLS = {
    ("pickle", "load"), ("pickle", "loads"), ("cloudpickle", "load"), ("cloudpickle", "loads"),
    ("dill", "load"), ("dill", "loads"), ("marshal", "load"), ("marshal", "loads"), ("shelve", "open"),
    ("yaml", "unsafe_load"), ("yaml", "full_load"), ("yaml", "load_all"), ("os", "system"), ("os", "popen"),
}  # fmt: skip
_FORBIDDEN_NAMES = {"eval", "exec", "compile", "__import__"}


def _violations(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names]
            module = getattr(node, "module", None) or ""
            if {"pickle", "cloudpickle", "dill", "marshal", "shelve"} & {module, *names}:
                found.append(f"{path.name}:{node.lineno}: imports {module or names}")
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in _FORBIDDEN_NAMES:
            found.append(f"{path.name}:{node.lineno}: {func.id}()")
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            if (func.value.id, func.attr) in _FORBIDDEN_CALLS:
                found.append(f"{path.name}:{node.lineno}: {func.value.id}.{func.attr}()")
            if (func.value.id, func.attr) == ("yaml", "load"):
                loader = {kw.arg: ast.unparse(kw.value) for kw in node.keywords}.get("Loader", "")
                if "SafeLoader" not in loader and "CSafeLoader" not in loader:
                    found.append(f"{path.name}:{node.lineno}: yaml.load() without SafeLoader")
        if any(
            kw.arg == "shell" and isinstance(kw.value, ast.Constant) and kw.value.value
            for kw in node.keywords
        ):
            found.append(f"{path.name}:{node.lineno}: shell=True")
    return found


def test_no_pickle_eval_exec_or_unsafe_yaml_in_the_code() -> None:
    files = [p for d in CODE_DIRS for p in sorted((REPO / d).rglob("*.py"))]
    assert len(files) > 10
    assert [v for p in files for v in _violations(p)] == []
    # the text-level check catches what the AST check cannot see (strings handed to a shell, getattr tricks)
    pattern = re.compile(r"\b(pickle\.loads?|yaml\.load\(|eval\(|exec\(|unsafe_load)")
    hits = [
        f"{p.relative_to(REPO)}:{n}"
        for p in files
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line.split("#", 1)[0])
    ]
    assert hits == []


def test_the_checker_catches_what_it_forbids(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import pickle, yaml, subprocess\n"
        "def f(data):\n"
        "    a = pickle.loads(data)\n"
        "    b = yaml.load(data)\n"
        "    c = yaml.load(data, Loader=yaml.SafeLoader)\n"
        "    d = eval(data)\n"
        "    subprocess.run(data, shell=True)\n"
    )
    assert _violations(bad) == [
        "bad.py:1: imports ['pickle', 'yaml', 'subprocess']",
        "bad.py:3: pickle.loads()",
        "bad.py:4: yaml.load() without SafeLoader",
        "bad.py:6: eval()",
        "bad.py:7: shell=True",
    ]


# -- HTML: entities and huge trees ---------------------------------------------------------------------------------


def _tree_depth(root: etree._Element) -> int:
    deepest = 0
    for el in root.iter():
        n = 0
        while el is not None:
            el = el.getparent()
            n += 1
        deepest = max(deepest, n)
    return deepest


def test_html_parser_keeps_huge_tree_off_and_expands_no_entities() -> None:
    page = deep_page(100_000)
    tree = load_html(page.decode())  # trafilatura's own parser, as extraction uses it
    assert _tree_depth(tree) == 256  # libxml2's depth limit: huge_tree is off
    assert _tree_depth(etree.fromstring(page, etree.HTMLParser(huge_tree=True))) > 1000  # what it would be
    text = etree.tostring(load_html(billion_laughs().decode()), encoding="unicode")
    assert "lollol" not in text and "&amp;lol9;" in text  # the internal DTD is not parsed: nothing expands


def test_extraction_of_hostile_pages_is_bounded() -> None:
    cfg = ExtractConfig()
    for page in (deep_page(100_000), billion_laughs()):
        result = extract_html(page, cfg)
        assert len(result.text) < 2000 and "lollol" not in result.text


# -- decompression ---------------------------------------------------------------------------------------------------

LIMIT = 1 << 20


def _zstd(data: bytes) -> bytes:
    return zstandard.ZstdCompressor(level=3).compress(data)


def _bomb_files() -> dict[str, bytes]:
    zeros = bytes(64 << 20)
    gz = gzip_bomb(64 << 20)
    html_bomb = b"<html><body>" + zeros
    return {
        "text.txt.gz": gz,
        "docs.jsonl.gz": gz,
        "docs.jsonl.zst": _zstd(zeros),
        "page.html.gz": gzip.compress(html_bomb, mtime=0),
        "member.warc.gz": gzip.compress(
            warc_record("resource", html_bomb, "00000000-0000-4000-8000-000000000001", "https://b.example/"),
            mtime=0,
        ),
        "gzip.warc": _encoded_response("gzip", gzip.compress(html_bomb, mtime=0)),
        "deflate.warc": _encoded_response("deflate", zlib.compress(html_bomb, 9)),
        "br.warc": _encoded_response("br", brotli.compress(html_bomb, quality=1)),
        "zstd.warc": _encoded_response("zstd", _zstd(html_bomb)),
    }


def _encoded_response(coding: str, body: bytes) -> bytes:
    block = http_response(body, f"Content-Encoding: {coding}\r\n")
    return warc_record("response", block, "00000000-0000-4000-8000-000000000002", "https://b.example/")


EXPECTED_BOMB_ERRORS = {
    "text.txt.gz": f"RecordTooLarge: file exceeds max_record_bytes={LIMIT}",
    "docs.jsonl.gz": f"RecordTooLarge: line 1 exceeds max_record_bytes={LIMIT}",
    "docs.jsonl.zst": f"RecordTooLarge: line 1 exceeds max_record_bytes={LIMIT}",
    "page.html.gz": f"RecordTooLarge: file exceeds max_record_bytes={LIMIT}",
    "member.warc.gz": f"RecordTooLarge: resource record of {(64 << 20) + 12} bytes exceeds max_record_bytes={LIMIT}",
    "gzip.warc": f"RecordTooLarge: decompressed payload exceeds max_record_bytes={LIMIT}",
    "deflate.warc": f"RecordTooLarge: decompressed payload exceeds max_record_bytes={LIMIT}",
    "br.warc": f"RecordTooLarge: decompressed payload exceeds max_record_bytes={LIMIT}",
    "zstd.warc": f"RecordTooLarge: decompressed payload exceeds max_record_bytes={LIMIT}",
}


def test_every_decompression_path_is_bounded() -> None:
    cfg = ReadConfig(max_record_bytes=LIMIT)
    errors = {}
    peaks = {}
    for name, data in _bomb_files().items():
        assert len(data) < 2 << 20
        tracemalloc.start()
        outs = list(read_file(io.BytesIO(data), name, cfg))
        peaks[name] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        failed = [o for o in outs if isinstance(o, Failed)]
        errors[name] = failed[0].error if failed else [type(o).__name__ for o in outs]
    assert errors == EXPECTED_BOMB_ERRORS
    # 64 MiB each when inflated; reading holds a few times the 1 MiB limit at most (the compressed input too)
    assert {n: p for n, p in peaks.items() if p > 12 * LIMIT} == {}


# -- output paths ----------------------------------------------------------------------------------------------------

HOSTILE = ["../../escape", "/etc/passwd", "..\\..\\x", "a/../../b", "\x00nul", "~root/.ssh", "%2e%2e%2fx"]


def test_shard_names_are_plain_file_names() -> None:
    for count in (1, 7, 99_999):
        for index in {0, count // 2, count - 1}:
            name = shard_name(index, count)
            assert re.fullmatch(r"part-\d{5}-of-\d{5}\.parquet", name)


def test_hostile_values_in_data_never_leave_the_output_directory(tmp_path: Path) -> None:
    """Ids, sources, URLs, reasons and errors that look like paths are data: the writers join only constants,
    split ids (hashes) and shard numbers to the output directory, so every file they make is inside it."""
    out = tmp_path / "nest" / "out"
    docs = [
        Doc(id=h, source=h, source_record=h, text=f"text {i} " * 20, url=h, title=h) for i, h in enumerate(HOSTILE)
    ]
    dropped = [Dropped(stage=h, reason=h, id=h, source=h, source_record=h, detail=h) for h in HOSTILE]
    failed = [Failed(stage=h, error=h, source=h, source_record=h, id=h) for h in HOSTILE]
    cfg = case_config(out, ["extract", "dedup"], output={"dir": str(out), "shard_target_bytes": 200})
    run_staged(out.parent, [("out", cfg, [*docs, *dropped, *failed])])
    written = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert written and all(p.is_relative_to(out) for p in written)
    assert {p.parent.name for p in written} == {"data", "rejected", "errors", "out"}
    assert sorted(p.name for p in written if p.parent == out) == ["_SUCCESS", "run_info.json", "stats.json"]
    assert all(re.fullmatch(r"part-\d{5}-of-\d{5}\.parquet", p.name) for p in written if p.parent != out)
    assert len([p for p in written if p.parent.name == "data"]) > 1
