"""Apps declare their menu entries, capabilities, URLs and API routers in their own registry.py."""

import importlib.util

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from andon.accounts.navigation import menu_for
from andon.accounts.roles import CAPABILITIES, QUALITY, can
from andon.core import registry
from andon.core.registry import NavEntry


def _labels(menu):
    return [entry["label"] for section in menu for entry in section["entries"]]


@pytest.mark.django_db
def test_a_registered_entry_shows_only_to_roles_holding_its_capability(user_with_role):
    inspector = user_with_role("quality")
    reader = user_with_role("viewer")
    with registry.scratch():
        registry.register_capabilities({"inspection.record": (QUALITY,)})
        registry.register_navigation(
            "Improve", [NavEntry("Inspections", "core:health", "inspection.record")], order=10
        )
        assert "Inspections" in _labels(menu_for(inspector, "/"))
        assert "Inspections" not in _labels(menu_for(reader, "/"))
        improve = [s["label"] for s in menu_for(inspector, "/")]
        assert improve.index("Improve") == improve.index("Watch") + 1
    # Outside the scratch registry the entry and its capability are gone again.
    assert "inspection.record" not in CAPABILITIES
    assert "Inspections" not in _labels(menu_for(inspector, "/"))


def test_entries_of_several_apps_interleave_by_position():
    run = next(s for s in registry.navigation() if s.label == "Run")
    assert [e.label for e in run.entries][:4] == [
        "Work orders",
        "Dispatch lists",
        "Late orders",
        "Supervisor board",
    ]


def test_every_menu_entry_reverses_and_names_a_declared_capability():
    for section in registry.navigation():
        for entry in section.entries:
            assert reverse(entry.url_name).startswith("/"), entry
            assert entry.capability in CAPABILITIES, entry


def test_every_app_with_pages_or_an_api_registers_them():
    mounted = {mount.module for mount in registry.url_mounts()}
    routers = registry.api_routers()
    for config in apps.get_app_configs():
        if not config.name.startswith("andon."):
            continue
        if importlib.util.find_spec(f"{config.name}.urls"):
            assert f"{config.name}.urls" in mounted, config.name
        if importlib.util.find_spec(f"{config.name}.api"):
            router = importlib.import_module(f"{config.name}.api").router
            assert any(r is router for r in routers), config.name


@pytest.mark.django_db
def test_an_unknown_capability_is_a_programming_error(admin_user):
    with pytest.raises(KeyError):
        can(admin_user, "catalog.chnage")
    with pytest.raises(KeyError):
        registry.user_can(admin_user, "catalog.chnage")


def test_a_capability_is_declared_once_and_a_section_must_exist():
    with registry.scratch():
        with pytest.raises(ImproperlyConfigured):
            registry.register_capabilities({"catalog.change": ()})
        with pytest.raises(ImproperlyConfigured):
            registry.register_navigation("Elsewhere", [NavEntry("X", "core:health")], order=1)


# The menu as it was when each app's entries moved to the app: a change here is a change users see.
MENU = {
    "Plan": [
        "Plan runs",
        "Planned orders",
        "MRP exceptions",
        "Schedule",
        "Gantt",
        "Capacity load",
        "Capable to promise",
        "Sales orders",
        "Forecasts",
        "Purchase orders",
        "Supplier confirmations",
        "Customer delivery dates",
        "Letters",
    ],
    "Run": [
        "Work orders",
        "Dispatch lists",
        "Late orders",
        "Supervisor board",
        "Shift handover",
        "Operator terminal",
        "Stock on hand",
        "Stock moves",
        "Lot trace",
    ],
    "Watch": [
        "Performance",
        "OEE and losses",
        "Downtime",
        "Throughput and delivery",
        "Andon board",
        "Alerts",
        "My mentions",
        "Alert rules",
    ],
    "Master data": [
        "Items",
        "Bills of materials",
        "Routings",
        "Work centers",
        "Calendars",
        "Shifts",
        "Locations",
        "Workers",
        "Skills",
        "Certifications",
        "Reason codes",
        "Customers",
        "Suppliers",
        "Units of measure",
    ],
    "Admin": [
        "Import / export",
        "Audit history",
        "Users",
    ],
}


@pytest.mark.django_db
def test_the_admins_menu_keeps_its_sections_order_and_labels(admin_user):
    menu = menu_for(admin_user, "/")
    assert {s["label"]: [e["label"] for e in s["entries"]] for s in menu} == MENU
    assert [s["label"] for s in menu] == list(MENU)


@pytest.mark.django_db
def test_a_viewer_sees_neither_the_terminal_nor_user_management(viewer):
    labels = _labels(menu_for(viewer, "/"))
    assert "Operator terminal" not in labels
    assert "Users" not in labels
    assert "Import / export" in labels
