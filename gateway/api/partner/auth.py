"""connexion's view of a partner: the request was verified by SignatureMiddleware already."""

from __future__ import annotations


def partner_signature_info(apikey: str, request) -> dict | None:
    exchange = request.scope["govgate.state"].get("exchange")
    if exchange is None:
        return None
    return {"sub": exchange.partner_id, "kind": "partner", "keyid": exchange.verified.keyid}
