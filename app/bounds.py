"""Bounds every integer id at the edge: URL segments, query strings, form fields, sync payloads."""

from marshmallow import fields, validate

#: SQLite and PostgreSQL INTEGER primary keys both fit in a signed 32-bit range.
MAX_ID = 2**31 - 1


class Id(fields.Integer):
    """A database id: a strict integer in 1..MAX_ID, refused with a field error otherwise."""

    def __init__(self, **kwargs):
        kwargs.setdefault("strict", True)
        kwargs.setdefault("validate", validate.Range(min=1, max=MAX_ID))
        super().__init__(**kwargs)
