"""Material requirements planning: what to make and buy, how much and when, and for whom.

`plan(MrpProblem) -> MrpResult` is the one entry point; bad input raises `MrpProblemError` where it
is built, and what only the whole problem shows comes back as an ERROR result listing every fault.
`item_record` gives the time-phased record of one item on request and `top_level_pegging` traces
an order up to the customer demand it serves.
"""

from andon.engines.mrp.model import (
    EPSILON,
    Allocation,
    BomLine,
    FirmPlannedOrder,
    Forecast,
    Item,
    LotSizeRule,
    MrpProblem,
    MrpProblemError,
    PlanningCalendar,
    Procurement,
    ReceiptKind,
    SalesDemand,
    ScheduledReceipt,
)
from andon.engines.mrp.pegging import top_level_pegging
from andon.engines.mrp.planner import plan
from andon.engines.mrp.record import TimePhasedRecord, item_record
from andon.engines.mrp.result import (
    ExceptionKind,
    MrpException,
    MrpResult,
    MrpStatus,
    OrderTable,
    Peg,
    PegKind,
    PlannedOrder,
)

__all__ = [
    "EPSILON",
    "Allocation",
    "BomLine",
    "ExceptionKind",
    "FirmPlannedOrder",
    "Forecast",
    "Item",
    "LotSizeRule",
    "MrpException",
    "MrpProblem",
    "MrpProblemError",
    "MrpResult",
    "MrpStatus",
    "OrderTable",
    "Peg",
    "PegKind",
    "PlannedOrder",
    "PlanningCalendar",
    "Procurement",
    "ReceiptKind",
    "SalesDemand",
    "ScheduledReceipt",
    "TimePhasedRecord",
    "item_record",
    "plan",
    "top_level_pegging",
]
