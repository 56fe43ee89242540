"""Call sheets for the production office: draft preview, publish, revisions, history, board."""

from flask import Blueprint, abort, redirect, request, url_for
from marshmallow import EXCLUDE, ValidationError
from sqlalchemy.exc import IntegrityError

from app.auth.permissions import login_required
from app.callsheets import acknowledgements, notify, rest, service
from app.callsheets.changes import changed_lines, compare, describe
from app.callsheets.models import CallSheetRevision
from app.callsheets.schemas import BoardFilterSchema, CompareSchema, PublishSchema
from app.callsheets.viewing import entry_of, for_viewer, place_ids
from app.crew.membership import coordination, in_production, membership
from app.documents.paperwork import paperwork
from app.extensions import db
from app.schedule.models import Production, ShootDay
from app.web import render, wants_fragment

bp = Blueprint("callsheets", __name__, url_prefix="/p/<int:production_id>")


def prefetched() -> bool:
    """Return True when the phone is saving this page ahead of time, not showing it (sync/PROTOCOL.md)."""
    return request.headers.get("X-Callboard-Prefetch") == "1"


def commit_acknowledgement() -> None:
    """Commit a new Opened record; a twin request that stored it first wins."""
    if not (db.session.new or db.session.dirty):
        return  # already recorded: don't expire (and reload) the revision for nothing
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()


def paper_class(colour: str) -> str:
    """Return the `pc-<colour>` suffix of a revision colour ("Double Blue" → "blue")."""
    return colour.split()[-1].lower() if colour.strip() else "white"


def _paperwork(me, content: dict) -> list:
    """Return the live paperwork a call sheet lists for me (never part of its snapshot)."""
    return paperwork(me, {content["day"]["id"]: place_ids(content)})


def _preview(me, day, status=200, error=None):
    content, changes, latest = service.draft(day)
    rows = describe(changes, content, latest.content if latest else None)
    number = (latest.number if latest else 0) + 1
    colour = service.revision_colour(db.session.get(Production, day.production_id).revision_colours, number)
    return render(
        "callsheets/preview.html",
        status=status,
        me=me,
        day=day,
        sheet=for_viewer(content, me),
        papers=_paperwork(me, content),
        changes=rows,
        latest=latest,
        error=error,
        next_number=number,
        next_colour=colour,
        marks=changed_lines(latest.content if latest else None, content),
        mark_colour=paper_class(colour),
        shortfalls=rest.rest_shortfalls(day),
        unchanged=latest is not None and latest.content == content,
    )


@bp.get("/days/<int:day_id>/callsheet")
@login_required
def preview(production_id: int, day_id: int):
    """Show the coordinator the draft call sheet and what publishing would change, per person."""
    me = coordination(production_id)
    return _preview(me, in_production(ShootDay, day_id, production_id))


@bp.post("/days/<int:day_id>/publish")
@login_required
def publish(production_id: int, day_id: int):
    """Publish the draft as the next immutable revision."""
    me = coordination(production_id)
    day = in_production(ShootDay, day_id, production_id)
    try:
        shortfalls = rest.check_rest(day, PublishSchema().load(request.form.to_dict())["acknowledge_rest"])
        revision = service.publish(day, me)
        rest.record_publish(revision, me, shortfalls)
        notify.notify_published(revision, forced=shortfalls)  # the outbox rows commit with the revision, or neither
        db.session.commit()
    except (rest.RestNotAcknowledged, ValidationError) as refused:
        db.session.rollback()
        return _preview(
            me,
            day,
            status=422,
            error=str(refused)
            if isinstance(refused, rest.RestNotAcknowledged)
            else "Tick the box to publish calls that break someone's rest.",
        )
    except service.NothingChanged as refused:
        db.session.rollback()
        return _preview(me, day, status=409, error=str(refused))
    except IntegrityError:
        db.session.rollback()
        return _preview(
            me,
            day,
            status=409,
            error="Someone else published this call sheet a moment ago. "
            "Check the changes below against their revision before publishing again.",
        )
    return redirect(url_for(".revision", production_id=production_id, revision_id=revision.id), 303)


@bp.get("/days/<int:day_id>/revisions")
@login_required
def history(production_id: int, day_id: int):
    """List every published revision of a shoot day, newest first."""
    me = membership(production_id)
    day = in_production(ShootDay, day_id, production_id)
    timezone = db.session.get(Production, production_id).timezone
    return render("callsheets/history.html", me=me, day=day, revisions=service.revisions_of(day.id), timezone=timezone)


