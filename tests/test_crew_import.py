"""Crew lists from CSV: a preview of every row's problems, nothing imported until clean, merges by email."""

import re
from types import SimpleNamespace

import sqlalchemy as sa

from app.crew.models import Person
from app.extensions import db
from office_fixtures import iron_men, office  # noqa: F401

HEADER = "name,position,department,email,phone,cast number\n"


BOUNDARY = "callboard-test-boundary"


def upload(client, production_id, content: bytes | str, filename="crew.csv"):
    # The body is built here: werkzeug's test encoder leaves a temporary file open for large bodies.
    data = content.encode("utf-8") if isinstance(content, str) else content
    body = (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            f"Content-Type: text/csv\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    return client.post(
        f"/p/{production_id}/crew/import", data=body, content_type=f"multipart/form-data; boundary={BOUNDARY}"
    )


def carried_content(page: str) -> str:
    return re.search(r'name="content" value="([^"]*)"', page).group(1)


def people(app, production_id):
    with app.app_context():
        return {
            p.email or p.name: SimpleNamespace(
                name=p.name,
                job_title=p.job_title,
                phone=p.phone,
                cast_number=p.cast_number,
                role=p.role,
                department=p.department.name if p.department else None,
            )
            for p in db.session.scalars(sa.select(Person).where(Person.production_id == production_id))
        }


def test_a_clean_file_is_previewed_then_imported(office, demo, iron_men):
    before = len(people(demo, iron_men.production))
    csv_text = HEADER + (
        "Ivy Stone,Grip,Grip & Electric,ivy@crew.example.com,+44 7700 900555,\n"
        "Ravi Shah,Runner,production,RAVI@crew.example.com,,\n"
        "Mo Clarke,Actor,Cast,mo@crew.example.com,,11\n"
    )
    preview = upload(office, iron_men.production, csv_text)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "3 rows: 3 new, 0 merged" in page and page.count("New person") == 3
    assert len(people(demo, iron_men.production)) == before  # nothing imported by the preview
    response = office.post(f"/p/{iron_men.production}/crew/import/confirm", data={"content": carried_content(page)})
    assert response.status_code == 303 and "added=3" in response.headers["Location"]
    everyone = people(demo, iron_men.production)
    assert len(everyone) == before + 3
    assert everyone["ravi@crew.example.com"].department == "Production"
    assert (everyone["mo@crew.example.com"].cast_number, everyone["ivy@crew.example.com"].job_title) == (11, "Grip")
    assert "Imported: 3 new people, 0 updated." in office.get(response.headers["Location"]).get_data(as_text=True)


def test_headers_match_in_any_case_and_order_with_or_without_a_bom(office, demo, iron_men):
    csv_text = "\ufeffEMAIL,Cast Number,Name,DEPARTMENT\r\nzed@crew.example.com,,Zed Ames,camera\r\n"
    page = upload(office, iron_men.production, csv_text).get_data(as_text=True)
    assert "1 rows: 1 new" in page
    office.post(f"/p/{iron_men.production}/crew/import/confirm", data={"content": carried_content(page)})
    assert people(demo, iron_men.production)["zed@crew.example.com"].name == "Zed Ames"


def test_every_rows_problems_are_listed_by_row_number_and_nothing_is_imported(office, demo, iron_men):
    before = len(people(demo, iron_men.production))
    csv_text = HEADER + (
        "Ivy Stone,Grip,Grips,ivy@crew.example.com,,\n"  # row 2: unknown department
        "Ravi Shah,Runner,Production,ravi@,,\n"  # row 3: bad email
        "Mo Clarke,Actor,Cast,mo@crew.example.com,,4\n"  # row 4: cast number 4 is taken
        "Al Byrne,Actor,Cast,al@crew.example.com,,12\n"  # row 5
        "Bo Byrne,Actor,Cast,bo@crew.example.com,,12\n"  # row 6: same cast number as row 5
        ",Driver,Production,,,\n"  # row 7: no name
        "Cy Dale,Actor,Cast,cy@crew.example.com,abc,x\n"
    )  # row 8: phone and cast number
    response = upload(office, iron_men.production, csv_text)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing has been imported" in page
    for row, problem in (
        (2, "Unknown department “Grips”"),
        (3, "“ravi@” is not an email address."),
        (4, "Cast number 4 is already Marcus Bell."),
        (6, "Cast number 12 is also on row 5."),
        (7, "The name is missing."),
        (8, "“abc” is not a phone number"),
        (8, "“x” is not a cast number from 1 to 999."),
    ):
        assert f"<strong>Row {row}:</strong> {problem}" in page, (row, problem)
    assert 'name="content"' not in page  # no import button until the file is clean
    assert len(people(demo, iron_men.production)) == before


def test_people_already_here_are_merged_by_email_not_doubled(office, demo, iron_men):
    before = len(people(demo, iron_men.production))
    csv_text = HEADER + "Marta Kowalska,DoP,Camera,Marta.Kowalska@crew.example.com,+44 7700 900999,\n"
    page = upload(office, iron_men.production, csv_text).get_data(as_text=True)
    assert "Merge into Marta Kowalska (position, phone)" in page
    office.post(f"/p/{iron_men.production}/crew/import/confirm", data={"content": carried_content(page)})
    everyone = people(demo, iron_men.production)
    assert len(everyone) == before
    marta = everyone["marta.kowalska@crew.example.com"]
    assert (marta.job_title, marta.phone, marta.role) == ("DoP", "+44 7700 900999", "crew")


