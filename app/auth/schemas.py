"""Input schemas for sign-in and passwords."""
from marshmallow import Schema, fields, validate


class LoginSchema(Schema):
    email = fields.Email(required=True, error_messages={"required": "Enter your email address."})
    password = fields.String(required=True, validate=validate.Length(min=1, max=200),
                             error_messages={"required": "Enter your password."})
    next = fields.String(load_default="")


class PasswordSchema(Schema):
    password = fields.String(required=True, validate=validate.Length(
        min=10, max=200, error="Use at least 10 characters."))
