"""Dedup transforms under TestPipeline on real texts: URL, exact, near-duplicates, components, incremental."""

from __future__ import annotations

import itertools
import json
import random
from functools import cache
from pathlib import Path

import apache_beam as beam
import pyarrow.parquet as pq
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from tests.conftest import AEB_DIR, SEED_CLEAN, SEED_REPEATED, SEED_SPAM
from transforms import minhash
from transforms.components import ConnectedComponents, NotConvergedError
from transforms.dedup import (
    COLUMNS,
    REASON_DUPLICATE_TEXT,
    REASON_DUPLICATE_URL,
    REASON_NEAR_DUPLICATE,
    REASON_NEAR_DUPLICATE_OF_PRIOR,
    DedupConfig,
    DedupExact,
    Deduplicate,
    DedupNearDuplicates,
    DedupUrls,
    ExactDedupConfig,
    NearDedupConfig,
    UrlDedupConfig,
)
from transforms.doc import Doc

CHAIN_KEYS = (
    "04a6711caa7c687592777718866e781e976e0fe684faebe8b3cedcef8cd0ea34",
    "05844573ca7e1fba714d715bb11ca08c26e25328999c74a1cb3bc8a0e4399f0f",
)
# Small clusters converge in 1-3 rounds; fewer unrolled rounds keep the tests fast on a loaded 2-core machine.
FAST_NEAR = NearDedupConfig(max_rounds=3)
FAST = DedupConfig(near=FAST_NEAR)


@cache
def _aeb() -> dict[str, dict]:
    return json.loads((AEB_DIR / "ground-truth.json").read_text(encoding="utf-8"))


def _articles(n: int) -> list[str]:
    return [v["articleBody"] for v in list(_aeb().values())[:n]]


def _stripped(path: Path) -> str:
    return "\n".join(line.strip() for line in path.read_text(encoding="utf-8").splitlines())


def _doc(doc_id: str, text: str, url: str | None = None, fetch_time: str | None = None) -> Doc:
    return Doc(
        id=doc_id, source="test", source_record=f"line:{doc_id}", text=text, url=url, fetch_time=fetch_time
    )


Case = tuple  # (transform, docs, kept ids, dropped (id, reason, detail) rows, {id: cluster size} or None)


def _run_many(*cases: Case) -> None:
    """Run several transforms in ONE pipeline (pipeline start-up dominates on small inputs) and assert each one's
    kept ids, dropped (id, reason, detail) rows, no failures, and optionally the kept cluster sizes."""
    with TestPipeline() as p:
        for i, (transform, docs, kept_ids, dropped, cluster_sizes) in enumerate(cases):
            out = p | f"Create{i}" >> beam.Create(docs) | f"Case{i}" >> transform
            kept = out.kept | f"KeptIds{i}" >> beam.Map(lambda d: d.id)
            assert_that(kept, equal_to(sorted(kept_ids)), label=f"kept{i}")
            rows = out.dropped | f"DroppedRows{i}" >> beam.Map(lambda d: (d.id, d.reason, d.detail))
            assert_that(rows, equal_to(sorted(dropped)), label=f"dropped{i}")
            assert_that(out.failed, equal_to([]), label=f"failed{i}")
            if cluster_sizes is not None:
                sizes = out.kept | f"Sizes{i}" >> beam.Map(
                    lambda d: (d.id, d.attrs.get("dedup_cluster_size"))
                )
                assert_that(sizes, equal_to(sorted(cluster_sizes.items())), label=f"sizes{i}")


def _run(transform: beam.PTransform, docs: list[Doc], kept_ids, dropped, cluster_sizes=None) -> None:
    _run_many((transform, docs, kept_ids, dropped, cluster_sizes))


def test_columns_declared() -> None:
    assert [(f.name, str(f.type), f.nullable) for f in COLUMNS] == [("dedup_cluster_size", "int32", True)]


