"""Production pages render for every role that may see them; actions need the right role."""

import pytest
from django.urls import reverse

from tests.production.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(released, report, new_order, work_center):
    order = released("SHAFT", 4)
    report("start", order, 10, at(0))
    report("report", order, 10, at(30), quantity=2, scrap=1, reason="chatter")
    report("downtime_start", when=at(40), work_center="ASM1", reason="no air")
    new_order("PUMP", 2)
    return order


def test_pages_render(viewer_client, busy):
    urls = [
        reverse("production:workorder-list"),
        reverse("production:workorder-list") + "?status=in_progress&late=1",
        reverse("production:workorder-detail", args=[busy.pk]),
        reverse("production:supervisor"),
        reverse("production:lot-trace") + f"?item=SHAFT&lot={busy.number}",
        reverse("production:lot-trace") + "?item=STEEL&lot=S1&direction=forward",
        reverse("production:lot-trace") + "?item=STEEL&lot=NOPE",
    ]
    for url in urls:
        response = viewer_client.get(url)
        assert response.status_code == 200, url
    board = viewer_client.get(reverse("production:supervisor")).content.decode()
    assert "no air" in board
    assert busy.number in board
    trace = viewer_client.get(urls[5]).content.decode()
    assert busy.number in trace


def test_traveller_is_a_pdf(viewer_client, busy):
    response = viewer_client.get(reverse("production:workorder-traveller", args=[busy.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_viewer_gets_403_on_actions(viewer_client, new_order):
    order = new_order("SHAFT", 2)
    assert viewer_client.get(reverse("production:workorder-create")).status_code == 403
    url = reverse("production:workorder-action", args=[order.pk, "release"])
    assert viewer_client.post(url).status_code == 403
    order.refresh_from_db()
    assert order.status == "planned"


def test_supervisor_creates_and_releases(client, supervisor, plant, warehouse):
    client.force_login(supervisor)
    response = client.post(
        reverse("production:workorder-create"),
        {
            "item": plant["shaft"].pk,
            "quantity": "2",
            "due_date": "2030-01-01",
            "supply_location": warehouse.pk,
            "output_location": warehouse.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from andon.production.models import WorkOrder

    order = WorkOrder.objects.get()
    client.post(reverse("production:workorder-action", args=[order.pk, "release"]))
    order.refresh_from_db()
    assert order.status == "released"
    refused = client.post(
        reverse("production:workorder-action", args=[order.pk, "close"]), follow=True
    )
    assert "cannot be closed" in refused.content.decode()


def test_create_form_says_what_is_missing(client, supervisor, plant, warehouse):
    client.force_login(supervisor)
    response = client.post(
        reverse("production:workorder-create"),
        {"supply_location": warehouse.pk, "output_location": warehouse.pk},
    )
    assert response.status_code == 200
    assert "Required unless a sales order line" in response.content.decode()
