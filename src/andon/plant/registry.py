"""Plant: work centers, calendars, shifts and locations."""

from andon.accounts.roles import MAINTENANCE, PLANNER
from andon.core.registry import (
    NavEntry,
    register_api,
    register_capabilities,
    register_navigation,
    register_urls,
)

register_capabilities({"plant.change": (PLANNER, MAINTENANCE)})
register_urls("plant/", "andon.plant.urls")
register_api("andon.plant.api")
register_navigation(
    "Master data",
    [
        NavEntry("Work centers", "plant:workcenter-list"),
        NavEntry("Calendars", "plant:calendar-list"),
        NavEntry("Shifts", "plant:shift-list"),
        NavEntry("Locations", "plant:location-list"),
    ],
    order=20,
)