def test_config_derives_bands_and_validates() -> None:
    cfg = DedupConfig()
    assert cfg.near.bands_rows() == (16, 8)
    assert cfg.near.verify_cut() == pytest.approx(0.7)
    assert NearDedupConfig(bands=20, rows=5).bands_rows() == (20, 5)
    assert NearDedupConfig(threshold=0.9).bands_rows() != (16, 8)
    with pytest.raises(ValueError):
        NearDedupConfig(bands=20)
    with pytest.raises(ValueError):
        NearDedupConfig(bands=20, rows=8)  # 160 > 128
    with pytest.raises(ValueError):
        DedupConfig.model_validate({"near": {"treshold": 0.7}})
    for section in (DedupConfig, NearDedupConfig, UrlDedupConfig, ExactDedupConfig):
        for name, field in section.model_fields.items():
            assert field.description, f"{section.__name__}.{name} has no description"


def test_url_duplicates_keep_newest_fetch() -> None:
    t = _articles(4)
    docs = [
        _doc("u1", t[0], "https://Example.com/a/?utm_source=x", "2024-05-01T00:00:00Z"),
        _doc("u2", t[1], "https://example.com:443/a", "2024-06-01T00:00:00Z"),
        _doc("u3", t[2], "https://example.com/a#comments", None),
        _doc("u4", t[3], None),
        _doc("u5", t[3] + " more", "https://example.com/b"),
    ]
    _run_many(
        (
            DedupUrls(),
            docs,
            ["u2", "u4", "u5"],
            [("u1", REASON_DUPLICATE_URL, "kept=u2"), ("u3", REASON_DUPLICATE_URL, "kept=u2")],
            None,
        ),
        (
            DedupUrls(UrlDedupConfig(keep="oldest")),
            docs,
            ["u1", "u4", "u5"],
            [("u2", REASON_DUPLICATE_URL, "kept=u1"), ("u3", REASON_DUPLICATE_URL, "kept=u1")],
            None,
        ),
    )


def test_exact_duplicates_collapse_on_normalized_text() -> None:
    clean = _stripped(SEED_CLEAN)
    docs = [
        _doc("e2", clean),
        _doc("e1", clean.upper().replace("\n", " \n")),  # same text after case/space folding
        _doc("e3", clean.replace(",", " ,") + "\n\n!!! ... !!! ... !!!"),  # the longest, same after folding
        _doc("e4", _stripped(SEED_REPEATED)),
        _doc("e5", ""),
        _doc("e6", "  "),
    ]
    _run_many(
        (
            DedupExact(),
            docs,
            ["e1", "e4", "e5", "e6"],
            [("e2", REASON_DUPLICATE_TEXT, "kept=e1"), ("e3", REASON_DUPLICATE_TEXT, "kept=e1")],
            None,
        ),
        (
            DedupExact(ExactDedupConfig(keep="longest")),
            docs,
            ["e3", "e4", "e5", "e6"],
            [("e1", REASON_DUPLICATE_TEXT, "kept=e3"), ("e2", REASON_DUPLICATE_TEXT, "kept=e3")],
            None,
        ),
    )


def test_seed_pair_keeps_exactly_one() -> None:
    raw, clean = _stripped(SEED_SPAM), _stripped(SEED_CLEAN)
    # raw 000 (nav + spam lines, true 5-gram Jaccard 0.734 with 001) is longer: the default rule keeps it
    _run(
        Deduplicate(FAST),
        [_doc("s000", raw), _doc("s001", clean), _doc("s004", _stripped(SEED_REPEATED))],
        ["s000", "s004"],
        [("s001", REASON_NEAR_DUPLICATE, "kept=s000 cluster_size=2")],
        {"s000": 2, "s004": 1},
    )


def test_seed_pair_after_cleaning() -> None:
    clean = _stripped(SEED_CLEAN)
    clean_lines = {line for line in clean.splitlines() if line}
    article = "\n".join(line for line in _stripped(SEED_SPAM).splitlines() if line in clean_lines)
    docs = [_doc("s000", article), _doc("s001", clean)]
    no_exact = DedupConfig(exact=ExactDedupConfig(enabled=False), near=FAST_NEAR)
    _run_many(
        (Deduplicate(FAST), docs, ["s000"], [("s001", REASON_DUPLICATE_TEXT, "kept=s000")], {"s000": 1}),
        (
            Deduplicate(no_exact),
            docs,
            ["s000"],
            [("s001", REASON_NEAR_DUPLICATE, "kept=s000 cluster_size=2")],
            {"s000": 2},
        ),
    )


