"""Serve a stored document version with headers that keep the browser safe."""

import unicodedata
from urllib.parse import quote

from flask import current_app, request
from werkzeug.wsgi import wrap_file

from app.documents import filetypes
from app.documents.models import DocumentVersion
from app.documents.storage import DocumentStore

# Shown in the browser (PDF, images) or saved: either way the response runs no script.
SANDBOX = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"
ATTACHMENT_CSP = "sandbox; default-src 'none'"


def content_disposition(disposition: str, filename: str) -> str:
    """Return an RFC 6266 Content-Disposition with an ASCII fallback and filename*."""
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join(c if c.isprintable() and c not in '"\\;' else "_" for c in ascii_name).strip() or "document"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def file_response(version: DocumentVersion, store: DocumentStore, as_attachment: bool):
    """Return the version's file: sniffed type, nosniff, private caching, a sandbox CSP."""
    kind = filetypes.BY_CONTENT_TYPE.get(version.content_type)
    inline = bool(kind and kind.inline) and not as_attachment
    name = filetypes.download_name(version.filename, kind) if kind else version.filename
    stream = store.open(version.storage_key)
    response = current_app.response_class(
        wrap_file(request.environ, stream),
        direct_passthrough=True,
        mimetype=kind.content_type if kind else "application/octet-stream",
    )
    response.content_length = version.size
    response.headers["Content-Disposition"] = content_disposition("inline" if inline else "attachment", name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Revalidate every time (the ETag makes that cheap): access is checked on each request.
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Content-Security-Policy"] = SANDBOX if inline else ATTACHMENT_CSP
    response.set_etag(version.sha256)
    return response.make_conditional(request.environ, accept_ranges=True, complete_length=version.size)
