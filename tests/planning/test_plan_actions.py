"""Inputs from the database, atomic publishing, firming, converting, pegging, comparison, export."""

import csv
import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from andon.catalog.models import BomLine
from andon.core.errors import DomainError
from andon.orders.models import PurchaseOrder, SalesOrder, SalesOrderLine
from andon.partners.models import SupplierItem
from andon.planning import actions, queries, writer
from andon.planning.export import export_planned_orders
from andon.planning.models import PlannedOrder, PlanRun
from andon.planning.services import current_run, run_plan
from andon.production.models import WorkOrder, WorkOrderMaterial

TODAY = dt.date(2025, 3, 3)


@pytest.fixture
def plant(make_item, customer, supplier, warehouse):
    pump = make_item("PUMP", procurement="make", lead_time_days=2)
    motor = make_item("MOTOR", procurement="buy", lead_time_days=3)
    seal = make_item("SEAL", procurement="buy", lead_time_days=1)
    BomLine.objects.create(parent=pump, component=motor, quantity=Decimal("2"))
    BomLine.objects.create(parent=pump, component=seal, quantity=Decimal("1"))
    SupplierItem.objects.create(supplier=supplier, item=motor, preferred=True, lead_time_days=3)
    SupplierItem.objects.create(supplier=supplier, item=seal, preferred=True, lead_time_days=1)
    order = SalesOrder.objects.create(number="SO-1", customer=customer, order_date=TODAY)
    SalesOrderLine.objects.create(
        order=order, line=1, item=pump, quantity=Decimal("5"), due_date=dt.date(2025, 3, 21)
    )
    return pump, motor, seal


def _orders(run):
    return {o.item.sku: o for o in PlannedOrder.objects.filter(run=run).select_related("item")}


def test_open_work_orders_are_supply_and_their_components_allocated(plant, warehouse):
    pump, motor, _seal = plant
    work = WorkOrder.objects.create(
        number="WO-9",
        item=pump,
        quantity=Decimal("3"),
        due_date=dt.date(2025, 3, 20),
        status=WorkOrder.Status.RELEASED,
        supply_location=warehouse,
        output_location=warehouse,
        lot_code="L",
    )
    WorkOrderMaterial.objects.create(
        work_order=work,
        component=motor,
        quantity_per=Decimal("2"),
        required_quantity=Decimal("6"),
        issued_quantity=Decimal("2"),
    )
    run = run_plan(today=TODAY)
    assert run.status == PlanRun.Status.PUBLISHED, run.log
    orders = _orders(run)
    # 5 pumps due, 3 coming from WO-9: 2 planned. Motors: 2 x 2 for the plan + 4 unissued.
    assert orders["PUMP"].quantity == 2
    motors = PlannedOrder.objects.filter(run=run, item=motor)
    assert sum(o.quantity for o in motors) == 8
    kinds = set(PlannedOrder.objects.filter(run=run).values_list("pegs__kind", flat=True))
    assert "allocation" in kinds


def test_firm_and_edited_orders_are_kept_by_the_next_run(plant, planner):
    first = run_plan(today=TODAY)
    pump = _orders(first)["PUMP"]
    actions.edit_order(
        planner,
        pump.pk,
        quantity=Decimal("7"),
        release_date=dt.date(2025, 3, 14),
        due_date=dt.date(2025, 3, 18),
    )
    second = run_plan(today=TODAY)
    kept = _orders(second)["PUMP"]
    assert kept.firm
    assert kept.quantity == 7
    assert kept.due_date == dt.date(2025, 3, 18)
    assert kept.firm_reference == f"P{first.version}-{pump.number}"
    # Its components are planned for the firm quantity.
    assert _orders(second)["MOTOR"].quantity == 14


