"""The push-service allow-list: which subscription endpoints we may ever send to."""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_ALLOWED_ORIGINS = (
    "https://fcm.googleapis.com",
    "https://updates.push.services.mozilla.com",
    "https://*.push.apple.com",
    "https://*.notify.windows.com",
)
DEFAULT_PORTS = {"https": 443, "http": 80}
MAX_ENDPOINT_LENGTH = 1000
# Printable ASCII only: no spaces, no backslashes, nothing a URL parser could read two ways.
_ENDPOINT_CHARS = re.compile(r"^[!#-\[\]-~]+$")
_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
_HOST = re.compile(r"^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")


class EndpointRefused(ValueError):
    """The endpoint is not a push service we are willing to send to."""


@dataclass(frozen=True)
class AllowedOrigin:
    scheme: str
    host: str  # "*.push.apple.com" matches any subdomain
    port: int

    def admits(self, scheme: str, host: str, port: int) -> bool:
        """Return True when scheme, host and port fall under this origin."""
        if scheme != self.scheme or port != self.port:
            return False
        if self.host.startswith("*."):
            return host.endswith(self.host[1:]) and len(host) > len(self.host) - 1
        return host == self.host


def parse_origins(setting) -> tuple[AllowedOrigin, ...]:
    """Parse the allow-list: a comma-separated string or a list of origins."""
    items = setting.split(",") if isinstance(setting, str) else list(setting or ())
    return tuple(_parse_origin(item.strip()) for item in items if item.strip())


def _parse_origin(item: str) -> AllowedOrigin:
    problem = ValueError(f"PUSH_ALLOWED_ORIGINS: {item!r} is not an origin like https://host[:port]")
    parts = urlsplit(item)
    host = (parts.hostname or "").lower()
    if (
        parts.scheme not in DEFAULT_PORTS
        or "@" in parts.netloc
        or parts.path not in ("", "/")
        or not (_HOST.match(host) or _IPV4.match(host))
    ):
        raise problem
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError:
        raise problem from None
    return AllowedOrigin(parts.scheme, host, port)


def origin_of(endpoint: str) -> str:
    """Return scheme://host[:port] of an endpoint, as VAPID's `aud` wants it."""
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


def check_endpoint(endpoint: str, allowed: tuple[AllowedOrigin, ...]) -> str:
    """Return the endpoint if it may be sent to; raise EndpointRefused with the reason."""
    if not isinstance(endpoint, str) or not endpoint:
        raise EndpointRefused("The push endpoint is missing.")
    if len(endpoint) > MAX_ENDPOINT_LENGTH:
        raise EndpointRefused("The push endpoint is too long.")
    if not _ENDPOINT_CHARS.match(endpoint):
        raise EndpointRefused("The push endpoint contains characters a URL may not have.")
    parts = urlsplit(endpoint)
    if parts.scheme not in DEFAULT_PORTS or not parts.netloc:
        raise EndpointRefused("The push endpoint must be an https URL.")
    if "@" in parts.netloc or parts.username is not None:
        raise EndpointRefused("The push endpoint may not contain a user name or password.")
    if parts.fragment:
        raise EndpointRefused("The push endpoint may not contain a fragment.")
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError:
        raise EndpointRefused("The push endpoint has an invalid port.") from None
    host = (parts.hostname or "").lower()
    if not any(origin.admits(parts.scheme, host, port) for origin in allowed):
        raise EndpointRefused(f"{parts.scheme}://{parts.netloc} is not a push service Callboard sends to.")
    return endpoint
