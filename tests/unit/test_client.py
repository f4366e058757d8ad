"""PartnerClient against a fake gateway built from the real verifier and response signer.

``responses`` intercepts the HTTP calls, so nothing reaches the network; the fake gateway
checks each request exactly as the gateway will and signs its answer as the gateway will.
"""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
import requests
import responses

from gateway.client import GovgateSigningAuth, PartnerClient, ReceiptVerifier, as_http_request, gateway_url
from gateway.errors import Unavailable
from gateway.signatures import (
    REQUEST_TAG,
    HttpResponse,
    InMemoryNonceStore,
    RegisteredKey,
    RequestSigner,
    RequestVerifier,
    ResponseSigner,
    SignatureRejected,
    SigningKey,
    jwks_document,
    keys_from_jwks,
    tagged_label,
)
from gateway.signatures.profile import REPLAY_TAG

BASE = "https://gateway.example.gov.cn"
NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def clock():
    return NOW


@pytest.fixture(
    scope="module", params=["ed25519", "ecdsa-p256-sha256", "rsa-pss-sha512"]
)
def partner_key(request):
    return SigningKey.generate(request.param, f"tax-{request.param}")


@pytest.fixture(scope="module")
def gateway_key():
    return SigningKey.generate("ed25519", "govgate-2025-03")


class FakeGateway:
    """Verifies with RequestVerifier, answers 201/401 problem+json, signs with ResponseSigner."""

    def __init__(self, partner_key, gateway_key, response_signer=None):
        registered = RegisteredKey(
            partner_key.keyid,
            "tax-bureau",
            partner_key.algorithm,
            partner_key.private_key.public_key(),
        )
        self.verifier = RequestVerifier(
            {registered.keyid: registered}.get, InMemoryNonceStore(clock), clock=clock
        )
        self.signer = response_signer or ResponseSigner(gateway_key, clock=clock)
        self.seen = []
        self.tamper_body = None

    def __call__(self, prepared):
        request = as_http_request(prepared)
        label = None
        try:
            verified = self.verifier.verify(request)
            label = verified.label
            self.seen.append(verified)
            status, body = 201, {"accepted": True, "nonce": verified.nonce}
            content_type = "application/json"
        except SignatureRejected as rejected:
            label = tagged_label(request.headers, REQUEST_TAG)
            status, body = 401, {"type": "about:blank", "reason": rejected.reason}
            content_type = "application/problem+json"
        content = json.dumps(body).encode()
        response = HttpResponse(status, {"Content-Type": content_type}, content)
        fields = self.signer.sign(response, request, label)
        headers = dict(fields.headers())
        return (
            status,
            {"Content-Type": content_type, **headers},
            self.tamper_body or content,
        )


@pytest.fixture
def gateway(partner_key, gateway_key):
    fake = FakeGateway(partner_key, gateway_key)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        mocked.add_callback(
            responses.POST, f"{BASE}/v1/tax/certificates", callback=fake
        )
        mocked.add_callback(
            responses.GET, f"{BASE}/v1/tax/certificates/7", callback=fake
        )
        mocked.add(
            responses.GET,
            f"{BASE}/v1/gateway-keys",
            json=jwks_document([(gateway_key.keyid, gateway_key.public_info())]),
        )
        yield fake


def client_for(partner_key, gateway_key):
    return PartnerClient(
        BASE, partner_key, {gateway_key.keyid: gateway_key.public_info()}, clock=clock
    )


def test_a_signed_post_is_accepted_and_its_receipt_verified(
    gateway, partner_key, gateway_key
):
    client = client_for(partner_key, gateway_key)
    result = client.post(
        "/v1/tax/certificates", json={"纳税人识别号": "91110000600037341L"}
    )
    assert result.status == 201
    verified = gateway.seen[0]
    assert verified.partner_id == "tax-bureau"
    assert result.json()["nonce"] == verified.nonce
    assert result.receipt.keyid == gateway_key.keyid
    assert result.receipt.tag == "govgate-response"
    covered = dict(result.receipt.components)
    assert (
        covered['"signature";req;key="sig1"']
        == f":{base64.b64encode(verified.signature).decode()}:"
    )
    assert covered['"content-digest";req'] == verified.content_digest


def test_post_gets_an_idempotency_key_unless_given(gateway, partner_key, gateway_key):
    client = client_for(partner_key, gateway_key)
    client.post("/v1/tax/certificates", json={"a": 1})
    client.post("/v1/tax/certificates", json={"a": 1}, idempotency_key="order-42")
    keys = [dict(v.components)['"idempotency-key"'] for v in gateway.seen]
    assert len(keys[0]) == 36 and keys[1] == "order-42"


def test_get_is_signed_without_content(gateway, partner_key, gateway_key):
    result = client_for(partner_key, gateway_key).get("/v1/tax/certificates/7")
    assert result.status == 201
    assert gateway.seen[0].content_digest is None
    assert '"content-digest";req' not in dict(result.receipt.components)


