"""Production paperwork: list and search, upload, versions, edit, archive, download."""

from flask import Blueprint, abort, current_app, redirect, request, url_for
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from app.auth.permissions import login_required
from app.crew.membership import coordination, membership
from app.documents import service
from app.documents.downloads import file_response
from app.documents.models import KINDS, VISIBILITIES
from app.documents.schemas import DocumentSchema, DownloadSchema, FilterSchema, UploadSchema, VersionSchema, megabytes
from app.documents.storage import document_store
from app.extensions import db
from app.web import render

bp = Blueprint("documents", __name__, url_prefix="/p/<int:production_id>/documents")

UPLOADS = {"documents.new", "documents.add_version"}
FORM_ENVELOPE = 256 * 1024  # the other form fields and multipart boundaries around the file


@bp.url_value_preprocessor
def allow_large_uploads(endpoint, values):
    """Raise the 2 MB request limit to DOCUMENT_MAX_BYTES on the upload routes only."""
    # This runs before every before_request hook, and CSRFProtect's hook already reads the form.
    if endpoint in UPLOADS and request.method == "POST":
        request.max_content_length = current_app.config["DOCUMENT_MAX_BYTES"] + FORM_ENVELOPE


@bp.errorhandler(413)
def too_large(error):
    limit = megabytes(current_app.config["DOCUMENT_MAX_BYTES"])
    return render(
        "error.html",
        status=413,
        code=413,
        message=f"That file is larger than {limit}, the most a document can be. "
        "Go back, export a smaller copy or split it into parts, and upload again.",
    )


def _visible(me, document_id: int):
    document = service.visible_document(me, document_id)
    if document is None:
        abort(404)
    return document


def _form_data() -> dict:
    form = request.form.to_dict()
    form["department_ids"] = request.form.getlist("department_ids")
    return form


def _choices(me) -> dict:
    found = service.form_choices(me)
    return {
        "kinds": list(KINDS.items()),
        "visibilities": VISIBILITIES,
        "departments": found["departments"],
        "day_options": [(d.id, f"Day {d.day_number} · {d.date:%a %-d %b}") for d in found["days"]],
        "location_options": [(place.id, place.name) for place in found["locations"]],
        "department_options": [(d.id, d.name) for d in found["departments"]],
        "tag_options": [(tag, tag) for tag in found["tags"]],
        "max_bytes": current_app.config["DOCUMENT_MAX_BYTES"],
    }


def _detail_page(me, document, errors=None, status=200):
    return render(
        "documents/detail.html",
        status=status,
        me=me,
        document=document,
        errors=errors or {},
        max_bytes=current_app.config["DOCUMENT_MAX_BYTES"],
    )


@bp.get("/")
@login_required
def index(production_id: int):
    """List the documents the person may see, filtered; htmx gets the list alone."""
    me = membership(production_id)
    args = request.args.to_dict()
    try:
        filters = FilterSchema().load(args)
    except ValidationError as error:
        return render(
            "documents/index.html",
            "document_list",
            422,
            me=me,
            documents=[],
            filters=args,
            errors=error.messages,
            **_choices(me),
        )
    documents = service.search(me, **filters)
    return render(
        "documents/index.html", "document_list", me=me, documents=documents, filters=filters, errors={}, **_choices(me)
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new(production_id: int):
    """Upload a new document (production office)."""
    me = coordination(production_id)
    form, errors = {"kind": request.args.get("kind", ""), "visibility": ""}, {}
    if request.method == "POST":
        form = _form_data()
        try:
            data = UploadSchema().load({**form, "file": request.files.get("file")})
            document = service.create_document(me, data, document_store())
        except (ValidationError, service.DocumentInvalid) as error:
            db.session.rollback()
            errors = error.messages
            return render("documents/new.html", status=422, me=me, form=form, errors=errors, **_choices(me))
        db.session.commit()
        return redirect(url_for(".detail", production_id=production_id, document_id=document.id), 303)
    return render("documents/new.html", me=me, form=form, errors=errors, **_choices(me))


@bp.get("/<int:document_id>")
@login_required
def detail(production_id: int, document_id: int):
    """Show a document and the history of its versions."""
    me = membership(production_id)
    return _detail_page(me, _visible(me, document_id))


@bp.post("/<int:document_id>/versions")
@login_required
def add_version(production_id: int, document_id: int):
    """Upload a new version; the earlier ones stay downloadable."""
    me = coordination(production_id)
    document = _visible(me, document_id)
    try:
        upload = VersionSchema().load({"file": request.files.get("file")})["file"]
        service.add_version(me, document, upload, document_store())
        db.session.commit()
    except ValidationError as error:
        return _detail_page(me, document, error.messages, 422)
    except IntegrityError:
        db.session.rollback()
        abort(409, "Someone uploaded a version of this document at the same moment. Reload and try again.")
    return redirect(url_for(".detail", production_id=production_id, document_id=document_id), 303)


@bp.route("/<int:document_id>/edit", methods=["GET", "POST"])
@login_required
def edit(production_id: int, document_id: int):
    """Change a document's details and who may see it (production office)."""
    me = coordination(production_id)
    document = _visible(me, document_id)
    form, errors = service.as_form(document), {}
    if request.method == "POST":
        form = _form_data()
        try:
            service.update_document(document, DocumentSchema().load(form))
        except (ValidationError, service.DocumentInvalid) as error:
            db.session.rollback()
            errors = error.messages
            return render(
                "documents/edit.html", status=422, me=me, document=document, form=form, errors=errors, **_choices(me)
            )
        db.session.commit()
        return redirect(url_for(".detail", production_id=production_id, document_id=document_id), 303)
    return render("documents/edit.html", me=me, document=document, form=form, errors=errors, **_choices(me))


@bp.post("/<int:document_id>/archive")
@login_required
def archive(production_id: int, document_id: int):
    """Archive a document: hidden from crew and the list, never deleted."""
    me = coordination(production_id)
    service.archive(_visible(me, document_id))
    db.session.commit()
    return redirect(url_for(".detail", production_id=production_id, document_id=document_id), 303)


@bp.post("/<int:document_id>/restore")
@login_required
def restore(production_id: int, document_id: int):
    """Bring an archived document back."""
    me = coordination(production_id)
    service.restore(_visible(me, document_id))
    db.session.commit()
    return redirect(url_for(".detail", production_id=production_id, document_id=document_id), 303)


@bp.get("/<int:document_id>/versions/<int:number>/download")
@login_required
def download(production_id: int, document_id: int, number: int):
    """Send one version's file to a person who may see the document."""
    me = membership(production_id)
    version = service.version(_visible(me, document_id), number)
    if version is None:
        abort(404)
    try:
        options = DownloadSchema().load(request.args.to_dict())
    except ValidationError:
        abort(400, "That download link is not valid.")
    return file_response(version, document_store(), options["attachment"])
