"""Call sheet drafts, published revisions, per-person changes and acknowledgements."""


def init_app(app):
    from app.callsheets import models  # noqa: F401  (register tables)
    from app.callsheets.routes import bp

    app.register_blueprint(bp)
