"""Paperwork on the call sheet: a day's documents beside the frozen revision, live and per viewer.

The call sheet (crew, My day, the coordinator's revision and draft) lists the current
documents of its shoot day, of its locations, and those needed on location every day,
that the viewer may see; My day lists the "needed on location" ones of the person's next
calls for the phone to keep (static/js/saved-documents.js).
"""

import json
import re
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.auth.service import hash_password
from app.callsheets.models import CallSheetRevision
from app.callsheets.service import publish as publish_revision
from app.crew.models import Person
from app.documents import filetypes, service
from app.documents.models import Document
from app.documents.paperwork import Paper, needed_on_location, paperwork
from app.documents.schemas import Upload
from app.documents.storage import document_store
from app.extensions import db
from app.schedule.models import Location, ShootDay
from callsheet_factory import PAGE_BUDGET, build_production, wire_size
from test_callsheets import _queries
from test_documents_files import PDF, PNG

ROOT = Path(__file__).resolve().parent.parent

ART, RHYS = "art@example.com", "rhys@example.com"


@pytest.fixture
def office(film, tmp_path):
    """The demo film with an Art crew account, the short's director signed up, and a document store."""
    film.app.config["DOCUMENT_STORAGE_DIR"] = str(tmp_path / "documents")
    with film.editing() as session:
        for name, email in (("Hugo Petit", ART), ("Rhys Evans", RHYS)):
            person = session.scalar(sa.select(Person).where(Person.name == name))
            person.user = User(email=email, name=name, password_hash=hash_password("callboard-demo"))
    return film


def _location(session, production_id: int, name: str) -> int:
    return session.scalar(sa.select(Location.id).where(Location.production_id == production_id, Location.name == name))


def file(
    film,
    title,
    *,
    kind="permit",
    content=PDF,
    visibility="everyone",
    departments=(),
    day=None,
    location=None,
    needed=False,
    production_id=None,
    archived=False,
) -> int:
    """Create a document through the service, as the coordinator (day: an index of film.day_ids)."""
    production_id = production_id or film.id
    with film.editing() as session:
        office = session.scalar(
            sa.select(Person).where(Person.production_id == production_id, Person.role == "coordinator")
        )
        department_ids = [
            session.scalar(
                sa.select(Person.department_id).where(
                    Person.production_id == production_id, Person.department.has(name=name)
                )
            )
            for name in departments
        ]
        extension = "png" if content == PNG else "pdf"
        name = f"{title.lower().replace(' ', '-')}.{extension}"
        upload = Upload(filename=name, data=content + title.encode(), kind=filetypes.sniff(content, name))
        document = service.create_document(
            office,
            {
                "kind": kind,
                "title": title,
                "visibility": visibility,
                "department_ids": department_ids,
                "shoot_day_id": film.day_ids[day] if day is not None else None,
                "location_id": _location(session, production_id, location) if location else None,
                "needed_on_location": needed,
                "file": upload,
            },
            document_store(),
        )
        if archived:
            service.archive(document)
        return document.id


def publish(film, *day_indexes):
    with film.editing() as session:
        office = session.get(Person, film.dana_id)
        for index in day_indexes:
            publish_revision(session.get(ShootDay, film.day_ids[index]), office)


def titles(html: str, section: str = "day-documents") -> list[str]:
    """Return the document titles listed in a section (day-documents: the call sheet's paperwork)."""
    found = re.search(rf'<section class="[^"]*\b{section}\b.*?</section>', html, re.S)
    return re.findall(r'<li data-doc-url="[^"]+"[^>]*><a href="[^"]+">([^<]+)</a>', found.group(0)) if found else []


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


