"""The audited read of a message's evidence (API and CLI alike)."""

from __future__ import annotations

from ..errors import NotFound


def logged(message_id: str):
    """The ``evidence.read`` action's work: NotFound unless the log holds the message, so that
    a read of nothing is audited as failed (``message_not_found``), not as allowed."""
    def work(uow, _now) -> None:
        if not uow.message_log.by_message_id(message_id):
            raise NotFound(f"no message {message_id} in the evidence log", reason="message_not_found")
    return work
