"""Input schemas for departments and people; shared form conventions and the offset field."""

import re

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate, validates_schema

from app.bounds import Printable, form_id, printable
from app.crew.models import ROLES

#: An imported row's messages follow the value ("… has control characters").
ROW_PRINTABLE = Printable(error="has line breaks or control characters.")
MAX_OFFSET = 12 * 60
OFFSET = re.compile(r"^([-+−]?)\s*(?:(\d{1,2}):(\d{2})|(\d{1,3}))$")
PHONE = re.compile(r"^[0-9+()./\- ]*$")


class FormSchema(Schema):
    """Form input: unknown fields ignored, text trimmed, a blank optional field is None."""

    class Meta:
        unknown = EXCLUDE

    @pre_load
    def tidy(self, data, **kwargs):
        tidy = {}
        for key, value in dict(data).items():
            if isinstance(value, str):
                value = value.strip()
            field = self.fields.get(key)
            if value == "" and field is not None and field.allow_none:
                value = None
            tidy[key] = value
        return tidy


def parse_offset(text: str) -> int:
    """Parse an offset from general call ('-0:30', '+1:00', '-30' minutes) into minutes."""
    match = OFFSET.match((text or "").strip())
    if not match:
        raise ValueError("Use an offset like -0:30, +1:00 or minutes like -30.")
    sign, hours, minutes, bare = match.groups()
    if bare is not None:
        total = int(bare)
    else:
        if int(minutes) > 59:
            raise ValueError("Minutes go up to 59, like -1:45.")
        total = int(hours) * 60 + int(minutes)
    if total > MAX_OFFSET:
        raise ValueError("Keep an offset within 12 hours of general call.")
    return -total if sign in ("-", "−") else total


def format_offset(minutes: int | None) -> str:
    """Format an offset from general call as '-0:30', '+1:00' or '0:00'."""
    if minutes is None:
        return ""
    sign = "-" if minutes < 0 else "+" if minutes > 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}:{rest:02d}"


class Offset(fields.Field):
    """An offset from general crew call in minutes, entered as -0:30, +1:00 or -30."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, (str, int)):
            raise ValidationError("Use an offset like -0:30, +1:00 or minutes like -30.")
        try:
            return parse_offset(str(value))
        except ValueError as error:
            raise ValidationError(str(error)) from error

    def _serialize(self, value, attr, obj, **kwargs):
        return format_offset(value)


REST = re.compile(r"^(\d{1,2})(?::(\d{2}))?$|^(\d{1,2})[.,](\d{1,2})$")
REST_HINT = "Enter hours like 10:00, 10 or 10.5."


def parse_rest(text: str) -> int:
    """Parse a minimum rest ('10:00', '11:30', '10' or '10.5' hours) into minutes."""
    match = REST.match((text or "").strip().lower().removesuffix("h").strip())
    if not match:
        raise ValueError(REST_HINT)
    hours, minutes, whole, fraction = match.groups()
    if whole is not None:
        total = round((int(whole) + float(f"0.{fraction}")) * 60)
    else:
        if minutes is not None and int(minutes) > 59:
            raise ValueError("Minutes go up to 59, like 10:30.")
        total = int(hours) * 60 + int(minutes or 0)
    if not 60 <= total <= 24 * 60:
        raise ValueError("A minimum rest runs from 1 to 24 hours.")
    return total


def format_rest(minutes: int | None) -> str:
    """Format a rest in minutes as hours, '10:00'."""
    if minutes is None:
        return ""
    return f"{minutes // 60}:{minutes % 60:02d}"


class RestHours(fields.Field):
    """A minimum rest in minutes, entered as hours: 10:00, 10 or 10.5."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_rest(str(value))
        except ValueError as error:
            raise ValidationError(str(error)) from error

    def _serialize(self, value, attr, obj, **kwargs):
        return format_rest(value)


class DepartmentSchema(FormSchema):
    name = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=80, error="Give the department a name (up to 80 characters)."), printable],
        error_messages={"required": "Give the department a name."},
    )
    call_offset = Offset(allow_none=True, load_default=None)


class MoveSchema(FormSchema):
    direction = fields.String(required=True, validate=validate.OneOf(("up", "down"), error="Move up or down."))


class PersonSchema(FormSchema):
    name = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=120, error="Enter a name (up to 120 characters)."), printable],
        error_messages={"required": "Enter a name."},
    )
    email = fields.Email(
        allow_none=True,
        load_default=None,
        validate=validate.Length(max=254),
        error_messages={"invalid": "Enter an email address like name@example.com."},
    )
    phone = fields.String(
        load_default="",
        validate=[
            validate.Length(max=40, error="Keep the phone number under 40 characters."),
            validate.Regexp(PHONE, error="Use digits, spaces and + ( ) - only."),
        ],
    )
    share_phone = fields.Boolean(load_default=False)
    share_email = fields.Boolean(load_default=False)
    role = fields.String(load_default="crew", validate=validate.OneOf(ROLES, error="Choose coordinator or crew."))
    job_title = fields.String(load_default="", validate=[validate.Length(max=120), printable])
    department_id = form_id("Choose one of the production's departments.", allow_none=True, load_default=None)
    is_department_head = fields.Boolean(load_default=False)
    cast_number = fields.Integer(
        allow_none=True,
        load_default=None,
        strict=False,
        validate=validate.Range(min=1, max=999, error="Cast numbers run from 1 to 999."),
        error_messages={"invalid": "A cast number is a whole number, like 4."},
    )
    character = fields.String(load_default="", validate=[validate.Length(max=120), printable])
    min_rest = RestHours(allow_none=True, load_default=None)

    @validates_schema
    def character_needs_cast_number(self, data, **kwargs):
        if data.get("character") and data.get("cast_number") is None:
            raise ValidationError("Give a cast number to play a character.", "cast_number")

    @pre_load
    def lower_email(self, data, **kwargs):
        if isinstance(data.get("email"), str):
            data["email"] = data["email"].lower()
        return data


class CarriedImportSchema(FormSchema):
    """The crew list a preview carries forward to the import step (base64, checked again there)."""

    content = fields.String(
        required=True,
        validate=validate.Length(min=1, error="Upload the file again."),
        error_messages={"required": "Upload the file again."},
    )


class CrewRowSchema(FormSchema):
    """One row of an imported crew list; messages follow the offending value, e.g. “ravi@” is not …"""

    name = fields.String(
        required=True, validate=[validate.Length(min=1, max=120, error="is longer than 120 characters."), ROW_PRINTABLE]
    )
    position = fields.String(
        load_default="", validate=[validate.Length(max=120, error="is longer than 120 characters."), ROW_PRINTABLE]
    )
    department = fields.String(
        load_default="", validate=[validate.Length(max=80, error="is longer than 80 characters."), ROW_PRINTABLE]
    )
    email = fields.Email(allow_none=True, load_default=None, error_messages={"invalid": "is not an email address."})
    phone = fields.String(
        load_default="",
        validate=[
            validate.Length(max=40, error="is longer than 40 characters."),
            validate.Regexp(PHONE, error="is not a phone number (use digits, spaces and + ( ) - only)."),
        ],
    )
    cast_number = fields.Integer(
        allow_none=True,
        load_default=None,
        validate=validate.Range(min=1, max=999, error="is not a cast number from 1 to 999."),
        error_messages={"invalid": "is not a cast number from 1 to 999."},
    )

    @pre_load
    def lower_email(self, data, **kwargs):
        if isinstance(data.get("email"), str):
            data["email"] = data["email"].lower()
        return data