@pytest.fixture
def papers(office):
    """Day 1 (today, Harbour Warehouse) of the film with paperwork of every kind of visibility."""
    return {
        "permit": file(office, "Dock filming permit", location="Harbour Warehouse", needed=True),
        "parking": file(office, "Parking map", kind="map", content=PNG, day=0),
        "camera": file(office, "Camera sides", kind="sides", visibility="departments", departments=["Camera"], day=0),
        "art": file(office, "Set dressing list", kind="other", visibility="departments", departments=["Art"], day=0),
        "office": file(
            office,
            "Location fee invoice",
            kind="location_agreement",
            visibility="coordinators",
            location="Harbour Warehouse",
        ),
        "insurance": file(office, "Insurance certificate", kind="insurance", needed=True),
        "night": file(office, "Night dock permit", day=3, location="Harbour Warehouse"),
        "beach": file(office, "Beach permit", location="Crosby Beach", needed=True),
        "general": file(office, "Crew handbook", kind="other"),
        "old": file(office, "Old parking map", kind="map", content=PNG, day=0, archived=True),
    }


def _revision_url(film, index=0) -> str:
    with film.app.app_context():
        revision_id = db.session.scalar(
            sa.select(sa.func.max(CallSheetRevision.id)).where(CallSheetRevision.shoot_day_id == film.day_ids[index])
        )
    return film.url(f"/revisions/{revision_id}")


# Which papers a day lists ---------------------------------------------------------------------


def test_a_day_lists_its_own_papers_those_of_its_locations_and_those_needed_every_day(office, papers):
    with office.app.app_context():
        dana = db.session.get(Person, office.dana_id)
        warehouse = _location(db.session, office.id, "Harbour Warehouse")
        listed = {p.title for p in paperwork(dana, {office.day_ids[0]: [warehouse]})}
    assert listed == {
        "Dock filming permit",
        "Parking map",
        "Camera sides",
        "Set dressing list",
        "Location fee invoice",
        "Insurance certificate",
    }
    # Not listed: the night permit is day 4's although day 4 is at the warehouse too; the beach
    # permit's location is elsewhere; the handbook is for no day and not needed on location; the
    # old map is archived.


def test_a_paper_of_a_day_stays_with_its_day_and_a_paper_of_a_location_goes_where_it_is_used():
    night = Paper(1, 1, "Night permit", "permit", "everyone", False, shoot_day_id=4, location_id=9, version=1, size=1)
    place = Paper(2, 1, "Permit", "permit", "everyone", False, shoot_day_id=None, location_id=9, version=1, size=1)
    always = Paper(
        3, 1, "Insurance", "insurance", "everyone", True, shoot_day_id=None, location_id=None, version=1, size=1
    )
    loose = Paper(4, 1, "Handbook", "other", "everyone", False, shoot_day_id=None, location_id=None, version=1, size=1)
    assert night.belongs_to(4, []) and not night.belongs_to(1, [9])
    assert place.belongs_to(1, [9]) and place.belongs_to(4, [2, 9]) and not place.belongs_to(1, [2])
    assert always.belongs_to(1, []) and always.every_day
    assert not loose.belongs_to(1, [9])


def test_needed_papers_are_listed_once_with_the_first_day_that_needs_them():
    warehouse = Paper(1, 1, "Dock permit", "permit", "everyone", True, None, 9, 1, 10)
    day_two = Paper(2, 1, "Day 2 sides", "sides", "everyone", True, 2, None, 1, 10)
    not_needed = Paper(3, 1, "Map", "map", "everyone", False, 1, None, 1, 10)
    needed = needed_on_location([warehouse, day_two, not_needed], {1: [9], 2: [9]})
    assert [(day, paper.title) for day, paper in needed] == [(1, "Dock permit"), (2, "Day 2 sides")]


