"""REST endpoints of the orders context: sales orders, purchase orders and forecasts.

Thin: each operation checks the caller's capability, then reads or calls `orders.services`.
Orders are addressed by id and carry their lines; customers, suppliers, items and locations are
named by their codes. Cancelling is an action (`POST .../cancel`), not a delete: orders are
history that MRP, costing and KPIs refer back to.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import FilterLookup, FilterSchema, Router, Schema, Status

from andon.accounts.permissions import require
from andon.accounts.roles import can
from andon.core.crud_api import Resources
from andon.core.errors import NotFound, Problem, ValidationFailed
from andon.inventory.api import MoveOut
from andon.inventory.lookups import item_by_sku, location_by_code, lot_by_code
from andon.inventory.models import StockMove
from andon.orders import services
from andon.orders.models import (
    Forecast,
    PurchaseOrder,
    PurchaseOrderLine,
    SalesOrder,
    SalesOrderLine,
)
from andon.partners.models import Customer, Supplier

router = Router(tags=["orders"])
CHANGE = "orders.change"
resources = Resources(router, __name__, CHANGE, can)


class LineIn(Schema):
    """An order line; give `line` to change an existing line in a PATCH, omit it to add one."""

    item: str
    quantity: Decimal
    due_date: dt.date | None = None
    unit_price: Decimal | None = None
    line: int | None = None


class LineOut(Schema):
    line: int
    item: str
    quantity: Decimal
    due_date: dt.date
    unit_price: Decimal | None
    open_quantity: Decimal

    @staticmethod
    def resolve_item(obj: SalesOrderLine | PurchaseOrderLine) -> str:
        return obj.item.sku


def _lines(entries: list[dict[str, Any]]) -> list[services.LineInput]:
    """Resolve item codes of every line (as the body gives them), reporting unknown ones by row."""
    problems: list[Problem] = []
    result: list[services.LineInput] = []
    for row, entry in enumerate(entries, start=1):
        try:
            item = item_by_sku(entry["item"])
        except ValidationFailed:
            problems.append(
                Problem(message=f"Unknown item {entry['item']!r}.", row=row, column="item")
            )
            continue
        result.append(
            services.LineInput(
                item=item, quantity=entry["quantity"], due_date=entry.get("due_date"),
                unit_price=entry.get("unit_price"), line=entry.get("line"),
            )
        )  # fmt: skip
    if problems:
        raise ValidationFailed("; ".join(str(p) for p in problems), problems, code="unknown_item")
    return result


def _entered(data: dict[str, Any], partner: type[Customer] | type[Supplier]) -> dict[str, Any]:
    """An order body with its partner and the items of its lines resolved from their codes."""
    values = dict(data)
    name = partner._meta.model_name or ""
    if name in values:
        values[name] = _partner(partner, values[name])
    if values.get("lines") is not None:
        values["lines"] = _lines(values["lines"])
    return values


def _changes(values: dict[str, Any]) -> dict[str, Any]:
    """An update's arguments: the header changes, and the lines if the body gives them."""
    lines = values.pop("lines", None)
    return {"changes": values, "lines": lines}


def _partner(model: type[Customer] | type[Supplier], code: str) -> Any:
    found = model.objects.filter(code=code).first()
    if found is None:
        what = model._meta.model_name or "partner"
        raise ValidationFailed(
            f"There is no {what} {code!r}.",
            [Problem(message=f"Unknown {what}.", column=what)],
            code=f"unknown_{what}",
        )
    return found


class DeliveryIn(Schema):
    """Goods shipped or received against one line, from or into a location (and lot)."""

    quantity: Decimal
    location: str
    lot: str | None = None
    expires_on: dt.date | None = None
    client_id: str | None = None


# --- sales orders -------------------------------------------------------------------------------


class SalesLineOut(LineOut):
    shipped_quantity: Decimal


class SalesOrderIn(Schema):
    customer: str
    order_date: dt.date
    lines: list[LineIn]
    number: str = ""
    customer_reference: str = ""


class SalesOrderPatch(Schema):
    customer: str | None = None
    order_date: dt.date | None = None
    number: str | None = None
    customer_reference: str | None = None
    lines: list[LineIn] | None = None


