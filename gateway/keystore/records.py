"""What the key directory records about each key besides the key itself: ``<kid>.json``."""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from gateway.keystore.errors import KeystoreError
from gateway.signatures.algorithms import algorithm_named

# Also the guard against a tampered ``current`` file naming a path outside the directory.
KID_PATTERN = re.compile(r"gw-[0-9]{8}-[0-9a-f]{8}")
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def new_kid(now: datetime) -> str:
    return f"gw-{now.astimezone(UTC):%Y%m%d}-{secrets.token_hex(4)}"


def is_kid(text: str) -> bool:
    return KID_PATTERN.fullmatch(text) is not None


@dataclass(frozen=True)
class KeyRecord:
    kid: str
    algorithm: str  # RFC 9421 name
    created_at: datetime
    retired_at: datetime | None = None  # when another key became current

    def retired(self, at: datetime) -> KeyRecord:
        return replace(self, retired_at=at)

    def to_json(self) -> bytes:
        document = {
            "kid": self.kid,
            "algorithm": self.algorithm,
            "created_at": _format(self.created_at),
            "retired_at": _format(self.retired_at) if self.retired_at else None,
        }
        return (json.dumps(document, indent=2) + "\n").encode("utf-8")

    @classmethod
    def from_json(cls, kid: str, data: bytes) -> KeyRecord:
        """Raises KeystoreError (keystore_corrupt) unless ``data`` is the record of ``kid``."""
        try:
            document = json.loads(data)
            record = cls(
                kid=document["kid"],
                algorithm=document["algorithm"],
                created_at=_parse(document["created_at"]),
                retired_at=_parse(document["retired_at"]) if document["retired_at"] else None,
            )
            if record.kid != kid or algorithm_named(record.algorithm) is None:
                raise ValueError("another kid or an unknown algorithm")
        except (ValueError, KeyError, TypeError) as exc:
            raise KeystoreError(f"{kid}.json is malformed.", reason="keystore_corrupt") from exc
        return record


def _format(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_TIME_FORMAT)


def _parse(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("timestamps in the key directory carry a zone")
    return moment
