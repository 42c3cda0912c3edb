from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from andon import __version__
from andon.accounts.navigation import menu_for
from andon.accounts.roles import roles_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu and the user's roles on every page (the base template shows both).

    The menu is built when a template first shows it, once per request: panels and htmx
    fragments render with the request's context too, and show no menu."""
    if not request.user.is_authenticated:
        return {"andon_version": __version__}
    return {
        "nav_menu": SimpleLazyObject(lambda: menu_for(request.user, request.path)),
        "user_roles": sorted(roles_of(request.user)),
        "andon_version": __version__,
    }
