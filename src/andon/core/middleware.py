"""Refuse text with control characters before it reaches the database.

PostgreSQL text cannot hold a NUL (0x00) and fails with a server error, and a worksheet cannot hold
any of the C0 control characters; no field in Andon has a use for them (tab, line feed and
carriage return excepted). A query parameter, form field or JSON body carrying one gets a 400 that
says so, on every page and API call alike. File uploads are binary and are not inspected.
"""

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse

DETAIL = "The request contains a control character (such as NUL), which no field accepts."
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
ESCAPED_CONTROL = re.compile(rb"\\u00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F])")


class RejectControlCharacters:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if self._carries_control(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "invalid_request", "detail": DETAIL}, status=400)
            return HttpResponse(DETAIL, status=400, content_type="text/plain")
        return self.get_response(request)

    @staticmethod
    def _carries_control(request: HttpRequest) -> bool:
        if CONTROL.search(request.path) or any(
            CONTROL.search(key) or CONTROL.search(value)
            for key, values in request.GET.lists()
            for value in values
        ):
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("application/json"):
            body = request.body
            return bool(
                CONTROL.search(body.decode("utf-8", "replace")) or ESCAPED_CONTROL.search(body)
            )
        if content_type.startswith("application/x-www-form-urlencoded"):
            return any(CONTROL.search(v) for _, values in request.POST.lists() for v in values)
        return False
