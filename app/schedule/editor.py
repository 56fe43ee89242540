"""What the day editor shows: a shoot day with its scenes, department calls and everyone's call."""

from itertools import groupby

import sqlalchemy as sa
from flask import abort

from app.crew.models import Person
from app.crew.service import departments
from app.extensions import db
from app.schedule import stripboard
from app.schedule.calls import Call, day_calls, department_calls
from app.schedule.models import DepartmentCall, Scene, ShootDay
from app.schedule.rest import rest_shortfalls
from app.schedule.schemas import SceneSchema
from app.schedule.service import locations, shoot_days


def department_rows(day: ShootDay) -> list[dict]:
    """Return each department with its usual offset, the day's override and notes, and its call."""
    calls = department_calls(day)
    rows = {
        row.department_id: row
        for row in db.session.scalars(sa.select(DepartmentCall).where(DepartmentCall.shoot_day_id == day.id))
    }
    return [
        {"department": department, "row": rows.get(department.id), "call": calls[department.id]}
        for department in departments(day.production_id)
    ]


def call_groups(day: ShootDay) -> list[dict]:
    """Return everyone's call on the day (called or not), grouped by department."""
    calls = day_calls(day, include_uncalled=True)
    groups = []
    for _, members in groupby(calls, key=lambda call: call.person.department_id):
        members = list(members)
        groups.append(
            {
                "department": members[0].person.department,
                "department_call": members[0].department_call,
                "calls": members,
            }
        )
    return groups


def neighbours(day: ShootDay) -> dict:
    """Return the day's place in the schedule: total days and the days before and after."""
    days = shoot_days(day.production_id)
    index = next(i for i, each in enumerate(days) if each.id == day.id)
    return {
        "days_total": len(days),
        "previous_day": days[index - 1] if index > 0 else None,
        "next_day": days[index + 1] if index + 1 < len(days) else None,
    }


def day_sections(day: ShootDay) -> dict:
    """Return the context every section of the day editor needs."""
    scenes = stripboard.scenes(day)
    groups = call_groups(day)
    return {
        "production": day.production,
        "day": day,
        "locations": locations(day.production_id),
        "scenes": scenes,
        "total_eighths": sum(scene.pages_eighths for scene in scenes),
        "department_rows": department_rows(day),
        "call_groups": groups,
        "cast": sorted(
            (call.person for group in groups for call in group["calls"] if call.person.is_cast),
            key=lambda person: person.cast_number,
        ),
        "shortfalls": rest_shortfalls(day),
        **neighbours(day),
    }


def call_of(day: ShootDay, person: Person) -> Call:
    """Return one person's call on the day."""
    return next(call for call in day_calls(day, include_uncalled=True) if call.person.id == person.id)


def scene_edit(day: ShootDay, scene_id: int | None, form: dict | None = None, errors: dict | None = None):
    """Return the editing state of one scene of the day (404 when it is not on this day)."""
    if scene_id is None:
        return None
    scene = db.session.get(Scene, scene_id)
    if scene is None or scene.shoot_day_id != day.id:
        abort(404)
    return {"id": scene.id, "form": form or SceneSchema().dump(scene), "errors": errors or {}}
