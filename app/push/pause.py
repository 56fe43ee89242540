"""A circuit breaker per push service: after repeated failures, stop sending to it a while.

The state lives in the database (push_service_pauses), so one worker's trip pauses every
worker sharing the outbox, in this process or another, on PostgreSQL or SQLite. Every method
works in the caller's transaction and never commits: the worker records a batch's outcomes
and the breaker's new state in one commit.

Concurrency: a failure count is raised with one atomic UPDATE, which also takes the row's
lock until the caller commits (PostgreSQL row lock; SQLite has a single writer), so two
workers failing at once neither lose a count nor both trip the pause.
"""

import logging
from collections import Counter
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.push.models import PushServicePause

log = logging.getLogger(__name__)


def _insert_missing(service: str, now: datetime) -> None:
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover  (Callboard runs on PostgreSQL and SQLite)
        raise RuntimeError(f"No shared push pause for the {dialect} database.")
    db.session.execute(
        insert(PushServicePause)
        .values(push_service=service, failures=0, trips=0, updated_at=now)
        .on_conflict_do_nothing()
    )


class ServicePause:
    """A circuit breaker per push service, shared through the database."""

    def __init__(self, threshold: int, seconds: float, max_seconds: float):
        self.threshold, self.seconds, self.max_seconds = threshold, seconds, max_seconds

    def paused(self, now: datetime) -> set[str]:
        """Return the push services not to send to now."""
        return set(
            db.session.scalars(sa.select(PushServicePause.push_service).where(PushServicePause.paused_until > now))
        )

    def record(self, now: datetime, failed: Counter | dict, succeeded=()) -> set[str]:
        """Record a batch's outcomes per push service; return the services paused by it.

        A service that delivered anything in the batch is healthy: its count and pauses are
        cleared. Failures of a service already paused (answers sent before the pause began)
        do not lengthen the pause.
        """
        succeeded, tripped = set(succeeded), set()
        # One service at a time in a fixed order, so two workers never wait on each other's rows.
        for service in sorted(set(failed) | succeeded):
            if service in succeeded:
                db.session.execute(
                    sa.delete(PushServicePause).where(PushServicePause.push_service == service),
                    execution_options={"synchronize_session": False},
                )
            elif self._failed(service, failed[service], now):
                tripped.add(service)
        return tripped

    def _failed(self, service: str, count: int, now: datetime) -> bool:
        _insert_missing(service, now)
        not_paused = sa.or_(PushServicePause.paused_until.is_(None), PushServicePause.paused_until <= now)
        raised = db.session.execute(
            sa.update(PushServicePause)
            .where(PushServicePause.push_service == service, not_paused)
            .values(failures=PushServicePause.failures + count, updated_at=now)
            .returning(PushServicePause.failures, PushServicePause.trips),
            execution_options={"synchronize_session": False},
        ).one_or_none()
        if raised is None or raised.failures < self.threshold:
            return False
        pause = min(self.max_seconds, self.seconds * 2**raised.trips)
        db.session.execute(
            sa.update(PushServicePause)
            .where(PushServicePause.push_service == service)
            .values(paused_until=now + timedelta(seconds=pause), trips=raised.trips + 1, failures=0, updated_at=now),
            execution_options={"synchronize_session": False},
        )
        log.warning("Pausing pushes to %s for %.0f s after repeated failures", service, pause)
        return True

    def state(self, service: str) -> PushServicePause | None:
        """Return the breaker's row for a service (None: healthy, never failed since its last success)."""
        return db.session.get(PushServicePause, service)
