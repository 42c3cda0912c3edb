"""Drawings and work instructions attached to routing operations.

A file is accepted only if its first bytes say it is what its name says (PDF, PNG, JPEG or
WebP): the terminal opens these files on the shop floor, and a renamed HTML or script file must
never be served as a drawing. Files are stored under a random name, so an upload's own name can
neither collide with another nor point outside the media directory.
"""

import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from andon.catalog.models import Operation, OperationDocument
from andon.core import audit, services
from andon.core.errors import Problem, ValidationFailed

# extension -> (content type, test on the first bytes)
FORMATS: dict[str, tuple[str, Any]] = {
    ".pdf": ("application/pdf", lambda head: head.startswith(b"%PDF-")),
    ".png": ("image/png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    ".jpg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    ".jpeg": ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    ".webp": ("image/webp", lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP"),
}


def _refuse(message: str, column: str = "file") -> ValidationFailed:
    return ValidationFailed(message, [Problem(message=message, column=column)], code="bad_document")


def _checked_format(upload: UploadedFile[Any]) -> str:
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in FORMATS:
        raise _refuse("Attach a PDF, PNG, JPEG or WebP file.")
    limit = settings.ANDON_MAX_DOCUMENT_MB * 1024 * 1024
    if upload.size is None or upload.size == 0:
        raise _refuse("The file is empty.")
    if upload.size > limit:
        raise _refuse(f"The file is larger than {settings.ANDON_MAX_DOCUMENT_MB} MB.")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type, looks_right = FORMATS[extension]
    if not looks_right(head):
        raise _refuse(f"The file is not really a {extension[1:].upper()} file.")
    return content_type


def attach(
    user: Any, operation: Operation, upload: UploadedFile[Any], *, title: str = "", kind: str = ""
) -> OperationDocument:
    """Store the file and record it on the operation; a refused file leaves nothing behind."""
    content_type = _checked_format(upload)
    extension = PurePath(upload.name or "").suffix.lower()
    title = (title or PurePath(upload.name or "").stem).strip()[:120]
    document = OperationDocument(
        operation=operation,
        title=title,
        kind=kind or OperationDocument.Kind.DRAWING,
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    services.validated(document, exclude=["file"])
    document.file.save(f"{uuid.uuid4().hex}{extension}", upload, save=False)
    try:
        with transaction.atomic():
            document.save()
            audit.record(user, "create", document, audit.snapshot(document))
    except BaseException:
        # Nothing half-written: the record failed, so the stored file goes too.
        document.file.delete(save=False)
        raise
    return document


def remove(user: Any, document: OperationDocument) -> None:
    """Forget the document, and delete its file once the removal is committed."""
    name = document.file.name or ""
    storage = document.file.storage
    with transaction.atomic():
        services.delete(user, document)
        if name:
            transaction.on_commit(lambda: storage.delete(name))
