"""Catalog pages: they render what a planner needs, forms go through services, roles are checked,
and the query count does not grow with the size of the structure."""

from decimal import Decimal

import pytest
from django.urls import reverse

from andon.catalog import services
from andon.catalog.models import BomLine, Item, Operation

pytestmark = pytest.mark.django_db


def test_item_list_filters(viewer_client, pump):
    page = viewer_client.get(reverse("catalog:item-list") + "?procurement=make")
    assert page.status_code == 200
    body = page.content.decode()
    assert "MOTOR" in body
    assert "HOUSING" not in body


def test_item_detail_groups_what_a_planner_needs(viewer_client, pump, warehouse, supplier):
    from andon.inventory.models import StockBalance
    from andon.partners.models import SupplierItem

    SupplierItem.objects.create(
        supplier=supplier,
        item=pump["HOUSING"],
        lead_time_days=12,
        price=Decimal("29"),
        preferred=True,
    )
    StockBalance.objects.create(item=pump["HOUSING"], location=warehouse, quantity=Decimal("42"))
    housing = viewer_client.get(reverse("catalog:item-detail", args=[pump["HOUSING"].pk]))
    body = housing.content.decode()
    assert "STEELCO" in body
    assert "preferred" in body
    assert "42" in body
    assert "Lot for lot" in body
    assert reverse("catalog:item-where-used", args=[pump["HOUSING"].pk]) in body
    pump_page = viewer_client.get(
        reverse("catalog:item-detail", args=[pump["PUMP"].pk])
    ).content.decode()
    assert "Assemble pump" in pump_page
    # A viewer sees no edit buttons.
    assert reverse("catalog:item-edit", args=[pump["PUMP"].pk]) not in pump_page


def test_item_detail_cost_for_batch_of_one(viewer_client, pump):
    # For one pump: rotor setup 30 over 2.5 rotors = 12 per rotor: rotor = 5 + 12 + 2 = 19;
    # motor = 2 x 19 + 2 + 3 = 43; pump = 43/0.8 + 30 + 4 + 60 + 5 = 152.75.
    page = viewer_client.get(reverse("catalog:item-detail", args=[pump["PUMP"].pk]))
    assert "152.75" in page.content.decode()


def test_bom_tree_shows_levels_and_rolled_up_quantities(viewer_client, pump):
    url = reverse("catalog:item-bom", args=[pump["PUMP"].pk])
    page = viewer_client.get(url + "?quantity=10")
    assert page.status_code == 200
    body = page.content.decode()
    rows = page.context["explosion"].rows
    assert [(r.level, r.item.sku) for r in rows][:3] == [(1, "MOTOR"), (2, "ROTOR"), (3, "WIRE")]
    assert 'data-level="3"' in body
    assert "15.625" in body
    assert 'class="toggle"' in body  # sub-assemblies fold


def test_bom_tree_bad_parameters_are_explained(viewer_client, pump):
    url = reverse("catalog:item-bom", args=[pump["PUMP"].pk])
    page = viewer_client.get(url + "?quantity=-3&on=someday")
    assert page.status_code == 200
    body = page.content.decode()
    assert "positive number" in body
    assert "is not a date" in body


def test_where_used_page(viewer_client, pump):
    page = viewer_client.get(reverse("catalog:item-where-used", args=[pump["WIRE"].pk]))
    assert [(r.level, r.item.sku) for r in page.context["rows"]] == [
        (1, "ROTOR"), (2, "MOTOR"), (3, "PUMP"),
    ]  # fmt: skip
    assert [t.sku for t in page.context["tops"]] == ["PUMP"]


@pytest.mark.parametrize(
    "name", ["item-create", "item-edit", "item-delete", "bomline-create", "operation-create"]
)
def test_viewer_gets_403_on_edit_pages(viewer_client, pump, name):
    args = [] if name == "item-create" else [pump["PUMP"].pk]
    assert viewer_client.get(reverse(f"catalog:{name}", args=args)).status_code == 403
    assert viewer_client.post(reverse(f"catalog:{name}", args=args), {}).status_code == 403


def test_viewer_cannot_touch_lines_and_operations(viewer_client, pump):
    line = BomLine.objects.first()
    op = Operation.objects.first()
    for url in (
        reverse("catalog:bomline-edit", args=[line.pk]),
        reverse("catalog:bomline-delete", args=[line.pk]),
        reverse("catalog:operation-edit", args=[op.pk]),
        reverse("catalog:operation-delete", args=[op.pk]),
    ):
        assert viewer_client.post(url, {}).status_code == 403
    assert BomLine.objects.filter(pk=line.pk).exists()


def test_create_item_through_the_form(planner_client, pcs):
    response = planner_client.post(
        reverse("catalog:item-create"),
        {"sku": "GEAR-1", "name": "Gear", "uom": pcs.pk, "procurement": "buy", "lead_time_days": 5,
         "lot_size_rule": "lot_for_lot", "min_qty": 0, "multiple": 0, "safety_stock": 0,
         "order_cost": 0, "holding_rate_percent": 20, "standard_cost": 3, "active": "on"},
    )  # fmt: skip
    item = Item.objects.get(sku="GEAR-1")
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:item-detail", args=[item.pk])


