"""What a phone receives: the JSON payload, its size limit, its Topic."""

import base64
import hashlib
import json

# A 4096-byte aes128gcm body leaves 3993 bytes of plaintext: 4096 minus the 86-byte header
# (salt, record size, key id), the 16-byte tag and the 1-byte padding delimiter.
MAX_PLAINTEXT = 3993
# After a push service answers 413 we try once more with a much smaller body.
SHRUNK_PLAINTEXT = 1024
ELLIPSIS = "…"


class PayloadTooLarge(ValueError):
    """The message cannot fit in a push even with its body cut."""


def _encode(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def build_payload(notification_id: int, title: str, body: str, url: str, tag: str, limit: int = MAX_PLAINTEXT) -> bytes:
    """Return the JSON plaintext, cutting the body to fit `limit` bytes; raise PayloadTooLarge."""
    data = {"id": notification_id, "title": title, "body": body, "url": url, "tag": tag}
    encoded = _encode(data)
    if len(encoded) <= limit:
        return encoded
    data["body"] = ""
    if len(_encode(data)) > limit:
        raise PayloadTooLarge(f"The title and link of this message need more than the {limit} bytes a push can carry.")
    low, high = 0, len(body)  # longest prefix of the body that still fits, with an ellipsis
    while low < high:
        middle = (low + high + 1) // 2
        data["body"] = body[:middle].rstrip() + ELLIPSIS
        if len(_encode(data)) <= limit:
            low = middle
        else:
            high = middle - 1
    data["body"] = body[:low].rstrip() + ELLIPSIS if low else ""
    return _encode(data)


def topic_for(recipient: str, collapse: str | None) -> str | None:
    """Return a push Topic (32 base64url characters) for one recipient and collapse key."""
    if not collapse:
        return None
    digest = hashlib.sha256(f"{recipient}|{collapse}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()[:32]
