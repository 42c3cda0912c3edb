"""Who may respond to alerts and who may configure them.

Reading alerts needs `view`. Responding (acknowledge, assign, resolve) is for the people who act
on the floor and in the office: until `alerts.respond` exists in the roles table it is any role
that can change production, maintenance, quality or plans (so not viewer). Configuring rules and
webhooks (whose secrets sign what the plant tells other systems) is `alerts.manage`, admin-only
until that capability exists. Once the capabilities are added, they are used as they are.
"""

from typing import Any

from django.core.exceptions import PermissionDenied

from andon.accounts.roles import CAPABILITIES, can
from andon.core.errors import Forbidden

RESPOND = "alerts.respond"
MANAGE = "alerts.manage"
RESPOND_FALLBACK = (
    "production.report",
    "production.manage",
    "maintenance.change",
    "quality.change",
    "planning.run",
)
MANAGE_FALLBACK = "accounts.manage"


def can_respond(user: Any) -> bool:
    if RESPOND in CAPABILITIES:
        return can(user, RESPOND)
    return any(can(user, capability) for capability in RESPOND_FALLBACK)


def manage_capability() -> str:
    """The capability configuring alerts needs, for code that takes a capability name."""
    return MANAGE if MANAGE in CAPABILITIES else MANAGE_FALLBACK


def can_manage(user: Any) -> bool:
    return can(user, manage_capability())


def need(allowed: bool) -> None:
    """In views: 403 unless allowed."""
    if not allowed:
        raise PermissionDenied("Your role does not allow this.")


def need_api(allowed: bool) -> None:
    """In the API: a JSON 403 unless allowed."""
    if not allowed:
        raise Forbidden("Your role does not allow this.")
