"""Whose failures are counted: the peer, or behind trusted proxies the address they saw."""

from __future__ import annotations

import ipaddress

from gateway.api.target import source_address

PROXIES = (ipaddress.ip_network("10.0.0.0/8"),)


def scope(peer: str, forwarded: str | None = None) -> dict:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return {"client": (peer, 5000), "headers": headers}


def test_without_a_trusted_proxy_the_peer_counts_and_forwarded_for_is_ignored():
    assert source_address(scope("203.0.113.7", "198.51.100.1"), PROXIES) == "203.0.113.7"
    assert source_address(scope("10.0.0.5", "198.51.100.1"), ()) == "10.0.0.5"


def test_behind_trusted_proxies_the_rightmost_address_they_did_not_add():
    # The client forged the first entry; the balancer (10.0.0.5) appended the real one.
    forged = scope("10.0.0.5", "192.0.2.66, 203.0.113.7, 10.0.0.9")
    assert source_address(forged, PROXIES) == "203.0.113.7"


def test_a_malformed_chain_or_only_proxies_falls_back_to_the_peer():
    assert source_address(scope("10.0.0.5", "not-an-ip, 203.0.113.7x"), PROXIES) == "10.0.0.5"
    assert source_address(scope("10.0.0.5", "10.0.0.9"), PROXIES) == "10.0.0.5"
    assert source_address({"headers": []}, PROXIES) == "unknown"
