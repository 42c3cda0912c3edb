"""A plain detail page for any record: its fields as a property list.

Apps with richer pages (items with their BOM, work centers with their load) render their own
templates; this serves the simple records so every list row has somewhere to go.
"""

from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def properties(instance: models.Model) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = []
    for field in instance._meta.concrete_fields:
        if field.name == "id":
            continue
        display = getattr(instance, f"get_{field.name}_display", None)
        value = display() if callable(display) else getattr(instance, field.name)
        rows.append((str(field.verbose_name).capitalize(), value))
    return rows


def render_detail(
    request: HttpRequest,
    instance: models.Model,
    *,
    title: str,
    back_url: str,
    edit_url: str = "",
    related: list[dict[str, Any]] | None = None,
) -> HttpResponse:
    return render(
        request,
        "core/detail.html",
        {
            "object": instance,
            "title": title,
            "props": properties(instance),
            "back_url": back_url,
            "edit_url": edit_url,
            "related": related or [],
        },
    )
