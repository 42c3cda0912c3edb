"""REST endpoints of the schedule: runs, the placed operations in force, dispatch lists, promises.

Thin: each operation checks the caller's capability and calls `queries` or the services.
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
from andon.core.schemas import Timestamp
from andon.inventory.lookups import item_by_sku
from andon.plant.models import WorkCenter
from andon.scheduling import changes, ctp, queries, services
from andon.scheduling.models import ScheduledOperation, ScheduleRun

router = Router(tags=["scheduling"])
RUN = "planning.run"


class RunOut(Schema):
    id: int
    kind: str
    status: str
    reason: str
    origin: dt.datetime | None
    time_limit: float
    horizon_days: int
    solver_status: str
    objective: int | None
    lower_bound: int | None
    operation_count: int
    moved_count: int
    late_orders: int
    percent: int
    progress: list[list[float]]
    message: str
    seconds: float | None
    created_at: dt.datetime
    published_at: dt.datetime | None


class PlacedOut(Schema):
    id: int
    work_order: str = Field(alias="operation.work_order.number")
    sequence: int = Field(alias="operation.sequence")
    item: str = Field(alias="operation.work_order.item.sku")
    work_center: str = Field(alias="work_center.code")
    start: dt.datetime
    end: dt.datetime
    locked: bool
    started: bool
    workers: list[str]
    due_date: dt.date = Field(alias="operation.work_order.due_date")

    @staticmethod
    def resolve_workers(obj: ScheduledOperation) -> list[str]:
        return [w for w in obj.workers.split(",") if w]


def _current() -> ScheduleRun:
    run = ScheduleRun.current()
    if run is None:
        raise NotFound("No schedule has been published yet.", code="no_schedule")
    return run


def _center(code: str) -> WorkCenter:
    center = WorkCenter.objects.filter(code=code).first()
    if center is None:
        raise NotFound(f"There is no work center {code!r}.", code="unknown_work_center")
    return center


@router.get("/schedules", response=list[RunOut], summary="List schedule runs, newest first")
@paginate(Pagination)
def list_runs(request: HttpRequest) -> QuerySet[ScheduleRun]:
    require(request, "view")
    return ScheduleRun.objects.order_by("-created_at", "-id")


class CurrentRunOut(RunOut):
    orders_changed_at: dt.datetime | None = Field(
        None, description="Latest work-order change the schedule does not reflect (null: none)."
    )
    changed_work_orders: list[str] = Field(
        [], description="Work orders changed since; reschedule with POST /schedules."
    )


@router.get("/schedules/current", response=CurrentRunOut, summary="The schedule in force")
def current_run(request: HttpRequest) -> dict[str, Any]:
    require(request, "view")
    run = _current()
    found = changes.since(run)
    return {
        **RunOut.from_orm(run).model_dump(),
        "orders_changed_at": found[0].at if found else None,
        "changed_work_orders": sorted({c.work_order for c in found}),
    }


class OperationFilter(Schema):
    work_center: str | None = None
    start: Timestamp | None = Field(None, description="Operations ending after this moment.")
    end: Timestamp | None = Field(None, description="Operations starting before this moment.")


@router.get(
    "/schedules/current/operations",
    response=list[PlacedOut],
    summary="Placed operations of the schedule in force",
)
@paginate(Pagination)
def current_operations(
    request: HttpRequest, filters: Query[OperationFilter]
) -> QuerySet[ScheduledOperation]:
    require(request, "view")
    center = _center(filters.work_center) if filters.work_center else None
    return queries.placed(_current(), work_center=center, start=filters.start, end=filters.end)


@router.get("/schedules/{run_id}", response=RunOut, summary="One schedule run")
def get_run(request: HttpRequest, run_id: int) -> ScheduleRun:
    require(request, "view")
    run = ScheduleRun.objects.filter(pk=run_id).first()
    if run is None:
        raise NotFound(f"There is no schedule run {run_id}.", code="unknown_run")
    return run


class RunIn(Schema):
    time_limit: float = Field(services.DEFAULT_TIME_LIMIT, gt=0, le=3600)
    horizon_days: int = Field(services.DEFAULT_HORIZON_DAYS, ge=1, le=366)
    reschedule: bool = Field(
        False,
        description="Keep the floor stable: started and locked operations stay, the rest moves "
        "as little as possible (after a breakdown or an order change).",
    )
    reason: str = Field("", max_length=200)


@router.post("/schedules", response={201: RunOut}, summary="Start a schedule run")
def start_run(request: HttpRequest, payload: RunIn) -> Status[ScheduleRun]:
    require(request, RUN)
    if payload.reschedule and not {"time_limit", "horizon_days"} & payload.model_fields_set:
        run = services.reschedule_now(request.user, reason=payload.reason)
        return Status(201, run)
    run = services.start_run(
        request.user,
        time_limit=payload.time_limit,
        horizon_days=payload.horizon_days,
        kind=ScheduleRun.Kind.RESCHEDULE if payload.reschedule else ScheduleRun.Kind.SCHEDULE,
        reason=payload.reason,
    )
    return Status(201, run)


@router.get(
    "/dispatch-lists/{work_center}",
    response=list[PlacedOut],
    summary="What a work center runs next, in order",
)
def dispatch_list(request: HttpRequest, work_center: str) -> list[ScheduledOperation]:
    require(request, "view")
    return queries.dispatch_list(_current(), _center(work_center))


class PromiseIn(Schema):
    item: str
    quantity: Decimal = Field(..., gt=0, max_digits=14, decimal_places=4)


class StepOut(Schema):
    operation: str
    work_center: str
    start: dt.datetime
    end: dt.datetime


class PromiseOut(Schema):
    item: str
    quantity: Decimal
    date: dt.date
    finish: dt.datetime
    exact: bool
    steps: list[StepOut]


@router.post("/capable-to-promise", response=PromiseOut, summary="Earliest delivery date")
def capable_to_promise(request: HttpRequest, payload: PromiseIn) -> dict[str, Any]:
    require(request, "view")
    answer = ctp.capable_to_promise(item_by_sku(payload.item), payload.quantity)
    return {
        "item": answer.item,
        "quantity": answer.quantity,
        "date": answer.date,
        "finish": answer.finish,
        "exact": answer.exact,
        "steps": [s.__dict__ for s in answer.steps],
    }
