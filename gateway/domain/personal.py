"""Personal information (PIPL 个人信息) kept out of what operators and tools see: logs, traces,
metrics, problem details, the console. docs/privacy.md says what is kept where.

    mask_citizen_id("150502199001010010")  → "1505**********0010"   (first 4, last 4)
    scrub(text)                            → text with every citizen ID number in it masked
    PERSONAL_FIELDS                        field names whose values are never echoed back
    echo_free(message, value)              a validator's message without the value it quotes
    ClaimKeyPseudonyms(secret)(key)        a claim register key with its citizen IDs keyed-hashed

A citizen ID number is recognised by its form *and* its check character (GB 11643), so credit
codes, message ids and amounts pass unchanged. Names cannot be recognised in free text: they
are kept out by never logging bodies and never echoing the fields in ``PERSONAL_FIELDS``.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from .identifiers import citizen_id_check_char

# 18 characters: region (6) · birth date (8: 19xx/20xx, month, day) · sequence (3) · check.
_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])"
                        r"(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9A-Za-z])")
PERSONAL_FIELDS = frozenset({"citizen_id", "name", "account_number", "account_name", "phone",
                             "AAC002", "AAC003", "AAE010", "AAE009", "CLTNBR", "CLTNAM", "ACCNBR",
                             "ACCNAM", "PAYNAM"})


def mask_citizen_id(number: str) -> str:
    return number[:4] + "*" * (len(number) - 8) + number[-4:] if len(number) > 8 else "*" * len(number)


def _is_citizen_id(candidate: str) -> bool:
    return citizen_id_check_char(candidate[:17]) == candidate[17].upper()


def scrub(text: str) -> str:
    """``text`` with every (check-digit valid) citizen ID number masked."""
    if len(text) < 18:
        return text
    return _CANDIDATE.sub(lambda m: mask_citizen_id(m[0]) if _is_citizen_id(m[0]) else m[0], text)


def echo_free(message: str, value: object) -> str:
    """A validation message that quotes ``value`` (``'…' is too long``) without the value."""
    return message.replace(repr(value), "the value") if isinstance(value, str) else message


class ClaimKeyPseudonyms:
    """What the claim register (``measure_claims``) stores for a claim key: each citizen ID
    number in it replaced by ``p.<HMAC-SHA256(secret, number), 32 hex>``. Equal people give
    equal keys, so the unique key still refuses a second claim; the table alone reveals no id.
    Keys without a citizen ID number (employers' credit codes, 86号-6…9) are kept as they are,
    so the employer measures' keys and their holders' naming do not change."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the claim key secret must have at least 16 bytes")
        self._secret = secret

    def __call__(self, key: str) -> str:
        return _CANDIDATE.sub(lambda m: self._pseudonym(m[0]) if _is_citizen_id(m[0]) else m[0], key)

    def _pseudonym(self, number: str) -> str:
        return "p." + hmac.new(self._secret, number.upper().encode(), hashlib.sha256).hexdigest()[:32]
