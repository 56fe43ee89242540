"""The embedded default: one mail worker thread per host inside the web server (app/embedded.py).

Set CALLBOARD_MAIL_WORKER=off to run only `flask mail worker` processes.
gunicorn.conf.py calls `post_worker_init` and `worker_exit`.
"""

from app.embedded import EmbeddedWorker


def _mail_worker(app):
    from app.mail.worker import MailWorker

    return MailWorker(app)


embedded = EmbeddedWorker("mail", "CALLBOARD_MAIL_WORKER", _mail_worker)
start, post_worker_init, worker_exit = embedded.start, embedded.post_worker_init, embedded.worker_exit
