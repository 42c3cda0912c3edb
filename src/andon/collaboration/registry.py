"""Collaboration: comments and mentions on records, and the shift handover."""

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
        "team.comment": (PLANNER, SUPERVISOR, OPERATOR, QUALITY, MAINTENANCE),
        "team.handover": (SUPERVISOR, OPERATOR, QUALITY, MAINTENANCE),
    }
)
register_urls("collaboration/", "andon.collaboration.urls")
register_api("andon.collaboration.api")
register_navigation("Run", [NavEntry("Shift handover", "collaboration:handover")], order=40)
register_navigation("Watch", [NavEntry("My mentions", "collaboration:mentions")], order=30)
