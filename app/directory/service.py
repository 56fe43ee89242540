"""Who may see which contact, a person's own profile, and the crew list as CSV. Never commits."""

import csv
import io
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from app.crew.models import Department, Person
from app.crew.service import people_by_department
from app.extensions import db
from app.sync import Rejected

PROFILE_FIELDS = ("name", "phone", "email", "share_phone", "share_email", "emergency_name", "emergency_phone")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_HEADER = (
    "Department",
    "Name",
    "Position",
    "Role",
    "Head of department",
    "Cast number",
    "Character",
    "Phone",
    "Phone shared",
    "Email",
    "Email shared",
    "Emergency contact",
    "Emergency phone",
)


@dataclass
class Listing:
    """One person as a given viewer may see them in the directory."""

    id: int
    name: str
    position: str
    head: bool
    office: bool
    phone: str
    email: str
    emergency_name: str = ""
    emergency_phone: str = ""


def listing(person: Person, viewer: Person) -> Listing:
    """Describe a person with only the contacts the viewer may see."""
    position = person.job_title
    if person.is_cast and person.character:
        position = f"#{person.cast_number} {person.character}"
    private = viewer.is_coordinator
    return Listing(
        person.id,
        person.name,
        position,
        person.is_department_head,
        person.is_coordinator,
        person.visible_phone(viewer),
        person.visible_email(viewer),
        person.emergency_name if private else "",
        person.emergency_phone if private else "",
    )


def directory(viewer: Person) -> list[tuple[Department | None, list[Listing]]]:
    """Return the production's people by department, as the viewer may see them."""
    return [
        (department, [listing(person, viewer) for person in people])
        for department, people in people_by_department(viewer.production_id)
    ]


def update_profile(person: Person, data: dict) -> None:
    """Change a person's own name, contacts, sharing and emergency contact."""
    if data.get("email"):
        clash = db.session.scalar(
            sa.select(Person.id).where(
                Person.production_id == person.production_id,
                Person.id != person.id,
                sa.func.lower(Person.email) == data["email"].lower(),
            )
        )
        if clash is not None:
            raise Rejected.on("email", "Someone else on this production already uses that email.")
    for key in PROFILE_FIELDS:
        if key in data:
            setattr(person, key, data[key] if data[key] is not None else ("" if key != "email" else None))


def reset_calendar_token(person: Person) -> str:
    """Give the person a new calendar feed secret; the old feed URL stops working."""
    person.calendar_token = secrets.token_urlsafe(32)
    return person.calendar_token


def person_by_calendar_token(token: str) -> Person | None:
    """Return the person whose calendar feed secret this is, or None."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(sa.select(Person).where(Person.calendar_token == token))


def safe_cell(value) -> str:
    """Return a CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def crew_csv(production_id: int) -> str:
    """Return the production's crew list as CSV text (UTF-8 BOM first, for Excel)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for department, people in people_by_department(production_id):
        for person in people:
            writer.writerow(
                [
                    safe_cell(value)
                    for value in (
                        department.name if department else "",
                        person.name,
                        person.job_title,
                        person.role,
                        "yes" if person.is_department_head else "",
                        person.cast_number,
                        person.character,
                        person.phone,
                        "yes" if person.share_phone else "no",
                        person.email,
                        "yes" if person.share_email else "no",
                        person.emergency_name,
                        person.emergency_phone,
                    )
                ]
            )
    return out.getvalue()
