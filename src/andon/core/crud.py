"""Master-data pages declared once: list, create, edit and delete for one kind of record.

An app describes a record's pages (its model, form, services, capability and URL names) in a
`RecordPages`, and mounts the views it hands out. The rules every such page must follow live
here, in one place:

- **Fetch once.** The edit page reads the record once and gives the form a copy of it: a
  ModelForm writes the submitted values onto its instance while it validates, so a service
  handed that same instance would take its "before" snapshot after the change and audit
  nothing. The service gets the untouched record; the form gets the copy.
- **Ask before writing.** Every page checks the capability before it reads a form or
  deletes; a viewer gets a 403, and an anonymous visitor never gets this far (the login
  middleware sends them to the login page).
- **Refuse to delete what is in use**, saying what uses it, before offering the button.

Core does not know the roles: the app passes its `permission` (accounts' `can`), so that core
imports no app and every app asks the one table of capabilities.
"""

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse

from andon.core.listing import ListPage, render_list
from andon.core.pages import delete_page, form_page, form_values, record_page

M = TypeVar("M", bound=models.Model)
Permission = Callable[[Any, str], bool]
"""Whether a user holds a capability: `andon.accounts.roles.can`."""

VIEW = "view"


def editable(record: M) -> M:
    """The copy of `record` an edit form may write onto, leaving `record` as it was read.

    A ModelForm sets the submitted values on its instance while it validates; the service must
    see the record as read, or its audit diff compares the new values with themselves. So read
    the record once, hand the service `record` and the form `editable(record)`.
    """
    return copy.copy(record)


def guard(permission: Permission, request: HttpRequest, capability: str) -> None:
    """A 403 unless the user holds `capability`, worded as every other page words it."""
    if not permission(request.user, capability):
        raise PermissionDenied(f"Your role does not allow {capability}.")


