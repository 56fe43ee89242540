"""The sync protocol (sync/PROTOCOL.md): a batch, its operations, their times, and how one fails.

Nothing here knows a domain: the domains register their operations (app.sync.registry).
"""

import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from marshmallow import EXCLUDE, Schema, fields, validate

from app.bounds import Id
from app.web import nests_deeper_than

MAX_OPS = 200
CURSOR = re.compile(r"v1:([0-9]{1,15})")
# A cursor a little ahead of the server (another host's clock) is fine; further is a reset.
CURSOR_LEEWAY = timedelta(days=1)


class Rejected(Exception):
    """Input the rules refuse: a message for people, a reason code, and field → messages.

    The one refusal of the whole app: a form shows `errors` beside its fields (or `message`
    over the form), a sync operation answers `rejected` with `reason` and `message`."""

    def __init__(self, message: str | dict, *, reason: str = "refused", errors: dict | None = None):
        if isinstance(message, dict):
            errors = message if errors is None else errors
            message = " ".join(
                str(text) for texts in message.values() for text in (texts if isinstance(texts, list) else [texts])
            )
        super().__init__(message)
        self.message, self.reason = message, reason
        self.errors = errors if errors is not None else {}

    @classmethod
    def on(cls, field: str, message: str, reason: str = "refused") -> "Rejected":
        """Return a rejection of one field."""
        return cls({field: [message]}, reason=reason)


class Conflict(Exception):
    """An update was based on an older version of the record than the server has."""

    def __init__(self, details: dict):
        super().__init__("Changed on the server since you saw it.")
        self.details = details


class Busy(Exception):
    """The database could not settle an operation now; the client should retry later."""


class BadBatch(Exception):
    """The request body is not a batch we read at all; status, code and message answer it."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class Tap:
    """One operation's id and three times, and the device clock offset they imply."""

    op_id: str
    tapped_at: datetime
    sent_at: datetime
    received_at: datetime

    @property
    def offset(self) -> timedelta:
        return self.received_at - self.sent_at

    @property
    def corrected(self) -> datetime:
        """Return the tap time on the server's clock, never later than its arrival."""
        return min(self.tapped_at + self.offset, self.received_at)

    def judge(self, max_skew: timedelta, max_age: timedelta) -> None:
        """Refuse device times no page could show, or a tap too long ago to matter; raise Rejected.

        Subtracting two datetimes never overflows, so both device times are compared with the
        server's clock before any offset is added (year 1 or 9999 never reaches the arithmetic)."""
        for name, moment in (("tapped_at", self.tapped_at), ("sent_at", self.sent_at)):
            if abs(moment - self.received_at) > max_skew:
                raise Rejected(
                    f"This phone's clock said {moment:%Y-%m-%d}, more than {max_skew.days} "
                    "days from today. Set the phone's date and time, then tap again.",
                    reason="clock",
                    errors={name: ["Not a plausible time."]},
                )
        if self.corrected < self.received_at - max_age:
            raise Rejected(
                f"This was tapped more than {max_age.days} days ago, too long ago to record.", reason="too_old"
            )


class Loose(Schema):
    class Meta:
        unknown = EXCLUDE


class BatchSchema(Loose):
    protocol = fields.Integer(load_default=1, validate=validate.Equal(1))
    sent_at = fields.AwareDateTime(required=True)
    cursor = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    ops = fields.List(fields.Raw(), required=True)


class OperationSchema(Loose):
    id = fields.UUID(required=True)
    production_id = Id(required=True)
    kind = fields.String(required=True, validate=validate.Length(max=40))
    tapped_at = fields.AwareDateTime(required=True)
    sent_at = fields.AwareDateTime(load_default=None)
    payload = fields.Dict(keys=fields.String(), load_default=dict)


def read_batch(raw: bytes, max_bytes: int, max_depth: int = 20):
    """Parse a JSON body of at most max_bytes nested at most max_depth deep; raise BadBatch.

    The depth is counted before parsing (`app.web.nests_deeper_than`, as for every JSON body),
    so a 2,000-level body never reaches the decoder."""
    if len(raw) > max_bytes:
        raise BadBatch(413, "too_large", "Too much at once; send fewer actions per batch.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadBatch(400, "bad_json", "The request was not UTF-8 JSON.") from None
    if nests_deeper_than(raw, max_depth):
        raise BadBatch(400, "too_deep", f"The request nests deeper than {max_depth} levels.")
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except (ValueError, RecursionError):
        raise BadBatch(400, "bad_json", "The request was not valid JSON.") from None


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999 reads as infinity
        raise ValueError(f"{text} is out of range")
    return value


def op_size(raw) -> int:
    """Return the bytes of one operation as compact JSON (how its cap is measured)."""
    return len(json.dumps(raw, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def make_cursor(now: datetime) -> str:
    """Return the opaque cursor for a sync answered at now."""
    return f"v1:{int(now.timestamp() * 1000)}"


def read_cursor(cursor: str | None, now: datetime) -> datetime | None:
    """Return the moment a cursor stands for; None (start again) for none or one we can't trust.

    ASCII digits only (str.isdigit accepts '²'), at most 15 of them, and not ahead of the
    server by more than a day: anything else resets the phone to a first sync, never a 500."""
    match = CURSOR.fullmatch(cursor or "")
    if match is None:
        return None
    millis = int(match.group(1))
    if millis > (now + CURSOR_LEEWAY).timestamp() * 1000:
        return None
    return datetime.fromtimestamp(millis / 1000, tz=UTC)
