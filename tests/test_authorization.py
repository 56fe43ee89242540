"""The authorization matrix: every route, five actors, objects of production A.

Each route in app.url_map is called by anonymous, crew of A, the coordinator of A, crew of B
and the coordinator of B, with URL parameters filled from objects of production A, and the
answer must match the route's row in EXPECTED. GET routes are fetched; every other method
is sent with a valid CSRF token and an empty form, and an actor who is refused must leave
the database exactly as it was.

Adding a route (this test fails until you do):
  1. Add one line to EXPECTED: `"blueprint.endpoint": PROFILE,` — the profiles below say who
     may use it. If one endpoint serves GET and POST with different rules, write
     `by_method(GET=MEMBERS, POST=COORDINATORS)`. Add a profile only for a truly new rule.
  2. If its URL has a parameter that url_values() does not fill yet, add it there, as an
     object of production A built in build_world().
  3. If it only accepts a JSON body (sync, push subscriptions), give it one in
     REQUEST_BODIES so that an allowed actor gets past parsing, e.g. `{"json": {"ops": []}}`.
"""

import hashlib
from collections import namedtuple
from datetime import date
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app import create_app
from app.auth import invites, service
from app.auth.models import DeviceSession, User
from app.crew.models import CREW, Department, Person
from app.extensions import db
from app.schedule.models import Location, PersonCall, Scene, ShootDay
from app.seed import seed_feature_film, seed_short

ACTORS = ("anonymous", "crew_a", "coordinator_a", "crew_b", "coordinator_b")

# What an actor gets back.
OK = "allowed"  # 2xx, a redirect that is not to /login, or 400/409/422 for the empty form
SIGN_IN = "sent to sign in"  # a redirect to /login, or 401 (htmx)
FORBIDDEN = "403 forbidden"
NOT_FOUND = "404 not found"


def profile(anonymous, crew_a, coordinator_a, crew_b, coordinator_b):
    return dict(
        anonymous=anonymous, crew_a=crew_a, coordinator_a=coordinator_a, crew_b=crew_b, coordinator_b=coordinator_b
    )


def by_method(**profiles):
    """Give one endpoint a different profile per HTTP method."""
    return profiles


# Anyone, signed in or not (sign-in page, invite links, static files).
PUBLIC = profile(OK, OK, OK, OK, OK)
# Anyone signed in, about their own account (home, password, my devices).
SIGNED_IN = profile(SIGN_IN, OK, OK, OK, OK)
# A device session of crew A's account: only its owner may touch it; others learn nothing.
OWN_SESSION = profile(SIGN_IN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND)
# Any member of production A, crew or coordinator (My day, the published call sheet).
MEMBERS = profile(SIGN_IN, OK, OK, NOT_FOUND, NOT_FOUND)
# Only the production office of A (editing, drafts, invites, private contacts).
COORDINATORS = profile(SIGN_IN, FORBIDDEN, OK, NOT_FOUND, NOT_FOUND)
# Something of crew A's account (a push device, a feed entry): only its owner may touch it.
OWN_THING = profile(SIGN_IN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND)
# Signing out: everyone ends up on the sign-in page.
SIGN_OUT = profile(SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN)

