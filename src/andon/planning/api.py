"""REST endpoints of the plan: runs, planned orders, their pegging; firm and convert.

Thin: each operation checks the caller's capability and calls `services`, `actions` or
`queries`. Acting on planned orders and starting runs needs `planning.run`; reading needs
`view`. Planned orders are named by their id (numbers repeat across runs).
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from andon.accounts.permissions import require
from andon.core.errors import NotFound
from andon.core.pagination import Pagination
from andon.core.schemas import related
from andon.inventory.lookups import location_by_code
from andon.planning import actions, queries, services
from andon.planning.models import PlannedOrder, PlanRun

router = Router(tags=["planning"])
RUN = "planning.run"


class PlanRunOut(Schema):
    id: int
    version: int
    status: str
    percent: int
    phase: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    seconds: float | None
    user: str | None
    plan_date: dt.date
    horizon_end: dt.date
    item_count: int
    order_count: int
    exception_count: int
    log: str

    resolve_user = related("user.username")


class PlannedOrderOut(Schema):
    id: int
    number: int
    sku: str = Field(alias="item.sku")
    kind: str
    quantity: Decimal
    release_date: dt.date
    due_date: dt.date
    supplier: str | None
    work_center: str | None
    firm: bool
    firm_reference: str
    past_due: bool
    exception: str
    converted_ref: str

    resolve_supplier = related("supplier.code")

    resolve_work_center = related("work_center.code")


class OrderFilters(Schema):
    kind: str | None = Field(None, pattern="^(make|buy)$")
    item: str | None = None
    supplier: str | None = None
    work_center: str | None = None
    start: dt.date | None = Field(None, description="Due on or after.")
    end: dt.date | None = Field(None, description="Due on or before.")
    exception: str | None = Field(None, description="An exception kind, or 'any'.")


class PegOut(Schema):
    depth: int
    kind: str
    label: str
    quantity: Decimal
    planned_order: int | None


class IdsIn(Schema):
    ids: list[int] = Field(..., min_length=1, max_length=5000)


class ConvertIn(IdsIn):
    supply_location: str = ""
    output_location: str = ""


class ConvertOut(Schema):
    work_orders: list[str]
    purchase_orders: list[str]
    split: list[str] = Field(
        default_factory=list, description="Orders above their item's maximum lot, split in lots."
    )


class RunIn(Schema):
    today: dt.date | None = None
    horizon_days: int = Field(services.HORIZON_DAYS, ge=1, le=3660)


@router.get("/plan-runs", response=list[PlanRunOut], summary="List plan runs")
@paginate(Pagination)
def list_runs(request: HttpRequest) -> QuerySet[PlanRun]:
    require(request, "view")
    return PlanRun.objects.select_related("user").defer("log").order_by("-version")


@router.get("/plan-runs/{run_id}", response=PlanRunOut, summary="One plan run and its progress")
def get_run(request: HttpRequest, run_id: int) -> PlanRun:
    require(request, "view")
    run = PlanRun.objects.select_related("user").filter(pk=run_id).first()
    if run is None:
        raise NotFound(f"There is no plan run {run_id}.", code="unknown_plan_run")
    return run


@router.post("/plan-runs", response={202: PlanRunOut}, summary="Start an MRP run")
def start_run(request: HttpRequest, payload: RunIn) -> Status[PlanRun]:
    require(request, RUN)
    run = services.start_plan(request.user, payload.today, payload.horizon_days)
    return Status(202, run)


@router.get("/planned-orders", response=list[PlannedOrderOut], summary="Planned orders in force")
@paginate(Pagination)
def list_orders(request: HttpRequest, filters: Query[OrderFilters]) -> QuerySet[PlannedOrder]:
    require(request, "view")
    params: dict[str, Any] = filters.dict()
    return queries.filter_orders(services.current_run(), params).order_by("release_date", "number")


@router.get(
    "/planned-orders/{order_id}/pegging", response=list[PegOut], summary="What an order serves"
)
def pegging(request: HttpRequest, order_id: int) -> list[dict[str, Any]]:
    require(request, "view")
    order = PlannedOrder.objects.select_related("item").filter(pk=order_id).first()
    if order is None:
        raise NotFound(f"There is no planned order {order_id}.", code="unknown_planned_order")
    tree = queries.flatten([queries.pegging_up(order)])
    return [
        {
            "depth": depth,
            "kind": node.kind,
            "label": node.label,
            "quantity": node.quantity,
            "planned_order": node.order.pk if node.order else None,
        }
        for depth, node in tree
    ]


@router.post("/planned-orders/firm", response=list[PlannedOrderOut], summary="Firm orders")
def firm(request: HttpRequest, payload: IdsIn) -> list[PlannedOrder]:
    require(request, RUN)
    return actions.firm_orders(request.user, payload.ids)


@router.post(
    "/planned-orders/convert",
    response={201: ConvertOut},
    summary="Convert to work and purchase orders",
)
def convert(request: HttpRequest, payload: ConvertIn) -> Status[dict[str, list[str]]]:
    require(request, RUN)
    supply = (
        location_by_code(payload.supply_location, "supply_location")
        if payload.supply_location
        else None
    )
    output = (
        location_by_code(payload.output_location, "output_location")
        if payload.output_location
        else None
    )
    made = actions.convert_orders(
        request.user, payload.ids, supply_location=supply, output_location=output
    )
    return Status(201, made)
