"""Terminal views: who may open them, the dispatch order, the state the page draws, scans."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from andon.production.terminal import dispatch, scan, state
from tests.production.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def released(new_order, supervisor):
    """Released orders whatever the stock: the terminal does not care about shortages."""
    from andon.production import services

    def make(sku: str = "SHAFT", quantity: int = 4, **extra):
        return services.release(supervisor, new_order(sku, quantity, **extra), allow_shortage=True)

    return make


@pytest.fixture
def op_client(client, operator):
    client.force_login(operator)
    return client


def test_parse_operation_code():
    assert scan.parse_operation("WO-00017/10") == scan.OperationRef("WO-00017", 10)
    assert scan.parse_operation("  WO-00017/20 ") == scan.OperationRef("WO-00017", 20)
    for text in ("WO-00017", "WO-00017/", "/10", "WO 17/10", "WO-00017/1a", ""):
        assert scan.parse_operation(text) is None, text


@pytest.mark.parametrize("role", ["operator", "supervisor", "admin"])
def test_pages_render_for_reporting_roles(client, user_with_role, released, work_center, role):
    order = released("SHAFT", 4)
    client.force_login(user_with_role(role))
    index = client.get(reverse("production:terminal-index"))
    assert index.status_code == 200
    assert work_center.code in index.content.decode()
    page = client.get(reverse("production:terminal", args=[work_center.code]))
    assert page.status_code == 200
    assert f"{order.number}/10" in page.content.decode()
    assert "csrftoken" in page.cookies
    sw = client.get(reverse("production:terminal-sw"))
    assert sw.status_code == 200
    assert sw["Content-Type"].startswith("text/javascript")


@pytest.mark.parametrize("role", ["viewer", "planner", "quality", "maintenance"])
def test_others_get_403(client, user_with_role, work_center, role):
    client.force_login(user_with_role(role))
    urls = [
        reverse("production:terminal-index"),
        reverse("production:terminal", args=[work_center.code]),
        reverse("production:terminal-state", args=[work_center.code]),
        reverse("production:terminal-scan", args=[work_center.code]) + "?code=x",
        reverse("production:terminal-sw"),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url


def test_unknown_work_center_is_404(op_client):
    assert op_client.get(reverse("production:terminal", args=["NOPE"])).status_code == 404


def test_dispatch_order_is_due_date_then_number_then_sequence(
    released, new_order, work_center, report
):
    today = timezone.localdate()
    late = released("SHAFT", 2, due_date=today + dt.timedelta(days=9))
    soon = released("PUMP", 2, due_date=today + dt.timedelta(days=2))
    tie = released("SHAFT", 3, due_date=today + dt.timedelta(days=2))
    new_order("SHAFT", 5, due_date=today)  # planned: not on the floor yet
    done = released("SHAFT", 1, due_date=today)
    report("report", done, 10, at(0), quantity=1)
    report("complete", done, 10, at(1))
    rows = dispatch.dispatch_list(work_center)
    assert [(op.work_order.number, op.sequence) for op in rows] == [
        (soon.number, 10),
        (tie.number, 10),
        (late.number, 10),
    ]


def test_state_carries_progress_crew_materials_and_machine(
    op_client, released, report, worker, work_center, plant
):
    from andon.catalog.models import Operation

    Operation.objects.filter(item=plant["shaft"]).update(instructions="Deburr both ends.")
    order = released("SHAFT", 4)
    report("start", order, 10, at(0))
    report("report", order, 10, at(10), quantity=2, scrap=1, reason="CHATTER")
    report("clock_on", order, 10, at(11), worker="W1")
    report("downtime_start", when=at(20), work_center=work_center.code, reason="NO-AIR")
    response = op_client.get(reverse("production:terminal-state", args=[work_center.code]))
    data = json.loads(response.content)
    (op,) = data["operations"]
    assert op["key"] == f"{order.number}/10"
    assert (op["status"], op["good"], op["scrap"], op["started"]) == ("running", "2", "1", True)
    assert op["clocked_on"] == ["W1"]
    assert op["instructions"] == "Deburr both ends."
    assert [m["sku"] for m in op["materials"]] == ["STEEL"]
    assert data["machine"]["down"] is True
    assert data["machine"]["reason"] == "NO-AIR"
    assert {r["downtime_class"] for r in data["reasons"]["downtime"]} == {"planned", "unplanned"}
    report("clock_off", order, 10, at(30), worker="W1")
    report("downtime_end", when=at(31), work_center=work_center.code)
    again = state.center_state(work_center)
    assert again["operations"][0]["clocked_on"] == []
    assert again["machine"]["down"] is False


def test_state_takes_a_fixed_number_of_queries(
    op_client, released, work_center, django_assert_max_num_queries
):
    for _ in range(6):
        released("SHAFT", 2)
    url = reverse("production:terminal-state", args=[work_center.code])
    with django_assert_max_num_queries(14):
        assert op_client.get(url).status_code == 200


def test_scan_resolves_operation_order_badge_and_lot(
    op_client, released, worker, work_center, assembly_center
):
    worker.badge = "B-42"
    worker.save()
    shaft = released("SHAFT", 2)
    pump = released("PUMP", 1)
    url = reverse("production:terminal-scan", args=[work_center.code])

    def resolve(code):
        return json.loads(op_client.get(url, {"code": code}).content)

    found = resolve(f"{shaft.number}/10")
    assert (found["kind"], found["work_order"], found["sequence"]) == (
        "operation",
        shaft.number,
        10,
    )
    assert resolve(shaft.number)["sequence"] == 10
    elsewhere = resolve(f"{pump.number}/20")
    assert elsewhere["kind"] == "unknown"
    assert assembly_center.code in elsewhere["detail"]
    assert resolve(f"{shaft.number}/99")["kind"] == "unknown"
    assert (resolve("B-42")["kind"], resolve("B-42")["worker"]) == ("worker", "W1")
    lot = resolve("S1")
    assert lot["kind"] == "lot"
    assert [(x["item"], x["lot"]) for x in lot["lots"]] == [("STEEL", "S1")]
    assert "not an operation" in resolve("???")["detail"]
