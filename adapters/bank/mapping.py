"""The bank front-end packages ↔ the canonical messages: tables, pure functions, no I/O.

Every package is ``<CMBSDKPGK><INFO><FUNNAM/><DATTYP>2</DATTYP><LGNNAM/></INFO>…blocks…``;
replies add ``<RETCOD>`` and ``<ERRMSG>`` to INFO. Block tags end in X (one per package) or Z
(one per row). Amounts are yuan with 2 decimals (canonical: integer fen); dates yyyyMMdd;
flags Y/N; CCYNBR is always 10 (CNY); text is trimmed of surrounding blanks. An empty list and
an absent optional list are the same package (no rows). Enumerations without a code table
(ENTSIZ, EXMGRD, CGEGRD, GRPLST) carry the canonical slug upper-cased.

GVLNQUAL — loan qualification request → LoanQualificationRequest
    LNQUALX  YURREF business reference (= Idempotency-Key) · LONTYP loan_type (1 individual,
             2 partnership, 3 enterprise) · CLTNBR applicant.citizen_id · CLTNAM applicant.name
             · TRSAMT requested_amount_fen · CCYNBR · LONTRM requested_term_months (months)
             · BUSDIV business_division_code
    PTNINFZ  per partner: CLTNBR citizen_id · CLTNAM name                      → partners[]
    ENTINFX  enterprise (optional): CRDCOD credit_code · ENTNAM name · ENTSIZ size_class
             · STFNUM current_staff · WAGARR wage_arrears · PRMARR premium_arrears
             · CRDVIO serious_credit_violation (optional)
    HIRINFZ  per new hire (needs ENTINFX): CLTNBR citizen_id · HIRDAT hired_on
             · CTRMON contract_months                                       → enterprise.hires[]
    EXMGRZ   per ground claimed: EXMGRD                           → exemption_grounds_claimed[]
  reply (Qualification)
    LNQUALZ  YURREF · QLFNBR id · MSGNBR message_id · QLFFLG qualified · LONTYP loan_type
             · MAXAMT max_amount_fen · CCYNBR · MAXTRM max_term_months · EXTFLG
             extension_allowed · EXTMON extension_max_months · CGEFLG counter_guarantee_exempt
             · CGEGRD counter_guarantee_ground (absent = none) · QLFHIR qualifying_hires
             (absent = none) · RULVER rule_set_version · DCDDAT decided_on · VLDDAT valid_until
             · HRPNBR hr_partner_id
    GRPINFZ  per person: CLTNBR citizen_id · GRPLST groups                  → groups_found[]
    RFSINFZ / NTCINFZ  per refusal / notice: RSNCOD reason · MSRCOD measure · FNDTXT detail
             · SUBJCT subject (absent = none)                         → refusals[] / notices[]

GVGRTREV — guarantee review request → GuaranteeReviewRequest
    GRTREVX  YURREF · QLFNBR qualification_id · TRSAMT loan_amount_fen · CCYNBR · LONTRM
             term_months · CTRGRT counter_guarantee_offered (optional) · NOTTXT note (optional)
GVSUBCLM — interest-subsidy claim → SubsidyClaim
    SUBCLMX  YURREF · CLMPRD period (yyyyQn) · TOTPRN totals.principal_fen · TOTINT
             totals.interest_fen · TOTSUB totals.subsidy_requested_fen · CCYNBR
    SUBLINZ  per loan: QLFNBR qualification_id · LONREF loan_reference · PRNAMT principal_fen
             · INTAMT interest_fen · SUBAMT subsidy_requested_fen                  → lines[]
  reply to both (Accepted)
    ACCINFX  YURREF · MSGNBR message_id · MSGKND kind · STSURL status_url
    RCPINFZ  per recipient: RCPNBR                                            → recipients[]
    NTCINFZ  per notice, as above                                             → notices[]
    (working_days, due_on, late belong to deferral conclusions, which banks do not send)

GVGRTDEC — guarantee decision, gateway → bank (GuaranteeDecision)
    GRTDECX  YURREF the gateway's message id · SNDNBR the fund's partner id · SNDTIM time
             accepted (yyyyMMddHHmmss, Beijing) · OUTCOM outcome (A accepted, D declined)
             · GRTAMT guaranteed_amount_fen (optional) · CCYNBR · GRTTRM term_months
             (optional) · CGRFLG counter_guarantee_required (optional)
    RSNINFZ  per reason: RSNTXT                                                  → reasons[]
GVPAYRES — the bank's results of a payout batch → PayoutResultsPackage (as a batch of lines)
    PAYRESX  YURREF · BATNBR payout_batch_id
    PAYRESZ  per line: REFNBR reference · RESCOD status (PAID, ACCOUNT_CLOSED, NAME_MISMATCH,
             ACCOUNT_NOT_FOUND, ACCOUNT_FROZEN, REJECTED) · BNKSER bank_serial (optional)
             · RESTXT detail (optional)                                            → lines[]
  reply (BatchStatus)
    BATINFX  YURREF · BATNBR batch_id · BATSTS state · LINTOT lines_total · STSURL status_url
GVPAYINS — payout instructions, gateway → the paying bank (payout batches of 86号-6…9 and 11…15)
    PAYINSX  YURREF the payout batch id · SNDNBR HR's partner id · SNDTIM · MSRCOD measure
             · PAYYER year · BUSDIV division_code · LINCNT line_count · TOTAMT total_fen · CCYNBR
    PAYLINZ  per line: REFNBR reference (the bank's deduplication key) · DCSNBR decision_id
             · MSRCOD measure · TRSAMT amount_fen · CCYNBR · CRDCOD payee.credit_code
             (employers, 86号-6…9; absent for a person) · ACCNAM payee.account_name · ACCNBR
             payee.account_number · BNKNAM payee.bank_name · PAYNAM payee.name
             · CLTNBR payee.citizen_id (people, 86号-11…15; absent for an employer) · ACCKND
             payee.account_kind (1 bank_account, 2 social_security_card; people only) · ACCSRC
             payee.account_source (CLAIM, SOCIAL_INSURANCE, APPLICATION; optional) → lines[]
             The bank checks ACCNAM against the account, and for ACCKND 2 CLTNBR against the
             card's holder (a mismatch is NAME_MISMATCH in GVPAYRES).
GVSUBDEC — subsidy decision, gateway → bank (SubsidyDecision)
    SUBDECX  YURREF · SNDNBR · SNDTIM
    SUBLINZ  per line: LONREF loan_reference · OUTCOM outcome (A approved, R rejected)
             · APRAMT approved_fen (optional) · CCYNBR · RSNTXT reason (optional)   → lines[]
"""

