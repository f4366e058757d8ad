"""Verifying signed requests from partners, and signed responses (receipts) from a peer.

Request checks run in a fixed order, cheapest and least secret first, so that the reason a
caller gets is stable and no key lookup or crypto is spent on a message that is malformed:

    signature present → tag → required components and parameters → Content-Digest against
    the received bytes → keyid resolves → key validity (not yet valid, expired, revoked) →
    partner suspended → alg matches the key → created window → nonce not seen → signature
    verifies → nonce recorded.

Nonce choice: the nonce is *recorded only after* the signature verifies. Recording earlier
would let anyone who sees a partner's keyid burn nonces with garbage signatures (and fill the
store). A cheap ``seen`` check runs before the crypto so a replay is reported as such; the
atomic ``record`` afterwards closes the race between two copies arriving together (the loser
gets ``nonce_replayed``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gateway.signatures import checks
from gateway.signatures.components import ComponentId, SignatureBase
from gateway.signatures.digest import StreamingDigest, verify_content_digest
from gateway.signatures.errors import Rejection, SignatureRejected
from gateway.signatures.fields import SignatureEntry, select_signature
from gateway.signatures.keys import PublicKeyInfo
from gateway.signatures.message import HttpRequest, HttpResponse
from gateway.signatures.ports import (
    Clock,
    KeyResolver,
    NonceStore,
    RegisteredKey,
    utc_now,
)
from gateway.signatures.profile import (
    REQUEST_PARAMETERS,
    REQUEST_TAG,
    RESPONSE_PARAMETERS,
    RESPONSE_TAG,
    request_components,
    require_coverage,
    response_components,
)


@dataclass(frozen=True)
class VerificationWindow:
    max_age: int = 300  # seconds a signature stays acceptable after ``created``
    max_future: int = 30  # seconds of clock skew tolerated the other way


@dataclass(frozen=True)
class VerifiedMessage:
    """What was proven about a message; stored as evidence, so values are exactly as signed."""

    keyid: str
    partner_id: str
    algorithm: str
    label: str
    tag: str
    created: int
    nonce: str | None
    components: tuple[tuple[str, str], ...]  # (serialised component identifier, value)
    signature_input: (
        str  # the Signature-Input member value == the @signature-params line
    )
    signature_base: str
    signature: bytes
    content_digest: (
        str | None
    )  # the verified Content-Digest, None for a message without content


VerifiedRequest = VerifiedMessage
VerifiedResponse = VerifiedMessage


class RequestVerifier:
    """Checks a partner's signed request against the profile; see the module docstring."""

    def __init__(
        self,
        key_resolver: KeyResolver,
        nonce_store: NonceStore,
        *,
        clock: Clock = utc_now,
        window: VerificationWindow = VerificationWindow(),
        tag: str = REQUEST_TAG,
    ) -> None:
        self._keys = key_resolver
        self._nonces = nonce_store
        self._clock = clock
        self._window = window
        self._tag = tag

    def within(self, key_resolver: KeyResolver, nonce_store: NonceStore) -> RequestVerifier:
        """The same checks over other ports, e.g. ones bound to the caller's transaction."""
        return RequestVerifier(key_resolver, nonce_store, clock=self._clock, window=self._window,
                               tag=self._tag)

    def verify(self, request: HttpRequest, *, body_follows: bool = False) -> VerifiedRequest:
        """Return the verified request or raise ``SignatureRejected`` with the first failed check.

        ``body_follows``: the body is streamed after this check (bulk batches); the Content-Digest
        must be present and well-formed here, and the caller checks it against every byte with
        ``StreamingDigest`` before anything of the body is applied."""
        entry = select_signature(request.headers, self._tag)
        required = request_components(request)
        if body_follows:  # the content is coming: its type and digest must be signed
            required = (*required, ComponentId.of("content-type"), ComponentId.of("content-digest"))
        require_coverage(entry, tuple(dict.fromkeys(required)), REQUEST_PARAMETERS)
        # before the base: the base needs the digest field
        digest = StreamingDigest(request.headers.get("content-digest")).value if body_follows \
            else _checked_digest(request)
        base = checks.signature_base(entry, request)
        now = self._clock()
        key = checks.usable_key(self._keys, entry, now)
        created = checks.created_within(
            entry, now, self._window.max_age, self._window.max_future
        )
        nonce: str = entry.param("nonce")
        if self._nonces.seen(key.keyid, nonce):
            raise SignatureRejected(Rejection.NONCE_REPLAYED)
        checks.cryptographically_valid(key, entry, base)
        if not self._nonces.record(
            key.keyid, nonce, checks.replay_expiry(created, self._window.max_age)
        ):
            raise SignatureRejected(Rejection.NONCE_REPLAYED)
        return _verified(key, entry, base, created, digest)


class ResponseVerifier:
    """Checks a signed response bound to the request it answers (the receipt).

    Used by partners on the gateway's responses (tag ``govgate-response``, keys from the
    gateway's JWKS) and by the gateway on recipients' receipts (tag ``govgate-receipt``).
    """

    def __init__(
        self,
        key_resolver: KeyResolver,
        *,
        clock: Clock = utc_now,
        window: VerificationWindow = VerificationWindow(),
        tag: str = RESPONSE_TAG,
    ) -> None:
        self._keys = key_resolver
        self._clock = clock
        self._window = window
        self._tag = tag

    def verify(
        self, response: HttpResponse, request: HttpRequest, request_label: str | None
    ) -> VerifiedResponse:
        """``request_label`` is the label the request was signed under (None if unsigned)."""
        entry = select_signature(response.headers, self._tag)
        required = response_components(
            request,
            request_label,
            response_has_content_type="content-type" in response.headers,
        )
        require_coverage(entry, required, RESPONSE_PARAMETERS)
        base = checks.signature_base(entry, response, request)
        digest = verify_content_digest(
            response.headers.get("content-digest"), response.body
        )
        now = self._clock()
        key = checks.usable_key(self._keys, entry, now)
        created = checks.created_within(
            entry, now, self._window.max_age, self._window.max_future
        )
        checks.cryptographically_valid(key, entry, base)
        return _verified(key, entry, base, created, digest)


def _checked_digest(request: HttpRequest) -> str | None:
    # The digest is recomputed from the received bytes before the signature is trusted; a
    # digest sent with an empty body is still checked, so it cannot be left lying.
    if not request.body and "content-digest" not in request.headers:
        return None
    return verify_content_digest(request.headers.get("content-digest"), request.body)


def _verified(
    key: RegisteredKey,
    entry: SignatureEntry,
    base: SignatureBase,
    created: int,
    digest: str | None,
) -> VerifiedMessage:
    return VerifiedMessage(
        keyid=key.keyid,
        partner_id=key.partner_id,
        algorithm=key.algorithm,
        label=entry.label,
        tag=entry.param("tag"),
        created=created,
        nonce=entry.param("nonce"),
        components=tuple(checks.covered_values(base)),
        signature_input=base.params_value,
        signature_base=base.text,
        signature=entry.signature,
        content_digest=digest,
    )


def static_key_resolver(keys: Mapping[str, PublicKeyInfo], owner: str) -> KeyResolver:
    """A resolver over a fixed key set, e.g. the gateway's JWKS as a partner has fetched it.

    Published keys carry no validity period: a rotated-out key stays published so that old
    receipts still verify, and the ``created`` window bounds how old a fresh receipt may be.
    """
    registered = {
        kid: RegisteredKey(kid, owner, info.algorithm, info.key)
        for kid, info in keys.items()
    }
    return registered.get
