"""/partner-contracts: the OpenAPI documents of the interfaces partners serve (openapi/partners/)."""

from __future__ import annotations

from ... import partner_contracts
from ...errors import NotFound
from ..admin.present import ok

BASE = "/v1/partner-contracts"


def list_contracts():
    return ok({"items": [{"name": name, "title": partner_contracts.load(name)["info"]["title"],
                          "url": f"{BASE}/{name}"} for name in partner_contracts.names()]})


def get_contract(name: str):
    try:
        return ok(partner_contracts.load(name))
    except partner_contracts.UnknownContract:
        raise NotFound(f"no partner contract named {name}", reason="partner_contract_not_found") from None
