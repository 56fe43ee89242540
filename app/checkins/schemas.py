"""Marshmallow schemas for sync batches, their operations and each kind's payload."""
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from app.bounds import form_id
from app.timeutil import parse_clock

MAX_OPS = 200
MAX_CLOCK = 47 * 60 + 59
OP_KINDS = ("check_in", "check_out", "running_late", "confirm_revision", "update_field")
CLOCK_FIELDS = ("general_call", "shooting_call", "breakfast", "lunch", "estimated_wrap")
TEXT_FIELDS = ("notes", "safety_notes", "weather", "walkie_channels", "breakfast_place", "lunch_place")
TEXT_LIMITS = {"weather": 300, "breakfast_place": 200, "lunch_place": 200}


class Clock(fields.Field):
    """A wall-clock time: 'HH:MM' or minutes from the shoot day's midnight."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError("Use 24-hour time like 07:30.")
        if isinstance(value, int):
            if 0 <= value <= MAX_CLOCK:
                return value
            raise ValidationError("Use a time between 00:00 and 47:59.")
        if isinstance(value, str):
            try:
                return parse_clock(value)
            except ValueError as error:
                raise ValidationError(str(error)) from error
        raise ValidationError("Use 24-hour time like 07:30.")


class Loose(Schema):
    class Meta:
        unknown = EXCLUDE


class BatchSchema(Loose):
    protocol = fields.Integer(load_default=1, validate=validate.Equal(1))
    sent_at = fields.AwareDateTime(required=True)
    cursor = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    ops = fields.List(fields.Raw(), required=True)


class OperationSchema(Loose):
    id = fields.UUID(required=True)
    production_id = fields.Integer(required=True, strict=True)
    kind = fields.String(required=True, validate=validate.OneOf(OP_KINDS))
    tapped_at = fields.AwareDateTime(required=True)
    sent_at = fields.AwareDateTime(load_default=None)
    payload = fields.Dict(keys=fields.String(), load_default=dict)


class DayPayload(Loose):
    shoot_day_id = fields.Integer(required=True)
    person_id = fields.Integer(load_default=None, allow_none=True)


class RunningLatePayload(Loose):
    shoot_day_id = fields.Integer(required=True)
    eta = Clock(required=True)
    note = fields.String(load_default="", validate=validate.Length(max=200))


class ConfirmPayload(Loose):
    revision_id = fields.Integer(required=True)


class UpdateFieldPayload(Loose):
    entity = fields.String(required=True, validate=validate.OneOf(["shoot_day"]))
    entity_id = fields.Integer(required=True)
    field = fields.String(required=True, validate=validate.OneOf(CLOCK_FIELDS + TEXT_FIELDS))
    value = fields.Raw(required=True, allow_none=True)
    base_version = fields.Integer(required=True)


PAYLOADS = {"check_in": DayPayload, "check_out": DayPayload, "running_late": RunningLatePayload,
            "confirm_revision": ConfirmPayload, "update_field": UpdateFieldPayload}


def field_value(field: str, value):
    """Validate the new value of a shoot-day field; raise ValidationError."""
    if field in CLOCK_FIELDS:
        if value is None or value == "":
            if field == "general_call":
                raise ValidationError({"value": ["General crew call cannot be empty."]})
            return None
        try:
            return Clock().deserialize(value)
        except ValidationError as error:
            raise ValidationError({"value": error.messages}) from error
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError({"value": ["Must be text."]})
    limit = TEXT_LIMITS.get(field, 5000)
    if len(value) > limit:
        raise ValidationError({"value": [f"At most {limit} characters."]})
    return value


class HandCheckInSchema(Loose):
    """The coordinator's 'check in by hand' form on the today board."""

    person_id = form_id("Choose someone on today's list.", required=True)
    shoot_day_id = form_id("Choose a shoot day.", required=True)
    op_id = fields.UUID(load_default=None)
