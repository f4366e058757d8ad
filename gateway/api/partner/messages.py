"""/messages/{message_id}: each recipient's delivery state, for operators and the parties.

An admin token reads any message. A partner (signed request) reads only messages it sent or
is a recipient of; for anyone else the message does not exist (404, as for an unknown id).
"""

from __future__ import annotations

from ...delivery.status import load_message_status
from .. import context
from ..admin._common import read
from ..admin.present import ok


def get_message_status(message_id):
    c = context.container()
    if context.caller_is_partner():
        partner_id = context.exchange().partner_id
        with c.uow(readonly=True) as uow:
            return ok(load_message_status(uow, message_id, visible_to=partner_id))
    return ok(read("message.status", "message", message_id,
                   lambda uow, now: load_message_status(uow, message_id)))
