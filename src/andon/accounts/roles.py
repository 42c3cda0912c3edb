"""Roles and what each may do.

A role is a Django group with one of these names. Permissions are capabilities named
`<area>.<verb>`, each declared by the app it belongs to (in its `registry.py`) with the roles that
hold it; a page, an API call and a command all ask the same question: `can(user, "catalog.change")`.
"""

from collections.abc import Iterator, Mapping
from typing import Any

from andon.core import registry

ADMIN = "admin"
PLANNER = "planner"
SUPERVISOR = "supervisor"
OPERATOR = "operator"
QUALITY = "quality"
MAINTENANCE = "maintenance"
VIEWER = "viewer"

ROLES: tuple[str, ...] = (ADMIN, PLANNER, SUPERVISOR, OPERATOR, QUALITY, MAINTENANCE, VIEWER)

ROLE_DESCRIPTIONS = {
    ADMIN: "Everything, including users and configuration.",
    PLANNER: "Master data, orders, imports, MRP and schedules.",
    SUPERVISOR: "Runs the shop floor: releases and reports work, manages the crew.",
    OPERATOR: "Reports work at a work center.",
    QUALITY: "Inspections, non-conformances and corrective actions.",
    MAINTENANCE: "Machines, downtime and maintenance orders.",
    VIEWER: "Reads everything, changes nothing.",
}


class _Capabilities(Mapping[str, frozenset[str]]):
    """Capability -> roles holding it (admin holds every capability implicitly).

    Each app declares its own capabilities in its `registry.py`; this is the merged table, read
    when asked, so it is complete whatever imported this module first.
    """

    def __getitem__(self, name: str) -> frozenset[str]:
        return registry.capabilities()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(registry.capabilities())

    def __len__(self) -> int:
        return len(registry.capabilities())


CAPABILITIES: Mapping[str, frozenset[str]] = _Capabilities()


def roles_of(user: Any) -> set[str]:
    """The role names a user holds; a superuser holds admin."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    cached: set[str] | None = getattr(user, "_andon_roles", None)
    if cached is None:
        cached = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        if user.is_superuser:
            cached.add(ADMIN)
        user._andon_roles = cached
    return cached


def can(user: Any, capability: str) -> bool:
    """Whether `user` holds `capability`; an unknown capability is a programming error."""
    if capability not in CAPABILITIES:
        raise KeyError(f"unknown capability {capability!r}")
    held = roles_of(user)
    return ADMIN in held or bool(held & CAPABILITIES[capability])
