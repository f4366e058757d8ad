"""/messages/{id}/evidence and /log…: for auditors, operators and admins, and for partners.

A partner sees the evidence of its own messages only; the log's checkpoint and proofs carry
nothing but sizes and hashes, so every party allowed to read evidence may read them.
"""

from __future__ import annotations

from ...errors import InvalidInput, NotFound
from ...evidence.canonical import b64
from ...exchange.evidence_reads import logged
from ...services import evidence_log
from .. import context
from ..admin._common import read
from ..admin.present import ok


def _sender_jwk(uow, fingerprint: str) -> dict:
    key = uow.keys.with_fingerprint(fingerprint)
    return dict(key.jwk) if key else {}


def get_evidence(message_id):
    c = context.container()
    if context.caller_is_partner():
        # A partner sees only its own messages; anything else is simply not there for it.
        with c.uow(readonly=True) as uow:
            entries = uow.message_log.by_message_id(message_id)
        if not entries or entries[0].record.partner_id != context.exchange().partner_id:
            raise NotFound(f"no message {message_id} in the evidence log", reason="message_not_found")
        return ok(c.message_log.evidence(message_id, _sender_jwk))
    # Authorise and record the read first (a message that is not there is a failed read, not
    # an allowed one); the bundle is built in transactions of its own.
    read("evidence.read", "message", message_id, logged(message_id), audited=True)
    return ok(c.message_log.evidence(message_id, _sender_jwk))


def _authorised(name: str) -> None:
    if not context.caller_is_partner():
        read(name, "log", None, lambda uow, now: None)


def get_log():
    _authorised("log.read")
    return ok(evidence_log.describe(context.container()))


def get_checkpoint():
    _authorised("log.read")
    latest = evidence_log.latest_checkpoint(context.container())
    if latest is None:
        raise NotFound("the evidence log has no checkpoint yet", reason="no_checkpoint")
    return latest.note, 200, {"Content-Type": "text/plain"}


def _tree_size(c) -> int:
    with c.uow(readonly=True) as uow:
        checkpoint = uow.message_log.latest_checkpoint()
    return 0 if checkpoint is None else checkpoint.size


def get_inclusion_proof(index, size):
    _authorised("log.read")
    c = context.container()
    if not index < size <= _tree_size(c):
        raise InvalidInput(f"no leaf {index} in a signed tree of size {size} (the log has {_tree_size(c)})",
                           reason="no_such_tree", status=422)
    with c.uow(readonly=True) as uow:
        proof = c.message_log.inclusion_proof(uow, index, size)
    return ok({"leaf_index": index, "tree_size": size, "proof": [b64(h) for h in proof]})


def get_consistency_proof(old, new):
    _authorised("log.read")
    c = context.container()
    if not old <= new <= _tree_size(c):
        raise InvalidInput(f"no consistency proof from size {old} to {new} (the log has {_tree_size(c)})",
                           reason="no_such_tree", status=422)
    with c.uow(readonly=True) as uow:
        proof = c.message_log.consistency_proof(uow, old, new)
    return ok({"old": old, "new": new, "proof": [b64(h) for h in proof]})
