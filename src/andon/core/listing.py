"""One list page machinery for every table in Andon: search, filters, sorting, pagination.

A list page declares what it shows (columns, searchable fields, filters); this module does the
querying and the rendering, so every list in the product behaves the same way and the htmx partial
update (typing in the search box refreshes only the table) comes for free.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from andon.core import registry


@dataclass(frozen=True)
class Column:
    """A table column: `attr` is a dotted attribute path or a callable on the row."""

    label: str
    attr: str | Callable[[Any], Any]
    sort: str = ""  # ORM field to order by; empty: not sortable
    numeric: bool = False
    link: bool = False  # link the cell to the row's detail page
    badge: bool = False  # render as a status badge


@dataclass(frozen=True)
class Filter:
    """A dropdown filter: `lookup` is the ORM lookup the chosen value is applied to."""

    name: str
    label: str
    lookup: str
    choices: Callable[[], Sequence[tuple[str, str]]] | Sequence[tuple[str, str]]

    def options(self) -> Sequence[tuple[str, str]]:
        return self.choices() if callable(self.choices) else self.choices

    @classmethod
    def in_use(cls, model: type[models.Model], field: str, label: str) -> "Filter":
        """A filter on a free-text field (a country, a line) offering the values records hold."""

        def values() -> list[tuple[str, str]]:
            held = model._default_manager.exclude(**{field: ""}).order_by(field)
            return [(v, v) for v in held.values_list(field, flat=True).distinct()]

        return cls(field, label, field, values)


@dataclass
class ListPage:
    """Configuration of one list page."""

    title: str
    queryset: Callable[[], QuerySet[Any]]
    columns: Sequence[Column]
    search_fields: Sequence[str] = ()
    filters: Sequence[Filter] = ()
    default_sort: str = ""
    detail_url: Callable[[Any], str] | None = None
    create_url_name: str = ""
    create_capability: str = ""
    per_page: int = 50
    subtitle: str = ""
    export_url: str = ""
    extra_actions: Sequence[tuple[str, str]] = field(default_factory=tuple)


def display(value: Any) -> Any:
    """Quantities without storage noise: 18 not 18.0000, 1,250.5 not 1250.5000."""
    if isinstance(value, Decimal):
        return format(value.normalize(), ",f") if value == value else str(value)
    return value


def _resolve(row: Any, attr: str | Callable[[Any], Any]) -> Any:
    if callable(attr):
        return attr(row)
    value = row
    for part in attr.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
        if callable(value) and not isinstance(value, models.Model):
            value = value()
    return value


def filtered(page: ListPage, params: Any) -> tuple[QuerySet[Any], dict[str, str], str, str]:
    """Apply search, filters and sort from query parameters to the page's queryset."""
    qs = page.queryset()
    query = (params.get("q") or "").strip()
    if query and page.search_fields:
        condition = Q()
        for name in page.search_fields:
            condition |= Q(**{f"{name}__icontains": query})
        qs = qs.filter(condition)
    active: dict[str, str] = {}
    for flt in page.filters:
        value = params.get(flt.name) or ""
        if value:
            active[flt.name] = value
            qs = qs.filter(**{flt.lookup: value})
    sortable = {c.sort for c in page.columns if c.sort}
    sort = params.get("sort") or page.default_sort
    if sort.lstrip("-") in sortable:
        qs = qs.order_by(sort, "pk")
    elif page.default_sort:
        sort = page.default_sort
        qs = qs.order_by(sort, "pk")
    return qs, active, query, sort


def render_list(
    request: HttpRequest, page: ListPage, extra: dict[str, Any] | None = None
) -> HttpResponse:
    """Render the page; an htmx request gets only the table so typing stays fast."""
    qs, active, query, sort = filtered(page, request.GET)
    paginator = Paginator(qs, page.per_page)
    page_obj = paginator.get_page(request.GET.get("page"))
    rows = [
        {
            "url": page.detail_url(obj) if page.detail_url else "",
            "cells": [
                {
                    "value": display(_resolve(obj, c.attr)),
                    "numeric": c.numeric,
                    "link": c.link,
                    "badge": c.badge,
                }
                for c in page.columns
            ],
        }
        for obj in page_obj.object_list
    ]
    base_params = {"q": query, **active}

    def url_with(**changes: Any) -> str:
        params = {**base_params, "sort": sort, **changes}
        return "?" + urlencode({k: v for k, v in params.items() if v not in ("", None)})

    headers = []
    for column in page.columns:
        header: dict[str, Any] = {"label": column.label, "numeric": column.numeric, "url": ""}
        if column.sort:
            ascending = sort == column.sort
            header["url"] = url_with(sort=f"-{column.sort}" if ascending else column.sort, page="")
            header["state"] = "asc" if ascending else "desc" if sort == f"-{column.sort}" else ""
        headers.append(header)
    htmx = bool(getattr(request, "htmx", False))
    context = {
        "page": page,
        "headers": headers,
        "rows": rows,
        "page_obj": page_obj,
        "query": query,
        "active_filters": active,
        # A live-search refresh replaces only the table: its filters' options are not shown.
        "filters": []
        if htmx
        else [
            {
                "name": f.name,
                "label": f.label,
                "options": f.options(),
                "value": active.get(f.name, ""),
            }
            for f in page.filters
        ],
        "sort": sort,
        "prev_url": url_with(page=page_obj.previous_page_number())
        if page_obj.has_previous()
        else "",
        "next_url": url_with(page=page_obj.next_page_number()) if page_obj.has_next() else "",
        "create_url": (
            reverse(page.create_url_name)
            if page.create_url_name
            and registry.user_can(request.user, page.create_capability or "view")
            else ""
        ),
        **(extra or {}),
    }
    template = "core/_list_table.html" if htmx else "core/list.html"
    return render(request, template, context)
