"""Call sheets for crew on a phone: My day, my upcoming calls, confirm receipt."""
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import abort, redirect, request, url_for
from marshmallow import EXCLUDE, ValidationError
from sqlalchemy.exc import IntegrityError

from app.auth.permissions import in_production, login_required, membership
from app.callsheets import acknowledgements, service
from app.callsheets.models import CallSheetRevision
from app.callsheets.routes import bp, commit_acknowledgement, prefetched
from app.callsheets.schemas import ConfirmSchema
from app.callsheets.viewing import called_people, for_viewer, main_location
from app.extensions import db
from app.schedule.models import Production
from app.web import render, wants_fragment


def production_today(production: Production):
    """Return today's date in the production's time zone."""
    return datetime.now(ZoneInfo(production.timezone)).date()


@bp.get("/my-day")
@login_required
def my_day(production_id: int):
    """Show the signed-in person's next call, large, then the whole call sheet; record Opened."""
    me = membership(production_id)
    production = db.session.get(Production, production_id)
    today = production_today(production)
    calls = acknowledgements.upcoming_calls(me, today)
    if not calls:
        return render("callsheets/my_day.html", me=me, production=production, current=None, calls=[])
    current = calls[0]
    ack = acknowledgements.opened(current.revision, me, prefetched())
    commit_acknowledgement()
    content = current.revision.content
    mine = called_people(content)[me.id]
    return render("callsheets/my_day.html", me=me, production=production, current=current, calls=calls, today=today,
                  revision=current.revision, ack=ack, mine=mine, place=main_location(content),
                  sheet=for_viewer(content, me))


def _confirm_response(revision, ack, status=200, error=None, newer=None):
    context = dict(revision=revision, ack=ack, error=error, newer=newer)
    if wants_fragment():
        return render("callsheets/_confirm.html", status=status, **context)
    return render("callsheets/confirm.html", status=status, **context)


@bp.post("/revisions/<int:revision_id>/confirm")
@login_required
def confirm(production_id: int, revision_id: int):
    """Confirm receipt of a revision; an older one sends the person to the newest."""
    me = membership(production_id)
    revision = in_production(CallSheetRevision, revision_id, production_id)
    try:
        back = ConfirmSchema(unknown=EXCLUDE).load(request.form)["back"]
    except ValidationError:
        abort(422, "Confirm from My day or from the call sheet itself.")
    for _attempt in range(2):
        try:
            acknowledgements.confirm(revision, me)
        except acknowledgements.NewerRevision as newer:
            db.session.rollback()
            latest = service.latest_revision(revision.shoot_day_id, with_content=False)
            return _confirm_response(revision, None, 409, str(newer), newer=latest)
        except acknowledgements.NotCalled as not_called:
            db.session.rollback()
            return _confirm_response(revision, None, 409, str(not_called))
        try:
            db.session.commit()
            break
        except IntegrityError:
            # A simultaneous Opened record won the insert; confirm on top of it.
            db.session.rollback()
    if wants_fragment():
        return _confirm_response(revision, acknowledgements.acknowledgement(revision, me))
    if back == "revision":
        return redirect(url_for(".revision", production_id=production_id, revision_id=revision.id), 303)
    return redirect(url_for(".my_day", production_id=production_id), 303)
