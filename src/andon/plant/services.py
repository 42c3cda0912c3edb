"""Use cases of the plant context: work centers, shifts, calendars and stock locations.

Every function is one transaction, validates through the model and records the change in the
audit history; any bad input raises a `DomainError` before anything is kept.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from andon.core import audit, services
from andon.core.errors import Conflict
from andon.core.records import field_values, reference
from andon.plant.models import Calendar, CalendarException, Location, Shift, WorkCenter

WORK_CENTER_FIELDS = (
    "code",
    "name",
    "description",
    "line",
    "capacity",
    "calendar",
    "cost_rate",
    "efficiency_percent",
    "active",
)
SHIFT_FIELDS = ("code", "name", "start_time", "end_time", "weekdays", "break_minutes")
CALENDAR_FIELDS = ("code", "name")
EXCEPTION_FIELDS = ("date", "kind", "start_time", "end_time", "reason")
LOCATION_FIELDS = ("code", "name", "kind", "parent", "nettable")


# --- work centers -------------------------------------------------------------------------------


def create_work_center(user: Any, data: Mapping[str, Any]) -> WorkCenter:
    """A new work center on an existing calendar."""
    with transaction.atomic():
        values = field_values(WorkCenter, data, WORK_CENTER_FIELDS)
        return services.create(user, WorkCenter(**values))


def update_work_center(user: Any, work_center: WorkCenter, data: Mapping[str, Any]) -> WorkCenter:
    with transaction.atomic():
        values = field_values(WorkCenter, data, WORK_CENTER_FIELDS)
        return services.update(user, work_center, values)


def delete_work_center(user: Any, work_center: WorkCenter) -> None:
    """Refused (Conflict `in_use`) while a routing operation runs there."""
    with transaction.atomic():
        services.delete(user, work_center)


# --- shifts -------------------------------------------------------------------------------------


def create_shift(user: Any, data: Mapping[str, Any]) -> Shift:
    with transaction.atomic():
        return services.create(user, Shift(**field_values(Shift, data, SHIFT_FIELDS)))


def update_shift(user: Any, shift: Shift, data: Mapping[str, Any]) -> Shift:
    with transaction.atomic():
        return services.update(user, shift, field_values(Shift, data, SHIFT_FIELDS))


def delete_shift(user: Any, shift: Shift) -> None:
    """Refused while a calendar or a worker uses the shift.

    The database would silently drop the shift from its calendars, which would quietly take
    capacity away from every work center on them; so the service asks first.
    """
    with transaction.atomic():
        calendars = list(shift.calendars.order_by("code").values_list("code", flat=True)[:5])
        if calendars:
            raise Conflict(
                f"{shift} is still used by calendar {', '.join(calendars)} and cannot be deleted.",
                code="in_use",
            )
        services.delete(user, shift)


# --- calendars ----------------------------------------------------------------------------------


def _shift_list(values: Iterable[Shift | str]) -> list[Shift]:
    shifts = [reference(Shift, value, "shifts") for value in values]
    return [s for s in shifts if s is not None]


def _set_shifts(user: Any, calendar: Calendar, shifts: Iterable[Shift | str]) -> None:
    wanted = _shift_list(shifts)
    before = sorted(calendar.shifts.values_list("code", flat=True))
    calendar.shifts.set(wanted)
    after = sorted(s.code for s in wanted)
    if before != after:
        audit.record(user, "update", calendar, {"shifts": [before, after]})


def create_calendar(
    user: Any, data: Mapping[str, Any], shifts: Iterable[Shift | str] = ()
) -> Calendar:
    """A new calendar with its shifts (given as records or codes)."""
    with transaction.atomic():
        calendar = services.create(user, Calendar(**field_values(Calendar, data, CALENDAR_FIELDS)))
        _set_shifts(user, calendar, shifts)
        return calendar


def update_calendar(
    user: Any,
    calendar: Calendar,
    data: Mapping[str, Any],
    shifts: Iterable[Shift | str] | None = None,
) -> Calendar:
    """Change a calendar; `shifts=None` keeps its shifts, a list replaces them."""
    with transaction.atomic():
        services.update(user, calendar, field_values(Calendar, data, CALENDAR_FIELDS))
        if shifts is not None:
            _set_shifts(user, calendar, shifts)
        return calendar


def delete_calendar(user: Any, calendar: Calendar) -> None:
    """Refused while a work center works to it; its exceptions go with it."""
    with transaction.atomic():
        services.delete(user, calendar)


def add_calendar_exception(
    user: Any, calendar: Calendar, data: Mapping[str, Any]
) -> CalendarException:
    """A holiday or shutdown (closed), or extra working time, on one date."""
    with transaction.atomic():
        values = field_values(CalendarException, data, EXCEPTION_FIELDS)
        return services.create(user, CalendarException(calendar=calendar, **values))


def delete_calendar_exception(user: Any, exception: CalendarException) -> None:
    with transaction.atomic():
        services.delete(user, exception)


# --- locations ----------------------------------------------------------------------------------


def create_location(user: Any, data: Mapping[str, Any]) -> Location:
    with transaction.atomic():
        return services.create(user, Location(**field_values(Location, data, LOCATION_FIELDS)))


def update_location(user: Any, location: Location, data: Mapping[str, Any]) -> Location:
    """Rename or move a location; moving it inside itself or its children is refused."""
    with transaction.atomic():
        return services.update(user, location, field_values(Location, data, LOCATION_FIELDS))


def delete_location(user: Any, location: Location) -> None:
    """Refused while it holds sub-locations or has stock history."""
    with transaction.atomic():
        services.delete(user, location)
