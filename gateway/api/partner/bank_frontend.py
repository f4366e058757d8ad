"""POST /bank-frontend: a bank's front-end XML, processed exactly as the canonical request.

The idiom registered as ``bank_frontend`` (adapters/bank) parses the package and names the
canonical operation it stands for (FUNNAM); YURREF must equal the Idempotency-Key; the bank
needs a grant for that operation too (a subsidy-only bank must not ask for qualifications).
The steps are the shared inbound handler's (``inbound.receive``); errors reach the bank as
RETCOD/ERRMSG through ``error_idioms`` (problems.py).
"""

from __future__ import annotations

from . import inbound

IDIOM = "bank_frontend"


def receive(body=None):  # body: connexion's copy; the exact received bytes are used instead
    return inbound.receive(IDIOM)
