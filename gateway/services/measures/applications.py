"""One subject through the pipeline, synchronously: an online application from the web hall
(86号-6/7, no uploaded material) or a claim taken at a county counter (86号-8/9).

The answer is the signed decision; it commits with the message's evidence entry, and the
claim register is checked again at commit, under the log-head lock that serialises writers.
"""

from __future__ import annotations

import datetime as dt

from ...domain.partners import Partner, Role
from ...errors import Conflict, Forbidden
from ...storage.policy_repositories import StoredMessage
from ..policy.common import Outcome, china_today
from .pipeline import MeasurePipeline, Source

KIND = "measure_application"
PERSON_SCHEMA = "PersonApplication"
EARLIER_CLAIM = "earlier_claim"  # marks an answer that is an earlier claim's decision (HTTP 200)


# A sender's role → the channel its claims arrive by (``Measure.channels``): employers apply
# online or are claimed for at HR counters; people claim through five channels (86号-12 政策经办).
CHANNELS = {Role.WEB_HALL: "application", Role.MOBILE_APP: "mobile_app",
            Role.NATIONAL_PLATFORM: "national_platform", Role.ECARD: "ecard",
            Role.INSURANCE_COUNTER: "counter", Role.HR: "counter"}


def channel_of(sender: Partner) -> str:
    return next((CHANNELS[role] for role in CHANNELS if role in sender.roles), "counter")


def decide(pipeline: MeasurePipeline, sender: Partner, measure_name: str, body: dict,
           message_id: str, now: dt.datetime) -> Outcome:
    measure = pipeline.catalogue.get(measure_name)
    channel = channel_of(sender)
    if channel not in measure.channels:
        raise Forbidden(f"{measure.code} is not taken through the {channel.replace('_', ' ')} channel",
                        reason="channel_not_permitted")
    subject = pipeline.validate(measure, body, china_today(now))
    facts = pipeline.gather(measure, [subject])[subject.key]  # no transaction open meanwhile
    judged = pipeline.judge(measure, subject, facts)
    with pipeline.uow(readonly=True) as uow:
        decision = pipeline.register(uow, judged)
        earlier = earlier_claim(uow, measure, judged, decision, sender.id, pipeline.signer)
        recipients = [] if earlier else pipeline.recipients(uow, decision, subject)
    message = StoredMessage(message_id, KIND, sender.id, subject.division_code, None, body, now)
    if earlier is not None:  # the same person's claim again, from any channel: its first status
        return Outcome(message, [], answer=earlier)
    stored = pipeline.record(decision, subject, Source(channel, message_id, sender.id), now)

    def still_free(uow) -> None:
        if pipeline.register(uow, decision) != decision:
            raise Conflict("another decision took the same claim meanwhile; retry to see it",
                           reason="concurrent_conflict")

    return Outcome(message, [], answer=stored.record, rechecks=[still_free],
                   extra_writes=[lambda uow: pipeline.stage(uow, stored, recipients, now)])


def earlier_claim(uow, measure, judged, decision, asker: str, signer) -> dict | None:
    """One claim per person, benefit and spell across channels (86号-12…15 政策经办 ①…⑤): a
    person measure's first claim key names the claim (e.g. ``unemployment-spell``
    ``<citizen>/<stopped_on>``). When the register refused it ``already_granted`` because a
    decision of the same measure holds that very key, the answer is that decision's stored,
    signed record plus ``earlier_claim: true`` and its ``payout_state`` now (neither covered by
    its signature) — HTTP 200. A partner other than the one that claimed first gets the status
    only (``withheld``): a partner sees only its own claims' personal data (PIPL; docs/privacy.md).

    Only granted claims hold keys, so a person refused (or eligible without an account) before
    is decided afresh. Under a race the loser's ``still_free`` recheck (or the register's unique
    key) ends in a 409 ``concurrent_conflict``; its retry arrives here."""
    if measure.schema != PERSON_SCHEMA or decision.eligible or not judged.claim_keys:
        return None
    refusal = next((f for f in decision.reasons if f.reason == "already_granted"), None)
    identity = judged.claim_keys[0]
    if refusal is None or identity.slots != 1:
        return None
    holder = uow.measure_claims.holder(identity.group, identity.key)
    if holder is None or holder.decision_id != refusal.subject or holder.measure != measure.code:
        return None  # the same measure holds another key (e.g. a month of another spell)
    first = uow.measure_decisions.get(holder.decision_id)
    if first is None:
        return None
    record = first.record if first.sender_id == asker else withheld(first.record, signer)
    return {**record, EARLIER_CLAIM: True, "payout_state": first.payout_state}


WITHHELD = {"facts_used": {}, "detail": {}, "payee": None}  # each left out field, as it is emptied


def withheld(record: dict, signer) -> dict:
    """The first claim as another channel sees it: its decision without the facts, figures and
    account it was decided on, signed afresh (the signature covers this copy, ``withheld`` too)."""
    status = {k: v for k, v in record.items() if k != "signature"} | WITHHELD | {"withheld": list(WITHHELD)}
    return status | {"signature": signer.sign(status)}
