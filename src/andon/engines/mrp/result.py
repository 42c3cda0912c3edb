"""What MRP answers: planned orders with their pegging, exception messages and a status.

The result is columnar where it is large. A 100,000-item plant yields hundreds of thousands of
planned orders and millions of pegs; building an object per peg would cost more than planning, so
pegs are kept as compact rows and turned into `Peg` objects only when someone asks for an order's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple, overload

from andon.engines.mrp.model import Procurement


class MrpStatus(StrEnum):
    OK = "ok"
    ERROR = "error"


class PegKind(StrEnum):
    """What a quantity of supply serves."""

    SALES_ORDER = "sales_order"
    FORECAST = "forecast"
    PARENT_ORDER = "parent_order"
    """Dependent demand: a parent's planned or firm planned order (`ref` is its number)."""
    ALLOCATION = "allocation"
    """Components of an open work order not yet issued (`ref` is the work order)."""
    SAFETY_STOCK = "safety_stock"
    EXCESS = "excess"
    """Lot-size excess: what the order brings beyond every requirement in the horizon."""


class Peg(NamedTuple):
    """`quantity` of an order serves this: a demand id, or a parent order's number."""

    kind: PegKind
    ref: str | int
    quantity: float


class PlannedOrder(NamedTuple):
    """A planned (or firm planned) order: make or buy `quantity` of `item`, released, then due.

    `number` is the order's index in `MrpResult.planned_orders`. `id` is set for firm planned
    orders (the planner's own), empty for new ones. `past_due` means the release date is before
    today: the order cannot arrive on time unless someone acts now.
    """

    number: int
    item: str
    kind: Procurement
    quantity: float
    release: dt.date
    due: dt.date
    firm: bool
    id: str
    past_due: bool


class OrderTable(Sequence[PlannedOrder]):
    """The planned orders as columns; indexing builds one `PlannedOrder` at a time.

    A database writer reads the columns directly; a page that shows twenty orders builds twenty
    objects, not half a million.
    """

    __slots__ = ("due", "firm_ids", "item", "kind", "past_due", "quantity", "release")

    def __init__(
        self,
        item: tuple[str, ...],
        kind: tuple[Procurement, ...],
        quantity: tuple[float, ...],
        release: tuple[dt.date, ...],
        due: tuple[dt.date, ...],
        firm_ids: tuple[str, ...],
        past_due: tuple[bool, ...],
    ) -> None:
        self.item = item
        self.kind = kind
        self.quantity = quantity
        self.release = release
        self.due = due
        self.firm_ids = firm_ids
        self.past_due = past_due

    def __len__(self) -> int:
        return len(self.item)

    @overload
    def __getitem__(self, index: int) -> PlannedOrder: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[PlannedOrder, ...]: ...

    def __getitem__(self, index: int | slice) -> PlannedOrder | tuple[PlannedOrder, ...]:
        if isinstance(index, slice):
            return tuple(self[k] for k in range(*index.indices(len(self))))
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        oid = self.firm_ids[index]
        return PlannedOrder(
            index,
            self.item[index],
            self.kind[index],
            self.quantity[index],
            self.release[index],
            self.due[index],
            bool(oid),
            oid,
            self.past_due[index],
        )


EMPTY_ORDERS = OrderTable((), (), (), (), (), (), ())


class ExceptionKind(StrEnum):
    EXPEDITE = "expedite"
    """Open supply is due after it is needed: bring it in to `suggested`."""
    DEFER = "defer"
    """Open supply is due well before it is needed: push it out to `suggested`."""
    CANCEL = "cancel"
    """Open supply is not needed within the horizon."""
    PAST_DUE_RELEASE = "past_due_release"
    """A planned order should have been released before today."""
    SHORTAGE = "shortage"
    """A sales order cannot be met on its due date; `days_late` working days late."""


class MrpException(NamedTuple):
    """An action message for the planner, naming the item and the order or demand concerned."""

    kind: ExceptionKind
    item: str
    ref: str
    """The scheduled receipt, firm order or sales order id, or the planned order's number."""
    date: dt.date
    """The current date of the supply (due or release), or the sales order's due date."""
    suggested: dt.date | None
    days_late: int
    message: str


@dataclass(frozen=True, slots=True)
class MrpResult:
    """The plan, or the reasons there is none (`status` ERROR with `errors`).

    `peg_rows[n]` holds order n's pegs as (source, quantity) pairs, where a source >= 0 is a
    parent order number and a negative source -1-k is `demand_refs[k]`; use `pegs(n)`.
    `warnings` name data that was planned around (a make item without BOM, demand beyond the
    horizon) and never stop the run.
    """

    status: MrpStatus
    errors: tuple[str, ...]
    warnings: tuple[str, ...]
    planned_orders: OrderTable
    exceptions: tuple[MrpException, ...]
    low_level_codes: dict[str, int]
    items_processed: tuple[str, ...]
    """Items in the order they were netted: ascending low-level code, each exactly once."""
    peg_rows: tuple[tuple[tuple[int, float], ...], ...]
    demand_refs: tuple[tuple[PegKind, str], ...]

    def pegs(self, number: int) -> tuple[Peg, ...]:
        """What order `number` serves, its quantities summing to the order's quantity."""
        out = []
        for source, quantity in self.peg_rows[number]:
            if source >= 0:
                out.append(Peg(PegKind.PARENT_ORDER, source, quantity))
            else:
                kind, ref = self.demand_refs[-1 - source]
                out.append(Peg(kind, ref, quantity))
        return tuple(out)

    def orders_for(self, item: str) -> tuple[PlannedOrder, ...]:
        orders = self.planned_orders
        return tuple(orders[n] for n, name in enumerate(orders.item) if name == item)


def error_result(errors: list[str], warnings: list[str]) -> MrpResult:
    """A result that plans nothing, so a caller can never publish a half-made plan."""
    return MrpResult(
        status=MrpStatus.ERROR,
        errors=tuple(errors),
        warnings=tuple(warnings),
        planned_orders=EMPTY_ORDERS,
        exceptions=(),
        low_level_codes={},
        items_processed=(),
        peg_rows=(),
        demand_refs=(),
    )
