"""Outbox workers: claim due deliveries, send them, record what each push service said.

Several workers may share the outbox on PostgreSQL: claims use `FOR UPDATE SKIP LOCKED`
and a lease (`claimed_until`), so no row is sent by two workers and a crashed worker's
rows are claimed again once its lease runs out. On SQLite run one worker. The pause of a
push service that keeps failing (app/push/pause.py) is kept in the database, so one
worker's trip holds every worker off that service.
"""

import logging
import random
import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.push import keys
from app.push.models import DEAD, FAILED, PENDING, SENT, PushDelivery, PushSubscription
from app.push.origins import EndpointRefused, check_endpoint
from app.push.pause import ServicePause
from app.push.payload import MAX_PLAINTEXT, SHRUNK_PLAINTEXT, PayloadTooLarge, build_payload
from app.push.sender import CONNECT_TIMEOUT_SECONDS, Outcome, Outgoing, PushSender
from app.push.subscriptions import allowed_origins
from app.timeutil import as_utc, utcnow

log = logging.getLogger(__name__)
DELIVERED = (200, 201, 202)
GONE = (404, 410)
MAX_TTL = 28 * 24 * 3600  # push services keep a message four weeks at most


@dataclass
class BatchReport:
    """What one pass over the outbox did."""

    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    dead: int = 0
    lost_claims: int = 0

    def __iadd__(self, other: "BatchReport") -> "BatchReport":
        for counter in fields(self):
            setattr(self, counter.name, getattr(self, counter.name) + getattr(other, counter.name))
        return self


@dataclass
class _Health:
    """What one batch said about each push service, for the shared pause."""

    failed: Counter = field(default_factory=Counter)
    succeeded: set = field(default_factory=set)


