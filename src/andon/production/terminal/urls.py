"""Terminal URLs, mounted by production under `production/terminal/`."""

from django.urls import path

from andon.production.terminal import views

urlpatterns = [
    path("", views.index, name="terminal-index"),
    path("sw.js", views.service_worker, name="terminal-sw"),
    path("<str:code>/", views.terminal, name="terminal"),
    path("<str:code>/state/", views.center_state, name="terminal-state"),
    path("<str:code>/scan/", views.resolve_scan, name="terminal-scan"),
]
