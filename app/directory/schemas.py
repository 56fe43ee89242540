"""A person's own profile form: name, contacts, sharing and emergency contact."""

from marshmallow import fields, pre_load, validate

from app.bounds import printable
from app.crew.schemas import PHONE, FormSchema


def phone_field() -> fields.String:
    return fields.String(
        load_default="",
        validate=[
            validate.Length(max=40, error="Keep the phone number under 40 characters."),
            validate.Regexp(PHONE, error="Use digits, spaces and + ( ) - only."),
        ],
    )


class ProfileSchema(FormSchema):
    name = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=120, error="Enter your name (up to 120 characters)."), printable],
        error_messages={"required": "Enter your name."},
    )
    email = fields.Email(
        allow_none=True,
        load_default=None,
        validate=validate.Length(max=254),
        error_messages={"invalid": "Enter an email address like name@example.com."},
    )
    phone = phone_field()
    share_phone = fields.Boolean(load_default=False)
    share_email = fields.Boolean(load_default=False)
    emergency_name = fields.String(
        load_default="", validate=[validate.Length(max=120, error="Keep the name under 120 characters."), printable]
    )
    emergency_phone = phone_field()

    @pre_load
    def lower_email(self, data, **kwargs):
        if isinstance(data.get("email"), str):
            data["email"] = data["email"].lower()
        return data
