"""The import / export page: upload files to import, download an export.

Thin: reading the upload and showing the outcome; `transfer.services` does the work. A rejected
import re-renders the page with every problem in a table, and nothing was written.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from andon.accounts.permissions import requires
from andon.accounts.roles import can
from andon.core.errors import ValidationFailed
from andon.transfer import services
from andon.transfer.specs import SPECS


def _page(request: HttpRequest, **extra: object) -> HttpResponse:
    context = {
        "files": SPECS,
        "can_import": can(request.user, "transfer.import"),
        **extra,
    }
    status = 400 if extra.get("problems") else 200
    return render(request, "transfer/index.html", context, status=status)


@requires("transfer.export")
def index(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@requires("transfer.import")
def upload(request: HttpRequest) -> HttpResponse:
    files = request.FILES.getlist("files")
    try:
        result = services.import_uploads(request.user, [(f.name or "", f.read()) for f in files])
    except ValidationFailed as exc:
        return _page(request, error=exc.detail, problems=exc.problems)
    messages.success(request, "Import done: " + result.summary() + ".")
    return redirect("transfer:index")


@require_GET
@requires("transfer.export")
def download(request: HttpRequest) -> HttpResponse:
    try:
        content, filename, content_type = services.export_bytes(request.GET.get("format", "xlsx"))
    except ValidationFailed as exc:
        return _page(request, error=exc.detail)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
