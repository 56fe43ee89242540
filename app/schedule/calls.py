"""Who is called on a shoot day and when: general call, department offsets, overrides."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.crew.models import Department, Person
from app.extensions import db
from app.schedule.models import DepartmentCall, PersonCall, Scene, ShootDay, scene_cast


@dataclass
class Call:
    """One person's call on one shoot day."""

    person: Person
    call: int | None
    department_call: int | None
    overridden: bool
    called: bool
    pickup: int | None = None
    hair_makeup_wardrobe: int | None = None
    on_set: int | None = None
    day_status: str = ""
    notes: str = ""


def department_calls(day: ShootDay) -> dict[int, int]:
    """Return each department's call on a day: general call plus its (day's) offset."""
    departments = db.session.scalars(sa.select(Department).where(Department.production_id == day.production_id)).all()
    overrides = {
        row.department_id: row.call_offset
        for row in db.session.scalars(sa.select(DepartmentCall).where(DepartmentCall.shoot_day_id == day.id))
    }
    calls = {}
    for department in departments:
        offset = overrides.get(department.id)
        calls[department.id] = day.general_call + (department.call_offset if offset is None else offset)
    return calls


def cast_in_scenes(day: ShootDay) -> set[int]:
    """Return the ids of people who appear in a scene of the day."""
    return set(
        db.session.scalars(
            sa.select(scene_cast.c.person_id)
            .join(Scene, Scene.id == scene_cast.c.scene_id)
            .where(Scene.shoot_day_id == day.id)
        )
    )


def day_calls(day: ShootDay, include_uncalled: bool = False) -> list[Call]:
    """Return every person's call for a day, in department and name order (fixed query count)."""
    people = db.session.scalars(
        sa.select(Person).where(Person.production_id == day.production_id).options(selectinload(Person.department))
    ).all()
    by_department = department_calls(day)
    rows = {
        row.person_id: row for row in db.session.scalars(sa.select(PersonCall).where(PersonCall.shoot_day_id == day.id))
    }
    in_scenes = cast_in_scenes(day)
    calls = []
    for person in people:
        row = rows.get(person.id)
        department_call = by_department.get(person.department_id, day.general_call)
        if person.is_cast:
            called = row.called if row else person.id in in_scenes
        else:
            called = row.called if row else True
        if not called and not include_uncalled:
            continue
        override = row.call_override if row else None
        calls.append(
            Call(
                person=person,
                call=override if override is not None else department_call,
                department_call=department_call,
                overridden=override is not None,
                called=called,
                pickup=row.pickup if row else None,
                hair_makeup_wardrobe=row.hair_makeup_wardrobe if row else None,
                on_set=row.on_set if row else None,
                day_status=row.day_status if row else "",
                notes=row.notes if row else "",
            )
        )
    # Department id breaks ties between departments sharing a sort order, so each stays together.
    calls.sort(
        key=lambda c: (
            c.person.department.sort_order if c.person.department else 999,
            c.person.department_id or 0,
            c.person.cast_number or 0,
            c.person.name,
        )
    )
    return calls
