"""`andon export planned-orders PATH` writes the plan in force as one CSV a buyer can open."""

import csv
import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command


@pytest.mark.django_db
def test_without_a_plan_it_says_to_run_one(tmp_path):
    with pytest.raises(CommandError, match="andon plan"):
        call_command("export", "planned-orders", str(tmp_path / "planned.csv"))


@pytest.mark.django_db
def test_writes_the_planned_orders_of_the_plan_in_force(tmp_path, make_item, customer, planner):
    from andon.orders import services as orders
    from andon.planning import services as planning

    item = make_item("VALVE-9", procurement="buy", lead_time_days=5)
    orders.create_sales_order(
        planner,
        customer=customer,
        order_date=dt.date(2030, 1, 1),
        lines=[orders.LineInput(item=item, quantity=Decimal("7"), due_date=dt.date(2030, 2, 1))],
    )
    planning.run_plan(planner, today=dt.date(2030, 1, 2))
    target = tmp_path / "planned.csv"
    call_command("export", "planned-orders", str(target))
    with target.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {"sku", "kind", "quantity", "release_date", "due_date"} <= set(rows[0])
    assert [(r["sku"], r["kind"], r["quantity"]) for r in rows] == [("VALVE-9", "buy", "7")]


def test_second_path_only_with_planned_orders(tmp_path):
    with pytest.raises(CommandError, match="planned-orders"):
        call_command("export", str(tmp_path / "out"), str(tmp_path / "extra.csv"))
