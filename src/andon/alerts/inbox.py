"""The inbox as the other contexts use it: tell people of a record, take it back, mark it read.

The inbox is the one place a person looks for what needs them, and alerts owns it
(`Notification`). A context above alerts that has something to tell a person about one of its
records (collaboration's @mentions) calls these functions instead of writing inbox rows, so the
inbox's rules hold for everyone: an entry of another kind than an alert carries a link to its
record and a message that fits, and marking read is personal. A context below alerts (quality,
maintenance, ...) cannot import it: it publishes a domain event, and an alerts handler calls
`tell`. Entries are personal, so none of this is audited; the record they are about is.

Each function runs in the caller's transaction (or its own): the entry is written with the change
it tells of, and goes if that change rolls back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from andon.alerts.models import Notification
from andon.core.errors import Problem, ValidationFailed

Kind = Notification.Kind
Ids = Iterable[int | None] | QuerySet[Any, Any]
MESSAGE_MAX_LENGTH = 300
URL_MAX_LENGTH = 300


def _problems(users: Sequence[Any], kind: str, event: str, message: str, url: str) -> list[Problem]:
    problems = []
    if kind == Kind.ALERT or kind not in Kind.values:
        # Alert entries belong to an alert and are written by alerts' own notify path.
        others = ", ".join(k for k in Kind.values if k != Kind.ALERT)
        problems.append(Problem(message=f"Tell of a {others}, not {kind!r}.", column="kind"))
    if not event.strip():
        problems.append(Problem(message="Say what happened.", column="event"))
    if not message.strip() or len(message) > MESSAGE_MAX_LENGTH:
        problems.append(
            Problem(message=f"A message of 1 to {MESSAGE_MAX_LENGTH} characters.", column="message")
        )
    if not url.startswith("/") or len(url) > URL_MAX_LENGTH:
        problems.append(Problem(message="A link to the record, starting with /.", column="url"))
    if any(u is None or not getattr(u, "pk", None) or not u.is_active for u in users):
        problems.append(Problem(message="Only active users can be told.", column="users"))
    return problems


@transaction.atomic
def tell(
    users: Iterable[Any],
    *,
    kind: str,
    event: str,
    message: str,
    url: str,
    at: dt.datetime | None = None,
) -> dict[int, Notification]:
    """One unread inbox entry per person about the record at `url`; per user id, the entry.

    Everything is checked first: a bad kind, an empty message or an inactive user writes nothing.
    """
    people = list(users)
    problems = _problems(people, kind, event, message, url)
    if problems:
        raise ValidationFailed(
            "The inbox entry is not valid: " + "; ".join(str(p) for p in problems),
            problems,
            code="invalid_notification",
        )
    at = at or timezone.now()
    made = Notification.objects.bulk_create(
        Notification(user=u, kind=kind, event=event, message=message, url=url, created_at=at)
        for u in {u.pk: u for u in people}.values()
    )
    return {n.user_id: n for n in made}


@transaction.atomic
def withdraw(ids: Ids, *, unread_only: bool = False) -> int:
    """Take entries back (the record they told of is gone); alert entries stay with their alert.

    With `unread_only`, what the person has read is left: they saw it, and their inbox says so.
    """
    query = Notification.objects.filter(pk__in=_ids(ids)).exclude(kind=Kind.ALERT)
    if unread_only:
        query = query.filter(read=False)
    deleted, _ = query.delete()
    return deleted


@transaction.atomic
def mark_read(user: Any, ids: Ids) -> int:
    """The person has seen what these entries told of; only their own entries change."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, pk__in=_ids(ids), read=False).update(read=True)


def _ids(ids: Ids) -> QuerySet[Any, Any] | list[int]:
    """A query of ids stays a subquery (one statement); a plain list loses its gaps."""
    return ids if isinstance(ids, QuerySet) else [i for i in ids if i is not None]
