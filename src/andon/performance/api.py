"""KPI API: the engine's table for a range and grouping, undefined values with their reason."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema

from andon.accounts.permissions import require
from andon.core.errors import ValidationFailed
from andon.engines.kpi import Kpi
from andon.performance import services

router = Router(tags=["performance"])
MAX_DAYS = 370


class KpiValueOut(Schema):
    value: float | None
    undefined_reason: str | None


class KpiRowOut(Schema):
    key: str
    bucket: dt.date | None
    kpis: dict[str, KpiValueOut]


class KpiTableOut(Schema):
    group_by: str
    period: str
    from_date: dt.date
    to_date: dt.date
    status: str
    overlapping_elements: int
    rows: list[KpiRowOut]


@router.get(
    "/kpis", response=KpiTableOut, summary="KPIs (ISO 22400, OEE, losses) by group and period"
)
def kpis(
    request: HttpRequest,
    group_by: Literal["plant", "work_center", "line", "shift", "item"] = "work_center",
    period: Literal["all", "day", "week", "month"] = "day",
    from_date: Annotated[dt.date | None, Query(alias="from")] = None,
    to_date: Annotated[dt.date | None, Query(alias="to")] = None,
) -> KpiTableOut:
    """Every KPI per group and bucket for whole local days `from`..`to` (default: last 7 days).

    An undefined KPI has `value: null` and its `undefined_reason`, never a made-up number."""
    require(request, "view")
    last = to_date or timezone.localdate()
    first = from_date or last - dt.timedelta(days=6)
    if first > last:
        raise ValidationFailed("`from` is after `to`.", code="invalid_range")
    if (last - first).days > MAX_DAYS:
        raise ValidationFailed(f"Ask for at most {MAX_DAYS} days at once.", code="range_too_long")
    service = services.for_request(request)
    result = service.result(first, last, group_by, period)
    rows = service.rows(first, last, group_by, period, tuple(Kpi))
    return KpiTableOut(
        group_by=group_by,
        period=period,
        from_date=first,
        to_date=last,
        status=result.status.value,
        overlapping_elements=result.overlaps.elements,
        rows=[
            KpiRowOut(
                key=r.label,
                bucket=r.bucket,
                kpis={
                    name: KpiValueOut(value=v.value, undefined_reason=v.reason or None)
                    for name, v in r.values.items()
                },
            )
            for r in rows
        ],
    )
