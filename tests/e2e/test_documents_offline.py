"""Real Chromium against the real app: a document needed on location opens on the phone with the server stopped."""

import re

from playwright.sync_api import expect

from e2e.conftest import login

CREW, COORDINATOR = "crew@example.com", "coordinator@example.com"
LONDON = "Europe/London"
TITLE = "Vance House filming permit"
# A one-page PDF with its text, as a council's permit office would send it.
PERMIT = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n"
    b"3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
    b" /Resources <</Font <</F1 5 0 R>>>>>> endobj\n"
    b"4 0 obj <</Length 58>> stream\nBT /F1 24 Tf 72 760 Td (Filming permit: Vance House) Tj ET\n"
    b"endstream endobj\n5 0 obj <</Type /Font /Subtype /Type1 /BaseFont /Helvetica>> endobj\n"
    b"trailer <</Root 1 0 R>>\n%%EOF\n"
)
SAME_BYTES = """async (url) => {
  const response = await fetch(url);
  return {status: response.status, type: response.headers.get("Content-Type"),
          bytes: [...new Uint8Array(await response.arrayBuffer())]};
}"""
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
    b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
KEPT_DOCUMENTS = """async () => {
  const urls = [];
  for (const name of await caches.keys()) {
    for (const request of await (await caches.open(name)).keys()) {
      if (request.url.includes("/documents/")) urls.push(new URL(request.url).pathname);
    }
  }
  return urls;
}"""
# Wait (at most 10 s) until the phone keeps the document `wanted` (null: keeps none); return what it keeps.
# (wait_for_function does not await an async predicate, so the page checks the condition.)
KEPT_DOCUMENTS_ONCE = (
    """async (wanted) => {
  const kept = %s;
  const done = (urls) => (wanted === null ? urls.length === 0 : urls.includes(wanted));
  const deadline = Date.now() + 10000;
  let urls = await kept();
  while (!done(urls) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    urls = await kept();
  }
  return urls;
}"""
    % KEPT_DOCUMENTS
)


def upload(
    page,
    title: str,
    kind: str,
    *,
    content: bytes = PERMIT,
    filename: str = "permit.pdf",
    mime: str = "application/pdf",
    day_id: int | None = None,
    location: str | None = None,
    needed: bool = False,
    visibility: str | None = None,
    department: str | None = None,
) -> None:
    """Upload a document through the real form, as the coordinator on the tablet."""
    page.goto("/p/1/documents/new")
    page.get_by_label("File").set_input_files({"name": filename, "mimeType": mime, "buffer": content})
    page.locator("select[name=kind]").select_option(kind)
    page.locator("input[name=title]").fill(title)
    if day_id:
        page.locator("select[name=shoot_day_id]").select_option(str(day_id))
    if location:
        page.locator("select[name=location_id]").select_option(label=location)
    if needed:
        page.locator("input[name=needed_on_location]").check()
    if visibility:
        page.locator(f"input[name=visibility][value={visibility}]").check()
    if department:
        page.locator(".doc-departments label", has_text=department).locator("input").check()
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def publish(page, day_id: int) -> None:
    page.goto(f"/p/1/days/{day_id}/callsheet")
    page.get_by_role("button", name=re.compile(r"^Publish revision")).click()
    expect(page.locator(".rvb")).not_to_contain_text("Draft")


def upload_permit_for_tomorrow(page, day_id: int) -> None:
    """Upload the permit for day 2, needed on location, and publish day 2."""
    upload(page, TITLE, "permit", filename="vance-house-permit.pdf", day_id=day_id, needed=True)
    publish(page, day_id)
    expect(page.locator(".day-documents")).to_contain_text(TITLE)  # the published revision lists it


