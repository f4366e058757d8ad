"""govgate risk-area …: 86号-7's reference data from the command line, audited like the API."""

from __future__ import annotations

from conftest import OS_USER


def test_add_list_withdraw_and_the_api_sees_the_same(cli, client, admin_headers):
    added = cli.json("risk-area", "add", "--division", "150521", "--name", "某街道某小区", "--level", "high",
                     "--from", "2022-04-01", "--to", "2022-04-20",
                     "--source", "通辽市疫情防控指挥部通告 2022年第12号")
    assert added["recorded_by"] == f"cli:{OS_USER}" and added["valid_to"] == "2022-04-20"
    listed = client.get("/v1/admin/risk-areas?division_code=1505", headers=admin_headers).json()["items"]
    assert [a["id"] for a in listed] == [added["id"]]
    assert "某街道某小区" in cli.ok("risk-area", "list").stdout
    cli.ok("risk-area", "withdraw", added["id"], "--reason", "wrong county")
    assert cli.json("risk-area", "list")["items"] == []
    assert cli.json("risk-area", "list", "--withdrawn")["items"][0]["withdrawn_reason"] == "wrong county"
    audit = client.get("/v1/admin/audit-events", headers=admin_headers).json()["items"]
    assert {"risk_area.create", "risk_area.withdraw"} <= {e["action"] for e in audit}


def test_bad_input_is_a_clear_message_and_a_non_zero_exit(cli):
    message = cli.refused("risk-area", "add", "--division", "150521", "--name", "x", "--level", "high",
                          "--from", "2022-05-02", "--to", "2022-05-01", "--source", "s")
    assert "valid_to" in message
    assert "no risk area" in cli.refused("risk-area", "withdraw", "nope", "--reason", "r")
