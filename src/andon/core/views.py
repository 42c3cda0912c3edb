from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

from andon.core.listing import Column, Filter, ListPage, render_list
from andon.core.models import AuditEntry


@login_not_required
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 200 when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # the check exists to report exactly this
        return JsonResponse({"status": "error", "detail": str(exc)}, status=503)
    return JsonResponse({"status": "ok"})


AUDIT_PAGE = ListPage(
    title="Audit history",
    subtitle="Every change to master data and orders: who, what and when.",
    queryset=lambda: AuditEntry.objects.select_related("user"),
    columns=[
        Column("When", "at", sort="at"),
        Column("Who", lambda e: e.user.username if e.user else "system", sort="user__username"),
        Column("Action", "get_action_display", sort="action", badge=True),
        Column("Record", "model", sort="model"),
        Column("Object", "object_repr", sort="object_repr"),
        Column("Changes", lambda e: ", ".join(sorted(e.changes))[:120]),
    ],
    search_fields=["object_repr", "model", "user__username"],
    filters=[Filter("action", "Action", "action", AuditEntry.Action.choices)],
    default_sort="-at",
)


def audit_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, AUDIT_PAGE)
