"""A C2SP tlog-witness that a partner agency runs to cosign the gateway's checkpoints.

    service.py   add-checkpoint: verify the log's signature and the consistency proof from the
                 size last cosigned, update that state atomically, return a cosignature/v1 line
    state.py     the witness's own SQLite file: per origin, the last size and root it cosigned
    server.py    a small threaded HTTP server (standard library) in front of the service

A witness that is shown a checkpoint inconsistent with what it cosigned refuses it (409 for a
different root at the same size, 422 for a bad consistency proof) and keeps it as evidence of a
split view. Standard library and ``cryptography`` only, like the evidence verifiers.
"""
