"""Launcher for Airflow's BeamRunPythonPipelineOperator: `python crawlwash_job.py --input=... --output=... [...]`.

The operator runs `PY_INTERPRETER crawlwash_job.py --runner=R --key=value ...`; this forwards everything to
`crawlwash run`, so the options are exactly the CLI's (`--config`, `--input` (repeatable), `--output`, `--set`) plus
Beam pipeline options. An empty `--config=` (the DAG's default) means crawlwash's built-in defaults. The exit status
is the CLI's (2: a problem found before any work started).
"""

from __future__ import annotations

import sys

from pipelines.cli import run


def main(argv: list[str]) -> int:
    """Forward the operator's arguments to `crawlwash run`, dropping an empty `--config=`."""
    args = [a for a in argv if a != "--config="]
    return run(["run", *args])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
