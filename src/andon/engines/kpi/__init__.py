"""KPIs from shop-floor time elements: ISO 22400-2, the common OEE, the six big losses, delivery.

`compute(KpiData, group_by, period, utc_offset_seconds) -> KpiResult` for equipment and labour
KPIs; `delivery(Orders, ...) -> DeliveryTable` for on-time delivery, schedule adherence, WIP and
lead time. Formulas, meanings and worked examples: docs/kpis.md.
"""

from andon.engines.kpi.delivery import DeliveryKpi, DeliveryTable, Orders, delivery
from andon.engines.kpi.engine import compute
from andon.engines.kpi.formulas import (
    Kpi,
    KpiResult,
    KpiStatus,
    KpiTable,
    KpiValue,
    Reason,
    Status,
)
from andon.engines.kpi.model import (
    NONE,
    Attendance,
    Dimension,
    ElementKind,
    KpiData,
    KpiProblemError,
    Period,
    PlannedBusyTime,
    PlannedRunTimes,
    TimeElements,
)
from andon.engines.kpi.totals import Overlaps

__all__ = [
    "NONE",
    "Attendance",
    "DeliveryKpi",
    "DeliveryTable",
    "Dimension",
    "ElementKind",
    "Kpi",
    "KpiData",
    "KpiProblemError",
    "KpiResult",
    "KpiStatus",
    "KpiTable",
    "KpiValue",
    "Orders",
    "Overlaps",
    "Period",
    "PlannedBusyTime",
    "PlannedRunTimes",
    "Reason",
    "Status",
    "TimeElements",
    "compute",
    "delivery",
]
