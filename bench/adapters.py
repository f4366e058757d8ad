"""Translation cost per message and SM2 rates through the tax and HR adapters' own paths.

    .venv/bin/python -m bench.adapters [seconds-per-figure]

(Run as a module: as a script, this file would shadow the ``adapters`` package.)

    canonical → CFX bytes      header + mapping + GBK rendering (unsigned)
    canonical → signed CFX     the above + SM2-with-SM3 signature (what the channel sends)
    CFX → canonical            signature check + defused GBK parse + strict mapping
    SM2 sign / verify          sign_document / verify_document on the 3101 document
    9120 answer read           verify + parse + read the generic answer
    HR coded query / answer    query_body + JSON, and JSON + facts_from_answer (10 persons)
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable

from adapters.social_security.mapping import answer_for, facts_from_answer, query_body
from adapters.tax.messages import (
    read_conclusion,
    read_signed_reply,
    signed_conclusion,
    unsigned_conclusion,
)
from adapters.tax.signature import sign_document, verify_document
from gateway.policy.borrowers import BorrowerGroup
from gateway.queries.ports import EnterpriseFacts, HrFacts, PersonFacts
from tests.adapters.tax.golden import (
    CONCLUSION,
    FIXTURES,
    SETTINGS,
    conclusion_header_fixed,
    gateway_key,
    tax_key,
)


def rate(label: str, work: Callable[[], object], seconds: float) -> None:
    work()  # warm up
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        work()
        count += 1
    print(f"{label:<34} {count / elapsed:>10,.0f}/s {elapsed / count * 1e6:>10,.1f} µs")


def main(seconds: float) -> None:
    header, key, public = conclusion_header_fixed(), gateway_key(), gateway_key().public_key()
    unsigned = unsigned_conclusion(header, CONCLUSION)
    signed = signed_conclusion(header, CONCLUSION, key, SETTINGS).document
    reply = (FIXTURES / "reply-9120.xml").read_bytes()
    print(f"3101 document: {len(signed)} bytes; 9120 answer: {len(reply)} bytes")
    rate("canonical → CFX bytes", lambda: unsigned_conclusion(header, CONCLUSION), seconds)
    rate("canonical → signed CFX", lambda: signed_conclusion(header, CONCLUSION, key, SETTINGS),
         seconds)
    rate("CFX → canonical (verify+parse)", lambda: read_conclusion(signed, public, SETTINGS.sm2),
         seconds)
    rate("SM2 sign (sign_document)", lambda: sign_document(unsigned, key, SETTINGS.sm2), seconds)
    rate("SM2 verify (verify_document)", lambda: verify_document(signed, public, SETTINGS.sm2),
         seconds)
    tax_public = tax_key().public_key()
    rate("9120 answer read", lambda: read_signed_reply(reply, tax_public, SETTINGS.sm2), seconds)

    ids = [f"1505021990010100{n:02d}" for n in range(10)]
    facts = HrFacts({cid: PersonFacts(cid, True, frozenset({BorrowerGroup.VETERAN})) for cid in ids},
                    EnterpriseFacts("11150500000005012C", False))
    answer = json.dumps(answer_for(facts, {cid: "张三" for cid in ids}), ensure_ascii=False)
    settings = {"app_id": "govgate-150500", "service_code": "QRY_PERSON_FACTS"}
    rate("HR query → coded JSON bytes", lambda: json.dumps(
        query_body("r", settings, ids, "11150500000005012C"), ensure_ascii=False).encode(), seconds)
    rate("HR coded answer → HrFacts (10)", lambda: facts_from_answer(
        json.loads(answer), ids, "11150500000005012C"), seconds)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 2.0)
