"""The operations the domains plug into sync, and the providers of what changed since a cursor.

Each domain registers its own in its `init_app`; adding an offline operation touches that
domain only. Registering again under the same kind replaces the entry (one per app build).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from marshmallow import Schema


@dataclass(frozen=True)
class Operation:
    """An offline operation: handler(actor, payload, tap) -> result dict, raising Rejected/Conflict."""

    kind: str
    handler: Callable
    payload_schema: type[Schema]


_operations: dict[str, Operation] = {}
_change_providers: list[Callable] = []
_page_providers: list[Callable] = []
_members: list[Callable] = []


def register(kind: str, handler: Callable, payload_schema: type[Schema]) -> None:
    """Offer an operation to the sync endpoint and to the no-JavaScript action forms."""
    _operations[kind] = Operation(kind, handler, payload_schema)


def operation(kind) -> Operation | None:
    """Return the registered operation of a kind, or None."""
    return _operations.get(kind) if isinstance(kind, str) else None


def kinds() -> tuple[str, ...]:
    """Return the registered kinds."""
    return tuple(_operations)


def register_changes(provider: Callable) -> None:
    """Add provider(user_id, since: datetime | None, now) -> [change with a "url"]."""
    if provider not in _change_providers:
        _change_providers.append(provider)


def register_pages(provider: Callable) -> None:
    """Add provider(user_id) -> [page URL a phone keeps warm]."""
    if provider not in _page_providers:
        _page_providers.append(provider)


def register_members(provider: Callable) -> None:
    """Set provider(user_id) -> {production_id: membership}: who acts on which production."""
    _members[:] = [provider]


def members(user_id: int) -> dict:
    """Return the user's memberships by production id."""
    return _members[0](user_id) if _members else {}


def changes(user_id: int, since: datetime | None, now: datetime) -> list[dict]:
    """Return every provider's changes since a moment (None: everything current)."""
    return [change for provider in _change_providers for change in provider(user_id, since, now)]


def pages(user_id: int) -> list[str]:
    """Return the pages to keep warm on the user's phone."""
    return [url for provider in _page_providers for url in provider(user_id)]
