"""API tokens: issued with an expiry date, shown once, stored hashed, revoked but never deleted."""

import datetime as dt
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from andon.accounts.models import ApiToken, hash_token
from andon.core import audit
from andon.core.errors import NotFound, ValidationFailed


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    raw_key: str


@transaction.atomic
def create_token(
    user: Any, name: str, *, expires_on: dt.date | None = None, actor: Any = None
) -> IssuedToken:
    """Issue a token acting as `user`; the raw key is returned once and only its hash is kept.

    `actor` is who issues it (an administrator issuing a token for an integration's account);
    by default the user issues their own. The token stops working on `expires_on`.
    """
    actor = actor if actor is not None else user
    name = name.strip()
    if not name:
        raise ValidationFailed("Give the token a name, e.g. the integration that uses it.")
    if expires_on is not None and expires_on <= timezone.localdate():
        raise ValidationFailed(
            f"The expiry date {expires_on:%Y-%m-%d} is not in the future: pick a later day.",
            code="expiry_in_past",
        )
    if not user.is_active:
        raise ValidationFailed(
            f"{user.get_username()} is deactivated: reactivate the user first.",
            code="inactive_user",
        )
    raw = ApiToken.new_raw_key()
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=raw[:12],
        key_hash=hash_token(raw),
        expires_on=expires_on,
    )
    audit.record(
        actor,
        "create",
        token,
        {
            "name": token.name,
            "user": user.get_username(),
            "expires_on": expires_on.isoformat() if expires_on else None,
        },
    )
    return IssuedToken(token, raw)


LAST_USED_RESOLUTION = timedelta(minutes=1)


def authenticate_token(raw_key: str) -> Any:
    """The active user a live bearer token acts as, or None; notes when the token was last used.

    A revoked or expired token, or one whose user is deactivated, authenticates nobody. The last
    use is written at most once a minute per token: on SQLite every write takes the database
    lock, and an integration may call many times a second.
    """
    found = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw_key), revoked=False, user__is_active=True)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gt=timezone.localdate()))
        .first()
    )
    if found is None:
        return None
    now = timezone.now()
    if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.user


@transaction.atomic
def revoke_token(actor: Any, token_id: int, *, owner: Any = None) -> ApiToken:
    """Revoke one of `owner`'s live tokens (by default the actor's own); the row stays."""
    owner = owner if owner is not None else actor
    token = (
        ApiToken.objects.select_for_update()
        .filter(pk=token_id, user_id=owner.pk, revoked=False)
        .first()
    )
    if token is None:
        raise NotFound(f"{owner.get_username()} has no live token {token_id}.")
    token.revoked = True
    token.save(update_fields=["revoked"])
    audit.record(actor, "update", token, {"revoked": [False, True]})
    return token
