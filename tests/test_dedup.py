"""Dedup on real texts through the pipeline's own decide and apply phases (URL, exact, near-duplicates,
components, incremental), plus the pure reducers of transforms/dedup/reducers.py.

Each case stages its documents as the map phase would (`stage_documents`, spread over two splits so that every
decision crosses splits) and runs `DecideAndApply` on them; all cases run in ONE Beam pipeline (start-up and
per-stage overhead dominate on small inputs), each into its own output directory.
"""

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

from tests.conftest import AEB_DIR, SEED_CLEAN, SEED_REPEATED, SEED_SPAM
from tests.engine import Outputs, case_config, run_staged
from transforms.core import Doc
from transforms.dedup import (
    COLUMNS,
    REASON_DUPLICATE_TEXT,
    REASON_DUPLICATE_URL,
    REASON_NEAR_DUPLICATE,
    REASON_NEAR_DUPLICATE_OF_PRIOR,
    ConnectedComponents,
    DedupConfig,
    ExactDedupConfig,
    IndexConfig,
    NearDedupConfig,
    NotConvergedError,
    UrlDedupConfig,
    expand_index_paths,
    large_star,
    minhash,
    read_index_table,
    small_star,
    star_check,
)

CHAIN_KEYS = (
    "04a6711caa7c687592777718866e781e976e0fe684faebe8b3cedcef8cd0ea34",
    "05844573ca7e1fba714d715bb11ca08c26e25328999c74a1cb3bc8a0e4399f0f",
)
# Star-shaped clusters converge in 1-2 rounds (the chain and path tests use more); fewer unrolled rounds keep the
# tests fast (an unconverged graph fails loudly, it never passes silently).
FAST_NEAR = NearDedupConfig(max_rounds=2)
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


Case = tuple  # (name, dedup config, docs)


class Results:
    """Rows of every case: kept (id, cluster size), dropped (id, reason, detail), failed, or component labels."""

    def __init__(self, root: Path, rows: dict[str, list[tuple]]) -> None:
        self.root = root  # each case's output directory is root / case name
        self._rows = rows

    def rows(self, name: str, kind: str) -> list[tuple]:
        return sorted(r[1:] for r in self._rows.get(name, []) if r[0] == kind)

    def kept(self, name: str) -> list[str]:
        return [r[0] for r in self.rows(name, "kept")]

    def sizes(self, name: str) -> dict[str, int | None]:
        return dict(self.rows(name, "kept"))

    def dropped(self, name: str) -> list[tuple]:
        return self.rows(name, "dropped")

    def failed(self, name: str) -> list[tuple]:
        return self.rows(name, "failed")

    def check(self, name: str, kept_ids, dropped, cluster_sizes=None) -> None:
        """Exact kept ids, dropped (id, reason, detail) rows, no failures, and optionally the kept cluster sizes."""
        assert name in self._rows, f"case {name} produced no rows"
        assert self.kept(name) == sorted(kept_ids)
        assert self.dropped(name) == sorted(dropped)
        assert self.failed(name) == []
        if cluster_sizes is not None:
            assert self.sizes(name) == cluster_sizes


def _rows(out: Outputs) -> list[tuple]:
    rows = [("kept", r["id"], r["dedup_cluster_size"]) for r in out.data]
    rows += [("dropped", r["id"], r["reason"], r["detail"]) for r in out.rejected]
    return rows + [("failed", r["id"], r["stage"], r["error"]) for r in out.errors]


def _recorder(path: Path):
    def record(actual: list) -> None:
        path.write_text(json.dumps(list(actual)), encoding="utf-8")

    return record


def _run_cases(root: Path, doc_cases: list[Case], label_cases: list[tuple] = ()) -> Results:
    """Every dedup case (name, dedup config, docs) and connected-components case in one pipeline."""
    labels_path = root / "labels.json"
    cases = [(name, case_config(root / name, ["extract", "dedup"], dedup=cfg), docs) for name, cfg, docs in doc_cases]

    def components(p: beam.Pipeline) -> list:
        parts = []
        for name, transform, edges in label_cases:
            labels = p | f"Create{name}" >> beam.Create(edges) | f"Case{name}" >> transform
            parts.append(labels | f"Tag{name}" >> beam.Map(lambda nl, n=name: (n, ("label", *nl))))
        return [(tuple(parts) | "AllLabels" >> beam.Flatten(), _recorder(labels_path))] if parts else []

    outputs = run_staged(root, cases, components)
    rows: dict[str, list[tuple]] = {name: _rows(out) for name, out in outputs.items()}
    if labels_path.exists():
        for name, row in json.loads(labels_path.read_text(encoding="utf-8")):
            rows.setdefault(name, []).append(tuple(row))
    return Results(root, rows)


# -- inputs and expectations ----------------------------------------------------------------------------------


