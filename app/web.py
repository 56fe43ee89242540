"""The one web layer: page, block or partial for htmx (with Vary set once), safe redirects, JSON
bodies, contention (503), headers and error pages.

htmx requests are read through flask-htmx's `htmx` object (it knows htmx 2's request headers).
"""

import re
import unicodedata
from urllib.parse import quote, urlsplit

from flask import Flask, abort, current_app, g, jsonify, redirect, render_template, request, url_for
from jinja2_fragments.flask import render_block
from sqlalchemy.exc import OperationalError
from werkzeug.middleware.proxy_fix import ProxyFix

from app.extensions import db, htmx
from app.timeutil import format_clock, input_clock

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def htmx_request() -> bool:
    """Return True for any request htmx made (boosted and history restores too); the answer varies on it."""
    g.varies_on_htmx = True
    return bool(htmx)


def wants_fragment() -> bool:
    """Return True for an htmx request that swaps part of a page, not a whole-page one."""
    return htmx_request() and not htmx.boosted and not htmx.history_restore_request


def safe_next(target: str | None) -> str | None:
    """Return target if it is a path on this site, ready for Location or HX-Redirect; else None.

    Every `next=` goes through here. Browsers drop tabs and newlines from URLs, so
    `/<TAB>/evil.example` would become `//evil.example`: any control, format or separator
    character but the plain space (CR, LF, VT, FF, NUL, U+3000 …) refuses the target
    outright, before the shape is checked. Then only a path is accepted: no scheme, no host,
    no `//` or `/\\`. What is left is percent-encoded (a space, non-ASCII letters).
    """
    if not target or not isinstance(target, str):
        return None
    if any(unicodedata.category(char)[0] in "CZ" and char != " " for char in target):
        return None
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    # A header carries ASCII only (existing escapes stay as they are).
    return quote(target, safe="/?&=#%:+;,@!$'()*~-._")


def public_url(endpoint: str, **values) -> str:
    """Return an absolute link for emails and invite cards: from CALLBOARD_PUBLIC_URL, else this request's host."""
    base = current_app.config.get("PUBLIC_URL")
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, **values, _external=True)


def render(template: str, block: str | None = None, status: int = 200, *, oob: tuple[str, ...] = (), **context):
    """Render the whole page; for an htmx swap only `block` of it, then the `oob` blocks out of band.

    Out-of-band blocks render with `oob=True` in their context, for their hx-swap-oob attribute.
    """
    if block and wants_fragment():
        body = render_block(template, block, **context) + "".join(
            render_block(template, name, **{**context, "oob": True}) for name in oob
        )
    else:
        g.varies_on_htmx = True  # the same URL answers htmx with a fragment
        body = render_template(template, **context)
    return body, status, {}


def render_partial(template: str, status: int = 200, *, also: tuple[str, ...] = (), **context):
    """Render a partial alone (the answer to an htmx swap), then the `also` partials with the same context."""
    g.varies_on_htmx = True
    body = "".join(render_template(name, **context) for name in (template, *also))
    return body, status, {}


def redirect_to(url: str, code: int = 303):
    """Send the browser to url: the whole page for htmx (HX-Redirect), a plain redirect otherwise."""
    if htmx_request():
        return "", 204, {"HX-Redirect": url}
    return redirect(url, code)


def _vary_on_htmx(response):
    """Add Vary: HX-Request once, to every answer that depended on whether htmx asked."""
    if g.get("varies_on_htmx"):
        response.vary.add("HX-Request")
    return response


