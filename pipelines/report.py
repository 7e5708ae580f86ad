"""`crawlwash report OUT`: OUT/report.html, one self-contained page to look at a finished run.

    funnel        read -> kept by stage, and every drop by stage and reason        (stats.json)
    languages     documents kept per language                                     (data/ lang)
    lengths       characters per kept document right after extraction and after   (data/ n_chars_extracted, n_chars)
                  cleaning, in fixed bins
    removed lines lines and characters the line passes removed from kept          (data/ removed_by_reason)
                  documents, per stage and reason
    dedup         near-duplicate cluster sizes and dedup drops per reason         (data/ dedup_cluster_size, stats)
    training      URL-stage drops per reason, PII values masked per kind, tokens   (stats.json)
                  per language (or how to turn token counts on)
    hosts         kept documents per host                                         (data/ url)
    samples       kept documents with their removed lines highlighted (audit      (data/, rejected/)
                  rows), rejected documents per reason, failed records            (errors/)

Every number comes from stats.json or is counted from the shards, streamed one row group at a time (memory does
not grow with the corpus). The plots (`report_plots.py`) are bar charts written as inline SVG (labels as SVG text,
drawn in the page's fonts); the page loads nothing, runs no script, and opens offline. The numbers behind the page
are embedded as JSON (`<script type="application/json" id="crawlwash-report">`, never executed) so that tools and
tests can read them.
"""

from __future__ import annotations

import heapq
import html
import json
import logging
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pyarrow.compute as pc
from apache_beam.io.filesystems import FileSystems

from pipelines.report_plots import barh, plot_clusters, plot_drops, plot_funnel, plot_lengths, plot_removed
from pipelines.run_output import RunOutput, open_run, sample_rank
from transforms.write import DATA, ERRORS, REJECTED, REPORT

__all__ = ["LENGTH_BINS", "collect", "render", "write_report"]

log = logging.getLogger(__name__)

# Character-count bins of the length plot: [edge_i, edge_i+1); the last bin is open.
LENGTH_BINS = (0, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000)
KEPT_SAMPLES = 6  # kept documents shown, lowest sample ranks first, those with removed lines preferred
REJECTED_SAMPLES = 2  # rejected documents shown per stage/reason
ERROR_SAMPLES = 5
TOP_HOSTS = 20
TOP_LANGUAGES = 25
SAMPLE_CHARS = 1500  # text shown per sample
NO_URL = "(no url)"
DATA_COLUMNS = (
    "id",
    "lang",
    "n_chars",
    "n_chars_extracted",
    "removed_by_reason",
    "dedup_cluster_size",
    "url",
)


def _bin_labels() -> list[str]:
    edges = LENGTH_BINS
    return [f"{edges[i]}-{edges[i + 1] - 1}" for i in range(len(edges) - 1)] + [f"{edges[-1]}+"]


def _histogram(values: np.ndarray) -> list[int]:
    idx = np.searchsorted(np.asarray(LENGTH_BINS[1:]), values, side="right")
    return np.bincount(idx, minlength=len(LENGTH_BINS)).astype(int).tolist()


def host_name(url: str | None) -> str:
    if not url:
        return NO_URL
    try:
        return (urlsplit(url).hostname or NO_URL).lower()
    except ValueError:
        return NO_URL


class _Lowest:
    """The `k` items with the lowest rank seen so far (a bounded max-heap)."""

    def __init__(self, k: int) -> None:
        self.k = k
        self._heap: list[tuple[int, Any]] = []

    def offer(self, rank: int, item: Any) -> None:
        if len(self._heap) < self.k:
            heapq.heappush(self._heap, (-rank, item))
        elif -self._heap[0][0] > rank:
            heapq.heapreplace(self._heap, (-rank, item))

    def items(self) -> list[Any]:
        return [item for _, item in sorted(self._heap, key=lambda x: -x[0])]


def _funnel(run: RunOutput) -> list[dict[str, Any]]:
    """Documents left after each stage, in pipeline order (read first), from stats.json."""
    stats = run.stats
    order = ["read", *run.config.get("pipeline", {}).get("stages", [])]
    seen = set(stats["dropped_by_stage"]) | set(stats["failed_by_stage"])
    order += sorted(seen - set(order))
    left = stats["read"]
    rows = []
    for stage in order:
        dropped = sum(stats["dropped_by_stage"].get(stage, {}).values())
        failed = stats["failed_by_stage"].get(stage, 0)
        left -= dropped + failed
        rows.append({"stage": stage, "dropped": dropped, "failed": failed, "left": left})
    return rows


