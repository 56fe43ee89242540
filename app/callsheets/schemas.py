"""Input schemas for call sheet pages."""

from marshmallow import EXCLUDE, Schema, fields, pre_load, validate

from app.bounds import Id, form_id, printable, printable_lines

BACK_TO = ("my-day", "revision")


class ConfirmSchema(Schema):
    back = fields.String(load_default="my-day", validate=validate.OneOf(BACK_TO))


class BoardFilterSchema(Schema):
    show = fields.String(load_default="all", validate=validate.OneOf(("all", "unconfirmed")))


class PublishSchema(Schema):
    """The publish form: the office may acknowledge calls that break someone's rest."""

    class Meta:
        unknown = EXCLUDE

    acknowledge_rest = fields.Boolean(
        load_default=False, error_messages={"invalid": "Tick the box to publish calls that break someone's rest."}
    )


class AnnouncementSchema(Schema):
    """A coordinator's announcement: a headline, a few lines, to everyone or chosen departments."""

    title = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=120, error="Write a headline of at most {max} characters."), printable],
        error_messages={"required": "Write a headline."},
    )
    body = fields.String(
        load_default="", validate=[validate.Length(max=1000, error="Keep it under {max} characters."), printable_lines]
    )
    departments = fields.List(form_id("Choose departments from the list."), load_default=list)
    day = form_id("Choose a shoot day from the list, or none.", load_default=None, allow_none=True)

    @pre_load
    def _strip(self, data, **_kwargs):
        data = {**data, **{key: data[key].strip() for key in ("title", "body") if isinstance(data.get(key), str)}}
        if data.get("day") == "":  # "Not a particular day"
            data["day"] = None
        return data


class ConfirmPayload(Schema):
    """The outbox's confirm_revision operation (and its no-JavaScript form)."""

    class Meta:
        unknown = EXCLUDE

    revision_id = Id(strict=False, required=True)  # digits from the form, a number from the outbox


class CompareSchema(Schema):
    """Two revisions of one shoot day to compare, by number (the query string of the history's form)."""

    class Meta:
        unknown = EXCLUDE

    older = form_id(
        "Choose a revision from the list.",
        data_key="from",
        required=True,
        error_messages={"required": "Choose two revisions to compare.", "invalid": "Choose a revision from the list."},
    )
    newer = form_id(
        "Choose a revision from the list.",
        data_key="to",
        required=True,
        error_messages={"required": "Choose two revisions to compare.", "invalid": "Choose a revision from the list."},
    )
