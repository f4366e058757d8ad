"""Each decision is signed on its own, so a result line stays evidence outside its batch:
the gateway's current key over the record's RFC 8785 bytes (``signature`` left out), checked
with the published JWKS (``/v1/gateway-keys``)."""

from __future__ import annotations

import base64

from ...evidence.canonical import canonical_json


class DecisionSigner:
    def __init__(self, keystore) -> None:
        self._keystore = keystore

    def sign(self, record: dict) -> dict:
        kid, key = self._keystore.current()
        unsigned = {k: v for k, v in record.items() if k != "signature"}
        value = key.sign(canonical_json(unsigned))
        return {"kid": kid, "alg": key.algorithm, "value": base64.b64encode(value).decode()}