from __future__ import annotations

from dataclasses import dataclass

from . import codes
from .blocks import (
    ACCOUNT_KIND,
    CURRENCY,
    DATE,
    FLAG,
    GUARANTEE_OUTCOME,
    INT,
    LOAN_TYPE,
    QUARTER,
    SLUG,
    SLUGS,
    SUBSIDY_OUTCOME,
    YUAN,
    Block,
    Field,
    decode,
    encode,
    locate,
)

YURREF = Field("YURREF", None, envelope=True, meaning="business reference")
CCYNBR = Field("CCYNBR", None, CURRENCY, meaning="currency, 10 = CNY")


def _person(*at: str) -> tuple[Field, ...]:
    return (Field("CLTNBR", (*at, "citizen_id")), Field("CLTNAM", (*at, "name")))


def _findings(tag: str, key: str) -> Block:
    return Block(tag, (key, "*"), (
        Field("RSNCOD", ("reason",)), Field("MSRCOD", ("measure",)), Field("FNDTXT", ("detail",)),
        Field("SUBJCT", ("subject",), nullable=True)), always=True)


LOAN_QUALIFICATION = (
    Block("LNQUALX", (), (
        YURREF, Field("LONTYP", ("loan_type",), LOAN_TYPE), *_person("applicant"),
        Field("TRSAMT", ("requested_amount_fen",), YUAN), CCYNBR,
        Field("LONTRM", ("requested_term_months",), INT),
        Field("BUSDIV", ("business_division_code",)))),
    Block("PTNINFZ", ("partners", "*"), _person()),
    Block("ENTINFX", ("enterprise",), (
        Field("CRDCOD", ("credit_code",)), Field("ENTNAM", ("name",)), Field("ENTSIZ", ("size_class",), SLUG),
        Field("STFNUM", ("current_staff",), INT), Field("WAGARR", ("wage_arrears",), FLAG),
        Field("PRMARR", ("premium_arrears",), FLAG),
        Field("CRDVIO", ("serious_credit_violation",), FLAG, optional=True)), optional=True),
    Block("HIRINFZ", ("enterprise", "hires", "*"), (
        Field("CLTNBR", ("citizen_id",)), Field("HIRDAT", ("hired_on",), DATE),
        Field("CTRMON", ("contract_months",), INT)), always=True),
    Block("EXMGRZ", ("exemption_grounds_claimed", "*"), (Field("EXMGRD", (), SLUG),)),
)

