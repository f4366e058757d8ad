"""Signature base construction (RFC 9421 §2), checked against the RFC's own example."""

import pytest

from gateway.signatures import Headers, HttpRequest, HttpResponse, load_public_key
from gateway.signatures.algorithms import ALGORITHMS
from gateway.signatures.components import (
    ComponentId,
    ComponentUnavailable,
    build_signature_base,
    component_value,
)
from gateway.signatures.fields import signature_by_label

# RFC 9421 Appendix B.2 test request and B.2.6 (ed25519) signature, with the B.1.4 key.
RFC_REQUEST = HttpRequest(
    "POST",
    "https://example.com/foo?param=Value&Pet=dog",
    [
        ("Host", "example.com"),
        ("Date", "Tue, 20 Apr 2021 02:07:55 GMT"),
        ("Content-Type", "application/json"),
        (
            "Content-Digest",
            (
                "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyeal"
                "dVLvRwEmTHWXvJwew==:"
            ),
        ),
        ("Content-Length", "18"),
        (
            "Signature-Input",
            (
                'sig-b26=("date" "@method" "@path" "@authority" "content-type" '
                '"content-length");created=1618884473;keyid="test-key-ed25519"'
            ),
        ),
        (
            "Signature",
            (
                "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5l"
                "Ip5WPpBKRCw==:"
            ),
        ),
    ],
    b'{"hello": "world"}',
)
RFC_BASE = """"date": Tue, 20 Apr 2021 02:07:55 GMT
"@method": POST
"@path": /foo
"@authority": example.com
"content-type": application/json
"content-length": 18
"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");\
created=1618884473;keyid="test-key-ed25519\""""
RFC_ED25519_PUBLIC = """-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=
-----END PUBLIC KEY-----"""


def test_rfc9421_b26_base_and_signature():
    entry = signature_by_label(RFC_REQUEST.headers, "sig-b26")
    base = build_signature_base(entry.components, entry.params, RFC_REQUEST)
    assert base.text == RFC_BASE
    key = load_public_key(RFC_ED25519_PUBLIC).key
    assert ALGORITHMS["ed25519"].verify(key, entry.signature, base.encode())
    assert not ALGORITHMS["ed25519"].verify(
        key, entry.signature, base.encode().replace(b"/foo", b"/bar")
    )


def value(name, message, request=None, **params):
    return component_value(ComponentId.of(name, **params), message, request)


@pytest.mark.parametrize(
    "uri, target, authority, path, query",
    [
        (
            "https://example.com/foo?param=Value&Pet=dog",
            "https://example.com/foo?param=Value&Pet=dog",
            "example.com",
            "/foo",
            "?param=Value&Pet=dog",
        ),
        (
            "https://EXAMPLE.com:443",
            "https://EXAMPLE.com:443/",
            "example.com",
            "/",
            "?",
        ),
        (
            "http://gw.example.cn:8080/v1/x?",
            "http://gw.example.cn:8080/v1/x?",
            "gw.example.cn:8080",
            "/v1/x",
            "?",
        ),
        ("http://[::1]:80/a", "http://[::1]:80/a", "[::1]", "/a", "?"),
    ],
)
def test_derived_request_components(uri, target, authority, path, query):
    request = HttpRequest("get", uri)
    assert value("@method", request) == "GET"
    assert value("@target-uri", request) == target
    assert value("@authority", request) == authority
    assert value("@path", request) == path
    assert value("@query", request) == query


def test_fields_are_joined_trimmed_and_unfolded():
    request = HttpRequest(
        "GET",
        "https://a.example/",
        Headers(
            [
                ("X-Multi", "  one "),
                ("x-multi", "two,  three"),
                ("X-Folded", "first\r\n  second"),
            ]
        ),
    )
    assert value("x-multi", request) == "one, two,  three"
    assert value("x-folded", request) == "first second"


def test_key_parameter_selects_one_serialised_dictionary_member():
    request = HttpRequest(
        "GET", "https://a.example/", {"Signature": "a=:AAEC:, b=:AwQF:;p=1"}
    )
    assert value("signature", request, key="b") == ":AwQF:;p=1"
    with pytest.raises(ComponentUnavailable):
        value("signature", request, key="c")


def test_req_takes_components_from_the_request_a_response_answers():
    request = HttpRequest(
        "POST", "https://a.example/v1/x", {"Content-Digest": "sha-256=:AA==:"}
    )
    response = HttpResponse(201, {"Content-Digest": "sha-256=:BB==:"})
    assert value("@status", response) == "201"
    assert value("content-digest", response) == "sha-256=:BB==:"
    assert value("content-digest", response, request, req=True) == "sha-256=:AA==:"
    assert value("@method", response, request, req=True) == "POST"
    with pytest.raises(ComponentUnavailable):
        value("@method", response, request)  # a response has no method of its own
    with pytest.raises(ComponentUnavailable):
        value("@status", request)
    with pytest.raises(ComponentUnavailable):
        value("@method", request, req=True)


def test_response_base_with_req_components_serialises_parameters():
    request = HttpRequest("POST", "https://a.example/x", {"Signature": "sig1=:AAEC:"})
    response = HttpResponse(200, {"Content-Type": "application/json"})
    components = [
        ComponentId.of("@status"),
        ComponentId.of("@method", req=True),
        ComponentId.of("signature", req=True, key="sig1"),
    ]
    base = build_signature_base(
        components, {"created": 1, "keyid": "gw", "tag": "t"}, response, request
    )
    assert base.text == (
        '"@status": 200\n"@method";req: POST\n"signature";req;key="sig1": :AAEC:\n'
        '"@signature-params": ("@status" "@method";req "signature";req;key="sig1");created=1;keyid="gw";tag="t"'
    )


def test_bad_components_are_unavailable():
    request = HttpRequest(
        "GET", "https://a.example/", {"X-Bad": "ünïcode", "X-Ok": "ok"}
    )
    for components in (
        [ComponentId.of("x-bad")],
        [ComponentId.of("x-absent")],
        [ComponentId.of("@unknown")],
        [ComponentId.of("x-ok"), ComponentId.of("x-ok")],
    ):
        with pytest.raises(ComponentUnavailable):
            build_signature_base(components, {}, request)


def test_parameter_order_does_not_make_a_component_different():
    response = HttpResponse(200)
    request = HttpRequest("GET", "https://a.example/", {"Signature": "a=:AAEC:"})
    reordered = ComponentId("signature", (("key", "a"), ("req", True)))
    assert reordered.identity == ComponentId.of("signature", req=True, key="a").identity
    with pytest.raises(ComponentUnavailable):
        build_signature_base(
            [reordered, ComponentId.of("signature", req=True, key="a")],
            {},
            response,
            request,
        )
