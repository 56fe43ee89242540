"""Sign-in, sign-out and server-side sessions."""
from app.auth.models import DeviceSession
from app.extensions import db


def test_coordinator_with_two_productions_lands_on_the_switcher(demo, client, auth):
    response = auth.login()
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "The Iron Men" in page and "Night Ferry" in page


def test_crew_member_lands_on_my_day(demo, client, auth):
    auth.login("crew@example.com")
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/my-day")


def test_wrong_password_is_a_field_level_422(demo, client, auth):
    response = auth.login(password="nope")
    assert response.status_code == 422
    assert "do not match" in response.get_data(as_text=True)


def test_sign_out_ends_the_device_session_on_the_server(demo, client, auth):
    auth.login()
    with demo.app_context():
        assert db.session.query(DeviceSession).count() == 1
    auth.logout()
    with demo.app_context():
        assert db.session.query(DeviceSession).count() == 0
    assert client.get("/").status_code == 302


def test_state_change_without_csrf_token_is_refused(demo, client):
    response = client.post("/login", data={"email": "crew@example.com", "password": "callboard-demo"},
                           csrf=False)
    assert response.status_code == 400
