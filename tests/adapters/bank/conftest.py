"""Bank front-end fixtures: a world whose bank speaks the front-end idiom (the composition root
installs the adapter), and helpers to send it signed XML packages."""

from __future__ import annotations

import uuid

import pytest

from adapters import bank
from adapters.bank import mapping, xml
from tests.support.world import build_world

LGNNAM = "TLBANK01"




@pytest.fixture
def world(client, admin_headers, clock):
    world = build_world(client, admin_headers, clock)
    response = client.patch(f"/v1/admin/partners/{world.bank.id}", headers=admin_headers,
                            json={"format": bank.FORMAT, "format_settings": {"lgnnam": LGNNAM}})
    assert response.status_code == 200, response.text
    return world


def package(funnam: str, body: dict, reference: str, lgnnam: str = LGNNAM) -> bytes:
    function = mapping.INBOUND[funnam]
    return xml.render(mapping.info(funnam, lgnnam),
                      mapping.to_blocks(function.blocks, body, {"YURREF": reference}))


def send(partner, data: bytes, *, reference: str | None = None, content_type: str = "application/xml; charset=GBK",
         **options):
    """POST the package, signed over its bytes; Idempotency-Key = ``reference``."""
    return partner.request("POST", "/v1/bank-frontend", body=data,
                           headers={"Content-Type": content_type},
                           idempotency_key=reference or str(uuid.uuid4()), **options)


def submit(partner, funnam: str, body: dict, reference: str | None = None, lgnnam: str = LGNNAM, **options):
    reference = reference or uuid.uuid4().hex[:20].upper()
    return send(partner, package(funnam, body, reference, lgnnam), reference=reference, **options)


def reply(response) -> xml.Package:
    assert response.headers["content-type"] == "application/xml; charset=GBK", response.headers
    return xml.parse(response.content)
