"""REST endpoints of shop-floor execution: work orders, the events batch and lot tracing.

Thin: each operation checks the caller's capability, names records by their codes and calls the
services. `POST /events` answers 200 with one result per event (accepted, duplicate, rejected):
a bad event never fails the batch.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, FilterLookup, FilterSchema, PatchDict, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from andon.accounts.permissions import require
from andon.core.errors import NotFound, ValidationFailed
from andon.core.pagination import Pagination
from andon.core.schemas import related
from andon.inventory.lookups import item_by_sku, location_by_code, lot_by_code
from andon.inventory.models import Lot
from andon.orders.models import SalesOrderLine
from andon.production import events, genealogy, materials, reasons, services
from andon.production.models import OPEN_STATUSES, ProductionEvent, ReasonCode, WorkOrder
from andon.production.roles import MANAGE, REPORT

router = Router(tags=["production"])
# Ids beyond what the databases store answer 422, not a server error.
ReasonId = Annotated[int, Path(ge=1, le=2**53)]
MAX_BATCH = 500


# --- work orders ------------------------------------------------------------------------------


class OperationOut(Schema):
    sequence: int
    name: str
    work_center: str = Field(alias="work_center.code")
    status: str
    setup_minutes: Decimal
    run_minutes_per_unit: Decimal
    good_quantity: Decimal
    scrap_quantity: Decimal
    rework_quantity: Decimal
    actual_start: dt.datetime | None
    actual_end: dt.datetime | None
    setup_seconds: int
    processing_seconds: int
    delay_seconds: int
    down_seconds: int
    labour_seconds: int


class MaterialOut(Schema):
    component: str = Field(alias="component.sku")
    operation_sequence: int | None
    quantity_per: Decimal
    required_quantity: Decimal
    issued_quantity: Decimal
    reserved_quantity: Decimal
    backflush: bool


class WorkOrderOut(Schema):
    number: str
    item: str = Field(alias="item.sku")
    quantity: Decimal
    due_date: dt.date
    status: str
    source: str
    sales_order_line: str | None
    planned_order_ref: str
    supply_location: str = Field(alias="supply_location.code")
    output_location: str = Field(alias="output_location.code")
    lot_code: str
    good_quantity: Decimal
    scrap_quantity: Decimal
    operations: list[OperationOut]
    materials: list[MaterialOut]

    @staticmethod
    def resolve_sales_order_line(obj: WorkOrder) -> str | None:
        return str(obj.sales_order_line) if obj.sales_order_line else None


class WorkOrderFilter(FilterSchema):
    status: str | None = None
    item: Annotated[str | None, FilterLookup("item__sku")] = None
    work_center: Annotated[str | None, FilterLookup("operations__work_center__code")] = None
    late: Annotated[bool | None, FilterLookup("late", ignore_none=True)] = None

    def filter_late(self, value: bool | None) -> Q:
        if not value:
            return Q()
        return Q(due_date__lt=timezone.localdate(), status__in=OPEN_STATUSES) | Q(
            due_date__lt=timezone.localdate(), status=WorkOrder.Status.PLANNED
        )


def _orders() -> QuerySet[WorkOrder]:
    return WorkOrder.objects.select_related(
        "item", "supply_location", "output_location", "sales_order_line__order"
    ).prefetch_related("operations__work_center", "materials__component")


def _order(number: str) -> WorkOrder:
    order = _orders().filter(number=number).first()
    if order is None:
        raise NotFound(f"There is no work order {number!r}.", code="unknown_work_order")
    return order


@router.get("/work-orders", response=list[WorkOrderOut], summary="List work orders")
@paginate(Pagination)
def list_work_orders(request: HttpRequest, filters: Query[WorkOrderFilter]) -> QuerySet[WorkOrder]:
    require(request, "view")
    return filters.filter(_orders()).distinct().order_by("due_date", "number")


@router.get("/work-orders/{number}", response=WorkOrderOut, summary="One work order")
def get_work_order(request: HttpRequest, number: str) -> WorkOrder:
    require(request, "view")
    return _order(number)


class WorkOrderIn(Schema):
    item: str
    quantity: Decimal = Field(..., gt=0)
    due_date: dt.date
    supply_location: str
    output_location: str
    number: str = ""
    sales_order: str = Field("", description="Make to order: the sales order number ...")
    sales_order_line: int | None = Field(None, description="... and its line number.")
    planned_order_ref: str = ""
    lot_code: str = ""
    notes: str = ""


@router.post("/work-orders", response={201: WorkOrderOut}, summary="Create a work order")
def create_work_order(request: HttpRequest, payload: WorkOrderIn) -> Status[WorkOrder]:
    require(request, MANAGE)
    line = None
    if payload.sales_order:
        line = (
            SalesOrderLine.objects.select_related("item")
            .filter(order__number=payload.sales_order, line=payload.sales_order_line or 1)
            .first()
        )
        if line is None:
            raise ValidationFailed(
                f"There is no sales order line {payload.sales_order}/"
                f"{payload.sales_order_line or 1}.",
                code="unknown_sales_order_line",
            )
    order = services.create_work_order(
        request.user,
        item=item_by_sku(payload.item),
        quantity=payload.quantity,
        due_date=payload.due_date,
        supply_location=location_by_code(payload.supply_location, "supply_location"),
        output_location=location_by_code(payload.output_location, "output_location"),
        number=payload.number,
        sales_order_line=line,
        planned_order_ref=payload.planned_order_ref,
        lot_code=payload.lot_code,
        notes=payload.notes,
    )
    return Status(201, _order(order.number))


class ReleaseIn(Schema):
    allow_shortage: bool = False


class CancelIn(Schema):
    reason: str = ""


class SplitIn(Schema):
    quantity: Decimal = Field(..., gt=0)
    due_date: dt.date | None = None


class MergeIn(Schema):
    others: list[str] = Field(..., min_length=1)


class IssueIn(Schema):
    quantity: Decimal = Field(..., gt=0)
    lot: str | None = None
    location: str | None = None
    client_id: str | None = None


@router.post("/work-orders/{number}/release", response=WorkOrderOut, summary="Release")
def release(request: HttpRequest, number: str, payload: ReleaseIn) -> WorkOrder:
    require(request, MANAGE)
    services.release(request.user, _order(number), allow_shortage=payload.allow_shortage)
    return _order(number)


@router.post("/work-orders/{number}/complete", response=WorkOrderOut, summary="Complete")
def complete(request: HttpRequest, number: str) -> WorkOrder:
    require(request, MANAGE)
    services.complete(request.user, _order(number))
    return _order(number)


@router.post("/work-orders/{number}/close", response=WorkOrderOut, summary="Close")
def close(request: HttpRequest, number: str) -> WorkOrder:
    require(request, MANAGE)
    services.close(request.user, _order(number))
    return _order(number)


@router.post("/work-orders/{number}/cancel", response=WorkOrderOut, summary="Cancel")
def cancel(request: HttpRequest, number: str, payload: CancelIn) -> WorkOrder:
    require(request, MANAGE)
    services.cancel(request.user, _order(number), reason=payload.reason)
    return _order(number)


@router.post(
    "/work-orders/{number}/split", response={201: WorkOrderOut}, summary="Split off a quantity"
)
def split(request: HttpRequest, number: str, payload: SplitIn) -> Status[WorkOrder]:
    require(request, MANAGE)
    new = services.split(request.user, _order(number), payload.quantity, due_date=payload.due_date)
    return Status(201, _order(new.number))


@router.post("/work-orders/{number}/merge", response=WorkOrderOut, summary="Merge others into it")
def merge(request: HttpRequest, number: str, payload: MergeIn) -> WorkOrder:
    require(request, MANAGE)
    merged = services.merge(request.user, [_order(number), *(_order(n) for n in payload.others)])
    return _order(merged.number)


@router.post(
    "/work-orders/{number}/materials/{sku}/issue",
    response=WorkOrderOut,
    summary="Issue material by hand",
)
def issue(request: HttpRequest, number: str, sku: str, payload: IssueIn) -> WorkOrder:
    require(request, MANAGE)
    order = _order(number)
    material = order.materials.filter(component__sku=sku).select_related("component").first()
    if material is None:
        raise ValidationFailed(f"{sku} is not a material of {number}.", code="unknown_material")
    materials.issue_material(
        request.user,
        order,
        material,
        quantity=payload.quantity,
        lot=lot_by_code(material.component, payload.lot),
        location=location_by_code(payload.location) if payload.location else None,
        client_id=payload.client_id,
    )
    return _order(number)


# --- events -----------------------------------------------------------------------------------


class EventIn(Schema):
    client_id: str = Field(..., description="Unique id made by the sender; a resend is a no-op.")
    kind: str = Field(..., description=", ".join(ProductionEvent.Kind.values))
    at: str = Field(..., description="When it happened, ISO 8601 with a time zone.")
    work_order: str = ""
    operation: int | None = Field(None, description="Operation sequence number, e.g. 10.")
    work_center: str = ""
    worker: str = ""
    quantity: Decimal | str = Field("0", description="Good quantity, or quantity consumed.")
    scrap: Decimal | str = "0"
    rework: Decimal | str = "0"
    reason: str = ""
    downtime_class: str = ""
    item: str = ""
    lot: str = ""
    location: str = ""
    note: str = ""


class EventBatchIn(Schema):
    events: list[EventIn] = Field(..., min_length=1, max_length=MAX_BATCH)


class EventResultOut(Schema):
    client_id: str
    status: str
    code: str
    detail: str
    event_id: int | None


class EventBatchOut(Schema):
    accepted: int
    duplicate: int
    rejected: int
    results: list[EventResultOut]


def _when(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


@router.post("/events", response=EventBatchOut, summary="Record a batch of shop-floor events")
def post_events(request: HttpRequest, payload: EventBatchIn) -> dict[str, Any]:
    require(request, REPORT)
    inputs: list[events.EventInput] = []
    unparsed: dict[int, events.EventResult] = {}
    for index, raw in enumerate(payload.events):
        at = _when(raw.at)
        if at is None:
            unparsed[index] = events.EventResult(
                raw.client_id, "rejected", "invalid_timestamp", f"{raw.at!r} is not a timestamp."
            )
            continue
        data = raw.dict()
        data["at"] = at
        inputs.append(events.EventInput(**data))
    recorded = iter(events.record_batch(request.user, inputs))
    results = [unparsed.get(i) or next(recorded) for i in range(len(payload.events))]
    counts = {s: sum(1 for r in results if r.status == s) for s in events.STATUSES}
    return {**counts, "results": results}


class EventOut(Schema):
    id: int
    client_id: str
    kind: str
    at: dt.datetime
    recorded_at: dt.datetime
    work_center: str = Field(alias="work_center.code")
    work_order: str | None
    operation: int | None
    worker: str | None
    quantity: Decimal
    scrap_quantity: Decimal
    rework_quantity: Decimal
    reason: str
    downtime_class: str

    resolve_work_order = related("operation.work_order.number")

    resolve_operation = related("operation.sequence")

    resolve_worker = related("worker.code")


class EventFilter(FilterSchema):
    work_order: Annotated[str | None, FilterLookup("operation__work_order__number")] = None
    work_center: Annotated[str | None, FilterLookup("work_center__code")] = None
    kind: str | None = None
    since: Annotated[dt.datetime | None, FilterLookup("at__gte")] = None


@router.get("/events", response=list[EventOut], summary="The shop-floor event ledger")
@paginate(Pagination)
def list_events(request: HttpRequest, filters: Query[EventFilter]) -> QuerySet[ProductionEvent]:
    require(request, "view")
    rows = ProductionEvent.objects.select_related("work_center", "operation__work_order", "worker")
    return filters.filter(rows).order_by("at", "id")


# --- tracing ----------------------------------------------------------------------------------


class TraceNodeOut(Schema):
    lot: str
    item: str
    item_name: str
    quantity: Decimal | None
    work_order: str
    children: list["TraceNodeOut"]


class ShipmentOut(Schema):
    lot: str
    item: str
    quantity: Decimal
    sales_order: str
    customer: str
    at: dt.datetime


class TraceOut(Schema):
    direction: str
    lots: int
    truncated: bool
    tree: TraceNodeOut
    shipments: list[ShipmentOut]
    customers: list[str]


def lot_named(sku: str, code: str) -> Lot:
    lot = Lot.objects.select_related("item").filter(item__sku=sku, code=code).first()
    if lot is None:
        raise NotFound(f"There is no lot {code!r} of {sku!r}.", code="unknown_lot")
    return lot


@router.get("/lots/{item}/{code}/trace", response=TraceOut, summary="Trace a lot")
def trace_lot(
    request: HttpRequest, item: str, code: str, direction: str = "backward"
) -> dict[str, Any]:
    require(request, "view")
    found = genealogy.trace(lot_named(item, code), direction)
    return {
        "direction": found.direction,
        "lots": found.lots,
        "truncated": found.truncated,
        "tree": found.root,
        "shipments": found.shipments,
        "customers": found.customers,
    }


# --- reason codes -----------------------------------------------------------------------------


class ReasonCodeIn(Schema):
    kind: str = Field(..., description=", ".join(ReasonCode.Kind.values))
    code: str
    label: str
    downtime_class: str = Field("", description="Downtime only: planned or unplanned.")
    loss: str = Field("", description=", ".join(v for v in ReasonCode.Loss.values if v))
    sequence: int = 100
    active: bool = True


class ReasonCodeOut(ReasonCodeIn):
    id: int


def _reason(pk: int) -> ReasonCode:
    found = ReasonCode.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound(f"There is no reason code {pk}.")
    return found


@router.get("/reason-codes", response=list[ReasonCodeOut], summary="List reason codes")
def list_reason_codes(
    request: HttpRequest, kind: str | None = None, active: bool | None = None
) -> QuerySet[ReasonCode]:
    require(request, "view")
    rows = ReasonCode.objects.all()
    if kind:
        rows = rows.filter(kind=kind)
    if active is not None:
        rows = rows.filter(active=active)
    return rows


@router.post("/reason-codes", response={201: ReasonCodeOut}, summary="Create a reason code")
def create_reason_code(request: HttpRequest, payload: ReasonCodeIn) -> Status[ReasonCode]:
    require(request, MANAGE)
    return Status(201, reasons.create_reason(request.user, payload.model_dump()))


@router.patch("/reason-codes/{pk}", response=ReasonCodeOut, summary="Change a reason code")
def update_reason_code(
    request: HttpRequest, pk: ReasonId, payload: PatchDict[ReasonCodeIn]
) -> ReasonCode:
    require(request, MANAGE)
    return reasons.update_reason(request.user, _reason(pk), payload)


@router.delete("/reason-codes/{pk}", response={204: None}, summary="Delete a reason code")
def delete_reason_code(request: HttpRequest, pk: ReasonId) -> Status[None]:
    require(request, MANAGE)
    reasons.delete_reason(request.user, _reason(pk))
    return Status(204, None)
