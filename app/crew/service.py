"""Departments and people of a production: add, change, reorder, remove. Never commits."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.crew.models import COORDINATOR, Department, Person
from app.extensions import db
from app.sync import Rejected

PERSON_FIELDS = (
    "name",
    "email",
    "phone",
    "share_phone",
    "share_email",
    "role",
    "job_title",
    "department_id",
    "is_department_head",
    "cast_number",
    "character",
    "min_rest",
)


def departments(production_id: int) -> list[Department]:
    """Return the production's departments in call sheet order."""
    return list(
        db.session.scalars(
            sa.select(Department)
            .where(Department.production_id == production_id)
            .order_by(Department.sort_order, Department.id)
        )
    )


def _check_department_name(production_id: int, name: str, department_id: int | None = None) -> None:
    clash = db.session.scalar(
        sa.select(Department).where(
            Department.production_id == production_id,
            sa.func.lower(Department.name) == name.lower(),
            Department.id != (department_id or 0),
        )
    )
    if clash is not None:
        raise Rejected.on("name", f"There is already a {clash.name} department.")


def add_department(production_id: int, name: str, call_offset: int | None) -> Department:
    """Add a department at the end of the call sheet order."""
    _check_department_name(production_id, name)
    last = db.session.scalar(
        sa.select(sa.func.max(Department.sort_order)).where(Department.production_id == production_id)
    )
    department = Department(
        production_id=production_id,
        name=name,
        call_offset=call_offset or 0,
        sort_order=(last if last is not None else -1) + 1,
    )
    db.session.add(department)
    db.session.flush()
    return department


def update_department(department: Department, name: str, call_offset: int | None) -> None:
    """Rename a department and set its usual offset from general crew call."""
    _check_department_name(department.production_id, name, department.id)
    department.name = name
    department.call_offset = call_offset or 0


def move_department(department: Department, direction: str) -> None:
    """Move a department one place up or down in the call sheet order."""
    ordered = departments(department.production_id)
    index = ordered.index(department)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    for order, each in enumerate(ordered):
        each.sort_order = order


def people_by_department(production_id: int) -> list[tuple[Department | None, list[Person]]]:
    """Return the production's people grouped by department, in call sheet order."""
    people = db.session.scalars(
        sa.select(Person)
        .where(Person.production_id == production_id)
        .options(selectinload(Person.user))
        .order_by(Person.cast_number.is_(None), Person.cast_number, Person.name)
    ).all()
    groups = [(department, []) for department in departments(production_id)]
    index = {department.id: members for department, members in groups}
    unassigned = []
    for person in people:
        index.get(person.department_id, unassigned).append(person)
    if unassigned:
        groups.append((None, unassigned))
    return groups


def _check_person(production_id: int, data: dict, person_id: int | None = None) -> None:
    errors: dict[str, list[str]] = {}
    others = sa.and_(Person.production_id == production_id, Person.id != (person_id or 0))
    if (
        data.get("department_id") is not None
        and db.session.scalar(
            sa.select(Department.id).where(
                Department.id == data["department_id"], Department.production_id == production_id
            )
        )
        is None
    ):
        errors["department_id"] = ["Choose one of the production's departments."]
    if data.get("email"):
        clash = db.session.scalar(sa.select(Person).where(others, sa.func.lower(Person.email) == data["email"].lower()))
        if clash is not None:
            errors["email"] = [f"{data['email']} is already on this production ({clash.name})."]
    if data.get("cast_number") is not None:
        clash = db.session.scalar(sa.select(Person).where(others, Person.cast_number == data["cast_number"]))
        if clash is not None:
            errors["cast_number"] = [f"Cast number {data['cast_number']} is already {clash.name}."]
    if errors:
        raise Rejected(errors)


def add_person(production_id: int, data: dict) -> Person:
    """Add a person to the production after checking department, email and cast number."""
    _check_person(production_id, data)
    person = Person(production_id=production_id, **{key: data[key] for key in PERSON_FIELDS if key in data})
    db.session.add(person)
    db.session.flush()
    return person


def update_person(person: Person, data: dict, acting: Person) -> None:
    """Change a person's details; the office cannot take away its own coordinator role."""
    _check_person(person.production_id, data, person.id)
    if person.id == acting.id and data.get("role", COORDINATOR) != COORDINATOR:
        raise Rejected.on("role", "You cannot take away your own coordinator role.")
    for key in PERSON_FIELDS:
        if key in data:
            setattr(person, key, data[key])


def remove_person(person: Person, acting: Person) -> None:
    """Remove a person from the production (their calls and scene casting go with them).

    Their sessions lose this production at once: every request resolves the membership afresh.
    """
    if person.id == acting.id:
        raise Rejected.on("form", "You cannot remove yourself from the production.")
    db.session.delete(person)
