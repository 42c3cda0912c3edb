"""Check capabilities in views and API operations."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from andon.accounts.roles import can
from andon.core.errors import Forbidden


def requires(
    capability: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """View decorator: 403 unless the user's roles hold `capability`."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not can(request.user, capability):
                raise PermissionDenied(f"Your role does not allow {capability}.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def require(request: HttpRequest, capability: str) -> None:
    """For API operations: raise Forbidden (a JSON 403) unless the caller holds `capability`."""
    if not can(request.user, capability):
        raise Forbidden(f"Your role does not allow {capability}.")
