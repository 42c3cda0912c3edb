"""What a scanned code means at a terminal: an operation, a work order, a worker or a lot.

A keyboard-wedge scanner types the code and Enter. The production traveller prints the order
number as the order's QR code and `<order>/<sequence>` for each operation (the names the events
API uses), so those two are recognised by their shape alone; the page does the same in its
script while offline. Badges and lot codes need a look-up, which `resolve` does.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from andon.inventory.models import Lot
from andon.people.models import Worker
from andon.plant.models import WorkCenter
from andon.production.models import WorkOrder, WorkOrderOperation

OPERATION_CODE = re.compile(r"^(?P<order>[A-Za-z0-9][A-Za-z0-9._-]*)/(?P<sequence>\d{1,9})$")
MAX_LENGTH = 120


@dataclass(frozen=True)
class OperationRef:
    work_order: str
    sequence: int


def parse_operation(text: str) -> OperationRef | None:
    """`WO-00017/10` -> (WO-00017, 10); anything else -> None."""
    match = OPERATION_CODE.match(text.strip())
    if match is None:
        return None
    return OperationRef(match["order"], int(match["sequence"]))


@dataclass
class ScanResult:
    """What the page should do with a scan; `kind` is operation, worker, lot or unknown."""

    kind: str
    code: str
    detail: str = ""
    work_order: str = ""
    sequence: int | None = None
    worker: str = ""
    worker_name: str = ""
    lots: list[dict[str, Any]] = field(default_factory=list)


def _operation(code: str, ref: OperationRef, center: WorkCenter) -> ScanResult:
    op = (
        WorkOrderOperation.objects.select_related("work_center", "work_order")
        .filter(work_order__number=ref.work_order, sequence=ref.sequence)
        .first()
    )
    if op is None:
        return ScanResult("unknown", code, f"There is no operation {code}: check the traveller.")
    if op.work_center_id != center.pk:
        return ScanResult(
            "unknown",
            code,
            f"{code} runs at {op.work_center.code}, not at {center.code}: "
            "take the order to the right work center.",
        )
    return ScanResult("operation", code, work_order=ref.work_order, sequence=ref.sequence)


def _order(code: str, order: WorkOrder, center: WorkCenter) -> ScanResult:
    ops = list(
        order.operations.filter(work_center=center)
        .exclude(status=WorkOrderOperation.Status.COMPLETED)
        .order_by("sequence")
    )
    if not ops:
        return ScanResult("unknown", code, f"{code} has no open operation at {center.code}.")
    return ScanResult("operation", code, work_order=order.number, sequence=ops[0].sequence)


def resolve(text: str, center: WorkCenter) -> ScanResult:
    """Identify a scanned code for the terminal of `center`."""
    code = text.strip()[:MAX_LENGTH]
    if not code:
        return ScanResult("unknown", code, "The scan was empty: scan again.")
    ref = parse_operation(code)
    if ref is not None:
        return _operation(code, ref, center)
    order = WorkOrder.objects.filter(number=code).first()
    if order is not None:
        return _order(code, order, center)
    worker = Worker.objects.filter(active=True, badge=code).first()
    if worker is None:
        worker = Worker.objects.filter(active=True, code=code).first()
    if worker is not None:
        return ScanResult("worker", code, worker=worker.code, worker_name=worker.name)
    lots = list(Lot.objects.select_related("item").filter(code=code).order_by("item__sku")[:10])
    if lots:
        return ScanResult(
            "lot",
            code,
            lots=[
                {"item": lot.item.sku, "item_name": lot.item.name, "lot": lot.code} for lot in lots
            ],
        )
    return ScanResult("unknown", code, f"{code!r} is not an operation, badge or lot known here.")
