"""Who a log line is about: the partner and message of the signed exchange in progress.

Set by the signed exchange once a request is verified (``bind_exchange``); the request id lives
with the request context (``gateway.api.middleware.request_id_var``). The log filter reads both,
so any record logged while a request is handled carries them without being passed along.
"""

from __future__ import annotations

from contextvars import ContextVar

partner_id_var: ContextVar[str | None] = ContextVar("govgate_partner_id", default=None)
message_id_var: ContextVar[str | None] = ContextVar("govgate_message_id", default=None)


def bind_exchange(partner_id: str | None, message_id: str | None) -> None:
    """Name the partner and message of the request being handled (until the request ends)."""
    partner_id_var.set(partner_id)
    message_id_var.set(message_id)
