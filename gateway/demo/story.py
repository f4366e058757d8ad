"""The demo's story, step by step: what each partner sends and what it must get back.

Every step is a ``Step(key, title, play)``; ``play(ctx)`` sends signed requests through the
partners' ``PartnerClient`` (each answer's receipt is verified against the gateway's published
keys), waits for the deliveries it caused, and returns a one-line account. A broken
expectation raises ``StoryBroken``. The same exchanges are tested in tests/e2e.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from ..client import PartnerClient
from ..errors import GovgateError
from ..services.policy.common import CHINA
from ..signatures import SigningKey
from . import employer_story, people_story
from .story_clock import last_ended_quarter
from .world import APPLICANT, DemoWorld, credit_code

SETTLED = frozenset({"delivered", "dead"})
DELIVERY_TIMEOUT_SECONDS = 20.0

CONCLUSION = {  # 86号-1..3: an approved deferral of pension and unemployment premiums
    "enterprise": {"credit_code": credit_code(501), "name": "通辽市某某餐饮有限公司",
                   "industry": "catering", "size_class": "small", "headcount": 23},
    "insurance": [
        {"type": "pension", "fee_period_from": "2022-09", "fee_period_to": "2022-12",
         "deferred_until": "2022-12-31"},
        {"type": "unemployment", "fee_period_from": "2022-09", "fee_period_to": "2023-08",
         "deferred_until": "2023-08-31", "deferred_amount_fen": 1234500},
    ],
    "application_date": "2022-09-29",
    "decision_date": "2022-10-13",
    "decision": {"outcome": "approved"},
    "issuing_office": {"name": "通辽市社会保险事业服务中心", "division_code": "150500"},
}
LOAN = {  # 86号-16: a business start-up guaranteed loan for a college graduate
    "loan_type": "individual",
    "applicant": {"citizen_id": APPLICANT, "name": "张三"},
    "requested_amount_fen": 15_000_000,
    "requested_term_months": 36,
    "business_division_code": "150502",
}
CLAIM_LINE = {"loan_reference": "LN-2025-0001", "principal_fen": 15_000_000,
              "interest_fen": 100_000, "subsidy_requested_fen": 50_000}


class StoryBroken(GovgateError):
    """A step did not get the answer the story expects."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, reason="story_broken")


@dataclass
class Sent:
    message_id: str
    kind: str
    sender: str  # role
    receipt_keyid: str  # the gateway key that signed the answer the sender received


@dataclass
class StoryContext:
    world: DemoWorld
    sent: list[Sent] = field(default_factory=list)
    facts: dict = field(default_factory=dict)  # what later steps and the summary need

    def post(self, role: str, path: str, body: dict, expect: int = 202):
        result = self.world[role].client.post(path, json=body)
        if result.status != expect:
            raise StoryBroken(f"{role} POST {path}: {result.status} {_reason(result.response)}")
        return result

    def record(self, role: str, result) -> str:
        answer = result.json()
        self.sent.append(Sent(answer["message_id"], answer.get("kind", "loan_qualification"), role,
                              result.receipt.keyid))
        return answer["message_id"]

    def status(self, role: str, message_id: str) -> dict:
        result = self.world[role].client.get(f"/v1/messages/{message_id}")
        if result.status != 200:
            raise StoryBroken(f"status of {message_id}: {result.status}")
        return result.json()

    def settle(self, role: str, message_id: str) -> dict[str, dict]:
        """Wait until the worker has delivered (or given up on) every copy; by recipient role."""
        deadline = time.monotonic() + DELIVERY_TIMEOUT_SECONDS
        while True:
            recipients = self.status(role, message_id)["recipients"]
            if all(r["state"] in SETTLED for r in recipients):
                break
            if time.monotonic() > deadline:
                raise StoryBroken(f"{message_id} was not delivered within "
                                  f"{DELIVERY_TIMEOUT_SECONDS:.0f} s")
            time.sleep(0.1)
        by_role = {self.world.role_of(r["recipient_id"]): r for r in recipients}
        undelivered = [name for name, r in by_role.items() if r["state"] != "delivered"]
        if undelivered:
            raise StoryBroken(f"{message_id} not delivered to {', '.join(undelivered)}")
        return by_role


def _reason(response: requests.Response) -> str:
    try:
        return str(response.json().get("reason", ""))
    except ValueError:
        return ""


def _delivered(by_role: dict[str, dict]) -> str:
    parts = [name + (f" (attempt {r['attempts']})" if r["attempts"] > 1 else "")
             for name, r in by_role.items()]
    return "delivered to " + ", ".join(parts)


def deferral_conclusion(ctx: StoryContext) -> str:
    result = ctx.post("hr", "/v1/deferral-conclusions", copy.deepcopy(CONCLUSION))
    message_id = ctx.record("hr", result)
    ctx.facts["conclusion"] = message_id
    ctx.facts["conclusion_request"] = result.response.request  # replayed later, byte for byte
    return f"{message_id}: {_delivered(ctx.settle('hr', message_id))}"


def loan_qualification(ctx: StoryContext) -> str:
    result = ctx.post("bank", "/v1/loan-qualifications", LOAN, expect=201)
    answer = result.json()
    if not answer["qualified"]:
        raise StoryBroken(f"the borrower was not qualified: {answer['refusals']}")
    ctx.record("bank", result)
    ctx.facts["qualification"] = answer["id"]
    groups = ", ".join(g for found in answer["groups_found"] for g in found["groups"])
    return (f"{answer['id']}: qualified (HR asked over HTTP: {groups}), up to "
            f"{answer['max_amount_fen'] // 100:,} yuan, rules {answer['rule_set_version']}")


