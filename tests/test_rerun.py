"""Atomic, repeatable output: a killed run leaves no partial shard and no `_SUCCESS`; running again with
`output.if_exists=overwrite` and the same input and config gives byte-identical outputs; `if_exists=fail` refuses
an output directory that holds a run.

How the output directory behaves (transforms/write/output.py, pipelines/runner.py):
- Shards are written under `OUTPUT/_temporary/<kind>/` and renamed into `data/`, `rejected/`, `errors/` by one
  finalize step after every shard exists; `stats.json` follows, `_SUCCESS` (the manifest) is written last. A
  reader must treat a directory without `_SUCCESS` as incomplete: a kill during finalize can leave some complete
  shards renamed and others not, never a partly written file under `data/`.
- `if_exists: fail` (the default) refuses to start when the directory holds any of data/, rejected/, errors/,
  _temporary/, stats.json, _SUCCESS, naming them; `if_exists: overwrite` deletes those first. There is no resume:
  a killed run is re-run from the start.
"""

from __future__ import annotations

import logging
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipelines import cli
from tests.badinput import cli_command, cli_env, good_record, run_cli, warc_record
from tests.conftest import WARC_DIR

log = logging.getLogger(__name__)

OWNED = ("data", "rejected", "errors")
FAST = ["--direct_running_mode=in_memory", "--direct_num_workers=1"]


def _make_inputs(root: Path) -> Path:
    """A small corpus with kept, dropped and failed records: 6 articles, a redirect, a broken JSONL line."""
    root.mkdir(parents=True, exist_ok=True)
    records = b"".join(good_record("rerun.warc", n, 24 + n) for n in range(6))
    redirect = b"HTTP/1.1 301 Moved\r\nLocation: https://elsewhere.example/\r\n\r\n"
    records += warc_record(
        "response", redirect, "00000000-0000-4000-8000-0000000000aa", "https://moved.example/"
    )
    (root / "rerun.warc").write_bytes(records)
    (root / "lines.jsonl").write_text('{"text": "fine but short", "id": "s1"}\n{"broken\n', encoding="utf-8")
    return root


def _args(inputs: Path, out: Path, *extra: str) -> list[str]:
    return [
        "run",
        "--input", f"{inputs}/*",
        "--input", str(WARC_DIR / "webrecorder+warcio/example.warc.gz"),
        "--output", str(out),
        *extra,
    ]  # fmt: skip


def _snapshot(out: Path) -> dict[str, bytes]:
    """Every output file that must be identical between runs (the config and the manifest included)."""
    files = {}
    for kind in OWNED:
        for f in sorted((out / kind).glob("*")):
            files[f"{kind}/{f.name}"] = f.read_bytes()
    for name in ("stats.json", "_SUCCESS", "config.yaml"):
        files[name] = (out / name).read_bytes()
    return files


def _same_as(out: Path, snap: dict[str, bytes]) -> bool:
    got = _snapshot(out)
    return {k: v for k, v in got.items() if k != "config.yaml"} == {
        k: v for k, v in snap.items() if k != "config.yaml"
    }


def _assert_complete_or_no_partial_output(out: Path, snap: dict[str, bytes]) -> None:
    """After a kill: with `_SUCCESS` (the kill came after finalize) the output is the whole, correct run;
    without it, whatever sits under data/ (etc.) is a complete, named Parquet shard, never a partial file."""
    if (out / "_SUCCESS").exists():
        assert _same_as(out, snap)
        return
    for kind in OWNED:
        if not (out / kind).exists():
            continue
        for f in (out / kind).iterdir():
            assert f.name.startswith("part-") and f.name.endswith(".parquet"), f
            pq.read_metadata(f)  # raises on a truncated file (no footer)


def _killed_run(args: list[str], cwd: Path, delay_s: float, when: Path | None = None) -> int | None:
    """Start `crawlwash run` and SIGKILL its whole process group after `delay_s`, or as soon as `when` exists
    (checked every 20 ms, within `delay_s`); the exit code if it ended first, None if it was killed."""
    proc = subprocess.Popen(
        cli_command(args),
        cwd=cwd,
        env=cli_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own group: the kill reaches the Beam workers and sandboxes it started
    )
    deadline = time.monotonic() + delay_s
    while proc.poll() is None and time.monotonic() < deadline:
        if when is not None and when.exists():
            break
        time.sleep(0.02)
    if proc.poll() is not None:
        return proc.returncode
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    time.sleep(0.5)  # let orphaned children notice their parent is gone
    return None


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, bytes], float]:
    root = tmp_path_factory.mktemp("rerun")
    inputs = _make_inputs(root / "in")
    out = root / "clean"
    run = run_cli(_args(inputs, out, *FAST), cwd=root)
    assert run.returncode == 0, run.stderr[-3000:]
    snap = _snapshot(out)
    assert len(snap) >= 6 and any(k.startswith("data/") for k in snap)
    return root, inputs, snap, run.seconds


