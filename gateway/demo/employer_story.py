"""The demo's employer measures (86号-6): one comparison run (比对) and one payout batch.

HR streams its register of six Tongliao employers as one signed NDJSON batch; the gateway asks
tax (canonical or CFX) and social insurance for last year's premiums, headcounts, layoffs and
bank accounts, decides each line and signs it. HR then pays the approved lines: the payout
instructions go to the bank, which reports one account as closed — that line comes back to HR.
"""

from __future__ import annotations

import json
import time

from ..domain.identifiers import credit_code_check_char, org_code_check_char

BATCH_TIMEOUT_SECONDS = 30.0


def employer_code(n: int) -> str:
    org8 = f"{n:08d}"
    first17 = "91150500" + org8 + org_code_check_char(org8)
    return first17 + credit_code_check_char(first17)


# (name, insured, layoffs, size, bank account on file)
EMPLOYERS = [
    ("通辽市草原乳业有限公司", 200, 11, "large", True),    # 5.5%: eligible, 50%
    ("通辽市科尔沁餐饮有限公司", 30, 6, "small", True),    # 30 insured at 20%: eligible, 90%
    ("通辽市蒙东物流有限公司", 500, 28, "medium", True),   # 5.6%: refused
    ("通辽市会计师事务所", 12, 0, None, True),             # an SME-like organisation: 90%
    ("通辽市新城商贸有限公司", 40, 1, "micro", False),     # eligible, no account on file
    ("通辽市北方建材有限公司", 80, 2, "large", True),      # eligible; its account is closed
]
CLOSED_ACCOUNT = 6


def _employment(n: int, insured: int, layoffs: int, size, bank: bool) -> dict:
    return {"insured_average": insured, "insured_count": insured, "layoffs": layoffs,
            "organisation_type": "accounting_firm" if size is None else "enterprise", "size_class": size,
            "industry": "other", "refunded_fen": 0,
            "bank_account": {"bank_name": "中国农业银行通辽分行", "account_number": f"622848047{n:010d}",
                             "account_name": EMPLOYERS[n - 1][0]} if bank else None}


def social_insurance_facts() -> dict:
    return {("employment", 2021): {employer_code(n): _employment(n, *row[1:]) for n, row in
                                   enumerate(EMPLOYERS, start=1)}}


def premiums(n: int) -> tuple[int, int]:
    """(employer, staff) unemployment premiums paid in 2021, fen."""
    insured = EMPLOYERS[n - 1][1]
    return insured * 1_200_00, insured * 400_00


def tax_facts() -> dict:
    return {("unemployment_premiums", 2021): {
        employer_code(n): dict(zip(("employer_paid_fen", "staff_paid_fen"), premiums(n), strict=True))
        for n in range(1, len(EMPLOYERS) + 1)}}


def cfx_premiums() -> dict:
    return {(2021, employer_code(n)): premiums(n) for n in range(1, len(EMPLOYERS) + 1)}


def _register() -> bytes:
    return b"".join(json.dumps({"employer": {"credit_code": employer_code(n), "name": row[0],
                                             "division_code": "150502"}}, ensure_ascii=False).encode() + b"\n"
                    for n, row in enumerate(EMPLOYERS, start=1))


def _wait_done(ctx, role: str, batch_id: str) -> dict:
    from .story import StoryBroken
    deadline = time.monotonic() + BATCH_TIMEOUT_SECONDS
    while True:
        status = ctx.world[role].client.get(f"/v1/batches/{batch_id}").json()
        if status["state"] == "done":
            return status
        if status["state"] == "refused" or time.monotonic() > deadline:
            raise StoryBroken(f"batch {batch_id} is {status['state']} ({status['lines_done']}/"
                              f"{status['lines_total']} lines)")
        time.sleep(0.1)


def comparison_run(ctx) -> str:
    from .story import StoryBroken
    result = ctx.world["hr"].client.post(
        "/v1/comparison-runs", content=_register(), content_type="application/x-ndjson",
        params={"measure": "job_stabilisation_refund", "year": "2022", "division_code": "150500"})
    if result.status != 202:
        raise StoryBroken(f"HR's comparison run was answered {result.status}: {result.response.text[:200]}")
    batch_id = result.json()["batch_id"]
    status = _wait_done(ctx, "hr", batch_id)
    expected = {"eligible": 4, "refused": 1, "eligible_no_account": 1}
    if status["summary"] != expected:
        raise StoryBroken(f"the run decided {status['summary']}, not {expected}")
    results = ctx.world["hr"].client.get(f"/v1/batches/{batch_id}/lines").json()["items"]
    eligible = sum(i["result"]["amount_fen"] for i in results if i["outcome"] == "eligible")
    ctx.facts["comparison"] = {"batch_id": batch_id, "summary": status["summary"], "eligible_fen": eligible,
                               "rule_set_version": results[0]["result"]["rule_set_version"]}
    return (f"{batch_id}: 6 employers, {status['summary']}; {eligible / 100:,.2f} CNY to pay "
            f"(rules {results[0]['result']['rule_set_version']}, each line signed)")


def payout_batch(ctx) -> str:
    from .story import StoryBroken
    hr, bank = ctx.world["hr"], ctx.world["bank"]
    result = ctx.post("hr", "/v1/payout-batches", {"measure": "job_stabilisation_refund", "year": 2022,
                                                  "division_code": "150500",
                                                  "source_id": ctx.facts["comparison"]["batch_id"]},
                      expect=201)
    payout = result.json()
    ctx.settle("hr", payout["payout_batch_id"])  # the instructions reached the bank
    received = next(m for m in bank.simulator.received.values() if m["kind"] == "payout_instructions")
    closed = employer_code(CLOSED_ACCOUNT)
    lines = [{"reference": line["reference"],
              "status": "account_closed" if line["payee"]["credit_code"] == closed else "paid"}
             for line in received["payload"]["lines"]]
    body = b"".join(json.dumps(line).encode() + b"\n" for line in lines)
    sent = bank.client.post(f"/v1/payout-batches/{payout['payout_batch_id']}/results", content=body,
                            content_type="application/x-ndjson")
    if sent.status != 202:
        raise StoryBroken(f"the bank's results were answered {sent.status}")
    _wait_done(ctx, "bank", sent.json()["batch_id"])
    status = hr.client.get(f"/v1/payout-batches/{payout['payout_batch_id']}").json()
    by_state = status["by_state"]
    if by_state.get("paid", {}).get("lines") != 3 or by_state.get("failed", {}).get("lines") != 1:
        raise StoryBroken(f"the payout ended {by_state}")
    ctx.facts["payout"] = {"payout_batch_id": payout["payout_batch_id"], "by_state": by_state}
    return (f"{payout['payout_batch_id']}: {payout['line_count']} lines to the bank; "
            f"paid {by_state['paid']['lines']} ({by_state['paid']['amount_fen'] / 100:,.2f} CNY), "
            f"failed {by_state['failed']['lines']} (account_closed) — back to HR")