def test_client_built_from_the_published_jwks(gateway, partner_key, gateway_key):
    client = PartnerClient.from_published_keys(BASE, partner_key, clock=clock)
    assert client.post("/v1/tax/certificates", json={}).status == 201


def test_gateway_rejections_come_back_signed_and_bound(
    gateway, partner_key, gateway_key
):
    stranger = SigningKey.generate("ed25519", "not-registered")
    result = client_for(stranger, gateway_key).post("/v1/tax/certificates", json={})
    assert result.status == 401
    assert result.json()["reason"] == "key_unknown"
    assert result.receipt.keyid == gateway_key.keyid
    assert '"signature";req;key="sig1"' in dict(result.receipt.components)


def test_a_receipt_from_another_key_is_refused(gateway, partner_key):
    impostor = SigningKey.generate("ed25519", "govgate-2025-03")
    with pytest.raises(SignatureRejected) as caught:
        client_for(partner_key, impostor).post("/v1/tax/certificates", json={})
    assert caught.value.reason == "signature_invalid"


def test_a_tampered_answer_is_refused(gateway, partner_key, gateway_key):
    gateway.tamper_body = b'{"accepted": false}'
    with pytest.raises(SignatureRejected) as caught:
        client_for(partner_key, gateway_key).post("/v1/tax/certificates", json={})
    assert caught.value.reason == "content_digest_mismatch"


def test_a_receipt_not_bound_to_the_request_signature_is_refused(
    partner_key, gateway_key
):
    class Unbound(ResponseSigner):
        def sign(self, response, request, request_label):
            return super().sign(response, request, None)

    fake = FakeGateway(partner_key, gateway_key, Unbound(gateway_key, clock=clock))
    with responses.RequestsMock() as mocked:
        mocked.add_callback(
            responses.POST, f"{BASE}/v1/tax/certificates", callback=fake
        )
        with pytest.raises(SignatureRejected) as caught:
            client_for(partner_key, gateway_key).post("/v1/tax/certificates", json={})
    assert caught.value.reason == "signature_component_missing"


def test_an_old_receipt_is_refused(partner_key, gateway_key):
    stale = ResponseSigner(gateway_key, clock=lambda: NOW - timedelta(minutes=10))
    fake = FakeGateway(partner_key, gateway_key, stale)
    with responses.RequestsMock() as mocked:
        mocked.add_callback(
            responses.POST, f"{BASE}/v1/tax/certificates", callback=fake
        )
        with pytest.raises(SignatureRejected) as caught:
            client_for(partner_key, gateway_key).post("/v1/tax/certificates", json={})
    assert caught.value.reason == "signature_expired"


def test_network_failures_become_unavailable(partner_key, gateway_key):
    with responses.RequestsMock() as mocked:
        mocked.add(
            responses.POST,
            f"{BASE}/v1/tax/certificates",
            body=requests.ConnectTimeout(),
        )
        mocked.add(
            responses.GET,
            f"{BASE}/v1/tax/certificates/7",
            body=requests.ConnectionError(),
        )
        client = client_for(partner_key, gateway_key)
        with pytest.raises(Unavailable) as timeout:
            client.post("/v1/tax/certificates", json={})
        with pytest.raises(Unavailable) as unreachable:
            client.get("/v1/tax/certificates/7")
    assert (timeout.value.reason, timeout.value.status) == ("gateway_timeout", 504)
    assert unreachable.value.reason == "gateway_unreachable"


def test_auth_works_on_a_plain_requests_session(partner_key, gateway_key):
    fake = FakeGateway(partner_key, gateway_key)
    with responses.RequestsMock() as mocked:
        mocked.add_callback(
            responses.POST, f"{BASE}/v1/tax/certificates", callback=fake
        )
        auth = GovgateSigningAuth(
            RequestSigner(partner_key, clock=clock),
            idempotency_keys=lambda: "fixed-key",
        )
        response = requests.post(
            f"{BASE}/v1/tax/certificates",
            data=b"<xml/>",
            auth=auth,
            headers={"Content-Type": "application/xml"},
        )
    assert response.status_code == 201
    assert dict(fake.seen[0].components)['"idempotency-key"'] == "fixed-key"


@pytest.mark.parametrize("base", [BASE, BASE + "/", BASE + "/v1", BASE + "/v1/"])
@pytest.mark.parametrize("path", ["/v1/tax/certificates/7", "/tax/certificates/7", "tax/certificates/7"])
def test_the_base_url_may_name_v1_or_not(gateway, partner_key, gateway_key, base, path):
    client = PartnerClient.from_published_keys(base, partner_key, clock=clock)
    result = client.get(path)
    assert result.status == 201
    assert result.response.request.url == f"{BASE}/v1/tax/certificates/7"


