"""Transfer: import and export of master data, orders and plans as CSV or Excel."""

from andon.accounts.roles import MAINTENANCE, PLANNER, QUALITY, SUPERVISOR, VIEWER
from andon.core.registry import (
    NavEntry,
    register_api,
    register_capabilities,
    register_navigation,
    register_urls,
)

register_capabilities(
    {
        "transfer.import": (PLANNER,),
        "transfer.export": (PLANNER, SUPERVISOR, QUALITY, MAINTENANCE, VIEWER),
    }
)
register_urls("transfer/", "andon.transfer.urls")
register_api("andon.transfer.api")
register_navigation(
    "Admin", [NavEntry("Import / export", "transfer:index", "transfer.export")], order=10
)
