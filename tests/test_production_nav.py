"""One production nav on every production page: the office's sections for coordinators, the crew's own."""

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.schedule.models import Production, ShootDay

COORDINATOR_LINKS = ["Days", "Crew", "Departments", "Locations", "Documents", "Directory", "Today", "Settings"]
CREW_LINKS = ["My day", "My calls", "Crew", "Documents", "Notifications", "Me"]


@pytest.fixture
def iron_men(demo):
    with demo.app_context():
        production = db.session.scalar(sa.select(Production).where(Production.title == "The Iron Men"))
        day = db.session.scalar(
            sa.select(ShootDay).where(ShootDay.production_id == production.id).order_by(ShootDay.date).limit(1)
        )
        return production.id, day.id


def nav(page: str) -> dict[str, str]:
    """Return the production nav's links as {label: href}, and which one is current under '*'."""
    [block] = re.findall(r'<nav class="production-nav" aria-label="Production">(.*?)</nav>', page, re.S)
    links = {label: href for href, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', block)}
    current = re.findall(r'aria-current="page">([^<]+)</a>', block)
    return {**links, "*": current[0] if current else None}


@pytest.mark.parametrize(
    "path, current",
    [
        ("/p/{p}/", "Days"),
        ("/p/{p}/days/{d}", "Days"),
        ("/p/{p}/crew", "Crew"),
        ("/p/{p}/departments", "Departments"),
        ("/p/{p}/locations", "Locations"),
        ("/p/{p}/documents/", "Documents"),
        ("/p/{p}/today", "Today"),
        ("/p/{p}/settings", "Settings"),
        ("/p/{p}/days/{d}/callsheet", "Days"),
        ("/p/{p}/days/{d}/revisions", "Days"),
        ("/p/{p}/days/{d}/board", "Days"),
    ],
)
def test_coordinators_reach_every_office_section_from_every_production_page(client, auth, iron_men, path, current):
    production_id, day_id = iron_men
    auth.login("coordinator@example.com")
    response = client.get(path.format(p=production_id, d=day_id), follow_redirects=True)

    assert response.status_code == 200
    links = nav(response.get_data(as_text=True))
    assert [label for label in links if label != "*"] == COORDINATOR_LINKS
    assert links["Today"] == f"/p/{production_id}/today"
    assert links["Documents"] == f"/p/{production_id}/documents/"
    assert links["*"] == current


@pytest.mark.parametrize("path, current", [("/p/{p}/my-day", "My day"), ("/p/{p}/documents/", "Documents")])
def test_crew_see_only_their_own_sections(client, auth, iron_men, path, current):
    production_id, _ = iron_men
    auth.login("crew@example.com")
    response = client.get(path.format(p=production_id))

    links = nav(response.get_data(as_text=True))
    assert [label for label in links if label != "*"] == CREW_LINKS
    assert links["My day"] == f"/p/{production_id}/my-day"
    assert links["Notifications"] == "/notifications"
    assert links["*"] == current


def test_a_crew_member_reading_a_revision_sees_the_crew_nav(client, auth, iron_men):
    production_id, day_id = iron_men
    auth.login("crew@example.com")
    page = client.get(f"/p/{production_id}/days/{day_id}/revisions").get_data(as_text=True)

    assert [label for label in nav(page) if label != "*"] == CREW_LINKS
    assert "Settings" not in nav(page)
