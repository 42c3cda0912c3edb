"""The Gantt as a planner meets it: a chart is drawn, a click opens an operation, it can be locked."""

import datetime as dt


def test_gantt_draws_and_an_operation_can_be_locked(
    live_server, page, login, roles, make_item, calendar, warehouse
):
    from django.utils import timezone

    from andon.catalog.models import Operation
    from andon.plant.models import WorkCenter
    from andon.production import services as production
    from andon.scheduling import services
    from andon.scheduling.models import ScheduledOperation

    lathe = WorkCenter.objects.create(code="LATHE", name="Lathe", calendar=calendar)
    part = make_item("PART", procurement="make")
    Operation.objects.create(item=part, sequence=10, work_center=lathe, run_minutes_per_unit=30)
    production.create_work_order(
        None, item=part, quantity=2, due_date=timezone.localdate() + dt.timedelta(days=10),
        supply_location=warehouse, output_location=warehouse,
    )  # fmt: skip
    run = services.create_run(None, time_limit=1, horizon_days=14)
    services.execute_run(run.pk)
    row = ScheduledOperation.objects.get()
    login("planner")
    start = timezone.localtime(row.start).date().isoformat()
    page.goto(f"{live_server.url}/scheduling/gantt/?from={start}")
    page.wait_for_selector("#gantt[data-ready='1'] .main-svg")
    assert page.locator("#gantt .bars path, #gantt .point path").count() >= 1
    page.goto(f"{live_server.url}/scheduling/operations/{row.pk}/")
    page.click("#lock-button")
    page.wait_for_selector("#lock-state:has-text('Locked')")
    row.refresh_from_db()
    assert row.locked
