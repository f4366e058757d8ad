"""govgate allowance-schedule …: 86号-13's living allowance schedule from the command line,
audited like the API, bad input a clear message and a non-zero exit."""

from __future__ import annotations

from tests.cli.conftest import OS_USER

SOURCE = "通辽市人力资源和社会保障局 通人社发〔2022〕1号"


def test_add_list_withdraw_and_the_api_sees_the_same(cli, client, admin_headers):
    added = cli.json("allowance-schedule", "add", "--division", "150500", "--from", "2022-01-01",
                     "--band", "12-23=1500", "--band", "24-=2000.50", "--source", SOURCE)
    assert added["recorded_by"] == f"cli:{OS_USER}" and added["valid_to"] is None
    assert added["bands"] == [{"min_months": 12, "max_months": 23, "amount_fen": 150000},
                              {"min_months": 24, "max_months": None, "amount_fen": 200050}]
    listed = client.get("/v1/admin/living-allowance-schedules?division_code=1505",
                        headers=admin_headers).json()["items"]
    assert listed == [added]
    assert "12-23=1500, 24-=2000.5" in cli.ok("allowance-schedule", "list").stdout
    cli.ok("allowance-schedule", "withdraw", added["id"], "--reason", "wrong prefecture")
    assert cli.json("allowance-schedule", "list")["items"] == []
    assert cli.json("allowance-schedule", "list", "--withdrawn")["items"][0]["withdrawn_reason"] == "wrong prefecture"
    audit = client.get("/v1/admin/audit-events", headers=admin_headers).json()["items"]
    assert {"living_allowance_schedule.create", "living_allowance_schedule.withdraw"} <= {e["action"] for e in audit}


def test_bad_input_is_a_clear_message_and_a_non_zero_exit(cli):
    base = ["allowance-schedule", "add", "--division", "150500", "--source", SOURCE]
    assert "MIN-MAX=CNY" in cli.refused(*base, "--from", "2022-01-01", "--band", "12to23=1500", code=2)
    gap = cli.refused(*base, "--from", "2022-01-01", "--band", "12-23=1500", "--band", "30-=2000")
    assert "bands/1/min_months" in gap and "without gap" in gap
    assert "valid_to" in cli.refused(*base, "--from", "2022-05-02", "--to", "2022-05-01", "--band", "12-=1")
    assert "--division: 150599 is not a division" in cli.refused(*base[:2], "--division", "150599", "--source", SOURCE,
                                          "--from", "2022-01-01", "--band", "12-=1")
    cli.ok(*base, "--from", "2022-01-01", "--band", "12-=1500")
    assert "overlapping" in cli.refused(*base, "--from", "2022-03-01", "--band", "12-=1600")
    assert "no living allowance schedule" in cli.refused("allowance-schedule", "withdraw", "nope", "--reason", "r")
