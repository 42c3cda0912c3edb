"""The production API: login and roles, per-event results in a batch, work orders and tracing."""

from decimal import Decimal

import pytest

from andon.production.models import ProductionEvent
from tests.production.conftest import at

pytestmark = pytest.mark.django_db
EVENTS = "/api/v1/events"


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


@pytest.fixture
def supervisor_client(client, supervisor):
    client.force_login(supervisor)
    return client


def test_login_is_needed(client):
    for url in (EVENTS, "/api/v1/work-orders", "/api/v1/lots/STEEL/S1/trace"):
        assert client.get(url).status_code == 401
    assert post(client, EVENTS, {"events": []}).status_code == 401


def test_viewer_reads_but_cannot_report_nor_release(viewer_client, new_order):
    order = new_order("SHAFT", 4)
    listed = viewer_client.get("/api/v1/work-orders", {"status": "planned"})
    assert listed.status_code == 200
    assert listed.json()["items"][0]["number"] == order.number
    event = {
        "client_id": "v-1",
        "kind": "start",
        "at": at(0).isoformat(),
        "work_order": order.number,
        "operation": 10,
    }
    assert post(viewer_client, EVENTS, {"events": [event]}).status_code == 403
    refused = post(viewer_client, f"/api/v1/work-orders/{order.number}/release", {})
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"


def test_batch_answers_per_event(operator_client, released):
    order = released("SHAFT", 4)
    wo = order.number

    def ev(cid, kind, minute, **extra):
        return {
            "client_id": cid,
            "kind": kind,
            "at": at(minute).isoformat(),
            "work_order": wo,
            "operation": 10,
            **extra,
        }

    body = {
        "events": [
            ev("e-2", "report", 10, quantity="3"),
            ev("e-1", "start", 0),
            ev("e-3", "report", 11, quantity="many"),
            ev("e-4", "report", 12, quantity=-1),
            ev("e-5", "complete", 20),
            {**ev("e-6", "start", 0), "work_order": "WO-404"},
            {**ev("e-7", "start", 0), "at": "yesterday"},
        ]
    }
    response = post(operator_client, EVENTS, body)
    assert response.status_code == 200, response.content
    data = response.json()
    statuses = {r["client_id"]: (r["status"], r["code"]) for r in data["results"]}
    assert statuses == {
        "e-1": ("accepted", ""),
        "e-2": ("accepted", ""),
        "e-3": ("rejected", "invalid_quantity"),
        "e-4": ("rejected", "invalid_quantity"),
        "e-5": ("accepted", ""),
        "e-6": ("rejected", "unknown_work_order"),
        "e-7": ("rejected", "invalid_timestamp"),
    }
    assert (data["accepted"], data["duplicate"], data["rejected"]) == (3, 0, 4)
    again = post(operator_client, EVENTS, body).json()
    assert again["duplicate"] == 3
    assert ProductionEvent.objects.count() == 3
    listed = operator_client.get(EVENTS, {"work_order": wo}).json()
    assert [e["client_id"] for e in listed["items"]] == ["e-1", "e-2", "e-5"]


def test_malformed_batches_are_422(operator_client):
    assert post(operator_client, EVENTS, {"events": []}).status_code == 422
    assert post(operator_client, EVENTS, {"nope": 1}).status_code == 422
    missing = post(operator_client, EVENTS, {"events": [{"kind": "start"}]})
    assert missing.status_code == 422
    assert missing.json()["code"] == "invalid_request"


def test_work_order_lifecycle_over_the_api(supervisor_client, plant):
    created = post(
        supervisor_client,
        "/api/v1/work-orders",
        {
            "item": "SHAFT",
            "quantity": "4",
            "due_date": "2030-01-31",
            "supply_location": "WH",
            "output_location": "WH",
        },
    )
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    assert Decimal(str(created.json()["materials"][0]["required_quantity"])) == 6
    url = f"/api/v1/work-orders/{number}"
    assert post(supervisor_client, f"{url}/complete", {}).json()["code"] == "invalid_transition"
    assert post(supervisor_client, f"{url}/release", {}).json()["status"] == "released"
    issued = post(supervisor_client, f"{url}/materials/STEEL/issue", {"quantity": "2", "lot": "S2"})
    assert issued.status_code == 200, issued.content
    cancel = post(supervisor_client, f"{url}/cancel", {})
    assert cancel.status_code == 409
    assert cancel.json()["code"] == "material_issued"
    split = post(supervisor_client, f"{url}/split", {"quantity": "1"})
    assert split.status_code == 409  # material already issued: activity on the order
    assert supervisor_client.get("/api/v1/work-orders/NOPE").status_code == 404


def test_bad_work_order_input(supervisor_client, plant):
    body = {
        "item": "NOPE",
        "quantity": "4",
        "due_date": "2030-01-31",
        "supply_location": "WH",
        "output_location": "WH",
    }
    assert post(supervisor_client, "/api/v1/work-orders", body).json()["code"] == "unknown_item"
    body["item"] = "STEEL"
    assert post(supervisor_client, "/api/v1/work-orders", body).json()["code"] == "not_made"
    body["quantity"] = "-1"
    assert post(supervisor_client, "/api/v1/work-orders", body).status_code == 422


def test_trace_endpoint(supervisor_client, released, report):
    order = released("SHAFT", 4)
    report("report", order, 10, at(5), quantity=4)
    back = supervisor_client.get(f"/api/v1/lots/SHAFT/{order.number}/trace")
    assert back.status_code == 200
    tree = back.json()["tree"]
    assert [(c["item"], c["lot"]) for c in tree["children"]] == [("STEEL", "S1")]
    fwd = supervisor_client.get("/api/v1/lots/STEEL/S1/trace", {"direction": "forward"})
    assert fwd.json()["tree"]["children"][0]["lot"] == order.number
    assert supervisor_client.get("/api/v1/lots/STEEL/NOPE/trace").status_code == 404
    bad = supervisor_client.get("/api/v1/lots/STEEL/S1/trace", {"direction": "up"})
    assert bad.status_code == 400


def test_a_time_offset_the_database_cannot_read_is_the_requests_fault(viewer_client):
    """+18:53 is a valid offset in ISO 8601 but beyond what PostgreSQL parses: a 4xx, never a 500."""
    response = viewer_client.get(EVENTS, {"since": "2026-01-01T00:00:00+18:53"})
    assert response.status_code in (200, 422), response.content
    if response.status_code == 422:
        assert response.json()["code"] == "invalid_request"
