"""RequestVerifier: every rejection reason, the order of checks, and replay handling."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from gateway.signatures import (
    HttpRequest,
    InMemoryNonceStore,
    RegisteredKey,
    RequestSigner,
    RequestVerifier,
    SignatureRejected,
    SigningKey,
    VerificationWindow,
)
from gateway.signatures.components import ComponentId
from gateway.signatures.digest import content_digest
from gateway.signatures.signer import sign_components

NOW = datetime(2025, 3, 1, 8, 0, 0, tzinfo=UTC)
URI = "https://gateway.example.gov.cn/v1/deferrals?batch=7"
BODY = '{"身份证号":"110101199003077777","期限":6}'.encode()


class FixedClock:
    def __init__(self, now=NOW):
        self.now = now

    def __call__(self):
        return self.now


class FakeKeyRegistry:
    def __init__(self, *keys):
        self.keys = {key.keyid: key for key in keys}
        self.lookups = []

    def __call__(self, keyid):
        self.lookups.append(keyid)
        return self.keys.get(keyid)


@pytest.fixture(
    scope="module", params=["ed25519", "ecdsa-p256-sha256", "rsa-pss-sha512"]
)
def signing_key(request):
    return SigningKey.generate(request.param, f"hrss-{request.param}")


@pytest.fixture
def registered(signing_key):
    return RegisteredKey(
        keyid=signing_key.keyid,
        partner_id="hrss-beijing",
        algorithm=signing_key.algorithm,
        public_key=signing_key.private_key.public_key(),
        not_before=NOW - timedelta(days=30),
        not_after=NOW + timedelta(days=335),
    )


@pytest.fixture
def clock():
    return FixedClock()


@pytest.fixture
def nonces(clock):
    return InMemoryNonceStore(clock)


def make_verifier(registered, nonces, clock, **kwargs):
    return RequestVerifier(FakeKeyRegistry(registered), nonces, clock=clock, **kwargs)


def post(body=BODY, **headers):
    fields = {
        "Content-Type": "application/json",
        "Idempotency-Key": "b7c1f3e2-0a41-4c8e-9d55-3f1f",
    }
    fields.update(headers)
    return HttpRequest(
        "POST", URI, {k: v for k, v in fields.items() if v is not None}, body
    )


def signed(request, key, clock=None, **signer_options):
    fields = RequestSigner(key, clock=clock or FixedClock(), **signer_options).sign(
        request
    )
    for name, value in fields.headers():
        request.headers.set(name, value)
    return request


def rejection(verifier, request):
    with pytest.raises(SignatureRejected) as caught:
        verifier.verify(request)
    assert caught.value.status == 401
    return caught.value.reason


def test_a_signed_post_verifies_and_reports_its_evidence(
    signing_key, registered, nonces, clock
):
    verified = make_verifier(registered, nonces, clock).verify(
        signed(post(), signing_key)
    )
    assert verified.partner_id == "hrss-beijing"
    assert verified.keyid == signing_key.keyid
    assert verified.algorithm == signing_key.algorithm
    assert verified.label == "sig1"
    assert verified.tag == "govgate-request"
    assert verified.created == int(NOW.timestamp())
    assert len(verified.nonce) >= 16
    assert verified.content_digest == content_digest(BODY)
    assert (
        dict(verified.components)['"idempotency-key"'] == "b7c1f3e2-0a41-4c8e-9d55-3f1f"
    )
    assert verified.signature_base.endswith(
        f'"@signature-params": {verified.signature_input}'
    )


def test_a_get_without_content_needs_only_method_and_target(
    signing_key, registered, nonces, clock
):
    request = signed(HttpRequest("GET", URI), signing_key)
    assert "content-digest" not in request.headers
    verified = make_verifier(registered, nonces, clock).verify(request)
    assert [name for name, _ in verified.components] == ['"@method"', '"@target-uri"']
    assert verified.content_digest is None


def test_missing_signature_and_missing_tag(signing_key, registered, nonces, clock):
    verifier = make_verifier(registered, nonces, clock)
    assert rejection(verifier, post()) == "signature_missing"
    other = signed(post(), signing_key, tag="someone-else")
    assert rejection(verifier, other) == "signature_tag_missing"


def test_label_is_free_the_tag_selects(signing_key, registered, nonces, clock):
    request = signed(post(), signing_key, label="my-label")
    assert make_verifier(registered, nonces, clock).verify(request).label == "my-label"


@pytest.mark.parametrize(
    "dropped",
    [
        '"@method"',
        '"@target-uri"',
        '"content-type"',
        '"content-digest"',
        '"idempotency-key"',
    ],
)
def test_every_required_component_is_enforced(
    dropped, signing_key, registered, nonces, clock
):
    request = post()
    request.headers.set("Content-Digest", content_digest(BODY))
    components = [
        c
        for c in map(
            ComponentId.of,
            [
                "@method",
                "@target-uri",
                "content-type",
                "content-digest",
                "idempotency-key",
            ],
        )
        if c.serialise() != dropped
    ]
    params = {
        "created": int(NOW.timestamp()),
        "keyid": signing_key.keyid,
        "nonce": "n" * 20,
        "tag": "govgate-request",
    }
    fields = sign_components(
        signing_key, "sig1", components, params, request, None, None
    )
    for name, value in fields.headers():
        request.headers.set(name, value)
    assert (
        rejection(make_verifier(registered, nonces, clock), request)
        == "signature_component_missing"
    )


@pytest.mark.parametrize("dropped", ["created", "keyid", "nonce"])
def test_every_required_parameter_is_enforced(
    dropped, signing_key, registered, nonces, clock
):
    request = HttpRequest("GET", URI)
    params = {
        "created": int(NOW.timestamp()),
        "keyid": signing_key.keyid,
        "nonce": "n" * 20,
        "tag": "govgate-request",
    }
    params.pop(dropped)
    components = [ComponentId.of("@method"), ComponentId.of("@target-uri")]
    fields = sign_components(
        signing_key, "sig1", components, params, request, None, None
    )
    for name, value in fields.headers():
        request.headers.set(name, value)
    assert (
        rejection(make_verifier(registered, nonces, clock), request)
        == "signature_parameter_missing"
    )


def test_a_short_nonce_is_refused(signing_key, registered, nonces, clock):
    request = signed(post(), signing_key, nonce_factory=lambda: "short-nonce")
    assert (
        rejection(make_verifier(registered, nonces, clock), request)
        == "signature_malformed"
    )


def test_content_digest_is_recomputed_from_the_received_bytes(
    signing_key, registered, nonces, clock
):
    request = signed(post(), signing_key)
    tampered = HttpRequest(
        request.method, request.target_uri, request.headers, BODY + b" "
    )
    assert (
        rejection(make_verifier(registered, nonces, clock), tampered)
        == "content_digest_mismatch"
    )


def test_digest_failure_is_reported_before_the_key_is_looked_up(
    signing_key, registered, nonces, clock
):
    registry = FakeKeyRegistry()  # knows no key at all
    request = signed(post(), signing_key)
    request.body = b"{}"
    verifier = RequestVerifier(registry, nonces, clock=clock)
    assert rejection(verifier, request) == "content_digest_mismatch"
    assert registry.lookups == []


def test_unknown_key(signing_key, registered, nonces, clock):
    verifier = RequestVerifier(FakeKeyRegistry(), nonces, clock=clock)
    assert rejection(verifier, signed(post(), signing_key)) == "key_unknown"


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"not_before": NOW + timedelta(seconds=1)}, "key_not_yet_valid"),
        ({"not_after": NOW}, "key_expired"),
        ({"revoked_at": NOW - timedelta(hours=1)}, "key_revoked"),
        ({"partner_status": "suspended"}, "partner_suspended"),
        ({"algorithm": "some-other-alg"}, "algorithm_mismatch"),
    ],
)
def test_key_state_rejections(change, reason, signing_key, registered, nonces, clock):
    verifier = make_verifier(replace(registered, **change), nonces, clock)
    assert rejection(verifier, signed(post(), signing_key)) == reason


def test_alg_may_be_omitted_and_the_key_decides(signing_key, registered, nonces, clock):
    request = signed(post(), signing_key, include_alg=False)
    assert (
        make_verifier(registered, nonces, clock).verify(request).algorithm
        == signing_key.algorithm
    )


def test_created_window_edges(signing_key, registered, nonces, clock):
    verifier = make_verifier(registered, nonces, clock)
    assert verifier.verify(
        signed(post(), signing_key, FixedClock(NOW - timedelta(seconds=300)))
    )
    assert verifier.verify(
        signed(post(), signing_key, FixedClock(NOW + timedelta(seconds=30)))
    )
    old = signed(post(), signing_key, FixedClock(NOW - timedelta(seconds=301)))
    assert rejection(verifier, old) == "signature_expired"
    future = signed(post(), signing_key, FixedClock(NOW + timedelta(seconds=31)))
    assert rejection(verifier, future) == "signature_from_future"


def test_window_is_configurable(signing_key, registered, nonces, clock):
    verifier = make_verifier(
        registered, nonces, clock, window=VerificationWindow(max_age=60)
    )
    old = signed(post(), signing_key, FixedClock(NOW - timedelta(seconds=61)))
    assert rejection(verifier, old) == "signature_expired"


def test_a_replayed_request_is_refused(signing_key, registered, nonces, clock):
    verifier = make_verifier(registered, nonces, clock)
    request = signed(post(), signing_key)
    verifier.verify(request)
    assert rejection(verifier, request) == "nonce_replayed"


def test_garbage_signatures_cannot_burn_a_partners_nonce(
    signing_key, registered, nonces, clock
):
    verifier = make_verifier(registered, nonces, clock)
    genuine = signed(post(), signing_key, nonce_factory=lambda: "partner-nonce-0001")
    forged = post()
    forged.headers.set("Content-Digest", genuine.headers.get("content-digest"))
    forged.headers.set("Signature-Input", genuine.headers.get("signature-input"))
    forged.headers.set("Signature", "sig1=:" + "A" * 86 + "==:")
    assert rejection(verifier, forged) == "signature_invalid"
    assert verifier.verify(genuine).nonce == "partner-nonce-0001"


def test_a_nonce_recorded_concurrently_is_a_replay(signing_key, registered, clock):
    class LosesTheRace(InMemoryNonceStore):
        def record(self, keyid, nonce, expires_at):
            return False

    verifier = make_verifier(registered, LosesTheRace(clock), clock)
    assert rejection(verifier, signed(post(), signing_key)) == "nonce_replayed"


def test_nonce_is_remembered_until_the_signature_would_expire(
    signing_key, registered, clock
):
    class Recording(InMemoryNonceStore):
        def __init__(self, clock):
            super().__init__(clock)
            self.expiries = []

        def record(self, keyid, nonce, expires_at):
            self.expiries.append(expires_at)
            return super().record(keyid, nonce, expires_at)

    store = Recording(clock)
    make_verifier(registered, store, clock).verify(signed(post(), signing_key))
    assert store.expiries == [NOW + timedelta(seconds=300)]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda r: setattr(r, "method", "PUT"),
        lambda r: setattr(r, "target_uri", URI.replace("batch=7", "batch=8")),
        lambda r: r.headers.set("Idempotency-Key", "another"),
        lambda r: r.headers.set("Content-Type", "text/plain"),
    ],
)
def test_any_covered_change_breaks_the_signature_without_saying_where(
    tamper, signing_key, registered, nonces, clock
):
    request = signed(post(), signing_key)
    tamper(request)
    verifier = make_verifier(registered, nonces, clock)
    with pytest.raises(SignatureRejected) as caught:
        verifier.verify(request)
    assert caught.value.reason in {"signature_invalid", "signature_component_missing"}
    for leak in (
        "idempotency",
        "content-type",
        "@method",
        "@target-uri",
        "BEGIN",
        signing_key.keyid,
    ):
        assert leak not in caught.value.detail


def test_a_key_of_another_type_under_the_same_keyid_does_not_verify(
    signing_key, registered, nonces, clock
):
    impostor = SigningKey.generate(
        "ed25519" if signing_key.algorithm != "ed25519" else "ecdsa-p256-sha256",
        signing_key.keyid,
    )
    request = signed(post(), impostor, include_alg=False)
    assert (
        rejection(make_verifier(registered, nonces, clock), request)
        == "signature_invalid"
    )


def test_a_second_signature_with_the_same_tag_is_ambiguous(
    signing_key, registered, nonces, clock
):
    request = signed(post(), signing_key)
    second = RequestSigner(signing_key, clock=clock, label="sig2").sign(post())
    request.headers.add("Signature-Input", second.signature_input)
    request.headers.add("Signature", second.signature)
    assert (
        rejection(make_verifier(registered, nonces, clock), request)
        == "signature_malformed"
    )


def test_another_partys_unsupported_signature_does_not_get_in_the_way(
    signing_key, registered, nonces, clock
):
    request = signed(post(), signing_key)
    request.headers.add(
        "Signature-Input", 'proxy=("x-forwarded-for";bs);created=1;tag="proxy"'
    )
    request.headers.add("Signature", "proxy=:AAAA:")
    assert make_verifier(registered, nonces, clock).verify(request).label == "sig1"