def _url_docs() -> list[Doc]:
    t = _articles(4)
    return [
        _doc("u1", t[0], "https://Example.com/a/?utm_source=x", "2024-05-01T00:00:00Z"),
        _doc("u2", t[1], "https://example.com:443/a", "2024-06-01T00:00:00Z"),
        _doc("u3", t[2], "https://example.com/a#comments", None),
        _doc("u4", t[3], None),
        _doc("u5", t[3] + " more", "https://example.com/b"),
    ]


def _exact_docs() -> list[Doc]:
    clean = _stripped(SEED_CLEAN)
    return [
        _doc("e2", clean),
        _doc("e1", clean.upper().replace("\n", " \n")),  # same text after case/space folding
        _doc("e3", clean.replace(",", " ,") + "\n\n!!! ... !!! ... !!!"),  # the longest, same after folding
        _doc("e4", _stripped(SEED_REPEATED)),
        _doc("e5", ""),
        _doc("e6", "  "),
    ]


def _seed_docs() -> list[Doc]:
    raw, clean = _stripped(SEED_SPAM), _stripped(SEED_CLEAN)
    return [_doc("s000", raw), _doc("s001", clean), _doc("s004", _stripped(SEED_REPEATED))]


def _seed_cleaned_docs() -> list[Doc]:
    clean = _stripped(SEED_CLEAN)
    clean_lines = {line for line in clean.splitlines() if line}
    article = "\n".join(line for line in _stripped(SEED_SPAM).splitlines() if line in clean_lines)
    return [_doc("s000", article), _doc("s001", clean)]


def _unrelated_docs() -> list[Doc]:
    return [_doc(f"a{i:03d}", t) for i, t in enumerate(_articles(120))]


def _chain() -> tuple[str, str, str]:
    a_words = _aeb()[CHAIN_KEYS[0]]["articleBody"].split()
    other = _aeb()[CHAIN_KEYS[1]]["articleBody"].split()
    n, k = len(a_words), 89
    b_words = other[:k] + a_words[k:]
    c_words = b_words[: n - k] + other[k : 2 * k]
    return " ".join(a_words), " ".join(b_words), " ".join(c_words)


def _chain_docs() -> list[Doc]:
    a, b, c = _chain()
    # ids chosen so that the middle doc is neither the smallest nor the largest node: C only reaches A via B
    return [_doc("id_a", a), _doc("id_c", c), _doc("id_b", b)]


def _path_edges(n: int) -> list[tuple[str, str]]:
    # a path whose node order zigzags, so one round cannot finish it
    order = [f"n{i:03d}" for i in random.Random(7).sample(range(n), n)]
    return list(itertools.pairwise(order))


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


def _shuffled(docs: list[Doc], seed: int) -> list[Doc]:
    out = docs[:]
    random.Random(seed).shuffle(out)
    return out


def _old_docs() -> list[Doc]:
    return [_doc(f"old{i:02d}", t) for i, t in enumerate(_articles(40)[:20])]


def _new_docs() -> list[Doc]:
    texts = _articles(40)
    w3 = texts[3].split()
    return [
        _doc("new_dup3", " ".join(w3[: int(len(w3) * 0.93)])),  # near-duplicate of old03
        _doc("new_dup3b", " ".join(w3[: int(len(w3) * 0.9)]) + " extra closing words here"),
        _doc("old05", texts[5]),  # the same doc again (same id): it is in the old corpus already
        *[_doc(f"new{i:02d}", t) for i, t in enumerate(texts[20:30])],
        _doc("pair_a", texts[35]),
        _doc("pair_b", texts[35] + "\nShare this article"),
    ]


NO_EXACT = DedupConfig(exact=ExactDedupConfig(enabled=False), near=FAST_NEAR)
CHAIN_CFG = DedupConfig(near=NearDedupConfig(keep="first_id", max_rounds=3))
NEAR_ONLY = DedupConfig(url=UrlDedupConfig(enabled=False), exact=ExactDedupConfig(enabled=False), near=FAST_NEAR)
URL_ONLY = DedupConfig(exact=ExactDedupConfig(enabled=False), near=NearDedupConfig(enabled=False))
EXACT_ONLY = DedupConfig(url=UrlDedupConfig(enabled=False), near=NearDedupConfig(enabled=False))


