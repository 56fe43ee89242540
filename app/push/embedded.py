"""The embedded default: one push worker thread per host inside the web server (app/embedded.py).

Set CALLBOARD_PUSH_WORKER=off to run only `flask push worker` processes.
gunicorn.conf.py calls `post_worker_init` and `worker_exit`.
"""

from app.embedded import EmbeddedWorker


def _push_worker(app):
    from app.push.worker import PushWorker

    return PushWorker(app)


embedded = EmbeddedWorker("push", "CALLBOARD_PUSH_WORKER", _push_worker)
start, post_worker_init, worker_exit = embedded.start, embedded.post_worker_init, embedded.worker_exit
