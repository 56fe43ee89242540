"""A realistic demo production, seeded on first run by `flask seed-demo`."""

from datetime import date, timedelta

import click
import sqlalchemy as sa

from app.auth.models import User
from app.auth.service import hash_password
from app.callsheets.rest import record_publish
from app.callsheets.service import publish
from app.crew.models import COORDINATOR, Department, Person
from app.extensions import db
from app.schedule.models import DepartmentCall, Location, PersonCall, Production, Scene, ShootDay
from app.schedule.rest import rest_shortfalls

DEMO_PASSWORD = "callboard-demo"

DEPARTMENTS = [  # name, call offset from general crew call (minutes)
    ("Production", -30),
    ("Camera", 0),
    ("Grip & Electric", -30),
    ("Art", -60),
    ("Hair, Makeup & Wardrobe", -90),
    ("Sound", 0),
    ("Cast", 0),
]

CREW = [  # name, job, department, phone, shares phone, head of department
    ("Dana Whitfield", "Production Coordinator", "Production", "+44 7700 900101", True, True),
    ("Sam Okafor", "1st Assistant Director", "Production", "+44 7700 900102", True, True),
    ("Lena Brandt", "2nd Assistant Director", "Production", "+44 7700 900103", True, False),
    ("Priya Raman", "Unit Production Manager", "Production", "+44 7700 900104", False, False),
    ("Tom Keller", "Producer", "Production", "+44 7700 900105", False, False),
    ("Ines Moreau", "Director", "Production", "+44 7700 900106", False, False),
    ("Jonah Reyes", "Production Assistant", "Production", "+44 7700 900107", False, False),
    ("Marta Kowalska", "Director of Photography", "Camera", "+44 7700 900111", True, True),
    ("Alex Crane", "Camera Operator", "Camera", "+44 7700 900112", False, False),
    ("Chris Dunmore", "1st AC", "Camera", "+44 7700 900113", True, False),
    ("Robin Hale", "2nd AC", "Camera", "+44 7700 900114", False, False),
    ("Yusuf Demir", "DIT", "Camera", "+44 7700 900115", False, False),
    ("Kate Lindqvist", "Gaffer", "Grip & Electric", "+44 7700 900121", True, True),
    ("Owen Marsh", "Key Grip", "Grip & Electric", "+44 7700 900122", True, False),
    ("Niamh Byrne", "Best Boy Electric", "Grip & Electric", "+44 7700 900123", False, False),
    ("Felix Carter", "Dolly Grip", "Grip & Electric", "+44 7700 900124", False, False),
    ("Ada Nwosu", "Electrician", "Grip & Electric", "+44 7700 900125", False, False),
    ("Hugo Petit", "Production Designer", "Art", "+44 7700 900131", True, True),
    ("Grace Liu", "Art Director", "Art", "+44 7700 900132", False, False),
    ("Mateo Silva", "Props Master", "Art", "+44 7700 900133", False, False),
    ("Elsa Berg", "Set Decorator", "Art", "+44 7700 900134", False, False),
    ("Rosa Ferreira", "Makeup Designer", "Hair, Makeup & Wardrobe", "+44 7700 900141", True, True),
    ("Zoe Adams", "Hair Stylist", "Hair, Makeup & Wardrobe", "+44 7700 900142", False, False),
    ("Lucas Grant", "Costume Designer", "Hair, Makeup & Wardrobe", "+44 7700 900143", False, False),
    ("Mina Saito", "Wardrobe Assistant", "Hair, Makeup & Wardrobe", "+44 7700 900144", False, False),
    ("Ben Archer", "Production Sound Mixer", "Sound", "+44 7700 900151", True, True),
    ("Casey Morgan", "Boom Operator", "Sound", "+44 7700 900152", False, False),
    ("Jamie Fox", "Sound Utility", "Sound", "+44 7700 900153", False, False),
]

