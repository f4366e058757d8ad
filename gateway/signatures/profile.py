"""The govgate signing profile as data: tags, required components and parameters.

Signers and verifiers both read these, so what the gateway demands and what its own client
sends cannot drift apart. See docs/signing-profile.md.
"""

from __future__ import annotations

from collections.abc import Iterable

from gateway.signatures.components import ComponentId
from gateway.signatures.errors import Rejection, SignatureRejected
from gateway.signatures.fields import SignatureEntry
from gateway.signatures.message import HttpRequest

REQUEST_TAG = "govgate-request"
RESPONSE_TAG = "govgate-response"
DELIVERY_TAG = "govgate-delivery"
RECEIPT_TAG = "govgate-receipt"
# A replayed answer (same Idempotency-Key) keeps its original receipt and gains this one,
# bound to the retry that fetched it.
REPLAY_TAG = "govgate-replay"

REQUEST_PARAMETERS = ("created", "keyid", "nonce", "tag")
RESPONSE_PARAMETERS = ("created", "keyid", "tag")
MIN_NONCE_LENGTH = 16
# Upper bounds: a nonce is stored (nonces.nonce, 200 wide) and a keyid looked up for every
# request, so neither may be as long as a header can be. 128 characters hold any random nonce.
MAX_NONCE_LENGTH = 128
MAX_KEYID_LENGTH = 200


def request_components(request: HttpRequest) -> tuple[ComponentId, ...]:
    """Components every signed request must cover, given its method and content."""
    covered = [ComponentId.of("@method"), ComponentId.of("@target-uri")]
    if request.body:
        covered += [ComponentId.of("content-type"), ComponentId.of("content-digest")]
    if request.method == "POST":
        covered.append(ComponentId.of("idempotency-key"))
    return tuple(covered)


def response_components(
    request: HttpRequest,
    request_label: str | None,
    *,
    response_has_content_type: bool = True,
) -> tuple[ComponentId, ...]:
    """Components a signed response must cover to bind it to ``request``.

    ``request_label`` is the label of the request's signature; without one (the request was
    not signed) the response can only bind the method and target.
    """
    covered = [ComponentId.of("@status")]
    if response_has_content_type:
        covered.append(ComponentId.of("content-type"))
    covered += [
        ComponentId.of("content-digest"),
        ComponentId.of("@method", req=True),
        ComponentId.of("@target-uri", req=True),
    ]
    if "content-digest" in request.headers:
        covered.append(ComponentId.of("content-digest", req=True))
    if request_label is not None:
        covered.append(ComponentId.of("signature", req=True, key=request_label))
    return tuple(covered)


def require_coverage(
    entry: SignatureEntry, components: Iterable[ComponentId], parameters: Iterable[str]
) -> None:
    """Raise ``signature_component_missing`` / ``signature_parameter_missing`` for gaps."""
    covered = {component.identity for component in entry.components}
    if any(component.identity not in covered for component in components):
        raise SignatureRejected(Rejection.SIGNATURE_COMPONENT_MISSING)
    if any(name not in entry.params for name in parameters):
        raise SignatureRejected(Rejection.SIGNATURE_PARAMETER_MISSING)
    nonce = entry.param("nonce")
    if nonce is not None and not MIN_NONCE_LENGTH <= len(str(nonce)) <= MAX_NONCE_LENGTH:
        raise SignatureRejected(
            Rejection.SIGNATURE_MALFORMED,
            f"The nonce must have {MIN_NONCE_LENGTH} to {MAX_NONCE_LENGTH} characters.",
        )
    keyid = entry.param("keyid")
    if keyid is not None and not 1 <= len(str(keyid)) <= MAX_KEYID_LENGTH:
        raise SignatureRejected(
            Rejection.SIGNATURE_MALFORMED,
            f"The keyid must have 1 to {MAX_KEYID_LENGTH} characters.",
        )
