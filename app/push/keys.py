"""VAPID keys: from the environment, or generated once into instance/ (0600) and rotatable."""

import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from flask import current_app
from py_vapid import Vapid
from py_vapid.utils import b64urlencode


class KeysFromEnvironment(RuntimeError):
    """The keys are configured, not generated: rotate them where they are set."""


def key_file() -> Path:
    """Return where the generated private key lives."""
    configured = current_app.config.get("VAPID_KEY_FILE")
    return Path(configured) if configured else Path(current_app.instance_path) / "vapid_private_key.pem"


def _from_text(text: str) -> Vapid:
    text = text.strip()
    if text.startswith("-----BEGIN"):
        return Vapid.from_pem(text.encode())
    return Vapid.from_string(text)  # base64url raw 32-byte scalar or DER


def _pem(vapid: Vapid) -> bytes:
    return vapid.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _write_private(path: Path, pem: bytes, replace: bool) -> None:
    """Write a key file readable by its owner only, atomically; never overwrite unless replacing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        if replace:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)  # fails if another process created it first
    except FileExistsError:
        pass
    finally:
        temporary.unlink(missing_ok=True)


def public_key_of(vapid: Vapid) -> str:
    """Return the application-server key: the uncompressed P-256 point, base64url."""
    return b64urlencode(
        vapid.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )


def key_id_of(public_key: str) -> str:
    """Return a short fingerprint of a public key, stored with each subscription."""
    return hashlib.sha256(public_key.encode()).hexdigest()[:16]


def _stamp() -> tuple | None:
    """Return what identifies the key's source now; None when no key exists yet."""
    configured = current_app.config.get("VAPID_PRIVATE_KEY")
    if configured:
        return ("config", configured)
    path = key_file()
    if not path.exists():
        return None
    stat = path.stat()
    return ("file", str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)


def _load() -> Vapid:
    configured = current_app.config.get("VAPID_PRIVATE_KEY")
    if configured:
        vapid = _from_text(configured)
        expected = current_app.config.get("VAPID_PUBLIC_KEY")
        if expected and expected.strip().rstrip("=") != public_key_of(vapid):
            raise RuntimeError("VAPID_PUBLIC_KEY does not belong to VAPID_PRIVATE_KEY.")
        return vapid
    path = key_file()
    if not path.exists():
        fresh = Vapid()
        fresh.generate_keys()
        _write_private(path, _pem(fresh), replace=False)
    return _from_text(path.read_text())


def vapid_key() -> Vapid:
    """Return the current VAPID signing key, re-reading the file after a rotation."""
    cache = current_app.extensions.setdefault("push_vapid", {})
    stamp = _stamp()
    if stamp is None or cache.get("stamp") != stamp:
        cache["vapid"] = _load()
        cache["stamp"] = _stamp()
        cache["public"] = public_key_of(cache["vapid"])
    return cache["vapid"]


def public_key() -> str:
    """Return the application-server key the page subscribes with."""
    vapid_key()
    return current_app.extensions["push_vapid"]["public"]


def current_key_id() -> str:
    """Return the fingerprint of the current public key."""
    return key_id_of(public_key())


def rotate() -> str:
    """Replace the generated key pair; return the new public key."""
    if current_app.config.get("VAPID_PRIVATE_KEY"):
        raise KeysFromEnvironment(
            "The VAPID keys come from the environment: set new VAPID_PRIVATE_KEY and "
            "VAPID_PUBLIC_KEY values there instead."
        )
    fresh = Vapid()
    fresh.generate_keys()
    _write_private(key_file(), _pem(fresh), replace=True)
    current_app.extensions.pop("push_vapid", None)
    return public_key()