def test_duplicates_inside_the_file_are_merged_into_one_person(office, demo, iron_men):
    before = len(people(demo, iron_men.production))
    csv_text = HEADER + (
        "Ivy Stone,Grip,Grip & Electric,ivy@crew.example.com,,\nIvy Stone,,,IVY@crew.example.com,+44 7700 900555,\n"
    )
    page = upload(office, iron_men.production, csv_text).get_data(as_text=True)
    assert "Same email as row 2: merged into it" in page
    office.post(f"/p/{iron_men.production}/crew/import/confirm", data={"content": carried_content(page)})
    everyone = people(demo, iron_men.production)
    assert len(everyone) == before + 1
    assert (everyone["ivy@crew.example.com"].job_title, everyone["ivy@crew.example.com"].phone) == (
        "Grip",
        "+44 7700 900555",
    )


def test_duplicates_inside_the_file_that_disagree_are_a_problem(office, iron_men):
    csv_text = HEADER + (
        "Ivy Stone,Grip,Grip & Electric,ivy@crew.example.com,,\nIvy Stone,Grip,Art,ivy@crew.example.com,,\n"
    )
    response = upload(office, iron_men.production, csv_text)
    assert response.status_code == 422
    assert "Same email as row 2 but a different department (Art, not Grip &amp; Electric)" in response.get_data(
        as_text=True
    )


def test_importing_the_same_file_twice_changes_nothing_the_second_time(office, demo, iron_men):
    csv_text = HEADER + "Ivy Stone,Grip,Grip & Electric,ivy@crew.example.com,,\n"
    for _ in range(2):
        page = upload(office, iron_men.production, csv_text).get_data(as_text=True)
        office.post(f"/p/{iron_men.production}/crew/import/confirm", data={"content": carried_content(page)})
    assert "(nothing changes)" in page
    with demo.app_context():
        assert db.session.query(Person).filter_by(email="ivy@crew.example.com").count() == 1


def test_the_import_step_checks_the_file_again(office, demo, iron_men):
    import base64

    before = len(people(demo, iron_men.production))
    tampered = base64.urlsafe_b64encode((HEADER + "Ivy Stone,Grip,Grips,ivy@crew.example.com,,\n").encode()).decode()
    response = office.post(f"/p/{iron_men.production}/crew/import/confirm", data={"content": tampered})
    assert response.status_code == 422 and "Unknown department “Grips”" in response.get_data(as_text=True)
    damaged = office.post(f"/p/{iron_men.production}/crew/import/confirm", data={"content": "not base64!"})
    assert damaged.status_code == 422 and "Upload the file again" in damaged.get_data(as_text=True)
    missing = office.post(f"/p/{iron_men.production}/crew/import/confirm", data={})
    assert missing.status_code == 422 and "Upload the file again" in missing.get_data(as_text=True)
    assert len(people(demo, iron_men.production)) == before


def test_a_10_mb_file_is_refused_with_a_clear_message(office, demo, iron_men):
    before = len(people(demo, iron_men.production))
    huge = (HEADER + "Ivy Stone,Grip,Camera,ivy@crew.example.com,,\n" * 240_000).encode()
    assert len(huge) > 10 * 1024 * 1024
    response = upload(office, iron_men.production, huge)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "The file is larger than 1 MB" in page and 'type="file"' in page  # the upload form, to try again
    a_bit_over = upload(office, iron_men.production, b"x" * (1024 * 1024 + 10))
    assert a_bit_over.status_code == 413 and "the limit is 1 MB" in a_bit_over.get_data(as_text=True)
    assert len(people(demo, iron_men.production)) == before


def test_files_that_are_not_a_readable_crew_list_get_a_clear_422(office, iron_men):
    cases = [
        ((HEADER + "Zoë Brûlé,Grip,Camera,zoe@crew.example.com,,\n").encode("cp1252"), "not UTF-8 text"),
        ((HEADER + "Ann,Grip,Camera,ann@crew.example.com,,\n").encode("utf-16"), "not UTF-8 text"),
        (b"", "The file is empty."),
        (b"  \n\n", "The file is empty."),
        (b"full name,job\nAnn,Grip\n", "The file has no “department” column."),
        (b"email,phone\nann@crew.example.com,1\n", "no “name” or “department” column"),
        (HEADER.encode(), "has no rows of people"),
        (b"name,name,department\nA,B,Camera\n", "more than one “name” column"),
    ]
    for content, message in cases:
        response = upload(office, iron_men.production, content)
        assert response.status_code == 422, message
        assert message in response.get_data(as_text=True)
    no_file = office.post(f"/p/{iron_men.production}/crew/import", data={}, content_type="multipart/form-data")
    assert no_file.status_code == 422 and "Choose a CSV file" in no_file.get_data(as_text=True)


def test_semicolon_separated_files_from_european_spreadsheets_are_read(office, iron_men):
    csv_text = "Name;Position;Department;Email\nIvy Stone;Grip;Camera;ivy@crew.example.com\n"
    response = upload(office, iron_men.production, csv_text)
    assert response.status_code == 200 and "1 rows: 1 new" in response.get_data(as_text=True)