def _security_headers(response):
    """Add the security headers every response carries; a view may set stricter ones."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # same-origin (not no-referrer): Flask-WTF checks the Referer of https form posts.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    # Geolocation stays available to our own pages (checking in on arrival may use it).
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self), payment=(), usb=()")
    if request.is_secure or current_app.config["HTTPS"]:
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    if "Cache-Control" not in headers and response.mimetype == "text/html":
        headers["Cache-Control"] = "no-store" if request.path.startswith("/login") else "private, no-cache"
    return response


def _error_page(error):
    code = getattr(error, "code", 500) or 500
    message = getattr(error, "description", "Something went wrong.")
    if wants_json():
        return jsonify({"message": message, "errors": {}}), code
    return render("error.html", status=code, code=code, message=message)


# --- Hostile input and contention (edges) ------------------------------------------------------

#: Escapes, then strings, are dropped before the brackets are counted (all linear, in C).
_JSON_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_JSON_STRING = re.compile(rb'"[^"]*"')
#: Keep only brackets, objects' as arrays': nesting is all that is left to measure.
_ONLY_BRACKETS = bytes.maketrans(b"{}", b"[]"), bytes(set(range(256)) - set(b"[]{}"))
#: PostgreSQL SQLSTATEs meaning "try again": serialization failure, deadlock, lock not available.
_RETRYABLE_SQLSTATES = frozenset(("40001", "40P01", "55P03"))
RETRY_AFTER_SECONDS = 2


def wants_json() -> bool:
    """Return True for a client that sent JSON or asks for JSON only (the sync API, push opt-in)."""
    return request.is_json or request.accept_mimetypes.best == "application/json"


def nests_deeper_than(raw: bytes, max_depth: int) -> bool:
    """Return True when arrays and objects in a JSON text nest more than max_depth levels, or never close.

    Each round removes every innermost pair, so max_depth rounds empty any valid text nested no
    deeper. Brackets left over are too deep or unmatched; the parser would recurse into them too.
    """
    brackets = _JSON_STRING.sub(b"", _JSON_ESCAPE.sub(b"", raw)).translate(*_ONLY_BRACKETS)
    for _ in range(max_depth):
        if not brackets:
            return False
        brackets = brackets.replace(b"[]", b"")
    return bool(brackets)


def json_body(max_depth: int = 20):
    """Return the request's JSON body, None when there is none or it is not JSON; 400 when nested deeper than max_depth.

    Python's parser recurses once per level: 2,000 levels would end in a RecursionError (a 500).
    """
    raw = request.get_data(cache=True)
    if nests_deeper_than(raw, max_depth):
        abort(400, f"The JSON nests more than {max_depth} levels deep, or its brackets do not match.")
    return request.get_json(silent=True)


def _refuse_nul():
    """Refuse NUL anywhere in the path, query or form: no field of ours means it, and PostgreSQL
    text cannot hold it (a search or a token with NUL would fail in the database, a 500)."""
    if "\x00" in request.path:
        abort(404)
    # Only form bodies: touching request.form would read (and size-check) a JSON or file body early.
    forms = (request.form,) if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data") else ()
    for values in (request.args, *forms):
        if any("\x00" in key or "\x00" in value for key, value in values.items(multi=True)):
            abort(400, "Remove the NUL character (\\0) from the text.")


def _is_contention(error: OperationalError) -> bool:
    """Return True for a lock or serialization conflict that the same request may win on a retry."""
    sqlstate = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)  # psycopg 3, 2
    if sqlstate in _RETRYABLE_SQLSTATES:
        return True
    return "database is locked" in str(error.orig) or "database table is locked" in str(error.orig)


def _busy(error: OperationalError):
    """Answer lock contention with 503 + Retry-After (the phone and the browser retry), never a 500."""
    db.session.rollback()
    if not _is_contention(error):
        raise error
    message = "Callboard is busy saving other changes. Try again in a moment."
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if wants_json():
        return jsonify({"message": message, "errors": {}}), 503, headers
    body, status, vary = render("error.html", status=503, code=503, message=message)
    return body, status, {**vary, **headers}


def init_app(app: Flask) -> None:
    """Wire headers, template filters and error pages."""
    app.after_request(_security_headers)
    app.after_request(_vary_on_htmx)
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.jinja_env.filters["clock"] = format_clock
    app.jinja_env.filters["input_clock"] = input_clock
    app.jinja_env.globals["htmx_version"] = "2.0.11"
    for code in (400, 403, 404, 405, 409, 413, 422, 429):
        app.register_error_handler(code, _error_page)
    app.register_error_handler(OperationalError, _busy)
    app.before_request(_refuse_nul)
