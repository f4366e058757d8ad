"""/gateway-keys, /whoami and /connectivity-tests: what a partner's engineers need to connect."""

from __future__ import annotations

import base64
import hashlib

from ...evidence.canonical import format_timestamp
from ...services.partners import PartnerRegistry
from .. import context
from ..admin.present import ok, when


def gateway_keys():
    return ok(context.container().keystore.jwks())


def whoami():
    c, exchange = context.container(), context.exchange()
    with c.uow(readonly=True) as uow:
        partner = PartnerRegistry.get(uow, exchange.partner_id)
        key = uow.keys.get(exchange.verified.keyid)
        granted = c.access.granted_operations(uow, partner.id, c.clock())
    return ok({
        "partner_id": partner.id,
        "name": partner.name,
        "roles": sorted(r.value for r in partner.roles),
        "division_code": partner.division_code,
        "keyid": key.keyid,
        "key_not_after": when(key.not_after),
        "granted_operations": sorted(granted),
    })


def connectivity_test(body):
    c, exchange = context.container(), context.exchange()
    verified, request = exchange.verified, exchange.request
    params = verified.signature_input
    return ok({
        "message_id": exchange.message_id,
        "partner_id": exchange.partner_id,
        "keyid": verified.keyid,
        "server_time": format_timestamp(c.clock()),
        "idempotency_key": request.headers.get("idempotency-key"),
        "content_digest": request.headers.get("content-digest") or "",
        "body_sha256": "sha-256=:" + base64.b64encode(hashlib.sha256(request.body).digest()).decode() + ":",
        "body_length": len(request.body),
        "covered_components": [{"component": k, "value": v} for k, v in verified.components],
        "signature_params": params,
        "signature_base": verified.signature_base,
    })
