"""crawlwash's pipeline assembly, CLI and run outputs.

Importing Apache Beam 2.62 with its Google Cloud extras installed (a Dataflow install: `crawlwash[dataflow]`) imports
google-auth and google-api-core, which warn at import time that grpcio < 1.83 (Beam 2.62 pins grpcio < 1.66) and
Python 3.11 (end of life 2027-10) will one day be unsupported: nothing a crawlwash user can act on, printed by
the launcher and again by every local worker process. Only those two notices are silenced, here (before anything
imports Beam) and, through PYTHONWARNINGS, in the worker processes the launcher starts.
"""

import os
import warnings

_QUIET = (
    ("google.auth.transport.grpc", "grpcio < 1.83.0 does not support Post-Quantum Cryptography"),
    ("google.api_core._python_version_support", "You are using a Python version"),
)
for _module, _message in _QUIET:
    warnings.filterwarnings("ignore", message=_message, category=FutureWarning, module=_module)
# PYTHONWARNINGS matches the module name exactly and takes no message pattern.
_env = [f"ignore::FutureWarning:{m}" for m, _ in _QUIET]
_have = [w for w in os.environ.get("PYTHONWARNINGS", "").split(",") if w]
os.environ["PYTHONWARNINGS"] = ",".join(_have + [w for w in _env if w not in _have])
