"""What a record's comment thread shows, for the template tag and for the htmx answers alike.

Read-only and in a fixed number of queries: the comments with their authors and mentions, and
the active usernames the @ autocomplete offers.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from andon.accounts.roles import can
from andon.alerts.models import Notification
from andon.collaboration import records, text
from andon.collaboration.models import EDIT_WINDOW, Comment, Mention

COMMENT = "team.comment"
AUTOCOMPLETE_LIMIT = 2000


def comments_on(record: models.Model) -> list[Comment]:
    found = (
        Comment.objects.filter(content_type=records.content_type(record), object_id=record.pk)
        .select_related("author")
        .prefetch_related("mentions__user")
        .order_by("created_at", "id")
    )
    return list(found)


def shown(comment: Comment, user: Any, now: Any) -> dict[str, Any]:
    names = [m.user.get_username() for m in comment.mentions.all()]
    mine = comment.author_id == getattr(user, "pk", None)
    return {
        "comment": comment,
        "html": text.render(comment.text, names),
        "author": comment.author.get_full_name() or comment.author.get_username(),
        "may_change": mine and comment.still_editable(now) and can(user, COMMENT),
    }


def usernames() -> list[dict[str, str]]:
    users = get_user_model().objects.filter(is_active=True).order_by("username")
    return [{"u": u.get_username(), "n": u.get_full_name()} for u in users[:AUTOCOMPLETE_LIMIT]]


def unread_mentions(user: Any, record: models.Model) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    mentions = Mention.objects.filter(
        user=user,
        comment__content_type=records.content_type(record),
        comment__object_id=record.pk,
    )
    return Notification.objects.filter(
        pk__in=mentions.values("notification_id"), read=False
    ).exists()


def context(user: Any, record: models.Model, error: str = "", draft: str = "") -> dict[str, Any]:
    entry = records.need(record)
    now = timezone.now()
    may_comment = can(user, COMMENT)
    return {
        "record": record,
        "record_key": entry.key,
        "record_url": records.url(record),
        "entries": [shown(c, user, now) for c in comments_on(record)],
        "may_comment": may_comment,
        "error": error,
        "draft": draft,
        "edit_minutes": int(EDIT_WINDOW.total_seconds() // 60),
        "unread_mentions": unread_mentions(user, record),
    }
