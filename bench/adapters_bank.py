"""Translation cost of the bank front-end adapter, per message, each way (µs).

    .venv/bin/python bench/adapters_bank.py [iterations]

In:  GBK package bytes → parse (defusedxml) → canonical dict, for each inbound function, and the
     reply back (canonical answer → GBK bytes). Out: canonical decision → GBK package, and the
     bank's side reading it back. Pure translation: no HTTP, no signatures, no database.
"""

from __future__ import annotations

import datetime as dt
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adapters.bank import mapping, xml
from adapters.bank.channel import package
from adapters.bank.inbound import BankFrontendInbound
from gateway.delivery.ports import OutgoingMessage
from gateway.domain.partners import Partner, Role
from tests.adapters.bank.messages import REPLIES, SAMPLES

BANK = Partner("91150500MA0000004X", "通辽测试银行", frozenset({Role.BANK}), "150500",
               "https://bank.example.cn/front", "bank_frontend", {"lgnnam": "TLBANK01"})
SENT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def per_call(function, iterations: int) -> float:
    best = min(timeit.repeat(function, number=iterations, repeat=5))
    return best / iterations * 1e6


def main(iterations: int) -> None:
    inbound = BankFrontendInbound()
    rows = []
    for name, body in SAMPLES.items():
        if name.startswith("GV"):
            funnam = name.split("-")[0]
            blocks = mapping.INBOUND[funnam].blocks
            data = xml.render(mapping.info(funnam, "TLBANK01"), mapping.to_blocks(blocks, body, {"YURREF": "R1"}))
            request = inbound.translate(data)
            rows.append((f"in  {name}: package → canonical", len(data), per_call(lambda data=data: inbound.translate(data), iterations)))
            if name in REPLIES:
                answer = REPLIES[funnam]
                size = len(inbound.answer(request, 201, answer)[1])
                rows.append((f"in  {funnam}: answer → reply package", size,
                             per_call(lambda r=request, a=answer: inbound.answer(r, 201, a), iterations)))
        else:
            kind = name.split("-")[0]
            message = OutgoingMessage("5f0c7a9e-2d7b-4c1e-9a51-6c7e1d2b3f40", kind, "91150500MA0000005X", body, SENT)
            data = package(message, BANK)
            blocks = mapping.OUTBOUND[kind].blocks
            rows.append((f"out {name}: canonical → package", len(data), per_call(lambda msg=message: package(msg, BANK), iterations)))
            rows.append((f"out {name}: package → canonical (bank side)", len(data),
                         per_call(lambda b=blocks, d=data: mapping.from_package(b, xml.parse(d)), iterations)))
    error = per_call(lambda: BankFrontendInbound.error(422, "policy_violation", "too much"), iterations)
    rows.append(("error reply (RETCOD/ERRMSG)", len(BankFrontendInbound.error(422, "policy_violation", "too much")[1]),
                 error))
    print(f"{'translation':66} {'bytes':>6} {'µs/msg':>9} {'msg/s':>9}")
    for label, size, micros in rows:
        print(f"{label:66} {size:6d} {micros:9.1f} {1e6 / micros:9.0f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
