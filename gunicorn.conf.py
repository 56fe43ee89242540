"""gunicorn settings for `make run`; override with GUNICORN_CMD_ARGS."""

import os

bind = os.environ.get("CALLBOARD_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("CALLBOARD_WORKERS", "2"))
threads = 4
timeout = 30
accesslog = "-"

# The push outbox worker runs inside the web server by default (one of the workers holds a
# file lock in instance/ and sends); CALLBOARD_PUSH_WORKER=off for standalone `flask push worker`.
from app.push.embedded import post_worker_init, worker_exit  # noqa: E402,F401
