"""Distributed connected components in Beam: alternating large-star / small-star rounds (Kiveris et al., 2014).

Input: a PCollection of edges `(u, v)` between comparable, deterministically encodable nodes (str, or tuples of
str/int). Output: `(node, label)` for every node that appears in an edge, where `label` is the smallest node of its
connected component. Nodes without edges are not in the output (callers treat them as singletons).

Why this algorithm: every step is a GroupByKey by node whose output has at most as many edges as its input (no
step ever holds a component, all ids or all edges on one worker; a reducer streams one node's adjacency twice:
once for the minimum, once to emit), and it converges in O(log^2 n) rounds (a few in practice: near-duplicate
clusters are shallow). Hash-to-min converges in fewer rounds but can send a whole component to one node.

- Large-star(u): m = min(N(u) + {u}); for each neighbour v > u, emit edge (v, m).
- Small-star(u): over the neighbours v <= u only, m = min(N'(u) + {u}); for each v in N'(u) + {u}, v != m,
  emit edge (v, m).

Beam graphs are static, so `max_rounds` (large-star + small-star) rounds are unrolled; a round on a converged
graph is a cheap no-op. Each round is two GroupByKeys and two FlatMaps: a step's reducer and the keying of the next
step run as one function, so every fused stage holds one user function (on the local runner each stage's setup
costs in proportion to them, and a round on no edges costs only that setup). The result is checked: at convergence the edges form stars whose centres are the
component minima (every edge points from a node to a centre, and no centre points anywhere). If some node is
still not in such a star after `max_rounds`, the transform fails loudly (`on_unconverged="fail"`, the default:
raise max_rounds) or, with `on_unconverged="partial"`, labels each node with the smallest node it reached (this
can only split a component, never merge two) and counts the nodes in the Beam counter
`crawlwash/components.unconverged_nodes`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Literal

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms.core.stage import METRICS_NAMESPACE

__all__ = ["ConnectedComponents", "NotConvergedError", "large_star", "small_star", "star_check"]


class NotConvergedError(RuntimeError):
    """Connected components did not converge within max_rounds."""


def large_star(element: tuple[Any, Iterable[Any]]) -> Iterator[tuple[Any, Any]]:
    """Large-star reducer for one node and its neighbours (both directions)."""
    u, neighbours = element
    m = u
    for v in neighbours:
        m = min(m, v)
    for v in neighbours:
        if v > u:
            yield (v, m)


def small_star(element: tuple[Any, Iterable[Any]]) -> Iterator[tuple[Any, Any]]:
    """Small-star reducer for one node and its neighbours that are not larger than it."""
    u, smaller = element
    m = u
    for v in smaller:
        m = min(m, v)
    if u != m:
        yield (u, m)
    for v in smaller:
        if v != m:
            yield (v, m)


def _both_directions(edge: tuple[Any, Any]) -> Iterator[tuple[Any, Any]]:
    u, v = edge
    if u != v:
        yield (u, v)
        yield (v, u)


def _to_larger(edge: tuple[Any, Any]) -> Iterator[tuple[Any, Any]]:
    u, v = edge
    if u < v:
        yield (v, u)
    elif v < u:
        yield (u, v)


def _star_parts(edge: tuple[Any, Any]) -> Iterator[tuple[Any, Any]]:
    # After convergence an edge is (leaf, centre) with centre < leaf. The centre labels itself.
    u, v = edge
    child, parent = (u, v) if v < u else (v, u)
    if child != parent:
        yield (child, parent)
        yield (parent, parent)


def _large_star_keyed(element: tuple[Any, Iterable[Any]]) -> Iterator[tuple[Any, Any]]:
    # large-star, keyed for the small-star step
    for edge in large_star(element):
        yield from _to_larger(edge)


def _small_star_keyed(element: tuple[Any, Iterable[Any]], star_parts: bool) -> Iterator[tuple[Any, Any]]:
    # small-star, keyed for the next round's large-star step (or, after the last round, for the star check)
    for edge in small_star(element):
        yield from (_star_parts if star_parts else _both_directions)(edge)


def star_check(element: tuple[Any, Iterable[Any]]) -> tuple[Any, Any, bool]:
    """(node, label, converged) from the parents a node points to (itself when it is a centre)."""
    node, parents = element
    label = node
    is_centre = False
    distinct_parents: set[Any] = set()
    for p in parents:
        if p == node:
            is_centre = True
        else:
            if len(distinct_parents) < 2:
                distinct_parents.add(p)
            label = min(label, p)
    # Converged: a leaf with exactly one centre, or a centre that points nowhere.
    ok = (is_centre and not distinct_parents) or (not is_centre and len(distinct_parents) == 1)
    return node, label, ok


class _LabelFn(beam.DoFn):
    def __init__(self, on_unconverged: str, max_rounds: int) -> None:
        super().__init__()
        self._on_unconverged = on_unconverged
        self._max_rounds = max_rounds
        self._unconverged = Metrics.counter(METRICS_NAMESPACE, "components.unconverged_nodes")

    def process(self, element: tuple[Any, Any, bool], bad_total: int) -> Iterator[tuple[Any, Any]]:
        node, label, ok = element
        if bad_total and self._on_unconverged == "fail":
            raise NotConvergedError(
                f"connected components did not converge in max_rounds={self._max_rounds} "
                f"({bad_total} nodes not in a star); raise dedup.near.max_rounds"
            )
        if not ok:
            self._unconverged.inc()
        yield (node, label)


class ConnectedComponents(beam.PTransform):
    """Label every node of an edge list with the smallest node of its connected component."""

    def __init__(self, max_rounds: int = 8, on_unconverged: Literal["fail", "partial"] = "fail") -> None:
        super().__init__()
        if max_rounds < 1:
            raise ValueError("max_rounds must be >= 1")
        if on_unconverged not in ("fail", "partial"):
            raise ValueError("on_unconverged must be 'fail' or 'partial'")
        self._max_rounds = max_rounds
        self._on_unconverged = on_unconverged

    def expand(self, edges: beam.PCollection) -> beam.PCollection:
        # edges: (u, v); each round's input is keyed both ways for the large-star step
        keyed = edges | "BothDirections" >> beam.FlatMap(_both_directions)
        last = self._max_rounds - 1
        for i in range(self._max_rounds):
            to_smaller = (
                keyed
                | f"LargeStarGroup{i}" >> beam.GroupByKey()
                | f"LargeStar{i}" >> beam.FlatMap(_large_star_keyed)
            )
            keyed = (
                to_smaller
                | f"SmallStarGroup{i}" >> beam.GroupByKey()
                | f"SmallStar{i}" >> beam.FlatMap(_small_star_keyed, star_parts=i == last)
            )
        # checked: (node, label, converged)
        checked = (
            keyed  # the last round's edges as star parts
            | "GroupByNode" >> beam.GroupByKey()
            | "StarCheck" >> beam.Map(star_check)
        )
        bad_total = (
            checked
            | "CountUnconverged" >> beam.Map(lambda t: 0 if t[2] else 1)
            | "SumUnconverged" >> beam.CombineGlobally(sum)
        )
        return checked | "Label" >> beam.ParDo(
            _LabelFn(self._on_unconverged, self._max_rounds), beam.pvalue.AsSingleton(bad_total)
        )