def _scan_data(run: RunOutput) -> dict[str, Any]:
    langs: Counter[str] = Counter()
    hosts: Counter[str] = Counter()
    clusters: Counter[int] = Counter()
    removed: dict[str, list[int]] = {}
    before = [0] * len(LENGTH_BINS)
    after = [0] * len(LENGTH_BINS)
    chars_before = chars_after = rows = 0
    with_removed, without = _Lowest(KEPT_SAMPLES), _Lowest(KEPT_SAMPLES)
    for path, group, t in run.row_groups(DATA, DATA_COLUMNS):
        rows += t.num_rows
        for lang, n in zip(*_value_counts(t, "lang")):
            langs[lang or "unknown"] += n
        n_after = t.column("n_chars").to_numpy(zero_copy_only=False).astype(np.int64)
        extracted = t.column("n_chars_extracted") if "n_chars_extracted" in t.column_names else None
        n_before = (
            pc.fill_null(extracted, t.column("n_chars")).to_numpy(zero_copy_only=False).astype(np.int64)
            if extracted is not None
            else n_after
        )
        before = [a + b for a, b in zip(before, _histogram(n_before))]
        after = [a + b for a, b in zip(after, _histogram(n_after))]
        chars_before += int(n_before.sum())
        chars_after += int(n_after.sum())
        if "dedup_cluster_size" in t.column_names:
            for size, n in zip(*_value_counts(t, "dedup_cluster_size")):
                if size is not None and size > 1:
                    clusters[int(size)] += n
        urls = t.column("url").to_pylist() if "url" in t.column_names else [None] * t.num_rows
        hosts.update(host_name(u) for u in urls)
        notes = t.column("removed_by_reason").to_pylist() if "removed_by_reason" in t.column_names else []
        for row, (doc_id, note) in enumerate(zip(t.column("id").to_pylist(), notes or [None] * t.num_rows)):
            if note:
                for key, (lines, chars) in json.loads(note).items():
                    total = removed.setdefault(key, [0, 0])
                    total[0] += lines
                    total[1] += chars
            (with_removed if note else without).offer(sample_rank(doc_id), (path, group, row, doc_id))
    chosen = with_removed.items()
    chosen += without.items()[: max(0, KEPT_SAMPLES - len(chosen))]
    return {
        "rows": rows,
        "languages": dict(sorted(langs.items(), key=lambda kv: (-kv[1], kv[0]))),
        "length_bins": _bin_labels(),
        "length_before": before,
        "length_after": after,
        "chars_before": chars_before,
        "chars_after": chars_after,
        "removed_lines": {k: {"lines": v[0], "chars": v[1]} for k, v in sorted(removed.items())},
        "cluster_sizes": {str(k): v for k, v in sorted(clusters.items())},
        "hosts": len(hosts),
        "top_hosts": [[h, n] for h, n in sorted(hosts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_HOSTS]],
        "_chosen": chosen,
    }


def _value_counts(t: Any, column: str) -> tuple[list[Any], list[int]]:
    counts = pc.value_counts(t.column(column))
    return counts.field("values").to_pylist(), counts.field("counts").to_pylist()