@pytest.mark.slow
def test_kill_then_overwrite_gives_byte_identical_output(
    clean, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, inputs, snap, seconds = clean
    out = root / "killed"
    # killed the moment the first shard is being written under _temporary/ (or later, if that is missed)
    rc = _killed_run(_args(inputs, out, *FAST), root, 3 * seconds, when=out / "_temporary")
    if rc is None:
        _assert_complete_or_no_partial_output(out, snap)
    else:
        assert rc == 0 and _same_as(out, snap)
    # leftovers of a run: the default refuses them, naming what it found (only config.yaml: nothing to refuse)
    leftovers = [
        n
        for n in ("data", "rejected", "errors", "_temporary", "stats.json", "_SUCCESS")
        if (out / n).exists()
    ]
    if leftovers:
        monkeypatch.chdir(root)  # no configs/local.yaml there: the defaults apply
        assert cli.run(_args(inputs, out)) == 2
        assert capsys.readouterr().err == (
            f"crawlwash: output directory {out} already holds a run ({', '.join(leftovers)}); "
            "choose another --output or pass --set output.if_exists=overwrite (or resume, to continue a killed run)\n"
        )
    run = run_cli(_args(inputs, out, "--set", "output.if_exists=overwrite", *FAST), cwd=root)
    assert run.returncode == 0, run.stderr[-3000:]
    again = _snapshot(out)
    assert again.keys() == snap.keys()
    assert [k for k in snap if snap[k] != again[k]] == [k for k in snap if k == "config.yaml"]
    # config.yaml differs only by the output directory and the if_exists value it records
    assert (
        again["config.yaml"]
        .replace(b"if_exists: overwrite", b"if_exists: fail")
        .replace(str(out).encode(), str(root / "clean").encode())
        == snap["config.yaml"]
    )


def test_if_exists_fail_refuses_a_finished_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refused before any work starts (fast: no pipeline runs), and the previous run is left untouched."""
    inputs = _make_inputs(tmp_path / "in")
    out = tmp_path / "out"
    for part in ("data", "rejected", "errors"):
        (out / part).mkdir(parents=True)
        (out / part / "part-00000-of-00001.parquet").write_bytes(b"PAR1 previous run")
    (out / "stats.json").write_text("{}")
    (out / "_SUCCESS").write_text("{}")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    monkeypatch.chdir(tmp_path)  # no configs/local.yaml here: the defaults apply
    assert cli.run(_args(inputs, out)) == 2  # if_exists defaults to fail
    assert capsys.readouterr().err == (
        f"crawlwash: output directory {out} already holds a run (data, rejected, errors, stats.json, _SUCCESS); "
        "choose another --output or pass --set output.if_exists=overwrite (or resume, to continue a killed run)\n"
    )
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


@pytest.mark.slow
def test_repeated_kills_at_random_moments_never_leave_partial_output(clean) -> None:
    """SIGKILL the default (multi-process) runner at several random moments, then finish with overwrite."""
    root, inputs, snap, seconds = clean
    rng = random.Random(7)
    out = root / "kills"
    outcomes = []
    moments: list[tuple[float, Path | None]] = [(rng.uniform(1.0, 2.5 * seconds), None) for _ in range(3)]
    moments += [
        (5 * seconds, out / "_temporary" / "data"),
        (5 * seconds, out / "data"),
    ]  # mid-write, mid-finalize
    for delay, when in moments:
        rc = _killed_run(_args(inputs, out, "--set", "output.if_exists=overwrite"), root, delay, when)
        leftovers = sorted(p.name for p in out.iterdir()) if out.exists() else []
        outcomes.append((round(delay, 1), when and when.relative_to(out).as_posix(), rc, leftovers))
        if rc is None:
            _assert_complete_or_no_partial_output(out, snap)
        else:
            assert rc == 0 and _same_as(out, snap)
    run = run_cli(_args(inputs, out, "--set", "output.if_exists=overwrite"), cwd=root)
    assert run.returncode == 0, run.stderr[-3000:]
    assert _same_as(out, snap), outcomes
    log.info("kills (delay s, trigger, exit code or None if killed, what was left): %s", outcomes)
