"""Pages of the plant context: work centers, calendars with their shifts, and stock locations.

Thin: read with few queries, hand writes to `andon.plant.services` through the shared form and
delete pages, and check the capability on every page.
"""

import datetime as dt
from typing import Any

from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from andon.accounts.permissions import requires
from andon.accounts.roles import can
from andon.core.crud import RecordPages
from andon.core.listing import Column, Filter, ListPage
from andon.core.pages import form_values, posted_form
from andon.core.panels import panels
from andon.plant import services
from andon.plant.calendars import hours_by_day
from andon.plant.forms import (
    CalendarExceptionForm,
    CalendarForm,
    LocationForm,
    ShiftForm,
    WorkCenterForm,
)
from andon.plant.models import Calendar, CalendarException, Location, Shift, WorkCenter

CHANGE = "plant.change"
LOOKAHEAD_DAYS = 14


def _pages(model: Any, url: str, noun: str, **spec: Any) -> RecordPages:
    return RecordPages(model, url, CHANGE, can, noun, **spec)


# --- work centers -------------------------------------------------------------------------------

WORK_CENTERS = _pages(
    WorkCenter, "plant:workcenter", "work center", form=WorkCenterForm,
    create=services.create_work_center, update=services.update_work_center,
    delete=services.delete_work_center,
    list_page=ListPage(
        title="Work centers",
        queryset=lambda: WorkCenter.objects.select_related("calendar"),
        columns=[
            Column("Code", "code", sort="code", link=True),
            Column("Name", "name", sort="name"),
            Column("Line", "line", sort="line"),
            Column("Capacity", "capacity", sort="capacity", numeric=True),
            Column("Calendar", "calendar.code", sort="calendar__code"),
            Column("Cost / h", "cost_rate", sort="cost_rate", numeric=True),
            Column("Status", lambda wc: "active" if wc.active else "inactive", badge=True),
        ],
        search_fields=["code", "name", "line"],
        filters=[Filter.in_use(WorkCenter, "line", "Line")],
        default_sort="code",
    ),
)  # fmt: skip


