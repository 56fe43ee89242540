"""A production of any size for call sheet tests and the render benchmark (deterministic)."""

from dataclasses import dataclass
from datetime import date, timedelta

from app.auth.models import User
from app.auth.service import hash_password
from app.crew.models import COORDINATOR, Department, Person
from app.extensions import db
from app.schedule.models import Location, PersonCall, Production, Scene, ShootDay

PASSWORD = "callboard-demo"
PAGE_BUDGET = 14 * 1024  # one TCP round trip: the page, compressed, with its headers
# Headers a real server adds that the test client does not.
SERVER_HEADERS = "Date: Wed, 25 Nov 2026 20:43:50 GMT\r\nServer: gunicorn\r\nConnection: keep-alive\r\n"
FIRST = [
    "Ada",
    "Ben",
    "Cara",
    "Dev",
    "Elin",
    "Finn",
    "Gita",
    "Hal",
    "Iris",
    "Joel",
    "Kira",
    "Liam",
    "Maya",
    "Nico",
    "Orla",
    "Pete",
    "Quin",
    "Rhea",
    "Seth",
    "Tara",
    "Umar",
    "Vera",
    "Wes",
    "Yara",
]
LAST = [
    "Abbott",
    "Baker",
    "Chen",
    "Doyle",
    "Evans",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ito",
    "Jensen",
    "Khan",
    "Lopez",
    "Murphy",
    "Novak",
    "Owens",
    "Patel",
    "Quinn",
    "Rossi",
    "Singh",
    "Turner",
]
DEPARTMENTS = [  # name, offset, job titles
    (
        "Production",
        -30,
        [
            "Production Coordinator",
            "Director",
            "Producer",
            "Unit Production Manager",
            "1st Assistant Director",
            "2nd Assistant Director",
            "Production Assistant",
        ],
    ),
    ("Camera", 0, ["Director of Photography", "Camera Operator", "1st AC", "2nd AC", "DIT"]),
    ("Grip & Electric", -30, ["Gaffer", "Key Grip", "Best Boy Electric", "Electrician", "Grip"]),
    ("Art", -60, ["Production Designer", "Art Director", "Props", "Set Dresser"]),
    ("Hair, Makeup & Wardrobe", -90, ["Makeup Artist", "Hair Stylist", "Costume Designer", "Dresser"]),
    ("Sound", 0, ["Sound Mixer", "Boom Operator", "Sound Utility"]),
    ("Locations", -45, ["Location Manager", "Location Assistant", "Unit Driver"]),
    ("Cast", 0, []),
]
SYNOPSES = [
    "Maggie finds the ledger.",
    "Toby confronts Maggie about the crates.",
    "Hollis watches from the car.",
    "The crates are gone.",
    "Ruth reads the letter at breakfast.",
    "Nina arrives unannounced.",
]


@dataclass
class Built:
    production_id: int
    day_id: int
    next_day_id: int
    coordinator_email: str
    crew_email: str
    crew_person_id: int


def wire_size(response) -> int:
    """Return the bytes on the wire: status line, headers (with the server's own), blank line, body."""
    head = f"HTTP/1.1 {response.status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in response.headers.items())
    return len((head + SERVER_HEADERS + "\r\n").encode()) + len(response.get_data())


def _user(email: str, name: str, password_hash: str) -> User:
    user = User(email=email, name=name, password_hash=password_hash)
    db.session.add(user)
    return user


