"""Every importable file and its columns, in the order an import loads them.

The order follows the references: a file only refers to files above it (or to itself, for
location parents), so one pass from top to bottom can resolve every reference either to a row of
the same import or to a record already in the database.
"""

from andon.catalog.models import Item, UnitOfMeasure
from andon.orders.models import PurchaseOrder
from andon.plant.models import Location
from andon.transfer.formats import (
    BOOL,
    CHOICE,
    DATE,
    DECIMAL,
    INTEGER,
    LIST,
    REF,
    TIME,
    Column,
    FileSpec,
)


def _choices(enum: type) -> tuple[str, ...]:
    return tuple(str(v) for v in enum.values)  # type: ignore[attr-defined]


OPEN_PO_STATUSES = (
    PurchaseOrder.Status.DRAFT.value,
    PurchaseOrder.Status.SENT.value,
    PurchaseOrder.Status.CONFIRMED.value,
)


def _code(help_: str, example: str) -> Column:
    return Column("code", required=True, help=help_, example=example)


def _name(example: str) -> Column:
    return Column("name", required=True, help="Display name.", example=example)


def _active() -> Column:
    return Column("active", BOOL, help="false retires it (default true).", example="true")


SPECS: tuple[FileSpec, ...] = (
    FileSpec("units", key=("code",), help="Units of measure.", columns=(
        _code("Unit code, as items refer to it.", "kg"),
        _name("Kilogram"),
        Column("dimension", CHOICE, required=True, choices=_choices(UnitOfMeasure.Dimension),
               help="What it measures.", example="mass"),
        Column("ratio_to_base", DECIMAL, help="Base units of the dimension in one of this unit "
               "(default 1).", example="0.001"),
        Column("whole_numbers", BOOL, help="Only whole quantities make sense.", example="false"),
    )),
    FileSpec("shifts", key=("code",), help="Recurring working periods.", columns=(
        _code("Shift code.", "EARLY"),
        _name("Early shift"),
        Column("start_time", TIME, required=True, help="HH:MM.", example="06:00"),
        Column("end_time", TIME, required=True, help="HH:MM; before the start: past midnight.",
               example="14:00"),
        Column("weekdays", help="ISO weekday digits the shift starts on, 1 = Monday "
               "(default 12345).", example="12345"),
        Column("break_minutes", INTEGER, help="Unpaid break (default 0).", example="30"),
    )),
    FileSpec("calendars", key=("code",), help="Working calendars made of shifts.", columns=(
        _code("Calendar code, as work centers refer to it.", "2SHIFT"),
        _name("Two shifts, Mon-Fri"),
        Column("shifts", LIST, ref="shifts", help="Shift codes separated by `;` (replaces the "
               "calendar's shifts).", example="EARLY;LATE"),
    )),
    FileSpec("work_centers", key=("code",), help="Machines or stations routings load.", columns=(
        _code("Work center code.", "CNC1"),
        _name("CNC mill"),
        Column("capacity", INTEGER, help="Machines working in parallel (default 1).", example="2"),
        Column("calendar", REF, required=True, ref="calendars", help="Calendar code.",
               example="2SHIFT"),
        Column("line", help="Production line or area.", example="Machining"),
        Column("cost_rate", DECIMAL, help="Cost per running hour.", example="85"),
        Column("efficiency_percent", DECIMAL, help="Default 100.", example="95"),
        Column("description", help="Free text.", example=""),
        _active(),
    )),
    FileSpec("skills", key=("code",), help="Skills operations need and workers have.", columns=(
        _code("Skill code.", "weld"),
        _name("Welding"),
    )),
    FileSpec("certifications", key=("code",), help="Certificates that expire.", columns=(
        _code("Certification code.", "FORKLIFT"),
        _name("Forklift licence"),
        Column("validity_months", INTEGER, help="Default validity; empty: no expiry.",
               example="24"),
    )),
    FileSpec("items", key=("sku",), help="Parts, materials and products.", columns=(
        Column("sku", required=True, help="Stock keeping unit, the item's code.", example="P-100"),
        Column("name", required=True, help="Display name.", example="Pump assembly"),
        Column("uom", REF, required=True, ref="units", help="Unit code (units.csv or existing).",
               example="pcs"),
        Column("procurement", CHOICE, required=True, choices=_choices(Item.Procurement),
               help="Made here or bought.", example="make"),
        Column("lead_time_days", INTEGER, help="Default 0.", example="5"),
        Column("lot_size_rule", CHOICE, choices=_choices(Item.LotSizeRule),
               help="Default lot_for_lot.", example="fixed"),
        Column("lot_size", DECIMAL, help="Fixed quantity, or days of supply for `period`.",
               example="50"),
        Column("min_qty", DECIMAL, help="Minimum order quantity (default 0).", example="0"),
        Column("max_qty", DECIMAL, help="Maximum, needed by `min_max`.", example=""),
        Column("multiple", DECIMAL, help="Order multiple; 0 for none.", example="10"),
        Column("safety_stock", DECIMAL, help="Default 0.", example="20"),
        Column("standard_cost", DECIMAL, help="Cost of one unit.", example="125.5"),
        Column("order_cost", DECIMAL, help="Cost of one order (EOQ).", example="40"),
        Column("holding_rate_percent", DECIMAL, help="Yearly holding cost % (default 20).",
               example="20"),
        Column("category", help="Free grouping.", example="Pumps"),
        Column("description", help="Free text.", example=""),
        Column("lot_tracked", BOOL, help="Stock is kept by lot.", example="false"),
        Column("allow_negative_stock", BOOL, help="Default false.", example="false"),
        _active(),
    )),
    FileSpec("bom", key=("parent_sku", "component_sku", "position"),
             help="Bills of materials; replaces the whole BOM of every parent in the file.",
             columns=(
        Column("parent_sku", REF, required=True, ref="items", help="The item made.",
               example="PUMP-100"),
        Column("component_sku", REF, required=True, ref="items", help="The item consumed.",
               example="SHAFT-20"),
        Column("quantity", DECIMAL, required=True, help="Per one unit of the parent; > 0.",
               example="2"),
        Column("scrap_percent", DECIMAL, help="0 to 99.99 (default 0).", example="1.5"),
        Column("position", INTEGER, help="Order of lines (default 10, 20, ...).", example="10"),
        Column("valid_from", DATE, help="First day the line applies.", example="2026-01-01"),
        Column("valid_to", DATE, help="Last day the line applies.", example=""),
        Column("operation_sequence", INTEGER, help="Routing step that consumes it.", example="20"),
    )),
    FileSpec("routings", key=("sku", "sequence"),
             help="Routings; replaces the operations of every item in the file.", columns=(
        Column("sku", REF, required=True, ref="items", field="item", help="The item made.",
               example="PUMP-100"),
        Column("sequence", INTEGER, required=True, help="Step number, unique per item.",
               example="10"),
        Column("work_center", REF, required=True, ref="work_centers", help="Work center code.",
               example="CNC1"),
        Column("setup_minutes", DECIMAL, help="Default 0.", example="30"),
        Column("run_minutes_per_unit", DECIMAL, required=True, help="Minutes per unit.",
               example="2.5"),
        Column("skill", REF, ref="skills", help="Skill code the crew needs.", example="weld"),
        Column("skill_level", INTEGER, help="1 to 5 (default 1).", example="2"),
        Column("crew_size", INTEGER, help="Workers needed (default 1).", example="1"),
        Column("name", help="Operation name.", example="Mill housing"),
        Column("setup_family", help="Operations of one family share setups.", example="ALU"),
        Column("certification", REF, ref="certifications", help="Certification code needed.",
               example=""),
        Column("instructions", help="Free text.", example=""),
    )),
    FileSpec("workers", key=("code",), help="The crew.", columns=(
        _code("Worker code.", "W042"),
        _name("Ana Lima"),
        Column("shift", REF, ref="shifts", help="Shift code.", example="EARLY"),
        Column("skills", LIST, ref="skills", help="`skill:level` separated by `;` (replaces the "
               "worker's skills).", example="weld:3;assemble:2"),
        Column("certifications", LIST, ref="certifications",
               help="`CODE:expires`, `CODE:issued/expires` or `CODE:issued/` separated by `;` "
               "(replaces the worker's certificates).", example="FORKLIFT:2025-06-01/2027-05-31"),
        Column("hourly_rate", DECIMAL, help="Labour cost per hour.", example="32"),
        Column("badge", help="Badge id for scanners.", example="B-1042"),
        _active(),
    )),
    FileSpec("customers", key=("code",), help="Who the plant delivers to.", columns=(
        _code("Customer code.", "ACME"),
        _name("Acme Industrial"),
        Column("priority", INTEGER, help="1 normal, higher is more important.", example="1"),
        Column("email", help="Contact e-mail.", example="orders@acme.example"),
        Column("phone", help="Phone.", example=""),
        Column("address", help="Postal address.", example=""),
        Column("country", help="ISO 3166 code.", example="DE"),
        _active(),
    )),
    FileSpec("suppliers", key=("code",), help="Who the plant buys from.", columns=(
        _code("Supplier code.", "STEELCO"),
        _name("Steel Co"),
        Column("email", help="Contact e-mail.", example=""),
        Column("phone", help="Phone.", example=""),
        Column("address", help="Postal address.", example=""),
        Column("country", help="ISO 3166 code.", example="FR"),
        _active(),
    )),
    FileSpec("supplier_items", key=("supplier", "sku"), help="Which supplier sells which item.",
             columns=(
        Column("supplier", REF, required=True, ref="suppliers", help="Supplier code.",
               example="STEELCO"),
        Column("sku", REF, required=True, ref="items", field="item", help="Item SKU.",
               example="SHAFT-20"),
        Column("lead_time_days", INTEGER, help="Overrides the item's lead time.", example="10"),
        Column("price", DECIMAL, help="Unit price.", example="4.2"),
        Column("min_order_qty", DECIMAL, help="Default 0.", example="100"),
        Column("preferred", BOOL, help="MRP buys from the preferred source.", example="true"),
        Column("supplier_sku", help="The supplier's own part number.", example="ST-20-A"),
    )),
    FileSpec("locations", key=("code",), help="Where stock is kept.", columns=(
        _code("Location code.", "WH-A1"),
        _name("Aisle A, bin 1"),
        Column("kind", CHOICE, choices=_choices(Location.Kind), help="Default warehouse.",
               example="bin"),
        Column("parent", REF, ref="locations", help="Enclosing location code (may be in the "
               "same file).", example="WH"),
        Column("nettable", BOOL, help="Stock here counts for MRP (default true).", example="true"),
    )),
    FileSpec("stock", key=("sku", "location", "lot"),
             help="On-hand quantities; a difference to the current balance is posted as an "
             "adjustment move with reason `import`.", columns=(
        Column("sku", REF, required=True, ref="items", help="Item SKU.", example="SHAFT-20"),
        Column("location", REF, required=True, ref="locations", help="Location code.",
               example="WH"),
        Column("lot", help="Lot code (created if new); empty: no lot.", example="L2026-014"),
        Column("quantity", DECIMAL, required=True, help="On hand after the import; >= 0.",
               example="120"),
    )),
    FileSpec("sales_orders", key=("order_number", "line"),
             help="Open sales orders; rows with the same order number are its lines.", columns=(
        Column("order_number", required=True, help="Order number.", example="SO-1001"),
        Column("customer", REF, required=True, ref="customers", help="Customer code.",
               example="ACME"),
        Column("line", INTEGER, help="Line number (default 1, 2, ... in file order).",
               example="1"),
        Column("sku", REF, required=True, ref="items", help="Item SKU.", example="PUMP-100"),
        Column("quantity", DECIMAL, required=True, help="Ordered; > 0.", example="25"),
        Column("due_date", DATE, required=True, help="YYYY-MM-DD.", example="2026-03-15"),
        Column("order_date", DATE, help="YYYY-MM-DD (default today for a new order).",
               example="2026-02-01"),
        Column("shipped_quantity", DECIMAL, help="Already shipped (default 0).", example="0"),
        Column("unit_price", DECIMAL, help="Price per unit.", example="310"),
        Column("customer_reference", help="The customer's PO number.", example="PO-88"),
    )),
    FileSpec("purchase_orders", key=("order_number", "line"),
             help="Open purchase orders; rows with the same order number are its lines.",
             columns=(
        Column("order_number", required=True, help="Order number.", example="PO-2001"),
        Column("supplier", REF, required=True, ref="suppliers", help="Supplier code.",
               example="STEELCO"),
        Column("line", INTEGER, help="Line number (default 1, 2, ... in file order).",
               example="1"),
        Column("sku", REF, required=True, ref="items", help="Item SKU.", example="SHAFT-20"),
        Column("quantity", DECIMAL, required=True, help="Ordered; > 0.", example="500"),
        Column("due_date", DATE, required=True, help="YYYY-MM-DD.", example="2026-02-20"),
        Column("order_date", DATE, help="YYYY-MM-DD (default today for a new order).",
               example="2026-02-01"),
        Column("status", CHOICE, choices=OPEN_PO_STATUSES, help="Default sent.", example="sent"),
        Column("received_quantity", DECIMAL, help="Already received (default 0).", example="0"),
        Column("unit_price", DECIMAL, help="Price per unit.", example="4.2"),
    )),
    FileSpec("forecasts", key=("sku", "date"), help="Expected demand per item and date.",
             columns=(
        Column("sku", REF, required=True, ref="items", field="item", help="Item SKU.",
               example="PUMP-100"),
        Column("date", DATE, required=True, help="YYYY-MM-DD.", example="2026-04-01"),
        Column("quantity", DECIMAL, required=True, help="Expected demand; > 0.", example="40"),
    )),
)  # fmt: skip

BY_NAME: dict[str, FileSpec] = {spec.name: spec for spec in SPECS}
LOAD_ORDER: dict[str, int] = {spec.name: i for i, spec in enumerate(SPECS)}
