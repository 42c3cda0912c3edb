"""Terminal pages: choose a work center, the terminal itself, its state, scans, service worker.

Read-only: the page's script writes by sending events to `POST /api/v1/events`. Every view needs
`production.report` (operators and supervisors), the capability the events API asks for, so a
user who can open the terminal can also use it.
"""

from dataclasses import asdict
from pathlib import Path

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie

from andon.accounts.permissions import requires
from andon.plant.models import WorkCenter
from andon.production import board
from andon.production.roles import REPORT
from andon.production.terminal import scan, state

SERVICE_WORKER = Path(__file__).resolve().parent.parent / "static/production/terminal/sw.js"


@requires(REPORT)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "production/terminal/index.html", {"centers": board.board()})


@never_cache
@ensure_csrf_cookie
@requires(REPORT)
def terminal(request: HttpRequest, code: str) -> HttpResponse:
    center = get_object_or_404(WorkCenter, code=code, active=True)
    return render(
        request,
        "production/terminal/terminal.html",
        {"center": center, "state": state.center_state(center)},
    )


@never_cache
@requires(REPORT)
def center_state(request: HttpRequest, code: str) -> JsonResponse:
    center = get_object_or_404(WorkCenter, code=code, active=True)
    return JsonResponse(state.center_state(center))


@never_cache
@requires(REPORT)
def resolve_scan(request: HttpRequest, code: str) -> JsonResponse:
    center = get_object_or_404(WorkCenter, code=code, active=True)
    return JsonResponse(asdict(scan.resolve(request.GET.get("code", ""), center)))


@requires(REPORT)
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from the terminal's path so that it may control its pages."""
    response = HttpResponse(SERVICE_WORKER.read_bytes(), content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response
