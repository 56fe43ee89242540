"""One background worker per host inside the web server (the embedded default of push and mail).

Every gunicorn worker process starts a thread that waits for an exclusive lock on a file in
instance/; the one holding it runs the worker. When that process exits or dies the lock is
released and another process takes over within seconds. With several app hosts on PostgreSQL
each host runs one, and standalone `flask push worker` / `flask mail worker` processes can be
added for scale-out (set the worker's environment switch to `off` to run only those).
"""

import fcntl
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)
LOCK_RETRY_SECONDS = 5.0


class EmbeddedWorker:
    """A worker started in each gunicorn process, running in the one that holds its lock.

    `make(app)` builds the worker: it has `run(stop)` and, optionally, `close()`.
    """

    def __init__(self, name: str, switch: str, make: Callable):
        self.name, self.switch, self.make = name, switch, make
        self._stops: list[threading.Event] = []

    def start(self, app, lock_path: str | None = None, stop: threading.Event | None = None) -> threading.Event | None:
        """Start the worker thread unless its switch is off; return its stop event."""
        if os.environ.get(self.switch, "embedded").lower() in ("off", "0", "no"):
            return None
        stop = stop or threading.Event()
        path = Path(lock_path or Path(app.instance_path) / f"{self.name}-worker.lock")
        threading.Thread(target=self._serve, args=(app, path, stop), name=f"{self.name}-worker", daemon=True).start()
        return stop

    def _serve(self, app, path: Path, stop: threading.Event) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a") as lock:
            while not stop.is_set():
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:  # another process runs this worker
                    stop.wait(LOCK_RETRY_SECONDS)
                    continue
                log.info("%s worker running in process %s", self.name.capitalize(), os.getpid())
                worker = self.make(app)
                try:
                    worker.run(stop)
                finally:
                    if hasattr(worker, "close"):
                        worker.close()
                    fcntl.flock(lock, fcntl.LOCK_UN)

    def post_worker_init(self, worker) -> None:
        """gunicorn hook: start the embedded worker in this web worker process."""
        stop = self.start(worker.wsgi)
        if stop is not None:
            self._stops.append(stop)

    def worker_exit(self, _server, _worker) -> None:
        """gunicorn hook: let the worker finish its batch before the process exits."""
        for stop in self._stops:
            stop.set()