def build_production(
    people: int = 150,
    scenes: int = 40,
    cast: int = 20,
    title: str = "The Long Night",
    start: date | None = None,
    email_prefix: str = "",
) -> Built:
    """Create a production whose first day calls `people` people (cast included) and `scenes` scenes."""
    start = start or date.today()
    password_hash = hash_password(PASSWORD)
    production = Production(
        title=title,
        company="Harbour Lights Ltd",
        timezone="Europe/London",
        office_phone="+44 151 496 0999",
        office_address="1 Dock Road, Liverpool",
    )
    db.session.add(production)
    db.session.flush()
    departments = [
        Department(production_id=production.id, name=name, sort_order=i, call_offset=offset)
        for i, (name, offset, _jobs) in enumerate(DEPARTMENTS)
    ]
    db.session.add_all(departments)
    locations = [
        Location(
            production_id=production.id,
            name=f"Stage {n}",
            address=f"{n} Dock Road, Liverpool L3 4AF",
            latitude=53.40 + n / 100,
            longitude=-2.99,
            parking="Car park B",
            base_camp="Dock lot",
            holding="Hall 2",
            hospital_name="Royal Liverpool University Hospital",
            hospital_address="Prescot Street, Liverpool L7 8XP",
            hospital_phone="+44 151 706 2000",
        )
        for n in (1, 2)
    ]
    db.session.add_all(locations)
    db.session.flush()
    crew_count, folks = people - cast, []
    crew_departments = departments[:-1]
    for i in range(crew_count):
        department = crew_departments[i % len(crew_departments)]
        jobs = DEPARTMENTS[i % len(crew_departments)][2]
        index = i // len(crew_departments)
        folks.append(
            Person(
                production_id=production.id,
                name=f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]}",
                job_title=jobs[index % len(jobs)],
                department=department,
                phone=f"+44 7700 9{i:05d}",
                share_phone=i % 3 == 0,
                is_department_head=index == 0,
                email=f"{email_prefix}crew{i}@example.com",
            )
        )
    performers = [
        Person(
            production_id=production.id,
            name=f"{FIRST[-1 - n % 24]} {LAST[-1 - n % 20]}",
            job_title="Cast",
            department=departments[-1],
            cast_number=n + 1,
            character=f"CHARACTER {n + 1}",
            phone=f"+44 7700 8{n:05d}",
            email=f"{email_prefix}cast{n}@example.com",
        )
        for n in range(cast)
    ]
    coordinator, crew_member = folks[0], folks[1]
    coordinator.role = COORDINATOR
    coordinator.user = _user(f"{email_prefix}office@example.com", coordinator.name, password_hash)
    crew_member.user = _user(f"{email_prefix}member@example.com", crew_member.name, password_hash)
    db.session.add_all(folks + performers)
    days = [
        ShootDay(
            production_id=production.id,
            date=start + timedelta(days=n),
            day_number=n + 1,
            location=locations[n % 2],
            general_call=7 * 60,
            shooting_call=8 * 60,
            breakfast=6 * 60 + 30,
            breakfast_place="Catering truck",
            lunch=13 * 60,
            lunch_place="Marquee",
            estimated_wrap=18 * 60,
            weather="Overcast, 9 °C",
            notes="No visitors.",
            safety_notes="Open water near the dock.",
            walkie_channels="Ch 1 Production · Ch 2 Open",
            background="20 × dock workers",
        )
        for n in range(2)
    ]
    db.session.add_all(days)
    db.session.flush()
    for n in range(scenes):
        db.session.add(
            Scene(
                production_id=production.id,
                shoot_day_id=days[0].id,
                sort_order=n,
                number=str(n + 1),
                int_ext="INT" if n % 3 else "EXT",
                set_name=f"WAREHOUSE - ROOM {n % 7 + 1}",
                day_night="DAY" if n % 4 else "NIGHT",
                synopsis=SYNOPSES[n % len(SYNOPSES)],
                pages_eighths=3 + n % 11,
                location=locations[0],
                cast=[performers[(n + k) % cast] for k in range(min(cast, 1 + n % 3))],
            )
        )
    for n in range(3):
        db.session.add(
            Scene(
                production_id=production.id,
                shoot_day_id=days[1].id,
                sort_order=n,
                number=f"{100 + n}",
                set_name="DOCKSIDE",
                synopsis="Chase.",
                pages_eighths=4,
                location=locations[1],
            )
        )
    for n, performer in enumerate(performers):
        db.session.add(
            PersonCall(
                production_id=production.id,
                shoot_day_id=days[0].id,
                person_id=performer.id,
                call_override=7 * 60 + 5 * n,
                pickup=6 * 60 + 30 + 5 * n,
                hair_makeup_wardrobe=7 * 60 + 15 + 5 * n,
                on_set=8 * 60 + 5 * n,
                day_status="W",
            )
        )
    db.session.flush()
    return Built(production.id, days[0].id, days[1].id, coordinator.user.email, crew_member.user.email, crew_member.id)
