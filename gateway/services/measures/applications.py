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
    decision = pipeline.judge(measure, subject, facts)
    with pipeline.uow(readonly=True) as uow:
        decision = pipeline.register(uow, decision)
        recipients = pipeline.recipients(uow, decision, subject)
    stored = pipeline.record(decision, subject, Source(channel, message_id, sender.id), now)

    def still_free(uow) -> None:
        if pipeline.register(uow, decision) != decision:
            raise Conflict("another decision took the same claim meanwhile; retry to see it",
                           reason="concurrent_conflict")

    message = StoredMessage(message_id, KIND, sender.id, subject.division_code, None, body, now)
    return Outcome(message, [], answer=stored.record, rechecks=[still_free],
                   extra_writes=[lambda uow: pipeline.stage(uow, stored, recipients, now)])