def guarantee_review(ctx: StoryContext) -> str:
    body = {"qualification_id": ctx.facts["qualification"], "loan_amount_fen": 15_000_000,
            "term_months": 36}
    message_id = ctx.record("bank", ctx.post("bank", "/v1/guarantee-reviews", body))
    ctx.facts["review"] = message_id
    return f"{message_id}: {_delivered(ctx.settle('bank', message_id))}"


def guarantee_decision(ctx: StoryContext) -> str:
    body = {"outcome": "accepted", "guaranteed_amount_fen": 15_000_000, "term_months": 36}
    path = f"/v1/guarantee-reviews/{ctx.facts['review']}/decision"
    message_id = ctx.record("guarantee_fund", ctx.post("guarantee_fund", path, body))
    return f"{message_id}: accepted; {_delivered(ctx.settle('guarantee_fund', message_id))}"


def subsidy_claim(ctx: StoryContext) -> str:
    """A quarter passes (the story clock catches up with now); the bank claims the quarter
    that ended last, which the loan qualified a quarter ago was lent in (86号-16)."""
    clock = ctx.world.gateway.clock
    getattr(clock, "catch_up", lambda: None)()  # a StoryClock; a plain clock is already now
    period = last_ended_quarter(clock().astimezone(CHINA).date())
    line = {"qualification_id": ctx.facts["qualification"], **CLAIM_LINE}
    totals = {k: line[k] for k in ("principal_fen", "interest_fen", "subsidy_requested_fen")}
    body = {"period": period, "lines": [line], "totals": totals}
    message_id = ctx.record("bank", ctx.post("bank", "/v1/interest-subsidy-claims", body))
    ctx.facts["claim"] = message_id
    return f"{message_id} for {period}: {_delivered(ctx.settle('bank', message_id))}"


def subsidy_decision(ctx: StoryContext) -> str:
    body = {"lines": [{"loan_reference": CLAIM_LINE["loan_reference"], "outcome": "approved",
                       "approved_fen": CLAIM_LINE["subsidy_requested_fen"]}]}
    path = f"/v1/interest-subsidy-claims/{ctx.facts['claim']}/decision"
    message_id = ctx.record("finance", ctx.post("finance", path, body))
    return f"{message_id}: approved; {_delivered(ctx.settle('finance', message_id))}"


def refused_request(ctx: StoryContext) -> str:
    """An impostor signs as the bank (its keyid, another private key)."""
    bank = ctx.world["bank"]
    impostor = PartnerClient.from_published_keys(
        ctx.world.gateway.base_url, SigningKey.generate("ed25519", bank.key.keyid),
        clock=ctx.world.gateway.clock)
    result = impostor.post("/v1/guarantee-reviews", json={
        "qualification_id": ctx.facts["qualification"], "loan_amount_fen": 1, "term_months": 1})
    ctx.facts["refused"] = {"status": result.status, "reason": _reason(result.response)}
    if result.status != 401:
        raise StoryBroken(f"a forged signature was answered {result.status}")
    return f"{result.status} {ctx.facts['refused']['reason']} (the refusal itself is signed)"


def replay(ctx: StoryContext) -> str:
    """Someone on the path sends HR's signed deferral conclusion again, byte for byte."""
    original = ctx.facts["conclusion_request"]
    with requests.Session() as session:
        response = session.send(original.copy(), timeout=(3.05, 15.0))
    ctx.facts["replay"] = {"status": response.status_code, "reason": _reason(response)}
    if response.status_code != 401:
        raise StoryBroken(f"a replayed request was answered {response.status_code}")
    return f"{response.status_code} {ctx.facts['replay']['reason']}; no second message"


def retried_delivery(ctx: StoryContext) -> str:
    """The finance system answered the conclusion's first delivery with 500."""
    message_id = ctx.facts["conclusion"]
    finance = ctx.settle("hr", message_id)["finance"]
    ctx.facts["retry"] = {"message_id": message_id, "recipient": "finance",
                          "attempts": finance["attempts"], "state": finance["state"],
                          "first_error": finance["last_error_reason"]}
    if finance["attempts"] < 2:
        raise StoryBroken("the finance system's delivery was not retried")
    return (f"finance: {finance['last_error_reason']} on attempt 1, delivered on attempt "
            f"{finance['attempts']}")


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    play: Callable[[StoryContext], str]


STORY = (
    Step("deferral", "HR → deferral conclusion, copied to tax and finance", deferral_conclusion),
    Step("loan", "bank → loan qualification (gateway asks HR)", loan_qualification),
    Step("review", "bank → guarantee review, to the guarantee fund", guarantee_review),
    Step("review_decision", "guarantee fund → decision, to the bank", guarantee_decision),
    Step("refused", "impostor → request with a forged signature", refused_request),
    Step("replay", "replay of HR's request, byte for byte", replay),  # before the clock catches up
    Step("claim", "a quarter later: bank → interest-subsidy claim, to finance", subsidy_claim),
    Step("claim_decision", "finance → subsidy decision, to the bank", subsidy_decision),
    Step("retry", "finance failed the first delivery; the worker retried", retried_delivery),
    Step("comparison", "HR → comparison run 86号-6 (比对), facts from tax and social insurance",
         employer_story.comparison_run),
    Step("payout", "HR → payout batch to the bank; the bank's results, one account closed",
         employer_story.payout_batch),
    Step("people", "web hall and mobile app → claims 86号-11…15 (facts from social "
         "insurance, HR and the certificate registry)", people_story.people_claims),
    Step("people_again", "mobile app → 86号-12 again for the same person: the first decision answers",
         people_story.claimed_again),
)
