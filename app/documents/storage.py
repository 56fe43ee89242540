"""Where document files live: content-addressed, so identical files are stored once.

The interface is put(bytes) -> key, open(key), exists(key); an object store can implement
it later. The local store keeps files under instance/documents/ab/cd/<sha256>.
"""

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app

KEY = re.compile(r"^[0-9a-f]{64}$")


class DocumentStore(Protocol):
    def put(self, data: bytes) -> str: ...

    def open(self, key: str) -> BinaryIO: ...

    def exists(self, key: str) -> bool: ...


class LocalStore:
    """Files on the local disk, named by the SHA-256 of their content."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not KEY.match(key):  # keys come from our database, but never trust a path
            raise KeyError(key)
        return self.root / key[:2] / key[2:4] / key

    def put(self, data: bytes) -> str:
        """Store data (once per distinct content) and return its key."""
        key = hashlib.sha256(data).hexdigest()
        path = self._path(key)
        if path.exists():
            return key
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write beside the target and rename: a reader never sees half a file.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return key

    def open(self, key: str) -> BinaryIO:
        """Open the stored file for reading; raise KeyError when it is missing."""
        try:
            return self._path(key).open("rb")
        except FileNotFoundError:
            raise KeyError(key) from None

    def exists(self, key: str) -> bool:
        """Return True when content with this key is stored."""
        try:
            return self._path(key).is_file()
        except KeyError:
            return False


def document_store() -> DocumentStore:
    """Return the configured store (instance/documents unless DOCUMENT_STORAGE_DIR says)."""
    root = current_app.config.get("DOCUMENT_STORAGE_DIR") or os.path.join(current_app.instance_path, "documents")
    return LocalStore(root)
