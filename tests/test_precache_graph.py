"""The precache list follows the module graph: every module a precached module imports is precached.

These tests read the imports with their own small parser (line by line, as a person would), not
with the one in app/offline/assets.py, so a blind spot in one shows up against the other.
"""

import re
import shutil
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from app.offline import assets

STATIC_JS = Path(__file__).resolve().parents[1] / "static" / "js"
# `from "x"` ends every static import and re-export; `import "x"` is a side-effect import;
# `import("x")` is a dynamic one. Comment lines are skipped.
IMPORT_PATHS = re.compile(r"""(?:\bfrom\s+|^\s*import\s+|\bimport\s*\(\s*)["']([^"']+)["']""")


def imports_in(source: str) -> set[str]:
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("//", "*", "/*"))]
    return {match.group(1) for line in lines for match in IMPORT_PATHS.finditer(line)}


def plain(url: str) -> str:
    return urlsplit(url).path


def precache(client) -> list[str]:
    module = client.get("/sw/assets.js").get_data(as_text=True)
    return re.findall(r'"(/[^"]+)"', module.split("PRECACHE", 1)[1])


def body(client, url: str) -> str:
    response = client.get(url)
    text = response.get_data(as_text=True)
    response.close()
    assert response.status_code == 200, url
    return text


def test_the_share_link_module_that_callboard_js_imports_is_precached(client):
    urls = precache(client)
    assert "/static/js/share-link.js" in urls
    assert any(plain(url) == "/static/js/callboard.js" for url in urls)


def test_every_module_a_precached_module_or_the_worker_imports_is_precached_by_its_plain_url(client):
    urls = precache(client)
    # The vendored htmx is a classic script (no imports) that this small parser cannot read.
    scripts = [url for url in urls if plain(url).endswith(".js") and ".min." not in url] + ["/sw.js"]
    missing = []
    for url in scripts:
        for specifier in imports_in(body(client, url)):
            target = plain(urljoin(f"http://phone{plain(url)}", specifier))
            if target != "/sw/assets.js" and target not in urls:
                missing.append(f"{url} imports {target}")
    assert missing == []
    assert len(scripts) >= 10  # the shell's scripts, their imports and the worker's


def test_a_page_script_outside_the_shell_imports_nothing_that_the_shell_does_not_precache(client):
    # A hash-less import is kept by the worker until the cache version changes; only the
    # modules the graph reaches change the version, so a page script that imports one must
    # join the shell (assets.STATIC_PRECACHE).
    urls = precache(client)
    missing = [
        f"{script.name} imports {specifier}"
        for script in sorted(STATIC_JS.glob("*.js"))
        for specifier in imports_in(script.read_text())
        if specifier.startswith(".") and plain(urljoin(f"http://phone/static/js/{script.name}", specifier)) not in urls
    ]
    assert missing == []


@pytest.fixture
def copied_assets(app, tmp_path, monkeypatch):
    """The app serving a copy of static/ and sync/ that a test may change."""
    static, sync = tmp_path / "static", tmp_path / "sync"
    shutil.copytree(app.static_folder, static)
    shutil.copytree(assets.SYNC_DIR, sync)
    monkeypatch.setattr(app, "static_folder", str(static))
    monkeypatch.setattr(assets, "SYNC_DIR", sync)
    return static, sync


def test_changing_any_imported_module_alone_changes_the_cache_version(app, client, copied_assets):
    static, sync = copied_assets
    with app.test_request_context():
        imported = [url for url in assets.precache_urls() if "?" not in url and url.endswith(".js")]
        before = assets.version()
    assert "/static/js/share-link.js" in imported and "/sw/outbox.js" in imported
    for url in imported:
        path = static / url.removeprefix("/static/") if url.startswith("/static/") else sync / url.removeprefix("/sw/")
        path.write_text(path.read_text() + "\n// changed\n")
        with app.test_request_context():
            after = assets.version()
        assert after != before, url
        before = after
    assert body(client, "/sw.js").rstrip().endswith(f"// assets version {before}")


def test_a_module_imported_only_later_joins_the_precache_and_the_version(app, client, copied_assets):
    static, _ = copied_assets
    (static / "js" / "crew-list.js").write_text("export const crew = [];\n")
    share_link = static / "js" / "share-link.js"
    with app.test_request_context():
        before = assets.version()
    share_link.write_text('import { crew } from "./crew-list.js";\n' + share_link.read_text())
    assert "/static/js/crew-list.js" in precache(client)
    with app.test_request_context():
        assert assets.version() != before


def test_the_import_reader_follows_every_form_and_skips_comments():
    source = """
    // import { old } from "./commented-out.js";
    /* import "./also-commented.js"; */
    import "./side-effect.js";
    import { a,
      b } from "/sw/over-lines.js";
    import * as all from './single-quotes.js';
    export { c } from "./re-exported.js";
    const later = await import("./dynamic.js");
    const note = "see https://example.com // not a comment";
    const dynamic = import(name);  // not a literal path: cannot be followed
    import test from "node:test";
    """
    assert assets.module_specifiers(source) == [
        "./side-effect.js",
        "/sw/over-lines.js",
        "./single-quotes.js",
        "./re-exported.js",
        "node:test",
        "./dynamic.js",
    ]
    assert assets.resolve("./x.js", "/static/js/callboard.js") == "/static/js/x.js"
    assert assets.resolve("../css/x.js", "/static/js/callboard.js") == "/static/css/x.js"
    assert assets.resolve("/sw/caches.js", "/static/js/offline.js") == "/sw/caches.js"
    assert assets.resolve("node:test", "/static/js/offline.js") is None
