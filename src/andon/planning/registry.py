"""Planning: MRP runs, planned orders and their exceptions."""

from andon.accounts.roles import PLANNER
from andon.core.registry import (
    NavEntry,
    register_api,
    register_capabilities,
    register_navigation,
    register_urls,
)

register_capabilities({"planning.run": (PLANNER,)})
register_urls("planning/", "andon.planning.urls")
register_api("andon.planning.api")
register_navigation(
    "Plan",
    [
        NavEntry("Plan runs", "planning:run-list"),
        NavEntry("Planned orders", "planning:order-list"),
        NavEntry("MRP exceptions", "planning:exception-list"),
    ],
    order=10,
)
