"""`flask push …`: run a standalone worker, rotate the VAPID keys, show the public key."""

import signal
import threading

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.push import keys
from app.push.models import PushSubscription

push_cli = AppGroup("push", help="Web Push: workers and keys.")


@push_cli.command("worker")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
@click.option("--batch-size", type=int, default=None, help="Deliveries claimed per batch.")
@click.option("--concurrency", type=int, default=None, help="Pushes in flight at once.")
def worker_command(once, batch_size, concurrency):
    """Deliver the push outbox until stopped (run several on PostgreSQL to scale out)."""
    from app.push.worker import PushWorker

    app = current_app._get_current_object()
    worker = PushWorker(app, batch_size=batch_size, concurrency=concurrency)
    try:
        if once:
            report = worker.drain()
            click.echo(
                f"claimed {report.claimed}, sent {report.sent}, retrying {report.retrying}, "
                f"failed {report.failed}, dead {report.dead}"
            )
            return
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        click.echo(f"Push worker running against {db.engine.url.render_as_string()}", err=True)
        worker.run(stop)
    finally:
        worker.close()


@push_cli.command("rotate-keys")
def rotate_keys_command():
    """Replace the VAPID key pair; every device then subscribes again on its next visit."""
    try:
        public = keys.rotate()
    except keys.KeysFromEnvironment as refused:
        raise click.ClickException(str(refused)) from None
    stale = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(PushSubscription)
        .where(PushSubscription.vapid_key_id != keys.key_id_of(public))
    )
    click.echo(f"New public key: {public}")
    click.echo(
        f"{stale} device subscription(s) were made with the old key. Pushes to them stop; "
        "each device subscribes again by itself the next time Callboard is opened on it."
    )


@push_cli.command("prune")
@click.option("--days", type=int, default=30, show_default=True, help="Keep finished rows this long.")
def prune_command(days):
    """Delete delivered, failed and dead outbox rows older than --days (the feed stays)."""
    from datetime import timedelta

    from app.push.service import prune

    removed = prune(timedelta(days=days))
    db.session.commit()
    click.echo(f"Removed {removed} finished deliveries older than {days} days.")


@push_cli.command("public-key")
def public_key_command():
    """Print the application-server key (base64url)."""
    click.echo(keys.public_key())