@pytest.mark.parametrize(("base", "path", "url"), [
    ("https://h.example.cn/govgate/v1", "/whoami", "https://h.example.cn/govgate/v1/whoami"),
    ("https://h.example.cn/govgate", "/v1/whoami", "https://h.example.cn/govgate/v1/whoami"),
    ("https://h.example.cn", "/v1", "https://h.example.cn/v1"),
    ("https://h.example.cn/v1", "/v1x", "https://h.example.cn/v1/v1x"),
])
def test_gateway_urls_keep_a_deployment_prefix(base, path, url):
    assert gateway_url(base, path) == url


class ReplayingGateway(FakeGateway):
    """Answers a repeated Idempotency-Key as the gateway does: the stored answer with its
    original receipt, plus a govgate-replay signature bound to the retry."""

    def __init__(self, partner_key, gateway_key, replay_signer=None):
        super().__init__(partner_key, gateway_key)
        self.replay_signer = replay_signer or ResponseSigner(
            gateway_key, tag=REPLAY_TAG, label="govgate-replay", clock=clock)
        self.stored = {}

    def __call__(self, prepared):
        key = prepared.headers["Idempotency-Key"]
        if key not in self.stored:
            self.stored[key] = super().__call__(prepared)
            return self.stored[key]
        status, headers, body = self.stored[key]
        request = as_http_request(prepared)
        verified = self.verifier.verify(request)
        fields = self.replay_signer.sign(HttpResponse(status, headers, body), request, verified.label)
        return status, {**headers, "Idempotency-Replayed": "true",
                        "Signature-Input": f"{headers['Signature-Input']}, {fields.signature_input}",
                        "Signature": f"{headers['Signature']}, {fields.signature}"}, body


def _replaying(fake):
    mocked = responses.RequestsMock()
    mocked.add_callback(responses.POST, f"{BASE}/v1/tax/certificates", callback=fake)
    return mocked


def test_a_replayed_answer_is_checked_by_its_replay_signature(partner_key, gateway_key):
    with _replaying(ReplayingGateway(partner_key, gateway_key)):
        client = client_for(partner_key, gateway_key)
        first = client.post("/v1/tax/certificates", json={"a": 1}, idempotency_key="k-1")
        retry = client.post("/v1/tax/certificates", json={"a": 1}, idempotency_key="k-1")
    assert (first.receipt.tag, retry.receipt.tag) == ("govgate-response", "govgate-replay")
    assert retry.response.content == first.response.content
    # The replay signature covers the retry's own request signature, not the first one's.
    assert dict(retry.receipt.components)['"signature";req;key="sig1"'] == \
        retry.response.request.headers["Signature"][len("sig1="):]


def test_a_replay_without_its_replay_signature_is_refused(partner_key, gateway_key):
    class Forgetful(ReplayingGateway):  # hands back the stored answer as it was
        def __call__(self, prepared):
            status, headers, body = super().__call__(prepared)
            if headers.get("Idempotency-Replayed"):
                headers = {**headers, **self.stored[prepared.headers["Idempotency-Key"]][1]}
            return status, headers, body

    with _replaying(Forgetful(partner_key, gateway_key)):
        client = client_for(partner_key, gateway_key)
        client.post("/v1/tax/certificates", json={"a": 1}, idempotency_key="k-2")
        with pytest.raises(SignatureRejected) as caught:
            client.post("/v1/tax/certificates", json={"a": 1}, idempotency_key="k-2")
    assert caught.value.reason == "signature_tag_missing"


def test_the_receipt_verifier_works_on_a_plain_requests_session(partner_key, gateway_key):
    with _replaying(ReplayingGateway(partner_key, gateway_key)):
        auth = GovgateSigningAuth(RequestSigner(partner_key, clock=clock), idempotency_keys=lambda: "same")
        receipts = ReceiptVerifier(keys_from_jwks(jwks_document([(gateway_key.keyid, gateway_key.public_info())])),
                                   clock=clock)
        answers = [requests.post(f"{BASE}/v1/tax/certificates", json={"n": 1}, auth=auth) for _ in range(2)]
        tags = [receipts.verify(answer).tag for answer in answers]
        forged = ResponseSigner(SigningKey.generate("ed25519", gateway_key.keyid), tag=REPLAY_TAG,
                                label="govgate-replay", clock=clock)
    assert tags == ["govgate-response", "govgate-replay"]
    with _replaying(ReplayingGateway(partner_key, gateway_key, replay_signer=forged)):
        answers = [requests.post(f"{BASE}/v1/tax/certificates", json={"n": 1}, auth=auth) for _ in range(2)]
        receipts.verify(answers[0])
        with pytest.raises(SignatureRejected) as caught:
            receipts.verify(answers[1])
    assert caught.value.reason == "signature_invalid"
