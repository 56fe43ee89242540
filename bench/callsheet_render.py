"""Render time and compressed size of a 150-person, 40-scene call sheet page.

Run: `make bench` (or `.venv/bin/python -m bench.callsheet_render`). Requests go through the
real app (test client, in-memory SQLite) and are timed against a bare Flask route in the same
run, interleaved round by round; the figure is the ratio of the medians. The size is the
compressed response (br or gzip, as Flask-Compress chooses) including its status line and
headers, plus the headers a real server adds (Date, Server, Connection).
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app  # noqa: E402
from app.callsheets.service import publish  # noqa: E402
from app.crew.models import Person  # noqa: E402
from app.extensions import db  # noqa: E402
from app.schedule.models import ShootDay  # noqa: E402
from tests.callsheet_factory import PAGE_BUDGET as BUDGET  # noqa: E402
from tests.callsheet_factory import PASSWORD, build_production, wire_size  # noqa: E402

ROUNDS, PER_ROUND = 15, 10


def make_app():
    """Build the app on an in-memory database with a published 150-person, 40-scene day."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_PARAMS": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
        }
    )
    app.add_url_rule("/bench/bare", "bench_bare", lambda: "ok")
    with app.app_context():
        db.create_all()
        built = build_production(people=150, scenes=40)
        office = db.session.get(
            Person,
            db.session.query(Person.id).filter_by(production_id=built.production_id, role="coordinator").scalar(),
        )
        revision = publish(db.session.get(ShootDay, built.day_id), office)
        db.session.commit()
        url = f"/p/{built.production_id}/revisions/{revision.id}"
    return app, built, url


def signed_in(app, email):
    client = app.test_client()
    client.post("/login", data={"email": email, "password": PASSWORD})
    return client


def compressed_size(client, url) -> tuple[int, str]:
    """Fetch url as a browser would (br, gzip) and return its wire size and encoding."""
    response = client.get(url, headers={"Accept-Encoding": "br, gzip"})
    assert response.status_code == 200, response.status_code
    return wire_size(response), response.headers.get("Content-Encoding", "identity")


def plain_size(client, url) -> int:
    """Return the uncompressed body size of url."""
    return len(client.get(url, headers={"Accept-Encoding": "identity"}).get_data())


def timed(client, url) -> float:
    start = time.perf_counter()
    for _ in range(PER_ROUND):
        response = client.get(url)
        assert response.status_code == 200
    return (time.perf_counter() - start) / PER_ROUND


def main() -> int:
    app, built, url = make_app()
    crew, office = signed_in(app, built.crew_email), signed_in(app, built.coordinator_email)
    anonymous = app.test_client()
    bare, sheet = [], []
    for _ in range(ROUNDS):  # interleaved, so machine noise hits both alike
        bare.append(timed(anonymous, "/bench/bare"))
        sheet.append(timed(crew, url))
    bare_ms, sheet_ms = statistics.median(bare) * 1000, statistics.median(sheet) * 1000
    print("Call sheet page, 150 people, 40 scenes (crew member's view)")
    print(f"  bare Flask route   {bare_ms:8.3f} ms (median of {ROUNDS} rounds × {PER_ROUND}, same app)")
    print(f"  call sheet page    {sheet_ms:8.3f} ms")
    print(f"  ratio              {sheet_ms / bare_ms:8.1f} × the bare route")
    worst = 0
    for label, client, page in (
        ("crew, revision page", crew, url),
        ("coordinator, revision page", office, url),
        ("crew, My day", crew, f"/p/{built.production_id}/my-day"),
    ):
        size, encoding = compressed_size(client, page)
        worst = max(worst, size)
        print(
            f"  {label:28} {plain_size(client, page):6d} bytes of HTML → {size:6d} bytes {encoding} incl. headers "
            f"({size / 1024:.1f} KB; goal ≤ {BUDGET // 1024} KB: {'met' if size <= BUDGET else 'MISSED'})"
        )
    return 0 if worst <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
