"""Pages for the drawings and instructions of a routing operation: list, upload, open, remove.

Files are streamed through the app after the login check, with their stored content type and
`nosniff`, so a browser shows a PDF or an image and never runs anything.
"""

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from andon.accounts.permissions import requires
from andon.accounts.roles import can
from andon.catalog import documents
from andon.catalog.models import Operation, OperationDocument
from andon.core.errors import DomainError

CHANGE = "catalog.change"


class DocumentForm(forms.Form):
    file = forms.FileField(help_text="PDF, PNG, JPEG or WebP.")
    title = forms.CharField(max_length=120, required=False, help_text="The file's name if empty.")
    kind = forms.ChoiceField(choices=OperationDocument.Kind.choices)


@requires("view")
def operation_documents(request: HttpRequest, pk: int) -> HttpResponse:
    operation = get_object_or_404(Operation.objects.select_related("item", "work_center"), pk=pk)
    form = DocumentForm()
    if request.method == "POST":
        if not can(request.user, CHANGE):
            return HttpResponse(status=403)
        form = DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                document = documents.attach(
                    request.user,
                    operation,
                    form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                    kind=form.cleaned_data["kind"],
                )
            except DomainError as exc:
                form.add_error("file", exc.detail)
            else:
                messages.success(request, f"Attached {document}.")
                return HttpResponseRedirect(request.path)
    return render(
        request,
        "catalog/operation_documents.html",
        {
            "operation": operation,
            "documents": operation.documents.select_related("uploaded_by"),
            "form": form,
            "can_change": can(request.user, CHANGE),
        },
    )


@requires("view")
def document_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    document = get_object_or_404(OperationDocument, pk=pk)
    extension = (document.file.name or "").rsplit(".", 1)[-1]
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        filename=f"{document.title}.{extension}",
        as_attachment=False,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@require_POST
@requires(CHANGE)
def document_remove(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(OperationDocument, pk=pk)
    operation = document.operation_id
    documents.remove(request.user, document)
    messages.success(request, f"Removed {document}.")
    return HttpResponseRedirect(reverse("catalog:operation-documents", args=[operation]))
