"""Input schemas for call sheet pages."""
from marshmallow import Schema, fields, validate

BACK_TO = ("my-day", "revision")


class ConfirmSchema(Schema):
    back = fields.String(load_default="my-day", validate=validate.OneOf(BACK_TO))


class BoardFilterSchema(Schema):
    show = fields.String(load_default="all", validate=validate.OneOf(("all", "unconfirmed")))