class SalesOrderOut(Schema):
    id: int
    number: str
    customer: str
    order_date: dt.date
    status: str
    customer_reference: str
    lines: list[SalesLineOut]

    @staticmethod
    def resolve_customer(obj: SalesOrder) -> str:
        return obj.customer.code

    @staticmethod
    def resolve_lines(obj: SalesOrder) -> list[SalesOrderLine]:
        return list(obj.lines.all())


class SalesOrderFilter(FilterSchema):
    q: Annotated[
        str | None, FilterLookup(["number__icontains", "customer_reference__icontains"])
    ] = None
    status: str | None = None
    customer: Annotated[str | None, FilterLookup("customer__code")] = None
    item: Annotated[str | None, FilterLookup("lines__item__sku")] = None
    due_before: Annotated[dt.date | None, FilterLookup("lines__due_date__lt")] = None


def _sales_orders() -> QuerySet[SalesOrder]:
    lines = SalesOrderLine.objects.select_related("item").order_by("line")
    return SalesOrder.objects.select_related("customer").prefetch_related(Prefetch("lines", lines))


def _sales_order(order_id: int) -> SalesOrder:
    order = _sales_orders().filter(pk=order_id).first()
    if order is None:
        raise NotFound(f"There is no sales order {order_id}.")
    return order


resources.add(
    "/sales-orders", "sales_order", "sales_orders", key=("order_id", int),
    schema_in=SalesOrderIn, schema_out=SalesOrderOut, filters=SalesOrderFilter,
    queryset=lambda: _sales_orders().order_by("-order_date", "number"), distinct=True,
    fetch=_sales_order, summaries={"list": "List sales orders with lines"}, patch=SalesOrderPatch,
    create=lambda user, data: _sales_order(
        services.create_sales_order(user, **_entered(data, Customer)).pk
    ),
    update=lambda user, order, data: _sales_order(
        services.update_sales_order(user, order, **_changes(_entered(data, Customer))).pk
    ),
)  # fmt: skip


@router.post(
    "/sales-orders/{order_id}/cancel", response=SalesOrderOut, summary="Cancel a sales order"
)
def cancel_sales_order(request: HttpRequest, order_id: int) -> SalesOrder:
    require(request, CHANGE)
    services.cancel_sales_order(request.user, _sales_order(order_id))
    return _sales_order(order_id)


@router.post(
    "/sales-orders/{order_id}/lines/{line}/shipments",
    response={201: MoveOut},
    summary="Ship part or all of a sales order line",
)
def ship_line(
    request: HttpRequest, order_id: int, line: int, payload: DeliveryIn
) -> Status[StockMove]:
    require(request, CHANGE)
    found = (
        SalesOrderLine.objects.select_related("item").filter(order_id=order_id, line=line).first()
    )
    if found is None:
        raise NotFound(f"Sales order {order_id} has no line {line}.")
    move = services.ship_sales_line(
        request.user, found, quantity=payload.quantity, location=location_by_code(payload.location),
        lot=lot_by_code(found.item, payload.lot), client_id=payload.client_id,
    )  # fmt: skip
    return Status(201, move)


# --- purchase orders ----------------------------------------------------------------------------


class PurchaseLineOut(LineOut):
    received_quantity: Decimal


class PurchaseOrderIn(Schema):
    supplier: str
    order_date: dt.date
    lines: list[LineIn]
    number: str = ""
    status: str = PurchaseOrder.Status.SENT


class PurchaseOrderPatch(Schema):
    supplier: str | None = None
    order_date: dt.date | None = None
    number: str | None = None
    status: str | None = None
    lines: list[LineIn] | None = None


class PurchaseOrderOut(Schema):
    id: int
    number: str
    supplier: str
    order_date: dt.date
    status: str
    lines: list[PurchaseLineOut]

    @staticmethod
    def resolve_supplier(obj: PurchaseOrder) -> str:
        return obj.supplier.code

    @staticmethod
    def resolve_lines(obj: PurchaseOrder) -> list[PurchaseOrderLine]:
        return list(obj.lines.all())


