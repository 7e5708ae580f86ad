"""The cache of Beam's method signatures (transforms/core/beam_signatures.py) answers what Beam itself answers."""

from __future__ import annotations

import types

import apache_beam as beam
from apache_beam.transforms import core

from pipelines.config import load_config
from pipelines.pipeline import build_pipeline
from tests.conftest import WARC_DIR
from transforms.core import beam_signatures


def _pipeline_dofns(tmp_path) -> list[beam.DoFn]:  # noqa: ANN001
    cfg = load_config(None, [f"input.paths=[{WARC_DIR}/*.warc.gz]", f"output.dir={tmp_path / 'out'}"])
    p = beam.Pipeline()
    build_pipeline(p, cfg)
    fns: list[beam.DoFn] = []

    class Visit(beam.pipeline.PipelineVisitor):
        def visit_transform(self, node) -> None:  # noqa: ANN001
            if isinstance(node.transform, beam.ParDo):
                fns.append(node.transform.fn)

    p.visit(Visit())
    return fns


def test_every_method_of_every_dofn_gets_beams_own_answer(tmp_path) -> None:  # noqa: ANN001
    beam_signatures.install()
    assert core.get_function_args_defaults is beam_signatures._args_defaults
    own = beam_signatures._beam_args_defaults
    fns = _pipeline_dofns(tmp_path)
    assert len(fns) > 40  # the whole job: crawlwash's DoFns and Beam's own (Map, GroupByKey's, Reshuffle's)
    assert any(type(f).__module__.startswith("transforms.") for f in fns)
    assert any(isinstance(f, core.CallableWrapperDoFn) for f in fns)
    compared = 0
    for fn in fns:
        for name in dir(fn):
            method = getattr(fn, name, None)
            if not isinstance(method, types.MethodType):
                continue
            want = own(method)
            for _ in range(2):  # a miss, then a hit
                got = core.get_function_args_defaults(method)
                assert got == want, (type(fn).__name__, name)
                assert isinstance(got[0], list) and isinstance(got[1], list)
            compared += 1
    assert compared > 1000


def test_lambdas_and_closures_are_never_cached() -> None:
    beam_signatures.install()
    before = len(beam_signatures._CACHE)
    doubled = lambda x, k=2: x * k  # noqa: E731 -- as a beam.Map callable is: unpickled anew for every bundle

    def make():  # noqa: ANN202
        def inner(a, b=None):  # noqa: ANN001, ANN202
            return a

        return inner

    assert core.get_function_args_defaults(doubled) == (["x", "k"], [2])
    assert core.get_function_args_defaults(make()) == (["a", "b"], [None])
    assert len(beam_signatures._CACHE) == before


def test_a_bound_method_and_its_function_are_told_apart() -> None:
    beam_signatures.install()

    class Fn(beam.DoFn):
        def process(self, element, w=beam.DoFn.WindowParam):  # noqa: ANN001, ANN201
            yield element

    fn = Fn()
    bound = core.get_function_args_defaults(fn.process)
    plain = core.get_function_args_defaults(Fn.process)  # "<locals>" in its name: not cached either
    assert bound == (["element", "w"], [beam.DoFn.WindowParam])
    assert plain == (["self", "element", "w"], [beam.DoFn.WindowParam])
    stage_fn = beam_signatures._CACHE  # a class-level method of a real DoFn: cached per (function, bound)
    from transforms.write.apply import ApplySplitFn

    core.get_function_args_defaults(ApplySplitFn.process)
    core.get_function_args_defaults(beam.DoFn.setup)
    assert (beam.DoFn.setup, False) in stage_fn
    assert core.get_function_args_defaults(beam.DoFn.setup) == (["self"], [])
