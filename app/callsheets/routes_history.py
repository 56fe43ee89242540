"""Each person's call history: every published change to their call times."""

from app.auth.permissions import login_required
from app.callsheets import rest
from app.callsheets.routes import bp
from app.crew.membership import coordination, in_production, membership
from app.crew.models import Person
from app.extensions import db
from app.schedule.models import Production
from app.web import render


def _history_page(me: Person, person: Person):
    timezone = db.session.get(Production, person.production_id).timezone
    return render(
        "callsheets/call_history.html", me=me, person=person, changes=rest.call_history(person), timezone=timezone
    )


@bp.get("/my-calls/history")
@login_required
def my_call_history(production_id: int):
    """Show the signed-in person every change to their own call times."""
    me = membership(production_id)
    return _history_page(me, me)


@bp.get("/people/<int:person_id>/call-history")
@login_required
def person_call_history(production_id: int, person_id: int):
    """Show the office every change to one person's call times."""
    me = coordination(production_id)
    return _history_page(me, in_production(Person, person_id, production_id))
