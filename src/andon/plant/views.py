from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from andon.core.detail import render_detail
from andon.core.listing import Column, Filter, ListPage, render_list
from andon.plant.models import Calendar, Location, WorkCenter

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
    ],
    search_fields=["code", "name", "line"],
    filters=[
        Filter(
            "line",
            "Line",
            "line",
            lambda: [
                (v, v)
                for v in WorkCenter.objects.exclude(line="")
                .order_by("line")
                .values_list("line", flat=True)
                .distinct()
            ],
        ),
    ],
    default_sort="code",
    detail_url=lambda wc: reverse("plant:workcenter-detail", args=[wc.pk]),
)


def work_center_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, WORK_CENTERS)


def work_center_detail(request: HttpRequest, pk: int) -> HttpResponse:
    wc = get_object_or_404(WorkCenter.objects.select_related("calendar"), pk=pk)
    return render_detail(request, wc, title=str(wc), back_url=reverse("plant:workcenter-list"))


CALENDARS = ListPage(
    title="Calendars",
    queryset=lambda: Calendar.objects.prefetch_related("shifts"),
    columns=[
        Column("Code", "code", sort="code"),
        Column("Name", "name", sort="name"),
        Column("Shifts", lambda c: ", ".join(str(s) for s in c.shifts.all())),
    ],
    search_fields=["code", "name"],
    default_sort="code",
)


def calendar_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, CALENDARS)


LOCATIONS = ListPage(
    title="Locations",
    queryset=lambda: Location.objects.select_related("parent"),
    columns=[
        Column("Code", "code", sort="code"),
        Column("Name", "name", sort="name"),
        Column("Kind", "get_kind_display", sort="kind"),
        Column("Inside", "parent.code", sort="parent__code"),
        Column("Nettable", lambda loc: "yes" if loc.nettable else "no"),
    ],
    search_fields=["code", "name"],
    filters=[Filter("kind", "Kind", "kind", Location.Kind.choices)],
    default_sort="code",
)


def location_list(request: HttpRequest) -> HttpResponse:
    return render_list(request, LOCATIONS)
