"""Email: an outbox written inside the caller's transaction, and workers that send it by SMTP.

A leaf package: it knows addresses, subjects and bodies, never people's roles or call sheets.
Callers enqueue (`app.mail.outbox.enqueue`) inside their own transaction; a worker (embedded in
the web server, or `flask mail worker`) sends what is due over one SMTP connection per batch.
With no MAIL_URL nothing leaves the machine: the worker files each message in the local
mailbox, which the office reads in the app ("Mail that would have been sent").
"""

import os

from app.mail.transport import parse_mail_url

DEFAULT_FROM = "Callboard <callboard@callboard.example.com>"


def _defaults() -> dict:
    env = os.environ
    return dict(
        MAIL_URL=env.get("MAIL_URL") or None,
        MAIL_FROM=env.get("MAIL_FROM") or DEFAULT_FROM,
        MAIL_BATCH_SIZE=100,
        MAIL_TIMEOUT_SECONDS=20.0,
        MAIL_LEASE_SECONDS=600,
        MAIL_RETRY_BASE_SECONDS=30.0,
        MAIL_RETRY_MAX_SECONDS=3600.0,
        MAIL_TTL_HOURS=72,
        MAIL_POLL_SECONDS=2.0,
    )


def init_app(app):
    from app.mail import models  # noqa: F401  (register tables)
    from app.mail.cli import mail_cli

    for key, value in _defaults().items():
        app.config.setdefault(key, value)
    parse_mail_url(app.config["MAIL_URL"])  # fail at start-up, not at the first invite
    app.cli.add_command(mail_cli)
