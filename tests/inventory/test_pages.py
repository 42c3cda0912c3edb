"""Stock pages: item stock view, corrections posted through forms, permissions, query counts."""

from decimal import Decimal

import pytest
from django.urls import reverse

from andon.inventory import services
from andon.inventory.models import StockMove

pytestmark = pytest.mark.django_db


def test_item_stock_page_shows_balances_and_moves(planner_client, stocked, warehouse):
    services.issue(None, item=stocked, location=warehouse, quantity=3, reference="WO-77")
    page = planner_client.get(reverse("inventory:item-stock", args=[stocked.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "97" in html
    assert "WO-77" in html
    assert reverse("inventory:item-move", args=[stocked.pk, "scrap"]) in html


def test_viewer_sees_stock_but_may_not_post(viewer_client, stocked):
    page = viewer_client.get(reverse("inventory:item-stock", args=[stocked.pk]))
    assert page.status_code == 200
    assert reverse("inventory:item-move", args=[stocked.pk, "adjust"]) not in page.content.decode()
    for action in ("adjust", "transfer", "scrap", "count"):
        assert (
            viewer_client.get(reverse("inventory:item-move", args=[stocked.pk, action])).status_code
            == 403
        )


def test_adjustment_form_posts_once_per_client_id(planner_client, stocked, warehouse):
    url = reverse("inventory:item-move", args=[stocked.pk, "adjust"])
    assert planner_client.get(url).status_code == 200
    data = {
        "location": warehouse.pk,
        "quantity": "-4",
        "reason": "Damaged in handling",
        "client_id": "f-1",
    }
    assert planner_client.post(url, data).status_code == 302
    assert planner_client.post(url, data).status_code == 302
    assert services.on_hand(stocked) == Decimal("96")


def test_scrap_beyond_stock_shows_the_reason_and_writes_nothing(planner_client, stocked, warehouse):
    url = reverse("inventory:item-move", args=[stocked.pk, "scrap"])
    response = planner_client.post(
        url, {"location": warehouse.pk, "quantity": "150", "reason": "rust", "client_id": "f-2"}
    )
    assert response.status_code == 200
    assert "Not enough stock" in response.content.decode()
    assert not StockMove.objects.filter(kind="scrap").exists()


def test_scrap_without_reason_is_refused_by_the_form(planner_client, stocked, warehouse):
    url = reverse("inventory:item-move", args=[stocked.pk, "scrap"])
    response = planner_client.post(
        url, {"location": warehouse.pk, "quantity": "1", "reason": "", "client_id": "f-3"}
    )
    assert response.status_code == 200
    assert services.on_hand(stocked) == Decimal("100")


def test_transfer_and_count_forms(planner_client, stocked, warehouse, line_side):
    url = reverse("inventory:item-move", args=[stocked.pk, "transfer"])
    data = {
        "location": warehouse.pk,
        "to_location": line_side.pk,
        "quantity": "25",
        "client_id": "f-4",
    }
    assert planner_client.post(url, data).status_code == 302
    assert services.on_hand(stocked, line_side) == Decimal("25")
    count = reverse("inventory:item-move", args=[stocked.pk, "count"])
    assert (
        planner_client.post(
            count, {"location": line_side.pk, "counted": "24", "client_id": "f-5"}
        ).status_code
        == 302
    )
    assert services.on_hand(stocked, line_side) == Decimal("24")


def test_lot_tracked_forms_ask_for_a_lot(planner_client, steel, steel_lot, warehouse):
    url = reverse("inventory:item-move", args=[steel.pk, "adjust"])
    page = planner_client.get(url)
    assert "H-1001" in page.content.decode()
    response = planner_client.post(
        url, {"location": warehouse.pk, "quantity": "2", "reason": "found", "client_id": "f-6"}
    )
    assert response.status_code == 200
    assert services.on_hand(steel) == 0


def test_unknown_action_is_404(planner_client, stocked):
    assert (
        planner_client.get(
            reverse("inventory:item-move", args=[stocked.pk, "teleport"])
        ).status_code
        == 404
    )


@pytest.mark.parametrize("name", ["inventory:stock-list", "inventory:move-list"])
def test_list_pages_query_count_is_flat(
    planner_client, make_item, warehouse, name, django_assert_max_num_queries
):
    rows = [
        services.OpeningRow(item=make_item(f"Q-{n}"), location=warehouse, quantity=Decimal(n + 1))
        for n in range(40)
    ]
    services.load_opening_balances(None, rows)
    with django_assert_max_num_queries(12):
        response = planner_client.get(reverse(name))
    assert response.status_code == 200
    assert "Q-39" in response.content.decode()
