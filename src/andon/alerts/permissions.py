"""Who may respond to alerts and who may configure them.

Reading alerts needs `view`. Responding (acknowledge, assign, resolve) is `alerts.respond`, for the
people who act on the floor and in the office (not viewer). Configuring rules and webhooks (whose
secrets sign what the plant tells other systems) is `alerts.manage`. Both are declared in
`alerts/registry.py`.
"""

from typing import Any

from django.core.exceptions import PermissionDenied

from andon.accounts.roles import can
from andon.core.errors import Forbidden

RESPOND = "alerts.respond"
MANAGE = "alerts.manage"


def can_respond(user: Any) -> bool:
    return can(user, RESPOND)


def can_manage(user: Any) -> bool:
    return can(user, MANAGE)


def need(allowed: bool) -> None:
    """In views: 403 unless allowed."""
    if not allowed:
        raise PermissionDenied("Your role does not allow this.")


def need_api(allowed: bool) -> None:
    """In the API: a JSON 403 unless allowed."""
    if not allowed:
        raise Forbidden("Your role does not allow this.")
