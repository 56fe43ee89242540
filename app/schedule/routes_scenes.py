"""Scenes of a shoot day: add, change, reorder and remove, in shooting order."""

from flask import abort, request
from marshmallow import ValidationError

from app.auth.permissions import login_required
from app.bounds import query_id
from app.crew.membership import coordination, in_production
from app.crew.schemas import MoveSchema
from app.extensions import db
from app.forms import field_errors
from app.schedule import editor, stripboard
from app.schedule.models import Scene, ShootDay
from app.schedule.routes import bp
from app.schedule.routes_days import DAY, back_to, day_page
from app.schedule.schemas import SceneSchema
from app.sync import Rejected
from app.web import wants_fragment

BLOCKS = ("scenes", "calls")  # cast in scenes are called, so the calls follow the scenes


def _day_and_scene(production_id: int, day_id: int, scene_id: int | None = None):
    shoot_day = in_production(ShootDay, day_id, production_id)
    scene = None
    if scene_id is not None:
        scene = in_production(Scene, scene_id, production_id)
        if scene.shoot_day_id != shoot_day.id:
            abort(404)
    return shoot_day, scene


def _saved(me, shoot_day: ShootDay, anchor: str):
    if not wants_fragment():
        return back_to(shoot_day, anchor)
    return day_page(me, shoot_day, 200, BLOCKS)


@bp.get(f"{DAY}/scenes")
@login_required
def scenes(production_id: int, day_id: int):
    """Show the day's scenes; ?edit=<id> opens one for editing."""
    me = coordination(production_id)
    shoot_day, _ = _day_and_scene(production_id, day_id)
    edit = editor.scene_edit(shoot_day, query_id("edit"))
    return day_page(me, shoot_day, 200, ("scenes",), scene_edit=edit)


@bp.post(f"{DAY}/scenes")
@login_required
def add_scene(production_id: int, day_id: int):
    """Add a scene at the end of the day."""
    me = coordination(production_id)
    shoot_day, _ = _day_and_scene(production_id, day_id)
    form = request.form.to_dict()
    try:
        scene = stripboard.add_scene(shoot_day, SceneSchema().load(form))
    except (ValidationError, Rejected) as error:
        db.session.rollback()
        state = {"form": form, "errors": field_errors(error), "open": True}
        return day_page(me, shoot_day, 422, ("scenes",), scene_new=state)
    db.session.commit()
    return _saved(me, shoot_day, f"#scene-{scene.id}")


@bp.post(f"{DAY}/scenes/<int:scene_id>")
@login_required
def update_scene(production_id: int, day_id: int, scene_id: int):
    """Change a scene of the day."""
    me = coordination(production_id)
    shoot_day, scene = _day_and_scene(production_id, day_id, scene_id)
    form = request.form.to_dict()
    try:
        stripboard.update_scene(shoot_day, scene, SceneSchema().load(form))
    except (ValidationError, Rejected) as error:
        db.session.rollback()
        state = editor.scene_edit(shoot_day, scene_id, form, field_errors(error))
        return day_page(me, shoot_day, 422, ("scenes",), scene_edit=state)
    db.session.commit()
    return _saved(me, shoot_day, f"#scene-{scene_id}")


@bp.post(f"{DAY}/scenes/<int:scene_id>/move")
@login_required
def move_scene(production_id: int, day_id: int, scene_id: int):
    """Move a scene earlier or later in the day."""
    me = coordination(production_id)
    shoot_day, scene = _day_and_scene(production_id, day_id, scene_id)
    try:
        direction = MoveSchema().load(request.form.to_dict())["direction"]
    except ValidationError:
        abort(400, "Move a scene up or down.")
    stripboard.move_scene(shoot_day, scene, direction)
    db.session.commit()
    return _saved(me, shoot_day, f"#scene-{scene_id}")


@bp.post(f"{DAY}/scenes/<int:scene_id>/delete")
@login_required
def delete_scene(production_id: int, day_id: int, scene_id: int):
    """Take a scene off the day."""
    me = coordination(production_id)
    shoot_day, scene = _day_and_scene(production_id, day_id, scene_id)
    stripboard.remove_scene(shoot_day, scene)
    db.session.commit()
    return _saved(me, shoot_day, "#scenes")
