"""Capable-to-promise on a hand-checked example; pages and API render and refuse politely."""

import datetime as dt

import pytest

from .conftest import MONDAY


def test_promise_fits_after_the_schedule_in_force(order, run_now, part, origin):
    from andon.scheduling import ctp

    order(5)  # 06:00-11:00 Monday on the only lathe
    run_now()
    answer = ctp.capable_to_promise(part, 3, origin=origin, time_limit=2)
    # 180 minutes: 11:00-14:00 fits Monday's shift exactly.
    assert answer.exact
    assert answer.finish == origin + dt.timedelta(hours=8)
    assert answer.date == MONDAY
    bigger = ctp.capable_to_promise(part, 4, origin=origin, time_limit=2)
    # 240 minutes: 11:00 + 240 > 14:00, so it waits for Tuesday 06:00-10:00.
    assert bigger.finish == origin + dt.timedelta(days=1, hours=4)


@pytest.fixture
def published(order, run_now):
    order(3)
    return run_now()


@pytest.mark.parametrize(
    "path",
    [
        "",
        "gantt/",
        "gantt/?by=order&colour=lateness",
        "load/",
        "dispatch/",
        "dispatch/LATHE/",
        "late/",
        "promise/",
    ],
)
def test_pages_render(viewer_client, published, path):
    response = viewer_client.get(f"/scheduling/{path}")
    assert response.status_code == 200


def test_operation_page_and_viewer_cannot_lock(viewer_client, published):
    from andon.scheduling.models import ScheduledOperation

    row = ScheduledOperation.objects.get(run=published)
    assert viewer_client.get(f"/scheduling/operations/{row.pk}/").status_code == 200
    assert viewer_client.post(f"/scheduling/operations/{row.pk}/lock/").status_code == 403
    assert (
        viewer_client.post(
            "/scheduling/runs/start/", {"time_limit": 1, "horizon_days": 5}
        ).status_code
        == 403
    )
    row.refresh_from_db()
    assert not row.locked


def test_planner_locks_and_checks_a_move(planner_client, published, origin):
    from andon.scheduling.models import ScheduledOperation

    row = ScheduledOperation.objects.get(run=published)
    planner_client.post(f"/scheduling/operations/{row.pk}/lock/", {"locked": "1"})
    row.refresh_from_db()
    assert row.locked
    night = (origin + dt.timedelta(hours=12)).astimezone().strftime("%Y-%m-%dT%H:%M")
    page = planner_client.get(
        f"/scheduling/operations/{row.pk}/", {"work_center": row.work_center_id, "start": night}
    )
    assert b"would break" in page.content
    assert b"calendar" in page.content


def test_api_answers_401_403_422(viewer_client, published):
    from django.test import Client

    assert Client().get("/api/v1/schedules").status_code == 401
    assert (
        viewer_client.get("/api/v1/schedules/current/operations?work_center=LATHE").json()["count"]
        == 1
    )
    assert viewer_client.get("/api/v1/dispatch-lists/LATHE").status_code == 200
    assert (
        viewer_client.post(
            "/api/v1/schedules", {"time_limit": 1}, content_type="application/json"
        ).status_code
        == 403
    )
    assert (
        viewer_client.post(
            "/api/v1/capable-to-promise",
            {"item": "PART", "quantity": -1},
            content_type="application/json",
        ).status_code
        == 422
    )
