"""Files are recognised by their content, named safely and stored once per content."""

import hashlib
import io
import zipfile

import pytest

from app.documents import filetypes
from app.documents.downloads import content_disposition
from app.documents.filetypes import Rejected, clean_filename, download_name, sniff
from app.documents.storage import LocalStore

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 32


def zipped(entries: dict[str, bytes]) -> bytes:
    """Return a ZIP archive holding entries in order (the first one stored, as ODF wants)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index, (name, content) in enumerate(entries.items()):
            archive.writestr(name, content, zipfile.ZIP_STORED if index == 0 else zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def ooxml(folder: str) -> bytes:
    return zipped(
        {"[Content_Types].xml": b"<Types/>", "_rels/.rels": b"<Relationships/>", f"{folder}/main.xml": b"<x/>"}
    )


def odf(mimetype: str) -> bytes:
    return zipped({"mimetype": mimetype.encode(), "content.xml": b"<office:document-content/>"})


def ole2(stream: str) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + stream.encode("utf-16-le") + b"\x00" * 64


DOCX, XLSX, PPTX = ooxml("word"), ooxml("xl"), ooxml("ppt")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF, filetypes.PDF),
        (PNG, filetypes.PNG),
        (JPEG, filetypes.JPEG),
        (WEBP, filetypes.WEBP),
        (HEIC, filetypes.HEIC),
        (DOCX, filetypes.DOCX),
        (XLSX, filetypes.XLSX),
        (PPTX, filetypes.PPTX),
        (odf("application/vnd.oasis.opendocument.text"), filetypes.ODT),
        (odf("application/vnd.oasis.opendocument.spreadsheet"), filetypes.ODS),
        (odf("application/vnd.oasis.opendocument.presentation"), filetypes.ODP),
        (ole2("WordDocument"), filetypes.DOC),
        (ole2("Workbook"), filetypes.XLS),
        (ole2("PowerPoint Document"), filetypes.PPT),
        ("Call 07:00 at the dock gate — bring boots.\n".encode(), filetypes.TEXT),
    ],
)
def test_accepted_formats_are_recognised_by_their_content(content, expected):
    assert sniff(content, "whatever.bin") is expected


def test_csv_is_utf8_text_named_csv():
    assert sniff(b"Name,Call\nRosa,06:30\n", "calls.csv") is filetypes.CSV


def test_a_pdf_with_a_wrong_extension_is_a_pdf():
    assert sniff(PDF, "permit.docx") is filetypes.PDF


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "program"),
        (b"MZ\x90\x00\x03" + b"\x00" * 64 + b"PE\x00\x00", "Windows program"),
        (b"#!/bin/sh\nrm -rf /\n", "script"),
        (b"#!/usr/bin/env python3\nprint('hi')\n", "script"),
        (b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 32, "macOS program"),
    ],
)
def test_renamed_programs_and_scripts_are_rejected(content, says):
    with pytest.raises(Rejected, match=says):
        sniff(content, "call-sheet.pdf")


def test_a_script_that_mentions_pdf_is_still_a_script():
    with pytest.raises(Rejected, match="script"):
        sniff(b"#!/bin/sh\n# %PDF-1.4\n", "permit.pdf")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "empty"),
        (zipped({"payload.exe": b"MZ", "readme.txt": b"hi"}), "ZIP archives"),
        (b"PK\x03\x04 not really a zip", "damaged ZIP"),
        (ole2("\x05SummaryInformation"), "not a Word, Excel or PowerPoint"),
        ("Zeitplan für Drehtag".encode("latin-1"), "UTF-8"),
        (b"text with a \x00 nul byte", "can't be kept"),
        (b"GIF89a\x01\x00\x01\x00", "can't be kept"),
    ],
)
def test_other_content_is_rejected_with_a_reason(content, says):
    with pytest.raises(Rejected, match=says):
        sniff(content, "document.pdf")


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\drivers.pdf", "drivers.pdf"),
        ("/var/lib/permit.pdf", "permit.pdf"),
        ("per\x00mit\r\n.pdf", "permit.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # no right-to-left override trick
        ("  ..hidden.pdf  ", "hidden.pdf"),
        ("...", "document"),
        ("", "document"),
        ("Genehmigung Hafen – März.pdf", "Genehmigung Hafen – März.pdf"),
    ],
)
def test_file_names_lose_paths_and_control_characters(given, shown):
    assert clean_filename(given) == shown


def test_long_file_names_keep_their_extension():
    name = clean_filename("a" * 300 + ".pdf")
    assert len(name) <= 120 and name.endswith(".pdf")


@pytest.mark.parametrize(
    ("stored", "kind", "saved_as"),
    [
        ("permit.pdf", filetypes.PDF, "permit.pdf"),
        ("permit.docx", filetypes.PDF, "permit.pdf"),
        ("scan.jpeg", filetypes.JPEG, "scan.jpeg"),
        ("README", filetypes.TEXT, "README.txt"),
    ],
)
def test_downloads_carry_the_extension_of_what_the_file_is(stored, kind, saved_as):
    assert download_name(stored, kind) == saved_as


def test_content_disposition_has_an_ascii_fallback_and_an_rfc6266_utf8_name():
    header = content_disposition("attachment", 'Hafen "März"; plan.pdf')
    assert header.startswith('attachment; filename="Hafen _Marz__ plan.pdf"; ')
    assert header.endswith("filename*=UTF-8''Hafen%20%22M%C3%A4rz%22%3B%20plan.pdf")


def test_the_store_keeps_identical_content_once_under_its_hash(tmp_path):
    store = LocalStore(tmp_path)
    first, second = store.put(PDF), store.put(PDF)
    digest = hashlib.sha256(PDF).hexdigest()
    assert first == second == digest
    assert (tmp_path / digest[:2] / digest[2:4] / digest).read_bytes() == PDF
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [tmp_path / digest[:2] / digest[2:4] / digest]
    with store.open(first) as stored:
        assert stored.read() == PDF
    assert store.exists(first)


def test_the_store_never_treats_a_key_as_a_path(tmp_path):
    store = LocalStore(tmp_path / "documents")
    (tmp_path / "secret").write_text("not yours")
    assert not store.exists("../secret")
    with pytest.raises(KeyError):
        store.open("../secret")
    with pytest.raises(KeyError):
        store.open("0" * 64)