def test_edit_item_is_audited_with_the_change(planner_client, pump):
    from andon.core.models import AuditEntry

    housing = pump["HOUSING"]
    data = {
        "sku": "HOUSING", "name": "Housing", "uom": housing.uom_id, "procurement": "buy",
        "lead_time_days": 21, "lot_size_rule": "lot_for_lot", "min_qty": 0, "multiple": 0,
        "safety_stock": 0, "order_cost": 0, "holding_rate_percent": 20, "standard_cost": 30,
        "active": "on",
    }  # fmt: skip
    response = planner_client.post(reverse("catalog:item-edit", args=[housing.pk]), data)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(model="catalog.item", action="update", object_id=str(housing.pk))
    assert entry.changes["lead_time_days"] == [0, 21]


def test_bom_line_form_shows_the_loop(planner_client, pump):
    url = reverse("catalog:bomline-create", args=[pump["ROTOR"].pk])
    response = planner_client.post(
        url, {"component": "PUMP", "quantity": "1", "scrap_percent": "0"}
    )
    assert response.status_code == 200
    assert "ROTOR → PUMP → MOTOR → ROTOR" in response.content.decode()
    assert response.context["form"].errors["component"]
    assert not BomLine.objects.filter(parent=pump["ROTOR"], component=pump["PUMP"]).exists()


def test_bom_line_form_unknown_sku(planner_client, pump):
    url = reverse("catalog:bomline-create", args=[pump["ROTOR"].pk])
    response = planner_client.post(url, {"component": "NOPE", "quantity": "1"})
    assert "no item with SKU" in response.content.decode()


def test_bom_line_add_edit_remove_through_pages(planner_client, pump):
    add = planner_client.post(
        reverse("catalog:bomline-create", args=[pump["HOUSING"].pk]),
        {"component": "BOLT", "quantity": "6", "scrap_percent": ""},
    )
    assert add.status_code == 302
    line = BomLine.objects.get(parent=pump["HOUSING"])
    edit = planner_client.post(
        reverse("catalog:bomline-edit", args=[line.pk]),
        {"component": "BOLT", "quantity": "5", "scrap_percent": "1"},
    )
    assert edit.status_code == 302
    line.refresh_from_db()
    assert (line.quantity, line.scrap_percent, line.position) == (Decimal("5"), Decimal("1"), 10)
    remove = planner_client.post(reverse("catalog:bomline-delete", args=[line.pk]))
    assert remove.status_code == 302
    assert not BomLine.objects.filter(pk=line.pk).exists()


def test_deleting_a_used_item_says_who_uses_it(planner_client, pump):
    response = planner_client.post(
        reverse("catalog:item-delete", args=[pump["BOLT"].pk]), follow=True
    )
    assert "still used" in response.content.decode()
    assert Item.objects.filter(sku="BOLT").exists()


def test_operation_form_refuses_a_taken_sequence(planner_client, pump, costed_center):
    response = planner_client.post(
        reverse("catalog:operation-create", args=[pump["PUMP"].pk]),
        {"sequence": 10, "work_center": costed_center.pk, "setup_minutes": 0,
         "run_minutes_per_unit": 1, "skill_level": 1, "crew_size": 1},
    )  # fmt: skip
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Operation.objects.filter(item=pump["PUMP"]).count() == 1


def test_unit_pages(planner_client, kg):
    assert planner_client.get(reverse("catalog:uom-list")).status_code == 200
    response = planner_client.post(
        reverse("catalog:uom-create"),
        {"code": "g", "name": "Gram", "dimension": "mass", "ratio_to_base": "0.001"},
    )
    assert response.status_code == 302
    assert planner_client.get(reverse("catalog:uom-list") + "?q=gram").context["rows"]


def test_viewer_cannot_edit_units(viewer_client, kg):
    assert viewer_client.get(reverse("catalog:uom-edit", args=[kg.pk])).status_code == 403


def _deepen(pump, make_item, planner, extra):
    """Add `extra` more buy parts under each assembly: more lines, same number of levels."""
    for n in range(extra):
        for parent in ("PUMP", "MOTOR", "ROTOR"):
            part = make_item(f"P-{parent}-{n}", "buy")
            services.add_bom_line(
                planner, parent=pump[parent], component=part, quantity=Decimal("1")
            )


@pytest.mark.parametrize(
    "url_name", ["catalog:item-bom", "catalog:item-detail", "catalog:item-where-used"]
)
def test_page_queries_do_not_grow_with_the_structure(
    planner_client, pump, make_item, planner, url_name, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    target = pump["PUMP"] if url_name != "catalog:item-where-used" else pump["WIRE"]
    url = reverse(url_name, args=[target.pk])
    with CaptureQueriesContext(connection) as small:
        assert planner_client.get(url).status_code == 200
    _deepen(pump, make_item, planner, 8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert planner_client.get(url).status_code == 200
    with django_assert_max_num_queries(20):
        planner_client.get(url)


def test_item_list_queries_do_not_grow(
    planner_client, pump, make_item, django_assert_max_num_queries
):
    for n in range(30):
        make_item(f"EXTRA-{n}")
    with django_assert_max_num_queries(12):
        assert planner_client.get(reverse("catalog:item-list")).status_code == 200
