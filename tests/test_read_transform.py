"""ReadInputs under TestPipeline over real globs, and check_inputs for the launcher."""

from __future__ import annotations

from pathlib import Path

import apache_beam as beam
import pytest
from apache_beam.testing import test_pipeline
from apache_beam.testing.util import assert_that, equal_to

from tests.conftest import SEEDS, WARC_DIR
from transforms.read import ReadConfig, ReadInputs, check_inputs

WR = WARC_DIR / "webrecorder+warcio"


def test_read_inputs_over_globs() -> None:
    patterns = [str(WR / "example*.warc*"), str(SEEDS / "*.txt"), str(SEEDS / "000_*.txt")]  # seed 000 twice
    with test_pipeline.TestPipeline() as p:
        out = p | ReadInputs(patterns, ReadConfig())
        kept = out.kept | "KeptKeys" >> beam.Map(lambda d: (Path(d.source).name, d.source_record))
        dropped = (
            out.dropped
            | "DroppedKeys" >> beam.Map(lambda d: (Path(d.source).name, d.reason))
            | "CountDropped" >> beam.combiners.Count.PerElement()
        )
        failed = out.failed | "FailedKeys" >> beam.Map(
            lambda f: (Path(f.source).name, f.source_record, f.error)
        )
        assert_that(
            kept,
            equal_to(
                [
                    ("example.warc.gz", "<urn:uuid:a9c51e3e-0221-11e7-bf66-0242ac120005>"),
                    ("example-bad-non-chunked.warc.gz", "<urn:uuid:a9c51e3e-0221-11e7-bf66-0242ac120005>"),
                    ("example-trunc.warc", "<urn:uuid:a9c51e3e-0221-11e7-bf66-0242ac120005>"),
                    ("example-wrong-chunks.warc.gz", "<urn:uuid:80d63307-60af-43e0-903f-574b2f432b7e>"),
                    ("example-resource.warc.gz", "<urn:uuid:6e7f60da-2c7b-11e7-aaf7-0242ac120007>"),
                    ("example-iana.org-chunked.warc", "<urn:uuid:a96ae1a5-931d-4c45-96f3-98576d155f8b>"),
                    ("000_184ceb5270c47104.txt", "file"),
                    ("001_539775783a692a51.txt", "file"),
                    ("004_d6c586c19f803f1b.txt", "file"),
                ]
            ),
            label="CheckKept",
        )
        assert_that(
            dropped,
            equal_to(
                [
                    (("example.warc.gz", "warc_warcinfo"), 2),
                    (("example.warc.gz", "warc_request"), 2),
                    (("example.warc.gz", "warc_revisit"), 1),
                    (("example-bad-non-chunked.warc.gz", "warc_warcinfo"), 2),
                    (("example-bad-non-chunked.warc.gz", "warc_request"), 2),
                    (("example-bad-non-chunked.warc.gz", "warc_revisit"), 1),
                    (("example-trunc.warc", "warc_warcinfo"), 2),
                    (("example-wrong-chunks.warc.gz", "warc_request"), 1),
                    (("example-resource.warc.gz", "warc_warcinfo"), 2),
                    (("example-digest.warc", "warc_request"), 4),
                    (("example-iana.org-chunked.warc", "warc_warcinfo"), 1),
                    (("example-iana.org-chunked.warc", "warc_request"), 1),
                ]
            ),
            label="CheckDropped",
        )
        assert_that(
            failed,
            equal_to(
                [
                    (
                        "example-trunc.warc",
                        "offset:2560",
                        (
                            "CorruptFile: OSError: Invalid WARC header at offset 2560 "
                            "(after record <urn:uuid:a9c51e3e-0221-11e7-bf66-0242ac120005>)"
                        ),
                    )
                ]
            ),
            label="CheckFailed",
        )


def test_check_inputs(tmp_path: Path) -> None:
    files = check_inputs([str(SEEDS / "*.txt"), str(SEEDS / "001_*.txt")])
    assert [Path(f).name for f in files] == [
        "000_184ceb5270c47104.txt",
        "001_539775783a692a51.txt",
        "004_d6c586c19f803f1b.txt",
    ]
    missing = str(tmp_path / "nothing-*.warc.gz")
    with pytest.raises(ValueError, match=r"input pattern '.*nothing-\*\.warc\.gz' matches no file"):
        check_inputs([str(SEEDS / "*.txt"), missing])
    with pytest.raises(ValueError, match="no input"):
        check_inputs([])
