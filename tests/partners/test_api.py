"""Partners API: a planner manages customers and suppliers; a viewer only reads."""

import pytest

from andon.partners.models import Customer, SupplierItem

pytestmark = pytest.mark.django_db


def test_viewer_cannot_write(viewer_client, api_as, customer):
    api = api_as(viewer_client)
    assert api.get("/customers/ACME").json()["name"] == "Acme Industrial"
    assert api.post("/customers", {"code": "B", "name": "B"}).status_code == 403
    assert api.delete("/customers/ACME").status_code == 403


def test_customer_crud_and_filters(planner_client, api_as):
    api = api_as(planner_client)
    for code, country in [("A1", "DE"), ("A2", "DE"), ("A3", "FR")]:
        assert (
            api.post("/customers", {"code": code, "name": code, "country": country}).status_code
            == 201
        )
    body = api.get("/customers?country=DE&limit=1").json()
    assert body["count"] == 2
    assert len(body["items"]) == 1
    assert api.patch("/customers/A3", {"priority": 5}).json()["priority"] == 5
    response = api.patch("/customers/A3", {"priority": 0})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert api.delete("/customers/A3").status_code == 204
    assert Customer.objects.count() == 2


def test_supplier_items(planner_client, api_as, supplier, make_item):
    make_item("BOLT")
    api = api_as(planner_client)
    api.post("/suppliers", {"code": "FAST", "name": "Fast"})
    response = api.post(
        "/supplier-items",
        {
            "supplier": "STEELCO",
            "item": "BOLT",
            "preferred": True,
            "lead_time_days": 5,
            "price": "0.12",
        },
    )
    assert response.status_code == 201, response.content
    first = response.json()["id"]
    response = api.post("/supplier-items", {"supplier": "FAST", "item": "BOLT", "preferred": True})
    assert response.json()["preferred"] is True
    assert api.get(f"/supplier-items/{first}").json()["preferred"] is False
    assert (
        api.get("/supplier-items?item=BOLT&preferred=true").json()["items"][0]["supplier"] == "FAST"
    )
    response = api.post("/supplier-items", {"supplier": "NOPE", "item": "BOLT"})
    assert response.json()["code"] == "unknown_supplier"
    assert api.get("/supplier-items/999").status_code == 404
    assert api.delete(f"/supplier-items/{first}").status_code == 204
    assert SupplierItem.objects.count() == 1
