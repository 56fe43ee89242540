"""Bytes of a phone's first load of My day and of the call sheet, and the sync batch speed-up.

Run: `.venv/bin/python -m bench.offline_bytes`. The seeded demo (app.seed) on a temporary
SQLite file, through the real app's test client:

1. The compressed bytes (br or gzip, as Flask-Compress answers `Accept-Encoding: br, gzip`,
   with status line and headers, as callsheet_render counts them) of the first load of My
   day as the crew member: the HTML, every stylesheet and script it links, and every ES
   module those import (the browser fetches the whole module graph before running it).
   The service worker and its modules, fetched in the background after the page is shown,
   are listed apart. Then the call sheet page (the latest revision of today's sheet) alone:
   its CSS and JavaScript are the same files, already cached by then.
2. The time to apply 200 check-ins through POST /api/sync in one batch, against 200
   requests of one operation each, interleaved round by round in the same run
   (bench/_timing.py). Goal (PROTOCOL.md's batches): a batch well under the one-by-one time.
"""

import re
import sys
import tempfile
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app  # noqa: E402
from app.callsheets.models import CallSheetRevision  # noqa: E402
from app.checkins.board import today_shoot_day  # noqa: E402
from app.extensions import db  # noqa: E402
from app.schedule.models import Production  # noqa: E402
from app.seed import DEMO_PASSWORD, seed_demo  # noqa: E402
from bench._timing import interleaved, report  # noqa: E402
from tests.callsheet_factory import wire_size  # noqa: E402

BROWSER = {"Accept-Encoding": "br, gzip"}
SYNC = {"X-Callboard-Sync": "1"}
BATCH = 200
ASSETS = re.compile(r'<(?:link rel="stylesheet"|script)[^>]*? (?:href|src)="([^"]+)"')
IMPORTS = re.compile(r'(?:\bfrom\s*|\bimport\s*\(?\s*)"([^"]+\.js)"')
WORKER = re.compile(r'register\("(/sw\.js)"')


def make_app(folder: Path):
    """Build the app on a SQLite file with the seeded demo starting today."""
    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_PARAMS": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
        }
    )
    with app.app_context():
        db.create_all()
        seed_demo(date.today())
        db.session.commit()
        film = db.session.scalar(db.select(Production).where(Production.title == "The Iron Men"))
        day = today_shoot_day(film)
        revision = db.session.scalar(
            db.select(CallSheetRevision)
            .where(CallSheetRevision.shoot_day_id == day.id)
            .order_by(CallSheetRevision.number.desc())
        )
        return app, film.id, day.id, revision.id


def fetch(client, url: str) -> tuple[int, str, str]:
    """Return the wire size, the encoding and the (decoded) text of url as a browser gets it."""
    response = client.get(url, headers=BROWSER)
    assert response.status_code == 200, (url, response.status_code)
    size, encoding = wire_size(response), response.headers.get("Content-Encoding", "identity")
    plain = client.get(url, headers={"Accept-Encoding": "identity"}).get_data(as_text=True)
    return size, encoding, plain


def module_graph(client, roots: list[str]) -> dict[str, tuple[int, str]]:
    """Fetch every script and the modules it imports; return url -> (bytes, encoding)."""
    seen: dict[str, tuple[int, str]] = {}
    waiting = list(roots)
    while waiting:
        url = waiting.pop(0)
        path = urlsplit(url).path
        if any(urlsplit(known).path == path for known in seen):
            continue
        size, encoding, text = fetch(client, url)
        seen[url] = (size, encoding)
        if path.endswith(".js") and "htmx" not in path:
            waiting += [urljoin(url, target) for target in IMPORTS.findall(text)]
    return seen


def show(title: str, files: dict[str, tuple[int, str]]) -> int:
    total = sum(size for size, _ in files.values())
    print(f"{title}: {total} bytes ({total / 1024:.1f} KB) in {len(files)} responses")
    for url, (size, encoding) in files.items():
        print(f"    {size:7d}  {encoding:8}  {urlsplit(url).path}")
    return total


def sync_op(production_id: int, day_id: int) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "production_id": production_id,
        "kind": "check_in",
        "tapped_at": datetime.now(UTC).isoformat(),
        "payload": {"shoot_day_id": day_id},
    }


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        app, production_id, day_id, revision_id = make_app(Path(folder))
        crew = app.test_client()
        assert crew.post("/login", data={"email": "crew@example.com", "password": DEMO_PASSWORD}).status_code == 302
        my_day = f"/p/{production_id}/my-day"
        size, encoding, html = fetch(crew, my_day)
        page = module_graph(crew, ASSETS.findall(html))
        first = show("First load of My day (HTML + CSS + JavaScript)", {my_day: (size, encoding), **page})
        worker_roots = WORKER.findall("".join(crew.get(url).get_data(as_text=True) for url in page))
        show("  then, in the background: the service worker and its modules", module_graph(crew, worker_roots))
        sheet = f"/p/{production_id}/revisions/{revision_id}"
        size, encoding, _ = fetch(crew, sheet)
        show("Call sheet page (HTML; its CSS and JavaScript are the files above)", {sheet: (size, encoding)})

        def post(ops):
            body = {"protocol": 1, "sent_at": datetime.now(UTC).isoformat(), "cursor": None, "ops": ops}
            response = crew.post("/api/sync", json=body, headers=SYNC)
            assert response.status_code == 200 and {r["status"] for r in response.get_json()["results"]} == {"applied"}

        def one_batch():
            post([sync_op(production_id, day_id) for _ in range(BATCH)])

        def one_by_one():
            for _ in range(BATCH):
                post([sync_op(production_id, day_id)])

        timings = interleaved(
            {f"{BATCH} ops in one batch": one_batch, f"{BATCH} ops one per request": one_by_one}, rounds=7, min_time=0.0
        )
        print(f"\nApplying {BATCH} check-ins through POST /api/sync (SQLite file, test client)")
        print(report(timings, baseline=f"{BATCH} ops one per request"))
        batch, single = (timing.median for timing in timings.values())
        print(
            f"ratio: a batch takes {batch / single:.2f} of the one-per-request time "
            f"({single / batch:.1f}x faster); goal: faster than one per request — "
            f"{'met' if batch < single else 'MISSED'}"
        )
        print(f"\nMy day first load: {first} bytes compressed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
