"""Recorded wraps (check-outs), which the turnaround checks in app.schedule.rest read."""

from datetime import datetime

import sqlalchemy as sa

from app.checkins.models import WRAP, CheckIn
from app.extensions import db
from app.schedule.models import ShootDay
from app.timeutil import as_utc


def recorded_wraps(day: ShootDay) -> dict[int, datetime]:
    """Return each person's last recorded check-out (wrap) on a shoot day."""
    rows = db.session.execute(
        sa.select(CheckIn.person_id, sa.func.max(CheckIn.occurred_at))
        .where(CheckIn.shoot_day_id == day.id, CheckIn.kind == WRAP)
        .group_by(CheckIn.person_id)
    )
    return {person_id: as_utc(at) for person_id, at in rows}
