"""The dataset card OUT/README.md, in the Hugging Face dataset-card format.

A YAML header (`configs` with their `data_files`, so `datasets.load_dataset(OUT)` finds the shards; `language`,
`size_categories`, `tags`) followed by the counts, the languages, the schema, the resolved config, the provenance
(inputs, crawlwash version, date) and how to load the shards. Its numbers come from the same `collect` pass as
the report (stats.json and the shards).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import yaml
from apache_beam.io.filesystems import FileSystems

from pipelines.run_output import RunOutput
from transforms.write import CARD, DATA, ERRORS, REJECTED

__all__ = ["render_card", "size_category", "write_card"]

MAX_LISTED_INPUTS = 50
_LANG_CODE = re.compile(r"^[a-z]{2,3}$")
# Hugging Face's size_categories buckets (upper bounds, exclusive).
_SIZES = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
          (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M"), (1_000_000_000, "100M<n<1B"),
          (10_000_000_000, "1B<n<10B"))  # fmt: skip


def size_category(rows: int) -> str:
    for bound, name in _SIZES:
        if rows < bound:
            return name
    return "n>10B"


def _header(run: RunOutput, r: Mapping[str, Any]) -> str:
    languages = [lang for lang in r["data"]["languages"] if _LANG_CODE.match(lang)]
    configs = [
        {
            "config_name": "default",
            "data_files": [{"split": "train", "path": f"{DATA}/*.parquet"}],
            "default": True,
        },
        {"config_name": REJECTED, "data_files": [{"split": "train", "path": f"{REJECTED}/*.parquet"}]},
        {"config_name": ERRORS, "data_files": [{"split": "train", "path": f"{ERRORS}/*.parquet"}]},
    ]
    header: dict[str, Any] = {
        "pretty_name": f"crawlwash corpus ({run.out_dir.rstrip('/').rsplit('/', 1)[-1] or run.out_dir})",
        "size_categories": [size_category(r["kept"])],
        "tags": ["crawlwash", "web-crawl", "text"],
        "task_categories": ["text-generation"],
        "configs": configs,
    }
    if languages:
        header["language"] = languages
    return "---\n" + yaml.safe_dump(header, sort_keys=False, allow_unicode=True) + "---\n"


def _rows(head: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |" for row in rows]
    return "\n".join(out)


def _training(t: Mapping[str, Any]) -> str:
    """URL-stage drops by reason, PII masked per kind, tokens per language (or how to turn them on)."""
    parts = []
    if t["url_stage_on"]:
        drops = list(t["url_dropped"].items())
        parts.append(f"Pages dropped by the URL stage before extraction (UT1 adult list, banned words): "
                     f"{sum(n for _, n in drops)}." + ("\n\n" + _rows(("reason", "pages"), drops) if drops else ""))  # fmt: skip
    else:
        parts.append("The URL stage was off.")
    if t["pii_masked"] is None:
        parts.append("PII masking was off.")
    else:
        parts.append(f"Personal data masked in the text ({t['pii_replacement']}s; per document: `pii_counts`):\n\n"
                     + _rows(("kind", "values masked"), list(t["pii_masked"].items())))  # fmt: skip
    if t["tokenizer"] is None:
        parts.append("Token counts were off (set `tokens.tokenizer` to a local `tokenizer.json` to count them).")
    else:
        parts.append(f"Tokens: {t['tokens']} with `{t['tokenizer']}` (per document: `n_tokens`):\n\n"
                     + _rows(("language", "tokens"), list((t["tokens_by_lang"] or {}).items())))  # fmt: skip
    return "\n\n".join(parts)


def render_card(run: RunOutput, r: Mapping[str, Any]) -> str:
    """The card's Markdown for the run and `collect`'s numbers."""
    inputs = run.manifest.get("fingerprint", {}).get("inputs", [])
    listed = "\n".join(f"- `{path}` ({size} bytes)" for path, size in inputs[:MAX_LISTED_INPUTS])
    if len(inputs) > MAX_LISTED_INPUTS:
        listed += f"\n- … and {len(inputs) - MAX_LISTED_INPUTS} more files"
    patterns = run.config.get("input", {}).get("paths", [])
    total_bytes = sum(int(size) for _, size in inputs)
    schema = run.schema(DATA)
    drops = [(f"dropped: {s}/{reason}", n) for s, reasons in r["dropped_by_stage"].items()
             for reason, n in reasons.items()]  # fmt: skip
    fails = [(f"failed: {s}", n) for s, n in r["failed_by_stage"].items()]
    langs = list(r["data"]["languages"].items())
    stages = ", ".join(["read", *run.config.get("pipeline", {}).get("stages", [])])
    body = f"""
# crawlwash corpus

Web text produced by crawlwash from raw crawl files, through the stages {stages} (extraction with
trafilatura, language identification per document and per line with fastText, line-level cleaning, quality
filters, URL / exact / MinHash near-duplicate removal, as enabled in the resolved config below).

## Counts

| | records |
|---|---:|
| read | {r["read"]} |
| kept (`{DATA}/`) | {r["kept"]} |
| dropped (`{REJECTED}/`, with stage and reason) | {r["dropped"]} |
| failed (`{ERRORS}/`, with stage and error) | {r["failed"]} |

The ledger is {"balanced" if r["balanced"] else "NOT balanced"}: every record read is kept, dropped or failed.
Kept text: {r["data"]["chars_after"]} characters ({r["data"]["chars_before"]} right after extraction).
Shards: {r["shards"][DATA]} in `{DATA}/`, {r["shards"][REJECTED]} in `{REJECTED}/`, {r["shards"][ERRORS]} in
`{ERRORS}/`. `stats.json` holds the full ledger and `report.html` the plots.

{_rows(("stage/reason", "records"), drops + fails)}

## Languages

{_rows(("language", "kept documents"), langs)}

## Training-ready output

{_training(r["training"])}

## Schema of `{DATA}/`

{_rows(("column", "type"), [(f.name, str(f.type)) for f in schema])}

## How to load

```python
from datasets import load_dataset
ds = load_dataset("{run.out_dir}", split="train")                  # data/ (the default config)
rejected = load_dataset("{run.out_dir}", "rejected", split="train")  # dropped records, with stage and reason
```

```python
import pandas as pd
df = pd.read_parquet("{run.out_dir}/{DATA}")
```

```sql
-- DuckDB
SELECT lang, count(*) FROM read_parquet('{run.out_dir}/{DATA}/*.parquet') GROUP BY lang;
```

## Provenance

- crawlwash version: {run.manifest.get("crawlwash_version", "unknown")}
- finished: {run.facts.get("finished", "unknown")}
- input patterns: {", ".join(f"`{p}`" for p in patterns) or "(none recorded)"}
- input files: {len(inputs)} ({total_bytes} bytes)

{listed}

## Resolved config

```yaml
{run.config_yaml.rstrip()}
```
"""
    return _header(run, r) + body


def write_card(run: RunOutput, r: Mapping[str, Any]) -> str:
    path = FileSystems.join(run.out_dir, CARD)
    with FileSystems.create(path) as f:
        f.write(render_card(run, r).encode("utf-8"))
    return path
