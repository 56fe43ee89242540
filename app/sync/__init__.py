"""Offline sync: the protocol, the registry each domain plugs its operations into, POST /api/sync.

Domains depend on sync, never the reverse: sync knows no domain's models or rules.
"""

from app.sync.protocol import Conflict, Rejected, Tap  # noqa: F401  (the names domains raise and take)
from app.sync.registry import register, register_changes, register_members, register_pages  # noqa: F401


def init_app(app):
    from app.sync import forms, models  # noqa: F401  (register the action form view and the table)
    from app.sync.api import bp
    from app.timeutil import utcnow

    app.register_blueprint(bp)
    app.jinja_env.globals["new_op_id"] = forms.new_op_id
    app.jinja_env.globals["utc_now_iso"] = lambda: utcnow().isoformat()
