"""Record changes in the audit history; services call these inside their transaction."""

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models.fields.files import FieldFile

from andon.core.models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, FieldFile):
        return value.name
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The concrete field values of a model instance, in plain JSON-able form."""
    return {
        field.name: _plain(getattr(instance, field.name))
        for field in instance._meta.concrete_fields
        if field.name != "id"
    }


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as {field: [old, new]}."""
    return {
        key: [before.get(key), value] for key, value in after.items() if before.get(key) != value
    }


def record(
    user: Any,
    action: str,
    instance: models.Model,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry for `instance`; `user` may be None for system jobs."""
    return AuditEntry.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        model=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes=changes or {},
    )


def record_import(user: Any, label: str, counts: dict[str, int]) -> AuditEntry:
    """One entry for a whole import: bulk loads are audited as one change, with their counts."""
    return AuditEntry.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=AuditEntry.Action.IMPORT,
        model="transfer.import",
        object_id="-",
        object_repr=label[:200],
        changes=dict(counts),
    )
