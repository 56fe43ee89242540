"""Scenes of a shoot day, in shooting order: add, change, reorder, remove. Never commits."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.crew.models import Person
from app.extensions import db
from app.schedule.models import Location, Scene, ShootDay
from app.schedule.service import touch
from app.sync import Rejected

SCENE_FIELDS = ("number", "int_ext", "set_name", "day_night", "synopsis", "pages_eighths", "location_id")


def scenes(day: ShootDay) -> list[Scene]:
    """Return the day's scenes in shooting order with their cast and location."""
    return list(
        db.session.scalars(
            sa.select(Scene)
            .where(Scene.shoot_day_id == day.id)
            .options(selectinload(Scene.cast), selectinload(Scene.location))
            .order_by(Scene.sort_order, Scene.id)
        )
    )


def _cast(production_id: int, numbers: list[int]) -> list[Person]:
    found = {
        person.cast_number: person
        for person in db.session.scalars(
            sa.select(Person).where(Person.production_id == production_id, Person.cast_number.in_(numbers or [-1]))
        )
    }
    missing = [str(number) for number in numbers if number not in found]
    if missing:
        raise Rejected.on("cast", f"No cast number {', '.join(missing)} on this production.")
    return [found[number] for number in numbers]


def _check(day: ShootDay, data: dict, scene_id: int | None = None) -> list[Person]:
    errors: dict[str, list[str]] = {}
    if (
        db.session.scalar(
            sa.select(Scene.id).where(
                Scene.shoot_day_id == day.id,
                sa.func.upper(Scene.number) == data["number"].upper(),
                Scene.id != (scene_id or 0),
            )
        )
        is not None
    ):
        errors["number"] = [f"Scene {data['number']} is already on this day."]
    if (
        data.get("location_id") is not None
        and db.session.scalar(
            sa.select(Location.id).where(
                Location.id == data["location_id"], Location.production_id == day.production_id
            )
        )
        is None
    ):
        errors["location_id"] = ["Choose one of the production's locations."]
    cast: list[Person] = []
    try:
        cast = _cast(day.production_id, data.get("cast", []))
    except Rejected as rejected:
        errors.update(rejected.errors)
    if errors:
        raise Rejected(errors)
    return cast


def add_scene(day: ShootDay, data: dict) -> Scene:
    """Add a scene at the end of the day's shooting order."""
    cast = _check(day, data)
    last = db.session.scalar(sa.select(sa.func.max(Scene.sort_order)).where(Scene.shoot_day_id == day.id))
    scene = Scene(
        production_id=day.production_id,
        shoot_day_id=day.id,
        sort_order=(last if last is not None else -1) + 1,
        cast=cast,
        **{key: data[key] for key in SCENE_FIELDS if key in data},
    )
    db.session.add(scene)
    touch(day)
    db.session.flush()
    return scene


def update_scene(day: ShootDay, scene: Scene, data: dict) -> None:
    """Change a scene of the day, its cast included."""
    cast = _check(day, data, scene.id)
    for key in SCENE_FIELDS:
        if key in data:
            setattr(scene, key, data[key])
    scene.cast = cast
    touch(day)


def remove_scene(day: ShootDay, scene: Scene) -> None:
    """Take a scene off the day."""
    db.session.delete(scene)
    touch(day)


def move_scene(day: ShootDay, scene: Scene, direction: str) -> None:
    """Move a scene one place earlier or later in the day's shooting order."""
    ordered = scenes(day)
    index = next(i for i, each in enumerate(ordered) if each.id == scene.id)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for order, each in enumerate(ordered):
        each.sort_order = order
    touch(day)
