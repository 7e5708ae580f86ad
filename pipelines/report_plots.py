"""The report's plots: matplotlib figures inlined as SVG (labels as SVG text, a fixed hash salt and no date, so
the same run gives the same bytes). `pipelines/report.py` collects the numbers and lays out the HTML.

The figures are built with matplotlib's object API (`matplotlib.figure.Figure`, saved by the SVG backend) and never
through `pyplot`: pyplot imports a GUI-backend machinery the report does not need, and that import was a third of a
second of every run's fixed cost. matplotlib itself is imported only when the first plot is drawn."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["barh", "plot_clusters", "plot_drops", "plot_funnel", "plot_lengths", "plot_removed"]

_PALETTE = ["#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C", "#CCB974",
            "#64B5CD"]  # fmt: skip


def _svg(fig: Any, name: str) -> str:
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": name, "svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buf.getvalue()
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text[text.find("<svg") :], flags=re.S)
    return f'<figure class="plot" id="plot-{name}">{text}</figure>'


def _subplots(width: float, height: float, **kwargs: Any) -> tuple[Any, Any]:
    """A figure and its axes (`Figure.subplots`), with no pyplot state: nothing to close, no backend to pick."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    return fig, fig.subplots(**kwargs)


def _figure(height: float) -> tuple[Any, Any]:
    fig, ax = _subplots(8.0, height)
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def _empty(ax: Any, what: str) -> None:
    ax.text(0.5, 0.5, what, ha="center", va="center", transform=ax.transAxes, color="#666")
    ax.set_xticks([])
    ax.set_yticks([])


def barh(name: str, labels: list[str], values: list[int], xlabel: str, colors: list[str] | None = None) -> str:
    fig, ax = _figure(max(1.6, 0.28 * len(labels) + 0.8))
    if not labels:
        _empty(ax, "nothing to show")
    else:
        y = np.arange(len(labels))
        ax.barh(y, values, color=colors or _PALETTE[0])
        ax.set_yticks(y, labels, fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel(xlabel)
        for yi, v in zip(y, values):
            ax.text(v, yi, f" {v}", va="center", fontsize=7)
    return _svg(fig, name)


def plot_funnel(funnel: list[dict[str, Any]], read: int) -> str:
    labels = ["read (records)"] + [f"after {row['stage']}" for row in funnel]
    return barh("funnel", labels, [read] + [row["left"] for row in funnel], "documents left")


def plot_drops(dropped: Mapping[str, Mapping[str, int]], failed: Mapping[str, int], stages: list[str]) -> str:
    labels, values, colors = [], [], []
    for i, stage in enumerate(stages):
        color = _PALETTE[i % len(_PALETTE)]
        for reason, n in sorted(dropped.get(stage, {}).items(), key=lambda kv: -kv[1]):
            labels.append(f"{stage}/{reason}")
            values.append(n)
            colors.append(color)
        if failed.get(stage):
            labels.append(f"{stage} (failed)")
            values.append(failed[stage])
            colors.append("#C44E52")
    return barh("drops", labels, values, "records", colors)


def plot_lengths(data: Mapping[str, Any]) -> str:
    fig, ax = _figure(3.2)
    if not data["rows"]:
        _empty(ax, "no kept documents")
    else:
        x = np.arange(len(data["length_bins"]))
        ax.bar(x - 0.2, data["length_before"], width=0.4, label="after extraction", color=_PALETTE[7])
        ax.bar(x + 0.2, data["length_after"], width=0.4, label="after cleaning (kept text)", color=_PALETTE[0])
        ax.set_xticks(x, data["length_bins"], rotation=45, ha="right", fontsize=8)
        ax.set_xlabel("characters per kept document")
        ax.set_ylabel("documents")
        ax.legend(frameon=False)
    return _svg(fig, "lengths")


def plot_removed(removed: Mapping[str, Mapping[str, int]]) -> str:
    labels = list(removed)
    fig, axes = _subplots(9.0, max(1.6, 0.3 * len(labels) + 0.8), ncols=2, sharey=True)
    if not labels:
        for ax in axes:
            _empty(ax, "no lines removed")
    else:
        y = np.arange(len(labels))
        for ax, what, color in ((axes[0], "lines", _PALETTE[3]), (axes[1], "chars", _PALETTE[1])):
            values = [removed[k][what] for k in labels]
            ax.barh(y, values, color=color)
            ax.set_xlabel(f"{what} removed")
            ax.spines[["top", "right"]].set_visible(False)
            for yi, v in zip(y, values):
                ax.text(v, yi, f" {v}", va="center", fontsize=7)
        axes[0].set_yticks(y, labels, fontsize=8)
        axes[0].invert_yaxis()
    return _svg(fig, "removed")


def plot_clusters(sizes: Mapping[str, int]) -> str:
    fig, ax = _figure(2.6)
    if not sizes:
        _empty(ax, "no near-duplicate clusters")
    else:
        labels = list(sizes)
        ax.bar(np.arange(len(labels)), [sizes[k] for k in labels], color=_PALETTE[4])
        ax.set_xticks(np.arange(len(labels)), labels, fontsize=8)
        ax.set_xlabel("cluster size (documents, the kept one included)")
        ax.set_ylabel("clusters")
    return _svg(fig, "clusters")
