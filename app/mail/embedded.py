"""The embedded default: one mail worker thread inside the web server processes.

Like the push worker (app/push/embedded.py): every gunicorn worker starts a thread that waits
for an exclusive lock on instance/mail-worker.lock, and the one holding it sends the outbox.
Set CALLBOARD_MAIL_WORKER=off to run only `flask mail worker` processes.
"""

import fcntl
import logging
import os
import threading
from pathlib import Path

log = logging.getLogger(__name__)
LOCK_RETRY_SECONDS = 5.0
_stops: list[threading.Event] = []


def start(app, lock_path: str | None = None, stop: threading.Event | None = None) -> threading.Event | None:
    """Start the embedded mail worker thread unless CALLBOARD_MAIL_WORKER=off; return its stop event."""
    if os.environ.get("CALLBOARD_MAIL_WORKER", "embedded").lower() in ("off", "0", "no"):
        return None
    stop = stop or threading.Event()
    path = Path(lock_path or Path(app.instance_path) / "mail-worker.lock")
    threading.Thread(target=_serve, args=(app, path, stop), name="mail-worker", daemon=True).start()
    return stop


def _serve(app, path: Path, stop: threading.Event) -> None:
    from app.mail.worker import MailWorker

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as lock:
        while not stop.is_set():
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # another process is the mail worker
                stop.wait(LOCK_RETRY_SECONDS)
                continue
            log.info("Mail worker running in process %s", os.getpid())
            try:
                MailWorker(app).run(stop)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def post_worker_init(worker) -> None:
    """gunicorn hook: start the embedded mail worker in this web worker process."""
    stop = start(worker.wsgi)
    if stop is not None:
        _stops.append(stop)


def worker_exit(_server, _worker) -> None:
    """gunicorn hook: let the mail worker finish its batch before the process exits."""
    for stop in _stops:
        stop.set()
