"""run_plan on a real database: publishes atomically, and a bad run leaves the plan in force."""

import datetime as dt
from decimal import Decimal

import pytest

from andon.catalog.models import BomLine
from andon.orders.models import SalesOrder, SalesOrderLine
from andon.planning.models import CurrentPlan, Pegging, PlannedOrder, PlanRun
from andon.planning.services import current_run, run_plan

TODAY = dt.date(2025, 3, 3)


@pytest.fixture
def pump_plant(make_item, customer):
    pump = make_item("PUMP", procurement="make", lead_time_days=2)
    motor = make_item("MOTOR", procurement="buy", lead_time_days=3)
    BomLine.objects.create(parent=pump, component=motor, quantity=Decimal("2"))
    order = SalesOrder.objects.create(number="SO-1", customer=customer, order_date=TODAY)
    SalesOrderLine.objects.create(
        order=order, line=1, item=pump, quantity=Decimal("5"), due_date=dt.date(2025, 3, 21)
    )
    return pump, motor


def test_a_run_is_written_and_published(pump_plant):
    run = run_plan(today=TODAY)
    assert run.status == PlanRun.Status.PUBLISHED, run.log
    assert current_run() == run
    orders = {o.item.sku: o for o in PlannedOrder.objects.filter(run=run)}
    assert orders["PUMP"].quantity == 5
    assert orders["PUMP"].release_date == dt.date(2025, 3, 19)
    assert orders["MOTOR"].quantity == 10
    assert orders["MOTOR"].due_date == dt.date(2025, 3, 19)
    peg = Pegging.objects.get(order=orders["MOTOR"])
    assert peg.parent == orders["PUMP"]
    assert Pegging.objects.get(order=orders["PUMP"]).reference == "SO-1/1"


def test_a_failed_run_leaves_the_plan_in_force(pump_plant):
    pump, motor = pump_plant
    first = run_plan(today=TODAY)
    BomLine.objects.create(parent=motor, component=pump, quantity=Decimal("1"))
    second = run_plan(today=TODAY)
    assert second.status == PlanRun.Status.FAILED
    assert "cycle" in second.log
    assert "PUMP" in second.log
    assert current_run() == first
    assert CurrentPlan.objects.count() == 1
    assert not PlannedOrder.objects.filter(run=second).exists()


def test_the_plan_command_publishes_and_fails_in_one_line(pump_plant):
    from django.core.management import CommandError, call_command

    pump, motor = pump_plant
    call_command("plan", "--today", "2025-03-03")
    assert current_run().status == PlanRun.Status.PUBLISHED
    BomLine.objects.create(parent=motor, component=pump, quantity=Decimal("1"))
    with pytest.raises(CommandError, match="failed: the structure has a cycle"):
        call_command("plan", "--today", "2025-03-03")


def test_lead_times_count_the_plant_calendar_holidays(pump_plant, calendar):
    from andon.plant.models import CalendarException

    # Closing Wed 19 Mar: 2 working days before Fri 21 are now Thu 20 and Tue 18.
    CalendarException.objects.create(
        calendar=calendar, date=dt.date(2025, 3, 19), kind=CalendarException.Kind.CLOSED
    )
    run = run_plan(today=TODAY)
    pump = PlannedOrder.objects.get(run=run, item__sku="PUMP")
    assert pump.release_date == dt.date(2025, 3, 18)


def test_a_lot_size_rule_without_its_parameter_fails_the_run_naming_the_item(pump_plant):
    from andon.catalog.models import Item

    first = run_plan(today=TODAY)
    # Written behind the services' back (a script, a restored backup): no maximum for min/max.
    Item.objects.filter(sku="MOTOR").update(lot_size_rule="min_max", max_qty=None)
    second = run_plan(today=TODAY)
    assert second.status == PlanRun.Status.FAILED
    assert "MOTOR" in second.log
    assert "maximum" in second.log
    assert current_run() == first


def test_items_without_routing_or_supplier_are_named_in_the_log(pump_plant):
    run = run_plan(today=TODAY)
    assert run.status == PlanRun.Status.PUBLISHED
    assert "make item PUMP has no routing" in run.log
    assert "buy item MOTOR has no supplier" in run.log


def test_unusable_master_data_is_reported_as_bad_input_naming_the_item(pump_plant):
    from andon.catalog.models import Item
    from andon.engines import mrp
    from andon.planning.inputs import build_problem

    Item.objects.filter(sku="MOTOR").update(lot_size_rule="fixed", lot_size=None)
    with pytest.raises(mrp.MrpProblemError, match="MOTOR"):
        build_problem(TODAY, TODAY + dt.timedelta(days=60))
    run = run_plan(today=TODAY)
    assert run.status == PlanRun.Status.FAILED
    assert "bad input: item MOTOR" in run.log


@pytest.mark.parametrize("bug", [RuntimeError("planner broke"), KeyError("PUMP")])
def test_a_bug_inside_mrp_is_not_reported_as_bad_data(pump_plant, monkeypatch, bug):
    """An error from inside the planner is the engine's fault, not the plant's: the run says
    it failed inside, the error goes on to the log, and the plan in force stays."""
    from andon.engines.mrp import planner

    first = run_plan(today=TODAY)

    def broken(self):
        raise bug

    monkeypatch.setattr(planner._Planner, "run", broken)
    with pytest.raises(type(bug)):
        run_plan(today=TODAY)
    second = PlanRun.objects.order_by("-version").first()
    assert second.status == PlanRun.Status.FAILED
    assert "bad input" not in second.log
    assert "internal error, nothing published" in second.log
    assert current_run() == first


def test_a_value_error_from_a_bug_while_reading_is_not_bad_data(pump_plant, monkeypatch):
    """Before engines had their own error, any ValueError read as bad data, bugs included."""
    from andon.planning import services

    def broken(*args, **kwargs):
        raise ValueError("a bug, not the plant's data")

    monkeypatch.setattr(services, "build_problem", broken)
    with pytest.raises(ValueError, match="a bug"):
        run_plan(today=TODAY)
    failed = PlanRun.objects.order_by("-version").first()
    assert failed.status == PlanRun.Status.FAILED
    assert "bad input" not in failed.log
