"""Every route, every actor, hostile input everywhere: not one response is a 500."""

import importlib
import pkgutil
import re
import time
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from marshmallow import Schema

import app as app_package
from app.auth.models import DeviceSession
from app.callsheets.models import CallSheetRevision
from app.crew.models import Department, Person
from app.documents.models import Document
from app.extensions import db
from app.mail.models import MailMessage
from app.push.models import Notification, PushSubscription
from app.schedule.models import Location, Production, Scene, ShootDay

#: Routes this walk leaves alone (none: the sync API and its no-JavaScript form twin are walked
#: too, beside their own Hypothesis test over arbitrary JSON in tests/test_sync_hostile.py).
EXCLUDED: set[tuple[str, str]] = set()
#: Run last for each actor: they end the actor's session or remove what the other routes walk.
LAST = re.compile(r"logout|/end|remove|delete|archive|publish|password|/invite")

IDS = [str(2**31), str(2**63), str(10**20), "-1", "0"]
#: In range for the URL converter, so the view itself runs (the others stop at routing).
ROUTED_IDS = ["0", str(2**31 - 1)]
DATES = ["0001-01-01", "9999-12-31"]
STRINGS = ["line\r\nbreak\x0bvt\u3000", "nul\x00byte", "x" * 5000, "²", "/%09/evil.example"]
HOSTILE = IDS + DATES + STRINGS
DEEP_JSON = "[" * 2000 + "]" * 2000
#: Query-string names read by views outside the schemas.
QUERY_NAMES = {"edit", "edit_scene", "next", "v", "saved", "added", "updated", "day", "kind"}
ARGUMENT = re.compile(r"<(?:(\w+):)?(\w+)>")


def _schema_field_names() -> set[str]:
    """Every field name any marshmallow schema of the app reads (forms, query strings, JSON)."""
    names = set()
    for module_info in pkgutil.walk_packages(app_package.__path__, "app."):
        if not module_info.name.endswith("schemas"):
            continue
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Schema):
                for name, field in value._declared_fields.items():
                    names.add(field.data_key or name)
    return names


def _valid_arguments(app) -> dict[str, str]:
    """Real ids of the coordinator's production, so a hostile value in one place meets valid ones elsewhere."""
    with app.app_context():
        production_id = db.session.scalar(sa.select(Production.id).order_by(Production.id))

        def first(model, *where):
            return db.session.scalar(sa.select(model.id).where(*where).order_by(model.id)) or 1

        day_id = first(ShootDay, ShootDay.production_id == production_id)
        document_id = first(Document, Document.production_id == production_id)
        return {
            "production_id": production_id,
            "day_id": day_id,
            "person_id": first(Person, Person.production_id == production_id),
            "department_id": first(Department, Department.production_id == production_id),
            "location_id": first(Location, Location.production_id == production_id),
            "scene_id": first(Scene, Scene.shoot_day_id == day_id),
            "revision_id": first(CallSheetRevision, CallSheetRevision.shoot_day_id == day_id),
            "document_id": document_id,
            "number": 1,
            "session_id": first(DeviceSession),
            "notification_id": first(Notification),
            "message_id": first(MailMessage),
            "subscription_id": first(PushSubscription),
            "kind": "check_in",
            "token": "no-such-invite",
            "feed_token": "no-such-feed",
            "filename": "app.css",
            "name": "outbox",
        }


def _path(rule: str, arguments: dict) -> str:
    return ARGUMENT.sub(lambda m: quote(str(arguments[m.group(2)]), safe=""), rule)


def _requests(method: str, rule: str, valid: dict, names: list[str], path_ids: list[str]):
    """Yield (path, keyword arguments) for the hostile variants of one route.

    Every field gets every hostile value once: request k gives field i the value k + i (mod n),
    so one request carries several kinds of trouble and n requests cover them all.
    """
    converters = {m.group(2): m.group(1) for m in ARGUMENT.finditer(rule)}
    for i, (name, converter) in enumerate(converters.items()):
        for value in [path_ids[i % len(path_ids)]] if converter == "int" else STRINGS:
            yield _path(rule, {**valid, name: value}), {}
    path = _path(rule, valid)
    for k in range(len(HOSTILE)):
        fields = {name: HOSTILE[(k + i) % len(HOSTILE)] for i, name in enumerate(names)}
        yield path, {"query_string": fields} if method == "GET" else {"data": fields}
    if method != "GET":
        yield path, {"data": DEEP_JSON, "content_type": "application/json"}
        yield path, {"json": {name: HOSTILE[i % len(HOSTILE)] for i, name in enumerate(names)}}


def _closed(response) -> bool:
    """Return True when the actor may not use the route at all (sign-in redirect, 403, 404, 405)."""
    if response.status_code in (403, 404, 405):
        return True
    return response.status_code in (302, 303) and "/login" in response.headers.get("Location", "")