def test_papers_never_cross_from_one_production_to_another(office, papers):
    file(
        office, "Ferry terminal permit", location="Seacombe Ferry Terminal", needed=True, production_id=office.short_id
    )
    with office.app.app_context():
        dana = db.session.get(Person, office.dana_id)
        rhys = db.session.scalar(sa.select(Person).where(Person.name == "Rhys Evans"))
        warehouse = _location(db.session, office.id, "Harbour Warehouse")
        ferry = _location(db.session, office.short_id, "Seacombe Ferry Terminal")
        on_film = {p.title for p in paperwork(dana, {office.day_ids[0]: [warehouse, ferry]})}
        for_rhys = {p.title for p in paperwork(rhys, {office.day_ids[0]: [warehouse, ferry]})}
    assert "Ferry terminal permit" not in on_film
    assert for_rhys == {"Ferry terminal permit"}  # his own production's, never the film's


# Who sees what on the call sheet ---------------------------------------------------------------


def test_crew_see_on_the_published_call_sheet_only_the_papers_they_may_see(office, papers, client, auth):
    url = _revision_url(office)
    auth.login("crew@example.com")  # Camera
    assert titles(page(client, url)) == ["Dock filming permit", "Insurance certificate", "Parking map", "Camera sides"]
    auth.login(ART)
    assert titles(page(client, url)) == [
        "Dock filming permit",
        "Insurance certificate",
        "Parking map",
        "Set dressing list",
    ]


def test_the_coordinator_sees_every_paper_with_who_may_see_it(office, papers, client, auth):
    auth.login()
    html = page(client, _revision_url(office))
    assert set(titles(html)) == {
        "Insurance certificate",
        "Location fee invoice",
        "Parking map",
        "Dock filming permit",
        "Camera sides",
        "Set dressing list",
    }
    assert "Office only" in html and "Chosen departments" in html
    auth.login("crew@example.com")
    html = page(client, _revision_url(office))
    assert "Office only" not in html and "Chosen departments" not in html


def test_my_day_shows_the_same_paperwork_on_its_call_sheet(office, papers, client, auth):
    auth.login("crew@example.com")
    assert titles(page(client, office.url("/my-day"))) == [
        "Dock filming permit",
        "Insurance certificate",
        "Parking map",
        "Camera sides",
    ]


def test_the_draft_call_sheet_lists_the_days_paperwork_for_the_coordinator(office, papers, client, auth):
    auth.login()
    html = page(client, office.url(f"/days/{office.day_ids[3]}/callsheet"))  # the night at the warehouse
    assert set(titles(html)) == {
        "Night dock permit",
        "Dock filming permit",
        "Location fee invoice",
        "Insurance certificate",
    }


def test_members_of_another_production_get_no_call_sheet_and_no_paperwork(office, papers, client, auth):
    auth.login(RHYS)
    response = client.get(_revision_url(office))
    assert response.status_code == 404
    assert "Dock filming permit" not in response.get_data(as_text=True)


def test_each_paper_links_its_current_version_whose_download_the_viewer_may_open(office, papers, client, auth):
    auth.login("crew@example.com")
    html = page(client, _revision_url(office))
    link = f"/p/{office.id}/documents/{papers['camera']}/versions/1/download"
    assert f'<li data-doc-url="{link}"><a href="{link}">Camera sides</a>' in html
    for href in set(re.findall(r'data-doc-url="([^"]+)"', html)):
        response = client.get(href, buffered=True)
        assert response.status_code == 200, href


# Live beside a frozen revision -----------------------------------------------------------------


def test_papers_are_live_a_new_version_or_a_change_of_visibility_shows_without_a_new_revision(
    office, papers, client, auth
):
    url = _revision_url(office)
    with office.editing() as session:
        document = session.get(Document, papers["camera"])
        office_person = session.get(Person, office.dana_id)
        upload = Upload(filename="sides-v2.pdf", data=PDF + b"v2", kind=filetypes.PDF)
        service.add_version(office_person, document, upload, document_store())
        session.get(Document, papers["permit"]).visibility = "coordinators"
        service.archive(session.get(Document, papers["parking"]))
    auth.login("crew@example.com")
    html = page(client, url)
    assert titles(html) == ["Insurance certificate", "Camera sides"]  # permit: office only now; map: archived
    assert f"/documents/{papers['camera']}/versions/2/download" in html
    with office.app.app_context():
        revisions = db.session.scalars(
            sa.select(CallSheetRevision).where(CallSheetRevision.shoot_day_id == office.day_ids[0])
        ).all()
        assert len(revisions) == 1 and "documents" not in str(revisions[0].content).lower()


