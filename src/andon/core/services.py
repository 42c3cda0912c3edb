"""Shared building blocks for the apps' services: validated save and delete with audit.

Each app's `services.py` owns its use cases and transactions; these helpers make sure that every
master-data write is validated the same way, audited the same way, and reported the same way.
"""

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.deletion import ProtectedError, RestrictedError

from andon.core import audit
from andon.core.errors import Conflict, Problem, ValidationFailed

M = TypeVar("M", bound=models.Model)


def problems_from(exc: ValidationError, file: str = "", row: int | None = None) -> list[Problem]:
    """Turn Django's validation error into located problems."""
    if hasattr(exc, "error_dict"):
        return [
            Problem(message=str(message), file=file, row=row, column="" if f == "__all__" else f)
            for f, errors in exc.message_dict.items()
            for message in errors
        ]
    return [Problem(message=str(m), file=file, row=row) for m in exc.messages]


def validated(instance: M, exclude: list[str] | None = None) -> M:
    """Run the model's full validation; raise ValidationFailed listing every problem."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        problems = problems_from(exc)
        raise ValidationFailed(
            f"{str(instance._meta.verbose_name).capitalize()} is not valid: "
            + "; ".join(str(p) for p in problems),
            problems,
        ) from None
    return instance


def create(user: Any, instance: M) -> M:
    """Validate, insert and audit a new record. Call inside the service's transaction."""
    validated(instance)
    instance.save()
    audit.record(user, "create", instance, audit.snapshot(instance))
    return instance


def update(user: Any, instance: M, changes: dict[str, Any]) -> M:
    """Apply field changes, validate, save and audit only what really changed."""
    before = audit.snapshot(instance)
    for name, value in changes.items():
        setattr(instance, name, value)
    validated(instance)
    instance.save()
    changed = audit.diff(before, audit.snapshot(instance))
    if changed:
        audit.record(user, "update", instance, changed)
    return instance


def delete(user: Any, instance: models.Model) -> None:
    """Delete a record unless others still use it; then say who uses it."""
    label = str(instance)
    snapshot = audit.snapshot(instance)
    pk = instance.pk
    try:
        instance.delete()
    except (ProtectedError, RestrictedError) as exc:
        users = sorted({str(obj) for obj in list(exc.args[1])[:5]})
        raise Conflict(
            f"{label} is still used by {', '.join(users)} and cannot be deleted.", code="in_use"
        ) from None
    instance.pk = pk
    audit.record(user, "delete", instance, snapshot)
