"""`crawlwash inspect OUT [--reason R] [--n N]`: a finished run in the terminal.

Prints the run's counts (stats.json), the shards of data/ (or rejected/) with their row counts (_SUCCESS), the
Parquet schema, and N sample rows: the first N of data/, or with `--reason` the first N rejected rows whose
reason (`reason` or `stage/reason`) matches, read one row group at a time.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Iterator
from typing import Any, TextIO

from pipelines.run_output import RunOutput
from transforms.write import DATA, REJECTED

__all__ = ["UnknownReason", "inspect_run"]

TEXT_CHARS = 400  # text shown per sample row
FIELD_CHARS = 120  # other values are cut to this


class UnknownReason(ValueError):
    """--reason names no reason of the run; the message lists the reasons there are."""


def _reasons(run: RunOutput) -> Counter[str]:
    return Counter(
        {
            f"{stage}/{reason}": n
            for stage, reasons in run.stats["dropped_by_stage"].items()
            for reason, n in reasons.items()
        }
    )


def _matches(reason: str, stage: str, wanted: str) -> bool:
    return wanted in (reason, f"{stage}/{reason}")


def _sample_rows(run: RunOutput, kind: str, n: int, reason: str | None) -> Iterator[dict[str, Any]]:
    left = n
    names = run.schema(kind).names
    for _, _, t in run.row_groups(kind, names):
        if reason is not None:
            keep = [
                i
                for i, (s, r, u) in enumerate(zip(*(t.column(c).to_pylist() for c in ("stage", "reason", "unit"))))
                if u == "record" and _matches(r, s, reason)
            ]
            t = t.take(keep)
        for row in t.slice(0, left).to_pylist():
            yield row
            left -= 1
        if left <= 0:
            return


def _value(name: str, value: Any) -> str:
    text = "null" if value is None else str(value)
    limit = TEXT_CHARS if name == "text" else FIELD_CHARS
    if len(text) > limit:
        text = text[:limit] + f"… [{len(text) - limit} more chars]"
    return text


def inspect_run(run: RunOutput, out: TextIO, n: int = 3, reason: str | None = None) -> None:
    """Print the run, shards, schema and `n` sample rows (of rejected/ for `reason`) to `out`."""
    kind = DATA if reason is None else REJECTED
    if reason is not None:
        known = _reasons(run)
        if reason not in known and not any(k.endswith(f"/{reason}") for k in known):
            listed = ", ".join(f"{k} ({v})" for k, v in sorted(known.items()))
            raise UnknownReason(f"no records were dropped for reason {reason!r}; the run's reasons: {listed}")
    s = run.stats
    print(f"{run.out_dir}: read {s['read']}, kept {s['kept']}, dropped {s['dropped']}, failed {s['failed']} "
          f"(ledger {'balanced' if s['balanced'] else 'NOT BALANCED'})", file=out)  # fmt: skip
    shards = run.shards(kind)
    print(f"\n{kind}/: {len(shards)} shard(s), {run.rows(kind)} rows", file=out)
    for shard in shards:
        print(f"  {kind}/{shard['name']}  {shard['rows']} rows", file=out)
    schema = run.schema(kind)
    print(f"\nschema of {kind}/ ({len(schema)} columns):", file=out)
    width = max(len(f.name) for f in schema)
    for f in schema:
        print(f"  {f.name.ljust(width)}  {f.type}{'' if f.nullable else ' not null'}", file=out)
    what = f"rejected/ rows with reason {reason}" if reason is not None else f"{kind}/"
    rows = list(_sample_rows(run, kind, n, reason))
    print(f"\n{len(rows)} sample row(s) of {what}:", file=out)
    for i, row in enumerate(rows, 1):
        print(f"\n[{i}]", file=out)
        for name in schema.names:
            if name == "text":
                continue
            print(f"  {name.ljust(width)}  {_value(name, row.get(name))}", file=out)
        text = _value("text", row.get("text"))
        print("  text:", file=out)
        print(textwrap.indent(text, "    | ", lambda _: True), file=out)