def _only(cfg: DedupConfig, **changes) -> DedupConfig:
    return cfg.model_copy(update={k: v for k, v in changes.items()})


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Results:
    """ONE pipeline run over every case of this module (run 1 of the incremental test included)."""
    root = tmp_path_factory.mktemp("dedup_results")
    return _run_cases(
        root,
        [
            ("UrlNewest", URL_ONLY, _url_docs()),
            ("UrlOldest", _only(URL_ONLY, url=UrlDedupConfig(keep="oldest")), _url_docs()),
            ("ExactFirstId", EXACT_ONLY, _exact_docs()),
            ("ExactLongest", _only(EXACT_ONLY, exact=ExactDedupConfig(keep="longest")), _exact_docs()),
            ("Seeds", FAST, _seed_docs()),
            ("SeedsCleaned", FAST, _seed_cleaned_docs()),
            ("SeedsCleanedNoExact", NO_EXACT, _seed_cleaned_docs()),
            ("Unrelated", NEAR_ONLY, _unrelated_docs()),
            ("Chain", _only(NEAR_ONLY, near=CHAIN_CFG.near), _chain_docs()),
            ("Shuffled1", FAST, _shuffled(_variants_corpus(), 1)),
            ("Shuffled2", FAST, _shuffled(_variants_corpus(), 2)),
            ("IndexRun1", _only(NEAR_ONLY, index=IndexConfig(write=True)), _old_docs()),
        ],
        [
            (
                "ComponentsRounds",
                ConnectedComponents(max_rounds=8),
                _path_edges(40) + [("x1", "x2"), ("x3", "x2")],
            ),
            ("ComponentsPartial", ConnectedComponents(1, "partial"), _path_edges(40) + [("y1", "y2")]),
        ],
    )


@pytest.fixture(scope="module")
def index_dir(results: Results) -> Path:
    return results.root / "IndexRun1" / "dedup_index"


@pytest.fixture(scope="module")
def incremental(tmp_path_factory: pytest.TempPathFactory, results: Results, index_dir: Path) -> Results:
    """Run 2 of the incremental test: new docs against run 1's index (given as its directory)."""
    root = tmp_path_factory.mktemp("dedup_incremental")
    return _run_cases(root, [("PriorDir", _only(NEAR_ONLY, index=IndexConfig(prior=[str(index_dir)])), _new_docs())])


# -- tests ----------------------------------------------------------------------------------------------------


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


def test_url_duplicates_keep_newest_fetch(results: Results) -> None:
    results.check(
        "UrlNewest",
        ["u2", "u4", "u5"],
        [("u1", REASON_DUPLICATE_URL, "kept=u2"), ("u3", REASON_DUPLICATE_URL, "kept=u2")],
    )
    results.check(
        "UrlOldest",
        ["u1", "u4", "u5"],
        [("u2", REASON_DUPLICATE_URL, "kept=u1"), ("u3", REASON_DUPLICATE_URL, "kept=u1")],
    )


def test_exact_duplicates_collapse_on_normalized_text(results: Results) -> None:
    results.check(
        "ExactFirstId",
        ["e1", "e4", "e5", "e6"],
        [("e2", REASON_DUPLICATE_TEXT, "kept=e1"), ("e3", REASON_DUPLICATE_TEXT, "kept=e1")],
    )
    results.check(
        "ExactLongest",
        ["e3", "e4", "e5", "e6"],
        [("e1", REASON_DUPLICATE_TEXT, "kept=e3"), ("e2", REASON_DUPLICATE_TEXT, "kept=e3")],
    )


def test_seed_pair_keeps_exactly_one(results: Results) -> None:
    # raw 000 (nav + spam lines, true 5-gram Jaccard 0.734 with 001) is longer: the default rule keeps it
    results.check(
        "Seeds",
        ["s000", "s004"],
        [("s001", REASON_NEAR_DUPLICATE, "kept=s000 cluster_size=2")],
        {"s000": 2, "s004": 1},
    )


def test_seed_pair_after_cleaning(results: Results) -> None:
    results.check("SeedsCleaned", ["s000"], [("s001", REASON_DUPLICATE_TEXT, "kept=s000")], {"s000": 1})
    results.check(
        "SeedsCleanedNoExact",
        ["s000"],
        [("s001", REASON_NEAR_DUPLICATE, "kept=s000 cluster_size=2")],
        {"s000": 2},
    )


def test_unrelated_documents_never_merge(results: Results) -> None:
    docs = _unrelated_docs()
    results.check("Unrelated", [d.id for d in docs], [], {d.id: 1 for d in docs})


def test_chain_collapses_across_buckets(results: Results) -> None:
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
    results.check(
        "Chain",
        ["id_a"],
        [
            ("id_b", REASON_NEAR_DUPLICATE, "kept=id_a cluster_size=3"),
            ("id_c", REASON_NEAR_DUPLICATE, "kept=id_a cluster_size=3"),
        ],
        {"id_a": 3},
    )


def test_connected_components_rounds(results: Results) -> None:
    expected = [(f"n{i:03d}", "n000") for i in range(40)] + [("x1", "x1"), ("x2", "x1"), ("x3", "x1")]
    assert results.rows("ComponentsRounds", "label") == expected


