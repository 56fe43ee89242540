"""The production office: start a production, and its settings (the overview: app.callsheets.office)."""

from flask import Blueprint, redirect, request, url_for
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from app.auth.permissions import current_user, login_required
from app.crew.membership import coordination
from app.extensions import db
from app.forms import clash, field_errors
from app.schedule import service
from app.schedule.models import DEFAULT_REVISION_COLOURS
from app.schedule.schemas import ProductionSchema
from app.web import render, wants_fragment

# Routes spell out their /p/<production_id> prefix: production creation lives outside it.
bp = Blueprint("schedule", __name__)
bp.register_error_handler(IntegrityError, clash)
P = "/p/<int:production_id>"


@bp.route("/productions/new", methods=["GET", "POST"])
@login_required
def new_production():
    """Start a production; whoever creates it runs its office."""
    form, errors = (
        {
            "timezone": "Europe/London",
            "revision_colours": DEFAULT_REVISION_COLOURS,
            "min_rest_crew": "10:00",
            "min_rest_cast": "12:00",
        },
        {},
    )
    if request.method == "POST":
        form = request.form.to_dict()
        try:
            production = service.create_production(current_user(), ProductionSchema().load(form))
        except ValidationError as error:
            return render("schedule/new_production.html", "production_form", 422, form=form, errors=field_errors(error))
        db.session.commit()
        return redirect(url_for("callsheets.office", production_id=production.id), code=303)
    return render("schedule/new_production.html", "production_form", form=form, errors=errors)


def _settings_page(me, status=200, form=None, errors=None, saved=False):
    return render(
        "schedule/settings.html",
        "production_form",
        status,
        production=me.production,
        me=me,
        section="settings",
        form=form or ProductionSchema().dump(me.production),
        errors=errors or {},
        saved=saved,
    )


@bp.get(f"{P}/settings")
@login_required
def settings(production_id: int):
    """Show the production's settings."""
    return _settings_page(coordination(production_id))


@bp.post(f"{P}/settings")
@login_required
def save_settings(production_id: int):
    """Change the production's title, company, time zone, office and revision colours."""
    me = coordination(production_id)
    form = request.form.to_dict()
    try:
        service.update_production(me.production, ProductionSchema().load(form))
    except ValidationError as error:
        return _settings_page(me, 422, form, field_errors(error))
    db.session.commit()
    if wants_fragment():
        return _settings_page(me, saved=True)
    return redirect(url_for("schedule.settings", production_id=production_id), code=303)
