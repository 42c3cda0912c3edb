"""Read letters and supplier confirmations for pages and the API, so both show the same things."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from andon.correspondence.models import ConfirmationRequest, Letter, LetterLine

# What the buyer sorts supplier answers into; the keys are the filter values of page and API.
STATUSES = {
    "awaiting": "Awaiting answer",
    "proposed": "Changes proposed",
    "expired": "Link expired",
    "failed": "Not delivered",
    "confirmed": "Confirmed as asked",
}
Open = ConfirmationRequest.State.OPEN
Answered = ConfirmationRequest.State.ANSWERED


def _status_filter(status: str, now: dt.datetime) -> Q:
    return {
        "awaiting": Q(state=Open, expires_at__gte=now),
        "expired": Q(state=Open, expires_at__lt=now),
        "proposed": Q(state=Answered, changed=True, reviewed_at__isnull=True),
        "confirmed": Q(state=Answered, changed=False),
        "failed": Q(state=ConfirmationRequest.State.PENDING, letter__state=Letter.State.FAILED),
    }[status]


def confirmations(
    status: str = "", now: dt.datetime | None = None
) -> QuerySet[ConfirmationRequest]:
    """Supplier confirmation requests, newest letter first; `status` one of STATUSES or ""."""
    query = ConfirmationRequest.objects.select_related(
        "purchase_order__supplier", "letter__created_by"
    ).prefetch_related(Prefetch("letter__lines", LetterLine.objects.order_by("line")))
    if status:
        query = query.filter(_status_filter(status, now or timezone.now()))
    else:
        query = query.exclude(state=ConfirmationRequest.State.SUPERSEDED)
    return query.order_by("-letter__created_at", "-id")


def counts(now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {
        key: ConfirmationRequest.objects.filter(_status_filter(key, now)).count()
        for key in STATUSES
    }


def letters() -> QuerySet[Letter]:
    return (
        Letter.objects.select_related(
            "purchase_order",
            "sales_order",
            "created_by",
            "confirmation__purchase_order__supplier",
        )
        .prefetch_related(Prefetch("lines", LetterLine.objects.order_by("line")))
        .order_by("-created_at", "-id")
    )


def latest_confirmation(order_id: int) -> ConfirmationRequest | None:
    """The purchase order's request that counts: the newest one not superseded."""
    return (
        confirmations()
        .filter(purchase_order_id=order_id)
        .exclude(state=ConfirmationRequest.State.SUPERSEDED)
        .first()
    )