def _scan_rejected(run: RunOutput, kept_ids: set[str]) -> dict[str, Any]:
    rows: Counter[str] = Counter()
    picks: dict[str, _Lowest] = {}
    audit: dict[tuple[str, int], set[int]] = {}
    for path, group, t in run.row_groups(REJECTED, ("stage", "reason", "unit", "id")):
        for row, (stage, reason, unit, doc_id) in enumerate(
            zip(*(t.column(c).to_pylist() for c in ("stage", "reason", "unit", "id")))
        ):
            key = f"{stage}/{reason}"
            rows[f"{unit}\t{key}"] += 1
            if unit == "record":
                picks.setdefault(key, _Lowest(REJECTED_SAMPLES)).offer(sample_rank(doc_id), (path, group, row))
            elif doc_id in kept_ids:
                audit.setdefault((path, group), set()).add(row)
    wanted: dict[tuple[str, int], set[int]] = {}
    for pick in picks.values():
        for path, group, row in pick.items():
            wanted.setdefault((path, group), set()).add(row)
    columns = ("stage", "reason", "detail", "unit", "id", "url", "source", "source_record", "text")
    samples = sorted(run.fetch(wanted, columns), key=lambda r: (r["stage"], r["reason"], sample_rank(r["id"])))
    lines = run.fetch(audit, ("stage", "reason", "id", "text"))
    return {
        "records": {k.split("\t", 1)[1]: n for k, n in sorted(rows.items()) if k.startswith("record\t")},
        "audit_rows": {k.split("\t", 1)[1]: n for k, n in sorted(rows.items()) if k.startswith("lines\t")},
        "_samples": samples,
        "_audit": lines,
    }


def _scan_errors(run: RunOutput) -> dict[str, Any]:
    by_stage: Counter[str] = Counter()
    pick = _Lowest(ERROR_SAMPLES)
    for path, group, t in run.row_groups(ERRORS, ("stage", "source", "source_record")):
        for row, (stage, source, record) in enumerate(
            zip(*(t.column(c).to_pylist() for c in ("stage", "source", "source_record")))
        ):
            by_stage[stage] += 1
            pick.offer(sample_rank(f"{source}\t{record}"), (path, group, row))
    wanted: dict[tuple[str, int], set[int]] = {}
    for path, group, row in pick.items():
        wanted.setdefault((path, group), set()).add(row)
    samples = run.fetch(wanted, ("stage", "error", "source", "source_record", "url"))
    return {"by_stage": dict(sorted(by_stage.items())), "_samples": samples}


TOKENS_OFF = (
    "Token counts are off. Set <code>tokens.tokenizer</code> to a local Hugging Face <code>tokenizer.json</code> "
    "(or a tiktoken encoding already in its local cache), e.g. <code>--set tokens.tokenizer=/path/to/tokenizer.json"
    "</code>: every kept document then gets <code>n_tokens</code>, and stats.json the totals per language."
)


def training_numbers(run: RunOutput) -> dict[str, Any]:
    """What makes the output training-ready, from stats.json: pages the URL stage dropped (by reason; never
    extracted), PII values masked per kind, tokens per language (None when off)."""
    stats, config = run.stats, run.config
    tokens = stats.get("tokens_by_lang")
    tokenizer = config.get("tokens", {}).get("tokenizer") or (None if tokens is None else "(see config.yaml)")
    return {
        "url_dropped": stats["dropped_by_stage"].get("url", {}),
        "url_stage_on": "url" in config.get("pipeline", {}).get("stages", []),
        "pii_masked": stats.get("pii_masked"),
        "pii_replacement": config.get("pii", {}).get("replacement"),
        "tokenizer": tokenizer,
        "tokens_by_lang": dict(sorted(tokens.items(), key=lambda kv: (-kv[1], kv[0]))) if tokens else None,
        "tokens": sum(tokens.values()) if tokens else (0 if tokenizer else None),
    }


def collect(run: RunOutput) -> dict[str, Any]:
    """Every number of the report (and the sampled rows, under keys starting with '_')."""
    stats = run.stats
    data = _scan_data(run)
    chosen = data.pop("_chosen")
    wanted: dict[tuple[str, int], set[int]] = {}
    for path, group, row, _ in chosen:
        wanted.setdefault((path, group), set()).add(row)
    kept_rows = run.fetch(wanted, ("id", "url", "title", "lang", "lang_score", "n_chars", "n_chars_extracted",
                                   "removed_by_reason", "text"))  # fmt: skip
    order = {doc_id: i for i, (_, _, _, doc_id) in enumerate(chosen)}
    kept_rows.sort(key=lambda r: order[r["id"]])
    rejected = _scan_rejected(run, set(order))
    errors = _scan_errors(run)
    return {
        "out_dir": run.out_dir,
        "finished": run.facts.get("finished"),
        "crawlwash_version": run.manifest.get("crawlwash_version"),
        "read": stats["read"],
        "kept": stats["kept"],
        "dropped": stats["dropped"],
        "failed": stats["failed"],
        "balanced": stats["balanced"],
        "funnel": _funnel(run),
        "dropped_by_stage": stats["dropped_by_stage"],
        "failed_by_stage": stats["failed_by_stage"],
        "audit_rows_by_stage": stats.get("audit_rows_by_stage", {}),
        "training": training_numbers(run),
        "shards": {kind: len(run.shards(kind)) for kind in (DATA, REJECTED, ERRORS)},
        "data": data,
        "rejected_rows": rejected["records"],
        "audit_rows": rejected["audit_rows"],
        "error_rows": errors["by_stage"],
        "_kept_samples": kept_rows,
        "_audit": rejected["_audit"],
        "_rejected_samples": rejected["_samples"],
        "_error_samples": errors["_samples"],
    }


