"""Read-only admin views: comments and handover notes are history, changed only by services."""

from django.contrib import admin

from andon.collaboration.models import Comment, HandoverNote
from andon.core.admin import ReadOnlyAdmin


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "author", "content_type", "object_id", "__str__")
    list_filter = ("content_type",)
    search_fields = ("text", "author__username")


@admin.register(HandoverNote)
class HandoverNoteAdmin(ReadOnlyAdmin):
    list_display = ("line", "shift_date", "shift", "author", "written_at", "acknowledged_at")
    list_filter = ("line",)
    search_fields = ("line", "notes", "safety", "quality")
