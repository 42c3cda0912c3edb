"""Check capabilities in views and API operations."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from andon.accounts.roles import can
from andon.core.errors import Forbidden

R = TypeVar("R", bound=HttpResponseBase)


def requires(capability: str) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """View decorator: 403 unless the user's roles hold `capability`."""

    def decorator(view: Callable[..., R]) -> Callable[..., R]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> R:
            if not can(request.user, capability):
                raise PermissionDenied(f"Your role does not allow {capability}.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def require(request: HttpRequest, capability: str) -> None:
    """For API operations: raise Forbidden (a JSON 403) unless the caller holds `capability`."""
    if not can(request.user, capability):
        raise Forbidden(f"Your role does not allow {capability}.")
