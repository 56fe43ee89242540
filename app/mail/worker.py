"""Mail workers: claim due messages, send a batch over one SMTP connection, record each outcome.

Claims use `FOR UPDATE SKIP LOCKED` and a lease like the push outbox, so two workers never
take the same row and a dead worker's rows are taken again once its lease runs out. Each
message's outcome is committed as soon as the server has answered for it, so a crash later
in the batch does not send it again. 4xx answers and a server that is down or drops the
connection are retried with backoff until the message expires; 5xx refusals fail it at once.
"""

import contextlib
import logging
import random
import smtplib
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.mail.models import FAILED, KEPT, PENDING, SENT, MailMessage
from app.mail.transport import build_message, connect, envelope_sender, parse_mail_url
from app.timeutil import as_utc, utcnow

log = logging.getLogger(__name__)


@dataclass
class MailReport:
    """What one pass over the outbox did."""

    claimed: int = 0
    sent: int = 0
    kept: int = 0
    retrying: int = 0
    failed: int = 0


class MailWorker:
    """Send the mail outbox in batches, one SMTP connection per batch."""

    def __init__(self, app, batch_size: int | None = None, clock=utcnow, rng=random.random):
        config = app.config
        self.app, self.clock, self.rng = app, clock, rng
        self.server = parse_mail_url(config["MAIL_URL"])
        self.mail_from = config["MAIL_FROM"]
        self.batch_size = batch_size or config["MAIL_BATCH_SIZE"]
        self.timeout = config["MAIL_TIMEOUT_SECONDS"]
        self.lease = timedelta(seconds=max(config["MAIL_LEASE_SECONDS"], self.batch_size * self.timeout / 4))
        self.retry_base, self.retry_max = config["MAIL_RETRY_BASE_SECONDS"], config["MAIL_RETRY_MAX_SECONDS"]
        self.connections = 0  # SMTP connections opened, for the tests and the bench

    def run_once(self, now: datetime | None = None) -> MailReport:
        """Claim one batch and send it (or file it in the local mailbox); record every outcome."""
        now = now or self.clock()
        report = MailReport()
        with self.app.app_context():
            rows = self._claim(now)
            report.claimed = len(rows)
            if rows:
                self._deliver(rows, now, report)
        return report

    def drain(self, now: datetime | None = None, max_batches: int = 10_000) -> MailReport:
        """Run batches until nothing is due at `now`; return the totals."""
        total = MailReport()
        for _ in range(max_batches):
            report = self.run_once(now)
            for name in vars(total):
                setattr(total, name, getattr(total, name) + getattr(report, name))
            if report.claimed == 0:
                break
        return total

    def run(self, stop: threading.Event, poll_seconds: float | None = None) -> None:
        """Work until `stop` is set, polling the outbox when it is empty."""
        poll = poll_seconds or self.app.config["MAIL_POLL_SECONDS"]
        while not stop.is_set():
            try:
                report = self.run_once()
            except Exception:  # the database may be away; leases expire, nothing is lost
                log.exception("Mail worker pass failed; retrying")
                report = MailReport()
            if report.claimed < self.batch_size:
                stop.wait(poll)

    def _claim(self, now: datetime) -> list[MailMessage]:
        token = uuid.uuid4().hex
        ids = db.session.scalars(
            sa.select(MailMessage.id)
            .where(
                MailMessage.state == PENDING,
                MailMessage.next_attempt_at <= now,
                sa.or_(MailMessage.claimed_until.is_(None), MailMessage.claimed_until < now),
            )
            .order_by(MailMessage.next_attempt_at, MailMessage.id)
            .limit(self.batch_size)
            .with_for_update(skip_locked=True)
        ).all()
        if not ids:
            db.session.rollback()
            return []
        db.session.execute(
            sa.update(MailMessage)
            .where(MailMessage.id.in_(ids))
            .values(claimed_until=now + self.lease, claim_token=token, attempts=MailMessage.attempts + 1),
            execution_options={"synchronize_session": False},
        )
        db.session.commit()
        return list(
            db.session.scalars(
                sa.select(MailMessage)
                .where(MailMessage.id.in_(ids), MailMessage.claim_token == token)
                .order_by(MailMessage.id)
            )
        )

    def _deliver(self, rows: list[MailMessage], now: datetime, report: MailReport) -> None:
        if self.server is None:  # the local mailbox: nothing leaves the machine
            for row in rows:
                self._finish(row, KEPT, now, "", report)
            db.session.commit()
            return
        try:
            smtp = connect(self.server, self.timeout)
            self.connections += 1
        except (OSError, smtplib.SMTPException) as error:
            for row in rows:
                self._retry(row, now, f"Could not reach the mail server: {_describe(error)}", report)
            db.session.commit()
            return
        # Stop well before the lease runs out: after it, another worker may take these rows.
        stop_at = time.monotonic() + self.lease.total_seconds() - 2 * self.timeout
        try:
            for index, row in enumerate(rows):
                if time.monotonic() >= stop_at:
                    self._unclaim(rows[index:])
                    return
                if not self._send_one(smtp, row, now, report):
                    # The connection is gone: what was not tried goes back for the next batch,
                    # which connects again.
                    self._unclaim(rows[index + 1 :])
                    return
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()

    def _send_one(self, smtp, row: MailMessage, now: datetime, report: MailReport) -> bool:
        """Send one row and commit its outcome; return False when the connection is lost."""
        alive = True
        try:
            smtp.send_message(
                build_message(row, self.mail_from, now), envelope_sender(self.mail_from), [row.to_address]
            )
        except smtplib.SMTPRecipientsRefused as refused:
            code, text = next(iter(refused.recipients.values()))
            self._answer(row, code, text, now, report)
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as refused:
            self._answer(row, refused.smtp_code, refused.smtp_error, now, report)
            _reset(smtp)
        except (OSError, smtplib.SMTPException) as error:  # disconnected, timed out
            self._retry(row, now, f"The mail server did not answer: {_describe(error)}", report)
            alive = False
        else:
            self._finish(row, SENT, now, "", report)
        db.session.commit()
        return alive

    @staticmethod
    def _unclaim(rows: list[MailMessage]) -> None:
        """Give rows back untouched (no attempt counted) for the next batch."""
        for row in rows:
            row.claimed_until = row.claim_token = None
            row.attempts -= 1
        db.session.commit()

    def _answer(self, row, code: int, text, now, report) -> None:
        said = f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}".strip()
        if 400 <= code < 500:
            self._retry(row, now, f"The mail server asked to try later: {said}", report)
        else:
            self._finish(row, FAILED, now, f"The mail server refused it: {said}", report)

    def _retry(self, row: MailMessage, now: datetime, error: str, report: MailReport) -> None:
        ceiling = min(self.retry_max, self.retry_base * 2 ** max(0, row.attempts - 1))
        when = now + timedelta(seconds=ceiling / 2 + self.rng() * ceiling / 2)  # backoff, equal jitter
        if when >= as_utc(row.expires_at):
            self._finish(row, FAILED, now, f"Gave up after {row.attempts} attempts; last: {error}", report)
            return
        row.next_attempt_at, row.last_error = when, error[:300]
        row.claimed_until = row.claim_token = None
        report.retrying += 1

    @staticmethod
    def _finish(row: MailMessage, state: str, now: datetime, error: str, report: MailReport) -> None:
        row.state, row.last_error = state, error[:300]
        row.claimed_until = row.claim_token = None
        if state in (SENT, KEPT):
            row.sent_at = now
        counter = {SENT: "sent", KEPT: "kept", FAILED: "failed"}[state]
        setattr(report, counter, getattr(report, counter) + 1)


def _describe(error: Exception) -> str:
    return (str(error) or type(error).__name__)[:200]


def _reset(smtp) -> None:
    with contextlib.suppress(OSError, smtplib.SMTPException):
        smtp.rset()
