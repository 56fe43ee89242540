"""Bounds every integer id at the edge: URL segments, query strings, form fields, sync payloads."""

import unicodedata

from flask import abort, request
from marshmallow import ValidationError, fields, validate
from werkzeug.routing import IntegerConverter

#: SQLite and PostgreSQL INTEGER primary keys both fit in a signed 32-bit range.
MAX_ID = 2**31 - 1


class Id(fields.Integer):
    """A database id: a strict integer in 1..MAX_ID, refused with a field error otherwise."""

    def __init__(self, **kwargs):
        kwargs.setdefault("strict", True)
        kwargs.setdefault("validate", validate.Range(min=1, max=MAX_ID))
        super().__init__(**kwargs)


# --- URL segments and query strings (edges) ---------------------------------------------------


class BoundedIntConverter(IntegerConverter):
    """Flask's `int` converter, capped at MAX_ID: a bigger segment is a 404, not a database overflow."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def install(app) -> None:
    """Replace the `int` URL converter; call before any blueprint is registered."""
    app.url_map.converters["int"] = BoundedIntConverter


def query_id(name: str, values=None) -> int | None:
    """Return the id in `?name=` (or in `values`): None when absent or blank, 400 when not a number,
    404 when out of range."""
    raw = (request.args if values is None else values).get(name, "").strip()
    if not raw:
        return None
    # str.isdigit accepts non-ASCII digits ("²"): only 0-9 make an id.
    if not (raw.isascii() and raw.isdigit()):
        abort(400, f"?{name}= takes a number.")
    value = int(raw) if len(raw) <= 12 else MAX_ID + 1
    if not 1 <= value <= MAX_ID:
        abort(404)
    return value


def form_id(message: str = "Choose one from the list.", **kwargs) -> Id:
    """Return an Id field for form or query-string input (text digits), with one message for any bad value."""
    kwargs.setdefault("strict", False)
    kwargs.setdefault("validate", validate.Range(min=1, max=MAX_ID, error=message))
    kwargs.setdefault("error_messages", {"invalid": message})
    return Id(**kwargs)


# --- Text at the edge (edges): names and titles without control characters ---------------------

#: Control characters, surrogates and the Unicode line/paragraph separators: invisible on a page,
#: and a line break in a name ends up inside headers and calendar lines.
_REFUSED_CATEGORIES = frozenset(("Cc", "Cs", "Zl", "Zp"))


class Printable(validate.Validator):
    """Refuse control characters; `lines=True` lets line breaks and tabs through (notes, addresses)."""

    def __init__(self, lines: bool = False, error: str | None = None):
        self.allowed = frozenset("\r\n\t") if lines else frozenset()
        self.error = error or (
            "Remove the control characters (like NUL) from the text."
            if lines
            else "Write it on one line, without control characters."
        )

    def __call__(self, value):
        if isinstance(value, str) and any(
            ch not in self.allowed and unicodedata.category(ch) in _REFUSED_CATEGORIES for ch in value
        ):
            raise ValidationError(self.error)
        return value


#: For names and titles: one line of visible text.
printable = Printable()
#: For notes and addresses: several lines allowed, other control characters refused.
printable_lines = Printable(lines=True)
