"""`flask mail …`: run a standalone mail worker."""

import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup

mail_cli = AppGroup("mail", help="Email: the outbox worker.")


@mail_cli.command("worker")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
@click.option("--batch-size", type=int, default=None, help="Messages sent per SMTP connection.")
def worker_command(once, batch_size):
    """Send the mail outbox until stopped (or with no MAIL_URL, file it in the local mailbox)."""
    from app.mail.worker import MailWorker

    worker = MailWorker(current_app._get_current_object(), batch_size=batch_size)
    if once:
        report = worker.drain()
        click.echo(
            f"claimed {report.claimed}, sent {report.sent}, kept locally {report.kept}, "
            f"retrying {report.retrying}, failed {report.failed}"
        )
        return
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    click.echo("Mail worker running" + ("" if worker.server else " (no MAIL_URL: local mailbox)"), err=True)
    worker.run(stop)