def test_unrelated_documents_never_merge() -> None:
    texts = _articles(120)
    docs = [_doc(f"a{i:03d}", t) for i, t in enumerate(texts)]
    _run(DedupNearDuplicates(FAST_NEAR), docs, [d.id for d in docs], [], {d.id: 1 for d in docs})


def _chain() -> tuple[str, str, str]:
    a_words = _aeb()[CHAIN_KEYS[0]]["articleBody"].split()
    other = _aeb()[CHAIN_KEYS[1]]["articleBody"].split()
    n, k = len(a_words), 89
    b_words = other[:k] + a_words[k:]
    c_words = b_words[: n - k] + other[k : 2 * k]
    return " ".join(a_words), " ".join(b_words), " ".join(c_words)


def test_chain_collapses_across_buckets() -> None:
    a, b, c = _chain()
    p = NearDedupConfig().params()

    def bands(t: str) -> set[int]:
        return set(minhash.band_keys(minhash.signature_of(t, p), p.bands, p.rows))

    # A~B and B~C share buckets; A and C share none (and their true Jaccard is below 0.7)
    assert bands(a) & bands(b) and bands(b) & bands(c)
    assert not bands(a) & bands(c)
    assert minhash.jaccard(minhash.shingle_set(a), minhash.shingle_set(c)) < 0.7
    assert minhash.jaccard(minhash.shingle_set(a), minhash.shingle_set(b)) > 0.8
    assert minhash.jaccard(minhash.shingle_set(b), minhash.shingle_set(c)) > 0.8
    cfg = NearDedupConfig(keep="first_id", max_rounds=3)
    # ids chosen so that the middle doc is neither the smallest nor the largest node: C only reaches A via B
    docs = [_doc("id_a", a), _doc("id_c", c), _doc("id_b", b)]
    _run(
        DedupNearDuplicates(cfg),
        docs,
        ["id_a"],
        [
            ("id_b", REASON_NEAR_DUPLICATE, "kept=id_a cluster_size=3"),
            ("id_c", REASON_NEAR_DUPLICATE, "kept=id_a cluster_size=3"),
        ],
        {"id_a": 3},
    )


def _path_edges(n: int) -> list[tuple[str, str]]:
    # a path whose node order zigzags, so one round cannot finish it
    order = [f"n{i:03d}" for i in random.Random(7).sample(range(n), n)]
    return list(itertools.pairwise(order))


def test_connected_components_rounds() -> None:
    edges = _path_edges(40) + [("x1", "x2"), ("x3", "x2")]
    expected = [(f"n{i:03d}", "n000") for i in range(40)] + [("x1", "x1"), ("x2", "x1"), ("x3", "x1")]
    with TestPipeline() as p:
        labels = p | beam.Create(edges) | ConnectedComponents(max_rounds=8)
        assert_that(labels, equal_to(expected))


def test_connected_components_fail_loudly_when_not_converged() -> None:
    # NotConvergedError inside the pipeline; the runner may wrap it, so match the message
    assert issubclass(NotConvergedError, RuntimeError)
    with pytest.raises(Exception, match="did not converge"), TestPipeline() as p:
        _ = p | beam.Create(_path_edges(40)) | ConnectedComponents(max_rounds=1)


def test_connected_components_partial_never_merges_components() -> None:
    with TestPipeline() as p:
        labels = p | beam.Create(_path_edges(40) + [("y1", "y2")]) | ConnectedComponents(1, "partial")
        # every label belongs to the node's own component; y stays apart
        bad = labels | beam.Filter(lambda nl: nl[0][0] != nl[1][0])
        assert_that(bad, equal_to([]))


