"""Create, edit and delete pages shared by the master-data apps.

A form page validates the input with a ModelForm for quick feedback, then hands the values to the
app's service, which owns the write. Whatever the service refuses comes back onto the form, next
to the field it concerns. A delete page says up front what still uses a record, instead of offering
a button that can only fail.
"""

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.db import models
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from andon.core.errors import DomainError

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def properties(instance: models.Model) -> list[tuple[str, Any]]:
    """A record's fields with their labels, choices shown by their display names."""
    rows: list[tuple[str, Any]] = []
    for field in instance._meta.concrete_fields:
        if field.name == "id":
            continue
        display = getattr(instance, f"get_{field.name}_display", None)
        value = display() if callable(display) else getattr(instance, field.name)
        rows.append((str(field.verbose_name).capitalize(), value))
    return rows


def form_values(form: forms.ModelForm[Any], skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """The cleaned values of the form's model fields, as a service expects them."""
    return {
        name: value
        for name, value in form.cleaned_data.items()
        if name not in skip and name in form._meta.fields  # type: ignore[operator]
    }


def show_problems(form: forms.BaseForm, error: DomainError) -> None:
    """Put a service's problems next to the fields they name, the rest at the top."""
    placed = False
    for problem in error.problems:
        column = problem.column.split(".")[0]
        form.add_error(column if column in form.fields else None, problem.message)
        placed = True
    if not placed:
        form.add_error(None, error.detail)


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    title: str,
    cancel_url: str,
    save: Callable[[Any], models.Model],
    done: Callable[[models.Model], str],
    delete_url: str = "",
) -> HttpResponse:
    """GET shows the form; a valid POST calls `save` (the service) and redirects to `done`.

    `delete_url` offers deleting the record from its form, for records too small for a page of
    their own."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form)
        except DomainError as exc:
            show_problems(form, exc)
        else:
            messages.success(request, f"Saved {saved}.")
            return redirect(done(saved))
    return render(
        request,
        "core/form.html",
        {"form": form, "title": title, "cancel_url": cancel_url, "delete_url": delete_url},
    )


def posted_form(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    save: Callable[[Any], Any],
    done: str,
    page: Callable[[Any], HttpResponse],
    said: str = "",
) -> HttpResponse:
    """A form posted from a record's own page (a worker's skills, a calendar's holiday).

    Valid and accepted by `save` (the service): back to `done`, saying `said` if given. Invalid,
    or refused: `page(form)` shows the record's page again, the form saying why.
    """
    if form.is_valid():
        try:
            save(form)
        except DomainError as exc:
            show_problems(form, exc)
        else:
            if said:
                messages.success(request, said)
            return redirect(done)
    return page(form)


def still_used_by(instance: models.Model, limit: int = 10) -> list[str]:
    """What would stop `instance` from being deleted, without deleting anything."""
    collector = Collector(using=instance._state.db or "default", origin=instance)
    try:
        collector.collect([instance])
    except (ProtectedError, RestrictedError) as exc:
        return sorted({str(obj) for obj in list(exc.args[1])[:limit]})
    return []


def delete_page(
    request: HttpRequest,
    instance: models.Model,
    *,
    delete: Callable[[], None],
    cancel_url: str,
    done_url: str,
    also_blocked_by: Mapping[str, list[str]] | None = None,
    cascades: str = "",
) -> HttpResponse:
    """Confirm, then delete through the service; a record in use says what uses it."""
    blockers = still_used_by(instance)
    for label, names in (also_blocked_by or {}).items():
        blockers += [f"{label} {name}" for name in names]
    error = ""
    if request.method == "POST" and not blockers:
        label = str(instance)
        try:
            delete()
        except DomainError as exc:
            error = exc.detail
        else:
            messages.success(request, f"Deleted {label}.")
            return redirect(done_url)
    return render(
        request,
        "core/record_delete.html",
        {
            "object": instance,
            "blockers": blockers,
            "error": error,
            "cascades": cascades,
            "cancel_url": cancel_url,
        },
    )


def record_page(
    request: HttpRequest,
    instance: models.Model,
    *,
    title: str,
    back_url: str,
    edit_url: str = "",
    delete_url: str = "",
    related: list[dict[str, Any]] | None = None,
) -> HttpResponse:
    """A record's fields as a property list, with edit and delete actions."""
    return render(
        request,
        "core/record_detail.html",
        {
            "object": instance,
            "title": title,
            "props": properties(instance),
            "back_url": back_url,
            "edit_url": edit_url,
            "delete_url": delete_url,
            "related": related or [],
        },
    )