def test_a_writer_killed_half_way_leaves_nothing(plant, monkeypatch):
    first = run_plan(today=TODAY)
    real = writer._insert

    def dying(model, names, rows):
        if model is writer.Pegging:
            rows = list(rows)
            real(model, names, rows[: len(rows) // 2])
            raise RuntimeError("connection lost")
        return real(model, names, rows)

    monkeypatch.setattr(writer, "_insert", dying)
    with pytest.raises(RuntimeError):
        run_plan(today=TODAY)
    failed = PlanRun.objects.order_by("-version").first()
    assert failed.status == PlanRun.Status.FAILED
    assert "nothing published" in failed.log
    assert current_run() == first
    assert not PlannedOrder.objects.filter(run=failed).exists()


def test_conversion_groups_bought_orders_by_supplier(plant, planner, supplier):
    run = run_plan(today=TODAY)
    ids = list(PlannedOrder.objects.filter(run=run).values_list("pk", flat=True))
    made = actions.convert_orders(planner, ids)
    assert len(made["work_orders"]) == 1
    assert len(made["purchase_orders"]) == 1
    purchase = PurchaseOrder.objects.get(number=made["purchase_orders"][0])
    assert purchase.supplier == supplier
    assert sorted(purchase.lines.values_list("item__sku", flat=True)) == ["MOTOR", "SEAL"]
    work = WorkOrder.objects.get(number=made["work_orders"][0])
    assert work.planned_order_ref == f"P{run.version}-{_orders(run)['PUMP'].number}"
    # Converted orders are open supply: the next run plans nothing new.
    again = run_plan(today=TODAY)
    assert not PlannedOrder.objects.filter(run=again).exists(), _orders(again)


def test_a_bad_conversion_batch_writes_nothing(plant, planner):
    _pump, motor, _seal = plant
    SupplierItem.objects.filter(item=motor).delete()
    run = run_plan(today=TODAY)
    ids = list(PlannedOrder.objects.filter(run=run).values_list("pk", flat=True))
    with pytest.raises(DomainError, match="MOTOR"):
        actions.convert_orders(planner, ids)
    assert not WorkOrder.objects.exists()
    assert not PurchaseOrder.objects.exists()
    assert not PlannedOrder.objects.exclude(converted_ref="").exists()


def test_orders_of_an_old_plan_cannot_be_firmed(plant, planner):
    first = run_plan(today=TODAY)
    run_plan(today=TODAY)
    with pytest.raises(DomainError, match="not in the plan in force"):
        actions.firm_orders(planner, [_orders(first)["PUMP"].pk])


def test_pegging_trees_up_and_down(plant):
    run = run_plan(today=TODAY)
    motor = _orders(run)["MOTOR"]
    up = queries.flatten([queries.pegging_up(motor)])
    assert [(d, n.label.split(" due")[0]) for d, n in up] == [
        (0, f"#{motor.number} MOTOR: 10 pcs"),
        (1, f"#{_orders(run)['PUMP'].number} PUMP: 5 pcs"),
        (2, "Sales order SO-1/1"),
    ]
    down = queries.flatten(queries.pegging_down(run, "SO-1"))
    assert [d for d, _ in down] == [0, 1, 2, 2]
    assert {n.order.item.sku for d, n in down if d == 2} == {"MOTOR", "SEAL"}


def test_comparison_shows_changed_and_added_orders(plant):
    _pump, _motor, _seal = plant
    first = run_plan(today=TODAY)
    line = SalesOrderLine.objects.get()
    line.quantity = Decimal("8")
    line.save()
    second = run_plan(today=TODAY)
    result = queries.compare_runs(first, second)
    changed = {c.sku: c.quantity_delta for c in result.changed}
    assert changed == {"PUMP": 3, "MOTOR": 6, "SEAL": 3}
    assert not result.added
    assert not result.removed


def test_export_writes_the_columns(plant, tmp_path):
    run_plan(today=TODAY)
    path = tmp_path / "planned.csv"
    assert export_planned_orders(path) == 3
    with path.open() as handle:
        rows = list(csv.DictReader(handle))
    assert {"sku", "kind", "quantity", "release_date", "due_date", "supplier"} <= set(rows[0])
    motor = next(r for r in rows if r["sku"] == "MOTOR")
    assert (motor["kind"], motor["quantity"], motor["supplier"]) == ("buy", "10", "STEELCO")


def test_pages_render_and_viewers_cannot_act(plant, viewer_client):
    run = run_plan(today=TODAY)
    order = _orders(run)["PUMP"]
    for url in (
        reverse("planning:order-list") + "?kind=make&exception=any",
        reverse("planning:exception-list"),
        reverse("planning:run-list"),
        reverse("planning:run-detail", args=[run.pk]),
        reverse("planning:compare") + f"?a={run.pk}&b={run.pk}",
        reverse("planning:order-pegging", args=[order.pk]),
        reverse("planning:sales-pegging") + "?number=SO-1",
        reverse("planning:item-record", args=[order.item_id]) + "?by=day",
    ):
        assert viewer_client.get(url).status_code == 200, url
    response = viewer_client.post(
        reverse("planning:order-action"), {"ids": [order.pk], "action": "firm"}
    )
    assert response.status_code == 403
    assert not PlannedOrder.objects.get(pk=order.pk).firm


def test_api(plant, viewer_client, planner, django_capture_on_commit_callbacks):
    from django.test import Client

    run = run_plan(today=TODAY)
    assert Client().get("/api/v1/planned-orders").status_code == 401
    listed = viewer_client.get("/api/v1/planned-orders?kind=buy").json()
    assert {o["sku"] for o in listed["items"]} == {"MOTOR", "SEAL"}
    assert viewer_client.get("/api/v1/planned-orders?kind=other").status_code == 422
    pump = _orders(run)["PUMP"]
    pegs = viewer_client.get(f"/api/v1/planned-orders/{pump.pk}/pegging").json()
    assert pegs[-1]["label"] == "Sales order SO-1/1"
    denied = viewer_client.post(
        "/api/v1/planned-orders/firm", {"ids": [pump.pk]}, content_type="application/json"
    )
    assert denied.status_code == 403
    viewer_client.force_login(planner)
    firmed = viewer_client.post(
        "/api/v1/planned-orders/firm", {"ids": [pump.pk]}, content_type="application/json"
    )
    assert firmed.status_code == 200
    assert firmed.json()[0]["firm"]
    with django_capture_on_commit_callbacks(execute=True):
        started = viewer_client.post(
            "/api/v1/plan-runs", {"today": "2025-03-03"}, content_type="application/json"
        )
    assert started.status_code == 202
    # The task ran once the run's row was committed (immediate backend in tests).
    ran = viewer_client.get(f"/api/v1/plan-runs/{started.json()['id']}").json()
    assert ran["status"] == "published"
    assert ran["percent"] == 100
    runs = viewer_client.get("/api/v1/plan-runs").json()
    assert runs["count"] == 2
