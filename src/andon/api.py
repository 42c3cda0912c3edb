"""The REST API under /api/v1/: one NinjaAPI, each bounded context mounts its router.

Authentication: the browser session (with CSRF) or `Authorization: Bearer <token>`. Every error is
JSON with a stable `code` and a human `detail`.
"""

from typing import Any

from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from andon.accounts.services import authenticate_token
from andon.core.errors import DomainError

API_VERSION = "1.2.0"


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = authenticate_token(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Andon API",
    version=API_VERSION,
    description="Production management: master data, orders, stock, plans and the shop floor.",
    urls_namespace="api",
    # The token first: an integration sends no CSRF cookie, and the session check would refuse
    # its POST before the token was looked at.
    auth=[TokenAuth(), SessionAuth()],
    docs_url="/docs",
)


def _error(request: HttpRequest, status: int, code: str, detail: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"code": code, "detail": detail, **extra}, status=status)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    extra = {"problems": [p.as_dict() for p in exc.problems]} if exc.problems else {}
    return _error(request, exc.status, exc.code, exc.detail, **extra)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    problems = [
        {
            "column": ".".join(str(p) for p in err.get("loc", ())[1:]) or "",
            "message": err.get("msg", "invalid"),
        }
        for err in exc.errors
    ]
    detail = "; ".join(f"{p['column']}: {p['message']}" for p in problems) or "Invalid request."
    return _error(request, 422, "invalid_request", detail, problems=problems)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request, 401, "not_authenticated", "Log in or send 'Authorization: Bearer <token>'."
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", str(exc) or "Not found.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(OverflowError)
def _out_of_range(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    """An id or number larger than the database stores cannot name anything: the request's fault."""
    return _error(request, 422, "invalid_request", "A number in the request is out of range.")


@api.exception_handler(DataError)
def _unstorable(request: HttpRequest, exc: DataError) -> HttpResponse:
    """A value the database cannot hold or compare (a time-zone offset beyond what PostgreSQL
    parses, say) is the request's fault; the statement failed, so nothing was written."""
    return _error(
        request, 422, "invalid_request", "A value in the request is outside what Andon can store."
    )


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug is still answered in JSON, so clients parse every answer the same way."""
    import logging

    logging.getLogger("andon.api").exception("unexpected error in %s", request.path)
    return _error(request, 500, "server_error", "Unexpected error; it has been logged.")


def _mount() -> None:
    """Every app's router, as each registered it in its `registry.py` (INSTALLED_APPS order)."""
    from andon.core import registry

    for router in registry.api_routers():
        api.add_router("/", router)


_mount()
