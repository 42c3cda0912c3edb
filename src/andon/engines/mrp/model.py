"""What MRP plans from: items, structure, demand, open supply and the working calendar.

Every input is a frozen dataclass that checks its own invariants on construction and names the
object in its error, so bad master data is rejected where it enters, not deep inside the netting.
Checks that need several objects at once (a BOM line naming an unknown item, a cycle) are made by
`plan()`, which reports all of them in one result instead of stopping at the first.

Quantities are floats: the engine sums and compares millions of them, and storage rounds back to
the item's Decimal precision. Comparisons use `EPSILON` so that float noise never creates an order.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
from dataclasses import dataclass
from enum import StrEnum

from andon.engines.errors import ProblemError

EPSILON = 1e-6
"""Quantities closer than this are equal: far below the 4 decimals that storage keeps."""


class MrpProblemError(ProblemError):
    """An MRP input that cannot be planned from: the message names the item or order at fault.

    Raised where the input is built (each dataclass checks itself) and by `item_record`; the
    checks that need the whole problem are reported by `plan()` in an ERROR result instead.
    """


class Procurement(StrEnum):
    MAKE = "make"
    BUY = "buy"


class LotSizeRule(StrEnum):
    LOT_FOR_LOT = "lot_for_lot"
    FIXED = "fixed"
    PERIOD = "period"
    MIN_MAX = "min_max"
    EOQ = "eoq"


def _non_negative(owner: str, **values: float) -> None:
    for name, value in values.items():
        if not math.isfinite(value) or value < 0:
            raise MrpProblemError(f"{owner}: {name} must be a finite number >= 0, got {value}")


@dataclass(frozen=True, slots=True)
class Item:
    """An item as MRP sees it: how it is procured, how long that takes, how it is lot-sized.

    `lead_time_days` counts working days. For a bought item, `supplier_lead_time_days` (the
    preferred supplier's lead time) overrides it when given. `lot_size` is the fixed quantity for
    the fixed rule and the number of working days to cover for the period rule. `min_qty` and
    `multiple` (0 = none) shape every rule except the fixed one; `max_qty` bounds min/max.
    `on_hand` is the nettable stock only.
    """

    id: str
    procurement: Procurement
    lead_time_days: int = 0
    lot_size_rule: LotSizeRule = LotSizeRule.LOT_FOR_LOT
    lot_size: float | None = None
    min_qty: float = 0.0
    max_qty: float | None = None
    multiple: float = 0.0
    order_cost: float = 0.0
    holding_rate_percent: float = 20.0
    standard_cost: float = 0.0
    safety_stock: float = 0.0
    on_hand: float = 0.0
    supplier_lead_time_days: int | None = None

    def __post_init__(self) -> None:
        who = f"item {self.id}"
        if not self.id:
            raise MrpProblemError("an item needs an id")
        if self.lead_time_days < 0:
            raise MrpProblemError(
                f"{who}: lead time must not be negative, got {self.lead_time_days}"
            )
        if self.supplier_lead_time_days is not None and self.supplier_lead_time_days < 0:
            raise MrpProblemError(f"{who}: supplier lead time must not be negative")
        _non_negative(
            who,
            min_qty=self.min_qty,
            multiple=self.multiple,
            order_cost=self.order_cost,
            holding_rate_percent=self.holding_rate_percent,
            standard_cost=self.standard_cost,
            safety_stock=self.safety_stock,
            on_hand=self.on_hand,
        )
        rule = self.lot_size_rule
        if rule in (LotSizeRule.FIXED, LotSizeRule.PERIOD) and not (self.lot_size or 0) > 0:
            raise MrpProblemError(f"{who}: the {rule.value} lot-size rule needs a lot size > 0")
        if rule == LotSizeRule.PERIOD and self.lot_size != int(self.lot_size or 0):
            raise MrpProblemError(f"{who}: the period rule's lot size is a whole number of days")
        if rule == LotSizeRule.MIN_MAX:
            maximum = self.max_qty or 0.0
            if not maximum > 0:
                raise MrpProblemError(f"{who}: the min_max lot-size rule needs a maximum > 0")
            if maximum < self.min_qty:
                raise MrpProblemError(f"{who}: the maximum {self.max_qty} is below the minimum")
            if self.multiple and maximum < self.multiple:
                raise MrpProblemError(f"{who}: the maximum is below one order multiple")
        if rule == LotSizeRule.EOQ and not (
            self.order_cost > 0 and self.standard_cost > 0 and self.holding_rate_percent > 0
        ):
            raise MrpProblemError(
                f"{who}: the eoq lot-size rule needs an order cost, a standard cost "
                "and a holding rate > 0"
            )

    @property
    def effective_lead_time(self) -> int:
        """Working days from release to receipt: the supplier's figure wins for bought items."""
        if self.procurement == Procurement.BUY and self.supplier_lead_time_days is not None:
            return self.supplier_lead_time_days
        return self.lead_time_days


@dataclass(frozen=True, slots=True)
class BomLine:
    """`quantity` of `component` per unit of `parent`, inflated by scrap, valid between dates.

    Effectivity is judged on the date the parent order is released, which is when its components
    are issued.
    """

    parent: str
    component: str
    quantity: float
    scrap_percent: float = 0.0
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def __post_init__(self) -> None:
        who = f"BOM line {self.parent} <- {self.component}"
        if self.parent == self.component:
            raise MrpProblemError(f"{who}: an item cannot be its own component")
        if not (math.isfinite(self.quantity) and self.quantity > 0):
            raise MrpProblemError(f"{who}: quantity must be > 0, got {self.quantity}")
        if not 0 <= self.scrap_percent < 100:
            raise MrpProblemError(f"{who}: scrap must be in [0, 100), got {self.scrap_percent}")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise MrpProblemError(f"{who}: valid_to is before valid_from")

    @property
    def gross_factor(self) -> float:
        """Component quantity needed per parent unit, scrap included: quantity / (1 - scrap)."""
        return self.quantity / (1.0 - self.scrap_percent / 100.0)


@dataclass(frozen=True, slots=True)
class SalesDemand:
    """An open sales order line: the open quantity is due to the customer on `due`."""

    id: str
    item: str
    quantity: float
    due: dt.date
    customer: str = ""

    def __post_init__(self) -> None:
        if not (math.isfinite(self.quantity) and self.quantity > 0):
            raise MrpProblemError(f"sales order {self.id}: quantity must be > 0")


@dataclass(frozen=True, slots=True)
class Forecast:
    """Expected demand for an item on a date; sales orders around that date consume it."""

    id: str
    item: str
    date: dt.date
    quantity: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.quantity) and self.quantity > 0):
            raise MrpProblemError(f"forecast {self.id}: quantity must be > 0")


