"""Export: the database as the same files an import reads, in a stable order.

Rows are sorted by their natural key and every value is formatted the one way the importer reads
it, so exporting, importing into an empty database and exporting again gives identical bytes.
Open transactions only: sales orders still open, purchase orders not yet received or cancelled.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet

from andon.catalog.models import BomLine, Item, Operation, UnitOfMeasure
from andon.inventory.models import StockBalance
from andon.orders.models import Forecast, PurchaseOrderLine, SalesOrderLine
from andon.partners.models import Customer, Supplier, SupplierItem
from andon.people.models import Certification, Skill, Worker, WorkerCertification
from andon.plant.models import Calendar, Location, Shift, WorkCenter
from andon.transfer.formats import LIST, REF, Column, FileSpec, format_value
from andon.transfer.loading import REGISTRIES
from andon.transfer.sources import Tables
from andon.transfer.specs import OPEN_PO_STATUSES, SPECS


def _plain_rows(spec: FileSpec, objects: Iterable[Any]) -> list[list[str]]:
    """Columns read straight off the model; a reference shows the code of what it points to."""
    getters = [_getter(column) for column in spec.columns]
    return [[get(o) for get in getters] for o in objects]


def _getter(column: Column) -> Callable[[Any], str]:
    attr = column.attr
    if column.kind == REF:
        key = REGISTRIES[column.ref][1]

        def reference(o: Any) -> str:
            return getattr(getattr(o, attr), key) if getattr(o, attr + "_id") is not None else ""

        return reference
    if column.kind == LIST:
        # Lists are joined beforehand (see _calendars, _workers) as `_export_<column>`.
        return lambda o: str(getattr(o, "_export_" + attr))
    return lambda o: format_value(getattr(o, attr))


def _calendars() -> list[Any]:
    calendars = list(Calendar.objects.prefetch_related("shifts").order_by("code"))
    for calendar in calendars:
        shifts = ";".join(sorted(s.code for s in calendar.shifts.all()))
        setattr(calendar, "_export_shifts", shifts)  # noqa: B010
    return calendars


def _workers() -> list[Any]:
    certificates = WorkerCertification.objects.select_related("certification").order_by(
        "certification__code", "issued_on"
    )
    workers = list(
        Worker.objects.select_related("shift")
        .prefetch_related("skill_levels__skill", Prefetch("certifications", certificates))
        .order_by("code")
    )
    for worker in workers:
        levels = sorted((s.skill.code, s.level) for s in worker.skill_levels.all())
        setattr(worker, "_export_skills", ";".join(f"{c}:{n}" for c, n in levels))  # noqa: B010
        certificates_text = ";".join(
            f"{c.certification.code}:{c.issued_on.isoformat()}/"
            + (c.expires_on.isoformat() if c.expires_on else "")
            for c in worker.certifications.all()
        )
        setattr(worker, "_export_certifications", certificates_text)  # noqa: B010
    return workers


def _formatted(rows: QuerySet[Any], *fields: str) -> list[list[str]]:
    """The fields of each row as the import reads them back."""
    return [[format_value(v) for v in values] for values in rows.values_list(*fields)]


def _bom_rows() -> list[list[str]]:
    lines = BomLine.objects.order_by("parent__sku", "position", "component__sku", "pk")
    return _formatted(
        lines,
        "parent__sku",
        "component__sku",
        "quantity",
        "scrap_percent",
        "position",
        "valid_from",
        "valid_to",
        "operation_sequence",
    )


def _stock_rows() -> list[list[str]]:
    balances = StockBalance.objects.exclude(quantity=0).order_by(
        "item__sku", "location__code", "lot__code"
    )
    return _formatted(balances, "item__sku", "location__code", "lot__code", "quantity")


def _sales_rows() -> list[list[str]]:
    lines = SalesOrderLine.objects.filter(order__status="open").order_by("order__number", "line")
    return _formatted(
        lines,
        "order__number",
        "order__customer__code",
        "line",
        "item__sku",
        "quantity",
        "due_date",
        "order__order_date",
        "shipped_quantity",
        "unit_price",
        "order__customer_reference",
    )


def _purchase_rows() -> list[list[str]]:
    lines = PurchaseOrderLine.objects.filter(order__status__in=OPEN_PO_STATUSES).order_by(
        "order__number", "line"
    )
    return _formatted(
        lines,
        "order__number",
        "order__supplier__code",
        "line",
        "item__sku",
        "quantity",
        "due_date",
        "order__order_date",
        "order__status",
        "received_quantity",
        "unit_price",
    )


def _by_spec(name: str) -> FileSpec:
    return next(s for s in SPECS if s.name == name)


EXPORTERS: dict[str, Callable[[], list[list[str]]]] = {
    "units": lambda: _plain_rows(_by_spec("units"), UnitOfMeasure.objects.order_by("code")),
    "shifts": lambda: _plain_rows(_by_spec("shifts"), Shift.objects.order_by("code")),
    "calendars": lambda: _plain_rows(_by_spec("calendars"), _calendars()),
    "work_centers": lambda: _plain_rows(
        _by_spec("work_centers"), WorkCenter.objects.select_related("calendar").order_by("code")
    ),
    "skills": lambda: _plain_rows(_by_spec("skills"), Skill.objects.order_by("code")),
    "certifications": lambda: _plain_rows(
        _by_spec("certifications"), Certification.objects.order_by("code")
    ),
    "items": lambda: _plain_rows(_by_spec("items"), Item.objects.select_related("uom")),
    "bom": _bom_rows,
    "routings": lambda: _plain_rows(
        _by_spec("routings"),
        Operation.objects.select_related("item", "work_center", "skill", "certification").order_by(
            "item__sku", "sequence"
        ),
    ),
    "workers": lambda: _plain_rows(_by_spec("workers"), _workers()),
    "customers": lambda: _plain_rows(_by_spec("customers"), Customer.objects.order_by("code")),
    "suppliers": lambda: _plain_rows(_by_spec("suppliers"), Supplier.objects.order_by("code")),
    "supplier_items": lambda: _plain_rows(
        _by_spec("supplier_items"),
        SupplierItem.objects.select_related("supplier", "item").order_by(
            "supplier__code", "item__sku"
        ),
    ),
    "locations": lambda: _plain_rows(
        _by_spec("locations"), Location.objects.select_related("parent").order_by("code")
    ),
    "stock": _stock_rows,
    "sales_orders": _sales_rows,
    "purchase_orders": _purchase_rows,
    "forecasts": lambda: _plain_rows(
        _by_spec("forecasts"), Forecast.objects.select_related("item").order_by("item__sku", "date")
    ),
}


def export_tables(progress: Callable[[str], None] | None = None) -> Tables:
    """Every file, header first, even when it has no rows (an empty BOM is still a BOM)."""
    tables: Tables = []
    for spec in SPECS:
        tables.append((spec.name, spec.header, EXPORTERS[spec.name]()))
        if progress is not None:
            progress(spec.name)
    return tables