CAST = [  # cast number, performer, character
    (1, "Eleanor Vance", "MAGGIE"),
    (2, "David Osei", "TOBY"),
    (3, "Clara Jensen", "RUTH"),
    (4, "Marcus Bell", "DET. HOLLIS"),
    (5, "Sofia Romano", "NINA"),
    (6, "Patrick Doyle", "FATHER GRAY"),
    (7, "Hana Kim", "JUNE"),
    (8, "George Whitaker", "OLD MAN"),
    (9, "Lily Chen", "YOUNG MAGGIE"),
    (10, "Omar Haddad", "TAXI DRIVER"),
]

LOCATIONS = [
    dict(
        name="Harbour Warehouse",
        address="Unit 4, Albert Dock, Liverpool L3 4AF",
        latitude=53.3997,
        longitude=-2.9920,
        parking="Crew parking: Kings Dock car park, level 2",
        base_camp="Kings Dock Street lot",
        holding="Dock Office, ground floor",
        hospital_name="Royal Liverpool University Hospital",
        hospital_address="Prescot Street, Liverpool L7 8XP",
        hospital_phone="+44 151 706 2000",
    ),
    dict(
        name="Vance House",
        address="14 Sefton Park Road, Liverpool L8 3SL",
        latitude=53.3827,
        longitude=-2.9369,
        parking="Lark Lane — permit bays 10 to 24",
        base_camp="Sefton Park Palm House car park",
        holding="Church hall, Lark Lane",
        hospital_name="Royal Liverpool University Hospital",
        hospital_address="Prescot Street, Liverpool L7 8XP",
        hospital_phone="+44 151 706 2000",
    ),
    dict(
        name="Crosby Beach",
        address="Mariners Road, Crosby, Liverpool L23 6SX",
        latitude=53.4778,
        longitude=-3.0436,
        parking="Crosby Coastal Park car park",
        base_camp="Coastguard station lot",
        holding="Crosby Leisure Centre, room 2",
        hospital_name="Aintree University Hospital",
        hospital_address="Lower Lane, Liverpool L9 7AL",
        hospital_phone="+44 151 525 5980",
    ),
]

DAYS = [  # general call, location index, scenes: (number, int/ext, set, day/night, synopsis, eighths, cast)
    (
        7 * 60,
        0,
        [
            ("12", "INT", "WAREHOUSE - OFFICE", "DAY", "Maggie finds the ledger.", 13, [1]),
            ("13", "INT", "WAREHOUSE - FLOOR", "DAY", "Toby confronts Maggie about the missing crates.", 20, [1, 2]),
            ("15", "EXT", "WAREHOUSE - LOADING BAY", "DAY", "Hollis watches from the car.", 6, [4]),
            ("16", "EXT", "WAREHOUSE - LOADING BAY", "DAY", "The crates are gone.", 4, [1, 2, 4]),
        ],
    ),
    (
        7 * 60 + 30,
        1,
        [
            ("3", "INT", "VANCE HOUSE - KITCHEN", "DAY", "Breakfast; Ruth reads the letter.", 18, [1, 3, 9]),
            ("4", "INT", "VANCE HOUSE - HALL", "DAY", "Nina arrives unannounced.", 9, [1, 5]),
            ("7", "EXT", "VANCE HOUSE - GARDEN", "DAY", "Young Maggie buries the key.", 7, [9]),
        ],
    ),
    (
        6 * 60 + 30,
        2,
        [
            ("21", "EXT", "CROSBY BEACH", "DAY", "Maggie walks among the iron men.", 5, [1]),
            ("22", "EXT", "CROSBY BEACH", "DAY", "Father Gray tells her the truth.", 22, [1, 6]),
            ("23", "EXT", "CROSBY BEACH - DUNES", "DAY", "June and Toby search the dunes.", 12, [2, 7]),
        ],
    ),
    (
        14 * 60,
        0,
        [
            ("30", "INT", "WAREHOUSE - FLOOR", "NIGHT", "The deal goes wrong.", 28, [1, 2, 4, 10]),
            ("31", "EXT", "WAREHOUSE - DOCKSIDE", "NIGHT", "Chase along the dock.", 14, [2, 4]),
            ("32", "EXT", "WAREHOUSE - DOCKSIDE", "NIGHT", "Toby goes into the water.", 6, [2]),
        ],
    ),
    (
        8 * 60,
        1,
        [
            ("40", "INT", "VANCE HOUSE - BEDROOM", "NIGHT", "Maggie and the Old Man.", 16, [1, 8]),
            ("41", "INT", "VANCE HOUSE - KITCHEN", "NIGHT", "Ruth burns the letter.", 8, [3]),
            ("42", "EXT", "VANCE HOUSE - STREET", "NIGHT", "The taxi waits.", 3, [10]),
        ],
    ),
]