class ReceiptKind(StrEnum):
    PURCHASE = "purchase"
    WORK = "work"


@dataclass(frozen=True, slots=True)
class ScheduledReceipt:
    """Open supply already committed: a purchase order line or a work order, due on `due`.

    MRP never changes it; it suggests (expedite, defer, cancel) unless `firm`, which means the
    planner has settled its date and quantity and wants no suggestions.
    """

    id: str
    item: str
    quantity: float
    due: dt.date
    kind: ReceiptKind = ReceiptKind.PURCHASE
    firm: bool = False

    def __post_init__(self) -> None:
        if not (math.isfinite(self.quantity) and self.quantity > 0):
            raise MrpProblemError(f"scheduled receipt {self.id}: quantity must be > 0")


@dataclass(frozen=True, slots=True)
class FirmPlannedOrder:
    """A planned order the planner has firmed: kept as it is, its components are still planned."""

    id: str
    item: str
    quantity: float
    release: dt.date
    due: dt.date

    def __post_init__(self) -> None:
        if not (math.isfinite(self.quantity) and self.quantity > 0):
            raise MrpProblemError(f"firm planned order {self.id}: quantity must be > 0")
        if self.due < self.release:
            raise MrpProblemError(f"firm planned order {self.id}: due before its release")


@dataclass(frozen=True, slots=True)
class Allocation:
    """Stock promised to an open work order and not yet issued to it, needed on `date`.

    It is demand like any other (APICS: allocated quantity), but it is already committed: it is
    netted on its date and pegged to the work order, never consumed by forecasts.
    """

    id: str
    item: str
    quantity: float
    date: dt.date

    def __post_init__(self) -> None:
        if not (math.isfinite(self.quantity) and self.quantity > 0):
            raise MrpProblemError(f"allocation {self.id}: quantity must be > 0")


