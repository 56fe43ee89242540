"""Web Push and the in-app feed: subscriptions, an outbox, delivery workers.

A leaf package: it knows people and users, never call sheets. Callers enqueue messages
(`app.push.service.enqueue`) inside their own transaction; workers deliver them.
"""

import os

from app.push.origins import DEFAULT_ALLOWED_ORIGINS, parse_origins

DEFAULT_SUBJECT = "mailto:production-office@callboard.example.com"


def _defaults() -> dict:
    env = os.environ
    return dict(
        VAPID_SUBJECT=env.get("VAPID_SUBJECT") or DEFAULT_SUBJECT,
        VAPID_PRIVATE_KEY=env.get("VAPID_PRIVATE_KEY"),  # else generated into instance/
        VAPID_PUBLIC_KEY=env.get("VAPID_PUBLIC_KEY"),
        VAPID_KEY_FILE=None,  # default instance/vapid_private_key.pem
        PUSH_ALLOWED_ORIGINS=env.get("PUSH_ALLOWED_ORIGINS") or ",".join(DEFAULT_ALLOWED_ORIGINS),
        PUSH_DEFAULT_TTL_HOURS=24,
        PUSH_HIGH_URGENCY_HOURS=24,
        PUSH_BATCH_SIZE=128,  # four rounds of PUSH_CONCURRENCY
        PUSH_CONCURRENCY=32,
        PUSH_TIMEOUT_SECONDS=10.0,
        PUSH_LEASE_SECONDS=120,
        PUSH_RETRY_BASE_SECONDS=5.0,
        PUSH_RETRY_MAX_SECONDS=900.0,
        PUSH_PAUSE_AFTER_FAILURES=5,
        PUSH_PAUSE_SECONDS=30.0,
        PUSH_PAUSE_MAX_SECONDS=600.0,
        PUSH_POLL_SECONDS=1.0,
    )


def check_subject(subject: str) -> None:
    """Refuse a VAPID subject that push services reject (Apple refuses @localhost)."""
    if not (subject.startswith("mailto:") and "@" in subject or subject.startswith("https://")) or subject.rstrip(
        "/"
    ).endswith(("@localhost", "//localhost")):
        raise ValueError(f"VAPID_SUBJECT {subject!r}: use a real-looking mailto: or https: URL.")


def init_app(app):
    from app.push import models  # noqa: F401  (register tables)
    from app.push.cli import push_cli
    from app.push.routes import bp

    for key, value in _defaults().items():
        app.config.setdefault(key, value)
    check_subject(app.config["VAPID_SUBJECT"])
    parse_origins(app.config["PUSH_ALLOWED_ORIGINS"])  # fail at start-up, not at the first push
    app.register_blueprint(bp)
    app.cli.add_command(push_cli)
