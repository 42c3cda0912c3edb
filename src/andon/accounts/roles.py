"""Roles and what each may do.

A role is a Django group with one of these names. Permissions are capabilities named
`<area>.<verb>`; the table below is the single place that says which role holds which, so a page,
an API call and a command all ask the same question: `can(user, "catalog.change")`.
"""

from typing import Any

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

# capability -> roles holding it (admin holds every capability implicitly).
CAPABILITIES: dict[str, frozenset[str]] = {
    "view": frozenset(ROLES),
    "catalog.change": frozenset({PLANNER}),
    "plant.change": frozenset({PLANNER, MAINTENANCE}),
    "people.change": frozenset({SUPERVISOR}),
    "partners.change": frozenset({PLANNER}),
    "orders.change": frozenset({PLANNER}),
    "inventory.change": frozenset({PLANNER, SUPERVISOR}),
    "transfer.import": frozenset({PLANNER}),
    "transfer.export": frozenset({PLANNER, SUPERVISOR, QUALITY, MAINTENANCE, VIEWER}),
    "planning.run": frozenset({PLANNER}),
    "production.report": frozenset({SUPERVISOR, OPERATOR}),
    "production.manage": frozenset({PLANNER, SUPERVISOR}),
    "quality.change": frozenset({QUALITY}),
    "maintenance.change": frozenset({MAINTENANCE}),
    "alerts.respond": frozenset({PLANNER, SUPERVISOR, OPERATOR, QUALITY, MAINTENANCE}),
    "alerts.manage": frozenset({PLANNER}),
    "team.comment": frozenset({PLANNER, SUPERVISOR, OPERATOR, QUALITY, MAINTENANCE}),
    "team.handover": frozenset({SUPERVISOR, OPERATOR, QUALITY, MAINTENANCE}),
    "accounts.manage": frozenset(),
}


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
