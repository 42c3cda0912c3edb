"""The delivery date the plant can promise for each sales order line, from the schedule in force.

A line made to order is delivered when the last scheduled operation of its work orders ends
(plant time); a line with no scheduled work is promised on the date the customer asked for. The
plant never promises earlier than asked: finishing early means waiting in the warehouse, not
shipping early. Reads only, the same figures as the late orders page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Max
from django.utils import timezone

from andon.orders.models import SalesOrderLine
from andon.scheduling.models import ScheduledOperation, ScheduleRun


def scheduled_finishes(line_ids: Iterable[int]) -> dict[int, dt.date]:
    """Per sales order line id: the plant-time day its scheduled work ends, if it has any."""
    ids = list(line_ids)
    run = ScheduleRun.current()
    if run is None or not ids:
        return {}
    rows = (
        ScheduledOperation.objects.filter(
            run=run, operation__work_order__sales_order_line_id__in=ids
        )
        .values("operation__work_order__sales_order_line_id")
        .annotate(finish=Max("end"))
    )
    return {
        row["operation__work_order__sales_order_line_id"]: timezone.localtime(row["finish"]).date()
        for row in rows
    }


def promised_dates(lines: Iterable[SalesOrderLine]) -> dict[int, dt.date]:
    """Per line id: the later of the date asked for and the scheduled finish."""
    lines = list(lines)
    finishes = scheduled_finishes(line.pk for line in lines)
    return {line.pk: max(line.due_date, finishes.get(line.pk, line.due_date)) for line in lines}