# My day: papers to keep on the phone ------------------------------------------------------------


def _kept(html: str) -> list[tuple[str, str, str]]:
    """Return (title, size, day label) of each paper My day asks the phone to keep."""
    section = re.search(r'<section class="card my needed".*?</section>', html, re.S)
    if not section:
        return []
    return [
        (title, size, re.sub(r"\s+", " ", where).split(" · ")[0])
        for size, title, where in re.findall(
            r'<li data-doc-url="[^"]+" data-keep data-size="(\d+)"><a href="[^"]+">([^<]+)</a>\s*<small>([^<]+)</small>',
            section.group(0),
        )
    ]


def test_my_day_keeps_the_needed_papers_of_the_calls_of_today_and_the_next_two_days(office, papers, client, auth):
    file(office, "Day 2 sides", kind="sides", day=1, needed=True)
    file(office, "Day 3 tide table", kind="other", day=2, needed=True)
    file(office, "Day 4 night permit", day=3, needed=True)
    file(
        office,
        "Art risk assessment",
        kind="risk_assessment",
        visibility="departments",
        departments=["Art"],
        day=1,
        needed=True,
    )
    publish(office, 1, 2, 3)
    auth.login("crew@example.com")
    html = page(client, office.url("/my-day"))
    kept = _kept(html)
    assert [(title, day) for title, _size, day in kept] == [
        ("Dock filming permit", "Day 1"),
        ("Insurance certificate", "Every day"),
        ("Day 2 sides", "Day 2"),
        ("Beach permit", "Day 3"),
        ("Day 3 tide table", "Day 3"),
    ]
    with office.app.app_context():
        sizes = {d.title: d.current_version.size for d in db.session.scalars(sa.select(Document))}
    assert all(int(size) == sizes[title] for title, size, _day in kept)
    assert re.search(r'data-keep-documents data-production-id="\d+" data-budget="52428800"', html)


PARSE_KEEP_LIST = """
import { readFileSync } from "node:fs";
import { keepListFromPage } from "%s";
console.log(JSON.stringify(keepListFromPage(readFileSync(0, "utf8"))));
"""


