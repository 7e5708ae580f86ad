"""The one typed config tree: loaded from YAML, overridden with `--set key=value`, validated before any work.

Every stage owns its section (defined next to the stage in `transforms/`); this module assembles them. An unknown
or mistyped key is a `ConfigError` that names the key (`extract.timeout_s: Input should be a valid number`). The
resolved config is written as `config.yaml` next to the output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError, field_validator

from transforms.clean import BoilerplateConfig, NormalizeConfig
from transforms.core import Section
from transforms.dedup import DedupConfig
from transforms.extract import ExtractConfig
from transforms.language import LanguageConfig
from transforms.pii import PiiConfig
from transforms.quality import QualityConfig
from transforms.read import ReadConfig
from transforms.tokens import TokensConfig
from transforms.url import UrlConfig
from transforms.write import OutputConfig

__all__ = ["STAGES", "ConfigError", "CrawlwashConfig", "dump_config", "load_config"]

# Stages that run between reading and writing, in their default order (ARCHITECTURE.md).
StageName = Literal["url", "extract", "normalize", "language", "boilerplate", "quality", "dedup"]
STAGES: tuple[str, ...] = ("url", "extract", "normalize", "language", "boilerplate", "quality", "dedup")


class ConfigError(ValueError):
    """A config problem found before any work starts; the message names the key."""


class InputConfig(Section):
    """What to read."""

    paths: list[str] = Field(
        default_factory=list,
        description="Glob patterns of input files (local, gs://, s3://). --input replaces this list.",
    )


class PipelineSection(Section):
    """Which stages run, in which order."""

    stages: list[StageName] = Field(
        default_factory=lambda: list(STAGES),
        description="Stages between read and write, in order. 'url' (on the raw records, so that blocked pages are "
        "never extracted) must come first, then 'extract'; 'dedup' last; leave a stage out to skip it. PII "
        "masking and token counts run on the text that is written, after all of them (sections pii, tokens).",
    )

    @field_validator("stages")
    @classmethod
    def _check_stages(cls, stages: list[str]) -> list[str]:
        if len(set(stages)) != len(stages):
            raise ValueError("a stage is listed twice")
        first = 1 if stages and stages[0] == "url" else 0
        if "url" in stages[first:]:
            raise ValueError("'url' must be the first stage (it drops pages before they are extracted)")
        if "extract" not in stages or stages[first] != "extract":
            raise ValueError("'extract' must be the first stage, or come right after 'url' (every later stage works "
                             "on extracted text)")
        if "dedup" in stages and stages[-1] != "dedup":
            raise ValueError("'dedup' must be the last stage (it decides over the whole corpus, after every "
                             "per-document stage)")
        return stages


class CrawlwashConfig(Section):
    """The whole config. Each transform receives only its own section."""

    input: InputConfig = Field(default_factory=InputConfig)
    output: OutputConfig = Field(default_factory=OutputConfig)
    pipeline: PipelineSection = Field(default_factory=PipelineSection)
    read: ReadConfig = Field(default_factory=ReadConfig)
    url: UrlConfig = Field(default_factory=UrlConfig)
    extract: ExtractConfig = Field(default_factory=ExtractConfig)
    normalize: NormalizeConfig = Field(default_factory=NormalizeConfig)
    language: LanguageConfig = Field(default_factory=LanguageConfig)
    boilerplate: BoilerplateConfig = Field(default_factory=BoilerplateConfig)
    quality: QualityConfig = Field(default_factory=QualityConfig)
    dedup: DedupConfig = Field(default_factory=DedupConfig)
    pii: PiiConfig = Field(default_factory=PiiConfig)
    tokens: TokensConfig = Field(default_factory=TokensConfig)


def _format_errors(err: ValidationError, origin: str) -> str:
    lines = []
    for e in err.errors():
        key = ".".join(str(p) for p in e["loc"]) or "(root)"
        if e["type"] == "extra_forbidden":
            lines.append(f"  {key}: unknown key")
        else:
            got = e.get("input")
            shown = "" if isinstance(got, dict) else f" (got {got!r})"
            lines.append(f"  {key}: {e['msg']}{shown}")
    return f"invalid config ({origin}):\n" + "\n".join(lines)


def _set_dotted(tree: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    if not all(parts):
        raise ConfigError(f"--set {dotted}=...: empty key segment")
    node = tree
    for part in parts[:-1]:
        child = node.get(part)
        if child is None:
            child = node[part] = {}
        elif not isinstance(child, dict):
            raise ConfigError(f"--set {dotted}=...: {part} is not a section")
        node = child
    node[parts[-1]] = value


def load_config(path: str | Path | None = None, overrides: list[str] | tuple[str, ...] = ()) -> CrawlwashConfig:
    """Load YAML (safe loader), apply `key=value` overrides (values parsed as YAML scalars), validate."""
    tree: dict[str, Any] = {}
    origin = "defaults"
    if path is not None:
        origin = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
        try:
            loaded = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ConfigError(f"config file {path} is not valid YAML: {exc}") from None
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise ConfigError(f"config file {path} must hold a mapping at the top level")
        tree = loaded
    for item in overrides:
        key, sep, raw = item.partition("=")
        if not sep:
            raise ConfigError(f"--set {item!r}: expected key=value")
        try:
            value = yaml.safe_load(raw) if raw != "" else ""
        except yaml.YAMLError:
            value = raw
        _set_dotted(tree, key.strip(), value)
        origin = f"{origin} + --set"
    try:
        return CrawlwashConfig.model_validate(tree)
    except ValidationError as exc:
        raise ConfigError(_format_errors(exc, origin)) from None


def dump_config(cfg: CrawlwashConfig) -> str:
    """The resolved config as YAML (every key, defaults included)."""
    return yaml.safe_dump(cfg.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
