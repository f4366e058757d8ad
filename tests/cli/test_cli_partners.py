"""govgate partners …: registration, changes, errors as one line, JSON equal to the API's."""

from __future__ import annotations

import json

from conftest import BANK, OS_USER, TAX_BUREAU

from adapters.tax.settings import SAMPLE_SETTINGS


def add_tax_bureau(cli, *extra):
    return cli("partners", "add", "--id", TAX_BUREAU, "--name", "四川税务", "--role", "tax",
               "--role", "finance", "--division", "510000", "--endpoint",
               "https://tax.example.cn/in", *extra)


def test_add_prints_the_partner_and_json_equals_the_api(cli, bank, client, admin_headers):
    shown = cli.ok("partners", "show", bank).stdout
    assert "北京银行" in shown and "status:   active" in shown

    data = add_tax_bureau(cli, "--json")
    assert data.exit_code == 0, data.output
    created = json.loads(data.stdout)
    assert created["roles"] == ["finance", "tax"]
    api = client.get(f"/v1/admin/partners/{TAX_BUREAU}", headers=admin_headers)
    assert api.status_code == 200
    assert created == api.json() == cli.json("partners", "show", TAX_BUREAU)


def test_registering_twice_is_refused_in_one_line(cli, bank):
    error = cli.refused("partners", "add", "--id", bank, "--name", "again", "--role", "bank",
                        "--division", "110000", "--endpoint", "https://bank.example.cn/x")
    assert error == f"error: partner {bank} is already registered (partner_exists)\n"


def test_invalid_fields_are_listed_by_option(cli):
    error = cli.refused("partners", "add", "--id", "91110000600037341X", "--name", " ",
                        "--role", "bank", "--division", "990000", "--endpoint", "ftp://x")
    lines = error.splitlines()
    assert lines[0] == "error: the partner is not valid (validation_failed)"
    options = sorted(line.split(":")[0].strip() for line in lines[1:])
    assert options == ["--division", "--endpoint", "--id", "--name"]


def test_an_unknown_role_is_a_usage_error(cli):
    result = cli("partners", "add", "--id", BANK, "--name", "x", "--role", "pawnshop",
                 "--division", "110000", "--endpoint", "https://x.example.cn")
    assert result.exit_code == 2
    assert "pawnshop" in result.stderr


def test_add_help_lists_every_format_the_gateway_knows(cli):
    from gateway.bootstrap import ADAPTER_PACKAGES

    help_text = cli.ok("partners", "add", "--help").stdout
    for name in ["canonical", *(package.FORMAT for package in ADAPTER_PACKAGES)]:
        assert f"\n    {name} " in help_text, name  # one described line per format
    assert "--format-settings" in help_text


def test_a_format_and_its_settings_are_registered(cli, tmp_path):
    settings = tmp_path / "cfx.json"
    settings.write_text(json.dumps(SAMPLE_SETTINGS))
    created = json.loads(add_tax_bureau(cli, "--format", "tax_cfx", "--format-settings", f"@{settings}",
                                        "--json").stdout)
    assert created["format"] == "tax_cfx"
    assert created["format_settings"]["src_node"] == SAMPLE_SETTINGS["src_node"]
    error = cli.refused("partners", "update", TAX_BUREAU, "--format-settings", '{"src_node": "1"}')
    assert any(line.startswith("  --format-settings") for line in error.splitlines()[1:]), error


def test_an_unknown_format_or_bad_settings_are_usage_errors(cli):
    result = add_tax_bureau(cli, "--format", "fax")
    assert result.exit_code == 2 and "'fax' is not one of" in result.stderr
    result = add_tax_bureau(cli, "--format", "tax_cfx", "--format-settings", "[1]")
    assert result.exit_code == 2 and "must be a JSON object" in result.stderr


def test_list_filters_and_pages(cli, bank):
    add_tax_bureau(cli)
    assert [p["id"] for p in cli.json("partners", "list")["items"]] == sorted([bank, TAX_BUREAU])
    assert [p["id"] for p in cli.json("partners", "list", "--role", "tax")["items"]] == [TAX_BUREAU]
    in_beijing = cli.json("partners", "list", "--division", "110000")["items"]
    assert [p["id"] for p in in_beijing] == [bank]
    first = cli.json("partners", "list", "--limit", "1")
    assert first["next_after"] == first["items"][0]["id"]
    rest = cli.json("partners", "list", "--after", first["next_after"])
    assert [p["id"] for p in rest["items"]] == [max(bank, TAX_BUREAU)]
    assert rest["next_after"] is None
    table = cli.ok("partners", "list").stdout.splitlines()
    assert table[0].split() == ["ID", "STATUS", "ROLES", "DIVISION", "NAME"]
    assert len(table) == 3


def test_show_of_an_unknown_partner(cli):
    assert cli.refused("partners", "show", TAX_BUREAU) == (
        f"error: no partner {TAX_BUREAU} (partner_not_found)\n")


def test_update_changes_only_what_is_given(cli, bank):
    updated = cli.json("partners", "update", bank, "--name", "北京银行总行", "--role", "bank",
                       "--role", "guarantee_fund")
    assert updated["name"] == "北京银行总行"
    assert updated["roles"] == ["bank", "guarantee_fund"]
    assert updated["endpoint_url"] == "https://bank.example.cn/gateway"
    error = cli.refused("partners", "update", bank, "--endpoint", "http://example.cn/")
    assert error.splitlines()[1].startswith("  --endpoint: may use plain http only for a loopback")


def test_update_without_changes_is_a_usage_error(cli, bank):
    result = cli("partners", "update", bank)
    assert result.exit_code == 2
    assert "nothing to change" in result.stderr


def test_suspend_and_activate(cli, bank):
    assert cli.ok("partners", "suspend", bank).stdout == f"partner {bank} is suspended\n"
    suspended = cli.json("partners", "list", "--status", "suspended")["items"]
    assert [p["id"] for p in suspended] == [bank]
    assert cli.json("partners", "activate", bank)["status"] == "active"


def test_changes_are_audited_as_the_cli_user(cli, bank):
    cli("partners", "add", "--id", bank, "--name", "dup", "--role", "bank", "--division",
        "110000", "--endpoint", "https://bank.example.cn/x")
    cli.ok("partners", "suspend", bank)
    events = cli.json("audit", "list", "--target", bank)["items"]
    assert [(e["action"], e["outcome"], e["actor"]) for e in events] == [
        ("partner.create", "allowed", f"cli:{OS_USER}"),
        ("partner.create", "failed", f"cli:{OS_USER}"),
        ("partner.suspend", "allowed", f"cli:{OS_USER}"),
    ]
    assert events[2]["before"]["status"] == "active"
    assert events[2]["after"]["status"] == "suspended"
    assert events[1]["detail"] == "partner_exists"