@dataclass(frozen=True, slots=True)
class PlanningCalendar:
    """The working days between `first_day` and `last_day`, sorted.

    MRP works on working-day indices (0 = first working day): lead-time offsetting is then a
    subtraction, and a date on a non-working day maps to the previous working day.
    """

    first_day: dt.date
    last_day: dt.date
    working_days: tuple[dt.date, ...]

    def __post_init__(self) -> None:
        days = self.working_days
        if self.last_day < self.first_day:
            raise MrpProblemError("the calendar ends before it starts")
        if not days:
            raise MrpProblemError("the calendar has no working day")
        if days[0] < self.first_day or days[-1] > self.last_day:
            raise MrpProblemError("a working day lies outside the calendar's range")
        if any(b <= a for a, b in itertools.pairwise(days)):
            raise MrpProblemError("working days must be sorted and unique")

    @classmethod
    def weekdays(
        cls, first_day: dt.date, last_day: dt.date, closed: frozenset[dt.date] = frozenset()
    ) -> PlanningCalendar:
        """Monday to Friday, minus closed dates: the usual calendar and the tests' default."""
        count = (last_day - first_day).days + 1
        days = tuple(
            d
            for d in (first_day + dt.timedelta(days=n) for n in range(count))
            if d.isoweekday() <= 5 and d not in closed
        )
        return cls(first_day, last_day, days)

    @classmethod
    def from_working_days(
        cls, first_day: dt.date, last_day: dt.date, working_days: tuple[dt.date, ...]
    ) -> PlanningCalendar:
        """From a plant calendar's working days (`engines.calendar.working_time(...)`)."""
        return cls(first_day, last_day, tuple(sorted(set(working_days))))

    def index_on_or_before(self, day: dt.date) -> int:
        """Index of the working day on or before `day` (-1 if before the first one)."""
        return bisect.bisect_right(self.working_days, day) - 1

    def index_on_or_after(self, day: dt.date) -> int:
        """Index of the working day on or after `day` (len if after the last one)."""
        return bisect.bisect_left(self.working_days, day)

    def date_at(self, index: int) -> dt.date:
        """The working day at `index`; outside the calendar, counted as calendar days.

        Only past-due releases fall before the first working day, and they are flagged; they get
        an approximate date rather than a silent move to the first working day.
        """
        days = self.working_days
        if index < 0:
            return days[0] + dt.timedelta(days=index)
        if index >= len(days):
            return days[-1] + dt.timedelta(days=index - len(days) + 1)
        return days[index]


@dataclass(frozen=True, slots=True)
class MrpProblem:
    """One regenerative MRP run: everything it needs, and the policies that shape it.

    - Demand due after `horizon_end` is left out; demand due before `today` is past due and is
      planned for today.
    - A forecast is consumed by the sales orders of its item due from `forecast_days_before`
      calendar days before its date to `forecast_days_after` days after it, so the same demand is
      not counted twice; only the unconsumed rest of a forecast is planned.
    - Open supply due up to `reschedule_in_days` working days after a requirement covers it, with
      an expedite message, instead of a new order; supply first needed more than
      `defer_tolerance_days` after its due date gets a defer message.
    """

    today: dt.date
    horizon_end: dt.date
    calendar: PlanningCalendar
    items: tuple[Item, ...]
    bom_lines: tuple[BomLine, ...] = ()
    sales_demands: tuple[SalesDemand, ...] = ()
    forecasts: tuple[Forecast, ...] = ()
    scheduled_receipts: tuple[ScheduledReceipt, ...] = ()
    firm_planned_orders: tuple[FirmPlannedOrder, ...] = ()
    allocations: tuple[Allocation, ...] = ()
    forecast_days_before: int = 5
    forecast_days_after: int = 5
    reschedule_in_days: int = 10
    defer_tolerance_days: int = 5

    def __post_init__(self) -> None:
        if self.horizon_end < self.today:
            raise MrpProblemError("the planning horizon ends before today")
        cal = self.calendar
        if not cal.first_day <= self.today <= self.horizon_end <= cal.last_day:
            raise MrpProblemError(
                f"the calendar ({cal.first_day}..{cal.last_day}) must cover today "
                f"({self.today}) through the horizon end ({self.horizon_end})"
            )
        if cal.index_on_or_after(self.today) >= len(cal.working_days):
            raise MrpProblemError("the calendar has no working day from today on")
        for name in (
            "forecast_days_before",
            "forecast_days_after",
            "reschedule_in_days",
            "defer_tolerance_days",
        ):
            if getattr(self, name) < 0:
                raise MrpProblemError(f"{name} must not be negative")
