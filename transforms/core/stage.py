"""The Beam side of the stage contract: a DoFn that routes each result to kept / dropped / failed.

A stage's pure core takes a `Doc` and returns a `Doc` (kept, possibly a changed copy), a `Dropped`, a `Failed`,
or an iterable of those. `StageFn` wraps such a core: it loads heavy things once per worker in `setup()`, turns
an unexpected exception on one record into a `Failed` row (the job goes on), and mirrors the outcome in Beam
counters (the ledger itself never depends on metrics: it is computed from the data).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

import apache_beam as beam
from apache_beam import pvalue
from apache_beam.metrics import Metrics

from transforms.core.beam_signatures import install as _install_signature_cache
from transforms.core.coders import register as _register_coders
from transforms.core.doc import Doc, Dropped, Failed, TransientError

__all__ = ["DROPPED", "FAILED", "KEPT", "StageFn", "StageOutputs", "apply_stage", "route", "typed_outputs"]

_register_coders()  # Docs, Dropped and Failed cross Beam boundaries with their own coders, never pickled
_install_signature_cache()  # Beam's DoFn method signatures, once per function (transforms/core/beam_signatures.py)

KEPT = "kept"
DROPPED = "dropped"
FAILED = "failed"
METRICS_NAMESPACE = "crawlwash"


class StageOutputs(NamedTuple):
    kept: beam.PCollection
    dropped: beam.PCollection
    failed: beam.PCollection


def route(results: Doc | Dropped | Failed | Iterable[Doc | Dropped | Failed]) -> Iterator:
    """Turn a core's result(s) into Beam outputs: Docs on the main output, the rest tagged."""
    if isinstance(results, (Doc, Dropped, Failed)):
        results = (results,)
    for r in results:
        if isinstance(r, Doc):
            yield r
        elif isinstance(r, Dropped):
            yield pvalue.TaggedOutput(DROPPED, r)
        elif isinstance(r, Failed):
            yield pvalue.TaggedOutput(FAILED, r)
        else:  # a bug in a stage core, not bad input
            raise TypeError(f"stage produced {type(r).__name__}, expected Doc, Dropped or Failed")


class StageFn(beam.DoFn):
    """Base DoFn of a per-document stage. Subclasses set `stage` and implement `apply(doc)`."""

    stage: str = "stage"

    def __init__(self) -> None:
        super().__init__()
        self._kept = Metrics.counter(METRICS_NAMESPACE, f"{self.stage}.kept")
        self._dropped = Metrics.counter(METRICS_NAMESPACE, f"{self.stage}.dropped")
        self._failed = Metrics.counter(METRICS_NAMESPACE, f"{self.stage}.failed")

    def apply(self, doc: Doc, *side: Any) -> Doc | Dropped | Failed | Iterable[Doc | Dropped | Failed]:
        """The stage's decision for one document; `side` holds the DoFn's side inputs, if any."""
        raise NotImplementedError

    def warm_up(self, doc: Doc) -> None:
        """Get ready for documents like `doc` (start a helper process, load a model) before the first one is
        timed: the map phase calls it on the first stage of its chain with the first document of a split, and
        counts its time apart from the per-document steps. Nothing here."""

    # True when `prefetch` starts work that runs while the caller goes on (another process on another CPU): the map
    # phase then hands documents over one at a time instead of in batches, unless the runner leaves no CPU to spare
    # (`MapSpec.overlap`). Read after `setup`.
    overlaps = False

    def prefetch(self, doc: Doc | None) -> None:
        """`doc` is the next document this stage will be asked about (None: nothing follows): a stage may start
        its work on it now, to run while the caller does other work. Nothing here; the map phase calls it on the
        first stage of its chain (extraction) once that stage is done with the current document."""

    def process(self, doc, *side):  # no annotations: Beam would read them as type hints on side inputs
        yield from self.outcomes(doc, *side)

    def outcomes(self, doc: Doc, *side: Any) -> Iterator:
        """Run `apply` on one document and route its results; an exception becomes a Failed row."""
        try:
            outputs = list(route(self.apply(doc, *side)))
        except TransientError:
            raise
        except Exception as exc:  # noqa: BLE001 -- one bad record must not stop the job: it becomes an errors/ row
            self._failed.inc()
            yield pvalue.TaggedOutput(FAILED, Failed.of(doc, self.stage, Failed.describe(exc)))
            return
        for out in outputs:
            if isinstance(out, pvalue.TaggedOutput):
                (self._dropped if out.tag == DROPPED else self._failed).inc()
            else:
                self._kept.inc()
            yield out


def typed_outputs(res: beam.pvalue.DoOutputsTuple) -> StageOutputs:
    """A stage ParDo's three outputs with their record types (Doc; Dropped and Failed tagged), so Beam uses the
    record coders of `transforms.coders`. Beam 2.62 takes no per-tag output type hints, so the tagged outputs get
    their element type here, before anything consumes them (the main output's comes from `with_output_types`)."""
    dropped, failed = res[DROPPED], res[FAILED]
    dropped.element_type, failed.element_type = Dropped, Failed
    return StageOutputs(res[KEPT], dropped, failed)


def apply_stage(pcoll: beam.PCollection, label: str, fn: beam.DoFn) -> StageOutputs:
    """Apply a stage DoFn and return its three outputs."""
    return typed_outputs(
        pcoll | label >> beam.ParDo(fn).with_output_types(Doc).with_outputs(DROPPED, FAILED, main=KEPT)
    )
