"""The dispatch list of a work center: which operations it should work on, in which order.

There is no published schedule to follow yet, so the order is the work order's due date, then
its number, then the operation sequence. `ordering()` is the one place to change when the
schedule's sequence per work center becomes available: the rest of the terminal only consumes
the list it returns.
"""

from django.db.models import QuerySet

from andon.plant.models import WorkCenter
from andon.production.models import OPEN_STATUSES, WorkOrderOperation

# A tablet shows a screenful or two; an operator does not scroll through a month of work.
LIMIT = 40


def ordering() -> tuple[str, ...]:
    """Sort keys of the dispatch list; swap in the schedule's sequence here once it exists."""
    return ("work_order__due_date", "work_order__number", "sequence")


def dispatch_list(center: WorkCenter, limit: int = LIMIT) -> list[WorkOrderOperation]:
    """Open operations at `center` on released or started orders, in dispatch order."""
    rows: QuerySet[WorkOrderOperation] = (
        WorkOrderOperation.objects.filter(work_center=center, work_order__status__in=OPEN_STATUSES)
        .exclude(status=WorkOrderOperation.Status.COMPLETED)
        .select_related("work_order__item__uom", "routing_operation")
        .prefetch_related("routing_operation__documents")
        .order_by(*ordering())
    )
    return list(rows[:limit])
