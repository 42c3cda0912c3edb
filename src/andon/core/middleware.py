"""Refuse text with NUL characters before it reaches the database.

PostgreSQL text cannot hold a NUL (0x00) and fails with a server error; no field in Andon has a use
for one. A query parameter, form field or JSON body carrying one gets a 400 that says so, on every
page and API call alike. File uploads are binary and are not inspected.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse

DETAIL = "The request contains a NUL (0x00) character, which no field accepts."


class RejectNulCharacters:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if self._carries_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "invalid_request", "detail": DETAIL}, status=400)
            return HttpResponse(DETAIL, status=400, content_type="text/plain")
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path or any(
            "\x00" in key or "\x00" in value
            for key, values in request.GET.lists()
            for value in values
        ):
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("application/json"):
            body = request.body
            return b"\x00" in body or b"\\u0000" in body
        if content_type.startswith("application/x-www-form-urlencoded"):
            return any("\x00" in v for _, values in request.POST.lists() for v in values)
        return False
