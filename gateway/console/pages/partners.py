"""Partners: find them, see one (roles, division, endpoint, format, keys, grants, messages),
suspend or activate it after a confirmation, and register one with its first key and grant."""

from __future__ import annotations

import json

from flask import g, request

from ...domain.admin import Permission
from ...domain.divisions import PROVINCES
from ...domain.partners import PartnerStatus, Role
from ...errors import FieldError, GovgateError, InvalidInput
from ...services import keys as key_service
from ...services.partners import PartnerRegistry
from .. import actions, labels
from ..web import blueprint, done, page

PAGE = 50


def province(division_code: str) -> str:
    return PROVINCES.get((division_code or "")[:2], "")


@blueprint.get("/partners")
def partners():
    args = request.args
    role = args.get("role") if args.get("role") in {r.value for r in Role} else None
    status = args.get("status") if args.get("status") in {s.value for s in PartnerStatus} else None
    items = actions.read("partner.list", "partner", None, lambda uow, now: uow.partners.list(
        role=role, status=status, division_code=args.get("division") or None,
        text=(args.get("q") or "").strip() or None, after=args.get("after") or None, limit=PAGE))
    cursor = items[-1].id if len(items) == PAGE else None
    return page("partners.html", items=items, cursor=cursor, roles=[r.value for r in Role],
                role=role, status=status, province=province)


@blueprint.get("/partners/<partner_id>")
def partner(partner_id: str):
    def work(uow, now):
        found = PartnerRegistry.get(uow, partner_id)
        return (found, uow.keys.for_partner(partner_id), uow.grants.for_partner(partner_id),
                uow.messages.search(partner_id=partner_id, limit=10), now)

    found, keys, grants, messages, now = actions.read("partner.get", "partner", partner_id, work)
    return page("partner.html", section="console.partners", p=found, keys=keys, grants=grants,
                messages=messages, now=now, province=province)


@blueprint.get("/partners/<partner_id>/status")
def confirm_status(partner_id: str):
    """The confirmation step of suspend / activate (no script: a page of its own)."""
    to = request.args.get("to")
    if to not in {s.value for s in PartnerStatus}:
        raise InvalidInput("choose suspended or active", reason="validation_failed")
    found = actions.read("partner.get", "partner", partner_id,
                         lambda uow, now: PartnerRegistry.get(uow, partner_id))
    return page("confirm_status.html", section="console.partners", p=found, to=to)


def _set_status(partner_id: str, status: PartnerStatus, action: str, notice: str):
    registry = g.c.partners
    actions.run(action, "partner", partner_id, Permission.WRITE,
                lambda uow, now: registry.set_status(uow, partner_id, status, now))
    return done("console.partner", notice, partner_id=partner_id)


@blueprint.post("/partners/<partner_id>/suspend")
def suspend(partner_id: str):
    return _set_status(partner_id, PartnerStatus.SUSPENDED, "partner.suspend", "notice.suspended")


@blueprint.post("/partners/<partner_id>/activate")
def activate(partner_id: str):
    return _set_status(partner_id, PartnerStatus.ACTIVE, "partner.activate", "notice.activated")


def _form_choices() -> dict:
    catalogue = g.c.access.catalogue
    return {"roles": [r.value for r in Role], "formats": sorted(g.c.partners.formats),
            "operations": sorted(catalogue.grantable), "groups": sorted(catalogue.groups)}


@blueprint.get("/partners/new")
def new_partner():
    return page("partner_new.html", section="console.partners", form={"format": "canonical"},
                errors={}, **_form_choices())


def _step(prefix: str, work):
    """Tag a failing step's error with its part of the form (partner, key_, grant_)."""
    def run(uow, now):
        try:
            return work(uow, now)
        except GovgateError as error:
            error.console_prefix = prefix  # type: ignore[attr-defined]
            raise
    return run


def _field_errors(error: GovgateError) -> dict[str, str]:
    prefix = getattr(error, "console_prefix", "")
    found: dict[str, str] = {}
    for e in getattr(error, "errors", []) or []:
        name = e.pointer.strip("/").split("/")[0] or "form"
        found.setdefault(prefix + name, e.detail)
    if not found:  # a conflict or a refused key: shown by the part of the form it concerns
        found[{"": "form", "key_": "key_public_key", "grant_": "grant_operation"}[prefix]] = error.detail
    return found


@blueprint.post("/partners/new")
def register_partner():
    form = request.form
    values = {name: form.get(name, "") for name in (
        "id", "name", "division_code", "endpoint_url", "format", "format_settings", "public_key",
        "keyid", "key_not_after", "operation", "grant_expires_at")}
    values["roles"] = form.getlist("roles")
    try:
        fields, key_until, grant_until = _parse(values)
    except InvalidInput as error:
        return page("partner_new.html", 422, section="console.partners", form=values,
                    errors=_field_errors(error), **_form_choices())
    partner_id = fields["id"].strip().upper()
    steps = [("partner.create", "partner", partner_id, Permission.WRITE, _step(
        "", lambda uow, now: g.c.partners.register(uow, fields, now)))]
    if values["public_key"].strip():
        steps.append(("key.register", "partner", partner_id, Permission.WRITE, _step(
            "key_", lambda uow, now: key_service.register(
                uow, partner_id, values["public_key"].strip(), keyid=values["keyid"].strip() or None,
                algorithm=None, not_before=None, not_after=key_until, now=now))))
    if values["operation"]:
        actor_id = g.signed.actor.id
        steps.append(("grant.create", "partner", partner_id, Permission.WRITE, _step(
            "grant_", lambda uow, now: g.c.access.grant(
                uow, partner_id, values["operation"], grant_until, now, actor_id))))
    try:
        actions.run_all(steps)
    except GovgateError as error:
        if error.status == 403:
            raise  # a denial gets the error page, as any other
        return page("partner_new.html", error.status, section="console.partners", form=values,
                    errors=_field_errors(error), **_form_choices())
    return done("console.partner", "notice.registered", partner_id=partner_id)


def _parse(values: dict):
    errors = []
    settings: object = {}
    if values["format_settings"].strip():
        try:
            settings = json.loads(values["format_settings"])
        except ValueError:
            errors.append(FieldError("/format_settings", "is not JSON"))
        if not isinstance(settings, dict):
            errors.append(FieldError("/format_settings", "must be a JSON object"))
    times = {}
    for name in ("key_not_after", "grant_expires_at"):
        try:
            times[name] = labels.parse_cst(values[name])
        except ValueError:
            errors.append(FieldError("/" + name, "is not a date and time"))
    if errors:
        raise InvalidInput("the form is not valid", reason="validation_failed", errors=errors)
    fields = {"id": values["id"].strip(), "name": values["name"], "roles": values["roles"],
              "division_code": values["division_code"].strip(),
              "endpoint_url": values["endpoint_url"].strip(), "format": values["format"] or "canonical",
              "format_settings": settings}
    return fields, times["key_not_after"], times["grant_expires_at"]
