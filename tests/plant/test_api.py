"""Plant API: authentication, permissions, clear error codes, filters and pagination."""

import pytest

from andon.plant.models import Location, Shift, WorkCenter

pytestmark = pytest.mark.django_db


def test_viewer_reads_but_cannot_write(viewer_client, api_as, work_center):
    api = api_as(viewer_client)
    assert api.get("/work-centers/CNC1").json()["calendar"] == "1SHIFT"
    response = api.post("/work-centers", {"code": "X", "name": "X", "calendar": "1SHIFT"})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert api.patch("/work-centers/CNC1", {"capacity": 9}).status_code == 403
    assert api.delete("/work-centers/CNC1").status_code == 403
    assert WorkCenter.objects.get(code="CNC1").capacity == 2


def test_work_center_crud(planner_client, api_as, calendar):
    api = api_as(planner_client)
    response = api.post(
        "/work-centers", {"code": "WELD1", "name": "Welding", "calendar": "1SHIFT", "line": "L2"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["capacity"] == 1
    response = api.patch("/work-centers/WELD1", {"capacity": 3})
    assert response.json()["capacity"] == 3
    assert api.delete("/work-centers/WELD1").status_code == 204
    assert api.get("/work-centers/WELD1").status_code == 404


def test_bad_input_gets_a_code_and_problems(planner_client, api_as, work_center):
    api = api_as(planner_client)
    response = api.post("/work-centers", {"code": "CNC1", "name": "Dup", "calendar": "1SHIFT"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["problems"][0]["column"] == "code"
    response = api.patch("/work-centers/CNC1", {"capacity": 0})
    assert response.status_code == 400
    response = api.post("/work-centers", {"code": "N", "name": "N", "calendar": "NOPE"})
    assert response.json()["code"] == "unknown_calendar"
    response = api.post("/work-centers", {"code": "N", "name": "N"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"
    response = api.post(
        "/shifts", {"code": "Z", "name": "Z", "start_time": "06:00", "end_time": "06:00"}
    )
    assert response.status_code == 400


def test_work_center_filters_and_pagination(planner_client, api_as, calendar):
    for n in range(5):
        WorkCenter.objects.create(
            code=f"WC{n}", name=f"Station {n}", calendar=calendar, line="A" if n < 3 else "B"
        )
    api = api_as(planner_client)
    body = api.get("/work-centers?line=A&limit=2&offset=0").json()
    assert body["count"] == 3
    assert [w["code"] for w in body["items"]] == ["WC0", "WC1"]
    body = api.get("/work-centers?line=A&limit=2&offset=2").json()
    assert [w["code"] for w in body["items"]] == ["WC2"]
    assert api.get("/work-centers?q=station 4").json()["count"] == 1


def test_calendar_with_shifts_and_exceptions(planner_client, api_as, day_shift):
    api = api_as(planner_client)
    response = api.post("/calendars", {"code": "CAL", "name": "Cal", "shifts": ["DAY"]})
    assert response.status_code == 201, response.content
    assert response.json()["shifts"] == ["DAY"]
    response = api.post("/calendars/CAL/exceptions", {"date": "2025-12-25", "reason": "Xmas"})
    assert response.status_code == 201
    exception_id = response.json()["id"]
    assert api.get("/calendars?shift=DAY").json()["count"] == 1
    assert api.get("/calendars/CAL").json()["exceptions"][0]["reason"] == "Xmas"
    response = api.patch("/calendars/CAL", {"shifts": ["NOPE"]})
    assert response.json()["code"] == "unknown_shift"
    assert api.delete(f"/calendars/CAL/exceptions/{exception_id}").status_code == 204
    assert api.delete("/calendars/CAL/exceptions/999").status_code == 404


def test_shift_crud(planner_client, api_as):
    api = api_as(planner_client)
    response = api.post(
        "/shifts",
        {
            "code": "N",
            "name": "Night",
            "start_time": "22:00",
            "end_time": "06:00",
            "break_minutes": 30,
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["minutes"] == 450
    assert api.patch("/shifts/N", {"weekdays": "1234567"}).json()["weekdays"] == "1234567"
    assert api.get("/shifts?weekday=7").json()["count"] == 1
    assert api.delete("/shifts/N").status_code == 204
    assert not Shift.objects.exists()


def test_location_tree(planner_client, api_as, warehouse):
    api = api_as(planner_client)
    response = api.post("/locations", {"code": "WH-A", "name": "A", "kind": "zone", "parent": "WH"})
    assert response.status_code == 201, response.content
    assert api.get("/locations?parent=WH").json()["items"][0]["code"] == "WH-A"
    response = api.patch("/locations/WH", {"parent": "WH-A"})
    assert response.status_code == 400
    assert response.json()["problems"][0]["column"] == "parent"
    response = api.post("/locations", {"code": "B", "name": "B", "kind": "attic"})
    assert response.status_code == 422
    assert Location.objects.count() == 2


def test_list_query_count_does_not_grow_with_rows(
    planner_client, api_as, calendar, django_assert_max_num_queries
):
    for n in range(30):
        WorkCenter.objects.create(code=f"WC{n}", name="S", calendar=calendar)
    api = api_as(planner_client)
    with django_assert_max_num_queries(8):
        assert api.get("/work-centers?limit=30").status_code == 200
    with django_assert_max_num_queries(8):
        assert api.get("/calendars").status_code == 200


def test_a_shift_time_with_a_time_zone_is_refused_and_nothing_written(planner_client, api_as):
    """A time of day is the plant's wall-clock time; with a zone it cannot be stored (SQLite
    refuses it outright), so the API says which field, instead of failing."""
    api = api_as(planner_client)
    body = {"code": "Z", "name": "Zoned", "start_time": "04:25:15.2Z", "end_time": "12:00"}
    response = api.post("/shifts", body)
    assert response.status_code == 400, response.content
    assert response.json()["problems"][0]["column"] == "start_time"
    assert "without a time zone" in response.json()["problems"][0]["message"]
    assert not Shift.objects.exists()
