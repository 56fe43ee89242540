"""Crash test: phones retry while gunicorn is SIGKILLed and restarted; nothing doubles, nothing is lost."""

import uuid

from harness import run_under_crashes

CLIENTS, OPERATIONS = 4, 25
SYNC_HEADERS = {"X-Callboard-Sync": "1"}


def test_acknowledged_operations_are_stored_exactly_once_across_sigkills(fresh_server):
    ((day_id,),) = fresh_server.sql("SELECT id FROM shoot_days WHERE production_id = 1 ORDER BY date LIMIT 1")
    phones = [fresh_server.client() for _ in range(CLIENTS)]
    for phone in phones:
        assert phone.login("crew@example.com").status == 302
    outboxes = [
        [
            {
                "id": str(uuid.uuid4()),
                "production_id": 1,
                "kind": "running_late",
                "tapped_at": "2026-11-26T06:00:00+00:00",
                "payload": {"shoot_day_id": day_id, "eta": 7 * 60 + n},
            }
            for n in range(OPERATIONS)
        ]
        for _ in range(CLIENTS)
    ]

    def send(client: int, n: int):
        """Send operation n again with the one before it (a retry racing an old batch)."""
        batch = [outboxes[client][n], *outboxes[client][max(n - 1, 0) : n]]
        answer = phones[client].post(
            "/api/sync", json_body={"sent_at": "2026-11-26T06:00:01+00:00", "ops": batch}, headers=SYNC_HEADERS
        )
        if answer.status != 200:
            return None  # busy or restarting: not acknowledged, so sent again
        results = answer.json()["results"]
        assert all(result["status"] in ("applied", "duplicate") for result in results), results
        return results[0]

    report = run_under_crashes(
        fresh_server, send, clients=CLIENTS, operations=OPERATIONS, crashes=4, time_limit=90, pause=(0.1, 0.5), seed=3
    )

    assert report.abandoned == [] and report.crashes >= 3, report
    sent = sorted(op["id"] for outbox in outboxes for op in outbox)
    assert sorted(result["id"] for result in report.acknowledged) == sent
    stored = sorted(row[0] for row in fresh_server.sql("SELECT op_id FROM checkins"))
    applied = sorted(row[0] for row in fresh_server.sql("SELECT op_id FROM applied_operations"))
    assert stored == sent and applied == sent  # every acknowledged op once: none lost, none doubled
