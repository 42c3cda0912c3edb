"""Reads that the users pages and the users API share: a few queries whatever the rows."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from andon.accounts.models import ApiToken
from andon.accounts.roles import ADMIN, ROLES
from andon.core.errors import NotFound
from andon.core.models import AuditEntry


def live_tokens() -> Q:
    """Tokens that still authenticate: not revoked, not expired."""
    return Q(revoked=False) & (Q(expires_on__isnull=True) | Q(expires_on__gt=timezone.localdate()))


def users() -> QuerySet[Any]:
    """Every user with their role groups and the count of their live tokens, in three queries."""
    today = timezone.localdate()
    live = Q(api_tokens__revoked=False) & (
        Q(api_tokens__expires_on__isnull=True) | Q(api_tokens__expires_on__gt=today)
    )
    return (
        get_user_model()
        .objects.annotate(live_token_count=Count("api_tokens", filter=live, distinct=True))
        .prefetch_related(
            Prefetch("groups", queryset=Group.objects.filter(name__in=ROLES), to_attr="role_groups")
        )
    )


def role_names(user: Any) -> list[str]:
    """The user's roles from the prefetched groups (see `users`), in the order roles are listed."""
    held = {g.name for g in getattr(user, "role_groups", None) or user.groups.all()}
    if user.is_superuser:
        held.add(ADMIN)
    return [r for r in ROLES if r in held]


def user_by_username(username: str) -> Any:
    found = users().filter(username=username).first()
    if found is None:
        raise NotFound(f"No user with username {username!r}.")
    return found


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    """A user's tokens, live ones first, newest first: revoked ones stay listed as history."""
    return ApiToken.objects.filter(user_id=user.pk).order_by("revoked", "-created_at")


def _said(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    return "—" if value in (None, "") else str(value)


def change_text(action: str, changes: dict[str, Any]) -> str:
    """An audit entry's changes as a person reads them: `roles: planner → planner, supervisor`.

    An update records a changed field as `[before, after]`; a creation records plain values.
    """
    parts = []
    for name, value in changes.items():
        if action == AuditEntry.Action.UPDATE and isinstance(value, list) and len(value) == 2:
            parts.append(f"{name}: {_said(value[0])} → {_said(value[1])}")
        else:
            parts.append(f"{name}: {_said(value)}")
    return "; ".join(parts)


def history_of(user: Any, limit: int = 20) -> list[dict[str, Any]]:
    """The latest changes made to a user's account, with who made them."""
    entries = AuditEntry.objects.filter(model="auth.user", object_id=str(user.pk)).select_related(
        "user"
    )
    return [
        {
            "at": entry.at,
            "who": entry.user.username if entry.user else "system",
            "action": entry.get_action_display(),
            "what": change_text(entry.action, entry.changes),
        }
        for entry in entries.order_by("-at", "-pk")[:limit]
    ]
