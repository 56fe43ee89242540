"""gunicorn settings for `make run`; override with GUNICORN_CMD_ARGS."""
import os

bind = os.environ.get("CALLBOARD_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("CALLBOARD_WORKERS", "2"))
threads = 4
timeout = 30
accesslog = "-"
