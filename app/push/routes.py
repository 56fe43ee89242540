"""Push opt-in API, the notification settings page and the in-app feed."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Blueprint, abort, g, jsonify, request
from marshmallow import ValidationError

from app.auth.permissions import current_user, login_required
from app.crew.membership import memberships
from app.extensions import db
from app.push import keys, service, subscriptions
from app.push.schemas import EndpointSchema, PreferenceSchema, SubscriptionSchema
from app.timeutil import as_utc
from app.web import json_body, render

bp = Blueprint("push", __name__)

TEST_MESSAGE = service.Message(
    title="Callboard test",
    body="Push alerts reach this device. You will hear when your call changes.",
    url="/account/notifications",
    collapse="callboard-test",
    source="test",
)


def _json_error(message: str, errors: dict | None = None, status: int = 400):
    return jsonify({"message": message, "errors": errors or {}}), status


@bp.get("/push/key")
@login_required
def public_key():
    """Serve the application-server key the page subscribes with."""
    response = jsonify({"publicKey": keys.public_key(), "keyId": keys.current_key_id()})
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.post("/push/subscriptions")
@login_required
def subscribe():
    """Store this device's push subscription for the signed-in person."""
    try:
        data = SubscriptionSchema().load(json_body() or {})
    except ValidationError as error:
        return _json_error(_first_message(error.messages), error.messages)
    try:
        subscription = subscriptions.subscribe(
            current_user().id,
            data["endpoint"],
            data["keys"]["p256dh"],
            data["keys"]["auth"],
            request.user_agent.string,
            data["application_server_key"],
            device_session_id=g.device_session.id,
        )
    except subscriptions.KeyRotated:
        return _json_error("The push key changed: subscribe again.", status=409)
    except subscriptions.EndpointTaken:
        message = "This push subscription belongs to someone else who is still signed in with it."
        return _json_error(message, {"endpoint": [message]}, status=409)
    db.session.commit()
    return jsonify({"id": subscription.id, "device": subscription.user_agent}), 201


@bp.delete("/push/subscriptions")
@login_required
def unsubscribe_endpoint():
    """Forget this device (the page knows its endpoint, not our id)."""
    try:
        data = EndpointSchema().load(json_body() or {})
        subscriptions.unsubscribe(current_user().id, endpoint=data["endpoint"])
    except ValidationError as error:
        return _json_error("Send the endpoint to forget.", error.messages)
    except subscriptions.NotFound:
        return _json_error("This device is not subscribed.", status=404)
    db.session.commit()
    return "", 204


@bp.route("/push/subscriptions/<int:subscription_id>", methods=["DELETE"])
@bp.post("/push/subscriptions/<int:subscription_id>/remove")
@login_required
def remove_device(subscription_id: int):
    """Forget one of the signed-in person's devices."""
    try:
        subscriptions.unsubscribe(current_user().id, subscription_id=subscription_id)
    except subscriptions.NotFound:
        abort(404)
    db.session.commit()
    if request.method == "DELETE":
        return "", 204
    return _settings(notice="Device removed. It will get no more push alerts.")


@bp.post("/push/subscriptions/<int:subscription_id>/test")
@login_required
def send_test(subscription_id: int):
    """Push a test message to one of the signed-in person's devices."""
    user = current_user()
    try:
        device = subscriptions.device(user.id, subscription_id)
    except subscriptions.NotFound:
        abort(404)
    if subscriptions.needs_resubscribe(device):
        return _settings(notice="This device must subscribe again: open Callboard on it.")
    service.enqueue_for_user(user.id, TEST_MESSAGE, only_subscription_id=device.id)
    db.session.commit()
    return _settings(notice=f"Test sent to {device.user_agent}. It should arrive within seconds.")


@bp.get("/account/notifications")
@login_required
def settings():
    """Show push opt-in, this person's devices and what they want to hear about."""
    return _settings()


@bp.post("/account/notifications/preferences")
@login_required
def set_preference():
    """Choose all revisions or only my changes, per production."""
    try:
        data = PreferenceSchema().load(request.form.to_dict())
        subscriptions.set_preference(current_user().id, data["person_id"], data["revisions"])
    except ValidationError as error:
        return _settings(status=422, errors=error.messages)
    except subscriptions.NotFound:
        abort(404)
    db.session.commit()
    return _settings(notice="Saved.")


def _settings(status: int = 200, notice: str = "", errors: dict | None = None):
    user = current_user()
    devices = subscriptions.devices(user.id)
    people = memberships(user.id)
    block = None
    if request.method == "POST":
        block = "devices" if request.path.startswith("/push/") else "preferences"
    return render(
        "push/settings.html",
        block,
        status,
        devices=devices,
        stale={d.id for d in devices if subscriptions.needs_resubscribe(d)},
        people=people,
        chosen=subscriptions.preferences(p.id for p in people),
        notices={block: notice},
        errors=errors or {},
    )


@bp.get("/notifications")
@login_required
def feed():
    """Show the signed-in person's notifications, newest first."""
    user = current_user()
    return render("push/feed.html", "feed", items=service.feed(user.id), unread=service.unread_count(user.id))


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    """Mark one notification read."""
    user = current_user()
    if not service.owns(user.id, notification_id):
        abort(404)
    service.mark_read(user.id, notification_id)
    db.session.commit()
    return feed()


@bp.post("/notifications/read")
@login_required
def mark_all_read():
    """Mark every notification read."""
    service.mark_read(current_user().id)
    db.session.commit()
    return feed()


@bp.app_template_filter("when")
def when(moment, item=None) -> str:
    """Format a stored UTC time in the production's zone when the item has one."""
    zone = "UTC"
    if item is not None and item.person is not None:
        zone = item.person.production.timezone
    try:
        local = as_utc(moment).astimezone(ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError):
        local, zone = as_utc(moment), "UTC"
    return local.strftime("%a %-d %b, %H:%M") + (" UTC" if zone == "UTC" else "")


def _first_message(messages) -> str:
    while isinstance(messages, dict):
        messages = next(iter(messages.values()))
    return messages[0] if isinstance(messages, list) and messages else "The subscription is not valid."
