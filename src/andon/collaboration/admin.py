"""Read-only admin views: comments and handover notes are history, changed only by services."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from andon.collaboration.models import Comment, HandoverNote


class ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Comment)
class CommentAdmin(ReadOnly):
    list_display = ("created_at", "author", "content_type", "object_id", "__str__")
    list_filter = ("content_type",)
    search_fields = ("text", "author__username")


@admin.register(HandoverNote)
class HandoverNoteAdmin(ReadOnly):
    list_display = ("line", "shift_date", "shift", "author", "written_at", "acknowledged_at")
    list_filter = ("line",)
    search_fields = ("line", "notes", "safety", "quality")
