"""Social insurance and the certificate registry for bench/claims.py: canonical fact servers
answering the people measures' kinds (86号-11, 86号-13) for any citizen id, computed from it.

    .venv/bin/python bench/person_facts_server.py --role social_insurance|certificate_registry
        --partner ID --key PEM --keyid KID --jwks FILE --port PORT

Everyone is an insured rural migrant worker whose contract expired on 2022-05-31 after 18
months, with a social security card account; everyone holds one valid level-5 welder
certificate ``CERT<citizen id>`` issued on 2022-03-01.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from facts_server import Records, serve

WELDER = "6-18-02-04"


def insurance(citizen: str) -> dict:
    return {"insured": True, "drawing_benefit": False, "employer_paid_months": 18, "person_paid_months": 18,
            "continuous_months": 18, "stopped_on": "2022-05-31", "leaving_reason": "involuntary",
            "contract_end": "expired_not_renewed", "rural_migrant": True, "benefit_periods": [],
            "employed_since_stop": False,
            "card_account": {"bank_name": "内蒙古农村信用社", "account_number": "6231" + citizen[6:17],
                             "account_name": "申领人"}}


def certificates(citizen: str) -> dict:
    return {"certificates": [{"number": f"CERT{citizen}", "occupation_code": WELDER, "level": 5,
                              "issued_on": "2022-03-01", "status": "valid"}]}


if __name__ == "__main__":
    serve(lambda role: {("unemployment_insurance", 2022): Records(insurance)} if role == "social_insurance"
          else {("certificates", 2022): Records(certificates)})
