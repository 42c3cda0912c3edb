"""Accounts: who may do what, the capability check every other app asks, login and profile."""

from andon.accounts.roles import MAINTENANCE, QUALITY, ROLES, can
from andon.core.registry import (
    NavEntry,
    register_api,
    register_capabilities,
    register_capability_check,
    register_navigation,
    register_urls,
)

register_capabilities(
    {
        "view": ROLES,
        "accounts.manage": (),
        # Held here until the quality and maintenance contexts declare their own.
        "quality.change": (QUALITY,),
        "maintenance.change": (MAINTENANCE,),
    }
)
register_capability_check(can)
register_urls("accounts/", "andon.accounts.urls")
register_api("andon.accounts.api")
register_navigation("Admin", [NavEntry("Users", "accounts:user-list", "accounts.manage")], order=30)