EXPECTED = {
    "static": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": SIGN_OUT,
    "auth.home": SIGNED_IN,
    "auth.password": SIGNED_IN,
    "auth.sessions": SIGNED_IN,
    "auth.end_session": OWN_SESSION,
    "auth.end_other_sessions": SIGNED_IN,
    "auth.invite": PUBLIC,
    "auth.accept_invite": PUBLIC,
    "access.invite_person": COORDINATORS,
    "access.end_person_sessions": COORDINATORS,
    "access.email_invite": COORDINATORS,
    "access.invite_state": COORDINATORS,
    "access.person_access": COORDINATORS,
    "onboarding.invite_everyone": COORDINATORS,
    "onboarding.mail_message": COORDINATORS,
    "onboarding.mailbox": COORDINATORS,
    "onboarding.qr_cards": COORDINATORS,
    "callsheets.office": COORDINATORS,
    "callsheets.add_day": COORDINATORS,
    "schedule.new_production": SIGNED_IN,
    **{
        f"schedule.{name}": COORDINATORS
        for name in (
            "add_department",
            "add_location",
            "add_scene",
            "day",
            "delete_scene",
            "departments",
            "locations",
            "move_department",
            "move_scene",
            "save_call",
            "save_day",
            "save_department_call",
            "save_settings",
            "scenes",
            "settings",
            "update_department",
            "update_location",
            "update_scene",
        )
    },
    **{
        f"crew.{name}": COORDINATORS
        for name in (
            "add_person",
            "confirm_import",
            "crew",
            "import_crew",
            "preview_import",
            "remove_person",
            "update_person",
        )
    },
    "callsheets.my_day": MEMBERS,
    "callsheets.revision": MEMBERS,
    "callsheets.confirm": MEMBERS,
    **{f"callsheets.{name}": COORDINATORS for name in ("board", "latest_board", "preview", "publish", "announcement")},
    "callsheets.history": MEMBERS,  # published revisions only
    "callsheets.compare_revisions": MEMBERS,  # two published revisions side by side
    "callsheets.my_call_history": MEMBERS,  # one's own call changes only
    "callsheets.person_call_history": COORDINATORS,
    "sync.act": MEMBERS,
    "checkins.today": COORDINATORS,
    "checkins.check_in_by_hand": COORDINATORS,
    "sync.sync": SIGNED_IN,  # ops for a production the account is not in are rejected one by one
    "documents.index": MEMBERS,
    "documents.detail": MEMBERS,  # the document of A is visible to everyone on A
    "documents.download": MEMBERS,
    "documents.new": COORDINATORS,
    "documents.edit": COORDINATORS,
    "documents.add_version": COORDINATORS,
    "documents.archive": COORDINATORS,
    "documents.restore": COORDINATORS,
    **{
        f"offline.{name}": PUBLIC
        for name in ("manifest", "offline_page", "service_worker", "service_worker_assets", "service_worker_module")
    },
    "push.public_key": SIGNED_IN,
    "push.feed": SIGNED_IN,
    "push.settings": SIGNED_IN,
    "push.subscribe": SIGNED_IN,
    "push.unsubscribe_endpoint": SIGNED_IN,
    "push.set_preference": SIGNED_IN,
    "push.mark_all_read": SIGNED_IN,
    "push.mark_read": OWN_THING,
    "push.remove_device": OWN_THING,
    "push.send_test": OWN_THING,
    "directory.directory": MEMBERS,  # contacts filtered per viewer
    "directory.me": MEMBERS,  # one's own profile
    "directory.save_me": MEMBERS,
    "directory.reset_calendar": MEMBERS,
    "directory.crew_csv": COORDINATORS,  # private and emergency contacts
    "calendar.feed": PUBLIC,  # the secret link is the credential: no session needed
}

# Request arguments for routes that need more than an empty form to reach their logic.
REQUEST_BODIES = {
    "sync.sync": {"json": {"sent_at": "2030-05-06T06:00:00Z", "ops": []}, "headers": {"X-Callboard-Sync": "1"}},
    "push.subscribe": {"json": {}},
    "push.unsubscribe_endpoint": {"json": {}},
}

World = namedtuple("World", "values tokens")


