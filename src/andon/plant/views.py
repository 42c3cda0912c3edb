"""Pages of the plant context: work centers, calendars with their shifts, and stock locations.

Thin: read with few queries, hand writes to `andon.plant.services` through the shared form and
delete pages, and check the capability on every page.
"""

import datetime as dt

from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from andon.accounts.permissions import requires
from andon.accounts.roles import can
from andon.catalog.models import AlternativeWorkCenter, Operation
from andon.core.errors import DomainError
from andon.core.listing import Column, Filter, ListPage, render_list
from andon.core.pages import delete_page, form_page, form_values, record_page, show_problems
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


def _lines() -> list[tuple[str, str]]:
    lines = WorkCenter.objects.exclude(line="").order_by("line").values_list("line", flat=True)
    return [(v, v) for v in lines.distinct()]


# --- work centers -------------------------------------------------------------------------------

WORK_CENTERS = ListPage(
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
    filters=[Filter("line", "Line", "line", _lines)],
    default_sort="code",
    detail_url=lambda wc: reverse("plant:workcenter-detail", args=[wc.pk]),
    create_url_name="plant:workcenter-create",
    create_capability=CHANGE,
)


@requires("view")
def work_center_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, WORK_CENTERS)


@requires("view")
def work_center_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything a planner asks about a work center: hours ahead and the routings it runs."""
    wc = get_object_or_404(WorkCenter.objects.select_related("calendar"), pk=pk)
    today = timezone.localdate()
    days = hours_by_day(wc.calendar, today, LOOKAHEAD_DAYS)
    operations = Operation.objects.filter(work_center=wc).select_related("item", "skill")
    alternatives = AlternativeWorkCenter.objects.filter(work_center=wc).select_related(
        "operation__item", "operation__work_center"
    )
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
            "operations": operations,
            "alternatives": alternatives,
            "can_change": can(request.user, CHANGE),
        },
    )


@requires(CHANGE)
def work_center_create(request: HttpRequest) -> HttpResponse:
    return form_page(
        request,
        WorkCenterForm(request.POST or None),
        title="New work center",
        cancel_url=reverse("plant:workcenter-list"),
        save=lambda form: services.create_work_center(request.user, form_values(form)),
        done=lambda wc: reverse("plant:workcenter-detail", args=[wc.pk]),
    )


@requires(CHANGE)
def work_center_edit(request: HttpRequest, pk: int) -> HttpResponse:
    wc = get_object_or_404(WorkCenter, pk=pk)
    return form_page(
        request,
        WorkCenterForm(request.POST or None, instance=WorkCenter.objects.get(pk=pk)),
        title=f"Edit {wc}",
        cancel_url=reverse("plant:workcenter-detail", args=[pk]),
        save=lambda form: services.update_work_center(request.user, wc, form_values(form)),
        done=lambda saved: reverse("plant:workcenter-detail", args=[saved.pk]),
    )


@requires(CHANGE)
def work_center_delete(request: HttpRequest, pk: int) -> HttpResponse:
    wc = get_object_or_404(WorkCenter, pk=pk)
    return delete_page(
        request,
        wc,
        delete=lambda: services.delete_work_center(request.user, wc),
        cancel_url=reverse("plant:workcenter-detail", args=[pk]),
        done_url=reverse("plant:workcenter-list"),
    )


# --- shifts -------------------------------------------------------------------------------------

WEEKDAY_NAMES = dict(zip("1234567", ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], strict=True))


def weekday_names(digits: str) -> str:
    return " ".join(WEEKDAY_NAMES[d] for d in sorted(digits))


SHIFTS = ListPage(
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
    detail_url=lambda s: reverse("plant:shift-detail", args=[s.pk]),
    create_url_name="plant:shift-create",
    create_capability=CHANGE,
)


@requires("view")
def shift_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, SHIFTS)


@requires("view")
def shift_detail(request: HttpRequest, pk: int) -> HttpResponse:
    shift = get_object_or_404(Shift, pk=pk)
    calendars = shift.calendars.order_by("code")
    workers = shift.workers.order_by("code")
    change = can(request.user, CHANGE)
    return record_page(
        request,
        shift,
        title=str(shift),
        back_url=reverse("plant:shift-list"),
        edit_url=reverse("plant:shift-edit", args=[pk]) if change else "",
        delete_url=reverse("plant:shift-delete", args=[pk]) if change else "",
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


@requires(CHANGE)
def shift_create(request: HttpRequest) -> HttpResponse:
    return form_page(
        request,
        ShiftForm(request.POST or None),
        title="New shift",
        cancel_url=reverse("plant:shift-list"),
        save=lambda form: services.create_shift(request.user, form_values(form)),
        done=lambda s: reverse("plant:shift-detail", args=[s.pk]),
    )


@requires(CHANGE)
def shift_edit(request: HttpRequest, pk: int) -> HttpResponse:
    shift = get_object_or_404(Shift, pk=pk)
    return form_page(
        request,
        ShiftForm(request.POST or None, instance=Shift.objects.get(pk=pk)),
        title=f"Edit {shift}",
        cancel_url=reverse("plant:shift-detail", args=[pk]),
        save=lambda form: services.update_shift(request.user, shift, form_values(form)),
        done=lambda s: reverse("plant:shift-detail", args=[s.pk]),
    )


@requires(CHANGE)
def shift_delete(request: HttpRequest, pk: int) -> HttpResponse:
    shift = get_object_or_404(Shift, pk=pk)
    return delete_page(
        request,
        shift,
        delete=lambda: services.delete_shift(request.user, shift),
        cancel_url=reverse("plant:shift-detail", args=[pk]),
        done_url=reverse("plant:shift-list"),
        also_blocked_by={"calendar": list(shift.calendars.values_list("code", flat=True))},
    )


# --- calendars ----------------------------------------------------------------------------------

CALENDARS = ListPage(
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
    detail_url=lambda c: reverse("plant:calendar-detail", args=[c.pk]),
    create_url_name="plant:calendar-create",
    create_capability=CHANGE,
)


@requires("view")
def calendar_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, CALENDARS)


@requires("view")
def calendar_detail(request: HttpRequest, pk: int) -> HttpResponse:
    calendar = get_object_or_404(Calendar, pk=pk)
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
            "can_change": can(request.user, CHANGE),
        },
    )


@requires(CHANGE)
def calendar_create(request: HttpRequest) -> HttpResponse:
    return form_page(
        request,
        CalendarForm(request.POST or None),
        title="New calendar",
        cancel_url=reverse("plant:calendar-list"),
        save=lambda form: services.create_calendar(
            request.user, form_values(form, skip=("shifts",)), form.cleaned_data["shifts"]
        ),
        done=lambda c: reverse("plant:calendar-detail", args=[c.pk]),
    )


@requires(CHANGE)
def calendar_edit(request: HttpRequest, pk: int) -> HttpResponse:
    calendar = get_object_or_404(Calendar, pk=pk)
    return form_page(
        request,
        CalendarForm(request.POST or None, instance=Calendar.objects.get(pk=pk)),
        title=f"Edit calendar {calendar}",
        cancel_url=reverse("plant:calendar-detail", args=[pk]),
        save=lambda form: services.update_calendar(
            request.user,
            calendar,
            form_values(form, skip=("shifts",)),
            form.cleaned_data["shifts"],
        ),
        done=lambda c: reverse("plant:calendar-detail", args=[c.pk]),
    )


@requires(CHANGE)
def calendar_delete(request: HttpRequest, pk: int) -> HttpResponse:
    calendar = get_object_or_404(Calendar, pk=pk)
    return delete_page(
        request,
        calendar,
        delete=lambda: services.delete_calendar(request.user, calendar),
        cancel_url=reverse("plant:calendar-detail", args=[pk]),
        done_url=reverse("plant:calendar-list"),
        cascades="its holidays and extra working times",
    )


@require_POST
@requires(CHANGE)
def calendar_exception_add(request: HttpRequest, pk: int) -> HttpResponse:
    calendar = get_object_or_404(Calendar, pk=pk)
    form = CalendarExceptionForm(request.POST, instance=CalendarException(calendar=calendar))
    if form.is_valid():
        try:
            services.add_calendar_exception(request.user, calendar, form_values(form))
        except DomainError as exc:
            show_problems(form, exc)
        else:
            return redirect("plant:calendar-detail", pk=pk)
    return _calendar_page(request, calendar, form)


@require_POST
@requires(CHANGE)
def calendar_exception_delete(request: HttpRequest, pk: int, exception_id: int) -> HttpResponse:
    exception = get_object_or_404(CalendarException, pk=exception_id, calendar_id=pk)
    services.delete_calendar_exception(request.user, exception)
    return redirect("plant:calendar-detail", pk=pk)


# --- locations ----------------------------------------------------------------------------------

LOCATIONS = ListPage(
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
    detail_url=lambda loc: reverse("plant:location-detail", args=[loc.pk]),
    create_url_name="plant:location-create",
    create_capability=CHANGE,
)


@requires("view")
def location_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, LOCATIONS)


@requires("view")
def location_detail(request: HttpRequest, pk: int) -> HttpResponse:
    location = get_object_or_404(
        Location.objects.prefetch_related(
            Prefetch("children", queryset=Location.objects.order_by("code"))
        ),
        pk=pk,
    )
    change = can(request.user, CHANGE)
    return record_page(
        request,
        location,
        title=" / ".join(loc.code for loc in location.path()),
        back_url=reverse("plant:location-list"),
        edit_url=reverse("plant:location-edit", args=[pk]) if change else "",
        delete_url=reverse("plant:location-delete", args=[pk]) if change else "",
        related=[
            {
                "title": "Inside it",
                "headers": ["Code", "Name", "Kind"],
                "rows": [(c.code, c.name, c.get_kind_display()) for c in location.children.all()],
            }
        ],
    )


@requires(CHANGE)
def location_create(request: HttpRequest) -> HttpResponse:
    return form_page(
        request,
        LocationForm(request.POST or None),
        title="New location",
        cancel_url=reverse("plant:location-list"),
        save=lambda form: services.create_location(request.user, form_values(form)),
        done=lambda loc: reverse("plant:location-detail", args=[loc.pk]),
    )


@requires(CHANGE)
def location_edit(request: HttpRequest, pk: int) -> HttpResponse:
    location = get_object_or_404(Location, pk=pk)
    return form_page(
        request,
        LocationForm(request.POST or None, instance=Location.objects.get(pk=pk)),
        title=f"Edit location {location}",
        cancel_url=reverse("plant:location-detail", args=[pk]),
        save=lambda form: services.update_location(request.user, location, form_values(form)),
        done=lambda loc: reverse("plant:location-detail", args=[loc.pk]),
    )


@requires(CHANGE)
def location_delete(request: HttpRequest, pk: int) -> HttpResponse:
    location = get_object_or_404(Location, pk=pk)
    return delete_page(
        request,
        location,
        delete=lambda: services.delete_location(request.user, location),
        cancel_url=reverse("plant:location-detail", args=[pk]),
        done_url=reverse("plant:location-list"),
    )