@requires("view")
def work_center_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything a planner asks about a work center: hours ahead, and what other contexts
    show about it (the routings that run there) through its panels."""
    wc = get_object_or_404(WorkCenter.objects.select_related("calendar"), pk=pk)
    today = timezone.localdate()
    days = hours_by_day(wc.calendar, today, LOOKAHEAD_DAYS)
    hours = sum(d.hours for d in days)
    return render(
        request,
        "plant/workcenter_detail.html",
        {
            "wc": wc,
            "shifts": wc.calendar.shifts.all(),
            "days": days,
            "hours": hours,
            "capacity_hours": hours * wc.capacity * float(wc.efficiency_percent) / 100,
            "panels": panels(request, "plant.workcenter", wc),
            "can_change": WORK_CENTERS.may_change(request),
        },
    )


# --- shifts -------------------------------------------------------------------------------------

WEEKDAY_NAMES = dict(zip("1234567", ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], strict=True))


def weekday_names(digits: str) -> str:
    return " ".join(WEEKDAY_NAMES[d] for d in sorted(digits))


def _calendars_of(shift: Shift) -> dict[str, list[str]]:
    return {"calendar": list(shift.calendars.values_list("code", flat=True))}


SHIFTS = _pages(
    Shift, "plant:shift", "shift", form=ShiftForm,
    create=services.create_shift, update=services.update_shift, delete=services.delete_shift,
    blocked_by=_calendars_of,
    list_page=ListPage(
        title="Shifts",
        subtitle="Recurring working periods; calendars combine them.",
        queryset=lambda: Shift.objects.annotate(n_calendars=Count("calendars", distinct=True)),
        columns=[
            Column("Code", "code", sort="code", link=True),
            Column("Name", "name", sort="name"),
            Column("Start", lambda s: f"{s.start_time:%H:%M}", sort="start_time"),
            Column("End", lambda s: f"{s.end_time:%H:%M}", sort="end_time"),
            Column("Days", lambda s: weekday_names(s.weekdays)),
            Column("Break (min)", "break_minutes", sort="break_minutes", numeric=True),
            Column("Working hours", lambda s: f"{s.minutes / 60:.2f}", numeric=True),
            Column("Calendars", "n_calendars", sort="n_calendars", numeric=True),
        ],
        search_fields=["code", "name"],
        default_sort="start_time",
    ),
)  # fmt: skip


@requires("view")
def shift_detail(request: HttpRequest, pk: int) -> HttpResponse:
    shift = SHIFTS.get(pk)
    calendars = shift.calendars.order_by("code")
    workers = shift.workers.order_by("code")
    return SHIFTS.record_page(
        request,
        shift,
        title=str(shift),
        related=[
            {
                "title": "Calendars with this shift",
                "headers": ["Code", "Name"],
                "rows": [(c.code, c.name) for c in calendars],
            },
            {
                "title": "Workers on this shift",
                "headers": ["Code", "Name"],
                "rows": [(w.code, w.name) for w in workers],
            },
        ],
    )


# --- calendars ----------------------------------------------------------------------------------


def _calendar_values(form: CalendarForm) -> tuple[dict[str, Any], Any]:
    return form_values(form, skip=("shifts",)), form.cleaned_data["shifts"]


CALENDARS = _pages(
    Calendar, "plant:calendar", "calendar", form=CalendarForm, values=_calendar_values,
    create=lambda user, values: services.create_calendar(user, *values),
    update=lambda user, calendar, values: services.update_calendar(user, calendar, *values),
    delete=services.delete_calendar, edit_title="Edit calendar {}",
    cascades="its holidays and extra working times",
    list_page=ListPage(
        title="Calendars",
        queryset=lambda: Calendar.objects.prefetch_related("shifts").annotate(
            n_work_centers=Count("work_centers", distinct=True)
        ),
        columns=[
            Column("Code", "code", sort="code", link=True),
            Column("Name", "name", sort="name"),
            Column("Shifts", lambda c: ", ".join(str(s) for s in c.shifts.all())),
            Column("Work centers", "n_work_centers", sort="n_work_centers", numeric=True),
        ],
        search_fields=["code", "name"],
        default_sort="code",
    ),
)  # fmt: skip


@requires("view")
def calendar_detail(request: HttpRequest, pk: int) -> HttpResponse:
    calendar = CALENDARS.get(pk)
    today = timezone.localdate()
    return _calendar_page(request, calendar, CalendarExceptionForm(initial={"date": today}))


def _calendar_page(
    request: HttpRequest, calendar: Calendar, exception_form: CalendarExceptionForm
) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "plant/calendar_detail.html",
        {
            "calendar": calendar,
            "shifts": calendar.shifts.all(),
            "exceptions": calendar.exceptions.filter(date__gte=today - dt.timedelta(days=30)),
            "days": hours_by_day(calendar, today, LOOKAHEAD_DAYS),
            "work_centers": calendar.work_centers.order_by("code"),
            "exception_form": exception_form,
            "can_change": CALENDARS.may_change(request),
        },
    )


@require_POST
@requires(CHANGE)
def calendar_exception_add(request: HttpRequest, pk: int) -> HttpResponse:
    calendar = CALENDARS.get(pk)
    return posted_form(
        request,
        CalendarExceptionForm(request.POST, instance=CalendarException(calendar=calendar)),
        save=lambda form: services.add_calendar_exception(
            request.user, calendar, form_values(form)
        ),
        done=reverse("plant:calendar-detail", args=[pk]),
        page=lambda form: _calendar_page(request, calendar, form),
    )


@require_POST
@requires(CHANGE)
def calendar_exception_delete(request: HttpRequest, pk: int, exception_id: int) -> HttpResponse:
    exception = get_object_or_404(CalendarException, pk=exception_id, calendar_id=pk)
    services.delete_calendar_exception(request.user, exception)
    return redirect("plant:calendar-detail", pk=pk)


# --- locations ----------------------------------------------------------------------------------

LOCATIONS = _pages(
    Location, "plant:location", "location", form=LocationForm,
    create=services.create_location, update=services.update_location,
    delete=services.delete_location, edit_title="Edit location {}",
    list_page=ListPage(
        title="Locations",
        queryset=lambda: Location.objects.select_related("parent"),
        columns=[
            Column("Code", "code", sort="code", link=True),
            Column("Name", "name", sort="name"),
            Column("Kind", "get_kind_display", sort="kind"),
            Column("Inside", "parent.code", sort="parent__code"),
            Column("Nettable", lambda loc: "yes" if loc.nettable else "no"),
        ],
        search_fields=["code", "name"],
        filters=[Filter("kind", "Kind", "kind", Location.Kind.choices)],
        default_sort="code",
    ),
)  # fmt: skip


@requires("view")
def location_detail(request: HttpRequest, pk: int) -> HttpResponse:
    location = get_object_or_404(
        Location.objects.prefetch_related(
            Prefetch("children", queryset=Location.objects.order_by("code"))
        ),
        pk=pk,
    )
    return LOCATIONS.record_page(
        request,
        location,
        title=" / ".join(loc.code for loc in location.path()),
        related=[
            {
                "title": "Inside it",
                "headers": ["Code", "Name", "Kind"],
                "rows": [(c.code, c.name, c.get_kind_display()) for c in location.children.all()],
            }
        ],
    )
