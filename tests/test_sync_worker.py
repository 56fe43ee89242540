"""The installable app: service worker at the root scope, its modules, manifest, offline page."""

import re

import pytest

from app.offline import assets


def fetch(client, url):
    """GET a URL and close the response (static files are streamed from open files)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def test_the_service_worker_is_served_at_the_root_scope_uncached_with_its_version(app, client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.mimetype == "application/javascript"
    body = response.get_data(as_text=True)
    assert 'import { PRECACHE, VERSION } from "/sw/assets.js";' in body
    with app.test_request_context():
        assert body.rstrip().endswith(f"// assets version {assets.version()}")


def test_the_service_worker_entry_stays_thin():
    assert len((assets.SYNC_DIR / "sw.js").read_text().splitlines()) <= 60


def test_every_module_the_worker_imports_is_served(client):
    body = client.get("/sw.js").get_data(as_text=True)
    for module in re.findall(r'from "(/sw/[a-z-]+\.js)"', body):
        response = client.get(module)
        assert response.status_code == 200, module
        assert response.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("path", ["/sw/sw.js", "/sw/fakes.js", "/sw/nope.js", "/sw/..%2Fapp.js"])
def test_only_the_modules_of_sync_are_served(client, path):
    assert client.get(path).status_code == 404


def test_the_precache_lists_the_app_shell_with_hashed_urls(app, client):
    module = client.get("/sw/assets.js").get_data(as_text=True)
    version = re.search(r'VERSION = "([0-9a-f]{16})"', module).group(1)
    urls = re.findall(r'"(/[^"]+)"', module)
    assert "/offline" in urls and "/manifest.webmanifest" in urls and "/sw/outbox.js" in urls
    htmx = next(url for url in urls if "htmx-2.0.11.min.js" in url)
    assert re.search(r"\?v=[0-9a-f]{12}$", htmx)
    assert any("maskable-512.png" in url for url in urls)
    for url in urls:
        assert fetch(client, url).status_code == 200, url
    with app.test_request_context():
        assert assets.version() == version


def test_every_stylesheet_and_script_a_page_links_is_precached_so_saved_pages_look_right_offline(client):
    module = client.get("/sw/assets.js").get_data(as_text=True)
    precached = set(re.findall(r'"(/[^"]+)"', module))
    page = client.get("/login").get_data(as_text=True)
    linked = re.findall(r'(?:href|src)="(/static/(?:css|js)/[^"]+)"', page)
    assert len(linked) >= 8
    assert [url for url in linked if url not in precached] == []


def test_hashed_static_urls_are_cached_for_a_year_and_stale_hashes_are_not(app, client):
    with app.test_request_context():
        from flask import url_for

        url = url_for("static", filename="css/callboard.css")
    assert "?v=" in url
    assert "immutable" in fetch(client, url).headers["Cache-Control"]
    stale = fetch(client, "/static/css/callboard.css?v=000000000000")
    assert "immutable" not in stale.headers.get("Cache-Control", "")


def test_pages_link_the_manifest_and_register_the_worker_from_a_module(demo, client, auth):
    auth.login("crew@example.com")
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert 'rel="manifest" href="/manifest.webmanifest"' in page
    assert re.search(r'<script src="/static/js/offline\.js\?v=[0-9a-f]+" type="module">', page)


def test_the_manifest_makes_callboard_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json()
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    assert manifest["name"] == "Callboard" and manifest["short_name"] == "Callboard"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")}
    for icon in manifest["icons"]:
        png = fetch(client, icon["src"]).get_data()
        assert png.startswith(b"\x89PNG")
        width = int.from_bytes(png[16:20], "big")
        assert f"{width}x{width}" == icon["sizes"]


def test_the_offline_page_holds_nothing_personal(demo, client, auth):
    auth.login("crew@example.com")
    page = client.get("/offline").get_data(as_text=True)
    assert "No signal" in page
    assert "Chris Dunmore" not in page and "csrf_token" not in page and "Sign out" not in page
