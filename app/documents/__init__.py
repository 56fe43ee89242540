"""Production paperwork: documents, their versions and who may see them."""

import os


def init_app(app):
    from app.documents import models  # noqa: F401  (register tables)
    from app.documents.routes import bp

    # The global MAX_CONTENT_LENGTH (2 MB) stays; the upload routes raise it to this plus the form.
    app.config.setdefault("DOCUMENT_MAX_BYTES", int(os.environ.get("DOCUMENT_MAX_BYTES") or 25 * 1024 * 1024))
    # What a phone keeps of the "needed on location" papers for its next calls, in all.
    app.config.setdefault(
        "DOCUMENT_OFFLINE_MAX_BYTES", int(os.environ.get("DOCUMENT_OFFLINE_MAX_BYTES") or 50 * 1024 * 1024)
    )
    # None keeps files under instance/documents/.
    app.config.setdefault("DOCUMENT_STORAGE_DIR", os.environ.get("DOCUMENT_STORAGE_DIR"))
    app.register_blueprint(bp)