class PurchaseOrderFilter(FilterSchema):
    q: Annotated[str | None, FilterLookup("number__icontains")] = None
    status: str | None = None
    supplier: Annotated[str | None, FilterLookup("supplier__code")] = None
    item: Annotated[str | None, FilterLookup("lines__item__sku")] = None
    due_before: Annotated[dt.date | None, FilterLookup("lines__due_date__lt")] = None


def _purchase_orders() -> QuerySet[PurchaseOrder]:
    lines = PurchaseOrderLine.objects.select_related("item").order_by("line")
    return PurchaseOrder.objects.select_related("supplier").prefetch_related(
        Prefetch("lines", lines)
    )


def _purchase_order(order_id: int) -> PurchaseOrder:
    order = _purchase_orders().filter(pk=order_id).first()
    if order is None:
        raise NotFound(f"There is no purchase order {order_id}.")
    return order


resources.add(
    "/purchase-orders", "purchase_order", "purchase_orders", key=("order_id", int),
    schema_in=PurchaseOrderIn, schema_out=PurchaseOrderOut, filters=PurchaseOrderFilter,
    queryset=lambda: _purchase_orders().order_by("-order_date", "number"), distinct=True,
    fetch=_purchase_order, patch=PurchaseOrderPatch,
    create=lambda user, data: _purchase_order(
        services.create_purchase_order(user, **_entered(data, Supplier)).pk
    ),
    update=lambda user, order, data: _purchase_order(
        services.update_purchase_order(user, order, **_changes(_entered(data, Supplier))).pk
    ),
)  # fmt: skip


@router.post(
    "/purchase-orders/{order_id}/cancel",
    response=PurchaseOrderOut,
    summary="Cancel a purchase order",
)
def cancel_purchase_order(request: HttpRequest, order_id: int) -> PurchaseOrder:
    require(request, CHANGE)
    services.cancel_purchase_order(request.user, _purchase_order(order_id))
    return _purchase_order(order_id)


@router.post(
    "/purchase-orders/{order_id}/lines/{line}/receipts",
    response={201: MoveOut},
    summary="Receive goods against a purchase order line (idempotent by client_id)",
)
def receive_line(
    request: HttpRequest, order_id: int, line: int, payload: DeliveryIn
) -> Status[StockMove]:
    require(request, CHANGE)
    found = (
        PurchaseOrderLine.objects.select_related("item")
        .filter(order_id=order_id, line=line)
        .first()
    )
    if found is None:
        raise NotFound(f"Purchase order {order_id} has no line {line}.")
    move = services.receive_purchase_line(
        request.user, found, quantity=payload.quantity, location=location_by_code(payload.location),
        lot_code=payload.lot or "", expires_on=payload.expires_on, client_id=payload.client_id,
    )  # fmt: skip
    return Status(201, move)


# --- forecasts ----------------------------------------------------------------------------------


class ForecastIn(Schema):
    item: str
    date: dt.date
    quantity: Decimal


class ForecastPatch(Schema):
    date: dt.date | None = None
    quantity: Decimal | None = None


class ForecastOut(ForecastIn):
    id: int

    @staticmethod
    def resolve_item(obj: Forecast) -> str:
        return obj.item.sku


class ForecastFilter(FilterSchema):
    item: Annotated[str | None, FilterLookup("item__sku")] = None
    date_from: Annotated[dt.date | None, FilterLookup("date__gte")] = None
    date_to: Annotated[dt.date | None, FilterLookup("date__lte")] = None


def _forecast(forecast_id: int) -> Forecast:
    found = Forecast.objects.select_related("item__uom").filter(pk=forecast_id).first()
    if found is None:
        raise NotFound(f"There is no forecast {forecast_id}.")
    return found


resources.add(
    "/forecasts", "forecast", "forecasts", key=("forecast_id", int),
    schema_in=ForecastIn, schema_out=ForecastOut, filters=ForecastFilter, patch=ForecastPatch,
    queryset=lambda: Forecast.objects.select_related("item").order_by("date", "item__sku"),
    fetch=_forecast,
    create=lambda user, data: services.create_forecast(
        user, item=item_by_sku(data["item"]), date=data["date"], quantity=data["quantity"]
    ),
    update=lambda user, forecast, data: services.update_forecast(
        user, forecast, quantity=data.get("quantity"), date=data.get("date")
    ),
    delete=services.delete_forecast,
)  # fmt: skip