def test_a_document_needed_on_location_opens_on_the_phone_with_the_server_stopped(fresh_server, devices):
    ((day_two,),) = fresh_server.sql("SELECT id FROM shoot_days WHERE production_id = 1 AND day_number = 2")
    upload_permit_for_tomorrow(login(devices.tablet(timezone_id=LONDON).new_page(), COORDINATOR), day_two)
    ((document_id, size),) = fresh_server.sql(
        "SELECT d.id, v.size FROM documents d JOIN document_versions v ON v.document_id = d.id WHERE d.title = ?",
        (TITLE,),
    )
    url = f"/p/1/documents/{document_id}/versions/1/download"
    assert size == len(PERMIT)

    phone = devices.phone(timezone_id=LONDON)
    page = login(phone.new_page(), CREW)
    page.goto("/p/1/my-day")
    kept = page.locator(f'[data-keep][data-doc-url="{url}"]')
    expect(kept).to_contain_text("Day 2")
    expect(kept.locator("[data-offline-state]")).to_have_text("Saved on this phone")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now the service worker controls the page
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    expect(kept.locator("[data-offline-state]")).to_have_text("Saved on this phone")

    fresh_server.stop()
    with page.expect_response(lambda response: response.url.endswith(url)) as opened:
        kept.get_by_role("link", name=TITLE).click()
    response = opened.value
    assert response.from_service_worker
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith('inline; filename="vance-house-permit.pdf"')
    assert page.url.endswith(url)
    page.goto("/p/1/my-day")  # My day, from the phone, still says which papers are here
    expect(page.locator("[data-notice=offline]")).to_contain_text("Offline")
    expect(kept.locator("[data-offline-state]")).to_have_text("Saved on this phone")
    served = page.evaluate(SAME_BYTES, url)
    assert served == {"status": 200, "type": "application/pdf", "bytes": list(PERMIT)}

    fresh_server.start()
    office = devices.tablet(timezone_id=LONDON).new_page()
    login(office, COORDINATOR).goto(f"/p/1/documents/{document_id}")
    office.get_by_role("button", name="Archive").click()
    expect(office.locator(".doc-meta")).to_contain_text("Archived")
    page.goto("/p/1/my-day")  # no longer needed: it leaves the phone
    expect(page.locator("[data-keep-documents]")).to_be_hidden()
    assert page.evaluate(KEPT_DOCUMENTS_ONCE, None) == []


def test_a_background_sync_keeps_a_newly_needed_document_without_opening_my_day(fresh_server, devices):
    """The service worker's own sync saves My day and keeps what it lists: no page script runs."""
    phone = devices.phone(timezone_id=LONDON)
    page = login(phone.new_page(), CREW)
    page.goto("/p/1/my-day")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    assert page.evaluate(KEPT_DOCUMENTS) == []

    ((day_two,),) = fresh_server.sql("SELECT id FROM shoot_days WHERE production_id = 1 AND day_number = 2")
    upload_permit_for_tomorrow(login(devices.tablet(timezone_id=LONDON).new_page(), COORDINATOR), day_two)
    ((document_id,),) = fresh_server.sql("SELECT id FROM documents WHERE title = ?", (TITLE,))
    url = f"/p/1/documents/{document_id}/versions/1/download"

    page.goto("/p/1/directory")  # a page that keeps no documents itself
    assert page.evaluate("document.querySelector('[data-keep-documents]') === null")
    page.evaluate("navigator.serviceWorker.controller.postMessage({type: 'flush'})")  # as Background Sync does
    assert page.evaluate(KEPT_DOCUMENTS_ONCE, url) == [url]

    fresh_server.stop()
    served = page.evaluate(SAME_BYTES, url)
    assert served == {"status": 200, "type": "application/pdf", "bytes": list(PERMIT)}


def test_signing_out_leaves_no_document_on_the_phone(fresh_server, devices):
    ((day_two,),) = fresh_server.sql("SELECT id FROM shoot_days WHERE production_id = 1 AND day_number = 2")
    upload_permit_for_tomorrow(login(devices.tablet(timezone_id=LONDON).new_page(), COORDINATOR), day_two)
    page = login(devices.phone(timezone_id=LONDON).new_page(), CREW)
    page.goto("/p/1/my-day")
    expect(page.locator("[data-keep] [data-offline-state]")).to_have_text("Saved on this phone")
    assert len(page.evaluate(KEPT_DOCUMENTS)) == 1
    with page.expect_navigation(url=lambda url: "/login" in url):
        page.get_by_role("button", name="Sign out").click()
    assert page.evaluate(KEPT_DOCUMENTS) == []


