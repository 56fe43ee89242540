"""Locations: set address and coordinates, parking, base camp, holding and the nearest hospital."""

from flask import redirect, request, url_for
from marshmallow import ValidationError

from app.auth.permissions import login_required
from app.bounds import query_id
from app.crew.membership import coordination, in_production
from app.extensions import db
from app.forms import field_errors
from app.schedule import service
from app.schedule.models import Location
from app.schedule.routes import P, bp
from app.schedule.schemas import LocationSchema
from app.web import render, wants_fragment


def locations_page(me, status: int = 200, new: dict | None = None, edit: dict | None = None):
    """Render the locations screen (or only its list for htmx)."""
    return render(
        "schedule/locations.html",
        "locations",
        status,
        production=me.production,
        me=me,
        section="locations",
        locations=service.locations(me.production_id),
        new=new or {"form": {}, "errors": {}},
        edit=edit,
    )


def _answer(me, location_id: int):
    if wants_fragment():
        return locations_page(me)
    return redirect(
        url_for("schedule.locations", production_id=me.production_id) + f"#location-{location_id}", code=303
    )


@bp.get(f"{P}/locations")
@login_required
def locations(production_id: int):
    """Show the production's locations; ?edit=<id> opens one for editing."""
    me = coordination(production_id)
    edit_id = query_id("edit")
    edit = None
    if edit_id:
        location = in_production(Location, edit_id, production_id)
        edit = {"id": location.id, "form": LocationSchema().dump(location), "errors": {}}
    return locations_page(me, edit=edit)


@bp.post(f"{P}/locations")
@login_required
def add_location(production_id: int):
    """Add a location."""
    me = coordination(production_id)
    form = request.form.to_dict()
    try:
        location = service.add_location(production_id, LocationSchema().load(form))
    except ValidationError as error:
        return locations_page(me, 422, new={"form": form, "errors": field_errors(error), "open": True})
    db.session.commit()
    return _answer(me, location.id)


@bp.post(f"{P}/locations/<int:location_id>")
@login_required
def update_location(production_id: int, location_id: int):
    """Change a location's details."""
    me = coordination(production_id)
    location = in_production(Location, location_id, production_id)
    form = request.form.to_dict()
    try:
        service.update_location(location, LocationSchema().load(form))
    except ValidationError as error:
        return locations_page(me, 422, edit={"id": location_id, "form": form, "errors": field_errors(error)})
    db.session.commit()
    return _answer(me, location_id)
