"""The navigation follows the work: Plan, Run, Watch, Improve, then master data and admin.

Each entry names a URL and the capability needed to see it. A section with no visible entry is
not shown, so a viewer's menu and an admin's menu differ only by what each may use.
"""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from andon.accounts.roles import can


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    capability: str = "view"


@dataclass(frozen=True)
class NavSection:
    label: str
    entries: tuple[NavEntry, ...]


SECTIONS: tuple[NavSection, ...] = (
    NavSection(
        "Plan",
        (
            NavEntry("Plan runs", "planning:run-list"),
            NavEntry("Planned orders", "planning:order-list"),
            NavEntry("MRP exceptions", "planning:exception-list"),
            NavEntry("Schedule", "scheduling:overview"),
            NavEntry("Gantt", "scheduling:gantt"),
            NavEntry("Capacity load", "scheduling:load"),
            NavEntry("Capable to promise", "scheduling:promise"),
            NavEntry("Sales orders", "orders:salesorder-list"),
            NavEntry("Forecasts", "orders:forecast-list"),
            NavEntry("Purchase orders", "orders:purchaseorder-list"),
            NavEntry("Supplier confirmations", "correspondence:confirmation-list"),
            NavEntry("Customer delivery dates", "correspondence:customer-dates"),
            NavEntry("Letters", "correspondence:letter-list"),
        ),
    ),
    NavSection(
        "Run",
        (
            NavEntry("Work orders", "production:workorder-list"),
            NavEntry("Dispatch lists", "scheduling:dispatch-index"),
            NavEntry("Late orders", "scheduling:late"),
            NavEntry("Supervisor board", "production:supervisor"),
            NavEntry("Shift handover", "collaboration:handover"),
            NavEntry("Operator terminal", "production:terminal-index", "production.report"),
            NavEntry("Stock on hand", "inventory:stock-list"),
            NavEntry("Stock moves", "inventory:move-list"),
            NavEntry("Lot trace", "production:lot-trace"),
        ),
    ),
    NavSection(
        "Watch",
        (
            NavEntry("Performance", "performance:overview"),
            NavEntry("OEE and losses", "performance:oee"),
            NavEntry("Downtime", "performance:downtime"),
            NavEntry("Throughput and delivery", "performance:throughput"),
            NavEntry("Andon board", "performance:andon"),
            NavEntry("Alerts", "alerts:alert-list"),
            NavEntry("My mentions", "collaboration:mentions"),
            NavEntry("Alert rules", "alerts:rule-list"),
        ),
    ),
    NavSection(
        "Master data",
        (
            NavEntry("Items", "catalog:item-list"),
            NavEntry("Bills of materials", "catalog:bom-list"),
            NavEntry("Routings", "catalog:routing-list"),
            NavEntry("Work centers", "plant:workcenter-list"),
            NavEntry("Calendars", "plant:calendar-list"),
            NavEntry("Shifts", "plant:shift-list"),
            NavEntry("Locations", "plant:location-list"),
            NavEntry("Workers", "people:worker-list"),
            NavEntry("Skills", "people:skill-list"),
            NavEntry("Certifications", "people:certification-list"),
            NavEntry("Reason codes", "production:reason-list"),
            NavEntry("Customers", "partners:customer-list"),
            NavEntry("Suppliers", "partners:supplier-list"),
            NavEntry("Units of measure", "catalog:uom-list"),
        ),
    ),
    NavSection(
        "Admin",
        (
            NavEntry("Import / export", "transfer:index", "transfer.export"),
            NavEntry("Audit history", "core:audit-list"),
            NavEntry("Users", "admin:auth_user_changelist", "accounts.manage"),
        ),
    ),
)


def menu_for(user: Any, current_path: str) -> list[dict[str, Any]]:
    """The sections and entries `user` may see, with the one active entry marked.

    The active entry is the longest URL the current path starts with, so /scheduling/gantt/
    lights Gantt, not also Schedule (/scheduling/).
    """
    menu: list[dict[str, Any]] = []
    visible: list[dict[str, Any]] = []
    for section in SECTIONS:
        entries: list[dict[str, Any]] = [
            {"label": entry.label, "url": reverse(entry.url_name), "active": False}
            for entry in section.entries
            if can(user, entry.capability)
        ]
        if entries:
            menu.append({"label": section.label, "entries": entries})
            visible.extend(entries)
    matches = [
        entry
        for entry in visible
        if current_path.startswith(entry["url"]) and (entry["url"] != "/" or current_path == "/")
    ]
    if matches:
        max(matches, key=lambda entry: len(entry["url"]))["active"] = True
    return menu