def _user(email: str, name: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name, password_hash=hash_password(DEMO_PASSWORD))
        db.session.add(user)
    return user


def _email(name: str) -> str:
    return name.lower().replace(" ", ".") + "@crew.example.com"


def seed_feature_film(first_day: date, coordinator: User, crew_user: User) -> Production:
    """Create the demo feature film: departments, crew, cast, locations and five shoot days."""
    production = Production(
        title="The Iron Men",
        company="Mersey Light Pictures Ltd",
        timezone="Europe/London",
        office_phone="+44 151 496 0000",
        office_address="Production office, 2 Hope Street, Liverpool L1 9BH",
    )
    db.session.add(production)
    db.session.flush()
    departments = {}
    for order, (name, offset) in enumerate(DEPARTMENTS):
        departments[name] = Department(production_id=production.id, name=name, sort_order=order, call_offset=offset)
    db.session.add_all(departments.values())
    db.session.flush()
    people = []
    for name, job, department, phone, shared, head in CREW:
        person = Person(
            production_id=production.id,
            name=name,
            job_title=job,
            department=departments[department],
            phone=phone,
            share_phone=shared,
            email=_email(name),
            is_department_head=head,
        )
        people.append(person)
    people[0].user, people[0].role, people[0].email = coordinator, COORDINATOR, coordinator.email
    people[9].user, people[9].email, people[9].name = crew_user, crew_user.email, crew_user.name
    cast = {}
    for number, performer, character in CAST:
        cast[number] = Person(
            production_id=production.id,
            name=performer,
            job_title="Cast",
            department=departments["Cast"],
            cast_number=number,
            character=character,
            phone=f"+44 7700 9002{number:02d}",
            email=_email(performer),
        )
    db.session.add_all(people + list(cast.values()))
    locations = [Location(production_id=production.id, **spec) for spec in LOCATIONS]
    db.session.add_all(locations)
    db.session.flush()
    for index, (general_call, location_index, scenes) in enumerate(DAYS):
        day = ShootDay(
            production_id=production.id,
            date=first_day + timedelta(days=index),
            day_number=index + 1,
            location=locations[location_index],
            general_call=general_call,
            shooting_call=general_call + 60,
            breakfast=general_call - 30,
            breakfast_place="Base camp catering truck",
            lunch=general_call + 6 * 60,
            lunch_place="Unit base marquee",
            estimated_wrap=general_call + 11 * 60,
            weather="Overcast, 9 °C, wind SW 20 km/h, 30% chance of showers",
            notes="No visitors on set without clearance from the production office.",
            safety_notes="Working near open water: life jackets at the dock edge. "
            "Uneven floor in the warehouse — wear boots.",
            walkie_channels="Ch 1 Production · Ch 2 Open · Ch 3 Camera · Ch 5 Grip & Electric · Ch 7 Art",
            background="12 × dock workers (07:30 at holding) · 2 × stand-ins (call 07:00)",
        )
        db.session.add(day)
        db.session.flush()
        for order, (number, int_ext, set_name, day_night, synopsis, eighths, cast_numbers) in enumerate(scenes):
            db.session.add(
                Scene(
                    production_id=production.id,
                    shoot_day_id=day.id,
                    sort_order=order,
                    number=number,
                    int_ext=int_ext,
                    set_name=set_name,
                    day_night=day_night,
                    synopsis=synopsis,
                    pages_eighths=eighths,
                    location=day.location,
                    cast=[cast[n] for n in cast_numbers],
                )
            )
        for order, number in enumerate(sorted({n for s in scenes for n in s[6]})):
            report = general_call + 15 * order
            db.session.add(
                PersonCall(
                    production_id=production.id,
                    shoot_day_id=day.id,
                    person_id=cast[number].id,
                    call_override=report,
                    pickup=report - 30,
                    hair_makeup_wardrobe=report + 15,
                    on_set=general_call + 60 + 30 * order,
                    day_status="SW" if index == 0 else "W",
                )
            )
        db.session.add(
            DepartmentCall(
                production_id=production.id,
                shoot_day_id=day.id,
                department_id=departments["Camera"].id,
                call_offset=None,
                notes=f"Steadicam on the truck for scene {scenes[0][0]}.",
            )
        )
    return production


