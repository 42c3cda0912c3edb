"""Users and their roles: create, change roles, deactivate and reactivate, reset passwords.

A user is never deleted: the audit history names who did what, and a deleted user would turn
those entries into "someone". Deactivating keeps the row and stops the login, the sessions and
the tokens. The audit entries never hold a password, not even hashed.
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from andon.accounts.roles import ADMIN, ROLES
from andon.core import audit
from andon.core.errors import Conflict, Problem, ValidationFailed
from andon.core.services import validated

PROFILE_FIELDS = ("first_name", "last_name", "email")


@dataclass(frozen=True)
class NewPassword:
    """A password just set; `generated` ones are shown once to the administrator, never stored."""

    user: Any
    password: str
    generated: bool


def ensure_roles() -> None:
    """Create the role groups (idempotent; run by migrate)."""
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def _roles(user: Any) -> list[str]:
    held = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
    if user.is_superuser:
        held.add(ADMIN)
    return sorted(held)


def _known_roles(roles: Iterable[str]) -> list[str]:
    wanted = sorted({r.strip() for r in roles if r.strip()})
    unknown = [r for r in wanted if r not in ROLES]
    if unknown:
        raise ValidationFailed(
            f"Unknown role(s): {', '.join(unknown)}. Roles: {', '.join(ROLES)}.",
            [Problem(message=f"unknown role {r!r}", column="roles") for r in unknown],
            code="unknown_role",
        )
    return wanted


def _checked_password(password: str, user: Any) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(
            "The password is not accepted: " + " ".join(exc.messages),
            [Problem(message=m, column="password") for m in exc.messages],
            code="weak_password",
        ) from None


def _active_admins_locked() -> list[int]:
    """The ids of the active administrators, counted under a lock held until the end of the
    transaction.

    Two administrators demoting or deactivating each other at the same moment must not both see
    the other one still there and leave the plant with none. Locking the administrators' own
    rows does not do it on PostgreSQL: taking a role away changes only the group table, so the
    second change would still see its stale list. Every such change locks the admin group's row
    first instead, and counts in a statement of its own after the lock, which sees what the
    first one committed.
    """
    Group.objects.select_for_update().filter(name=ADMIN).first()
    User = get_user_model()
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name=ADMIN))
        .distinct()
        .values_list("pk", flat=True)
    )


def _refuse_leaving_no_admin(user: Any, what: str) -> None:
    admins = _active_admins_locked()
    if admins == [user.pk]:
        raise Conflict(
            f"{user.get_username()} is the last active administrator: {what} would leave nobody "
            "able to manage users. Give another user the admin role first.",
            code="last_admin",
        )


def _apply_roles(user: Any, roles: list[str]) -> None:
    ensure_roles()
    user.groups.set(Group.objects.filter(name__in=roles))
    if user.is_superuser and ADMIN not in roles:
        # A superuser holds admin implicitly; taking the role away must take that away too,
        # or the change would be recorded without taking effect.
        user.is_superuser = False
        user.is_staff = False
        user.save(update_fields=["is_superuser", "is_staff"])
    user._andon_roles = None  # the cached roles of `roles_of` are stale now


@transaction.atomic
def create_user(
    actor: Any,
    *,
    username: str,
    password: str,
    roles: Iterable[str] = (),
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    superuser: bool = False,
) -> Any:
    """A new active user with `roles` and an initial password the password rules accept.

    A `superuser` (the first administrator, made from the command line) holds the admin role and
    passes Django's own permission checks too; taking the admin role away ends that as well."""
    User = get_user_model()
    username = username.strip()
    if username and User.objects.filter(username__iexact=username).exists():
        taken = f"There is already a user {username!r}: pick another username."
        raise ValidationFailed(
            taken, [Problem(message=taken, column="username")], code="duplicate_username"
        )
    wanted = _known_roles([*roles, ADMIN] if superuser else roles)
    user = User(
        username=username,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
        is_active=True,
        is_superuser=superuser,
        is_staff=superuser,
    )
    validated(user, exclude=["password"])
    _checked_password(password, user)
    user.set_password(password)
    user.save()
    _apply_roles(user, wanted)
    audit.record(
        actor,
        "create",
        user,
        {
            "username": user.username,
            **{name: getattr(user, name) for name in PROFILE_FIELDS},
            "roles": wanted,
            "is_active": True,
            **({"is_superuser": True} if superuser else {}),
        },
    )
    return user


@transaction.atomic
def update_user(actor: Any, user: Any, changes: dict[str, Any]) -> Any:
    """Change a user's name and email; the username stays, as the audit history refers to it."""
    unknown = sorted(set(changes) - set(PROFILE_FIELDS))
    if unknown:
        raise ValidationFailed(f"Only {', '.join(PROFILE_FIELDS)} can be changed here.")
    before = {name: getattr(user, name) for name in PROFILE_FIELDS}
    for name, value in changes.items():
        setattr(user, name, (value or "").strip())
    validated(user, exclude=["password"])
    user.save(update_fields=list(PROFILE_FIELDS))
    changed = audit.diff(before, {name: getattr(user, name) for name in PROFILE_FIELDS})
    if changed:
        audit.record(actor, "update", user, changed)
    return user


@transaction.atomic
def set_roles(actor: Any, user: Any, roles: Iterable[str]) -> Any:
    """Give `user` exactly `roles`; the audit entry lists the roles before and after."""
    wanted = _known_roles(roles)
    before = _roles(user)
    if ADMIN in before and ADMIN not in wanted and user.is_active:
        _refuse_leaving_no_admin(user, "taking the admin role away")
    _apply_roles(user, wanted)
    if before != wanted:
        audit.record(actor, "update", user, {"roles": [before, wanted]})
    return user


@transaction.atomic
def deactivate_user(actor: Any, user: Any) -> Any:
    """Stop a user logging in, with a session or a token; their history stays theirs."""
    if not user.is_active:
        return user
    if actor is not None and getattr(actor, "pk", None) == user.pk:
        raise Conflict(
            "You cannot deactivate yourself: ask another administrator.", code="deactivate_self"
        )
    if ADMIN in _roles(user):
        _refuse_leaving_no_admin(user, "deactivating them")
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit.record(actor, "update", user, {"is_active": [True, False]})
    return user


@transaction.atomic
def reactivate_user(actor: Any, user: Any) -> Any:
    """Let a deactivated user log in again, with the roles and tokens they had."""
    if user.is_active:
        return user
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit.record(actor, "update", user, {"is_active": [False, True]})
    return user


def generated_password() -> str:
    return secrets.token_urlsafe(12)


@transaction.atomic
def reset_password(actor: Any, user: Any, password: str | None = None) -> NewPassword:
    """Set a user's password: the one given, or a generated one to hand over once.

    Their sessions end (Django ties a session to the password), so a stolen session dies too.
    """
    generated = not password
    new = password or generated_password()
    _checked_password(new, user)
    user.set_password(new)
    user.save(update_fields=["password"])
    audit.record(actor, "update", user, {"password": "generated" if generated else "set"})
    return NewPassword(user, new, generated)


@transaction.atomic
def change_user(
    actor: Any,
    user: Any,
    *,
    profile: dict[str, Any] | None = None,
    roles: Iterable[str] | None = None,
    is_active: bool | None = None,
) -> Any:
    """Several changes to one user at once (the API's PATCH): all of them, or none."""
    if profile:
        update_user(actor, user, profile)
    if roles is not None:
        set_roles(actor, user, roles)
    if is_active is False:
        deactivate_user(actor, user)
    elif is_active is True:
        reactivate_user(actor, user)
    return user
