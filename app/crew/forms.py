"""How the office's forms answer: field errors, and a partial alone for an htmx swap."""
from flask import render_template
from marshmallow import ValidationError

from app.sync import Rejected
from app.extensions import db
from app.web import render, wants_fragment

CLASH = "Someone else changed this at the same moment. Reload the page and try again."


def field_errors(error: ValidationError | Rejected) -> dict[str, list[str]]:
    """Return field → messages for a schema or service rejection ('form' for the whole form)."""
    messages = error.messages if isinstance(error, ValidationError) else error.errors or {"form": [error.message]}
    if not isinstance(messages, dict):
        return {"form": [str(message) for message in messages]}
    errors = {key: [str(m) for m in value] if isinstance(value, list) else [str(value)]
              for key, value in messages.items()}
    if "_schema" in errors:
        errors["form"] = errors.pop("_schema")
    return errors


def fragment(template: str, status: int = 200, headers: dict | None = None, **context):
    """Render a partial on its own (an htmx swap), varying on HX-Request."""
    return render_template(template, **context), status, {"Vary": "HX-Request", **(headers or {})}


def clash(error):
    """Answer a uniqueness race lost at commit (two offices saving at once) with 409, not 500."""
    db.session.rollback()
    if wants_fragment():
        return fragment("crew/_clash.html", 409, message=CLASH)
    return render("error.html", status=409, code=409, message=CLASH)
