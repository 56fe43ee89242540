"""Call sheets for crew on a phone: My day, my upcoming calls, confirm receipt."""

from datetime import timedelta

from flask import abort, current_app, redirect, request, url_for
from marshmallow import EXCLUDE, ValidationError
from sqlalchemy.exc import IntegrityError

from app.auth.permissions import login_required
from app.callsheets import acknowledgements, announcements, service
from app.callsheets.models import CallSheetRevision
from app.callsheets.routes import bp, commit_acknowledgement, prefetched
from app.callsheets.schemas import ConfirmSchema
from app.callsheets.viewing import called_people, for_viewer, main_location, place_ids
from app.crew.membership import in_production, membership
from app.documents.paperwork import needed_on_location, paperwork
from app.extensions import db
from app.schedule.models import Production
from app.timeutil import production_today
from app.web import render, wants_fragment

# The phone keeps "needed on location" papers for the calls of today and the next two days
# (the days whose call sheets a sync saves, sync/PROTOCOL.md), and always for the next call.
KEEP_DAYS_AHEAD = 2


def _papers(me, calls, today):
    """Return the current call's paperwork and the papers to keep on the phone, in one query."""
    horizon = today + timedelta(days=KEEP_DAYS_AHEAD)
    places = {
        call.revision.shoot_day_id: place_ids(call.revision.content)
        for index, call in enumerate(calls)
        if index == 0 or call.date <= horizon
    }
    papers = paperwork(me, places)
    current = calls[0].revision
    on_sheet = [p for p in papers if p.belongs_to(current.shoot_day_id, places[current.shoot_day_id])]
    days = {call.revision.shoot_day_id: call.revision.content["day"] for call in calls}
    keep = [(days[day_id], paper) for day_id, paper in needed_on_location(papers, places)]
    return on_sheet, keep


@bp.get("/my-day")
@login_required
def my_day(production_id: int):
    """Show the signed-in person's next call, large, then the whole call sheet; record Opened."""
    me = membership(production_id)
    production = db.session.get(Production, production_id)
    today = production_today(production)
    calls = acknowledgements.upcoming_calls(me, today)
    budget = current_app.config["DOCUMENT_OFFLINE_MAX_BYTES"]
    if not calls:  # nothing to keep: the phone drops what it kept for earlier calls
        return render(
            "callsheets/my_day.html", me=me, production=production, current=None, calls=[], keep=[], keep_budget=budget
        )
    current = calls[0]
    ack = acknowledgements.opened(current.revision, me, prefetched())
    commit_acknowledgement()
    content = current.revision.content
    mine = called_people(content)[me.id]
    papers, keep = _papers(me, calls, today)
    seen, what_changed = acknowledgements.since_last_seen(current.revision, me, ack)
    return render(
        "callsheets/my_day.html",
        me=me,
        production=production,
        current=current,
        calls=calls,
        today=today,
        revision=current.revision,
        ack=ack,
        mine=mine,
        place=main_location(content),
        sheet=for_viewer(content, me),
        papers=papers,
        keep=keep,
        keep_budget=budget,
        seen=seen,
        what_changed=what_changed,
        was=acknowledgements.earlier_times(what_changed),
        news=announcements.for_my_day(me, current.revision.shoot_day_id),
    )


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
