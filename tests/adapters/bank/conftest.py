"""Bank front-end fixtures: the real app with the bank adapter installed, a world whose bank
speaks the front-end idiom, and helpers to send it signed XML packages.

Until the composition root installs adapters itself, ``container`` installs this one through an
``AdapterKit`` the way bootstrap will (and is a no-op once bootstrap does).
"""

from __future__ import annotations

import uuid

import pytest
import requests

from adapters import bank
from adapters.bank import mapping, xml
from gateway.adapters_kit import AdapterKit
from tests.support.world import build_world

LGNNAM = "TLBANK01"


def install_bank(container) -> None:
    if bank.FORMAT in container.adapters.formats:
        return  # bootstrap installed it
    kit = AdapterKit(adapters=container.adapters, hr_facts=container.hr_facts, keystore=container.keystore,
                     key_registry=container.key_registry, uow=container.uow, clock=container.clock,
                     settings=container.settings, calendar=container.calendar,
                     session_factory=requests.Session)
    bank.install(kit)
    container.error_idioms = {**getattr(container, "error_idioms", {}), **kit.error_idioms}
    container.inbound_idioms = {**getattr(container, "inbound_idioms", {}), **kit.inbound_idioms}
    if bank.FORMAT not in container.partners.formats:
        container.partners._formats[bank.FORMAT] = bank.validate_settings


@pytest.fixture
def container(container):
    install_bank(container)
    return container


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
