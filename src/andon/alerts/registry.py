"""Alerts: what needs someone's attention, and the rules that raise it."""

from andon.accounts.roles import MAINTENANCE, OPERATOR, PLANNER, QUALITY, SUPERVISOR
from andon.core.registry import (
    NavEntry,
    register_api,
    register_capabilities,
    register_navigation,
    register_urls,
)

register_capabilities(
    {
        "alerts.respond": (PLANNER, SUPERVISOR, OPERATOR, QUALITY, MAINTENANCE),
        "alerts.manage": (PLANNER,),
    }
)
register_urls("alerts/", "andon.alerts.urls")
register_api("andon.alerts.api")
register_navigation("Watch", [NavEntry("Alerts", "alerts:alert-list")], order=20)
# Rules come last in Watch: set up once, after the mentions a user checks daily.
register_navigation("Watch", [NavEntry("Alert rules", "alerts:rule-list")], order=40)
