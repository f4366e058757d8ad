"""``govgate partners``: register and change partner agencies and institutions."""

from __future__ import annotations

import json

import click

from ..api.admin import present
from ..bootstrap import partner_formats
from ..domain.partners import CANONICAL_FORMAT, PartnerStatus, Role
from .output import emit_json, next_page_hint, record, table
from .params import json_option, limit_options
from .session import CliSession

ROLES = click.Choice([r.value for r in Role])
FORMATS = click.Choice(list(partner_formats()))
# click keeps a paragraph that starts with \b as written, one format a line.
FORMATS_EPILOG = "\b\nFormats (--format):\n" + "\n".join(
    f"  {name:<14} {summary}" for name, summary in partner_formats().items())


class FormatSettings(click.ParamType):
    """A JSON object given inline, or read from a file as ``@FILE``."""

    name = "JSON|@FILE"

    def convert(self, value, param, ctx):
        if isinstance(value, dict):
            return value
        try:
            if value.startswith("@"):
                with open(value[1:], encoding="utf-8") as file:
                    value = file.read()
            loaded = json.loads(value)
        except OSError as exc:
            self.fail(f"cannot read {value[1:]}: {exc.strerror}", param, ctx)
        except ValueError as exc:
            self.fail(f"not JSON: {exc}", param, ctx)
        if not isinstance(loaded, dict):
            self.fail("must be a JSON object", param, ctx)
        return loaded


FORMAT_SETTINGS_HELP = ("What the format's adapter needs, as a JSON object or @FILE "
                        "(e.g. tax_cfx: src_node, des_node, app; bank_frontend: lgnnam).")

PARTNER_FIELDS = [
    ("id", "id"),
    ("name", "name"),
    ("roles", "roles"),
    ("division", "division_code"),
    ("endpoint", "endpoint_url"),
    ("format", "format"),
    ("status", "status"),
    ("created", "created_at"),
    ("updated", "updated_at"),
]


def show_partner(data: dict, as_json: bool) -> None:
    if as_json:
        emit_json(data)
    else:
        record(data, PARTNER_FIELDS)


@click.group()
def partners() -> None:
    """Partner agencies and institutions (identified by unified social credit code)."""


@partners.command(epilog=FORMATS_EPILOG)
@click.option(
    "--id", "partner_id", required=True, help="Unified social credit code (18 characters)."
)
@click.option("--name", required=True, help="The partner's name.")
@click.option(
    "--role",
    "roles",
    type=ROLES,
    multiple=True,
    required=True,
    help="A role the partner plays; repeat for several.",
)
@click.option(
    "--division", required=True, help="Administrative division code (GB/T 2260, 6 digits)."
)
@click.option("--endpoint", required=True, help="The https URL the gateway delivers to.")
@click.option(
    "--format",
    "format_",
    type=FORMATS,
    default=CANONICAL_FORMAT,
    show_default=True,
    help="Message format the partner speaks (listed below).",
)
@click.option("--format-settings", type=FormatSettings(), default=None, help=FORMAT_SETTINGS_HELP)
@json_option
@click.pass_obj
def add(session: CliSession, partner_id, name, roles, division, endpoint, format_, format_settings,
        as_json):
    """Register a partner."""
    fields = {
        "id": partner_id,
        "name": name,
        "roles": list(roles),
        "division_code": division,
        "endpoint_url": endpoint,
        "format": format_,
    }
    if format_settings is not None:
        fields["format_settings"] = format_settings
    registry = session.container().partners
    partner = session.run(
        "partner.create",
        "partner",
        partner_id,
        lambda uow, now: registry.register(uow, fields, now),
    )
    show_partner(present.partner(partner), as_json)


@partners.command("list")
@click.option("--role", type=ROLES, default=None, help="Only partners with this role.")
@click.option("--status", type=click.Choice([s.value for s in PartnerStatus]), default=None)
@click.option("--division", default=None, help="Only partners in this division code.")
@limit_options
@json_option
@click.pass_obj
def list_(session: CliSession, role, status, division, limit, after, as_json):
    """List partners, ordered by id."""
    items = session.read(
        "partner.list",
        "partner",
        None,
        lambda uow, now: uow.partners.list(
            role=role, status=status, division_code=division, after=after, limit=limit
        ),
    )
    page = present.page([present.partner(p) for p in items], limit, items[-1].id if items else None)
    if as_json:
        emit_json(page)
        return
    table(
        page["items"],
        [
            ("id", "id"),
            ("status", "status"),
            ("roles", "roles"),
            ("division", "division_code"),
            ("name", "name"),
        ],
        empty="no partners",
    )
    next_page_hint(page)


@partners.command()
@click.argument("partner_id")
@json_option
@click.pass_obj
def show(session: CliSession, partner_id, as_json):
    """Show one partner."""
    registry = session.container().partners
    partner = session.read(
        "partner.get", "partner", partner_id, lambda uow, now: registry.get(uow, partner_id)
    )
    show_partner(present.partner(partner), as_json)


@partners.command(epilog=FORMATS_EPILOG)
@click.argument("partner_id")
@click.option("--name", default=None)
@click.option(
    "--role",
    "roles",
    type=ROLES,
    multiple=True,
    help="Replace the roles with these; repeat for several.",
)
@click.option("--division", default=None, help="Division code (GB/T 2260).")
@click.option("--endpoint", default=None, help="Delivery URL.")
@click.option("--format", "format_", type=FORMATS, default=None, help="Message format (listed below).")
@click.option("--format-settings", type=FormatSettings(), default=None, help=FORMAT_SETTINGS_HELP)
@json_option
@click.pass_obj
def update(session: CliSession, partner_id, name, roles, division, endpoint, format_, format_settings,
           as_json):
    """Change a partner's details (only the options given)."""
    changes = {
        key: value
        for key, value in [
            ("name", name),
            ("roles", list(roles) or None),
            ("division_code", division),
            ("endpoint_url", endpoint),
            ("format", format_),
            ("format_settings", format_settings),
        ]
        if value is not None
    }
    if not changes:
        raise click.UsageError(
            "nothing to change: give at least one of --name, --role, "
            "--division, --endpoint, --format, --format-settings"
        )
    registry = session.container().partners
    partner = session.run(
        "partner.update",
        "partner",
        partner_id,
        lambda uow, now: registry.update(uow, partner_id, changes, now),
    )
    show_partner(present.partner(partner), as_json)


def _status_command(name: str, status: PartnerStatus, action: str, doc: str):
    @partners.command(name, help=doc)
    @click.argument("partner_id")
    @json_option
    @click.pass_obj
    def command(session: CliSession, partner_id, as_json):
        registry = session.container().partners
        partner = session.run(
            action,
            "partner",
            partner_id,
            lambda uow, now: registry.set_status(uow, partner_id, status, now),
        )
        if as_json:
            emit_json(present.partner(partner))
        else:
            click.echo(f"partner {partner.id} is {partner.status.value}")

    return command


suspend = _status_command(
    "suspend",
    PartnerStatus.SUSPENDED,
    "partner.suspend",
    "Suspend a partner: its signed requests are refused until activated.",
)
activate = _status_command(
    "activate", PartnerStatus.ACTIVE, "partner.activate", "Activate a suspended partner."
)