@pytest.mark.slow
def test_no_route_answers_500_to_hostile_input_from_any_actor(demo):
    started = time.monotonic()
    rules = sorted(
        (
            (method, rule.rule)
            for rule in demo.url_map.iter_rules()
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
            if (method, rule.rule) not in EXCLUDED
        ),
        key=lambda item: (bool(LAST.search(item[1])), item[1], item[0]),
    )
    valid, names = _valid_arguments(demo), sorted(_schema_field_names() | QUERY_NAMES)
    failures, sent, counts = [], 0, {}

    def send(client, actor, method, path, kwargs):
        nonlocal sent
        sent += 1
        counts[actor] = counts.get(actor, 0) + 1
        try:
            response = client.open(path, method=method, **kwargs)
        except Exception as error:  # noqa: BLE001 - an exception out of a view is the 500 we count
            failures.append(f"{actor} {method} {path[:200]} {list(kwargs)} {type(error).__name__}: {str(error)[:120]}")
            return None
        if response.status_code >= 500:
            failures.append(f"{actor} {method} {path[:200]} {list(kwargs)} {response.status_code}")
        return response

    for actor in ("anonymous", "crew@example.com", "coordinator@example.com"):
        client = demo.test_client()
        if actor != "anonymous":
            client.csrf_token = None
            assert client.post("/login", data={"email": actor, "password": "callboard-demo"}).status_code == 302
            client.csrf_token = None
        for j, (method, rule) in enumerate(rules):
            # Out-of-range ids stop at routing whoever asks (test_edges checks each segment): here one
            # request per route puts the next of them in every int segment at once.
            out_of_range = IDS[(j + len(counts)) % 4]
            if "<int:" in rule:
                send(
                    client,
                    actor,
                    method,
                    _path(
                        rule,
                        {
                            **valid,
                            **{name: out_of_range for converter, name in ARGUMENT.findall(rule) if converter == "int"},
                        },
                    ),
                    {},
                )
            baseline = send(client, actor, method, _path(rule, valid), {})
            if baseline is not None and _closed(baseline):
                continue  # this actor cannot use it: the hostile variants would meet the same door
            for path, kwargs in _requests(method, rule, valid, names, ROUTED_IDS):
                send(client, actor, method, path, kwargs)
    elapsed = time.monotonic() - started
    print(f"\n{sent} hostile requests in {elapsed:.1f} s; {len(failures)} answered 500 or more")
    print("  by actor:", counts)
    for failure in failures[:40]:
        print("  ", failure)
    assert len(failures) == 0


class _Forms(HTMLParser):
    """Collect each POST form of a page: its action and its fields with their current values."""

    def __init__(self):
        super().__init__()
        self.forms, self._current, self._select = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._current = {"action": attrs.get("action") or "", "fields": {}}
            self.forms.append(self._current)
        elif self._current is None or not attrs.get("name"):
            return
        elif tag == "input" and attrs.get("type") not in ("submit", "button", "file", "image"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                self._current["fields"].setdefault(attrs["name"], attrs.get("value") or "on")
            else:
                self._current["fields"][attrs["name"]] = attrs.get("value") or ""
        elif tag in ("textarea", "select"):
            self._current["fields"].setdefault(attrs["name"], "")
            self._select = attrs["name"] if tag == "select" else None
        elif tag == "option" and self._select and ("selected" in attrs or not self._current["fields"][self._select]):
            self._current["fields"][self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None


def _page_forms(client, paths) -> list[dict]:
    """Return the distinct POST forms on the pages (same action shape and fields: one form)."""
    seen, forms = set(), []
    for path in paths:
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        parser = _Forms()
        parser.feed(response.get_data(as_text=True))
        for form in parser.forms:
            shape = (re.sub(r"\d+", "N", form["action"]), tuple(sorted(form["fields"])))
            if form["action"].startswith("/") and shape not in seen and not LAST.search(form["action"]):
                seen.add(shape)
                forms.append(form)
    return forms


@pytest.mark.slow
def test_no_form_answers_500_when_one_field_turns_hostile(demo):
    """Each real form, filled as the page fills it, with one field at a time made hostile: the
    hostile value then gets past the other fields' checks and reaches the service."""
    started = time.monotonic()
    valid = _valid_arguments(demo)
    failures, sent = [], 0
    for actor in ("crew@example.com", "coordinator@example.com"):
        client = demo.test_client()
        client.csrf_token = None
        assert client.post("/login", data={"email": actor, "password": "callboard-demo"}).status_code == 302
        client.csrf_token = None
        pages = sorted(
            {
                _path(rule.rule, valid)
                for rule in demo.url_map.iter_rules()
                if "GET" in rule.methods and not rule.rule.startswith(("/static", "/sw", "/cal"))
            }
        )
        for form in _page_forms(client, pages):
            fields = sorted(name for name in form["fields"] if name != "csrf_token")
            for name, value in (
                (field, value)
                for i, field in enumerate(fields)
                for value in (
                    IDS[:2]
                    if re.search(r"(^|_)ids?$|departments", field)
                    else DATES
                    if re.search(r"(^|_)date$", field)
                    else (HOSTILE[(i + sent) % len(HOSTILE)], HOSTILE[(i + sent + 5) % len(HOSTILE)])
                )
            ):
                sent += 1
                try:
                    status = client.post(form["action"], data={**form["fields"], name: value}).status_code
                except Exception as error:  # noqa: BLE001 - an exception out of a view is the 500 we count
                    status, name = 500, f"{name} ({type(error).__name__}: {str(error)[:120]})"
                if status >= 500:
                    failures.append(f"{actor} POST {form['action']} {name}={value[:40]!r}")
        # Whatever the hostile values left stored, every page and the person's calendar feed still show.
        client.post(f"/p/{valid['production_id']}/me/calendar")
        feed = re.search(
            r'http://localhost(/cal/[^"]+\.ics)', client.get(f"/p/{valid['production_id']}/me").get_data(as_text=True)
        )
        for path in pages + ([feed.group(1)] if feed else []):
            sent += 1
            try:
                status = client.get(path).status_code
            except Exception as error:  # noqa: BLE001
                status, path = 500, f"{path} ({type(error).__name__}: {str(error)[:120]})"
            if status >= 500:
                failures.append(f"{actor} GET {path} afterwards")
    print(
        f"\n{sent} forms with one hostile field in {time.monotonic() - started:.1f} s; "
        f"{len(failures)} answered 500 or more"
    )
    for failure in failures[:40]:
        print("  ", failure)
    assert len(failures) == 0
