"""Validators for the identifiers partners send: credit codes, citizen IDs, division codes.

Each ``validate_*`` normalises its input (surrounding whitespace stripped, ASCII upper-cased),
checks it and returns the canonical form, or raises ``InvalidIdentifier`` with a ``reason``
slug naming the rule that failed. The ``*_check_char`` functions compute check characters so
that tests and the demo build valid identifiers instead of copying real ones.

Details never repeat the input: citizen ID numbers are personal data and inputs may be huge.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Final, Literal

from gateway.domain.divisions import (
    CENTRAL_REGISTRATION,
    LIST_DATE,
    PROVINCES,
    TAIWAN_RESIDENCE_PERMIT_PREFIX,
    is_listed,
)
from gateway.errors import InvalidInput

CREDIT_CODE_ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I O S V Z
_CREDIT_VALUES: Final = {char: value for value, char in enumerate(CREDIT_CODE_ALPHABET)}
_CREDIT_WEIGHTS: Final = tuple(pow(3, i, 31) for i in range(17))  # ISO 7064 MOD 31-3
_ORG_WEIGHTS: Final = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714
_CITIZEN_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # GB 11643
_DIGITS: Final = frozenset("0123456789")  # str.isdigit() would admit "١" or "５"

# GB 32100 registration authority (登记管理部门) -> the institution categories (机构类别) it may
# register. A and N were added after 2015; when the code centre adds an authority, add it here.
REGISTRATION_AUTHORITIES: Final[Mapping[str, str]] = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 编办管理的群众团体, 其他
    "2": "19",  # 外交: 外国常驻新闻机构, 其他
    "3": "123459",  # 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
    "4": "19",  # 文化: 外国在华文化中心, 其他
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": "129",  # 旅游: 外国 / 港澳台旅游部门常驻代表机构, 其他
    "7": "129",  # 宗教: 宗教活动场所, 宗教院校, 其他
    "8": "19",  # 工会: 基层工会, 其他
    "9": "123",  # 工商 (市场监管): 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 中央军委改革和编制办公室: 军队事业单位, 其他
    "N": "1239",  # 农业: 组级, 村级, 乡镇级集体经济组织, 其他
    "Y": "1",  # 其他: not subdivided
}

# The standard's own example (440524188001010014) is born in 1880, and archived social-security
# records hold people born in the late 19th century; 1850 admits them and still catches typos
# in the century digits.
EARLIEST_BIRTH_DATE: Final = date(1850, 1, 1)
_CHINA_STANDARD_TIME: Final = timezone(timedelta(hours=8))  # no DST since 1991


class InvalidIdentifier(InvalidInput):
    """An identifier failed a GB rule; ``reason`` names the rule (e.g. ``credit_code_check``)."""

    reason = "invalid_identifier"


@dataclass(frozen=True)
class CitizenId:
    """A checked resident identity card number (居民身份证号码) and what it encodes."""

    number: str = field(repr=False)  # personal data: keep it out of logs and tracebacks
    birth_date: date = field(repr=False)
    sex: Literal["male", "female"]
    region: str


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a credit code. Raises ValueError on a malformed prefix."""
    if len(first17) != 17 or not all(char in _CREDIT_VALUES for char in first17):
        raise ValueError("expected 17 characters from the GB 32100 alphabet")
    total = sum(_CREDIT_VALUES[char] * weight for char, weight in zip(first17, _CREDIT_WEIGHTS))
    return CREDIT_CODE_ALPHABET[-total % 31]


def org_code_check_char(first8: str) -> str:
    """The 9th character of an organisation code (GB 11714). Raises ValueError if malformed."""
    if len(first8) != 8 or not all(char in _DIGITS or "A" <= char <= "Z" for char in first8):
        raise ValueError("expected 8 characters from 0-9 and A-Z")
    total = sum(int(char, 36) * weight for char, weight in zip(first8, _ORG_WEIGHTS))  # A=10…Z=35
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def citizen_id_check_char(first17: str) -> str:
    """The 18th character of a citizen ID number. Raises ValueError on a malformed prefix."""
    if len(first17) != 17 or not all(char in _DIGITS for char in first17):
        raise ValueError("expected 17 digits")
    total = sum(int(char) * weight for char, weight in zip(first17, _CITIZEN_WEIGHTS))
    return "10X98765432"[total % 11]


