"""Production: work orders, the shop floor's reports, lots and reason codes."""

from andon.accounts.roles import OPERATOR, PLANNER, SUPERVISOR
from andon.core.registry import (
    NavEntry,
    register_api,
    register_capabilities,
    register_navigation,
    register_urls,
)

register_capabilities(
    {
        "production.report": (SUPERVISOR, OPERATOR),
        "production.manage": (PLANNER, SUPERVISOR),
    }
)
register_urls("production/", "andon.production.urls")
register_api("andon.production.api")
# The Run section interleaves production with dispatch, handover and stock, in the order a
# supervisor's shift goes: hence several positions.
register_navigation("Run", [NavEntry("Work orders", "production:workorder-list")], order=10)
register_navigation("Run", [NavEntry("Supervisor board", "production:supervisor")], order=30)
register_navigation(
    "Run",
    [NavEntry("Operator terminal", "production:terminal-index", "production.report")],
    order=50,
)
register_navigation("Run", [NavEntry("Lot trace", "production:lot-trace")], order=70)
register_navigation("Master data", [NavEntry("Reason codes", "production:reason-list")], order=40)
