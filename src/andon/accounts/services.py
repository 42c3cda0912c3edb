"""Use cases of accounts: roles and API tokens."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from andon.accounts.models import ApiToken, hash_token
from andon.accounts.roles import ROLES
from andon.core import audit
from andon.core.errors import NotFound, ValidationFailed


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    raw_key: str


def ensure_roles() -> None:
    """Create the role groups (idempotent; run by migrate)."""
    for name in ROLES:
        Group.objects.get_or_create(name=name)


@transaction.atomic
def create_token(user: Any, name: str) -> IssuedToken:
    """Issue a token; the raw key is returned once and only its hash is kept."""
    name = name.strip()
    if not name:
        raise ValidationFailed("Give the token a name, e.g. the integration that uses it.")
    raw = ApiToken.new_raw_key()
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=raw[:12], key_hash=hash_token(raw)
    )
    audit.record(user, "create", token, {"name": token.name})
    return IssuedToken(token, raw)


LAST_USED_RESOLUTION = timedelta(minutes=1)


def authenticate_token(raw_key: str) -> Any:
    """The active user a bearer token acts as, or None; notes when the token was last used.

    The last use is written at most once a minute per token: on SQLite every write takes the
    database lock, and an integration may call many times a second.
    """
    found = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw_key), revoked=False, user__is_active=True)
        .first()
    )
    if found is None:
        return None
    now = timezone.now()
    if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.user


@transaction.atomic
def revoke_token(user: Any, token_id: int) -> None:
    token = ApiToken.objects.filter(pk=token_id, user=user, revoked=False).first()
    if token is None:
        raise NotFound("No such token.")
    token.revoked = True
    token.save(update_fields=["revoked"])
    audit.record(user, "update", token, {"revoked": [False, True]})


@transaction.atomic
def set_roles(actor: Any, user: Any, roles: list[str]) -> None:
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise ValidationFailed(f"Unknown role(s): {', '.join(unknown)}. Roles: {', '.join(ROLES)}.")
    ensure_roles()
    user.groups.set(Group.objects.filter(name__in=roles))
    audit.record(actor, "update", user, {"roles": sorted(roles)})