QUALIFICATION = (
    Block("LNQUALZ", (), (
        YURREF, Field("QLFNBR", ("id",)), Field("MSGNBR", ("message_id",)),
        Field("QLFFLG", ("qualified",), FLAG), Field("LONTYP", ("loan_type",), LOAN_TYPE),
        Field("MAXAMT", ("max_amount_fen",), YUAN), CCYNBR, Field("MAXTRM", ("max_term_months",), INT),
        Field("EXTFLG", ("extension_allowed",), FLAG), Field("EXTMON", ("extension_max_months",), INT),
        Field("CGEFLG", ("counter_guarantee_exempt",), FLAG),
        Field("CGEGRD", ("counter_guarantee_ground",), SLUG, nullable=True),
        Field("QLFHIR", ("qualifying_hires",), INT, nullable=True),
        Field("RULVER", ("rule_set_version",)), Field("DCDDAT", ("decided_on",), DATE),
        Field("VLDDAT", ("valid_until",), DATE), Field("HRPNBR", ("hr_partner_id",)))),
    Block("GRPINFZ", ("groups_found", "*"), (Field("CLTNBR", ("citizen_id",)), Field("GRPLST", ("groups",), SLUGS)),
          always=True),
    _findings("RFSINFZ", "refusals"),
    _findings("NTCINFZ", "notices"),
)

GUARANTEE_REVIEW = (
    Block("GRTREVX", (), (
        YURREF, Field("QLFNBR", ("qualification_id",)), Field("TRSAMT", ("loan_amount_fen",), YUAN), CCYNBR,
        Field("LONTRM", ("term_months",), INT),
        Field("CTRGRT", ("counter_guarantee_offered",), optional=True),
        Field("NOTTXT", ("note",), optional=True))),
)

SUBSIDY_CLAIM = (
    Block("SUBCLMX", (), (
        YURREF, Field("CLMPRD", ("period",), QUARTER),
        Field("TOTPRN", ("totals", "principal_fen"), YUAN), Field("TOTINT", ("totals", "interest_fen"), YUAN),
        Field("TOTSUB", ("totals", "subsidy_requested_fen"), YUAN), CCYNBR)),
    Block("SUBLINZ", ("lines", "*"), (
        Field("QLFNBR", ("qualification_id",)), Field("LONREF", ("loan_reference",)),
        Field("PRNAMT", ("principal_fen",), YUAN), Field("INTAMT", ("interest_fen",), YUAN),
        Field("SUBAMT", ("subsidy_requested_fen",), YUAN)), always=True),
)

ACCEPTED = (
    Block("ACCINFX", (), (
        YURREF, Field("MSGNBR", ("message_id",)), Field("MSGKND", ("kind",)), Field("STSURL", ("status_url",)))),
    Block("RCPINFZ", ("recipients", "*"), (Field("RCPNBR", ()),), always=True),
    Block("NTCINFZ", ("notices", "*"), _findings("NTCINFZ", "notices").fields),
)

_SENT = (YURREF, Field("SNDNBR", None, envelope=True, meaning="sender partner id"),
         Field("SNDTIM", None, envelope=True, meaning="accepted at, yyyyMMddHHmmss Beijing time"))

GUARANTEE_DECISION = (
    Block("GRTDECX", (), (
        *_SENT, Field("OUTCOM", ("outcome",), GUARANTEE_OUTCOME),
        Field("GRTAMT", ("guaranteed_amount_fen",), YUAN, optional=True), CCYNBR,
        Field("GRTTRM", ("term_months",), INT, optional=True),
        Field("CGRFLG", ("counter_guarantee_required",), FLAG, optional=True))),
    Block("RSNINFZ", ("reasons", "*"), (Field("RSNTXT", ()),)),
)

SUBSIDY_DECISION = (
    Block("SUBDECX", (), _SENT),
    Block("SUBLINZ", ("lines", "*"), (
        Field("LONREF", ("loan_reference",)), Field("OUTCOM", ("outcome",), SUBSIDY_OUTCOME),
        Field("APRAMT", ("approved_fen",), YUAN, optional=True), CCYNBR,
        Field("RSNTXT", ("reason",), optional=True)), always=True),
)

