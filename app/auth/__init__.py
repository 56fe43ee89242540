"""Accounts, sessions, invites, memberships and permissions."""


def init_app(app):
    from app.auth import models  # noqa: F401  (register tables)
    from app.auth.routes import bp, load_signed_in_user

    app.before_request(load_signed_in_user)
    app.register_blueprint(bp)
