"""/messages/{message_id}/evidence: for auditors and operators, and for the message's sender."""

from __future__ import annotations

from ...errors import NotFound
from ...exchange.evidence_reads import logged
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
        return ok(c.message_log.bundle(message_id, _sender_jwk))
    # Authorise and record the read first (a message that is not there is a failed read, not
    # an allowed one); the bundle is built in transactions of its own.
    read("evidence.read", "message", message_id, logged(message_id), audited=True)
    return ok(c.message_log.bundle(message_id, _sender_jwk))

