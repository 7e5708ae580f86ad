"""The ledger: every input record ends in exactly one place (kept, dropped with stage and reason, failed with
stage and error), counted from the data, never from runner metrics.

Counts are flat string keys summed over the phases (the map phase counts per split, the apply phase per shard):

    read                          records read (every outcome of the read stage)
    kept                          documents written to data/
    dropped<TAB>stage<TAB>reason  records dropped
    failed<TAB>stage              records failed
    lines<TAB>stage<TAB>reason    audit rows of lines removed from kept documents (not records)
    total<TAB>name<TAB>key        totals over the kept documents of the finish steps (values masked per PII
                                  kind, tokens per language): stats.json `{name: {key: n}}`
    failed_source<TAB>path        failed records per input file (the error budget names the worst)
    time<TAB>step                 microseconds the map phase spent in one step (read, a stage, dedup keys, ...),
                                  from its own timers: not part of stats.json (runs must be byte-identical), the
                                  run facts `run_info.json` carry them

and guard counts that check the job itself: splits planned / mapped / applied, and the small records each decide
step sent and received (`guard<TAB>name`). `build_stats` turns them into `stats.json`; `check` fails the job
when the ledger or a guard does not balance.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from transforms.core import UNIT_RECORD, Dropped, Failed
from transforms.core.finish import TOTAL

__all__ = [
    "ErrorBudgetExceeded",
    "FACTS",
    "TIMING",
    "LedgerError",
    "build_stats",
    "check",
    "merge_counts",
    "outcome_keys",
]

READ, KEPT = "read", "kept"
GUARD = "guard"
TIME = "time"
TIMING = "timing_us"  # build_stats' key for the step timings; Finalize moves it from stats.json to run_info.json
FACT = "fact"
FACTS = "run_facts"  # ... and of counts that differ between runs of the same job (splits reused after a retry)


class LedgerError(RuntimeError):
    """The ledger does not balance: a stage or the runner lost or duplicated records (a bug, never bad input)."""


class ErrorBudgetExceeded(RuntimeError):
    """More records failed than `output.max_error_ratio` allows."""


def outcome_keys(outcome: Dropped | Failed) -> list[str]:
    """The ledger keys one dropped or failed outcome counts under."""
    if isinstance(outcome, Dropped):
        kind = "dropped" if outcome.unit == UNIT_RECORD else "lines"
        return [f"{kind}\t{outcome.stage}\t{outcome.reason}"]
    return [f"failed\t{outcome.stage}", f"failed_source\t{outcome.source}"]


def merge_counts(parts: Iterable[Mapping[str, int]]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for part in parts:
        total.update(part)
    return dict(total)


def build_stats(counts: Mapping[str, int], top_sources: int = 10) -> dict[str, Any]:
    """Turn flat ledger counts into the stats.json structure (pure; tested directly)."""
    read = counts.get(READ, 0)
    kept = counts.get(KEPT, 0)
    dropped_by: dict[str, dict[str, int]] = {}
    failed_by: dict[str, int] = {}
    lines_by: dict[str, dict[str, int]] = {}
    failed_sources: dict[str, int] = {}
    guards: dict[str, int] = {}
    timing: dict[str, int] = {}
    facts: dict[str, int] = {}
    totals: dict[str, dict[str, int]] = {}
    for key, n in counts.items():
        parts = key.split("\t")
        if parts[0] == "dropped":
            dropped_by.setdefault(parts[1], {})[parts[2]] = n
        elif parts[0] == "failed":
            failed_by[parts[1]] = n
        elif parts[0] == "lines":
            lines_by.setdefault(parts[1], {})[parts[2]] = n
        elif parts[0] == "failed_source":
            failed_sources[parts[1]] = n
        elif parts[0] == GUARD:
            guards[parts[1]] = n
        elif parts[0] == TIME:
            timing[parts[1]] = n
        elif parts[0] == FACT:
            facts[parts[1]] = n
        elif parts[0] == TOTAL:
            totals.setdefault(parts[1], {})[parts[2]] = n
    dropped = sum(sum(v.values()) for v in dropped_by.values())
    failed = sum(failed_by.values())
    worst = sorted(failed_sources.items(), key=lambda kv: (-kv[1], kv[0]))[:top_sources]
    stats: dict[str, Any] = {
        "read": read,
        "kept": kept,
        "dropped": dropped,
        "failed": failed,
        "balanced": read == kept + dropped + failed,
        "dropped_by_stage": {s: dict(sorted(r.items())) for s, r in sorted(dropped_by.items())},
        "failed_by_stage": dict(sorted(failed_by.items())),
        "audit_rows_by_stage": {s: dict(sorted(r.items())) for s, r in sorted(lines_by.items())},
        "worst_sources": [{"source": s, "failed": n} for s, n in worst],
        "job": dict(sorted(guards.items())),
    }
    for name, values in sorted(totals.items()):
        stats[name] = dict(sorted(values.items()))
    if timing:
        stats[TIMING] = dict(sorted(timing.items()))
    if facts:
        stats[FACTS] = dict(sorted(facts.items()))
    return stats


# Guard pairs that must be equal: (what was sent, what arrived, checked only when the receiver reported).
GUARD_PAIRS = (
    ("splits_planned", "splits_mapped", False),
    ("splits_mapped", "splits_applied", False),
    ("staged_docs", "applied_docs", False),
    ("url_records_sent", "url_records_received", False),
    ("exact_records_sent", "exact_records_received", False),
    ("band_records_sent", "band_records_received", False),
    ("line_records_sent", "line_records_received", False),
    ("verdicts_sent", "verdicts_received", False),
    ("verdicts_sent", "verdicts_seen_by_near", True),
    ("near_verdicts_sent", "near_verdicts_received", False),
    ("marks_sent", "marks_received", False),
)


def check(stats: Mapping[str, Any], max_error_ratio: float) -> None:
    """Raise LedgerError when a record or a job guard does not balance, ErrorBudgetExceeded over the budget."""
    job = stats.get("job", {})
    lost = [
        f"{a}={job.get(a, 0)} {b}={job.get(b, 0)}"
        for a, b, optional in GUARD_PAIRS
        if job.get(a, 0) != job.get(b, 0) and (b in job or not optional)
    ]
    if not stats["balanced"] or lost:
        detail = f"; job records lost: {', '.join(lost)}" if lost else ""
        raise LedgerError(
            f"ledger does not balance: read={stats['read']} kept={stats['kept']} "
            f"dropped={stats['dropped']} failed={stats['failed']}{detail} (see stats.json)"
        )
    ratio = stats["failed"] / stats["read"] if stats["read"] else 0.0
    if ratio > max_error_ratio:
        worst = ", ".join(f"{w['source']} ({w['failed']})" for w in stats["worst_sources"][:5])
        raise ErrorBudgetExceeded(
            f"{stats['failed']} of {stats['read']} records failed ({ratio:.1%}), above "
            f"output.max_error_ratio={max_error_ratio}; worst sources: {worst}"
        )
