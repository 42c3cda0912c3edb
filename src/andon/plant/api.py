"""REST endpoints of the plant context: work centers, shifts, calendars and locations.

Thin: each operation checks the caller's capability, then reads or calls a service. Records are
addressed by their code; references (a work center's calendar, a location's parent) are codes too.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import FilterLookup, FilterSchema, PatchDict, Query, Router, Schema, Status
from ninja.pagination import paginate

from andon.accounts.permissions import require
from andon.core.errors import NotFound
from andon.core.pagination import Pagination
from andon.core.records import find
from andon.plant import services
from andon.plant.models import Calendar, CalendarException, Location, Shift, WorkCenter

router = Router(tags=["plant"])
CHANGE = "plant.change"
Search = Annotated[str | None, FilterLookup(["code__icontains", "name__icontains"])]


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
    q: Search = None
    line: str | None = None
    calendar: Annotated[str | None, FilterLookup("calendar__code")] = None
    active: bool | None = None


@router.get("/work-centers", response=list[WorkCenterOut], summary="List work centers")
@paginate(Pagination)
def list_work_centers(
    request: HttpRequest, filters: Query[WorkCenterFilter]
) -> QuerySet[WorkCenter]:
    require(request, "view")
    return filters.filter(WorkCenter.objects.select_related("calendar").order_by("code"))


@router.get("/work-centers/{code}", response=WorkCenterOut, summary="One work center")
def get_work_center(request: HttpRequest, code: str) -> WorkCenter:
    require(request, "view")
    return find(WorkCenter, code)


@router.post("/work-centers", response={201: WorkCenterOut}, summary="Create a work center")
def create_work_center(request: HttpRequest, payload: WorkCenterIn) -> Status[WorkCenter]:
    require(request, CHANGE)
    return Status(201, services.create_work_center(request.user, payload.model_dump()))


@router.patch("/work-centers/{code}", response=WorkCenterOut, summary="Change a work center")
def update_work_center(
    request: HttpRequest, code: str, payload: PatchDict[WorkCenterIn]
) -> WorkCenter:
    require(request, CHANGE)
    return services.update_work_center(request.user, find(WorkCenter, code), payload)


@router.delete("/work-centers/{code}", response={204: None}, summary="Delete a work center")
def delete_work_center(request: HttpRequest, code: str) -> Status[None]:
    require(request, CHANGE)
    services.delete_work_center(request.user, find(WorkCenter, code))
    return Status(204, None)


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
    q: Search = None
    weekday: Annotated[str | None, FilterLookup("weekdays__contains")] = None


@router.get("/shifts", response=list[ShiftOut], summary="List shifts")
@paginate(Pagination)
def list_shifts(request: HttpRequest, filters: Query[ShiftFilter]) -> QuerySet[Shift]:
    require(request, "view")
    return filters.filter(Shift.objects.order_by("start_time", "code"))


@router.get("/shifts/{code}", response=ShiftOut, summary="One shift")
def get_shift(request: HttpRequest, code: str) -> Shift:
    require(request, "view")
    return find(Shift, code)


@router.post("/shifts", response={201: ShiftOut}, summary="Create a shift")
def create_shift(request: HttpRequest, payload: ShiftIn) -> Status[Shift]:
    require(request, CHANGE)
    return Status(201, services.create_shift(request.user, payload.model_dump()))


@router.patch("/shifts/{code}", response=ShiftOut, summary="Change a shift")
def update_shift(request: HttpRequest, code: str, payload: PatchDict[ShiftIn]) -> Shift:
    require(request, CHANGE)
    return services.update_shift(request.user, find(Shift, code), payload)


@router.delete("/shifts/{code}", response={204: None}, summary="Delete a shift")
def delete_shift(request: HttpRequest, code: str) -> Status[None]:
    require(request, CHANGE)
    services.delete_shift(request.user, find(Shift, code))
    return Status(204, None)


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

    @staticmethod
    def resolve_exceptions(obj: Calendar) -> list[CalendarException]:
        return list(obj.exceptions.all())


class CalendarFilter(FilterSchema):
    q: Search = None
    shift: Annotated[str | None, FilterLookup("shifts__code")] = None


def _calendars() -> QuerySet[Calendar]:
    return Calendar.objects.prefetch_related("shifts", "exceptions").order_by("code")


def _calendar_fields(data: dict[str, Any]) -> tuple[dict[str, Any], list[str] | None]:
    shifts = data.pop("shifts", None)
    return data, shifts


@router.get("/calendars", response=list[CalendarOut], summary="List calendars")
@paginate(Pagination)
def list_calendars(request: HttpRequest, filters: Query[CalendarFilter]) -> QuerySet[Calendar]:
    require(request, "view")
    return filters.filter(_calendars()).distinct()


@router.get("/calendars/{code}", response=CalendarOut, summary="One calendar")
def get_calendar(request: HttpRequest, code: str) -> Calendar:
    require(request, "view")
    return find(Calendar, code)


@router.post("/calendars", response={201: CalendarOut}, summary="Create a calendar")
def create_calendar(request: HttpRequest, payload: CalendarIn) -> Status[Calendar]:
    require(request, CHANGE)
    data, shifts = _calendar_fields(payload.model_dump())
    return Status(201, services.create_calendar(request.user, data, shifts or []))


@router.patch("/calendars/{code}", response=CalendarOut, summary="Change a calendar")
def update_calendar(request: HttpRequest, code: str, payload: PatchDict[CalendarIn]) -> Calendar:
    require(request, CHANGE)
    data, shifts = _calendar_fields(dict(payload))
    return services.update_calendar(request.user, find(Calendar, code), data, shifts)


@router.delete("/calendars/{code}", response={204: None}, summary="Delete a calendar")
def delete_calendar(request: HttpRequest, code: str) -> Status[None]:
    require(request, CHANGE)
    services.delete_calendar(request.user, find(Calendar, code))
    return Status(204, None)


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
    @staticmethod
    def resolve_parent(obj: Location) -> str | None:
        return obj.parent.code if obj.parent else None


class LocationFilter(FilterSchema):
    q: Search = None
    kind: str | None = None
    parent: Annotated[str | None, FilterLookup("parent__code")] = None
    nettable: bool | None = None


@router.get("/locations", response=list[LocationOut], summary="List stock locations")
@paginate(Pagination)
def list_locations(request: HttpRequest, filters: Query[LocationFilter]) -> QuerySet[Location]:
    require(request, "view")
    return filters.filter(Location.objects.select_related("parent").order_by("code"))


@router.get("/locations/{code}", response=LocationOut, summary="One location")
def get_location(request: HttpRequest, code: str) -> Location:
    require(request, "view")
    return find(Location, code)


@router.post("/locations", response={201: LocationOut}, summary="Create a location")
def create_location(request: HttpRequest, payload: LocationIn) -> Status[Location]:
    require(request, CHANGE)
    return Status(201, services.create_location(request.user, payload.model_dump()))


@router.patch("/locations/{code}", response=LocationOut, summary="Change or move a location")
def update_location(request: HttpRequest, code: str, payload: PatchDict[LocationIn]) -> Location:
    require(request, CHANGE)
    return services.update_location(request.user, find(Location, code), payload)


@router.delete("/locations/{code}", response={204: None}, summary="Delete a location")
def delete_location(request: HttpRequest, code: str) -> Status[None]:
    require(request, CHANGE)
    services.delete_location(request.user, find(Location, code))
    return Status(204, None)