PAYOUT_INSTRUCTIONS = (
    Block("PAYINSX", (), (
        *_SENT, Field("MSRCOD", ("measure",)), Field("PAYYER", ("year",), INT),
        Field("BUSDIV", ("division_code",)), Field("LINCNT", ("line_count",), INT),
        Field("TOTAMT", ("total_fen",), YUAN), CCYNBR)),
    Block("PAYLINZ", ("lines", "*"), (
        Field("REFNBR", ("reference",)), Field("DCSNBR", ("decision_id",)), Field("MSRCOD", ("measure",)),
        Field("TRSAMT", ("amount_fen",), YUAN), CCYNBR,
        Field("CRDCOD", ("payee", "credit_code"), optional=True, meaning="employers' lines"),
        Field("ACCNAM", ("payee", "account_name")), Field("ACCNBR", ("payee", "account_number")),
        Field("BNKNAM", ("payee", "bank_name")), Field("PAYNAM", ("payee", "name")),
        Field("CLTNBR", ("payee", "citizen_id"), optional=True, meaning="people's lines"),
        Field("ACCKND", ("payee", "account_kind"), ACCOUNT_KIND, optional=True),
        Field("ACCSRC", ("payee", "account_source"), SLUG, optional=True)), always=True),
)

PAYOUT_RESULTS = (
    Block("PAYRESX", (), (YURREF, Field("BATNBR", ("payout_batch_id",)))),
    Block("PAYRESZ", ("lines", "*"), (
        Field("REFNBR", ("reference",)), Field("RESCOD", ("status",), SLUG),
        Field("BNKSER", ("bank_serial",), optional=True), Field("RESTXT", ("detail",), optional=True)),
          always=True),
)

BATCH_RECEIVED = (
    Block("BATINFX", (), (YURREF, Field("BATNBR", ("batch_id",)), Field("BATSTS", ("state",)),
                          Field("LINTOT", ("lines_total",), INT), Field("STSURL", ("status_url",)))),
)


@dataclass(frozen=True)
class Function:
    """One FUNNAM: its blocks, the canonical schema and operation, the reply's blocks."""

    funnam: str
    blocks: tuple[Block, ...]
    schema: str  # the component in openapi/components/policy.yaml
    operation: str = ""  # the canonical operation an inbound request is translated to
    reply: tuple[Block, ...] = ()
    reply_schema: str = ""


INBOUND = {f.funnam: f for f in (
    Function("GVLNQUAL", LOAN_QUALIFICATION, "LoanQualificationRequest", "submit_loan_qualification",
             QUALIFICATION, "Qualification"),
    Function("GVGRTREV", GUARANTEE_REVIEW, "GuaranteeReviewRequest", "submit_guarantee_review",
             ACCEPTED, "Accepted"),
    Function("GVSUBCLM", SUBSIDY_CLAIM, "SubsidyClaim", "submit_subsidy_claim", ACCEPTED, "Accepted"),
    Function("GVPAYRES", PAYOUT_RESULTS, "PayoutResultsPackage", "submit_payout_results",
             BATCH_RECEIVED, "BatchStatus"),
)}
OUTBOUND = {kind: f for kind, f in (
    ("guarantee_decision", Function("GVGRTDEC", GUARANTEE_DECISION, "GuaranteeDecision")),
    ("subsidy_decision", Function("GVSUBDEC", SUBSIDY_DECISION, "SubsidyDecision")),
    ("payout_instructions", Function("GVPAYINS", PAYOUT_INSTRUCTIONS, "PayoutInstructions")),
)}
assert {f.operation for f in INBOUND.values()} == set(codes.FUNCTIONS_IN.values())
assert {k: f.funnam for k, f in OUTBOUND.items()} == codes.FUNCTIONS_OUT

_ACCEPTED_KEYS = ("message_id", "kind", "status_url", "recipients", "notices")


def info(funnam: str, lgnnam: str, retcod: str | None = None, errmsg: str | None = None) -> list:
    fields = [("FUNNAM", funnam), ("DATTYP", codes.DATTYP), ("LGNNAM", lgnnam)]
    if retcod is not None:
        fields += [("RETCOD", retcod), ("ERRMSG", errmsg or "")]
    return fields


def to_blocks(blocks: tuple[Block, ...], message: dict, envelope: dict[str, str]) -> list:
    if blocks is ACCEPTED:  # the deferral-only members have no place in a bank's reply
        message = {k: v for k, v in message.items() if k in _ACCEPTED_KEYS}
    return encode(blocks, message, envelope)


def from_package(blocks: tuple[Block, ...], package) -> tuple[dict, dict[str, str]]:
    """(canonical message, envelope) — raises ``FieldsRefused`` naming the bank's fields."""
    return decode(blocks, package)


def bank_field(blocks: tuple[Block, ...], pointer: str) -> str:
    return locate(blocks, pointer)
