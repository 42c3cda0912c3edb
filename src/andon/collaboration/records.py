"""Which records people may comment on, how the API names them, and where their page is.

An allow-list rather than "any model": a comment is only useful where people look, so each entry
names the record's detail page, and the API addresses records by a stable key (`work-order`)
instead of a database table name.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse

from andon.core.errors import NotFound, ValidationFailed


@dataclass(frozen=True)
class Commentable:
    key: str
    model_label: str
    label: str
    url_name: str

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)


COMMENTABLE: tuple[Commentable, ...] = (
    Commentable("sales-order", "orders.salesorder", "Sales order", "orders:salesorder-detail"),
    Commentable(
        "purchase-order", "orders.purchaseorder", "Purchase order", "orders:purchaseorder-detail"
    ),
    Commentable("work-order", "production.workorder", "Work order", "production:workorder-detail"),
    Commentable("work-center", "plant.workcenter", "Work center", "plant:workcenter-detail"),
    Commentable("alert", "alerts.alert", "Alert", "alerts:alert-detail"),
)
KEYS = tuple(c.key for c in COMMENTABLE)
_BY_KEY = {c.key: c for c in COMMENTABLE}
_BY_LABEL = {c.model_label: c for c in COMMENTABLE}


def by_key(key: str) -> Commentable:
    found = _BY_KEY.get(key)
    if found is None:
        raise ValidationFailed(
            f"Comments are not kept on {key!r}; use one of {', '.join(KEYS)}.",
            code="not_commentable",
        )
    return found


def of(record: models.Model) -> Commentable | None:
    """The allow-list entry of a record, or None when its kind takes no comments."""
    return _BY_LABEL.get(record._meta.label_lower)


def by_model_label(app_label: str, model: str) -> Commentable:
    """The entry of a stored comment's content type (always on the allow-list)."""
    return _BY_LABEL[f"{app_label}.{model}"]


def need(record: models.Model) -> Commentable:
    found = of(record)
    if found is None:
        raise ValidationFailed(
            f"Comments are not kept on {record._meta.verbose_name}.", code="not_commentable"
        )
    return found


def find(key: str, pk: int) -> models.Model:
    """The record a client names by key and id; a clear 404 when it does not exist."""
    entry = by_key(key)
    found = entry.model._default_manager.filter(pk=pk).first()
    if found is None:
        raise NotFound(f"No {entry.label.lower()} with id {pk}.")
    return found


def content_type(record: models.Model) -> ContentType:
    return ContentType.objects.get_for_model(record, for_concrete_model=True)


def url(record: models.Model) -> str:
    return reverse(need(record).url_name, args=[record.pk])


def describe(record: models.Model) -> str:
    """How a person names the record in a sentence: "Work order WO-1001"."""
    entry = need(record)
    name = getattr(record, "number", None) or getattr(record, "code", None) or str(record)
    if entry.key == "alert":
        return f"Alert {record.pk}: {record}"
    return f"{entry.label} {name}"