# -- HTML ------------------------------------------------------------------------------------------------------

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#222;background:#fafafa}
main{max-width:1080px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:22px;margin:8px 0 4px}h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid #ddd}
.meta{color:#555;font-size:13px}.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 16px;min-width:110px}
.card .n{font-size:22px;font-weight:600}.card .l{color:#555;font-size:12px}
.ok{color:#2a7a2a}.bad{color:#b00020}
table{border-collapse:collapse;background:#fff;font-size:13px;margin:8px 0}
td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}td.n{text-align:right}
figure.plot{margin:8px 0;background:#fff;border:1px solid #eee;display:inline-block}
figure.plot svg{max-width:100%;height:auto}
.sample{background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 12px;margin:8px 0}
.sample .h{font-size:12px;color:#555;word-break:break-all}
pre{white-space:pre-wrap;word-break:break-word;font-size:12px;margin:6px 0;max-height:360px;overflow:auto}
mark.removed{background:#ffd7d5;text-decoration:line-through;color:#7a1f1a}
.tag{font-size:11px;color:#7a1f1a;margin-left:6px}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _table(head: Iterable[str], rows: Iterable[Iterable[Any]], cls: str = "") -> str:
    out = [f'<table class="{cls}"><tr>' + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr>"]
    for row in rows:
        cells = "".join(
            f'<td class="n">{v}</td>' if isinstance(v, int) and not isinstance(v, bool) else f"<td>{_e(v)}</td>"
            for v in row
        )
        out.append(f"<tr>{cells}</tr>")
    return "".join(out) + "</table>"


def _cut(text: str | None) -> str:
    text = text or ""
    return text if len(text) <= SAMPLE_CHARS else text[:SAMPLE_CHARS] + f" … [{len(text) - SAMPLE_CHARS} more chars]"


def _kept_sample(row: Mapping[str, Any], audit: list[Mapping[str, Any]]) -> str:
    notes = json.loads(row.get("removed_by_reason") or "{}")
    head = (f'<div class="h">id {_e(row["id"])} · lang {_e(row.get("lang"))} · {row["n_chars"]} chars kept of '
            f'{_e(row.get("n_chars_extracted"))} extracted · {_e(row.get("url") or NO_URL)}</div>')  # fmt: skip
    removed = []
    for a in audit:
        for line in (a["text"] or "").split("\n"):
            removed.append(f'<mark class="removed">{_e(line)}</mark><span class="tag">{_e(a["stage"])}/'
                           f'{_e(a["reason"])}</span>')  # fmt: skip
    parts = [head]
    if removed:
        parts.append("<pre>" + "\n".join(removed) + "</pre>")
    elif notes:
        summary = ", ".join(f"{k}: {v[0]} lines" for k, v in notes.items())
        parts.append(f'<div class="h">removed ({_e(summary)}); this document was not sampled for audit rows</div>')
    parts.append(f"<pre>{_e(_cut(row.get('text')))}</pre>")
    return '<div class="sample kept">' + "".join(parts) + "</div>"


def _overview_sections(r: Mapping[str, Any]) -> list[str]:
    """Header, totals, the funnel and the drops by stage and reason."""
    status = '<span class="ok">balanced</span>' if r["balanced"] else '<span class="bad">NOT BALANCED</span>'
    cards = "".join(
        f'<div class="card"><div class="n" id="n-{k}">{r[k]}</div><div class="l">{k}</div></div>'
        for k in ("read", "kept", "dropped", "failed")
    )
    funnel_rows = [(row["stage"], row["dropped"], row["failed"], row["left"]) for row in r["funnel"]]
    stages = [row["stage"] for row in r["funnel"]]  # pipeline order
    drop_rows = [(s, reason, n) for s in stages for reason, n in r["dropped_by_stage"].get(s, {}).items()]
    drop_rows += [(s, "(failed)", r["failed_by_stage"][s]) for s in stages if s in r["failed_by_stage"]]
    prov = f"{_e(r['out_dir'])} · finished {_e(r['finished'])} · crawlwash {_e(r['crawlwash_version'])}"
    return [
        f"<h1>crawlwash run report</h1><div class='meta'>{prov} · ledger {status}</div>",
        f'<div class="cards">{cards}</div>',
        "<h2 id='funnel'>Funnel: read to kept</h2>",
        "<p>Records left after each stage (pipeline order; <code>stats.json</code>), then every drop by stage and "
        "reason. The dedup and boilerplate stages also drop in the apply phase, after the global decisions.</p>",
        plot_funnel(r["funnel"], r["read"]),
        _table(("stage", "dropped", "failed", "left"), funnel_rows),
        plot_drops(r["dropped_by_stage"], r["failed_by_stage"], stages),
        _table(("stage", "reason", "records"), drop_rows),
    ]


def _data_sections(r: Mapping[str, Any]) -> list[str]:
    """What the kept documents are: languages, lengths, removed lines, dedup clusters, hosts."""
    data = r["data"]
    langs = list(data["languages"].items())
    removed = data["removed_lines"]
    return [
        "<h2 id='languages'>Languages kept</h2>",
        barh(
            "languages",
            [k for k, _ in langs[:TOP_LANGUAGES]],
            [n for _, n in langs[:TOP_LANGUAGES]],
            "kept documents",
        ),  # fmt: skip
        _table(("language", "kept documents"), langs),
        "<h2 id='lengths'>Document lengths, before and after cleaning</h2>",
        f"<p>Characters per kept document right after extraction and in the kept text: {data['chars_before']} "
        f"characters before, {data['chars_after']} after.</p>",
        plot_lengths(data),
        _table(
            ("characters", "after extraction", "after cleaning"),
            zip(data["length_bins"], data["length_before"], data["length_after"]),
        ),  # fmt: skip
        "<h2 id='removed'>Lines removed from kept documents</h2>",
        "<p>By the line-level language pass (<code>language/…</code>) and by boilerplate removal "
        "(<code>boilerplate/…</code>, corpus-wide frequent lines included), summed over the kept documents' "
        "<code>removed_by_reason</code>.</p>",
        plot_removed(removed),
        _table(("stage/reason", "lines", "characters"), ((k, v["lines"], v["chars"]) for k, v in removed.items())),
        "<h2 id='dedup'>Deduplication</h2>",
        "<p>Near-duplicate clusters by size (from the kept documents' <code>dedup_cluster_size</code>) and dedup "
        "drops per reason.</p>",
        plot_clusters(data["cluster_sizes"]),
        _table(("cluster size", "clusters"), ((k, n) for k, n in data["cluster_sizes"].items())),
        _table(("reason", "dropped"), r["dropped_by_stage"].get("dedup", {}).items()),
        "<h2 id='hosts'>Top hosts</h2>",
        f"<p>{data['hosts']} hosts among the kept documents; the top {TOP_HOSTS}:</p>",
        barh("hosts", [h for h, _ in data["top_hosts"]], [n for _, n in data["top_hosts"]], "kept documents"),
    ]


def _training_sections(r: Mapping[str, Any]) -> list[str]:
    """URL-stage drops, PII masked, tokens."""
    t = r["training"]
    url_rows = list(t["url_dropped"].items())
    url_note = (f"{sum(n for _, n in url_rows)} pages dropped by the URL stage before extraction (never extracted)."
                if t["url_stage_on"] else "The URL stage is off (<code>pipeline.stages</code> does not list "
                "<code>url</code>).")  # fmt: skip
    if t["pii_masked"] is None:
        pii = "<p>PII masking is off (<code>pii.enabled</code>).</p>"
    else:
        pii = (f"<p>Values masked in the kept text ({_e(t['pii_replacement'])}s), per kind; each document's "
               "counts are in <code>pii_counts</code>.</p>" + _table(("kind", "values masked"), t["pii_masked"].items()))  # fmt: skip
    if t["tokenizer"] is None:
        tok = f"<p id='tokens-off'>{TOKENS_OFF}</p>"
    else:
        tok = (f"<p>{t['tokens']} tokens in the kept text with <code>{_e(t['tokenizer'])}</code> "
               "(<code>n_tokens</code> per document).</p>"
               + _table(("language", "tokens"), (t["tokens_by_lang"] or {}).items()))  # fmt: skip
    return [
        "<h2 id='training'>Training-ready output</h2>",
        f"<h3>Blocked URLs</h3><p>{url_note}</p>",
        _table(("reason", "pages"), url_rows),
        "<h3>Personal data masked</h3>",
        pii,
        "<h3>Tokens</h3>",
        tok,
    ]


def _sample_sections(r: Mapping[str, Any]) -> list[str]:
    """Sampled kept and rejected documents, failed records and the outputs."""
    audit_by_id: dict[str, list[Mapping[str, Any]]] = {}
    for a in r["_audit"]:
        audit_by_id.setdefault(a["id"], []).append(a)
    kept_html = "".join(_kept_sample(row, audit_by_id.get(row["id"], [])) for row in r["_kept_samples"])
    rejected_html = "".join(
        f'<div class="sample rejected"><div class="h"><b>{_e(s["stage"])}/{_e(s["reason"])}</b> · '
        f"{_e(s.get('detail'))} · id {_e(s['id'])} · {_e(s.get('url') or s['source'] + ' ' + s['source_record'])}"
        f"</div><pre>{_e(_cut(s['text']))}</pre></div>"
        for s in r["_rejected_samples"]
    )
    errors_html = _table(
        ("stage", "error", "source", "record"),
        ((e["stage"], (e["error"] or "")[:300], e["source"], e["source_record"]) for e in r["_error_samples"]),
    )
    return [
        "<h2 id='kept-samples'>Kept documents (sampled)</h2>",
        "<p>Removed lines are highlighted (from the audit rows in <code>rejected/</code>, unit <code>lines</code>, "
        "for the documents the audit sample rates picked).</p>",
        kept_html or "<p>no kept documents</p>",
        "<h2 id='rejected-samples'>Rejected documents per reason (sampled)</h2>",
        _table(("stage/reason", "rows in rejected/"), r["rejected_rows"].items()),
        rejected_html or "<p>no rejected rows</p>",
        "<h2 id='errors'>Failed records</h2>",
        _table(("stage", "rows in errors/"), r["error_rows"].items()),
        errors_html,
        f"<h2>Outputs</h2><p>{r['shards'][DATA]} data shards, {r['shards'][REJECTED]} rejected, "
        f"{r['shards'][ERRORS]} errors. The numbers of this page: "
        "<code>script#crawlwash-report</code> (JSON).</p>",
    ]


def render(r: Mapping[str, Any]) -> str:
    """The page of `collect`'s numbers."""
    public = {k: v for k, v in r.items() if not k.startswith("_")}
    embedded = json.dumps(public, sort_keys=True).replace("</", "<\\/")
    sections = _overview_sections(r) + _data_sections(r) + _training_sections(r) + _sample_sections(r)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>crawlwash report: {_e(r['out_dir'])}</title><style>{_CSS}</style></head><body><main>"
        + "\n".join(sections)
        + f'\n<script type="application/json" id="crawlwash-report">{embedded}</script>'
        + "</main></body></html>\n"
    )


def write_report(out_dir: str, card: bool = True) -> list[str]:
    """Write OUT/report.html (and the dataset card OUT/README.md) for the complete run in `out_dir`; returns
    the paths written."""
    from pipelines.card import write_card

    started = time.monotonic()
    run = open_run(out_dir)
    numbers = collect(run)
    path = FileSystems.join(out_dir, REPORT)
    with FileSystems.create(path) as f:
        f.write(render(numbers).encode("utf-8"))
    written = [path]
    if card:
        written.append(write_card(run, numbers))
    log.info("wrote %s in %.1f s", ", ".join(written), time.monotonic() - started)
    return written
