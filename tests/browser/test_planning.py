"""MRP as a planner meets it in a browser: from no plan to a run, orders acted on, and the why."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect


@pytest.fixture
def plant(make_item, customer, supplier, warehouse):
    """A pump made in lots of at most 4 from a bought motor and seal; one customer order is
    already late, another is due in three weeks."""
    from django.utils import timezone

    from andon.catalog.models import BomLine
    from andon.orders.models import SalesOrder, SalesOrderLine
    from andon.partners.models import SupplierItem

    today = timezone.localdate()
    pump = make_item(
        "PUMP", procurement="make", lead_time_days=2, lot_size_rule="min_max", max_qty=4
    )
    motor = make_item("MOTOR", lead_time_days=3)
    seal = make_item("SEAL", lead_time_days=1)
    BomLine.objects.create(parent=pump, component=motor, quantity=Decimal("1"))
    BomLine.objects.create(parent=pump, component=seal, quantity=Decimal("2"))
    for item in (motor, seal):
        SupplierItem.objects.create(supplier=supplier, item=item, preferred=True, lead_time_days=3)
    soon = SalesOrder.objects.create(number="SO-1", customer=customer, order_date=today)
    SalesOrderLine.objects.create(
        order=soon, line=1, item=pump, quantity=10, due_date=today + dt.timedelta(days=21)
    )
    late = SalesOrder.objects.create(number="SO-2", customer=customer, order_date=today)
    SalesOrderLine.objects.create(
        order=late, line=1, item=pump, quantity=3, due_date=today - dt.timedelta(days=2)
    )
    return pump, motor, seal


def _rows(page):
    return page.locator("table.data tbody tr")


def _run_from(page):
    """Press the run button and wait for the run's page to say it is published."""
    page.get_by_role("button", name=re.compile("Run MRP")).first.click()
    page.wait_for_url(re.compile(r"/planning/runs/\d+/$"))
    expect(page.locator("#run-progress")).to_contain_text("Published")
    expect(page.locator("#run-progress")).to_contain_text("published:")


def test_a_planner_runs_mrp_and_acts_on_the_plan(live_server, page, login, roles, plant):
    from andon.orders.models import PurchaseOrder
    from andon.planning.models import PlannedOrder
    from andon.production.models import WorkOrder

    login("planner")
    base = live_server.url

    # No plan yet: the page says so and offers the run.
    page.goto(f"{base}/planning/orders/")
    expect(page.locator("#no-plan")).to_contain_text("No plan yet")
    _run_from(page)
    kpi = page.locator(".kpi", has_text="Planned orders").locator(".value")
    assert int(kpi.inner_text()) == PlannedOrder.objects.count() > 0

    # Filter: only the motor's orders.
    page.goto(f"{base}/planning/orders/")
    page.fill("input[name=item]", "MOTOR")
    page.click("button:has-text('Apply')")
    expect(_rows(page).first).to_contain_text("MOTOR")
    assert _rows(page).count() == PlannedOrder.objects.filter(item__sku="MOTOR").count()
    expect(page.locator("table.data")).not_to_contain_text("SEAL")

    # Firm one order.
    motor_order = PlannedOrder.objects.filter(item__sku="MOTOR").order_by("due_date").first()
    page.check(f"input[name=ids][value='{motor_order.pk}']")
    page.click("button:has-text('Firm ticked')")
    expect(page.locator(".message.success")).to_contain_text("Firmed 1 planned order")
    row = page.locator("tr", has=page.locator(f"input[value='{motor_order.pk}']"))
    expect(row.locator(".badge.info")).to_have_text("firm")
    motor_order.refresh_from_db()
    assert motor_order.firm

    # Convert a selection: the pump orders, the ten-piece one split into lots of four.
    page.goto(f"{base}/planning/orders/?item=PUMP")
    page.check("input[aria-label='Tick all']")
    page.click("button:has-text('Convert ticked')")
    message = page.locator(".message.success")
    expect(message).to_contain_text("into 3 lots")
    assert sorted(WorkOrder.objects.values_list("quantity", flat=True)) == [2, 3, 4, 4]
    expect(_rows(page).first.locator(".badge.ok")).to_contain_text("WO-")
    assert not PurchaseOrder.objects.exists()

    # The MRP record of the seal, by week and by day.
    page.goto(f"{base}/planning/orders/?item=SEAL")
    page.locator("table.data tbody a", has_text="SEAL").first.click()
    expect(page.locator("h1")).to_have_text("MRP record: SEAL")
    expect(page.locator("table.data th").first).to_have_text("Week of")
    page.click("a:has-text('By day')")
    expect(page.locator("table.data th").first).to_have_text("Day")
    gross = page.locator("tr", has_text="Gross requirements")
    assert "2" in gross.inner_text()  # two seals per pump

    # The pegging tree of a motor order reaches the customer order it serves.
    motor_order = PlannedOrder.objects.filter(item__sku="MOTOR").order_by("due_date").last()
    page.goto(f"{base}/planning/orders/{motor_order.pk}/pegging/")
    tree = page.locator("table.tree")
    expect(tree).to_contain_text("PUMP")
    expect(tree.locator("tr", has_text="Sales order SO-1/1")).to_contain_text("customer")

    # Exceptions: the late customer order, and only shortages when asked.
    page.goto(f"{base}/planning/exceptions/")
    expect(page.locator("table.data")).to_contain_text("SO-2/1")
    page.select_option("select[name=kind]", "shortage")
    page.click("button:has-text('Apply')")
    kinds = page.locator("table.data tbody td:first-child").all_inner_texts()
    assert kinds
    assert set(kinds) == {"Shortage"}

    # Run again and compare: the converted pump orders left the plan.
    page.goto(f"{base}/planning/runs/")
    _run_from(page)
    page.click("a:has-text('Compare with')")
    removed = page.locator(".kpi", has_text="Removed").locator(".value")
    assert int(removed.inner_text()) >= 1
    expect(page.locator(".card", has_text="Removed").last).to_contain_text("PUMP")


def test_a_viewer_sees_the_empty_plan_without_a_run_button(live_server, page, login, roles):
    login("viewer")
    for path in ("orders", "exceptions", "sales-pegging", "compare"):
        page.goto(f"{live_server.url}/planning/{path}/")
        expect(page.locator("#no-plan")).to_contain_text("ask one to")
        expect(page.get_by_role("button", name=re.compile("Run MRP"))).to_have_count(0)


def test_a_failed_run_shows_why_and_keeps_the_plan(live_server, page, login, roles, plant):
    """A BOM cycle stops the run; the page names the items and nothing is published."""
    from andon.catalog.models import BomLine
    from andon.planning.models import CurrentPlan, PlanRun

    pump, motor, _seal = plant
    BomLine.objects.bulk_create([BomLine(parent=motor, component=pump, quantity=1)])
    login("planner")
    page.goto(f"{live_server.url}/planning/runs/")
    page.click("button:has-text('Run MRP now')")
    progress = page.locator("#run-progress")
    expect(progress).to_contain_text("Failed")
    expect(progress).to_contain_text("cycle")
    assert PlanRun.objects.get().status == PlanRun.Status.FAILED
    assert not CurrentPlan.objects.exists()
