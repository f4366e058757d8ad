"""The signed exchange: who may send, whether we saw it before, and the evidence we keep.

    credentials.py   the partner key registry and the replay cache, as the verifier's ports
    idempotency.py   Idempotency-Key semantics (claim, replay, conflict, release)
    message_log.py   appending to the hash-chained evidence log, checkpoints, evidence bundles
"""
