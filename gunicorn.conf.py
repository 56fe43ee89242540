"""gunicorn settings for `make run`; override with GUNICORN_CMD_ARGS."""

import os

from app.mail import embedded as mail_worker
from app.push import embedded as push_worker

bind = os.environ.get("CALLBOARD_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("CALLBOARD_WORKERS", "2"))
threads = 4
timeout = 30
accesslog = "-"


# The push and mail outbox workers run inside the web server by default (one worker process
# holds each file lock in instance/ and sends); CALLBOARD_PUSH_WORKER=off and
# CALLBOARD_MAIL_WORKER=off for standalone `flask push worker` / `flask mail worker`.
def post_worker_init(worker):
    push_worker.post_worker_init(worker)
    mail_worker.post_worker_init(worker)


def worker_exit(server, worker):
    push_worker.worker_exit(server, worker)
    mail_worker.worker_exit(server, worker)
