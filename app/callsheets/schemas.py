"""Input schemas for call sheet pages."""
from marshmallow import EXCLUDE, Schema, fields, validate

BACK_TO = ("my-day", "revision")


class ConfirmSchema(Schema):
    back = fields.String(load_default="my-day", validate=validate.OneOf(BACK_TO))


class BoardFilterSchema(Schema):
    show = fields.String(load_default="all", validate=validate.OneOf(("all", "unconfirmed")))


class PublishSchema(Schema):
    """The publish form: the office may acknowledge calls that break someone's rest."""

    class Meta:
        unknown = EXCLUDE

    acknowledge_rest = fields.Boolean(load_default=False, error_messages={
        "invalid": "Tick the box to publish calls that break someone's rest."})
