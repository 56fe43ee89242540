"""Content-hashed static URLs, immutable caching, and the service worker's precache list.

The precache list and the cache version follow the module graph: from the app shell's
scripts and the service worker, every module they import (static, side-effect or dynamic
`import()` with a literal path), recursively. A module a precached module imports is
fetched by its plain URL (no content hash), so it is precached by that URL, and its bytes
are part of the version: a change to it alone installs a new worker on every phone.
"""

import hashlib
import json
import posixpath
import re
from pathlib import Path

from flask import Flask, current_app, request, url_for

SYNC_DIR = Path(__file__).resolve().parents[2] / "sync"
# The app shell every phone keeps: htmx, styles, page scripts, icons (static/ paths).
# The modules these scripts import are found by following their imports, not listed here.
STATIC_PRECACHE = (
    "js/htmx-2.0.11.min.js",
    "js/callboard.js",
    "js/offline.js",
    "css/callboard.css",
    "css/account.css",
    "css/office.css",
    "css/callsheet.css",
    "css/checkins.css",
    "css/documents.css",
    "css/print.css",
    "icons/callboard.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/maskable-192.png",
    "icons/maskable-512.png",
    "icons/apple-touch-icon.png",
)
WORKER_URL = "/sw.js"
GENERATED_URL = "/sw/assets.js"  # made by assets_module(), not a file
PAGE_PRECACHE = ("/offline", "/manifest.webmanifest")
YEAR = 365 * 24 * 3600
_hashes: dict[tuple[str, int, int], str] = {}
_imports: dict[tuple[str, int, int], tuple[str, ...]] = {}

# Comments and string literals, matched together so a `//` inside a string is not a comment.
_COMMENT_OR_STRING = re.compile(
    r"""//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`""", re.S
)
# `import x from "m"`, `import { a, b } from "m"` (over lines), `import "m"`, `export … from "m"`.
_STATIC_IMPORT = re.compile(
    r"""(?:^|[;}\n])\s*(?:import|export)\b(?:\s*[\w$*{][^;'"`]*?\bfrom)?\s*(["'])([^"'\n]+)\1"""
)
_DYNAMIC_IMPORT = re.compile(r"""\bimport\s*\(\s*(["'])([^"'\n]+)\1\s*\)""")


def _stamp(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return str(path), stat.st_mtime_ns, stat.st_size


def file_hash(path: Path) -> str:
    """Return a short content hash of a file, remembered until the file changes."""
    key = _stamp(path)
    if key not in _hashes:
        _hashes[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return _hashes[key]


def module_specifiers(source: str) -> list[str]:
    """Return the literal paths a JavaScript module imports, statically or with import()."""
    code = _COMMENT_OR_STRING.sub(lambda m: " " if m.group().startswith("/") else m.group(), source)
    found = [m.group(2) for m in _STATIC_IMPORT.finditer(code)]
    found += [m.group(2) for m in _DYNAMIC_IMPORT.finditer(code)]
    return list(dict.fromkeys(found))


def _imports_of(path: Path) -> tuple[str, ...]:
    key = _stamp(path)
    if key not in _imports:
        _imports[key] = tuple(module_specifiers(path.read_text(encoding="utf-8")))
    return _imports[key]


def resolve(specifier: str, importer_url: str) -> str | None:
    """Return the URL path a module specifier names, as a browser resolves it (None: bare)."""
    specifier = specifier.split("#")[0].split("?")[0]
    if specifier.startswith("/"):
        return posixpath.normpath(specifier)
    if specifier.startswith(("./", "../")):
        return posixpath.normpath(posixpath.join(posixpath.dirname(importer_url), specifier))
    return None  # "node:test" or a package name: never loaded by the browser


def sync_modules() -> list[str]:
    """Return the service-worker modules served from sync/ (not the entry, not tests)."""
    return sorted(p.name for p in SYNC_DIR.glob("*.js") if p.name != "sw.js")


def _static_path(filename: str) -> Path:
    return Path(current_app.static_folder) / filename


def module_file(url: str) -> Path | None:
    """Return the file served at a module URL (None when no file serves it)."""
    if url == WORKER_URL:
        return SYNC_DIR / "sw.js"
    if url.startswith("/sw/") and url.removeprefix("/sw/") in sync_modules():
        return SYNC_DIR / url.removeprefix("/sw/")
    if url.startswith("/static/"):
        path = _static_path(url.removeprefix("/static/"))
        return path if path.is_file() else None
    return None


def _entry_modules() -> list[str]:
    scripts = [f"/static/{name}" for name in STATIC_PRECACHE if name.endswith(".js")]
    return [*scripts, WORKER_URL]


def imported_modules() -> list[str]:
    """Return the URL of every module the shell's scripts and the worker import, at any depth."""
    seen: set[str] = set()
    waiting = _entry_modules()
    while waiting:
        url = waiting.pop()
        path = module_file(url)
        if path is None:
            continue
        for specifier in _imports_of(path):
            target = resolve(specifier, url)
            if target and target != GENERATED_URL and target not in seen:
                seen.add(target)
                waiting.append(target)
    seen.discard(WORKER_URL)
    # Page modules first, then the worker's; a missing file stays listed so the install (and
    # the test that fetches every precached URL) fails loudly instead of caching a gap.
    return sorted(seen, key=lambda url: (url.startswith("/sw/"), url))


def precache_urls() -> list[str]:
    """Return every URL the service worker stores on install."""
    statics = [url_for("static", filename=name) for name in STATIC_PRECACHE if _static_path(name).exists()]
    return statics + imported_modules() + list(PAGE_PRECACHE)


def version() -> str:
    """Return a hash of every precached file, the service worker and the offline page."""
    files = [(name, _static_path(name)) for name in STATIC_PRECACHE]
    files += [(url, module_file(url)) for url in [*imported_modules(), WORKER_URL]]
    files.append(("offline.html", Path(current_app.root_path).parent / "templates" / "offline.html"))
    digest = hashlib.sha256()
    for label, path in files:
        if path is not None and path.exists():
            digest.update(f"{label}:{file_hash(path)};".encode())
    return digest.hexdigest()[:16]


def assets_module() -> str:
    """Return the ES module the service worker imports: its version and precache list."""
    return (
        f"export const VERSION = {json.dumps(version())};\n"
        f"export const PRECACHE = {json.dumps(precache_urls(), indent=1)};\n"
    )


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
