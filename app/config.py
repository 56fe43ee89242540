"""Configuration: safe local defaults; secrets only from the environment or instance/."""

import os
import secrets
from pathlib import Path


def _instance_secret(instance_path: str) -> str:
    """Return the secret key kept in instance/, creating it on first run."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def load_config(app, overrides: dict | None = None) -> None:
    """Fill app.config from defaults, the environment and the test overrides."""
    instance = app.instance_path
    Path(instance).mkdir(parents=True, exist_ok=True)
    app.config.update(
        SQLALCHEMY_DATABASE_URI=os.environ.get("DATABASE_URL") or f"sqlite:///{Path(instance) / 'callboard.sqlite3'}",
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
        # How long a SQLite writer waits for another's lock before the request answers 503.
        SQLITE_BUSY_TIMEOUT_MS=int(os.environ.get("CALLBOARD_SQLITE_BUSY_TIMEOUT_MS", "5000")),
        # Served over https (directly or behind a proxy): Secure __Host- cookie, HSTS.
        HTTPS=os.environ.get("CALLBOARD_HTTPS") == "1",
        # How many reverse proxies in front set X-Forwarded-For/-Proto/-Host (0: none).
        TRUSTED_PROXIES=int(os.environ.get("CALLBOARD_TRUSTED_PROXIES", "0")),
        # Where crew reach this site, for links that leave it (emails): https://callboard.example.com
        PUBLIC_URL=(os.environ.get("CALLBOARD_PUBLIC_URL") or "").rstrip("/"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=False,
        WTF_CSRF_TIME_LIMIT=None,  # bound to the server-side session instead
        WTF_CSRF_HEADERS=["X-CSRFToken"],
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        CSV_IMPORT_MAX_BYTES=1024 * 1024,
        # Offline sync (sync/PROTOCOL.md): caps on a batch and on one operation, how deep its
        # JSON may nest, how far a phone's clock may be off, and how old a tap may still count.
        SYNC_MAX_BATCH_BYTES=int(os.environ.get("SYNC_MAX_BATCH_BYTES", 1024 * 1024)),
        SYNC_MAX_OP_BYTES=int(os.environ.get("SYNC_MAX_OP_BYTES", 32 * 1024)),
        SYNC_MAX_DEPTH=20,
        SYNC_CLOCK_MAX_SKEW_DAYS=366,
        SYNC_TAP_MAX_AGE_DAYS=30,
        SYNC_WRITE_BUDGET_MS=50,  # a batch commits whenever its write transaction is this old,
        SYNC_WRITE_PAUSE_MS=25,  # then leaves the write lock to others this long
        # A check-in further ahead of the person's published call than this asks "Are you sure?"
        # on the phone and is stored flagged (a wrap before the check-in or the call, too).
        CHECKIN_EARLY_WINDOW_MINUTES=int(os.environ.get("CALLBOARD_CHECKIN_EARLY_WINDOW_MINUTES", 180)),
        COMPRESS_MIMETYPES=[
            "text/html",
            "text/css",
            "application/javascript",
            "text/javascript",
            "application/json",
            "text/calendar",
            "image/svg+xml",
        ],
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_MIN_SIZE=500,
        LOGIN_ATTEMPTS_PER_MINUTE=5,
        INVITE_TTL_HOURS=72,
        SESSION_IDLE_DAYS=30,
        PASSWORD_HASH_PARAMS={"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1},
    )
    if overrides:
        app.config.update(overrides)
    if app.config["HTTPS"]:
        # __Host-: only ever sent over https, to this host, for the whole site.
        app.config.update(
            SESSION_COOKIE_SECURE=True,
            SESSION_COOKIE_NAME="__Host-callboard",
            SESSION_COOKIE_DOMAIN=None,
            SESSION_COOKIE_PATH="/",
            PREFERRED_URL_SCHEME="https",
        )
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY") or _instance_secret(instance)
