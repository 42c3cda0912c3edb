"""The one base for every model in the Django admin: it shows, it never writes.

Every write goes through the apps' services, which validate, keep the ledgers whole and audit who
changed what; the admin would skip all three. It stays as a read-only window on the tables for
administrators, and every app registers its models with `ReadOnlyAdmin`.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """A model admin that lists and shows records, and refuses to add, change or delete any."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline[Any, Any]):
    """An inline table of related rows, shown and never edited."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
