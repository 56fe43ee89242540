"""Marshmallow schemas for the check-in operations' payloads and the hand check-in form."""

from marshmallow import EXCLUDE, Schema, fields, validate

from app.bounds import Id, form_id
from app.schedule.schemas import Clock


class Loose(Schema):
    class Meta:
        unknown = EXCLUDE


# Ids arrive as digits from forms (and from the outbox, which copies a form): not strict.
class DayPayload(Loose):
    shoot_day_id = Id(strict=False, required=True)
    person_id = Id(strict=False, load_default=None, allow_none=True)
    # The person answered "Are you sure?" for a time that makes no sense (app.checkins.odd_times).
    confirmed = fields.Boolean(load_default=False)


class RunningLatePayload(Loose):
    shoot_day_id = Id(strict=False, required=True)
    eta = Clock(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=200))


class HandCheckInSchema(Loose):
    """The coordinator's 'check in by hand' form on the today board."""

    person_id = form_id("Choose someone on today's list.", required=True)
    shoot_day_id = form_id("Choose a shoot day.", required=True)
    op_id = fields.UUID(load_default=None)