class PushWorker:
    """Claim due deliveries in small batches and send them with bounded concurrency."""

    def __init__(
        self, app, batch_size: int | None = None, concurrency: int | None = None, clock=utcnow, rng=random.random
    ):
        config = app.config
        self.app, self.clock, self.rng = app, clock, rng
        self.batch_size = batch_size or config["PUSH_BATCH_SIZE"]
        concurrency = concurrency or config["PUSH_CONCURRENCY"]
        # The lease must outlast the slowest batch: every round of sends timing out.
        rounds = -(-self.batch_size // concurrency)
        slowest = rounds * (config["PUSH_TIMEOUT_SECONDS"] + CONNECT_TIMEOUT_SECONDS) + 30
        self.lease = timedelta(seconds=max(config["PUSH_LEASE_SECONDS"], slowest))
        self.retry_base, self.retry_max = config["PUSH_RETRY_BASE_SECONDS"], config["PUSH_RETRY_MAX_SECONDS"]
        self.pause = ServicePause(
            config["PUSH_PAUSE_AFTER_FAILURES"], config["PUSH_PAUSE_SECONDS"], config["PUSH_PAUSE_MAX_SECONDS"]
        )
        with app.app_context():
            vapid = keys.vapid_key()
        self.sender = PushSender(
            vapid, config["VAPID_SUBJECT"], concurrency, config["PUSH_TIMEOUT_SECONDS"], CONNECT_TIMEOUT_SECONDS
        )

    def run_once(self, now: datetime | None = None) -> BatchReport:
        """Claim one batch, send it, record the outcomes."""
        now = now or self.clock()
        report = BatchReport()
        token, pushes = self._claim(now, report)
        if pushes:
            self._record(token, self.sender.send_all(pushes), now, report)
        return report

    def drain(self, now: datetime | None = None, max_batches: int = 10_000) -> BatchReport:
        """Run batches until nothing is due at `now`; return the totals."""
        total = BatchReport()
        for _ in range(max_batches):
            report = self.run_once(now)
            total += report
            if report.claimed == 0:
                break
        return total

    def run(self, stop: threading.Event, poll_seconds: float | None = None) -> None:
        """Work until `stop` is set, polling the outbox when it is empty."""
        poll = poll_seconds or self.app.config["PUSH_POLL_SECONDS"]
        while not stop.is_set():
            try:
                report = self.run_once()
            except Exception:  # the database may be away; claims expire, nothing is lost
                log.exception("Push worker pass failed; retrying")
                stop.wait(poll)
                continue
            if report.claimed < self.batch_size:
                stop.wait(poll)

    def close(self) -> None:
        self.sender.close()

    def _claim(self, now: datetime, report: BatchReport) -> tuple[str, list[Outgoing]]:
        token = uuid.uuid4().hex
        with self.app.app_context():
            self.sender.vapid = keys.vapid_key()  # a rotation takes effect on the next batch
            self.key_id = keys.current_key_id()
            query = sa.select(PushDelivery.id).where(
                PushDelivery.state == PENDING,
                PushDelivery.next_attempt_at <= now,
                sa.or_(PushDelivery.claimed_until.is_(None), PushDelivery.claimed_until < now),
            )
            paused = self.pause.paused(now)
            if paused:
                query = query.where(PushDelivery.push_service.not_in(paused))
            ids = db.session.scalars(
                query.order_by(PushDelivery.next_attempt_at, PushDelivery.id)
                .limit(self.batch_size)
                .with_for_update(skip_locked=True)
            ).all()
            if not ids:
                db.session.rollback()
                return token, []
            db.session.execute(
                sa.update(PushDelivery)
                .where(PushDelivery.id.in_(ids))
                .values(claimed_until=now + self.lease, claim_token=token, attempts=PushDelivery.attempts + 1),
                execution_options={"synchronize_session": False},
            )
            rows = db.session.scalars(
                sa.select(PushDelivery)
                .where(PushDelivery.id.in_(ids))
                .options(joinedload(PushDelivery.notification), joinedload(PushDelivery.subscription))
            ).all()
            report.claimed = len(rows)
            pushes = [push for push in (self._outgoing(row, now, report) for row in rows) if push]
            db.session.commit()
        return token, pushes

    def _outgoing(self, row: PushDelivery, now: datetime, report: BatchReport) -> Outgoing | None:
        subscription, notification = row.subscription, row.notification
        problem = ""
        if as_utc(row.expires_at) <= now:
            problem = "The message expired before it could be delivered."
        elif subscription is None:
            problem = "The device was removed."
        elif subscription.vapid_key_id != self.key_id:
            problem = "The device must subscribe again (the push keys were rotated)."
        else:
            try:
                check_endpoint(subscription.endpoint, allowed_origins())
                payload = build_payload(
                    notification.id,
                    notification.title,
                    notification.body,
                    notification.url,
                    notification.tag,
                    SHRUNK_PLAINTEXT if row.shrunk else MAX_PLAINTEXT,
                )
            except (EndpointRefused, PayloadTooLarge) as refused:
                problem = str(refused)
        if problem:
            self._finish(row, FAILED, problem, report)
            return None
        return Outgoing(
            row.id,
            subscription.endpoint,
            subscription.p256dh,
            subscription.auth,
            payload,
            min(MAX_TTL, int((as_utc(row.expires_at) - now).total_seconds())),
            notification.urgency,
            notification.topic,
        )

    def _record(self, token: str, outcomes: list[Outcome], now: datetime, report: BatchReport) -> None:
        with self.app.app_context():
            rows = {
                row.id: row
                for row in db.session.scalars(
                    sa.select(PushDelivery)
                    .where(PushDelivery.id.in_([o.delivery_id for o in outcomes]), PushDelivery.claim_token == token)
                    .options(joinedload(PushDelivery.subscription))
                )
            }
            gone, health = set(), _Health()
            for outcome in outcomes:
                row = rows.get(outcome.delivery_id)
                if row is None:  # our lease ran out and another worker took the row
                    report.lost_claims += 1
                    continue
                self._apply(row, outcome, now, report, gone, health)
            if health.failed or health.succeeded:  # shared with every worker, in the same commit
                self.pause.record(now, health.failed, health.succeeded)
            if gone:
                db.session.execute(
                    sa.update(PushDelivery)
                    .where(
                        PushDelivery.subscription_id.in_(gone),
                        PushDelivery.state == PENDING,
                        PushDelivery.claim_token.is_(None),
                    )
                    .values(state=DEAD, last_error="The device's subscription has expired."),
                    execution_options={"synchronize_session": False},
                )
                db.session.execute(
                    sa.delete(PushSubscription).where(PushSubscription.id.in_(gone)),
                    execution_options={"synchronize_session": False},
                )
            db.session.commit()

    def _apply(
        self, row: PushDelivery, outcome: Outcome, now: datetime, report: BatchReport, gone: set[int], health: "_Health"
    ) -> None:
        status = row.last_status = outcome.status
        if status in DELIVERED:
            row.sent_at = now
            if row.subscription is not None:
                row.subscription.last_success_at = now
            health.succeeded.add(row.push_service)
            self._finish(row, SENT, "", report)
        elif status in GONE:
            gone.add(row.subscription_id)
            self._finish(row, DEAD, f"The device's subscription has expired ({status}).", report)
        elif status == 413 and not row.shrunk:
            row.shrunk = True  # send again at once with a shorter body
            self._release(row, now, "413 Payload Too Large: shortening the message.", report)
        elif status == 413:
            self._finish(row, FAILED, "Too large for the push service even when shortened.", report)
        elif outcome.permanent:
            self._finish(row, FAILED, outcome.error, report)
        elif status is None or status == 429 or status >= 500:
            health.failed[row.push_service] += 1
            self._retry(row, outcome, now, report)
        elif 300 <= status < 400:
            self._finish(row, FAILED, f"The push service redirected ({status}); redirects are not followed.", report)
        else:
            self._finish(row, FAILED, f"The push service refused the message ({outcome.error}).", report)

    def _retry(self, row: PushDelivery, outcome: Outcome, now: datetime, report: BatchReport) -> None:
        delay = outcome.retry_after
        if delay is None:
            ceiling = min(self.retry_max, self.retry_base * 2 ** max(0, row.attempts - 1))
            delay = ceiling / 2 + self.rng() * ceiling / 2  # exponential backoff, equal jitter
        when = now + timedelta(seconds=delay)
        error = outcome.error or f"HTTP {outcome.status}"
        if when >= as_utc(row.expires_at):
            self._finish(row, FAILED, f"Expired after {row.attempts} attempts; last: {error}"[:300], report)
            return
        self._release(row, when, error, report)

    @staticmethod
    def _release(row: PushDelivery, when: datetime, error: str, report: BatchReport) -> None:
        row.next_attempt_at, row.last_error = when, error[:300]
        row.claimed_until = row.claim_token = None
        report.retrying += 1

    @staticmethod
    def _finish(row: PushDelivery, state: str, error: str, report: BatchReport) -> None:
        row.state, row.last_error = state, error[:300]
        row.claimed_until = row.claim_token = None
        counter = {SENT: "sent", FAILED: "failed", DEAD: "dead"}[state]
        setattr(report, counter, getattr(report, counter) + 1)