def test_the_service_worker_reads_the_same_keep_list_from_a_my_day_it_saves_in_the_background(
    office, papers, client, auth
):
    file(office, "Day 2 sides & call times", kind="sides", day=1, needed=True)
    publish(office, 1)
    auth.login("crew@example.com")
    html = page(client, office.url("/my-day"))
    documents = (ROOT / "sync" / "documents.js").as_uri()
    parsed = subprocess.run(
        ["node", "--input-type=module", "-e", PARSE_KEEP_LIST % documents],
        input=html,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    found = json.loads(parsed.stdout)
    urls = re.findall(r'<li data-doc-url="([^"]+)" data-keep', html)
    assert found["productionId"] == str(office.id) and found["budget"] == 52428800
    assert [d["url"] for d in found["documents"]] == urls and len(urls) == len(_kept(html)) == 3
    assert [d["size"] for d in found["documents"]] == [int(size) for _title, size, _day in _kept(html)]
    without = subprocess.run(
        ["node", "--input-type=module", "-e", PARSE_KEEP_LIST % documents],
        input=page(client, office.url("/documents/")),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(without.stdout) is None  # only My day says what to keep


def test_my_day_keeps_the_next_call_even_when_it_is_further_away(office, client, auth):
    file(office, "Night dock permit", day=3, needed=True)
    with office.editing() as session:
        session.execute(sa.delete(CallSheetRevision))
    publish(office, 3)
    auth.login("crew@example.com")
    assert [title for title, _size, _day in _kept(page(client, office.url("/my-day")))] == ["Night dock permit"]


def test_my_day_asks_to_keep_nothing_without_needed_papers_so_the_phone_drops_what_it_kept(office, client, auth):
    file(office, "Parking map", kind="map", content=PNG, day=0)
    auth.login("crew@example.com")
    html = page(client, office.url("/my-day"))
    assert titles(html) == ["Parking map"] and _kept(html) == []
    assert re.search(r'<section class="card my needed" data-keep-documents [^>]* hidden>\s*</section>', html)
    with office.editing() as session:
        session.execute(sa.delete(CallSheetRevision))
    html = page(client, office.url("/my-day"))  # no call at all
    assert "No call yet" in html and re.search(r"data-keep-documents [^>]* hidden>", html)


def test_the_budget_for_kept_papers_is_configurable(office, papers, client, auth):
    office.app.config["DOCUMENT_OFFLINE_MAX_BYTES"] = 5 * 1024 * 1024
    auth.login("crew@example.com")
    assert 'data-budget="5242880"' in page(client, office.url("/my-day"))


# What it costs ----------------------------------------------------------------------------------


def _page_queries(app, client, url) -> int:
    return _queries(app, lambda: client.get(url))


def test_the_paperwork_costs_one_query_however_many_papers_there_are(office, client, auth):
    url = _revision_url(office)
    auth.login("crew@example.com")
    client.get(url)  # the Opened record is written once
    client.get(office.url("/my-day"))
    none = (_page_queries(office.app, client, url), _page_queries(office.app, client, office.url("/my-day")))
    file(office, "Insurance certificate", kind="insurance", needed=True)
    one = (_page_queries(office.app, client, url), _page_queries(office.app, client, office.url("/my-day")))
    for n in range(12):
        file(office, f"Sides {n}", kind="sides", day=0, needed=n % 2 == 0, location="Harbour Warehouse")
    many = (_page_queries(office.app, client, url), _page_queries(office.app, client, office.url("/my-day")))
    assert none == one == many


def test_a_150_person_call_sheet_with_its_paperwork_stays_within_14_kb(app, client, auth, tmp_path):
    app.config["DOCUMENT_STORAGE_DIR"] = str(tmp_path / "documents")
    with app.app_context():
        built = build_production(people=150, scenes=40)
        office_person = db.session.scalar(
            sa.select(Person).where(Person.production_id == built.production_id, Person.role == "coordinator")
        )
        stage = db.session.scalar(sa.select(Location.id).where(Location.production_id == built.production_id))
        for n, (kind, title) in enumerate(
            [
                ("permit", "Dock Road filming permit"),
                ("map", "Unit base and parking map"),
                ("risk_assessment", "Working at height risk assessment"),
                ("insurance", "Public liability insurance certificate"),
            ]
        ):
            upload = Upload(filename=f"{kind}.pdf", data=PDF + bytes([n]), kind=filetypes.PDF)
            service.create_document(
                office_person,
                {
                    "kind": kind,
                    "title": title,
                    "visibility": "everyone",
                    "department_ids": [],
                    "shoot_day_id": built.day_id if n % 2 else None,
                    "location_id": stage if n % 2 == 0 else None,
                    "needed_on_location": True,
                    "file": upload,
                },
                document_store(),
            )
        revision = publish_revision(db.session.get(ShootDay, built.day_id), office_person)
        db.session.commit()
        url = f"/p/{built.production_id}/revisions/{revision.id}"
    for email in (built.coordinator_email, built.crew_email):
        auth.login(email)
        assert len(titles(page(client, url))) == 4
        response = client.get(url, headers={"Accept-Encoding": "br, gzip"})
        assert wire_size(response) <= PAGE_BUDGET
