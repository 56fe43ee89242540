"""Input schemas for documents: metadata, uploads, list filters and downloads."""

import hashlib
from dataclasses import dataclass

from flask import current_app
from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate, validates_schema

from app.bounds import form_id, printable
from app.documents import filetypes
from app.documents.models import DEPARTMENTS, KINDS, VISIBILITIES

MAX_TAGS = 10


@dataclass(frozen=True)
class Upload:
    """A received file that passed every check, ready to store."""

    filename: str
    data: bytes
    kind: filetypes.FileType

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def megabytes(size: int) -> str:
    """Format a byte count for people: '25 MB', '340 KB'."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.3g} MB"
    return f"{max(1, round(size / 1024))} KB"


class UploadedFile(fields.Field):
    """A multipart file: present, not empty, within the size limit, of an accepted type."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value is None or not getattr(value, "filename", ""):
            raise ValidationError("Choose a file to upload.")
        limit = current_app.config["DOCUMENT_MAX_BYTES"]
        content = value.stream.read(limit + 1)
        if len(content) > limit:
            raise ValidationError(
                f"The file is larger than {megabytes(limit)}. Export a smaller copy or split it into parts."
            )
        filename = filetypes.clean_filename(value.filename)
        try:
            kind = filetypes.sniff(content, filename)
        except filetypes.Rejected as rejected:
            raise ValidationError(str(rejected)) from None
        return Upload(filename=filename, data=content, kind=kind)


class Tags(fields.Field):
    """Comma-separated tags, trimmed, lower case, without repeats."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError("Separate tags with commas.")
        tags = []
        for part in value.split(","):
            tag = " ".join(part.split()).lower()
            if len(tag) > 40:
                raise ValidationError("Keep each tag under 40 characters.")
            if tag and tag not in tags:
                tags.append(tag)
        if len(tags) > MAX_TAGS:
            raise ValidationError(f"Use at most {MAX_TAGS} tags.")
        return tags


def _blank_to_none(data, names):
    data = dict(data)
    for name in names:
        if isinstance(data.get(name), str) and not data[name].strip():
            data[name] = None
    return data


class DocumentSchema(Schema):
    """What a coordinator says about a document: type, title, links and visibility."""

    class Meta:
        unknown = EXCLUDE

    kind = fields.String(
        required=True,
        validate=validate.OneOf(KINDS, error="Choose a type from the list."),
        error_messages={"required": "Choose the type of document."},
    )
    title = fields.String(
        required=True,
        error_messages={"required": "Give the document a title."},
        validate=[
            validate.Length(min=1, max=200, error="Give the document a title (up to 200 characters)."),
            printable,
        ],
    )
    tags = Tags(load_default=list)
    shoot_day_id = form_id("Choose a shoot day from the list.", allow_none=True, load_default=None)
    location_id = form_id("Choose a location from the list.", allow_none=True, load_default=None)
    needed_on_location = fields.Boolean(load_default=False)
    visibility = fields.String(
        allow_none=True, load_default=None, validate=validate.OneOf(VISIBILITIES, error="Choose who may see it.")
    )
    department_ids = fields.List(form_id("Choose departments from the list."), load_default=list)

    @pre_load
    def tidy(self, data, **kwargs):
        data = _blank_to_none(data, ("shoot_day_id", "location_id", "visibility"))
        if isinstance(data.get("title"), str):
            data["title"] = " ".join(data["title"].split())
        if isinstance(data.get("department_ids"), list):
            data["department_ids"] = [value for value in data["department_ids"] if value != ""]
        return data

    @validates_schema
    def departments_chosen(self, data, **kwargs):
        if data.get("visibility") == DEPARTMENTS and not data.get("department_ids"):
            raise ValidationError("Choose at least one department.", "department_ids")


class UploadSchema(DocumentSchema):
    file = UploadedFile(
        required=True, error_messages={"required": "Choose a file to upload.", "null": "Choose a file to upload."}
    )


class VersionSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    file = UploadedFile(
        required=True, error_messages={"required": "Choose a file to upload.", "null": "Choose a file to upload."}
    )


class FilterSchema(Schema):
    """The document list's search and filters, from the query string."""

    class Meta:
        unknown = EXCLUDE

    kind = fields.String(
        allow_none=True, load_default=None, validate=validate.OneOf(KINDS, error="Choose a type from the list.")
    )
    tag = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=40))
    day = form_id("Choose a shoot day from the list.", allow_none=True, load_default=None)
    location = form_id("Choose a location from the list.", allow_none=True, load_default=None)
    department = form_id("Choose a department from the list.", allow_none=True, load_default=None)
    q = fields.String(load_default="", validate=validate.Length(max=100, error="Search for at most 100 characters."))
    archived = fields.Boolean(load_default=False)

    @pre_load
    def tidy(self, data, **kwargs):
        data = _blank_to_none(data, ("kind", "tag", "day", "location", "department"))
        data["q"] = " ".join(str(data.get("q") or "").split())
        return data


class DownloadSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    attachment = fields.Boolean(load_default=False)
