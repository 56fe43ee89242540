"""Crew lists from CSV: read the file, check every row, plan new people and merges, then apply."""

import base64
import binascii
import csv
import io
from dataclasses import dataclass, field

import sqlalchemy as sa
from marshmallow import ValidationError

from app.crew.models import Department, Person
from app.crew.schemas import CrewRowSchema
from app.extensions import db

COLUMNS = {  # our name: the headings we recognise, compared without case
    "name": ("name", "full name"),
    "position": ("position", "job title", "job"),
    "department": ("department", "dept"),
    "email": ("email", "e-mail", "email address"),
    "phone": ("phone", "mobile", "phone number"),
    "cast_number": ("cast number", "cast no", "cast #", "cast"),
}
REQUIRED = ("name", "department")
MAX_ROWS = 2000


class UnreadableFile(Exception):
    """The upload cannot be read as a crew list; status is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.status = status


@dataclass
class Row:
    """One person-row of the file, what it will do, and what is wrong with it."""

    number: int
    values: dict  # as written in the file, for the preview
    data: dict = field(default_factory=dict)  # as understood, for the import
    problems: list[str] = field(default_factory=list)
    existing: Person | None = None
    same_as: int | None = None  # an earlier row with the same email: merged into it
    changes: list[str] = field(default_factory=list)

    @property
    def action(self) -> str:
        if self.same_as:
            return f"Same email as row {self.same_as}: merged into it"
        if self.existing:
            return f"Merge into {self.existing.name}" + (
                f" ({', '.join(self.changes)})" if self.changes else " (nothing changes)"
            )
        return "New person"


@dataclass
class Plan:
    rows: list[Row]
    content: bytes

    @property
    def problems(self) -> list[tuple[int, str]]:
        return [(row.number, problem) for row in self.rows for problem in row.problems]

    @property
    def clean(self) -> bool:
        return not self.problems

    def carried(self) -> str:
        """Return the file content to carry forward in the preview's hidden field."""
        return base64.urlsafe_b64encode(self.content).decode("ascii")


def uncarry(text: str, max_bytes: int) -> bytes:
    """Return the file content carried in a preview's hidden field."""
    try:
        content = base64.urlsafe_b64decode((text or "").encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError) as error:
        raise UnreadableFile("The preview was damaged on the way back. Upload the file again.") from error
    return check_size(content, max_bytes)


def check_size(content: bytes, max_bytes: int) -> bytes:
    """Refuse an empty or oversized file."""
    if len(content) > max_bytes:
        raise UnreadableFile(
            f"The file is {len(content) / 1024 / 1024:.1f} MB; the limit is "
            f"{max_bytes / 1024 / 1024:.0f} MB. Split the crew list into smaller files.",
            413,
        )
    if not content.strip():
        raise UnreadableFile("The file is empty.")
    return content


def _text(content: bytes) -> str:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            "The file is not UTF-8 text (perhaps Windows-1252 or UTF-16). In your spreadsheet, "
            "save it as “CSV UTF-8” and upload it again."
        ) from error
    if "\x00" in text:
        raise UnreadableFile("This does not look like a CSV file. Save the crew list as “CSV UTF-8”.")
    return text


def _records(text: str) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise UnreadableFile(f"The file is not a CSV file we can read ({error}).") from error
    headings = [" ".join(cell.lower().replace("_", " ").split()) for cell in records[0]]
    columns = {}
    for ours, names in COLUMNS.items():
        found = [index for index, heading in enumerate(headings) if heading in names]
        if len(found) > 1:
            raise UnreadableFile(f"The file has more than one “{ours.replace('_', ' ')}” column.")
        if found:
            columns[ours] = found[0]
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise UnreadableFile(
            f"The file has no {' or '.join('“%s”' % m for m in missing)} column. The first row "
            "must name the columns: name, position, department, email, phone, cast number."
        )
    rows = [(number, cells) for number, cells in enumerate(records[1:], start=2) if any(c.strip() for c in cells)]
    if not rows:
        raise UnreadableFile("The file names its columns but has no rows of people.")
    if len(rows) > MAX_ROWS:
        raise UnreadableFile(f"The file has {len(rows)} rows; import at most {MAX_ROWS} at a time.", 413)
    return columns, rows


