"""How every form answers: field errors from a schema or a service, and a lost race as 409."""

from marshmallow import ValidationError

from app.extensions import db
from app.web import render, render_partial, wants_fragment

CLASH = "Someone else changed this at the same moment. Reload the page and try again."


def field_errors(error: Exception) -> dict[str, list[str]]:
    """Return field → messages for a schema error or a service rejection ('form' for the whole form).

    A service rejection is any exception with `errors` (field → messages, or a list of messages).
    """
    messages = (
        error.messages
        if isinstance(error, ValidationError)
        else (error.errors or {"form": [getattr(error, "message", str(error))]})
    )
    if not isinstance(messages, dict):
        return {"form": [str(message) for message in messages]}
    errors = {
        key: [str(m) for m in value] if isinstance(value, list) else [str(value)] for key, value in messages.items()
    }
    if "_schema" in errors:
        errors["form"] = errors.pop("_schema")
    return errors


def clash(error):
    """Answer a uniqueness race lost at commit (two offices saving at once) with 409, not 500."""
    db.session.rollback()
    if wants_fragment():
        return render_partial("_clash.html", 409, message=CLASH)
    return render("error.html", status=409, code=409, message=CLASH)
