"""Shoot-day edits queued offline: one field, read by DaySchema and saved by update_day.

The same schema and service as the day editor's form, so online and offline share one set
of rules. Registered with app.sync in app.schedule.init_app. Never commits.
"""

import sqlalchemy as sa
from marshmallow import ValidationError

from app.crew.models import Person
from app.extensions import db
from app.schedule import service
from app.schedule.models import ShootDay
from app.schedule.schemas import DaySchema
from app.sync import Conflict, Rejected, Tap

CLOCK_FIELDS = ("general_call", "shooting_call", "breakfast", "lunch", "estimated_wrap")


def update_field(actor: Person, payload: dict, tap: Tap) -> dict:
    """Set one field of a shoot day if nobody changed it since the coordinator saw the day."""
    if not actor.is_coordinator:
        raise Rejected("Only the production office can change this.", reason="forbidden")
    day = db.session.scalar(
        sa.select(ShootDay).where(ShootDay.id == payload["entity_id"], ShootDay.production_id == actor.production_id)
    )
    if day is None:
        raise Rejected("That shoot day is not on this production.", reason="not_found")
    name, value = payload["field"], payload["value"]
    if value is None and name not in CLOCK_FIELDS:
        value = ""  # the outbox sends an emptied text field as null
    try:
        value = DaySchema(partial=True).load({name: value})[name]
    except ValidationError as error:
        messages = error.messages.get(name, error.messages) if isinstance(error.messages, dict) else error.messages
        raise Rejected(
            "That value is not valid.", reason="malformed", errors={"payload": {"value": messages}}
        ) from None
    current = getattr(day, name)
    if day.version != payload["base_version"] and current != value:
        raise Conflict(
            {
                "entity": "shoot_day",
                "entity_id": day.id,
                "field": name,
                "yours": value,
                "theirs": current,
                "base_version": payload["base_version"],
                "server_version": day.version,
            }
        )
    if current != value:
        service.update_day(day, {name: value})  # raises Rejected with the form's own messages
        db.session.flush()
    return {"entity_id": day.id, "field": name, "value": value, "version": day.version}
