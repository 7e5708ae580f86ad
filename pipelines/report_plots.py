"""The report's plots: bar charts written as inline SVG by this module (labels as SVG text in the page's fonts, no
date, no random ids: the same run gives the same bytes). `pipelines/report.py` collects the numbers and lays out
the HTML.

Why not a plotting library: the report has four kinds of bar chart, and matplotlib (which drew them until
2026-12) cost 0.7 s of every run, a quarter of a small run's fixed cost: 0.28 s to import it and 0.42 s to draw
the seven figures (its SVG backend lays every figure out twice for `bbox_inches="tight"`). The light SVG libraries
do not fit a deterministic, script-free page: pygal writes a random chart id, the date and a `<script>` into
every chart, and leather has a fixed 120-pixel label margin and no axis titles or value labels. What is drawn
here is bars, ticks at steps of 1, 2, 2.5 or 5 times a power of ten, tick labels, axis titles, value labels and a
legend; text widths are estimated from the character count (`_text_width`), generously, since the page's font is
not known here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

__all__ = ["barh", "plot_clusters", "plot_drops", "plot_funnel", "plot_lengths", "plot_removed"]

_PALETTE = ["#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C", "#CCB974",
            "#64B5CD"]  # fmt: skip

WIDTH = 800  # px: the width of every plot (the page shows it at most this wide, narrower on a small screen)
_TICK_FONT = 11
_TITLE_FONT = 12
_VALUE_FONT = 10
_ROW = 22  # px per bar of a horizontal bar chart
_MAX_COLUMN = 56  # px: the widest bar of a column chart (a few categories would give very wide ones)
_MAX_LABEL_CHARS = 60  # longer category labels are cut (with "…"; the whole label is the bar's tooltip)
_GRID = "#e6e6e6"
_AXIS = "#888"
_MUTED = "#666"


def _text_width(text: str, size: float) -> float:
    """A generous estimate of `text`'s width in a sans-serif font of `size` px (0.62 em per character; wide
    characters, CJK and the like, count as one em)."""
    return sum(size if ord(c) >= 0x1100 else 0.62 * size for c in text)


def _short(label: str) -> str:
    return label if len(label) <= _MAX_LABEL_CHARS else label[: _MAX_LABEL_CHARS - 1] + "…"


def _num(v: float) -> str:
    """A number as a tick or value label: integers with thousands separators, else at most 3 significant digits."""
    if float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:.3g}"


def _ticks(top: float, target: int = 5) -> list[int]:
    """Ticks 0, s, 2s, ... up to the first one at or above `top`: s is the smallest of 1, 2, 5, 10, 20, 25, 50,
    100, 200, 250, ... that needs at most `target` intervals (the plots count things: whole numbers)."""
    if top <= 0:
        return [0, 1]
    power = 1
    while True:
        for m in (1, 2, 5) if power == 1 else (1, 2, 2.5, 5):
            step = int(m * power)
            if top <= step * target:
                return [i * step for i in range(math.ceil(top / step) + 1)]
        power *= 10


def _text(x: float, y: float, text: str, size: float = _TICK_FONT, anchor: str = "start", fill: str = "#222",
          extra: str = "") -> str:  # fmt: skip
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{extra}>'
            f"{escape(text)}</text>")  # fmt: skip


def _svg(name: str, height: float, body: list[str], title: str) -> str:
    h = math.ceil(height)
    return (f'<figure class="plot" id="plot-{name}"><svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
            f'height="{h}" viewBox="0 0 {WIDTH} {h}" role="img" font-family="system-ui,-apple-system,'
            f"'Segoe UI',sans-serif\"><title>{escape(title)}</title>{''.join(body)}</svg></figure>")  # fmt: skip


def _empty(name: str, what: str) -> str:
    return _svg(name, 60, [_text(WIDTH / 2, 35, what, 12, "middle", _MUTED)], what)


def _bar(x: float, y: float, w: float, h: float, color: str, tip: str) -> str:
    return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0.0):.1f}" height="{h:.1f}" fill="{color}">'
            f"<title>{escape(tip)}</title></rect>")  # fmt: skip


def _hpanels(name: str, labels: Sequence[str], panels: Sequence[tuple[Sequence[int], Sequence[str], str]],
             title: str) -> str:  # fmt: skip
    """Horizontal bars, one row per label (first at the top), in one or more panels side by side that share the
    labels; a panel is (values, a color per bar, x-axis title), with its own scale and its value labels."""
    shown = [_short(label) for label in labels]
    label_w = max(_text_width(s, _TICK_FONT) for s in shown) + 10
    top, row = 8, _ROW
    plot_h = row * len(labels)
    bottom = top + plot_h
    height = bottom + 18 + _TITLE_FONT + 10
    body: list[str] = []
    for i, s in enumerate(shown):
        body.append(_text(label_w - 6, top + row * i + row / 2 + 4, s, _TICK_FONT, "end"))
    gap = 16
    panel_w = (WIDTH - label_w - 8 - gap * (len(panels) - 1)) / len(panels)
    for p, (values, colors, xtitle) in enumerate(panels):
        vmax = max(values, default=0)
        value_w = _text_width(" " + _num(vmax), _VALUE_FONT) + 4
        x0 = label_w + p * (panel_w + gap)
        span = panel_w - value_w
        ticks = _ticks(vmax)
        scale = span / ticks[-1]
        for t in ticks:
            x = x0 + t * scale
            body.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="{_GRID}"/>')
            body.append(_text(x, bottom + 14, _num(t), _TICK_FONT, "middle", _MUTED))
        for i, v in enumerate(values):
            y = top + row * i + row * 0.14
            body.append(_bar(x0, y, v * scale, row * 0.72, colors[i], f"{labels[i]}: {_num(v)}"))
            body.append(_text(x0 + v * scale + 2, top + row * i + row / 2 + 3.5, _num(v), _VALUE_FONT))
        body.append(f'<line x1="{x0:.1f}" y1="{top}" x2="{x0:.1f}" y2="{bottom}" stroke="{_AXIS}"/>')
        body.append(f'<line x1="{x0:.1f}" y1="{bottom}" x2="{x0 + span:.1f}" y2="{bottom}" stroke="{_AXIS}"/>')
        body.append(_text(x0 + span / 2, bottom + 18 + _TITLE_FONT, xtitle, _TITLE_FONT, "middle"))
    return _svg(name, height, body, title)


def _columns(name: str, labels: Sequence[str], series: Sequence[tuple[Sequence[int], str, str]], ytitle: str,
             xtitle: str, rotate: bool = False) -> str:  # fmt: skip
    """Vertical bars, one group per label, one bar per series in each group: a series is (values, color, name);
    with more than one series a legend names them. `rotate` slants the category labels (long bin names)."""
    vmax = max((v for values, _, _ in series for v in values), default=0)
    ticks = _ticks(vmax)
    tick_w = max(_text_width(_num(t), _TICK_FONT) for t in ticks)
    x0 = 8 + _TITLE_FONT + 8 + tick_w + 6  # y title (rotated), tick labels, axis
    x1 = WIDTH - 8
    top = 8 + (_TICK_FONT + 10 if len(series) > 1 else 0)
    label_h = max(_text_width(s, _TICK_FONT) for s in labels) * 0.71 + 8 if rotate else _TICK_FONT + 6
    plot_h = 200
    bottom = top + plot_h
    height = bottom + 6 + label_h + _TITLE_FONT + 12
    scale = plot_h / ticks[-1]
    body: list[str] = []
    for t in ticks:
        y = bottom - t * scale
        body.append(f'<line x1="{x0:.1f}" y1="{y:.1f}" x2="{x1}" y2="{y:.1f}" stroke="{_GRID}"/>')
        body.append(_text(x0 - 5, y + 4, _num(t), _TICK_FONT, "end", _MUTED))
    slot = (x1 - x0) / max(len(labels), 1)
    bar_w = min(slot * 0.8 / len(series), _MAX_COLUMN)
    for i, label in enumerate(labels):
        left = x0 + slot * (i + 0.5) - bar_w * len(series) / 2
        for k, (values, color, what) in enumerate(series):
            v = values[i]
            tip = f"{label}: {_num(v)}" + (f" ({what})" if len(series) > 1 else "")
            body.append(_bar(left + k * bar_w, bottom - v * scale, bar_w, v * scale, color, tip))
        cx = x0 + slot * (i + 0.5)
        if rotate:
            body.append(_text(cx, bottom + 12, label, _TICK_FONT, "end", "#222",
                              f' transform="rotate(-45 {cx:.1f} {bottom + 12:.1f})"'))  # fmt: skip
        else:
            body.append(_text(cx, bottom + 15, label, _TICK_FONT, "middle"))
    body.append(f'<line x1="{x0:.1f}" y1="{top}" x2="{x0:.1f}" y2="{bottom}" stroke="{_AXIS}"/>')
    body.append(f'<line x1="{x0:.1f}" y1="{bottom}" x2="{x1}" y2="{bottom}" stroke="{_AXIS}"/>')
    body.append(_text((x0 + x1) / 2, height - 8, xtitle, _TITLE_FONT, "middle"))
    ymid = (top + bottom) / 2
    body.append(_text(8 + _TITLE_FONT, ymid, ytitle, _TITLE_FONT, "middle", "#222",
                      f' transform="rotate(-90 {8 + _TITLE_FONT} {ymid:.1f})"'))  # fmt: skip
    if len(series) > 1:
        x = x1
        for values, color, what in reversed(series):
            w = _text_width(what, _TICK_FONT)
            x -= w
            body.append(_text(x, 8 + _TICK_FONT, what, _TICK_FONT))
            x -= 16
            body.append(f'<rect x="{x:.1f}" y="{8 + 1}" width="11" height="11" fill="{color}"/>')
            x -= 14
    return _svg(name, height, body, f"{ytitle} by {xtitle}")


def barh(name: str, labels: list[str], values: list[int], xlabel: str, colors: list[str] | None = None) -> str:
    """Horizontal bars, the first label at the top, each bar with its value."""
    if not labels:
        return _empty(name, "nothing to show")
    return _hpanels(name, labels, [(values, colors or [_PALETTE[0]] * len(values), xlabel)], f"{xlabel} by {name}")


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
    if not data["rows"]:
        return _empty("lengths", "no kept documents")
    series = [(data["length_before"], _PALETTE[7], "after extraction"),
              (data["length_after"], _PALETTE[0], "after cleaning (kept text)")]  # fmt: skip
    return _columns("lengths", [str(b) for b in data["length_bins"]], series, "documents",
                    "characters per kept document", rotate=True)  # fmt: skip


def plot_removed(removed: Mapping[str, Mapping[str, int]]) -> str:
    labels = list(removed)
    if not labels:
        return _empty("removed", "no lines removed")
    panels = [([removed[k][what] for k in labels], [color] * len(labels), f"{what} removed")
              for what, color in (("lines", _PALETTE[3]), ("chars", _PALETTE[1]))]  # fmt: skip
    return _hpanels("removed", labels, panels, "lines and characters removed by stage/reason")


def plot_clusters(sizes: Mapping[str, int]) -> str:
    if not sizes:
        return _empty("clusters", "no near-duplicate clusters")
    labels = list(sizes)
    return _columns("clusters", [str(k) for k in labels], [([sizes[k] for k in labels], _PALETTE[4], "clusters")],
                    "clusters", "cluster size (documents, the kept one included)")  # fmt: skip
