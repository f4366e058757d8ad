"""The @target-uri the gateway verifies behind a TLS-terminating proxy.

The test client talks to http://testserver; partners sign https://gateway.example.gov.cn/....
Either GOVGATE_PUBLIC_BASE_URL says so, or X-Forwarded-Proto/-Host do, but only from a peer
listed in GOVGATE_TRUSTED_PROXIES.
"""

from __future__ import annotations

import pytest

from gateway.bootstrap import build_container, create_app
from tests.support.exchange import problem, signed_for, verify_receipt

PUBLIC = "https://gateway.example.gov.cn"
FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "gateway.example.gov.cn"}


@pytest.fixture
def gateway_with(settings, clock, container):
    """Build another app on the same database and keys, with some settings changed."""
    built = []

    def build(client_address=("testclient", 50000), **overrides):
        changed = settings.with_overrides(**overrides)
        other = build_container(changed, clock=clock)
        built.append(other)
        return create_app(changed, other).test_client(client=client_address)

    yield build
    for other in built:
        other.close()


def test_public_base_url_is_the_signed_target(gateway_with, partner, clock):
    client = gateway_with(public_base_url=PUBLIC)
    headers = signed_for(partner.key, "GET", PUBLIC + "/v1/whoami", clock)
    response = client.get("/v1/whoami", headers=headers)
    assert response.status_code == 200, response.text
    body = b'{"via": "proxy"}'
    headers = signed_for(partner.key, "POST", PUBLIC + "/v1/connectivity-tests", clock, body)
    echo = client.post("/v1/connectivity-tests", headers=headers, content=body)
    assert echo.status_code == 200, echo.text
    assert f'"@target-uri": {PUBLIC}/v1/connectivity-tests' in echo.json()["signature_base"]


def test_with_a_public_base_url_the_socket_address_is_not_the_target(gateway_with, partner, clock):
    client = gateway_with(public_base_url=PUBLIC)
    response = client.get(
        "/v1/whoami", headers=signed_for(partner.key, "GET", "http://testserver/v1/whoami", clock)
    )
    problem(response, 401, "signature_invalid")


def test_forwarded_fields_from_a_trusted_proxy_are_honoured(gateway_with, partner, clock):
    client = gateway_with(
        client_address=("10.0.0.1", 123), trusted_proxies="10.0.0.0/8, 192.168.1.1"
    )
    headers = signed_for(partner.key, "GET", PUBLIC + "/v1/whoami", clock, headers=FORWARDED)
    response = client.get("/v1/whoami", headers=headers)
    assert response.status_code == 200, response.text
    # The receipt binds the target the partner signed, not the socket's.
    receipt = verify_receipt(client, response_as_sent_to(response, PUBLIC), clock)
    assert dict(receipt.components)['"@target-uri";req'] == PUBLIC + "/v1/whoami"
    # Without forwarded fields the proxy's own view is the target.
    plain = client.get(
        "/v1/whoami", headers=signed_for(partner.key, "GET", "http://testserver/v1/whoami", clock)
    )
    assert plain.status_code == 200, plain.text


def response_as_sent_to(response, base):
    """The response with its request's URL rewritten to what the partner addressed."""
    import httpx

    sent = response.request
    response.request = httpx.Request(
        sent.method, base + sent.url.raw_path.decode(), headers=sent.headers, content=sent.content
    )
    return response


@pytest.mark.parametrize("peer", [("192.0.2.7", 123), ("testclient", 50000), ("10.0.0.1", 123)])
def test_forwarded_fields_from_anyone_else_are_ignored(gateway_with, partner, clock, peer):
    trusted = "192.168.1.0/24" if peer[0] == "10.0.0.1" else "10.0.0.0/8"
    client = gateway_with(client_address=peer, trusted_proxies=trusted)
    headers = signed_for(partner.key, "GET", PUBLIC + "/v1/whoami", clock, headers=FORWARDED)
    problem(client.get("/v1/whoami", headers=headers), 401, "signature_invalid")


def test_forwarded_fields_are_ignored_when_no_proxy_is_trusted(gateway_with, partner, clock):
    client = gateway_with(client_address=("10.0.0.1", 123))
    headers = signed_for(partner.key, "GET", PUBLIC + "/v1/whoami", clock, headers=FORWARDED)
    problem(client.get("/v1/whoami", headers=headers), 401, "signature_invalid")