def build_world() -> World:
    """Create productions A and B, one account per actor, and objects of A to aim at."""
    users = {name: User(email=f"{name}@example.com", name=name.replace("_", " ").title()) for name in ACTORS[1:]}
    db.session.add_all(users.values())
    first_day = date(2030, 5, 6)
    a = seed_feature_film(first_day, users["coordinator_a"], users["crew_a"])
    b = seed_short(first_day, users["coordinator_b"])
    db.session.flush()
    db.session.add(Person(production_id=b.id, user=users["crew_b"], name="Crew B", role=CREW))
    # A member of A with an account and a phone that is signed in: the target of person routes.
    target = db.session.scalar(
        sa.select(Person)
        .where(Person.production_id == a.id, Person.user_id.is_(None), Person.cast_number.is_(None))
        .order_by(Person.id)
    )
    target.user = User(email="target@example.com", name=target.name)
    db.session.flush()
    service.start_session(target.user, "Mozilla/5.0 (iPhone)", "127.0.0.2")
    tokens = {name: service.start_session(user, "pytest", "127.0.0.1") for name, user in users.items()}
    other_device = service.start_session(users["crew_a"], "Mozilla/5.0 (Android)", "127.0.0.3")
    _, invite_token = invites.create_invite(target)
    db.session.flush()

    def first(model):
        return db.session.scalar(sa.select(model).where(model.production_id == a.id).order_by(model.id))

    day, scene = first(ShootDay), first(Scene)
    values = {
        "production_id": a.id,
        "person_id": target.id,
        "token": invite_token,
        "day_id": day.id,
        "shoot_day_id": day.id,
        "scene_id": scene.id,
        "location_id": first(Location).id,
        "department_id": first(Department).id,
        "person_call_id": first(PersonCall).id,
        "call_id": first(PersonCall).id,
        "session_id": db.session.scalar(
            sa.select(DeviceSession.id).where(DeviceSession.token_hash == service.token_digest(other_device))
        ),
        "filename": "css/callboard.css",
    }
    values.update(_revision_values(a))
    values.update(_account_things(users["crew_a"]))
    values.update(_document_values(a, day))
    values["feed_token"] = _calendar_token(a, users["crew_a"])
    values["kind"] = "check_in"
    values["name"] = "outbox"
    values["message_id"] = _mail_message(a, target)
    db.session.commit()
    return World(values, tokens)


def _mail_message(production, person) -> int:
    """Keep one email of production A in the local mailbox ("Mail that would have been sent")."""
    from datetime import timedelta

    from app.mail.models import MailMessage
    from app.timeutil import utcnow

    message = MailMessage(
        production_id=production.id,
        person_id=person.id,
        source="invite:test",
        to_address="tom@example.com",
        subject="Join The Iron Men on Callboard",
        text="Open the link.",
        html="<p>Open the link.</p>",
        message_id="<authz@callboard.test>",
        expires_at=utcnow() + timedelta(days=1),
    )
    db.session.add(message)
    db.session.flush()
    return message.id


def _revision_values(production) -> dict:
    # Call sheet routes aim at a published revision of A; the callsheets seed may publish one.
    from app.callsheets.models import CallSheetRevision
    from app.callsheets.service import publish

    revision = db.session.scalar(
        sa.select(CallSheetRevision)
        .where(CallSheetRevision.production_id == production.id)
        .order_by(CallSheetRevision.id)
    )
    if revision is None:
        coordinator = db.session.scalar(
            sa.select(Person).where(Person.production_id == production.id, Person.role == "coordinator")
        )
        revision = publish(production.shoot_days[0], coordinator)
        db.session.flush()
    return {"rev_id": revision.id, "revision_id": revision.id}


def _calendar_token(production, user) -> str:
    # Crew A's private calendar feed link.
    from app.directory.service import reset_calendar_token

    return reset_calendar_token(
        db.session.scalar(sa.select(Person).where(Person.production_id == production.id, Person.user_id == user.id))
    )


def _account_things(user) -> dict:
    # A push device and a feed entry belonging to crew A's account.
    from app.push.models import PushSubscription
    from app.push.service import Message, enqueue_for_user

    device = PushSubscription(
        user_id=user.id,
        endpoint="https://fcm.googleapis.com/fcm/send/crew-a",
        p256dh="B" * 87,
        auth="A" * 22,
        vapid_key_id="test",
    )
    db.session.add(device)
    db.session.flush()
    notification = enqueue_for_user(user.id, Message(title="Call moved"))
    db.session.flush()
    return {"subscription_id": device.id, "notification_id": notification.id}


