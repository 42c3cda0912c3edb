"""Catalog: items, bills of materials, routings and units of measure."""

from andon.accounts.roles import PLANNER
from andon.catalog import panels
from andon.core.registry import (
    NavEntry,
    register_api,
    register_capabilities,
    register_navigation,
    register_urls,
)

register_capabilities({"catalog.change": (PLANNER,)})
register_urls("catalog/", "andon.catalog.urls")
register_api("andon.catalog.api")
register_navigation(
    "Master data",
    [
        NavEntry("Items", "catalog:item-list"),
        NavEntry("Bills of materials", "catalog:bom-list"),
        NavEntry("Routings", "catalog:routing-list"),
    ],
    order=10,
)
# Units of measure close the master data: set once, rarely visited.
register_navigation("Master data", [NavEntry("Units of measure", "catalog:uom-list")], order=60)
panels.register()
