"""An app for the offline browser test: My day shows the check-in button and a confirm form.

The real My day page is built in app/callsheets; this stand-in includes the pieces the
offline machinery plugs into, exactly as PROTOCOL.md tells the call-sheet page to.
"""
import sqlalchemy as sa
from flask import render_template_string

from app import create_app
from app.auth.permissions import login_required, membership
from app.callsheets.models import CallSheetRevision
from app.checkins.board import today_shoot_day
from app.extensions import db

MY_DAY = """{% extends "base.html" %}
{% block main %}
<div data-callsheet data-revision-colour="{{ revision.colour }}" data-published-at="{{ revision.published_at.isoformat() }}">
<h1>My day</h1>
<p>{{ me.name }} · revision {{ revision.colour }}</p>
{% include "checkins/_checkin_button.html" %}
<form method="post" action="{{ url_for('checkins.act', production_id=me.production_id, kind='confirm_revision') }}"
  data-outbox-kind="confirm_revision" data-production-id="{{ me.production_id }}">
  <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
  <input type="hidden" name="op_id" value="{{ new_op_id() }}">
  <input type="hidden" name="revision_id" value="{{ revision.id }}">
  <button type="submit">Confirm revision {{ revision.colour }}</button>
  <span data-outbox-status role="status"></span>
</form>
</div>
{% endblock %}"""


@login_required
def my_day(production_id: int):
    me = membership(production_id)
    day = today_shoot_day(me.production)
    revision = db.session.scalar(sa.select(CallSheetRevision).where(
        CallSheetRevision.shoot_day_id == day.id).order_by(CallSheetRevision.number.desc()))
    return render_template_string(MY_DAY, me=me, day=day, revision=revision)


def create():
    app = create_app()
    app.view_functions["callsheets.my_day"] = my_day
    return app
