"""Call sheet drafts, published revisions, per-person changes and acknowledgements."""

from datetime import datetime
from zoneinfo import ZoneInfo

from app.timeutil import as_utc


def local_time(moment: datetime | None, timezone: str, with_date: bool = False) -> str:
    """Format a stored UTC moment as wall-clock time in the production's zone."""
    if moment is None:
        return ""
    local = as_utc(moment).astimezone(ZoneInfo(timezone))
    return local.strftime("%a %-d %b %H:%M" if with_date else "%H:%M")


def iso_utc(moment: datetime | None) -> str:
    """Format a stored UTC moment as ISO 8601 with a Z, for data-* attributes."""
    return as_utc(moment).isoformat().replace("+00:00", "Z") if moment else ""


def init_app(app):
    from app import sync
    from app.callsheets import (  # noqa: F401  (register their views on bp)
        announcements,
        models,  # noqa: F401  (register tables)
        my_day,
        office,
        routes_history,  # noqa: F401  (registers call history views on bp)
        sync_ops,
    )
    from app.callsheets.routes import bp
    from app.callsheets.schemas import ConfirmPayload
    from app.callsheets.service import unpublished_changes

    # The day editor (schedule's page) includes callsheets/_day_actions.html, which asks this.
    app.jinja_env.globals["unpublished_changes"] = unpublished_changes
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["iso_utc"] = iso_utc
    app.register_blueprint(bp)
    sync.register("confirm_revision", sync_ops.confirm_revision, ConfirmPayload)
    sync.register_changes(sync_ops.changes_since)
    sync.register_pages(sync_ops.my_days_to_keep)
