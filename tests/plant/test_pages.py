"""Plant pages: rich detail pages, create and edit through forms, permissions, query counts."""

import datetime as dt

import pytest
from django.urls import reverse

from andon.plant.models import Calendar, CalendarException, Location, Shift, WorkCenter

pytestmark = pytest.mark.django_db


def test_work_center_detail_shows_calendar_hours_and_routings(
    planner_client, work_center, make_item
):
    from andon.catalog.models import Operation

    item = make_item("GEAR", procurement="make")
    Operation.objects.create(
        item=item, sequence=10, name="Hob teeth", work_center=work_center, run_minutes_per_unit=3
    )
    response = planner_client.get(reverse("plant:workcenter-detail", args=[work_center.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hob teeth" in html
    assert "GEAR" in html
    assert "06:00-14:00" in html  # the day shift's working window in the next 14 days
    assert "Working hours, next 14 days" in html
    assert reverse("plant:workcenter-edit", args=[work_center.pk]) in html


def test_viewer_sees_no_edit_button_and_gets_403_on_edit(viewer_client, work_center):
    html = viewer_client.get(reverse("plant:workcenter-detail", args=[work_center.pk])).content
    assert reverse("plant:workcenter-edit", args=[work_center.pk]).encode() not in html
    for name in ("plant:workcenter-edit", "plant:workcenter-delete"):
        assert viewer_client.get(reverse(name, args=[work_center.pk])).status_code == 403
    assert viewer_client.get(reverse("plant:workcenter-create")).status_code == 403
    response = viewer_client.post(
        reverse("plant:workcenter-edit", args=[work_center.pk]), {"capacity": 9}
    )
    assert response.status_code == 403
    work_center.refresh_from_db()
    assert work_center.capacity == 2


def test_create_work_center_through_the_form(planner_client, calendar):
    response = planner_client.post(
        reverse("plant:workcenter-create"),
        {
            "code": "PRESS1",
            "name": "Press",
            "calendar": calendar.pk,
            "capacity": 1,
            "cost_rate": "55",
            "efficiency_percent": "95",
            "active": "on",
        },
    )
    wc = WorkCenter.objects.get(code="PRESS1")
    assert response.status_code == 302
    assert response["Location"] == reverse("plant:workcenter-detail", args=[wc.pk])


def test_form_shows_problems_and_keeps_nothing(planner_client, work_center):
    response = planner_client.post(
        reverse("plant:workcenter-edit", args=[work_center.pk]),
        {
            "code": "CNC1",
            "name": "CNC mill",
            "calendar": work_center.calendar.pk,
            "capacity": 0,
            "cost_rate": "0",
            "efficiency_percent": "100",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["capacity"]
    work_center.refresh_from_db()
    assert work_center.capacity == 2


def test_edit_work_center(planner_client, work_center):
    response = planner_client.post(
        reverse("plant:workcenter-edit", args=[work_center.pk]),
        {
            "code": "CNC1",
            "name": "CNC mill",
            "calendar": work_center.calendar.pk,
            "capacity": 4,
            "cost_rate": "70",
            "efficiency_percent": "100",
            "active": "on",
        },
    )
    assert response.status_code == 302
    work_center.refresh_from_db()
    assert work_center.capacity == 4


def test_delete_page_says_what_still_uses_a_calendar(planner_client, work_center):
    url = reverse("plant:calendar-delete", args=[work_center.calendar.pk])
    response = planner_client.get(url)
    assert "still used by" in response.content.decode()
    assert "CNC1" in response.content.decode()
    planner_client.post(url)
    assert Calendar.objects.filter(pk=work_center.calendar.pk).exists()


def test_shift_form_with_weekdays_and_night_shift(planner_client):
    response = planner_client.post(
        reverse("plant:shift-create"),
        {
            "code": "NIGHT",
            "name": "Night",
            "start_time": "22:00",
            "end_time": "06:00",
            "weekdays": ["1", "2", "3"],
            "break_minutes": 30,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    shift = Shift.objects.get(code="NIGHT")
    assert shift.weekdays == "123"
    edit = planner_client.get(reverse("plant:shift-edit", args=[shift.pk]))
    assert edit.context["form"].initial["weekdays"] == ["1", "2", "3"]


def test_shift_with_start_equal_end_shows_the_error(planner_client):
    response = planner_client.post(
        reverse("plant:shift-create"),
        {
            "code": "Z",
            "name": "Z",
            "start_time": "06:00",
            "end_time": "06:00",
            "weekdays": ["1"],
            "break_minutes": 0,
        },
    )
    assert response.status_code == 200
    assert "same time" in response.content.decode()
    assert not Shift.objects.exists()


def test_shift_in_a_calendar_cannot_be_deleted_from_its_page(planner_client, calendar, day_shift):
    url = reverse("plant:shift-delete", args=[day_shift.pk])
    assert "calendar 1SHIFT" in planner_client.get(url).content.decode()
    planner_client.post(url)
    assert Shift.objects.filter(pk=day_shift.pk).exists()


def test_calendar_page_and_exceptions(planner_client, calendar):
    response = planner_client.post(
        reverse("plant:calendar-exception-add", args=[calendar.pk]),
        {"date": "2030-05-01", "kind": "closed", "reason": "Labour day"},
    )
    assert response.status_code == 302
    exception = CalendarException.objects.get()
    response = planner_client.post(
        reverse("plant:calendar-exception-add", args=[calendar.pk]),
        {"date": "2030-05-02", "kind": "working"},
    )
    assert response.status_code == 200
    assert "start and an end" in response.content.decode()
    assert (
        planner_client.get(reverse("plant:calendar-detail", args=[calendar.pk])).status_code == 200
    )
    planner_client.post(
        reverse("plant:calendar-exception-delete", args=[calendar.pk, exception.pk])
    )
    assert not CalendarException.objects.exists()


def test_calendar_form_sets_shifts(planner_client, day_shift):
    response = planner_client.post(
        reverse("plant:calendar-create"), {"code": "CAL", "name": "Cal", "shifts": [day_shift.pk]}
    )
    assert response.status_code == 302
    assert list(Calendar.objects.get(code="CAL").shifts.all()) == [day_shift]


def test_location_pages(planner_client, warehouse):
    response = planner_client.post(
        reverse("plant:location-create"),
        {
            "code": "WH-A",
            "name": "Zone A",
            "kind": "zone",
            "parent": warehouse.pk,
            "nettable": "on",
        },
    )
    assert response.status_code == 302
    zone = Location.objects.get(code="WH-A")
    assert (
        "WH / WH-A"
        in planner_client.get(reverse("plant:location-detail", args=[zone.pk])).content.decode()
    )
    response = planner_client.post(
        reverse("plant:location-edit", args=[warehouse.pk]),
        {"code": "WH", "name": "Main", "kind": "warehouse", "parent": zone.pk},
    )
    assert response.status_code == 200
    assert "inside itself" in response.content.decode()


@pytest.mark.parametrize(
    "url_name",
    ["plant:workcenter-list", "plant:shift-list", "plant:calendar-list", "plant:location-list"],
)
def test_list_pages_query_count_does_not_grow(
    planner_client, calendar, url_name, django_assert_max_num_queries
):
    for n in range(25):
        shift = Shift.objects.create(
            code=f"S{n}", name="S", start_time=dt.time(n % 24), end_time=dt.time((n + 8) % 24)
        )
        cal = Calendar.objects.create(code=f"C{n}", name="C")
        cal.shifts.add(shift)
        WorkCenter.objects.create(code=f"W{n}", name="W", calendar=cal, line=f"L{n % 3}")
        Location.objects.create(code=f"L{n}", name="L")
    with django_assert_max_num_queries(12):
        response = planner_client.get(reverse(url_name))
    assert response.status_code == 200
