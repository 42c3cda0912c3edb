"""Inventory: the stock ledger and what is on hand."""

from andon.accounts.roles import PLANNER, SUPERVISOR
from andon.core.registry import (
    NavEntry,
    register_api,
    register_capabilities,
    register_navigation,
    register_urls,
)

register_capabilities({"inventory.change": (PLANNER, SUPERVISOR)})
register_urls("inventory/", "andon.inventory.urls")
register_api("andon.inventory.api")
register_navigation(
    "Run",
    [
        NavEntry("Stock on hand", "inventory:stock-list"),
        NavEntry("Stock moves", "inventory:move-list"),
    ],
    order=60,
)
