"""REST endpoints of the plant context: work centers, shifts, calendars and locations.

Thin: each operation checks the caller's capability, then reads or calls a service. Records are
addressed by their code; references (a work center's calendar, a location's parent) are codes too.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import FilterLookup, FilterSchema, Router, Schema, Status

from andon.accounts.permissions import require
from andon.accounts.roles import can
from andon.core.crud_api import Resources
from andon.core.errors import NotFound
from andon.core.records import find
from andon.core.schemas import CodeOrName, related
from andon.plant import services
from andon.plant.models import Calendar, CalendarException, Location, Shift, WorkCenter

router = Router(tags=["plant"])
CHANGE = "plant.change"
resources = Resources(router, __name__, CHANGE, can)


# --- work centers -------------------------------------------------------------------------------


class WorkCenterIn(Schema):
    code: str
    name: str
    calendar: str
    description: str = ""
    line: str = ""
    capacity: int = 1
    cost_rate: Decimal = Decimal("0")
    efficiency_percent: Decimal = Decimal("100")
    active: bool = True


class WorkCenterOut(WorkCenterIn):
    @staticmethod
    def resolve_calendar(obj: WorkCenter) -> str:
        return obj.calendar.code


class WorkCenterFilter(FilterSchema):
    q: CodeOrName = None
    line: str | None = None
    calendar: Annotated[str | None, FilterLookup("calendar__code")] = None
    active: bool | None = None


resources.add(
    "/work-centers", "work_center", "work_centers",
    schema_in=WorkCenterIn, schema_out=WorkCenterOut, filters=WorkCenterFilter,
    queryset=lambda: WorkCenter.objects.select_related("calendar").order_by("code"),
    create=services.create_work_center, update=services.update_work_center,
    delete=services.delete_work_center,
)  # fmt: skip


# --- shifts -------------------------------------------------------------------------------------


class ShiftIn(Schema):
    code: str
    name: str
    start_time: dt.time
    end_time: dt.time
    weekdays: str = "12345"
    break_minutes: int = 0


class ShiftOut(ShiftIn):
    minutes: int


class ShiftFilter(FilterSchema):
    q: CodeOrName = None
    weekday: Annotated[str | None, FilterLookup("weekdays__contains")] = None


resources.add(
    "/shifts", "shift", "shifts", schema_in=ShiftIn, schema_out=ShiftOut, filters=ShiftFilter,
    queryset=lambda: Shift.objects.order_by("start_time", "code"),
    create=services.create_shift, update=services.update_shift, delete=services.delete_shift,
)  # fmt: skip


# --- calendars ----------------------------------------------------------------------------------


class ExceptionIn(Schema):
    date: dt.date
    kind: CalendarException.Kind = CalendarException.Kind.CLOSED
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    reason: str = ""


class ExceptionOut(ExceptionIn):
    id: int


class CalendarIn(Schema):
    code: str
    name: str
    shifts: list[str] = []


class CalendarOut(CalendarIn):
    exceptions: list[ExceptionOut]

    @staticmethod
    def resolve_shifts(obj: Calendar) -> list[str]:
        return [s.code for s in obj.shifts.all()]


class CalendarFilter(FilterSchema):
    q: CodeOrName = None
    shift: Annotated[str | None, FilterLookup("shifts__code")] = None


def _calendars() -> QuerySet[Calendar]:
    return Calendar.objects.prefetch_related("shifts", "exceptions").order_by("code")


def _calendar_fields(data: dict[str, Any], absent: Any = None) -> tuple[dict[str, Any], Any]:
    """The calendar's own fields, and its shifts (`absent` when not given)."""
    shifts = data.pop("shifts", absent)
    return data, shifts


resources.add(
    "/calendars", "calendar", "calendars",
    schema_in=CalendarIn, schema_out=CalendarOut, filters=CalendarFilter,
    queryset=_calendars, distinct=True,
    create=lambda user, data: services.create_calendar(user, *_calendar_fields(data, [])),
    update=lambda user, calendar, data: services.update_calendar(
        user, calendar, *_calendar_fields(data)
    ),
    delete=services.delete_calendar,
)  # fmt: skip


@router.post(
    "/calendars/{code}/exceptions",
    response={201: ExceptionOut},
    summary="Add a holiday, shutdown or extra working time",
)
def add_exception(
    request: HttpRequest, code: str, payload: ExceptionIn
) -> Status[CalendarException]:
    require(request, CHANGE)
    exception = services.add_calendar_exception(
        request.user, find(Calendar, code), payload.model_dump()
    )
    return Status(201, exception)


@router.delete(
    "/calendars/{code}/exceptions/{exception_id}",
    response={204: None},
    summary="Remove a calendar exception",
)
def delete_exception(request: HttpRequest, code: str, exception_id: int) -> Status[None]:
    require(request, CHANGE)
    calendar = find(Calendar, code)
    exception = calendar.exceptions.filter(pk=exception_id).first()
    if exception is None:
        raise NotFound(f"Calendar {code} has no exception {exception_id}.")
    services.delete_calendar_exception(request.user, exception)
    return Status(204, None)


# --- locations ----------------------------------------------------------------------------------


class LocationIn(Schema):
    code: str
    name: str
    kind: Location.Kind = Location.Kind.WAREHOUSE
    parent: str | None = None
    nettable: bool = True


class LocationOut(LocationIn):
    resolve_parent = related("parent.code")


class LocationFilter(FilterSchema):
    q: CodeOrName = None
    kind: str | None = None
    parent: Annotated[str | None, FilterLookup("parent__code")] = None
    nettable: bool | None = None


resources.add(
    "/locations", "location", "locations",
    schema_in=LocationIn, schema_out=LocationOut, filters=LocationFilter,
    queryset=lambda: Location.objects.select_related("parent").order_by("code"),
    create=services.create_location, update=services.update_location,
    delete=services.delete_location,
    summaries={"list": "List stock locations", "update": "Change or move a location"},
)  # fmt: skip
