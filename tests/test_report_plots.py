"""The report's SVG bar charts (`pipelines/report_plots.py`): ticks, scale, labels, escaping, stable bytes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from pipelines.report_plots import _ticks, barh, plot_clusters, plot_lengths, plot_removed

SVG = "{http://www.w3.org/2000/svg}"


def _svg(figure: str) -> ET.Element:
    m = re.fullmatch(r'<figure class="plot" id="plot-[a-z]+">(<svg .*</svg>)</figure>', figure, re.S)
    assert m, figure[:200]
    return ET.fromstring(m.group(1))  # well-formed XML, or this raises


def test_ticks_are_whole_1_2_5_steps_up_to_the_first_at_or_above_the_top() -> None:
    assert _ticks(990) == [0, 200, 400, 600, 800, 1000]
    assert _ticks(15) == [0, 5, 10, 15]
    assert _ticks(3) == [0, 1, 2, 3]
    assert _ticks(7) == [0, 2, 4, 6, 8]
    assert _ticks(123_456) == [0, 25_000, 50_000, 75_000, 100_000, 125_000]
    assert _ticks(0) == [0, 1]


def test_barh_draws_one_bar_per_label_to_scale_with_its_value_and_tooltip() -> None:
    fig = barh("funnel", ["read (records)", "after <url> & co"], [990, 495], "documents left")
    svg = _svg(fig)
    bars = svg.findall(f"{SVG}rect")
    assert [b.find(f"{SVG}title").text for b in bars] == ["read (records): 990", "after <url> & co: 495"]
    widths = [float(b.get("width")) for b in bars]
    assert abs(widths[0] / widths[1] - 2) < 0.01
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "after <url> & co" in texts and "documents left" in texts and "1,000" in texts  # last tick
    assert "&lt;url&gt; &amp; co" in fig  # escaped in the page
    assert "<script" not in fig and "url(" not in fig


def test_plots_are_the_same_bytes_for_the_same_numbers() -> None:
    data = {"rows": 3, "length_bins": ["0-99", "100-199"], "length_before": [2, 1], "length_after": [1, 2]}
    assert plot_lengths(data) == plot_lengths(dict(data))
    svg = _svg(plot_lengths(data))
    assert [r.find(f"{SVG}title").text for r in svg.findall(f"{SVG}rect") if r.find(f"{SVG}title") is not None] == [
        "0-99: 2 (after extraction)", "0-99: 1 (after cleaning (kept text))",
        "100-199: 1 (after extraction)", "100-199: 2 (after cleaning (kept text))",
    ]  # fmt: skip
    legend = [t.text for t in svg.iter(f"{SVG}text")]
    assert "after extraction" in legend and "after cleaning (kept text)" in legend


def test_two_panels_share_the_labels_and_empty_plots_say_so() -> None:
    svg = _svg(plot_removed({"language/foreign_script": {"lines": 3, "chars": 120}}))
    assert [r.find(f"{SVG}title").text for r in svg.findall(f"{SVG}rect")] == [
        "language/foreign_script: 3", "language/foreign_script: 120"]  # fmt: skip
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts.count("language/foreign_script") == 1 and "lines removed" in texts and "chars removed" in texts
    assert "no near-duplicate clusters" in plot_clusters({})
    assert "nothing to show" in barh("hosts", [], [], "kept documents")
    assert [r.find(f"{SVG}title").text for r in _svg(plot_clusters({"2": 4, "3": 1})).findall(f"{SVG}rect")] == [
        "2: 4", "3: 1"]  # fmt: skip
