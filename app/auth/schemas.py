"""Input schemas for sign-in and passwords."""

from marshmallow import EXCLUDE, Schema, fields, pre_load, validate


class FormSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # forms also carry csrf_token and the submit button

    @pre_load
    def strip_email(self, data, **_kwargs):
        """Forgive the space a phone keyboard adds after an email address."""
        data = dict(data.items())
        if isinstance(data.get("email"), str):
            data["email"] = data["email"].strip()
        return data


class LoginSchema(FormSchema):
    email = fields.Email(
        required=True,
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.com.",
        },
    )
    password = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200, error="Enter your password."),
        error_messages={"required": "Enter your password."},
    )
    next = fields.String(load_default="")


class PasswordSchema(FormSchema):
    password = fields.String(
        required=True,
        validate=[
            validate.Length(min=10, error="Use at least 10 characters."),
            validate.Length(max=200, error="Use at most 200 characters."),
        ],
        error_messages={"required": "Choose a password of at least 10 characters."},
    )
    current_password = fields.String(load_default=None, validate=validate.Length(max=200))
    email = fields.Email(
        load_default=None,
        validate=validate.Length(max=254),
        error_messages={"invalid": "Enter an email address like name@example.com."},
    )