def _document_values(production, day) -> dict:
    # A parking map of A that everyone on A may read.
    from app.documents.models import EVERYONE, Document, DocumentVersion
    from app.documents.storage import document_store

    data = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    key = document_store().put(data)
    document = Document(
        production_id=production.id, kind="map", title="Parking map", visibility=EVERYONE, shoot_day_id=day.id
    )
    document.versions.append(
        DocumentVersion(
            number=1,
            filename="parking.pdf",
            size=len(data),
            content_type="application/pdf",
            storage_key=key,
            sha256=hashlib.sha256(data).hexdigest(),
        )
    )
    db.session.add(document)
    db.session.flush()
    return {"document_id": document.id, "number": 1}


def url_values(rule, world: World) -> dict:
    """Fill every parameter of a URL rule from the world, or fail saying what is missing."""
    missing = sorted(set(rule.arguments) - set(world.values))
    assert not missing, (
        f"{rule.rule}: add a value for {missing} to url_values() in "
        f"tests/test_authorization.py (an object of production A)"
    )
    return {name: world.values[name] for name in rule.arguments}


def _routes():
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted(
        (rule.endpoint, method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


ROUTES = _routes()


def test_every_route_has_a_row_and_every_row_a_route():
    endpoints = {endpoint for endpoint, _, _ in ROUTES}
    assert sorted(endpoints - set(EXPECTED)) == [], "routes without a row in EXPECTED"
    assert sorted(set(EXPECTED) - endpoints) == [], "rows in EXPECTED for routes that are gone"


def expectation(endpoint: str, method: str) -> dict:
    row = EXPECTED.get(endpoint)
    assert row is not None, f"{endpoint} has no row in EXPECTED (see the module docstring)"
    return row if "anonymous" in row else row[method]


def outcome(response) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        return SIGN_IN if urlsplit(response.headers["Location"]).path == "/login" else OK
    if status == 401:
        return SIGN_IN
    if status == 403:
        return FORBIDDEN
    if status == 404:
        return NOT_FOUND
    if status < 300 or status in (400, 409, 422):
        return OK
    return f"unexpected {status}"


def snapshot() -> dict:
    """Return every row of every table, to prove a refused request changed nothing."""
    with db.engine.connect() as connection:
        return {
            table.name: connection.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            for table in db.metadata.sorted_tables
        }


def reset_database() -> None:
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


def call(app, world: World, actor: str, method: str, url: str, endpoint: str):
    client = app.test_client()
    if actor != "anonymous":
        with client.session_transaction() as session:
            session["sid"] = world.tokens[actor]
    headers = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    body = {} if method == "GET" else REQUEST_BODIES.get(endpoint, {"data": {}})
    body = dict(body)
    headers.update(body.pop("headers", {}))
    response = client.open(url, method=method, headers=headers, buffered=True, **body)
    response.close()  # static files are streamed from an open file
    return response


@pytest.mark.parametrize("endpoint,method,rule_text", ROUTES, ids=[f"{e} {m}" for e, m, _ in ROUTES])
def test_route_answers_each_actor_as_its_row_says(app, endpoint, method, rule_text):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint and r.rule == rule_text)
    expected = expectation(endpoint, method)
    wrong = []
    world = None
    for actor in ACTORS:
        with app.app_context():
            if world is None or method != "GET":  # a state change gets a fresh world
                reset_database()
                world = build_world()
            # Build from this very rule: one endpoint may have a rule per method.
            url = app.url_map.bind("localhost").build(endpoint, url_values(rule, world), method=method)
            before = snapshot()
        response = call(app, world, actor, method, url, endpoint)
        got = outcome(response)
        if got != expected[actor]:
            wrong.append(f"{actor}: expected {expected[actor]}, got {got} ({response.status_code})")
        elif got in (FORBIDDEN, NOT_FOUND) or (got == SIGN_IN and actor == "anonymous"):
            with app.app_context():
                if snapshot() != before:
                    wrong.append(f"{actor}: refused ({got}) but the database changed")
    assert not wrong, f"{method} {rule_text} [{endpoint}]\n  " + "\n  ".join(wrong)
