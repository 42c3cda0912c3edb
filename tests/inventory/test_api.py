"""The inventory API: who may read and post, what a bad request answers, idempotent posting."""

from decimal import Decimal

import pytest

from andon.inventory import services
from andon.inventory.models import StockMove

pytestmark = pytest.mark.django_db
MOVES = "/api/v1/stock-moves"


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_reading_needs_login(client):
    for url in ("/api/v1/stock", MOVES, "/api/v1/lots"):
        response = client.get(url)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"


def test_viewer_reads_stock_but_cannot_post(viewer_client, stocked):
    response = viewer_client.get("/api/v1/stock", {"item": "BOLT-M8"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["items"][0]["location"] == "WH"
    assert Decimal(str(body["items"][0]["quantity"])) == Decimal("100")
    refused = post(
        viewer_client, MOVES, {"kind": "issue", "item": "BOLT-M8", "location": "WH", "quantity": 1}
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
    assert services.on_hand(stocked) == Decimal("100")


def test_post_issue_then_retry_with_the_same_client_id(planner_client, stocked):
    body = {
        "kind": "issue",
        "item": "BOLT-M8",
        "location": "WH",
        "quantity": "3",
        "client_id": "hh-1",
    }
    first = post(planner_client, MOVES, body)
    assert first.status_code == 201, first.content
    retry = post(planner_client, MOVES, body)
    assert retry.status_code == 200
    assert retry.json()[0]["id"] == first.json()[0]["id"]
    assert services.on_hand(stocked) == Decimal("97")


def test_post_beyond_stock_is_a_clear_400(planner_client, stocked):
    response = post(
        planner_client,
        MOVES,
        {"kind": "issue", "item": "BOLT-M8", "location": "WH", "quantity": 500},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "insufficient_stock"
    assert "100" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"kind": "issue", "item": "NOPE", "location": "WH", "quantity": 1}, "unknown_item"),
        (
            {"kind": "issue", "item": "BOLT-M8", "location": "NOPE", "quantity": 1},
            "unknown_location",
        ),
        ({"kind": "teleport", "item": "BOLT-M8", "location": "WH", "quantity": 1}, "invalid_kind"),
        (
            {"kind": "adjustment", "item": "BOLT-M8", "location": "WH", "quantity": 1},
            "reason_required",
        ),
        (
            {"kind": "transfer", "item": "BOLT-M8", "location": "WH", "quantity": 1},
            "to_location_required",
        ),
        (
            {"kind": "receipt", "item": "BOLT-M8", "location": "WH", "quantity": "0.5"},
            "invalid_quantity",
        ),
        (
            {"kind": "receipt", "item": "BOLT-M8", "location": "WH", "quantity": "lots"},
            "invalid_request",
        ),
    ],
)
def test_bad_moves_are_refused_with_a_stable_code(planner_client, stocked, body, code):
    response = post(planner_client, MOVES, body)
    assert response.status_code in (400, 422)
    assert response.json()["code"] == code
    assert StockMove.objects.count() == 1


def test_transfer_returns_both_moves(planner_client, stocked, line_side):
    response = post(
        planner_client,
        MOVES,
        {
            "kind": "transfer",
            "item": "BOLT-M8",
            "location": "WH",
            "to_location": "LS1",
            "quantity": 10,
        },
    )
    assert response.status_code == 201
    assert [m["location"] for m in response.json()] == ["WH", "LS1"]
    listed = planner_client.get("/api/v1/stock", {"location": "LS1"}).json()
    assert listed["items"][0]["item"] == "BOLT-M8"


def test_moves_list_filters_and_pages(planner_client, stocked, warehouse):
    for n in range(5):
        services.issue(None, item=stocked, location=warehouse, quantity=1, reference=f"WO-{n}")
    page = planner_client.get(MOVES, {"kind": "issue", "limit": 2}).json()
    assert page["count"] == 5
    assert len(page["items"]) == 2
    assert planner_client.get(MOVES, {"reference": "WO-3"}).json()["count"] == 1


def test_lots_create_list_and_filter(planner_client, steel):
    created = post(
        planner_client,
        "/api/v1/lots",
        {"item": "STEEL-S235", "code": "H-9", "expires_on": "2031-01-01"},
    )
    assert created.status_code == 201
    duplicate = post(planner_client, "/api/v1/lots", {"item": "STEEL-S235", "code": "H-9"})
    assert duplicate.status_code == 409
    assert planner_client.get("/api/v1/lots", {"item": "STEEL-S235"}).json()["count"] == 1
    detail = planner_client.get(f"/api/v1/lots/{created.json()['id']}").json()
    assert Decimal(str(detail["on_hand"])) == 0
    assert planner_client.get("/api/v1/lots/999999").status_code == 404


def test_stock_list_query_count_does_not_grow_with_rows(
    planner_client, make_item, warehouse, django_assert_max_num_queries
):
    rows = [
        services.OpeningRow(item=make_item(f"X-{n}"), location=warehouse, quantity=Decimal(n + 1))
        for n in range(30)
    ]
    services.load_opening_balances(None, rows)
    with django_assert_max_num_queries(8):
        assert planner_client.get("/api/v1/stock", {"limit": 100}).json()["count"] == 30
    with django_assert_max_num_queries(8):
        assert planner_client.get(MOVES, {"limit": 100}).json()["count"] == 30
