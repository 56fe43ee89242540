"""Invites by email, through a real SMTP server on loopback (aiosmtpd), and their states on the crew list."""

import email
import re
import smtplib
import socket
import threading
from datetime import timedelta
from email import policy

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app.auth.models import Invite
from app.crew.models import Person
from app.extensions import db
from app.mail import worker as worker_module
from app.mail.models import FAILED, KEPT, PENDING, SENT, MailMessage
from app.mail.transport import MailServer, parse_mail_url
from app.mail.worker import MailWorker
from app.timeutil import utcnow

LINK = re.compile(r"https?://[^/\s]+(/invite/[A-Za-z0-9_-]+)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailroom:
    """An SMTP handler that keeps what it is given and answers RCPT as told per address."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.peers: set = set()
        self.refuse: dict[str, str] = {}  # address → the RCPT answer, e.g. "550 5.1.1 No such user"
        self.arrived = threading.Semaphore(0)  # released once per message, for tests that wait

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self.refuse.get(address)
        if answer:
            if answer.startswith("4"):
                del self.refuse[address]  # a temporary problem: the next try is taken
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.peers.add(session.peer)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=policy.default))
        self.arrived.release()
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    room = Mailroom()
    controller = Controller(room, hostname="127.0.0.1", port=free_port())
    controller.start()
    room.url = f"smtp://127.0.0.1:{controller.port}"
    yield room
    controller.stop()


def office(app):
    client = app.test_client()
    assert (
        client.post("/login", data={"email": "coordinator@example.com", "password": "callboard-demo"}).status_code
        == 302
    )
    client.csrf_token = None
    return client


def person(app, name: str) -> Person:
    with app.app_context():
        found = db.session.scalar(sa.select(Person).where(Person.name == name, Person.production_id == 1))
        db.session.expunge(found)
        return found


def outbox(app) -> list[MailMessage]:
    with app.app_context():
        rows = db.session.scalars(sa.select(MailMessage).order_by(MailMessage.id)).all()
        db.session.expunge_all()
        return rows


def crew_row(page: str, person_id: int) -> str:
    start = page.index(f'id="person-{person_id}"')
    return page[start : page.index("</li>", start)]


def test_an_emailed_invite_arrives_as_mime_naming_the_production_and_its_link_signs_the_phone_in(demo, smtp_server):
    demo.config.update(
        MAIL_URL=smtp_server.url,
        MAIL_FROM="Iron Men office <office@ironmen.example.com>",
        PUBLIC_URL="https://callboard.example.com",
    )
    tom = person(demo, "Tom Keller")
    answer = office(demo).post(f"/p/1/people/{tom.id}/invite/email")
    assert answer.status_code == 200 and "on its way to tom.keller@crew.example.com" in answer.get_data(as_text=True)
    assert smtp_server.messages == []  # written into the outbox, sent by the worker

    report = MailWorker(demo).drain()
    assert (report.sent, report.failed) == (1, 0)
    [mime] = smtp_server.messages
    assert smtp_server.envelopes == [("office@ironmen.example.com", ["tom.keller@crew.example.com"])]
    assert mime["To"] == "Tom Keller <tom.keller@crew.example.com>"
    assert mime["Subject"] == "The Iron Men: your invite to Callboard"
    assert re.fullmatch(r"<[0-9a-f]{32}@ironmen\.example\.com>", mime["Message-ID"])
    assert mime["Date"].datetime is not None and mime.get_content_type() == "multipart/alternative"
    text = mime.get_body(("plain",)).get_content()
    html = mime.get_body(("html",)).get_content()
    for part in (text, html):
        assert "The Iron Men" in part and "+44 151 496 0000" in part
    link = LINK.search(text)
    assert link[0].startswith("https://callboard.example.com/invite/") and link[0] in html

    phone = demo.test_client()
    page = phone.get(link[1])  # what a link scanner does too: it must not use the invite up
    assert page.status_code == 200 and "Sign in on this device" in page.get_data(as_text=True)
    assert "Opened the invite" in crew_row(office(demo).get("/p/1/crew").get_data(as_text=True), tom.id)
    assert phone.post(link[1]).status_code in (302, 303)
    assert person(demo, "Tom Keller").user_id is not None
    row = crew_row(office(demo).get("/p/1/crew").get_data(as_text=True), tom.id)
    assert "Joined" in row and "person-invite" not in row


def test_each_state_of_an_invite_shows_on_the_crew_list(demo):
    client, tom = office(demo), person(demo, "Tom Keller")

    def state():
        return crew_row(client.get("/p/1/crew").get_data(as_text=True), tom.id)

    assert "Not invited yet" in state() and "Email invite" in state()
    client.post(f"/p/1/people/{tom.id}/invite")
    assert "Link shown" in state()
    client.post(f"/p/1/people/{tom.id}/invite/email")
    assert "Email waiting to go" in state() and "Re-send" in state()
    MailWorker(demo).drain()  # no MAIL_URL: filed in the local mailbox
    assert "Emailed" in state() and "to the local mailbox" in state()
    with demo.app_context():
        invite = db.session.scalar(sa.select(Invite).where(Invite.person_id == tom.id).order_by(Invite.id.desc()))
        invite.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert "link expired" in state()


def test_the_office_reads_mail_that_would_have_been_sent_without_a_mail_server(demo):
    client, tom = office(demo), person(demo, "Tom Keller")
    crew_page = client.get("/p/1/crew").get_data(as_text=True)
    assert 'href="/p/1/crew/mail"' in crew_page and "Mail that would have been sent" in crew_page
    client.post(f"/p/1/people/{tom.id}/invite/email")
    assert MailWorker(demo).drain().kept == 1
    [message] = outbox(demo)
    assert message.state == KEPT
    page = client.get("/p/1/crew/mail").get_data(as_text=True)
    assert "Mail that would have been sent" in page and "The Iron Men: your invite to Callboard" in page
    assert "tom.keller@crew.example.com" in page and "Kept here" in page
    path = LINK.search(page)[1]
    assert demo.test_client().get(path).status_code == 200  # the link in the kept mail works

    shown = client.get(f"/p/1/crew/mail/{message.id}")
    assert shown.status_code == 200 and "Open my invite" in shown.get_data(as_text=True)
    assert shown.headers["Content-Security-Policy"].startswith("sandbox")
    assert client.get("/p/1/crew/mail/99999").status_code == 404
    assert client.get(f"/p/1/crew/mail/{2**40}").status_code == 404
    other = client.get("/p/2/crew/mail")  # the same office runs Night Ferry: its own mail only
    assert other.status_code == 200 and "tom.keller@" not in other.get_data(as_text=True)

    crew = demo.test_client()
    crew.post("/login", data={"email": "crew@example.com", "password": "callboard-demo"})
    assert crew.get("/p/1/crew/mail").status_code == 403
    assert crew.get(f"/p/1/crew/mail/{message.id}").status_code == 403


def test_inviting_everyone_not_yet_joined_emails_each_once_and_counts_who_had_no_address(demo):
    with demo.app_context():
        for name in ("Tom Keller", "Priya Raman"):
            db.session.execute(sa.update(Person).where(Person.name == name).values(email=None))
        db.session.commit()
        waiting = db.session.scalar(
            sa.select(sa.func.count(Person.id)).where(
                Person.production_id == 1, Person.user_id.is_(None), Person.email.is_not(None)
            )
        )
    page = office(demo).post("/p/1/crew/invite-all", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert page.lstrip().startswith('<section id="people"')
    assert f"Invites emailed to {waiting} people." in page
    assert "2 had no email address: " in page and "Tom Keller" in page
    sent = outbox(demo)
    assert len(sent) == waiting and len({m.to_address for m in sent}) == waiting
    assert all(m.production_id == 1 and m.state == PENDING for m in sent)


def test_a_bad_or_missing_address_is_a_field_error_not_a_500(demo):
    client, tom = office(demo), person(demo, "Tom Keller")
    with demo.app_context():
        db.session.execute(sa.update(Person).where(Person.id == tom.id).values(email="tom at the office"))
        db.session.commit()
    card = client.post(f"/p/1/people/{tom.id}/invite/email")
    assert card.status_code == 422
    assert "is not an email address mail can be sent to" in card.get_data(as_text=True)
    row = client.post(f"/p/1/people/{tom.id}/invite/email", data={"view": "row"}, headers={"HX-Request": "true"})
    assert row.status_code == 422 and row.get_data(as_text=True).lstrip().startswith('<div class="person-invite"')
    with demo.app_context():
        db.session.execute(sa.update(Person).where(Person.id == tom.id).values(email=None))
        db.session.commit()
    none = client.post(f"/p/1/people/{tom.id}/invite/email")
    assert none.status_code == 422 and "has no email address" in none.get_data(as_text=True)
    assert outbox(demo) == []
    with demo.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Invite.id)).where(Invite.person_id == tom.id)) == 0


def test_a_row_from_the_crew_list_swaps_in_place_and_works_without_htmx(demo):
    client, tom = office(demo), person(demo, "Tom Keller")
    fragment = client.post(f"/p/1/people/{tom.id}/invite/email", data={"view": "row"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "Email waiting to go" in fragment.get_data(as_text=True)
    plain = client.post(f"/p/1/people/{tom.id}/invite/email", data={"view": "row"})
    assert plain.status_code == 303 and plain.headers["Location"].endswith(f"/p/1/crew#person-{tom.id}")


def test_a_mail_server_that_is_down_is_retried_then_marked_failed_never_lost(demo):
    demo.config["MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}"  # nobody listens there
    client, tom = office(demo), person(demo, "Tom Keller")
    client.post(f"/p/1/people/{tom.id}/invite/email")
    now = utcnow()
    worker = MailWorker(demo, rng=lambda: 0.0)
    assert worker.run_once(now).retrying == 1
    [message] = outbox(demo)
    assert message.state == PENDING and "Could not reach the mail server" in message.last_error
    assert "Email waiting to go" in crew_row(client.get("/p/1/crew").get_data(as_text=True), tom.id)
    assert worker.run_once(now).claimed == 0  # backing off
    assert worker.run_once(now + timedelta(days=4)).failed == 1  # past the invite's expiry
    [message] = outbox(demo)
    assert message.state == FAILED and message.last_error.startswith("Gave up after 2 attempts")
    row = crew_row(client.get("/p/1/crew").get_data(as_text=True), tom.id)
    assert "Email failed" in row and "Could not reach the mail server" in row


def test_a_server_that_comes_back_gets_the_message_once(demo, smtp_server):
    port = int(smtp_server.url.rsplit(":", 1)[1])
    demo.config["MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}"
    office(demo).post(f"/p/1/people/{person(demo, 'Tom Keller').id}/invite/email")
    now = utcnow()
    assert MailWorker(demo, rng=lambda: 0.0).run_once(now).retrying == 1
    demo.config["MAIL_URL"] = f"smtp://127.0.0.1:{port}"  # the server is back (here: at its address)
    worker = MailWorker(demo, rng=lambda: 0.0)
    later = now + timedelta(hours=2)
    assert worker.run_once(later).sent == 1
    assert worker.drain(later + timedelta(days=1)).claimed == 0
    assert len(smtp_server.messages) == 1 and outbox(demo)[0].state == SENT


def test_a_5xx_refusal_fails_at_once_and_a_4xx_is_tried_again(demo, smtp_server):
    demo.config["MAIL_URL"] = smtp_server.url
    smtp_server.refuse = {
        "tom.keller@crew.example.com": "550 5.1.1 No such mailbox",
        "priya.raman@crew.example.com": "451 4.7.1 Greylisted, try again later",
    }
    client = office(demo)
    for name in ("Tom Keller", "Priya Raman"):
        client.post(f"/p/1/people/{person(demo, name).id}/invite/email")
    now = utcnow()
    worker = MailWorker(demo, rng=lambda: 0.0)
    report = worker.run_once(now)
    assert (report.failed, report.retrying, report.sent) == (1, 1, 0)
    tom, priya = outbox(demo)
    assert tom.state == FAILED and "550 5.1.1 No such mailbox" in tom.last_error
    assert priya.state == PENDING and "451" in priya.last_error
    assert worker.run_once(now + timedelta(hours=1)).sent == 1
    assert [m["To"].addresses[0].addr_spec for m in smtp_server.messages] == ["priya.raman@crew.example.com"]
    row = crew_row(client.get("/p/1/crew").get_data(as_text=True), person(demo, "Tom Keller").id)
    assert "Email failed" in row and "No such mailbox" in row


def test_one_smtp_connection_carries_a_whole_batch(demo, smtp_server):
    demo.config["MAIL_URL"] = smtp_server.url
    office(demo).post("/p/1/crew/invite-all")
    waiting = len(outbox(demo))
    worker = MailWorker(demo)
    assert worker.drain().sent == waiting > 5
    assert worker.connections == 1 and len(smtp_server.peers) == 1
    assert len(smtp_server.messages) == waiting
    assert len({m["Message-ID"] for m in smtp_server.messages}) == waiting


def test_the_qr_wall_sheet_has_a_card_for_everyone_not_yet_joined(demo):
    client, tom = office(demo), person(demo, "Tom Keller")
    client.post(f"/p/1/people/{tom.id}/invite/email")
    emailed = LINK.search(outbox(demo)[0].text)[1]
    sheet = client.post("/p/1/crew/qr-cards")
    assert sheet.status_code == 200 and sheet.headers["Cache-Control"] == "no-store"
    page = sheet.get_data(as_text=True)
    with demo.app_context():
        waiting = db.session.scalar(
            sa.select(sa.func.count(Person.id)).where(Person.production_id == 1, Person.user_id.is_(None))
        )
    assert page.count('class="qr-card"') == waiting and page.count('class="qr"') == waiting
    assert "Tom Keller" in page and "Producer" in page and "Sign in on this device" in page
    assert "Chris Dunmore" not in page  # joined already
    assert demo.test_client().get(emailed).status_code == 200  # the emailed link keeps working
    first_sheet = client.post("/p/1/crew/qr-cards").get_data(as_text=True)
    with demo.app_context():
        live_wall = db.session.scalar(
            sa.select(sa.func.count(Invite.id)).where(
                Invite.person_id == tom.id, Invite.sent_via == "wall", Invite.expires_at > utcnow()
            )
        )
    assert live_wall == 1 and first_sheet != page  # a new sheet replaces the old one's codes
    crew = demo.test_client()
    crew.post("/login", data={"email": "crew@example.com", "password": "callboard-demo"})
    crew.csrf_token = None
    assert crew.post("/p/1/crew/qr-cards").status_code == 403


def test_mail_url_forms():
    assert parse_mail_url(None) is None
    assert parse_mail_url("smtp://mail.example.com") == MailServer("mail.example.com", 25)
    assert parse_mail_url("smtp://u%40x:p%3Aw@mail.example.com:587?starttls=1") == MailServer(
        "mail.example.com", 587, False, True, "u@x", "p:w"
    )
    assert parse_mail_url("smtps://mail.example.com") == MailServer("mail.example.com", 465, True)
    with pytest.raises(ValueError):
        parse_mail_url("http://mail.example.com")


def test_a_batch_stops_before_its_lease_runs_out_and_gives_the_rest_back(demo, smtp_server):
    demo.config["MAIL_URL"] = smtp_server.url
    office(demo).post("/p/1/crew/invite-all")
    worker = MailWorker(demo, batch_size=5)
    worker.lease = timedelta(0)  # as if every earlier send had taken the whole lease
    report = worker.run_once()
    assert report.claimed == 5 and report.sent == 0 and smtp_server.messages == []
    assert {(m.state, m.attempts, m.claim_token) for m in outbox(demo)} == {(PENDING, 0, None)}


def test_flask_mail_worker_once_files_the_outbox_in_the_local_mailbox(demo):
    office(demo).post(f"/p/1/people/{person(demo, 'Tom Keller').id}/invite/email")
    result = demo.test_cli_runner().invoke(args=["mail", "worker", "--once"])
    assert result.exit_code == 0 and "kept locally 1" in result.output
    assert outbox(demo)[0].state == KEPT


def test_a_persons_access_page_shows_the_invite_state_as_a_page_or_a_card(demo):
    client, tom = office(demo), person(demo, "Tom Keller")
    page = client.get(f"/p/1/people/{tom.id}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "<html" in page.get_data(as_text=True) and "Not invited yet" in page.get_data(as_text=True)
    card = client.get(f"/p/1/people/{tom.id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert card.lstrip().startswith('<section class="card access"') and "Email the invite" in card
    assert client.get("/p/1/people/99999").status_code == 404


def test_a_waiting_email_row_asks_for_itself_again_until_the_mail_has_gone(demo):
    client, tom = office(demo), person(demo, "Tom Keller")
    client.post(f"/p/1/people/{tom.id}/invite/email")
    waiting = client.get(f"/p/1/people/{tom.id}/invite/state", headers={"HX-Request": "true"})
    assert waiting.status_code == 200 and "Email waiting to go" in waiting.get_data(as_text=True)
    assert f'hx-get="/p/1/people/{tom.id}/invite/state" hx-trigger="load delay:2s"' in waiting.get_data(as_text=True)
    MailWorker(demo).drain()
    gone = client.get(f"/p/1/people/{tom.id}/invite/state", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Emailed" in gone and "hx-trigger" not in gone


def test_the_worker_signs_in_with_the_credentials_in_mail_url(demo):
    from aiosmtpd.smtp import AuthResult, LoginPassword

    seen = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            b"office@ironmen.example.com",
            b"p:ss w@rd",
        )
        seen.append(ok)
        return AuthResult(success=ok)

    room = Mailroom()
    # Plain loopback for the test only: a real server offers AUTH after STARTTLS (?starttls=1).
    controller = Controller(
        room, hostname="127.0.0.1", port=free_port(), authenticator=authenticator, auth_require_tls=False
    )
    controller.start()
    try:
        demo.config["MAIL_URL"] = f"smtp://office%40ironmen.example.com:p%3Ass%20w%40rd@127.0.0.1:{controller.port}"
        office(demo).post(f"/p/1/people/{person(demo, 'Tom Keller').id}/invite/email")
        assert MailWorker(demo).drain().sent == 1
        assert seen == [True] and len(room.messages) == 1
    finally:
        controller.stop()


def test_a_new_email_after_an_opened_link_expired_shows_the_new_email(demo):
    client, tom = office(demo), person(demo, "Tom Keller")
    client.post(f"/p/1/people/{tom.id}/invite/email")
    demo.test_client().get(LINK.search(outbox(demo)[0].text)[1])
    with demo.app_context():
        db.session.execute(sa.update(Invite).values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    row = crew_row(client.get("/p/1/crew").get_data(as_text=True), tom.id)
    assert "Opened the invite" in row and "link expired" in row
    client.post(f"/p/1/people/{tom.id}/invite/email")
    row = crew_row(client.get("/p/1/crew").get_data(as_text=True), tom.id)
    assert "Email waiting to go" in row and "link expired" not in row


def test_a_dropped_connection_retries_that_message_and_gives_the_rest_to_the_next_batch(demo, smtp_server):
    demo.config["MAIL_URL"] = smtp_server.url
    office(demo).post("/p/1/crew/invite-all")
    worker = MailWorker(demo, batch_size=4)
    sends = []

    class Dropping:
        def __init__(self, real):
            self.real = real

        def send_message(self, *args):
            sends.append(args)
            if len(sends) == 2:
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            return self.real.send_message(*args)

        def __getattr__(self, name):
            return getattr(self.real, name)

    real_connect = worker_module.connect
    worker_module.connect = lambda server, timeout: Dropping(real_connect(server, timeout))
    try:
        report = worker.run_once()
    finally:
        worker_module.connect = real_connect
    assert (report.claimed, report.sent, report.retrying) == (4, 1, 1)
    rows = outbox(demo)[:4]
    assert [r.state for r in rows] == [SENT, PENDING, PENDING, PENDING]
    assert rows[1].attempts == 1 and "did not answer" in rows[1].last_error
    assert [(r.attempts, r.claim_token) for r in rows[2:]] == [(0, None), (0, None)]
    assert worker.run_once().sent == 4  # the next batch connects again


def test_the_embedded_mail_worker_runs_once_per_host_inside_the_web_server(threaded_app, smtp_server, tmp_path):
    from app.mail import embedded
    from app.mail import outbox as mail_outbox

    threaded_app.config.update(MAIL_URL=smtp_server.url, MAIL_POLL_SECONDS=0.05)
    with threaded_app.app_context():
        for n in range(3):
            mail_outbox.enqueue(f"crew{n}@crew.example.com", "Hello", "Text", source=f"test:{n}")
        db.session.commit()
    lock = str(tmp_path / "mail-worker.lock")
    stops = [embedded.start(threaded_app, lock) for _ in range(2)]  # two gunicorn workers
    try:
        assert all(smtp_server.arrived.acquire(timeout=10) for _ in range(3))
    finally:
        for stop in stops:
            stop.set()
        for thread in [t for t in threading.enumerate() if t.name == "mail-worker"]:
            thread.join(10)
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp_server.messages) == [
        "crew0@crew.example.com",
        "crew1@crew.example.com",
        "crew2@crew.example.com",
    ]


def test_the_embedded_mail_worker_can_be_switched_off(app):
    import os

    from app.mail import embedded

    os.environ["CALLBOARD_MAIL_WORKER"] = "off"
    try:
        assert embedded.start(app) is None
    finally:
        del os.environ["CALLBOARD_MAIL_WORKER"]
