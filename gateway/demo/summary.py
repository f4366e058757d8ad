"""What the demo reports at the end, as one JSON-able document.

    {"ok", "gateway", "data_dir", "tax_format",
     "steps":    [{"key", "title", "state": "done"|"failed"|"skipped", "detail", "seconds"}],
     "messages": [{"message_id", "kind", "sender": {"role", "id"}, "gateway_receipt_keyid",
                   "recipients": [{"role", "id", "state", "attempts", "receipt_format",
                                   "receipt_keyid", "last_error_reason"}]}],
     "checks":   {"refused": {"status", "reason"}, "replay": {...},
                  "retry": {"message_id", "recipient", "attempts", "state", "first_error"}},
     "log":      {"intact", "entries_checked", "checkpoints_checked", "failure"}}

The message states are read back as the sender reads them (signed ``GET /v1/messages/{id}``),
the receipts' signers from the stored deliveries; the log is checked as ``govgate log verify`` checks it, against the gateway's JWKS.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..evidence.keys import GatewayKeys
from .story import StoryContext


@dataclass
class StepOutcome:
    key: str
    title: str
    state: str = "pending"  # pending → running → done | failed; skipped after a failure
    detail: str = ""
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {"key": self.key, "title": self.title, "state": self.state,
                "detail": self.detail, "seconds": round(self.seconds, 3)}


def stored_receipt_signers(container, message_id: str) -> dict[str, str | None]:
    """Recipient id → the keyid that signed its stored receipt: ``keyid`` for a canonical
    partner, the key of its own format otherwise (tax CFX: ``sm2_keyid``, which the public
    status document does not show)."""
    with container.uow(readonly=True) as uow:
        deliveries = uow.deliveries.for_message(message_id)
    return {d.recipient_id: (d.receipt or {}).get("keyid") or (d.receipt or {}).get("sm2_keyid")
            for d in deliveries}


def message_rows(ctx: StoryContext) -> list[dict]:
    container = ctx.world.gateway.container
    rows = []
    for sent in ctx.sent:
        status = ctx.status(sent.sender, sent.message_id)
        signers = stored_receipt_signers(container, sent.message_id)
        rows.append({
            "message_id": sent.message_id,
            "kind": status["kind"],
            "sender": {"role": sent.sender, "id": status["sender_id"]},
            "gateway_receipt_keyid": sent.receipt_keyid,
            "recipients": [{
                "role": ctx.world.role_of(r["recipient_id"]),
                "id": r["recipient_id"],
                "state": r["state"],
                "attempts": r["attempts"],
                "receipt_format": (r["receipt"] or {}).get("format"),
                "receipt_keyid": signers.get(r["recipient_id"]),
                "last_error_reason": r["last_error_reason"],
            } for r in status["recipients"]],
        })
    return rows


def verify_log(container) -> dict:
    """``govgate log verify``'s check: the tree, its stored nodes and every checkpoint, once
    everything pending is integrated."""
    while container.message_log.integrate_once() is not None:
        pass
    report = container.message_log.verify(GatewayKeys.from_jwks(container.keystore.jwks()))
    failure = report.failure
    return {
        "intact": failure is None,
        "entries_checked": report.entries_checked,
        "checkpoints_checked": report.checkpoints_checked,
        "failure": None if failure is None else {"code": failure.code, "index": failure.index,
                                                 "detail": failure.detail},
    }


def summarize(ctx: StoryContext, steps: list[StepOutcome], gateway, tax_format: str) -> dict:
    messages = message_rows(ctx)
    log = verify_log(gateway.container)
    delivered = all(r["state"] == "delivered" for m in messages for r in m["recipients"])
    return {
        "ok": all(s.state == "done" for s in steps) and delivered and log["intact"],
        "gateway": gateway.base_url + "/v1",
        "data_dir": str(gateway.data_dir),
        "tax_format": tax_format,
        "steps": [s.to_json() for s in steps],
        "messages": messages,
        "checks": {name: ctx.facts.get(name) for name in ("refused", "replay", "retry", "people")},
        "log": log,
    }
