"""Content-hashed static URLs, immutable caching, and the service worker's precache list."""
import hashlib
import json
from pathlib import Path

from flask import Flask, current_app, request, url_for

SYNC_DIR = Path(__file__).resolve().parents[2] / "sync"
# The app shell every phone keeps: htmx, styles, page scripts, icons (static/ paths).
STATIC_PRECACHE = (
    "js/htmx-2.0.11.min.js", "js/callboard.js", "js/offline.js",
    "css/callboard.css", "css/account.css", "css/office.css", "css/callsheet.css", "css/checkins.css",
    "css/documents.css", "css/print.css",
    "icons/callboard.svg", "icons/icon-192.png", "icons/icon-512.png",
    "icons/maskable-192.png", "icons/maskable-512.png", "icons/apple-touch-icon.png",
)
# Modules that page modules import by plain relative URL (no content hash).
IMPORTED_STATIC = ("js/outbox-page.js", "js/saved-documents.js")
PAGE_PRECACHE = ("/offline", "/manifest.webmanifest")
YEAR = 365 * 24 * 3600
_hashes: dict[tuple[str, float], str] = {}


def file_hash(path: Path) -> str:
    """Return a short content hash of a file, remembered until the file changes."""
    key = (str(path), path.stat().st_mtime)
    if key not in _hashes:
        _hashes[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return _hashes[key]


def sync_modules() -> list[str]:
    """Return the service-worker modules served from sync/ (not the entry, not tests)."""
    return sorted(p.name for p in SYNC_DIR.glob("*.js") if p.name != "sw.js")


def _static_path(filename: str) -> Path:
    return Path(current_app.static_folder) / filename


def precache_urls() -> list[str]:
    """Return every URL the service worker stores on install."""
    statics = [url_for("static", filename=name) for name in STATIC_PRECACHE
               if _static_path(name).exists()]
    statics += [f"/static/{name}" for name in IMPORTED_STATIC]
    modules = [f"/sw/{name}" for name in sync_modules()]
    return statics + modules + list(PAGE_PRECACHE)


def version() -> str:
    """Return a hash of every precached file, the service worker and the offline page."""
    digest = hashlib.sha256()
    files = [_static_path(name) for name in STATIC_PRECACHE + IMPORTED_STATIC]
    files += sorted(SYNC_DIR.glob("*.js"))
    files.append(Path(current_app.root_path).parent / "templates" / "offline.html")
    for path in files:
        if path.exists():
            digest.update(f"{path.name}:{file_hash(path)};".encode())
    return digest.hexdigest()[:16]


def assets_module() -> str:
    """Return the ES module the service worker imports: its version and precache list."""
    return (f"export const VERSION = {json.dumps(version())};\n"
            f"export const PRECACHE = {json.dumps(precache_urls(), indent=1)};\n")


def _versioned_static(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "filename" in values and "v" not in values:
        path = _static_path(values["filename"])
        if path.is_file():
            values["v"] = file_hash(path)


def _immutable_static(response):
    if request.endpoint == "static" and response.status_code == 200 and request.args.get("v"):
        path = _static_path(request.view_args.get("filename", ""))
        if path.is_file() and request.args["v"] == file_hash(path):
            response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response


def init_app(app: Flask) -> None:
    """Give static URLs a content hash and serve those URLs as immutable."""
    app.url_defaults(_versioned_static)
    app.after_request(_immutable_static)