@dataclass(frozen=True)
class RecordPages:
    """The pages of one kind of master-data record.

    `url` is the URL name prefix (`"plant:workcenter"`): the pages link to `<url>-list`,
    `<url>-detail`, `<url>-create`, `<url>-edit` and `<url>-delete`. `values` turns a valid
    form into what `create` and `update` take (the form's model fields by default). `form` is
    the form class, or what builds one from the posted data and `instance=` (a record whose
    form depends on it); `edit_title` formats the record, or is a function of it; `created`
    is where a new record is shown (its detail page by default); `initial` gives the new
    record's form its first values from the request (a link that says what to create). A record
    without a page of its own (`detail=False`) offers its delete on its edit form.
    """

    model: type[models.Model]
    url: str
    capability: str
    permission: Permission
    noun: str = ""
    form: Callable[..., forms.ModelForm[Any]] | None = None
    list_page: ListPage | None = None
    create: Callable[[Any, Any], models.Model] | None = None
    update: Callable[[Any, Any, Any], models.Model] | None = None
    delete: Callable[[Any, Any], None] | None = None
    values: Callable[[Any], Any] = form_values
    edit_title: str | Callable[[Any], str] = "Edit {}"
    detail: bool = True
    cascades: str = ""
    blocked_by: Callable[[Any], Mapping[str, list[str]]] | None = None
    created: Callable[[Any], str] | None = None
    initial: Callable[[HttpRequest], Mapping[str, Any]] | None = None

    def __post_init__(self) -> None:
        """The list links its rows and its "New" button to these pages unless it says otherwise."""
        page = self.list_page
        if page is None:
            return
        if page.detail_url is None and self.detail:
            page.detail_url = self.detail_url
        if not page.create_url_name and self.create is not None:
            page.create_url_name = f"{self.url}-create"
            page.create_capability = self.capability

    # --- addresses ------------------------------------------------------------------------

    def urls(
        self, prefix: str, detail: Callable[..., HttpResponse] | None = None
    ) -> list[URLPattern]:
        """The pages' URL patterns under `prefix`, named after `url` without its namespace."""
        name = self.url.split(":", 1)[-1]
        patterns = []
        if self.list_page is not None:
            patterns.append(path(f"{prefix}/", self.list_view, name=f"{name}-list"))
        if self.create is not None:
            patterns.append(path(f"{prefix}/new/", self.create_view, name=f"{name}-create"))
        if detail is not None:
            patterns.append(path(f"{prefix}/<int:pk>/", detail, name=f"{name}-detail"))
        if self.update is not None:
            patterns.append(path(f"{prefix}/<int:pk>/edit/", self.edit_view, name=f"{name}-edit"))
        if self.delete is not None:
            patterns.append(
                path(f"{prefix}/<int:pk>/delete/", self.delete_view, name=f"{name}-delete")
            )
        return patterns

    def list_url(self) -> str:
        return reverse(f"{self.url}-list")

    def detail_url(self, record: models.Model) -> str:
        """Where a record is shown; a record without a page of its own is shown in the list."""
        if not self.detail:
            return self.list_url()
        return reverse(f"{self.url}-detail", args=[record.pk])

    def edit_url(self, record: models.Model) -> str:
        return reverse(f"{self.url}-edit", args=[record.pk])

    def delete_url(self, record: models.Model) -> str:
        return reverse(f"{self.url}-delete", args=[record.pk])

    # --- reading ----------------------------------------------------------------------------

    def may_change(self, request: HttpRequest) -> bool:
        """Whether the page shows its edit and delete actions."""
        return self.permission(request.user, self.capability)

    def get(self, pk: int) -> Any:
        """The record, read once; a 404 if there is none."""
        return get_object_or_404(self.model._default_manager.all(), pk=pk)

    def list_view(self, request: HttpRequest) -> HttpResponse:
        guard(self.permission, request, VIEW)
        assert self.list_page is not None, f"{self.url} declares no list page"
        return render_list(request, self.list_page)

    def record_page(
        self,
        request: HttpRequest,
        record: models.Model,
        *,
        title: str,
        related: list[dict[str, Any]] | None = None,
    ) -> HttpResponse:
        """The plain detail page: fields, what relates to it, and the actions the user may take."""
        change = self.may_change(request)
        return record_page(
            request,
            record,
            title=title,
            back_url=self.list_url(),
            edit_url=self.edit_url(record) if change else "",
            delete_url=self.delete_url(record) if change else "",
            related=related,
        )

    # --- writing ----------------------------------------------------------------------------

    def create_view(self, request: HttpRequest) -> HttpResponse:
        guard(self.permission, request, self.capability)
        assert self.form is not None
        assert self.create is not None
        create = self.create
        initial = self.initial(request) if self.initial else None
        return form_page(
            request,
            self.form(request.POST or None, initial=initial),
            title=f"New {self.noun}",
            cancel_url=self.list_url(),
            save=lambda form: create(request.user, self.values(form)),
            done=self.created or self.detail_url,
        )

    def edit_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        guard(self.permission, request, self.capability)
        assert self.form is not None
        assert self.update is not None
        update = self.update
        record = self.get(pk)
        form = self.form(request.POST or None, instance=editable(record))
        return form_page(
            request,
            form,
            title=self.edit_title(record)
            if callable(self.edit_title)
            else self.edit_title.format(record),
            cancel_url=self.detail_url(record),
            save=lambda form: update(request.user, record, self.values(form)),
            done=self.detail_url,
            delete_url=self.delete_url(record) if self.delete and not self.detail else "",
        )

    def delete_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        guard(self.permission, request, self.capability)
        assert self.delete is not None
        delete = self.delete
        record = self.get(pk)
        return delete_page(
            request,
            record,
            delete=lambda: delete(request.user, record),
            cancel_url=self.detail_url(record) if self.detail else self.edit_url(record),
            done_url=self.list_url(),
            also_blocked_by=self.blocked_by(record) if self.blocked_by else None,
            cascades=self.cascades,
        )
