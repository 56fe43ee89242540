"""Letting the whole crew in: invite everyone by email, the QR wall sheet, and the office's mail."""

from flask import Blueprint, abort, current_app

from app.auth.permissions import login_required
from app.bounds import MAX_ID
from app.crew import onboarding
from app.crew.membership import coordination
from app.crew.routes import crew_page
from app.crew.routes_access import PRIVATE, invite_link
from app.extensions import db
from app.mail import outbox
from app.web import render

bp = Blueprint("onboarding", __name__, url_prefix="/p/<int:production_id>/crew")
# An email's own HTML, shown as a page: no scripts, no styles, no requests, no forms, never framed.
EMAIL_PAGE_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'"


@bp.post("/invite-all")
@login_required
def invite_everyone(production_id: int):
    """Email an invite to everyone not yet joined; say who could not be emailed and why."""
    me = coordination(production_id)
    outcome = onboarding.email_everyone(production_id, invite_link)
    db.session.commit()
    return crew_page(me, invited=outcome)


@bp.post("/qr-cards")
@login_required
def qr_cards(production_id: int):
    """Print a fresh A4 sheet of QR cards, one per person not yet joined, for the office wall."""
    me = coordination(production_id)
    cards, expires = onboarding.wall_cards(production_id, invite_link)
    db.session.commit()
    body, status, headers = render("crew/qr_wall.html", production=me.production, cards=cards, expires=expires)
    return body, status, {**headers, **PRIVATE}


@bp.get("/mail")
@login_required
def mailbox(production_id: int):
    """Show the production's mail: what was sent or, with no MAIL_URL, what would have been."""
    me = coordination(production_id)
    body, status, headers = render(
        "crew/mailbox.html",
        production=me.production,
        me=me,
        section="crew",
        messages=outbox.mailbox(production_id),
        local=not current_app.config["MAIL_URL"],
    )
    return body, status, {**headers, **PRIVATE}


@bp.get("/mail/<int:message_id>")
@login_required
def mail_message(production_id: int, message_id: int):
    """Show one email's HTML part as the person would see it (sandboxed)."""
    coordination(production_id)
    message = outbox.message_of(production_id, message_id) if message_id <= MAX_ID else None
    if message is None or not message.html:
        abort(404)
    return (
        message.html,
        200,
        {**PRIVATE, "Content-Security-Policy": EMAIL_PAGE_CSP, "Content-Type": "text/html; charset=utf-8"},
    )
