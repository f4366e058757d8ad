"""Dead letters: listing the outbox for operators and re-driving what died.

Re-driving makes a dead delivery pending and due at once with a fresh attempt budget; the
worker then treats it like a new delivery (same message id, so the recipient deduplicates).
Both the admin API and the CLI run these through ``AdminActions`` (permission ``redrive``,
audited with the state before and after).
"""

from __future__ import annotations

from datetime import datetime

from ..errors import Conflict, NotFound
from ..storage.delivery_repositories import DEAD, StoredDelivery
from . import status


def redrive(uow, delivery_id: int, now: datetime) -> tuple[StoredDelivery, dict, dict]:
    """(the delivery after, before, after) for ``AdminActions.run``.

    Raises NotFound (``delivery_not_found``) and Conflict (``delivery_not_dead``)."""
    before = uow.deliveries.get(delivery_id)
    if before is None:
        raise NotFound(f"no delivery {delivery_id}", reason="delivery_not_found")
    if before.state != DEAD or not uow.deliveries.redrive(delivery_id, now):
        raise Conflict(f"delivery {delivery_id} is {before.state}, not dead; only dead letters "
                       "are re-driven", reason="delivery_not_dead")
    after = uow.deliveries.get(delivery_id)
    return after, _snapshot(before), _snapshot(after)


def _snapshot(d: StoredDelivery) -> dict:
    return {"message_id": d.message_id, "recipient_id": d.recipient_id, "state": d.state,
            "attempts": d.attempts, "last_error_reason": d.last_error_reason,
            "next_attempt_at": status.when(d.next_attempt_at)}


def list_deliveries(uow, *, state=None, recipient_id=None, message_id=None, after=None,
                    limit=50) -> list[StoredDelivery]:
    return uow.deliveries.list(state=state, recipient_id=recipient_id, message_id=message_id,
                               after=after, limit=limit)