def read_rows(content: bytes) -> list[Row]:
    """Read the CSV into rows of values, refusing files that are not a readable crew list."""
    columns, records = _records(_text(content))
    rows = []
    for number, cells in records:
        values = {ours: cells[index].strip() if index < len(cells) else "" for ours, index in columns.items()}
        rows.append(Row(number=number, values=values))
    return rows


def _check_values(row: Row, departments: dict[str, Department]) -> None:
    try:
        row.data = CrewRowSchema().load(row.values)
    except ValidationError as error:
        row.data = dict(error.valid_data or {})
        for key, messages in error.messages.items():
            raw, label = row.values.get(key, ""), key.replace("_", " ")
            row.problems += [f"“{raw}” {message}" if raw else f"The {label} is missing." for message in messages]
    department = row.data.get("department", "")
    if department and department.lower() not in departments:
        known = ", ".join(d.name for d in departments.values())
        row.problems.append(f"Unknown department “{department}” (the production has: {known or 'none yet'}).")


def _merge_into(first: Row, row: Row) -> None:
    row.same_as = first.number
    for key, value in row.data.items():
        if value in (None, ""):
            continue
        if first.data.get(key) in (None, ""):
            first.data[key] = value
        elif key in ("department", "cast_number") and str(first.data[key]).lower() != str(value).lower():
            row.problems.append(
                f"Same email as row {first.number} but a different {key.replace('_', ' ')} "
                f"({value}, not {first.data[key]})."
            )


def plan_import(production_id: int, content: bytes) -> Plan:
    """Read and check a crew list against the production; nothing is written."""
    rows = read_rows(content)
    departments = {
        d.name.lower(): d
        for d in db.session.scalars(sa.select(Department).where(Department.production_id == production_id))
    }
    people = db.session.scalars(sa.select(Person).where(Person.production_id == production_id)).all()
    by_email = {person.email.lower(): person for person in people if person.email}
    by_cast = {person.cast_number: person for person in people if person.cast_number is not None}
    first_by_email: dict[str, Row] = {}
    for row in rows:
        _check_values(row, departments)
        email = row.data.get("email")
        if email in first_by_email:
            _merge_into(first_by_email[email], row)
        elif email:
            first_by_email[email] = row
            row.existing = by_email.get(email)
    first_by_cast: dict[int, Row] = {}
    for row in rows:
        number = row.data.get("cast_number")
        if row.same_as or number is None:
            continue
        if number in first_by_cast:
            row.problems.append(f"Cast number {number} is also on row {first_by_cast[number].number}.")
        first_by_cast.setdefault(number, row)
        holder = by_cast.get(number)
        if holder is not None and holder is not row.existing:
            row.problems.append(f"Cast number {number} is already {holder.name}.")
    for row in rows:
        if row.existing is not None:
            row.changes = _changes(row.existing, _person_values(row, departments))
    return Plan(rows=rows, content=content)


def _person_values(row: Row, departments: dict[str, Department]) -> dict:
    data = row.data
    department = departments.get((data.get("department") or "").lower())
    found = {
        "name": data.get("name"),
        "job_title": data.get("position"),
        "phone": data.get("phone"),
        "department_id": department.id if department else None,
        "cast_number": data.get("cast_number"),
    }
    return {key: value for key, value in found.items() if value not in (None, "")}


def _changes(person: Person, values: dict) -> list[str]:
    labels = {
        "name": "name",
        "job_title": "position",
        "phone": "phone",
        "department_id": "department",
        "cast_number": "cast number",
    }
    return [labels[key] for key, value in values.items() if getattr(person, key) != value]


def apply_import(production_id: int, plan: Plan) -> tuple[int, int]:
    """Add the new people and update the merged ones; return (added, updated). Never commits."""
    if not plan.clean:
        raise ValueError("A crew list with problems is never imported.")
    departments = {
        d.name.lower(): d
        for d in db.session.scalars(sa.select(Department).where(Department.production_id == production_id))
    }
    added = updated = 0
    for row in plan.rows:
        if row.same_as:
            continue
        values = _person_values(row, departments)
        if row.existing is not None:
            for key, value in values.items():
                setattr(row.existing, key, value)
            updated += 1
        else:
            db.session.add(Person(production_id=production_id, email=row.data.get("email"), **values))
            added += 1
    db.session.flush()
    return added, updated
