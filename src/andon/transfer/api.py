"""REST endpoints for bulk data: `POST /imports` (multipart upload) and `GET /exports`.

Thin: each operation checks the caller's capability and calls `transfer.services`. A rejected
import answers 400 with code `import_rejected` and every problem (file, row, column, message).
"""

from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile

from andon.accounts.permissions import require
from andon.transfer import services

router = Router(tags=["transfer"])


class FileCounts(Schema):
    created: int
    updated: int
    unchanged: int
    deleted: int


class ImportOut(Schema):
    """What an accepted import did, per file name (without `.csv`)."""

    counts: dict[str, FileCounts]


class ExportQuery(Schema):
    format: Literal["xlsx", "zip"] = "xlsx"


@router.post("/imports", response=ImportOut, summary="Import CSV files, a .zip or an .xlsx")
def import_files(request: HttpRequest, files: File[list[UploadedFile]]) -> dict[str, object]:
    """Upload one .xlsx workbook, one .zip of CSV files, or several CSV files (field `files`).

    All or nothing: on any problem nothing is written and the answer is 400 `import_rejected`
    with the list of problems.
    """
    require(request, "transfer.import")
    result = services.import_uploads(request.user, [(f.name or "", f.read()) for f in files])
    return {"counts": result.counts}


@router.get("/exports", summary="Download master data and open orders")
def export_files(request: HttpRequest, query: Query[ExportQuery]) -> HttpResponse:
    """The same files `andon export` writes: an .xlsx workbook or a .zip of CSV files."""
    require(request, "transfer.export")
    content, filename, content_type = services.export_bytes(query.format)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