def test_connected_components_rounds_pure() -> None:
    # the reducers alone, rounds unrolled in memory: a zigzag path needs more than one round
    edges = _path_edges(40)
    rounds = 0
    while True:
        rounds += 1
        adj: dict[str, list[str]] = {}
        for u, v in edges:
            if u != v:
                adj.setdefault(u, []).append(v)
                adj.setdefault(v, []).append(u)
        large = [e for item in sorted(adj.items()) for e in large_star(item)]
        smaller: dict[str, list[str]] = {}
        for u, v in large:
            if u != v:
                hi, lo = (u, v) if u > v else (v, u)
                smaller.setdefault(hi, []).append(lo)
        new = sorted({e for item in sorted(smaller.items()) for e in small_star(item)})
        if new == sorted(set(edges)):
            break
        edges = new
        assert rounds < 10
    assert rounds == 5  # four rounds change the graph, the fifth finds it converged
    parents: dict[str, list[str]] = {}
    for u, v in edges:
        child, parent = (u, v) if v < u else (v, u)
        parents.setdefault(child, []).append(parent)
        parents.setdefault(parent, []).append(parent)
    checked = [star_check(item) for item in sorted(parents.items())]
    assert all(ok for _, _, ok in checked)
    assert [(node, label) for node, label, _ in checked] == [(f"n{i:03d}", "n000") for i in range(40)]


def test_connected_components_fail_loudly_when_not_converged() -> None:
    # NotConvergedError inside the pipeline; the runner may wrap it, so match the message
    assert issubclass(NotConvergedError, RuntimeError)
    with pytest.raises(Exception, match="did not converge"), TestPipeline() as p:
        _ = p | beam.Create(_path_edges(40)) | ConnectedComponents(max_rounds=1)


def test_connected_components_partial_never_merges_components(results: Results) -> None:
    labels = results.rows("ComponentsPartial", "label")
    assert len(labels) == 42
    # every label belongs to the node's own component; y stays apart
    assert [(node, label) for node, label in labels if node[0] != label[0]] == []
    assert ("y1", "y1") in labels and ("y2", "y1") in labels


def test_deterministic_under_shuffled_input(results: Results) -> None:
    # the kept doc of each cluster is the longest: the boilerplate variant
    kept = [f"v{i:02d}b" for i in range(10)] + [f"u{i:02d}" for i in range(20)]
    dropped = []
    for i in range(10):
        for d in (f"o{i:02d}", f"v{i:02d}a"):
            dropped.append((d, REASON_NEAR_DUPLICATE, f"kept=v{i:02d}b cluster_size=3"))
    results.check("Shuffled1", kept, dropped)
    results.check("Shuffled2", kept, dropped)
    assert results.rows("Shuffled1", "kept") == results.rows("Shuffled2", "kept")


def test_incremental_dedup_against_prior_index(
    results: Results, incremental: Results, index_dir: Path
) -> None:
    old = _old_docs()
    results.check("IndexRun1", [d.id for d in old], [])
    files = sorted(index_dir.glob("*.parquet"))
    assert [f.name for f in files] == ["part-00000-of-00001.parquet"]
    table = pq.read_table(files[0])
    assert table.num_rows == 20 and set(table.column("id").to_pylist()) == {d.id for d in old}
    assert all(len(b) == 16 for b in table.column("bands").to_pylist())

    kept = [f"new{i:02d}" for i in range(10)] + ["pair_b"]
    dropped = [
        ("new_dup3", REASON_NEAR_DUPLICATE_OF_PRIOR, "prior=old03 cluster_size=2"),
        ("new_dup3b", REASON_NEAR_DUPLICATE_OF_PRIOR, "prior=old03 cluster_size=2"),
        ("old05", REASON_NEAR_DUPLICATE_OF_PRIOR, "prior=old05 cluster_size=1"),
        ("pair_a", REASON_NEAR_DUPLICATE, "kept=pair_b cluster_size=2"),
    ]
    incremental.check("PriorDir", kept, dropped)
    # a directory or a glob of its files name the same index files
    assert list(expand_index_paths(str(index_dir))) == [str(files[0])]
    assert list(expand_index_paths(f"{index_dir}/*.parquet")) == [str(files[0])]


def test_incremental_refuses_index_with_other_params(results: Results, index_dir: Path) -> None:
    assert results.kept("IndexRun1")  # run 1 wrote the index
    [path] = sorted(index_dir.glob("*.parquet"))
    other = NearDedupConfig(seed=9).params()
    with pytest.raises(ValueError, match="MinHash params"):
        read_index_table(str(path), other, ["bands"])
    # the same params read back: 16 band keys and a 128-value signature per doc
    table = read_index_table(str(path), FAST_NEAR.params(), ["id", "signature", "bands"])
    assert table.num_rows == 20
    assert {len(b) for b in table.column("bands").to_pylist()} == {16}
    assert {len(s) for s in table.column("signature").to_pylist()} == {128 * 4}