def _variants_corpus() -> list[Doc]:
    texts = _articles(30)
    docs: list[Doc] = []
    for i, t in enumerate(texts[:10]):
        words = t.split()
        docs.append(_doc(f"o{i:02d}", t, fetch_time="2024-05-01T00:00:00Z"))
        docs.append(_doc(f"v{i:02d}a", " ".join(words[: int(len(words) * 0.92)])))  # trimmed end
        docs.append(
            _doc(f"v{i:02d}b", "Home | News | Contact\n" + t + "\nCopyright 2024 All rights reserved.")
        )
    docs += [_doc(f"u{i:02d}", t) for i, t in enumerate(texts[10:])]
    return docs


def test_deterministic_under_shuffled_input() -> None:
    docs = _variants_corpus()
    # the kept doc of each cluster is the longest: the boilerplate variant
    kept = [f"v{i:02d}b" for i in range(10)] + [f"u{i:02d}" for i in range(20)]
    dropped = []
    for i in range(10):
        for d in (f"o{i:02d}", f"v{i:02d}a"):
            dropped.append((d, REASON_NEAR_DUPLICATE, f"kept=v{i:02d}b cluster_size=3"))
    cases = []
    for seed in (1, 2):
        shuffled = docs[:]
        random.Random(seed).shuffle(shuffled)
        cases.append((Deduplicate(FAST), shuffled, kept, dropped, None))
    _run_many(*cases)


def test_incremental_dedup_against_prior_index(tmp_path: Path) -> None:
    texts = _articles(40)
    old = [_doc(f"old{i:02d}", t) for i, t in enumerate(texts[:20])]
    index_dir = str(tmp_path / "run1_index")
    _run(
        DedupNearDuplicates(FAST_NEAR, index_dir=index_dir),
        old,
        [d.id for d in old],
        [],
    )
    files = sorted((tmp_path / "run1_index").glob("*.parquet"))
    assert [f.name for f in files] == ["part-00000-of-00001.parquet"]
    table = pq.read_table(files[0])
    assert table.num_rows == 20 and set(table.column("id").to_pylist()) == {d.id for d in old}
    assert all(len(b) == 16 for b in table.column("bands").to_pylist())

    w3 = texts[3].split()
    new = [
        _doc("new_dup3", " ".join(w3[: int(len(w3) * 0.93)])),  # near-duplicate of old03
        _doc("new_dup3b", " ".join(w3[: int(len(w3) * 0.9)]) + " extra closing words here"),
        _doc("old05", texts[5]),  # the same doc again (same id): it is in the old corpus already
        *[_doc(f"new{i:02d}", t) for i, t in enumerate(texts[20:30])],
        _doc("pair_a", texts[35]),
        _doc("pair_b", texts[35] + "\nShare this article"),
    ]
    kept = [f"new{i:02d}" for i in range(10)] + ["pair_b"]
    dropped = [
        ("new_dup3", REASON_NEAR_DUPLICATE_OF_PRIOR, "prior=old03 cluster_size=2"),
        ("new_dup3b", REASON_NEAR_DUPLICATE_OF_PRIOR, "prior=old03 cluster_size=2"),
        ("old05", REASON_NEAR_DUPLICATE_OF_PRIOR, "prior=old05 cluster_size=1"),
        ("pair_a", REASON_NEAR_DUPLICATE, "kept=pair_b cluster_size=2"),
    ]
    # a directory or a glob of its files
    _run_many(
        (DedupNearDuplicates(FAST_NEAR, prior_index=[index_dir]), new, kept, dropped, None),
        (DedupNearDuplicates(FAST_NEAR, prior_index=[index_dir + "/*.parquet"]), new, kept, dropped, None),
    )
    # an index written with other MinHash params is refused
    with pytest.raises(Exception, match="MinHash params"), TestPipeline() as p:
        _ = (
            p
            | beam.Create(new)
            | DedupNearDuplicates(NearDedupConfig(seed=9, max_rounds=1), prior_index=[index_dir])
        )
