"""`crawlwash` (pipelines.cli) in the Dataflow venv, with the network switched off: any DNS lookup or connection
raises, so a dry run that would reach Google Cloud fails instead of waiting.

    .cache/dataflow-venv/bin/python tests/dataflow_cli.py run ... --runner=DataflowRunner --dry_run=True

Dataflow's job translation needs `apache-beam[gcp]`, which `.venv` does not hold (with it, every `import
apache_beam` also loads the Cloud Storage filesystem and Google's clients: 0.4 s of every run's fixed cost).
`make test` builds `.cache/dataflow-venv`: `.venv`'s packages at the same versions, plus `apache-beam[gcp]`, with
this checkout on its path. The Dataflow tests in `tests/test_runners.py` run this script there.
"""

import socket
import sys


def _no_network(*args: object, **kwargs: object) -> None:
    raise AssertionError(f"network access during a dry run: {args[:2]}")


socket.getaddrinfo = _no_network  # type: ignore[assignment]
socket.create_connection = _no_network  # type: ignore[assignment]

from pipelines.cli import main  # noqa: E402 - after the network is switched off

if __name__ == "__main__":
    main()
