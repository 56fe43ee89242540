"""The crash harness itself: acknowledged work survives SIGKILL and restarts of gunicorn."""

from harness import LoopbackClient, run_under_crashes


def test_acknowledged_sign_ins_survive_the_server_being_killed_and_restarted(fresh_server):
    def sign_in(client: int, n: int):
        browser = fresh_server.client()
        if browser.login("crew@example.com").status != 302:
            return None
        return browser.cookies  # acknowledged: this device session must now exist for good

    report = run_under_crashes(
        fresh_server, sign_in, clients=3, operations=12, crashes=3, time_limit=90, pause=(0.05, 0.4), seed=7
    )

    assert report.errors == [] and report.abandoned == [], report
    assert report.crashes >= 2, report
    assert len(report.acknowledged) == 3 * 12
    ((sessions,),) = fresh_server.sql("SELECT count(*) FROM device_sessions")
    assert sessions >= len(report.acknowledged)  # an unacknowledged sign-in may have landed too
    for cookies in report.acknowledged:
        phone = LoopbackClient(fresh_server.url)
        phone.cookies.update(cookies)
        landing = phone.get("/")
        assert landing.status == 302 and landing.headers["Location"].endswith("/my-day")


def test_server_stops_starts_and_is_killed_on_the_same_port_and_database(fresh_server):
    coordinator = fresh_server.client()
    assert coordinator.login("coordinator@example.com").status == 302
    url = fresh_server.url

    fresh_server.stop()
    assert not fresh_server.running
    fresh_server.start()
    assert fresh_server.url == url
    assert coordinator.get("/").status == 200  # the session was kept: same database

    fresh_server.kill()
    assert not fresh_server.running
    fresh_server.start()
    assert coordinator.get("/").status == 200
