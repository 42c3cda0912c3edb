"""The catalog API: who may do what, errors with stable codes, lists that filter and page."""

from decimal import Decimal

import pytest

from andon.catalog.models import BomLine, Item, Operation

pytestmark = pytest.mark.django_db

API = "/api/v1"


def test_reads_need_login(client, pump):
    for path in ("/items", "/items/PUMP", "/items/PUMP/explosion", "/units", "/operations"):
        response = client.get(API + path)
        assert response.status_code == 401, path
        assert response.json()["code"] == "not_authenticated"


def test_viewer_reads_but_cannot_write(viewer_client, pump, pcs):
    assert viewer_client.get(f"{API}/items/PUMP").json()["uom"] == "pcs"
    response = viewer_client.post(
        f"{API}/items",
        {"sku": "NEW-1", "name": "New", "uom": "pcs", "procurement": "buy"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert viewer_client.delete(f"{API}/bom-lines/{BomLine.objects.first().pk}").status_code == 403
    assert not Item.objects.filter(sku="NEW-1").exists()


def test_item_list_filters_and_pages(planner_client, pump):
    Item.objects.filter(sku__in=["BOLT", "WIRE"]).update(category="Fasteners")
    body = planner_client.get(f"{API}/items?limit=2&offset=0").json()
    assert body["count"] == 6
    assert [i["sku"] for i in body["items"]] == ["BOLT", "HOUSING"]
    second = planner_client.get(f"{API}/items?limit=2&offset=2").json()
    assert [i["sku"] for i in second["items"]] == ["MOTOR", "PUMP"]
    make = planner_client.get(f"{API}/items?procurement=make").json()
    assert {i["sku"] for i in make["items"]} == {"PUMP", "MOTOR", "ROTOR"}
    assert planner_client.get(f"{API}/items?q=oto").json()["count"] == 2  # MOTOR, ROTOR
    fasteners = planner_client.get(f"{API}/items?category=Fasteners").json()
    assert {i["sku"] for i in fasteners["items"]} == {"BOLT", "WIRE"}


def test_item_create_patch_delete(planner_client, pcs):
    created = planner_client.post(
        f"{API}/items",
        {
            "sku": "GEAR-1",
            "name": "Gear",
            "uom": "pcs",
            "procurement": "buy",
            "standard_cost": "2.5",
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    assert Decimal(created.json()["standard_cost"]) == Decimal("2.5")
    patched = planner_client.patch(
        f"{API}/items/GEAR-1", {"lead_time_days": 9}, content_type="application/json"
    )
    assert patched.json()["lead_time_days"] == 9
    assert planner_client.delete(f"{API}/items/GEAR-1").status_code == 204
    assert planner_client.get(f"{API}/items/GEAR-1").status_code == 404


def test_item_errors_are_400_with_problems(planner_client, pcs):
    bad_rule = planner_client.post(
        f"{API}/items",
        {
            "sku": "GEAR-1",
            "name": "Gear",
            "uom": "pcs",
            "procurement": "buy",
            "lot_size_rule": "fixed",
        },
        content_type="application/json",
    )
    assert bad_rule.status_code == 400
    assert bad_rule.json()["problems"][0]["column"] == "lot_size"
    unknown_unit = planner_client.post(
        f"{API}/items",
        {"sku": "GEAR-1", "name": "Gear", "uom": "litre", "procurement": "buy"},
        content_type="application/json",
    )
    assert unknown_unit.status_code == 400
    assert unknown_unit.json()["code"] == "unknown_unitofmeasure"
    assert not Item.objects.filter(sku="GEAR-1").exists()


def test_bom_line_cycle_is_400_bom_cycle(planner_client, pump):
    before = BomLine.objects.count()
    response = planner_client.post(
        f"{API}/bom-lines",
        {"parent": "WIRE", "component": "PUMP", "quantity": "1"},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "bom_cycle"
    assert "WIRE → PUMP → MOTOR → ROTOR → WIRE" in body["detail"]
    assert BomLine.objects.count() == before
    line = BomLine.objects.get(parent__sku="PUMP", component__sku="HOUSING")
    patched = planner_client.patch(
        f"{API}/bom-lines/{line.pk}", {"parent": "HOUSING", "component": "HOUSING"},
        content_type="application/json",
    )  # fmt: skip
    assert patched.status_code == 400
    assert patched.json()["code"] == "bom_cycle"


def test_bom_line_create_patch_delete(planner_client, pump):
    created = planner_client.post(
        f"{API}/bom-lines",
        {"parent": "HOUSING", "component": "BOLT", "quantity": "6", "scrap_percent": "2"},
        content_type="application/json",
    )
    assert created.status_code == 201
    line = created.json()
    assert (line["parent"], line["component"], line["unit"]) == ("HOUSING", "BOLT", "pcs")
    patched = planner_client.patch(
        f"{API}/bom-lines/{line['id']}", {"quantity": "5"}, content_type="application/json"
    )
    assert Decimal(patched.json()["quantity"]) == 5
    assert planner_client.delete(f"{API}/bom-lines/{line['id']}").status_code == 204
    assert planner_client.delete(f"{API}/bom-lines/{line['id']}").status_code == 404


def test_single_level_bom(viewer_client, pump):
    rows = viewer_client.get(f"{API}/items/PUMP/bom").json()
    assert [(r["component"], Decimal(r["quantity"])) for r in rows] == [
        ("MOTOR", 1), ("HOUSING", 1), ("BOLT", 8),
    ]  # fmt: skip


def test_explosion_and_where_used(viewer_client, pump):
    body = viewer_client.get(f"{API}/items/PUMP/explosion?quantity=10").json()
    assert [(r["level"], r["sku"], Decimal(r["extended_quantity"])) for r in body["rows"]][:3] == [
        (1, "MOTOR", Decimal("12.5")),
        (2, "ROTOR", Decimal("25")),
        (3, "WIRE", Decimal("15.625")),
    ]
    motor = Item.objects.get(sku="MOTOR")
    assert {k: body["rows"][0][k] for k in ("name", "unit", "procurement")} == {
        "name": motor.name,
        "unit": motor.uom.code,
        "procurement": motor.procurement,
    }
    bad = viewer_client.get(f"{API}/items/PUMP/explosion?quantity=-1")
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_quantity"
    used = viewer_client.get(f"{API}/items/WIRE/where-used").json()
    assert [(r["level"], r["sku"]) for r in used["rows"]] == [
        (1, "ROTOR"),
        (2, "MOTOR"),
        (3, "PUMP"),
    ]
    assert used["top_items"] == ["PUMP"]
    assert used["rows"][0]["name"] == Item.objects.get(sku="ROTOR").name
    single = viewer_client.get(f"{API}/items/WIRE/where-used?single_level=true").json()
    assert [r["sku"] for r in single["rows"]] == ["ROTOR"]
    assert viewer_client.get(f"{API}/items/NOPE/where-used").status_code == 404


def test_cost(viewer_client, pump):
    body = viewer_client.get(f"{API}/items/PUMP/cost?quantity=10").json()
    assert Decimal(body["unit_cost"]) == Decimal("71.75")
    assert Decimal(body["total_cost"]) == Decimal("717.5")


def test_operations(planner_client, pump, costed_center):
    routing = planner_client.get(f"{API}/items/PUMP/routing").json()
    assert [(o["sequence"], o["work_center"]) for o in routing] == [(10, "CNC1")]
    created = planner_client.post(
        f"{API}/operations",
        {"item": "PUMP", "sequence": 20, "work_center": "CNC1", "run_minutes_per_unit": "1.5"},
        content_type="application/json",
    )
    assert created.status_code == 201
    duplicate = planner_client.post(
        f"{API}/operations",
        {"item": "PUMP", "sequence": 20, "work_center": "CNC1", "run_minutes_per_unit": "1"},
        content_type="application/json",
    )
    assert duplicate.status_code == 400
    unknown = planner_client.post(
        f"{API}/operations",
        {"item": "PUMP", "sequence": 30, "work_center": "NOPE", "run_minutes_per_unit": "1"},
        content_type="application/json",
    )
    assert unknown.status_code == 400
    assert unknown.json()["problems"][0]["column"] == "work_center"
    op_id = created.json()["id"]
    patched = planner_client.patch(
        f"{API}/operations/{op_id}", {"name": "Test"}, content_type="application/json"
    )
    assert patched.json()["name"] == "Test"
    listed = planner_client.get(f"{API}/operations?item=PUMP").json()
    assert listed["count"] == 2
    assert planner_client.delete(f"{API}/operations/{op_id}").status_code == 204
    assert Operation.objects.filter(item__sku="PUMP").count() == 1


def test_units(planner_client, kg):
    created = planner_client.post(
        f"{API}/units",
        {"code": "g", "name": "Gram", "dimension": "mass", "ratio_to_base": "0.001"},
        content_type="application/json",
    )
    assert created.status_code == 201
    body = planner_client.get(f"{API}/units?dimension=mass").json()
    assert [u["code"] for u in body["items"]] == ["g", "kg"]
    bad = planner_client.post(
        f"{API}/units",
        {"code": "x", "name": "X", "dimension": "colour"},
        content_type="application/json",
    )
    assert bad.status_code == 422


def test_item_list_query_count(planner_client, pump, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert planner_client.get(f"{API}/items").status_code == 200