@bp.get("/days/<int:day_id>/compare")
@login_required
def compare_revisions(production_id: int, day_id: int):
    """Show any two revisions of a day side by side, their changed lines marked, and what changed.

    The office reads what changed for whom; a crew member reads what changed on their own sheet.
    """
    me = membership(production_id)
    day = in_production(ShootDay, day_id, production_id)
    try:
        wanted = CompareSchema().load(request.args)
    except ValidationError as refused:
        abort(400, next(iter(refused.messages.values()))[0])
    numbers = sorted((wanted["older"], wanted["newer"]))
    if numbers[0] == numbers[1]:
        abort(400, "Choose two different revisions to compare.")
    older, newer = (service.numbered(day.id, number) for number in numbers)
    if older is None or newer is None:
        abort(404, "This day has no revision of that number.")
    changes = compare(older.content, newer.content)
    rows = describe(changes, newer.content, older.content) if me.is_coordinator else []
    colour = paper_class(newer.colour)
    return render(
        "callsheets/compare.html",
        me=me,
        day=day,
        older=older,
        newer=newer,
        rows=rows,
        mine=changes.get(str(me.id), []),
        revisions=service.revisions_of(day.id),
        older_sheet=for_viewer(older.content, me),
        newer_sheet=for_viewer(newer.content, me),
        older_marks=changed_lines(newer.content, older.content),
        newer_marks=changed_lines(older.content, newer.content),
        mark_colour=colour,
    )


@bp.get("/revisions/<int:revision_id>")
@login_required
def revision(production_id: int, revision_id: int):
    """Show a published revision exactly as it was frozen; opening it records Opened."""
    me = membership(production_id)
    revision = in_production(CallSheetRevision, revision_id, production_id)
    ack = acknowledgements.opened(revision, me, prefetched())
    commit_acknowledgement()
    changes, forced, reached, unreachable = [], [], [], []
    previous = service.previous_revision(revision)
    if me.is_coordinator:  # what changed for whom, and who heard, is the office's business
        changes = describe(revision.changes, revision.content, previous.content if previous else None)
        forced = rest.forced_calls(revision)
        reached = notify.reach(revision)
        unreachable = notify.unreachable(reached, acknowledgements.seen_by(revision)) if reached else []
    seen, what_changed = acknowledgements.since_last_seen(revision, me, ack)
    return render(
        "callsheets/revision.html",
        me=me,
        revision=revision,
        ack=ack,
        changes=changes,
        forced=forced,
        reached=reached,
        unreachable=unreachable,
        seen=seen,
        what_changed=what_changed,
        mine=entry_of(revision.content, me.id),
        was=acknowledgements.earlier_times(what_changed),
        sheet=for_viewer(revision.content, me),
        previous=previous,
        marks=changed_lines(previous.content if previous else None, revision.content),
        mark_colour=paper_class(revision.colour),
        papers=_paperwork(me, revision.content),
        newest=service.latest_revision(revision.shoot_day_id, with_content=False),
    )


@bp.get("/days/<int:day_id>/board")
@login_required
def latest_board(production_id: int, day_id: int):
    """Send the coordinator to the board of the day's newest revision."""
    coordination(production_id)
    day = in_production(ShootDay, day_id, production_id)
    latest = service.latest_revision(day.id, with_content=False)
    if latest is None:
        return redirect(url_for(".history", production_id=production_id, day_id=day.id))
    return redirect(url_for(".board", production_id=production_id, revision_id=latest.id))


@bp.get("/revisions/<int:revision_id>/board")
@login_required
def board(production_id: int, revision_id: int):
    """Show who has opened and confirmed a revision; htmx polls the board block."""
    me = coordination(production_id)
    revision = in_production(CallSheetRevision, revision_id, production_id)
    try:
        show = BoardFilterSchema(unknown=EXCLUDE).load(request.args)["show"]
    except ValidationError:
        abort(400, "Show either all people or only the unconfirmed.")
    headers = {}
    if wants_fragment():
        # Polls every 5 s: when nobody opened or confirmed anything and no push alert of this
        # revision was delivered or given up on since, answer 304 without loading the call
        # sheet or rendering (Flask-Compress suffixes the tag with ":br").
        version = acknowledgements.board_version(revision, also=notify.reach_digest(revision))
        tag = f"board-{revision.id}-{show}-{version}"
        if any(request.if_none_match.contains(tag + suffix) for suffix in ("", ":br", ":gzip")):
            return "", 304, {"ETag": f'"{tag}"'}
        headers["ETag"] = f'"{tag}"'
    state = acknowledgements.board(revision, unconfirmed_only=show == "unconfirmed")
    reached = notify.reach(revision)
    body, status, base = render(
        "callsheets/board.html",
        "board",
        me=me,
        revision=revision,
        show=show,
        **state,
        newest=service.newest_number(revision.shoot_day_id),
        reach={row.person_id: row for row in reached},
        reach_summary=notify.reach_summary(reached),
        unreachable=notify.unreachable(reached, state["seen"]),
    )
    return body, status, {**base, **headers}
