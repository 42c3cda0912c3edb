"""The demo plant as plain data: what the generator builds and the loader writes.

Records refer to each other by their natural keys (codes, SKUs, order numbers), never by database
ids, so a plant can be generated, compared and tested without a database, and written in bulk.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


def money(value: float) -> Decimal:
    """Prices and rates with cents (sub-cent prices keep four places, e.g. grease per gram)."""
    return Decimal(f"{value:.2f}") if value >= 1 else Decimal(f"{value:.4f}")


@dataclass(frozen=True)
class Size:
    """How big a demo plant is; the counts are targets the generator lands close to."""

    name: str
    bom_levels: int  # levels 0 .. bom_levels-1; the deepest holds only bought items
    make_per_level: tuple[int, ...]  # make items on levels 0 .. bom_levels-2
    buy_items: int
    assembly_lines: tuple[int, int]  # BOM lines per assembly (make items above the part level)
    make_children: tuple[int, int]  # of which made components
    work_centers: int
    workers: int
    customers: int
    suppliers: int
    sales_orders: int
    purchase_orders: int
    bins_per_zone: int


SIZES: dict[str, Size] = {
    "small": Size(
        name="small",
        bom_levels=4,
        make_per_level=(16, 30, 44),
        buy_items=60,
        assembly_lines=(3, 6),
        make_children=(1, 3),
        work_centers=12,
        workers=40,
        customers=15,
        suppliers=10,
        sales_orders=60,
        purchase_orders=20,
        bins_per_zone=6,
    ),
    "medium": Size(
        name="medium",
        bom_levels=5,
        make_per_level=(120, 260, 380, 440),
        buy_items=800,
        assembly_lines=(3, 8),
        make_children=(1, 3),
        work_centers=40,
        workers=150,
        customers=60,
        suppliers=35,
        sales_orders=500,
        purchase_orders=150,
        bins_per_zone=20,
    ),
    "large": Size(
        name="large",
        bom_levels=10,
        make_per_level=(1000, 1200, 1400, 1500, 1600, 1700, 1800, 1900, 2000),
        buy_items=5900,
        assembly_lines=(5, 12),
        make_children=(2, 4),
        work_centers=200,
        workers=800,
        customers=300,
        suppliers=150,
        sales_orders=4000,
        purchase_orders=1200,
        bins_per_zone=60,
    ),
}


@dataclass
class UnitSpec:
    code: str
    name: str
    dimension: str
    ratio_to_base: Decimal
    whole_numbers: bool


@dataclass
class ShiftSpec:
    code: str
    name: str
    start: dt.time
    end: dt.time
    weekdays: str
    break_minutes: int


@dataclass
class CalendarSpec:
    code: str
    name: str
    shifts: list[str]
    closed: list[tuple[dt.date, str]]  # holidays and shutdown days


@dataclass
class WorkCenterSpec:
    code: str
    name: str
    kind: str  # key into the work-center vocabulary: which operations it can run
    line: str
    capacity: int
    calendar: str
    cost_rate: Decimal
    efficiency_percent: Decimal


@dataclass
class LocationSpec:
    code: str
    name: str
    kind: str
    parent: str | None
    nettable: bool = True


@dataclass
class WorkerSpec:
    code: str
    name: str
    shift: str
    hourly_rate: Decimal
    badge: str
    skills: list[tuple[str, int]]  # (skill code, level)
    certificates: list[tuple[str, dt.date, dt.date | None]]  # (code, issued, expires)


@dataclass
class ItemSpec:
    sku: str
    name: str
    category: str
    uom: str
    procurement: str  # "make" or "buy"
    level: int  # BOM level it was made for (0 = finished good); -1: bought, usable on any level
    family: str
    kind: str  # finished, assembly, part, or a bought kind (raw, component, consumable)
    lead_time_days: int
    lot_size_rule: str = "lot_for_lot"
    lot_size: Decimal | None = None
    min_qty: Decimal = Decimal("0")
    max_qty: Decimal | None = None
    multiple: Decimal = Decimal("0")
    order_cost: Decimal = Decimal("0")
    safety_stock: Decimal = Decimal("0")
    standard_cost: Decimal = Decimal("0")
    lot_tracked: bool = False
    shelf_life_days: int | None = None


@dataclass
class BomLineSpec:
    parent: str
    component: str
    position: int
    quantity: Decimal
    scrap_percent: Decimal
    operation_sequence: int | None


@dataclass
class OperationSpec:
    item: str
    sequence: int
    name: str
    work_center: str
    setup_minutes: Decimal
    run_minutes_per_unit: Decimal
    setup_family: str
    skill: str | None
    skill_level: int
    crew_size: int
    certification: str | None
    alternatives: list[tuple[str, Decimal | None]] = field(default_factory=list)


@dataclass
class PartnerSpec:
    code: str
    name: str
    email: str
    phone: str
    address: str
    country: str
    priority: int = 1  # customers only


@dataclass
class SupplierItemSpec:
    supplier: str
    item: str
    supplier_sku: str
    lead_time_days: int
    price: Decimal
    min_order_qty: Decimal
    preferred: bool


@dataclass
class StockSpec:
    """An opening balance: one OPENING move and the balance it creates."""

    item: str
    location: str
    lot: str | None
    quantity: Decimal
    lot_expires_on: dt.date | None = None
    supplier_lot: str = ""


@dataclass
class OrderLineSpec:
    line: int
    item: str
    quantity: Decimal
    done_quantity: Decimal  # shipped (sales) or received (purchase) so far
    due_date: dt.date
    unit_price: Decimal


@dataclass
class OrderSpec:
    number: str
    partner: str
    order_date: dt.date
    status: str
    reference: str
    lines: list[OrderLineSpec]


@dataclass
class ForecastSpec:
    item: str
    date: dt.date
    quantity: Decimal


@dataclass
class HistoryOperationSpec:
    """One routing step of a past (or running) work order, on the work center it ran on."""

    sequence: int
    name: str
    work_center: str
    setup_minutes: Decimal
    run_minutes_per_unit: Decimal


@dataclass
class HistoryOrderSpec:
    """A work order of the production history: completed, or still in progress today."""

    number: str
    item: str
    quantity: Decimal
    due_date: dt.date
    status: str  # "completed" or "in_progress"
    released_at: dt.datetime  # plant-local, naive
    completed_at: dt.datetime | None
    operations: list[HistoryOperationSpec]


@dataclass
class EventSpec:
    """One shop-floor event of the history, in plant-local (naive) time.

    `operation` is the sequence within `order`; both are empty for a machine-level downtime.
    """

    kind: str
    at: dt.datetime
    work_center: str
    order: str = ""
    operation: int | None = None
    good: Decimal = Decimal("0")
    scrap: Decimal = Decimal("0")
    reason: str = ""
    downtime_class: str = ""


@dataclass
class DemoPlant:
    """Everything the demo writes, in the order it has to be written."""

    company: str
    size: str
    seed: int
    today: dt.date
    units: list[UnitSpec] = field(default_factory=list)
    shifts: list[ShiftSpec] = field(default_factory=list)
    calendars: list[CalendarSpec] = field(default_factory=list)
    work_centers: list[WorkCenterSpec] = field(default_factory=list)
    locations: list[LocationSpec] = field(default_factory=list)
    skills: list[tuple[str, str]] = field(default_factory=list)  # (code, name)
    certifications: list[tuple[str, str, int | None]] = field(default_factory=list)
    workers: list[WorkerSpec] = field(default_factory=list)
    items: list[ItemSpec] = field(default_factory=list)
    bom_lines: list[BomLineSpec] = field(default_factory=list)
    operations: list[OperationSpec] = field(default_factory=list)
    customers: list[PartnerSpec] = field(default_factory=list)
    suppliers: list[PartnerSpec] = field(default_factory=list)
    supplier_items: list[SupplierItemSpec] = field(default_factory=list)
    stock: list[StockSpec] = field(default_factory=list)
    sales_orders: list[OrderSpec] = field(default_factory=list)
    forecasts: list[ForecastSpec] = field(default_factory=list)
    purchase_orders: list[OrderSpec] = field(default_factory=list)
    work_orders: list[HistoryOrderSpec] = field(default_factory=list)
    events: list[EventSpec] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Rows per kind of record, for the audit entry and the summary the command prints."""
        return {
            "work_centers": len(self.work_centers),
            "locations": len(self.locations),
            "workers": len(self.workers),
            "items": len(self.items),
            "bom_lines": len(self.bom_lines),
            "operations": len(self.operations),
            "customers": len(self.customers),
            "suppliers": len(self.suppliers),
            "supplier_items": len(self.supplier_items),
            "stock_balances": len(self.stock),
            "sales_orders": len(self.sales_orders),
            "sales_order_lines": sum(len(o.lines) for o in self.sales_orders),
            "forecasts": len(self.forecasts),
            "purchase_orders": len(self.purchase_orders),
            "purchase_order_lines": sum(len(o.lines) for o in self.purchase_orders),
            "work_orders": len(self.work_orders),
            "production_events": len(self.events),
        }
