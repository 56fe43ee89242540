"""Input schemas for subscriptions and notification preferences."""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from app.bounds import form_id
from app.push.models import REVISION_CHOICES
from app.push.subscriptions import InvalidSubscription, check_keys, checked_endpoint


class KeysSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    p256dh = fields.String(
        required=True,
        validate=validate.Length(max=100),
        error_messages={"required": "The subscription has no p256dh key."},
    )
    auth = fields.String(
        required=True,
        validate=validate.Length(max=40),
        error_messages={"required": "The subscription has no auth secret."},
    )


class SubscriptionSchema(Schema):
    """A PushSubscription as the browser's toJSON() gives it, plus the key it was made with."""

    class Meta:
        unknown = EXCLUDE

    endpoint = fields.String(
        required=True,
        validate=validate.Length(max=1000),
        error_messages={"required": "The subscription has no endpoint."},
    )
    keys = fields.Nested(KeysSchema, required=True, error_messages={"required": "The subscription has no keys."})
    application_server_key = fields.String(
        data_key="applicationServerKey", load_default=None, validate=validate.Length(max=100)
    )

    @validates_schema
    def check_untrusted_parts(self, data, **_kwargs):
        """Refuse endpoints off the allow-list and keys of the wrong shape."""
        try:
            checked_endpoint(data["endpoint"])
            check_keys(data["keys"]["p256dh"], data["keys"]["auth"])
        except InvalidSubscription as invalid:
            if invalid.field == "endpoint":
                raise ValidationError({"endpoint": [str(invalid)]}) from None
            raise ValidationError({"keys": {invalid.field: [str(invalid)]}}) from None


class EndpointSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    endpoint = fields.String(required=True, validate=validate.Length(max=1000))


class PreferenceSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # the form also carries csrf_token

    person_id = form_id("Choose whose notifications these are.", required=True)
    revisions = fields.String(
        required=True, validate=validate.OneOf(REVISION_CHOICES, error="Choose all revisions or only my changes.")
    )
