"""Recognise an uploaded file by its content: the formats production paperwork comes in.

A small signature table instead of libmagic or the `filetype` package: we accept a short
list of formats, must look inside ZIP and OLE2 containers to tell an office document from
any other archive (an .msi installer is OLE2 too), and must check that text is UTF-8.
"""

import io
import unicodedata
import zipfile
from dataclasses import dataclass

from app.sync import Rejected  # the content is not a kind of file we keep; the message says why


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    label: str
    inline: bool = False  # shown in the browser rather than saved


PDF = FileType("application/pdf", "pdf", "PDF", inline=True)
PNG = FileType("image/png", "png", "PNG image", inline=True)
JPEG = FileType("image/jpeg", "jpg", "JPEG image", inline=True)
WEBP = FileType("image/webp", "webp", "WebP image", inline=True)
HEIC = FileType("image/heic", "heic", "HEIC photo")
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "Word document")
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Excel workbook")
PPTX = FileType("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx", "PowerPoint")
DOC = FileType("application/msword", "doc", "Word 97–2003 document")
XLS = FileType("application/vnd.ms-excel", "xls", "Excel 97–2003 workbook")
PPT = FileType("application/vnd.ms-powerpoint", "ppt", "PowerPoint 97–2003")
ODT = FileType("application/vnd.oasis.opendocument.text", "odt", "OpenDocument text")
ODS = FileType("application/vnd.oasis.opendocument.spreadsheet", "ods", "OpenDocument spreadsheet")
ODP = FileType("application/vnd.oasis.opendocument.presentation", "odp", "OpenDocument presentation")
TEXT = FileType("text/plain", "txt", "Text")
CSV = FileType("text/csv", "csv", "CSV")

ACCEPTED = (PDF, PNG, JPEG, WEBP, HEIC, DOCX, XLSX, PPTX, DOC, XLS, PPT, ODT, ODS, ODP, TEXT, CSV)
BY_CONTENT_TYPE = {kind.content_type: kind for kind in ACCEPTED}

EXECUTABLES = (  # prefix, what a person would call it
    (b"\x7fELF", "a program (ELF)"),
    (b"MZ", "a Windows program"),
    (b"#!", "a script"),
    (b"\xfe\xed\xfa\xce", "a macOS program"),
    (b"\xfe\xed\xfa\xcf", "a macOS program"),
    (b"\xce\xfa\xed\xfe", "a macOS program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"\xca\xfe\xba\xbe", "a program"),
)
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE2_STREAMS = ((DOC, "WordDocument"), (XLS, "Workbook"), (XLS, "Book"), (PPT, "PowerPoint Document"))
OOXML_PARTS = ((DOCX, "word/"), (XLSX, "xl/"), (PPTX, "ppt/"))
ODF_TYPES = {ODT.content_type: ODT, ODS.content_type: ODS, ODP.content_type: ODP}
UNSUPPORTED = (
    "That kind of file can't be kept here. Upload a PDF, an image (PNG, JPEG, WebP, HEIC), "
    "an office document (Word, Excel, PowerPoint, OpenDocument) or plain text."
)


def sniff(data: bytes, filename: str = "") -> FileType:
    """Return the type of data judged by its content; raise Rejected for anything else."""
    if not data:
        raise Rejected("The file is empty.")
    for prefix, what in EXECUTABLES:
        if data.startswith(prefix):
            raise Rejected(f"This file is {what}, not a document. Programs and scripts can't be uploaded.")
    if b"%PDF-" in data[:1024]:
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
        return HEIC
    if data.startswith(b"PK\x03\x04"):
        return _zipped_office(data)
    if data.startswith(OLE2):
        return _legacy_office(data)
    return _text(data, filename)


def _zipped_office(data: bytes) -> FileType:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        if names and names[0] == "mimetype":
            kind = ODF_TYPES.get(archive.read("mimetype")[:100].decode("ascii", "replace").strip())
            if kind:
                return kind
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        raise Rejected("This looks like a damaged ZIP file.") from None
    if "[Content_Types].xml" in names:
        for kind, folder in OOXML_PARTS:
            if any(name.startswith(folder) for name in names):
                return kind
    raise Rejected("ZIP archives can't be uploaded; upload the documents inside it one by one.")


def _legacy_office(data: bytes) -> FileType:
    # Stream names sit in the compound file's directory as UTF-16LE.
    for kind, stream in OLE2_STREAMS:
        if stream.encode("utf-16-le") in data:
            return kind
    raise Rejected("This is not a Word, Excel or PowerPoint file. " + UNSUPPORTED)


def _text(data: bytes, filename: str) -> FileType:
    if b"\x00" in data:
        raise Rejected(UNSUPPORTED)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Rejected("Text files must be saved as UTF-8. " + UNSUPPORTED) from None
    if any(unicodedata.category(char) == "Cc" and char not in "\t\r\n\f" for char in text):
        raise Rejected(UNSUPPORTED)
    return CSV if filename.lower().endswith(".csv") else TEXT


def clean_filename(name: str, limit: int = 120) -> str:
    """Return a display name: the last path part, without control or bidi characters."""
    name = unicodedata.normalize("NFC", (name or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(char for char in name if unicodedata.category(char) not in ("Cc", "Cf", "Zl", "Zp"))
    name = " ".join(name.split()).strip(". ")
    if len(name) > limit:
        _, dot, extension = name.rpartition(".")
        keep = extension if dot and 0 < len(extension) <= 10 else ""
        name = (name[: limit - len(keep) - 1].rstrip(". ") + "." + keep) if keep else name[:limit]
    return name or "document"


def download_name(filename: str, kind: FileType) -> str:
    """Return filename with the extension of what the file really is."""
    stem, dot, extension = filename.rpartition(".")
    if dot and stem and extension.lower() in {kind.extension, "jpeg", "text"}:
        return filename
    return f"{stem if dot and stem else filename}.{kind.extension}"
