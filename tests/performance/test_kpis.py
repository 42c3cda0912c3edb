"""KPI service through the database, against figures computed by hand, and the pages."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from andon.engines.kpi import Kpi
from andon.performance import store
from andon.performance.services import KpiService

MONDAY = dt.date(2025, 3, 3)


def local(hour: int, minute: int = 0, day: dt.date = MONDAY) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def order(make_item, work_center, warehouse):
    from andon.production.models import WorkOrder, WorkOrderOperation

    item = make_item("SHAFT", procurement="make")
    wo = WorkOrder.objects.create(
        number="WO-1",
        item=item,
        quantity=250,
        due_date=MONDAY,
        status="completed",
        supply_location=warehouse,
        output_location=warehouse,
        lot_code="L1",
    )
    op = WorkOrderOperation.objects.create(
        work_order=wo, sequence=10, work_center=work_center, run_minutes_per_unit=Decimal("0.5")
    )
    return op


def event(op, kind, at, n=[0], **fields):  # noqa: B006 - a counter for unique ids
    from andon.production.models import ProductionEvent

    n[0] += 1
    return ProductionEvent.objects.create(
        client_id=f"t{n[0]}",
        kind=kind,
        at=at,
        work_center=op.work_center if op is not None else fields.pop("work_center"),
        operation=op,
        **fields,
    )


def shift(order):
    """Setup 06:00-06:30, production 06:30-09:00 (240 good, 10 scrap), breakdown 09:00-09:45,
    production 09:45-10:00 (30 good), complete. Planned busy time 06:00-14:00 (480 min)."""
    event(order, "setup_start", local(6))
    event(order, "setup_end", local(6, 30))
    event(order, "start", local(6, 30))
    event(order, "report", local(9), quantity=240, scrap_quantity=10, reason="DIM")
    event(order, "downtime_start", local(9), reason="SPINDLE", downtime_class="unplanned")
    event(order, "downtime_end", local(9, 45), downtime_class="unplanned")
    event(order, "report", local(10), quantity=30)
    event(order, "complete", local(10))


def test_oee_of_a_shift_as_computed_by_hand(order, django_assert_max_num_queries):
    shift(order)
    service = KpiService(now=local(23))
    store.refresh()  # the events' cost, paid once when they arrive; reading is bounded
    with django_assert_max_num_queries(8):
        rows = service.rows(MONDAY, MONDAY, "work_center", "all", tuple(Kpi))
    (row,) = rows
    v = row.values
    assert row.label == "CNC1"
    apt = 150 + 15
    assert row.totals["PBT"] == 480 * 60
    assert v["availability"].value == pytest.approx(apt / 480)
    assert v["effectiveness"].value == pytest.approx(0.5 * 280 / apt)
    assert v["quality_ratio"].value == pytest.approx(270 / 280)
    assert v["oee"].value == pytest.approx(0.5 * 270 / 480)
    assert v["loss_setup"].value == 30 * 60
    assert v["loss_breakdowns"].value == 45 * 60
    assert v["mttr"].value == 45 * 60
    # the cache: the same question does not read the database again
    with django_assert_max_num_queries(0):
        service.rows(MONDAY, MONDAY, "work_center", "all", tuple(Kpi))


def test_no_planned_time_and_zero_cycle_time_are_undefined_with_a_reason(order):
    order.run_minutes_per_unit = Decimal("0")
    order.save()
    saturday = MONDAY + dt.timedelta(days=5)
    event(order, "start", local(8, day=saturday))
    event(order, "report", local(9, day=saturday), quantity=10)
    event(order, "complete", local(9, day=saturday))
    (row,) = KpiService(now=local(23, day=saturday)).rows(
        saturday, saturday, "work_center", "all", tuple(Kpi)
    )
    assert row.values["availability"].value is None
    assert "no planned busy time" in row.values["availability"].reason
    assert row.values["effectiveness"].value is None
    assert "ideal cycle time" in row.values["effectiveness"].reason
    assert row.values["oee"].value is None


def test_overlapping_downtime_is_flagged_and_counted_once(order, work_center):
    event(order, "start", local(8))
    event(order, "report", local(9), quantity=100)
    event(order, "complete", local(9))
    event(
        None,
        "downtime_start",
        local(8, 50),
        work_center=work_center,
        reason="X",
        downtime_class="unplanned",
    )
    event(None, "downtime_end", local(9, 10), work_center=work_center, downtime_class="unplanned")
    service = KpiService(now=local(23))
    result = service.result(MONDAY, MONDAY, "work_center", "all")
    assert result.status.value == "overlaps"
    assert result.overlaps.elements == 1
    (row,) = service.rows(MONDAY, MONDAY, "work_center", "all", (Kpi.AVAILABILITY,))
    assert row.totals["APT"] == 3600
    assert row.totals["ADOT"] == 600


def test_pareto_by_reason(order):
    shift(order)
    pareto = KpiService(now=local(23)).pareto(MONDAY, MONDAY)
    assert pareto[0]["reason"] == "SPINDLE"
    assert pareto[0]["hours"] == pytest.approx(0.75)


PAGES = (
    "",
    "oee/",
    "downtime/",
    "downtime/?reason=SPINDLE",
    "throughput/",
    "andon/",
    "andon/tiles/",
    "oee/?from=bad&period=year",
)


@pytest.mark.parametrize("page", PAGES)
def test_pages_render_for_an_empty_plant(viewer_client, page):
    response = viewer_client.get(f"/performance/{page}")
    assert response.status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_pages_render_with_data_in_bounded_queries(
    viewer_client, order, page, django_assert_max_num_queries
):
    shift(order)
    with django_assert_max_num_queries(30):
        response = viewer_client.get(
            f"/performance/{page}?from=2025-03-01&to=2025-03-09"
            if "?" not in page
            else f"/performance/{page}"
        )
    assert response.status_code == 200


def test_pages_need_login(client):
    assert client.get("/performance/").status_code == 302


def test_api_kpis(viewer_client, order):
    shift(order)
    r = viewer_client.get(
        "/api/v1/kpis?group_by=work_center&period=day&from=2025-03-03&to=2025-03-09"
    )
    assert r.status_code == 200
    body = r.json()
    monday = next(row for row in body["rows"] if row["bucket"] == "2025-03-03")
    assert monday["kpis"]["oee"]["value"] == pytest.approx(0.5 * 270 / 480)
    assert r.json()["rows"][0]["key"] == "CNC1"


def test_api_undefined_reason_and_errors(viewer_client, order):
    from django.test import Client

    assert Client().get("/api/v1/kpis").status_code == 401
    assert viewer_client.get("/api/v1/kpis?group_by=colour").status_code == 422
    assert viewer_client.get("/api/v1/kpis?from=2025-03-09&to=2025-03-01").status_code in (400, 422)
    r = viewer_client.get("/api/v1/kpis?group_by=plant&period=all&from=2025-03-08&to=2025-03-08")
    assert r.status_code == 200
