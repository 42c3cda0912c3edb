"""Reads that the users pages and the users API share: a few queries whatever the rows."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from andon.accounts.models import ApiToken
from andon.accounts.roles import ADMIN, ROLES
from andon.core.errors import NotFound


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