def seed_short(first_day: date, coordinator: User) -> Production:
    """Create a second, smaller production the coordinator also runs."""
    production = Production(
        title="Night Ferry (short)",
        company="Small Hours Films",
        timezone="Europe/London",
        office_phone="+44 151 496 0100",
    )
    db.session.add(production)
    db.session.flush()
    department = Department(production_id=production.id, name="Production", sort_order=0)
    db.session.add(department)
    db.session.flush()
    db.session.add(
        Person(
            production_id=production.id,
            user=coordinator,
            role=COORDINATOR,
            name=coordinator.name,
            email=coordinator.email,
            department=department,
            job_title="Production Coordinator",
        )
    )
    db.session.add(
        Person(
            production_id=production.id,
            name="Rhys Evans",
            job_title="Director",
            department=department,
            email="rhys.evans@crew.example.com",
        )
    )
    location = Location(
        production_id=production.id,
        name="Seacombe Ferry Terminal",
        address="Victoria Place, Wallasey CH44 6QY",
        latitude=53.4089,
        longitude=-3.0131,
    )
    db.session.add(location)
    db.session.flush()
    db.session.add(
        ShootDay(
            production_id=production.id,
            date=first_day + timedelta(days=10),
            day_number=1,
            location=location,
            general_call=17 * 60,
        )
    )
    return production


def seed_demo(first_day: date) -> bool:
    """Seed the demo productions unless they exist; return True when seeded."""
    if db.session.scalar(sa.select(User).where(User.email == "coordinator@example.com")):
        return False
    coordinator = _user("coordinator@example.com", "Dana Whitfield")
    crew_user = _user("crew@example.com", "Chris Dunmore")
    film = seed_feature_film(first_day, coordinator, crew_user)
    seed_short(first_day, coordinator)
    db.session.flush()
    _publish_first_call_sheet(film, coordinator)
    return True


def _publish_first_call_sheet(production: Production, coordinator: User) -> None:
    """Publish the first shoot day's call sheet as the coordinator, so the demo has one to read."""
    first = db.session.scalar(
        sa.select(ShootDay).where(ShootDay.production_id == production.id).order_by(ShootDay.date).limit(1)
    )
    office = db.session.scalar(
        sa.select(Person).where(Person.production_id == production.id, Person.user_id == coordinator.id)
    )
    record_publish(publish(first, office), office, rest_shortfalls(first))


@click.command("seed-demo")
def seed_demo_command():
    """Seed the demo productions on first run (does nothing when they exist)."""
    if seed_demo(date.today()):
        db.session.commit()
        click.echo("Seeded the demo productions. Sign in as coordinator@example.com or crew@example.com.")
    else:
        click.echo("Demo data already present.")


def init_app(app):
    app.cli.add_command(seed_demo_command)
