"""The embedded default: one push worker thread inside the web server processes.

Every gunicorn worker starts a thread that waits for an exclusive lock on
instance/push-worker.lock; the one holding it runs the outbox worker. When that process
exits or dies the lock is released and another process takes over within seconds. With
several app hosts on PostgreSQL each host runs one, and `flask push worker` processes can
be added for scale-out (set CALLBOARD_PUSH_WORKER=off to run only those).

gunicorn.conf.py:  from app.push.embedded import post_worker_init, worker_exit  # noqa: F401
"""

import fcntl
import logging
import os
import threading
from pathlib import Path

log = logging.getLogger(__name__)
LOCK_RETRY_SECONDS = 5.0


def start(app, lock_path: str | None = None, stop: threading.Event | None = None) -> threading.Event | None:
    """Start the embedded worker thread unless CALLBOARD_PUSH_WORKER=off; return its stop event."""
    if os.environ.get("CALLBOARD_PUSH_WORKER", "embedded").lower() in ("off", "0", "no"):
        return None
    stop = stop or threading.Event()
    path = Path(lock_path or Path(app.instance_path) / "push-worker.lock")
    thread = threading.Thread(target=_serve, args=(app, path, stop), name="push-worker", daemon=True)
    thread.start()
    return stop


def _serve(app, path: Path, stop: threading.Event) -> None:
    from app.push.worker import PushWorker

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as lock:
        while not stop.is_set():
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # another process is the push worker
                stop.wait(LOCK_RETRY_SECONDS)
                continue
            log.info("Push worker running in process %s", os.getpid())
            worker = PushWorker(app)
            try:
                worker.run(stop)
            finally:
                worker.close()
                fcntl.flock(lock, fcntl.LOCK_UN)


_stops: list[threading.Event] = []


def post_worker_init(worker) -> None:
    """gunicorn hook: start the embedded push worker in this web worker process."""
    stop = start(worker.wsgi)
    if stop is not None:
        _stops.append(stop)


def worker_exit(_server, _worker) -> None:
    """gunicorn hook: let the push worker finish its batch before the process exits."""
    for stop in _stops:
        stop.set()
