"""/sw.js at the root scope, its modules under /sw/, the web app manifest, the offline page."""

from flask import Blueprint, abort, jsonify, render_template, url_for

from app.offline import assets

bp = Blueprint("offline", __name__)
# application/javascript is what Flask-Compress is configured to compress.
NO_CACHE = {"Cache-Control": "no-cache", "Content-Type": "application/javascript; charset=utf-8"}


@bp.get("/sw.js")
def service_worker():
    """Serve the service worker for the whole site, marked with the asset version."""
    source = (assets.SYNC_DIR / "sw.js").read_text()
    body = f"{source}// assets version {assets.version()}\n"
    return body, 200, {**NO_CACHE, "Service-Worker-Allowed": "/"}


@bp.get("/sw/assets.js")
def service_worker_assets():
    """Serve the generated module with the cache version and the precache list."""
    return assets.assets_module(), 200, NO_CACHE


@bp.get("/sw/<name>.js")
def service_worker_module(name: str):
    """Serve one module of sync/ (the service worker's and the outbox's code)."""
    filename = f"{name}.js"
    if filename not in assets.sync_modules():
        abort(404)
    return (assets.SYNC_DIR / filename).read_text(), 200, NO_CACHE


@bp.get("/manifest.webmanifest")
def manifest():
    """Describe the installable app: names, icons, colours, start page."""
    icons = [
        {
            "src": url_for("static", filename=f"icons/{kind}-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "maskable" if kind == "maskable" else "any",
        }
        for kind in ("icon", "maskable")
        for size in (192, 512)
    ]
    response = jsonify(
        {
            "name": "Callboard",
            "short_name": "Callboard",
            "id": "/",
            "start_url": "/",
            "scope": "/",
            "description": "Call sheets, check-in and updates for film and TV crews, with or without signal.",
            "display": "standalone",
            "orientation": "any",
            "background_color": "#101418",
            "theme_color": "#101418",
            "icons": icons,
        }
    )
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def offline_page():
    """Show the page the service worker answers with when a page was never saved."""
    return render_template("offline.html"), 200, {"Cache-Control": "no-cache"}
