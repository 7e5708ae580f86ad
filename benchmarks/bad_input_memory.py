"""Peak memory and time of the worst bad inputs, against a good-input baseline measured in the same run.

    .venv/bin/python benchmarks/bad_input_memory.py [--skip-cli] [--bomb-gib 4]

Part 1, one fresh interpreter per case (so each peak RSS is that case's own): read the file with the pure readers
and extract every HTML record in-process (trafilatura, no sandbox), as one Beam worker would. Baseline: the same
on a WARC holding one good article.
Part 2: the full `crawlwash run` (default DirectRunner, one worker per core) over every generated bad file,
against the same CLI over the good articles only; the peak is that of the largest process of the job (the CLI,
a Beam worker or an extraction sandbox), from `getrusage(RUSAGE_CHILDREN)`.
Ratios are printed against the baselines because machines are noisy; absolute figures are for this machine.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
from pathlib import Path

from harness import REPO  # puts the repository on sys.path

from tests import badinput  # the generators live with the tests

log = logging.getLogger("bad_input_memory")

# Reads one file like a worker: every record through the readers, every HTML payload through extraction.
_CHILD = r"""
import json, resource, sys, time
from transforms.core import Doc, Failed
from transforms.extract import ExtractConfig, extract_html, ExtractError
from transforms.read import ReadConfig
from transforms.read import read_file
path = sys.argv[1]
started = time.monotonic()
counts = {"docs": 0, "failed_read": 0, "failed_extract": 0, "extracted_chars": 0}
cfg = ExtractConfig()
with open(path, "rb") as f:
    for o in read_file(f, path, ReadConfig()):
        if isinstance(o, Failed):
            counts["failed_read"] += 1
        elif isinstance(o, Doc):
            counts["docs"] += 1
            if o.html is not None:
                try:
                    counts["extracted_chars"] += len(extract_html(o.html, cfg, o.charset, o.url).text)
                except ExtractError:
                    counts["failed_extract"] += 1
counts["seconds"] = round(time.monotonic() - started, 2)
counts["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
print(json.dumps(counts))
"""


def _measure(path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)],
        cwd=REPO,
        env=badinput.cli_env(),
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _worst_cases(root: Path, bomb_bytes: int) -> list[tuple[str, Path, str]]:
    cases = {c.name: c for c in badinput.make_bad_inputs(root)}
    # the bombs again, at the requested size (the suite uses 4 GiB, 1 GiB for JSONL)
    big = root / "big"
    big.mkdir()
    extra = [
        badinput._bomb_member(big, bomb_bytes),
        badinput._bomb_nested(big, bomb_bytes),
        badinput._bomb_text(big, bomb_bytes),
        badinput._bomb_jsonl(big, bomb_bytes),
    ]
    picked = [(c.name, c.path, c.note) for c in extra]
    for name in ("huge-page.html", "huge-page.warc.gz", "deep.html", "laughs.html", "broken.jsonl"):
        picked.append((name, cases[name].path, cases[name].note))
    return picked


def _good_only(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    records = b"".join(badinput.good_record("good.warc", n, n) for n in range(24))
    (root / "good.warc").write_bytes(records)
    return root


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-cli", action="store_true", help="only part 1 (per-case readers + extraction)")
    parser.add_argument("--bomb-gib", type=int, default=4, help="inflated size of the gzip bombs, in GiB")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    with tempfile.TemporaryDirectory(prefix="crawlwash-bad-mem-") as tmp:
        root = Path(tmp)
        one_good = root / "one-good.warc"
        one_good.write_bytes(badinput.good_record("one-good.warc", 0, 0))
        base = _measure(one_good)
        log.info("part 1: readers + extraction in one fresh process per file (baseline: one good article)")
        log.info("%-22s %10s %8s %10s %7s  %s", "case", "file KB", "seconds", "peak MB", "ratio", "outcome")
        log.info(
            "%-22s %10d %8.2f %10.1f %7.2f  %s", "baseline", one_good.stat().st_size // 1024, base["seconds"],
            base["peak_rss_mb"], 1.0, f"{base['docs']} doc",
        )  # fmt: skip
        worst = ("", 0.0)
        for name, path, note in _worst_cases(root / "cases", args.bomb_gib << 30):
            m = _measure(path)
            ratio = m["peak_rss_mb"] / base["peak_rss_mb"]
            if m["peak_rss_mb"] > worst[1]:
                worst = (name, m["peak_rss_mb"])
            outcome = f"{m['docs']} doc, {m['failed_read']} read-failed, {m['failed_extract']} extract-failed"
            log.info(
                "%-22s %10d %8.2f %10.1f %7.2f  %s%s", name, path.stat().st_size // 1024, m["seconds"],
                m["peak_rss_mb"], ratio, outcome, f"  ({note})" if note else "",
            )  # fmt: skip
        log.info("worst case (part 1): %s, peak RSS %.1f MB", worst[0], worst[1])

        if args.skip_cli:
            return
        log.info("part 2: crawlwash run, default DirectRunner (multi-processing, one worker per core)")
        good = _good_only(root / "good")
        run_good = badinput.run_cli(
            ["run", "--input", f"{good}/*", "--output", str(root / "out-good")], cwd=root
        )
        bad_dir = root / "bad"
        cases = badinput.make_bad_inputs(bad_dir)
        run_bad = badinput.run_cli(
            ["run", "--input", f"{bad_dir}/*", "--output", str(root / "out-bad")], cwd=root
        )
        for label, run in (("good articles (24)", run_good), (f"all bad files ({len(cases)})", run_bad)):
            if run.returncode != 0:
                raise SystemExit(f"{label}: crawlwash exited {run.returncode}: {run.stderr[-2000:]}")
        stats = json.loads((root / "out-bad" / "stats.json").read_text())
        log.info("%-24s %8s %10s %7s", "input", "seconds", "peak MB", "ratio")
        for label, run in (("good articles (24)", run_good), (f"all bad files ({len(cases)})", run_bad)):
            log.info(
                "%-24s %8.1f %10.1f %7.2f", label, run.seconds, run.peak_rss_mb,
                run.peak_rss_mb / run_good.peak_rss_mb,
            )  # fmt: skip
        log.info(
            "bad files: read %d = kept %d + dropped %d + failed %d (balanced: %s); expected read %d",
            stats["read"], stats["kept"], stats["dropped"], stats["failed"], stats["balanced"],
            sum(c.records for c in cases),
        )  # fmt: skip


if __name__ == "__main__":
    main()
