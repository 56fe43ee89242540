"""Crash test: clients retry while gunicorn is SIGKILLed and restarted; nothing doubles, nothing is lost."""
import json
import random
import re
import sqlite3
import threading
import time
import urllib.error
import urllib.request
import uuid
from http.cookiejar import CookieJar
from urllib.parse import urlencode

import pytest

from sync_helpers import Server, free_port

CLIENTS = 4
OPS_PER_CLIENT = 40
CRASHES = 5
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


class Phone:
    """One signed-in phone with an outbox of check-ins it retries until each is acknowledged."""

    def __init__(self, server: Server, email: str, production_id: int, day_id: int):
        self.server = server
        self.browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        page = self.browser.open(f"{server.url}/login", timeout=5).read().decode()
        token = CSRF_INPUT.search(page).group(1)
        form = urlencode({"email": email, "password": "callboard-demo"}).encode()
        self.browser.open(urllib.request.Request(f"{server.url}/login", data=form,
                                                 headers={"X-CSRFToken": token}), timeout=5)
        self.outbox = [{"id": str(uuid.uuid4()), "production_id": production_id, "kind": "running_late",
                        "tapped_at": "2026-11-26T06:00:00+00:00",
                        "payload": {"shoot_day_id": day_id, "eta": minute}}
                       for minute in range(7 * 60, 7 * 60 + OPS_PER_CLIENT)]
        self.acknowledged: set[str] = set()

    def send(self, batch) -> dict | None:
        body = json.dumps({"sent_at": "2026-11-26T06:00:01+00:00", "ops": batch}).encode()
        request = urllib.request.Request(f"{self.server.url}/api/sync", data=body, method="POST", headers={
            "Content-Type": "application/json", "X-Callboard-Sync": "1"})
        try:
            with self.browser.open(request, timeout=3) as response:
                return json.load(response)
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            return None  # killed mid-request, refused, or busy: unacknowledged, so retried

    def run(self, deadline: float) -> None:
        chooser = random.Random()
        while time.monotonic() < deadline:
            waiting = [op for op in self.outbox if op["id"] not in self.acknowledged]
            if not waiting:
                return
            # Unacknowledged operations, plus some already acknowledged ones sent again.
            batch = chooser.sample(waiting, min(len(waiting), 8)) + chooser.sample(self.outbox, 2)
            answer = self.send(batch)
            for result in (answer or {}).get("results", []):
                assert result["status"] in ("applied", "duplicate"), result
                self.acknowledged.add(result["id"])


@pytest.fixture
def server(tmp_path):
    database = tmp_path / "crash.sqlite3"
    server = Server(database, free_port())
    server.flask("db", "upgrade")
    server.flask("seed-demo")
    server.database = database
    server.start()
    yield server
    server.stop()


def test_acknowledged_operations_are_stored_exactly_once_across_sigkills(server):
    with sqlite3.connect(server.database) as db:
        day_id = db.execute("SELECT id FROM shoot_days WHERE production_id = 1 LIMIT 1").fetchone()[0]
        emails = [row[0] for row in db.execute(
            "SELECT u.email FROM users u JOIN people p ON p.user_id = u.id WHERE p.production_id = 1")]
    phones = [Phone(server, emails[i % len(emails)], 1, day_id) for i in range(CLIENTS)]
    deadline = time.monotonic() + 60
    threads = [threading.Thread(target=phone.run, args=(deadline,)) for phone in phones]
    for thread in threads:
        thread.start()
    chaos = random.Random()
    for _ in range(CRASHES):
        time.sleep(chaos.uniform(0.1, 0.6))  # let some batches land, then pull the plug mid-stream
        server.stop()
        server.start()
    for thread in threads:
        thread.join()

    sent = [op["id"] for phone in phones for op in phone.outbox]
    assert all(len(phone.acknowledged) == OPS_PER_CLIENT for phone in phones)
    with sqlite3.connect(server.database) as db:
        stored = [row[0] for row in db.execute("SELECT op_id FROM checkins")]
        applied = [row[0] for row in db.execute("SELECT op_id FROM applied_operations")]
    assert sorted(stored) == sorted(sent)  # every acknowledged op once: none lost, none doubled
    assert sorted(applied) == sorted(sent)
