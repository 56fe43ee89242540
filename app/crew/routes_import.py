"""Crew list import from CSV: upload, preview every row's problems, then import a clean file."""

from flask import current_app, g, redirect, request, url_for
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from app.auth.permissions import load_signed_in_user, login_required
from app.crew import importer
from app.crew.importer import UnreadableFile
from app.crew.membership import coordination
from app.crew.routes import bp
from app.crew.schemas import CarriedImportSchema
from app.extensions import db
from app.web import render

PAGE = "crew/import.html"


def import_page(me, status: int = 200, plan=None, problem: str | None = None, done=None):
    """Render the import screen: the upload form, a preview, or what was imported."""
    return render(
        PAGE,
        status=status,
        production=me.production,
        me=me,
        section="crew",
        plan=plan,
        problem=problem,
        done=done,
        max_mb=current_app.config["CSV_IMPORT_MAX_BYTES"] / 1024 / 1024,
    )


def _too_large_message() -> str:
    limit = current_app.config["CSV_IMPORT_MAX_BYTES"] / 1024 / 1024
    return f"The file is larger than {limit:.0f} MB. Split the crew list into smaller files."


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """Answer an upload over the request size limit with the import form and a clear message."""
    if "user" not in g:
        load_signed_in_user()  # the CSRF check read the body, and failed, before the user was known
    try:
        me = coordination(request.view_args["production_id"])
    except (HTTPException, KeyError, TypeError):
        return render("error.html", status=413, code=413, message=_too_large_message())
    return import_page(me, 413, problem=_too_large_message())


@bp.get("/import")
@login_required
def import_crew(production_id: int):
    """Show the CSV upload form (and what the last import did)."""
    me = coordination(production_id)
    done = {key: request.args.get(key, type=int) for key in ("added", "updated")} if "added" in request.args else None
    return import_page(me, done=done)


@bp.post("/import")
@login_required
def preview_import(production_id: int):
    """Check an uploaded crew list and show what importing it would do."""
    me = coordination(production_id)
    limit = current_app.config["CSV_IMPORT_MAX_BYTES"]
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return import_page(me, 422, problem="Choose a CSV file to upload.")
    try:
        content = importer.check_size(upload.stream.read(limit + 1), limit)
        plan = importer.plan_import(production_id, content)
    except UnreadableFile as error:
        return import_page(me, error.status, problem=str(error))
    return import_page(me, 200 if plan.clean else 422, plan=plan)


@bp.post("/import/confirm")
@login_required
def confirm_import(production_id: int):
    """Import the previewed crew list after checking it again; a file with problems changes nothing."""
    me = coordination(production_id)
    try:
        carried = CarriedImportSchema().load(request.form.to_dict())["content"]
        content = importer.uncarry(carried, current_app.config["CSV_IMPORT_MAX_BYTES"])
        plan = importer.plan_import(production_id, content)
    except ValidationError:
        return import_page(me, 422, problem="The preview was lost on the way back. Upload the file again.")
    except UnreadableFile as error:
        return import_page(me, error.status, problem=str(error))
    if not plan.clean:
        return import_page(me, 422, plan=plan)
    added, updated = importer.apply_import(production_id, plan)
    db.session.commit()
    return redirect(url_for("crew.import_crew", production_id=production_id, added=added, updated=updated), code=303)