def day_ids(server) -> list[int]:
    return [day_id for (day_id,) in server.sql("SELECT id FROM shoot_days WHERE production_id = 1 ORDER BY date")]


def look_at(page, screenshot, name: str, element: str | None = None) -> None:
    """Save the page (and one part of it, close up) in the light theme and in the dark one."""
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        path = screenshot(page, f"{name}-{scheme}")
        if element:  # close up, and as the screen shows it among the rest
            part = page.locator(element).first
            part.screenshot(path=path.with_name(f"{name}-{scheme}-close.png"))
            part.scroll_into_view_if_needed()
            page.screenshot(path=path.with_name(f"{name}-{scheme}-screen.png"))
    page.emulate_media(color_scheme="light")


def test_paperwork_on_the_call_sheet_my_day_and_the_list_on_a_phone_a_tablet_and_paper(
    fresh_server, devices, screenshot
):
    days = day_ids(fresh_server)
    office = login(devices.tablet(timezone_id=LONDON).new_page(), COORDINATOR)
    upload(office, "Harbour Warehouse filming permit", "permit", location="Harbour Warehouse", needed=True)
    upload(
        office,
        "Crew parking map, Kings Dock level 2",
        "map",
        content=PNG,
        filename="parking.png",
        mime="image/png",
        day_id=days[0],
    )
    upload(office, "Public liability insurance certificate", "insurance", needed=True)
    upload(
        office,
        "Warehouse location agreement",
        "location_agreement",
        location="Harbour Warehouse",
        visibility="coordinators",
    )
    upload(
        office,
        "Camera department sides, scenes 12–16",
        "sides",
        day_id=days[0],
        visibility="departments",
        department="Camera",
    )
    upload_permit_for_tomorrow(office, days[1])

    phone = login(devices.phone(timezone_id=LONDON).new_page(), CREW)
    phone.goto("/p/1/my-day")
    states = phone.locator("[data-keep] [data-offline-state]")
    expect(states).to_have_count(3)
    for index in range(3):
        expect(states.nth(index)).to_have_text("Saved on this phone")
    sheet = phone.locator(".day-documents li")
    expect(sheet).to_have_count(4)  # the permit, the insurance, the map and the camera sides; not the agreement
    expect(phone.locator(".day-documents")).not_to_contain_text("location agreement")
    look_at(phone, screenshot, "paperwork-my-day-phone", ".needed")
    look_at(phone, screenshot, "paperwork-sheet-phone", ".day-documents")
    phone.goto("/p/1/documents/")
    expect(phone.locator(".doc-item [data-offline-state=saved]")).to_have_count(3)  # today's two and tomorrow's
    look_at(phone, screenshot, "paperwork-list-phone")

    office.goto("/p/1/my-day")  # the coordinator is called too: her tablet keeps the papers
    expect(office.locator("[data-keep] [data-offline-state=saved]")).to_have_count(3)
    revision = office.locator(".upcoming a").first.get_attribute("href")
    office.goto(revision)
    expect(office.locator(".day-documents")).to_contain_text("Office only")
    look_at(office, screenshot, "paperwork-sheet-tablet", ".day-documents")
    office.goto("/p/1/documents/")
    look_at(office, screenshot, "paperwork-list-tablet")

    office.emulate_media(media="print")  # the call sheet on paper lists its paperwork by title
    office.goto(revision)
    paper = office.locator(".day-documents")
    expect(paper).to_be_visible()
    expect(paper).to_contain_text("Harbour Warehouse filming permit")
    expect(paper.locator("[data-offline-state]").first).to_be_hidden()
    screenshot(office, "paperwork-sheet-print")