def validate_credit_code(value: str) -> str:
    """Check a unified social credit code (GB 32100) and return it normalised."""
    code = _normalise(value, "credit_code", "credit code", length=18)
    position = _first_outside(code, _CREDIT_VALUES)
    if position is not None:
        raise InvalidIdentifier(
            f"character {position} of the credit code is not in the GB 32100 alphabet "
            "(0-9 and A-Z without I, O, S, V, Z)",
            reason="credit_code_charset",
        )
    categories = REGISTRATION_AUTHORITIES.get(code[0])
    if categories is None:
        raise InvalidIdentifier(
            f"credit code starts with {code[0]!r}, which is no registration authority code",
            reason="credit_code_authority",
        )
    if code[1] not in categories:
        raise InvalidIdentifier(
            f"institution category {code[1]!r} does not exist for registration authority "
            f"{code[0]!r} (allowed: {', '.join(categories)})",
            reason="credit_code_category",
        )
    region = code[2:8]
    if region != CENTRAL_REGISTRATION and not _is_division_code(region):
        raise InvalidIdentifier(
            "characters 3-8 of the credit code are not a division code of a province-level unit",
            reason="credit_code_division",
        )
    org_code = code[8:17]
    if org_code_check_char(org_code[:8]) != org_code[8]:
        raise InvalidIdentifier(
            "the organisation code (characters 9-17) fails its GB 11714 check",
            reason="credit_code_org_check",
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise InvalidIdentifier(
            "the last character of the credit code does not match its check character",
            reason="credit_code_check",
        )
    return code


def validate_citizen_id(value: str, *, today: date | None = None) -> CitizenId:
    """Check an 18-character citizen ID number (GB 11643).

    The date and the check character are checked strictly; the region only by its province,
    because it is the county of first registration and may have been renamed or merged since.
    ``today`` defaults to the current date in China Standard Time.
    """
    number = _normalise(value, "citizen_id", "citizen ID number", length=18)
    if _first_outside(number[:17], _DIGITS) is not None or number[17] not in "0123456789X":
        raise InvalidIdentifier(
            "a citizen ID number is 17 digits followed by a digit or X", reason="citizen_id_charset"
        )
    region = number[:6]
    if region[:2] not in PROVINCES and region[:2] != TAIWAN_RESIDENCE_PERMIT_PREFIX:
        raise InvalidIdentifier(
            "the first two digits of the citizen ID number are no province-level code",
            reason="citizen_id_region",
        )
    birth_date = _birth_date(number[6:14], today or datetime.now(_CHINA_STANDARD_TIME).date())
    if citizen_id_check_char(number[:17]) != number[17]:
        raise InvalidIdentifier(
            "the last character of the citizen ID number does not match its check character",
            reason="citizen_id_check",
        )
    sex: Literal["male", "female"] = "male" if int(number[16]) % 2 else "female"
    return CitizenId(number=number, birth_date=birth_date, sex=sex, region=region)


def validate_division_code(value: str) -> str:
    """Check a GB/T 2260 division code: six digits, a division of the published list
    (``divisions.is_listed``, dated ``divisions.LIST_DATE``)."""
    code = _normalise(value, "division_code", "division code", length=6)
    if _first_outside(code, _DIGITS) is not None:
        raise InvalidIdentifier("a division code is six digits", reason="division_code_charset")
    if code[:2] not in PROVINCES:
        raise InvalidIdentifier(
            f"{code[:2]!r} is no province-level division code", reason="division_code_province"
        )
    if not is_listed(code):
        raise InvalidIdentifier(
            f"{code} is not a division of the GB/T 2260 list of {LIST_DATE}",
            reason="division_code_unknown",
        )
    return code


def province_of(division_code: str) -> str:
    """The province-level division code containing ``division_code``: 150500 → 150000."""
    return validate_division_code(division_code)[:2] + "0000"


def is_valid_credit_code(value: str) -> bool:
    return _passes(validate_credit_code, value)


def is_valid_citizen_id(value: str) -> bool:
    return _passes(validate_citizen_id, value)


def is_valid_division_code(value: str) -> bool:
    return _passes(validate_division_code, value)


def _normalise(value: object, kind: str, label: str, *, length: int) -> str:
    if not isinstance(value, str):
        raise InvalidIdentifier(f"a {label} must be a string", reason=f"{kind}_type")
    text = value.strip()
    # Upper-casing non-ASCII text can turn one character into two ASCII letters ("ﬀ" → "FF"),
    # smuggling them past the character check; leave such text alone so that check rejects it.
    if text.isascii():
        text = text.upper()
    if len(text) != length:
        raise InvalidIdentifier(
            f"a {label} has {length} characters, this one has {len(text)}", reason=f"{kind}_length"
        )
    return text


def _first_outside(text: str, allowed: Mapping[str, int] | frozenset[str]) -> int | None:
    """1-based position of the first character not in ``allowed``, or None."""
    return next((i for i, char in enumerate(text, start=1) if char not in allowed), None)


def _is_division_code(text: str) -> bool:
    return all(char in _DIGITS for char in text) and text[:2] in PROVINCES


def _birth_date(yyyymmdd: str, today: date) -> date:
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        raise InvalidIdentifier(
            "the birth date in the citizen ID number is not a calendar date",
            reason="citizen_id_birth_date",
        ) from None
    if born < EARLIEST_BIRTH_DATE or born > today:
        raise InvalidIdentifier(
            f"the birth date in the citizen ID number is before {EARLIEST_BIRTH_DATE.isoformat()} "
            "or in the future",
            reason="citizen_id_birth_date",
        )
    return born


def _passes(validate: Callable[[str], object], value: str) -> bool:
    try:
        validate(value)
    except InvalidIdentifier:
        return False
    return True
