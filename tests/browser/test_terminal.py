"""The operator terminal as an operator meets it: buttons and keypad, an outage, a scanner.

Every check ends on the server: the ledger must hold each event exactly once and the operation's
derived quantities must match what was keyed in.
"""

import datetime as dt

import pytest
from django.utils import timezone

ALL_SENT = "#outbox[data-count='0']"


@pytest.fixture
def shop(make_item, work_center, warehouse, roles, reason_codes):
    """Two released orders for a part with one operation at CNC-style `work_center`."""
    from django.contrib.auth.models import User

    from andon.catalog.models import Operation
    from andon.people.models import Worker
    from andon.production import services

    boss = User.objects.create_user(username="boss-sup")
    part = make_item("BRACKET", procurement="make")
    Operation.objects.create(
        item=part,
        sequence=10,
        work_center=work_center,
        run_minutes_per_unit=2,
        name="Bend",
        instructions="Bend to 90 degrees.\nDrawing: https://drawings.example/BRACKET-B.pdf",
    )
    orders = [
        services.release(
            boss,
            services.create_work_order(
                boss,
                item=part,
                quantity=20,
                due_date=timezone.localdate() + dt.timedelta(days=days),
                supply_location=warehouse,
                output_location=warehouse,
            ),
        )
        for days in (1, 3)
    ]
    Worker.objects.create(code="W7", name="Maria", badge="B-777")
    return {"center": work_center, "orders": orders}


def _open(page, live_server, shop):
    page.goto(f"{live_server.url}/production/terminal/{shop['center'].code}/")
    page.wait_for_selector("#current-key")


def _operation(order):
    from andon.production.models import WorkOrderOperation

    return WorkOrderOperation.objects.get(work_order=order, sequence=10)


def _events(order):
    from andon.production.models import ProductionEvent

    return list(
        ProductionEvent.objects.filter(operation__work_order=order).values_list("kind", flat=True)
    )


def _key(page, digits):
    for digit in digits:
        page.click(f"#dialog [data-key='{digit}']")


def test_start_and_report_through_the_keypad(live_server, page, login, shop):
    login("operator", username="olga")
    _open(page, live_server, shop)
    first = shop["orders"][0]
    assert page.inner_text("#current-key") == f"{first.number}/10"
    assert "Bend to 90 degrees." in page.inner_text(".instructions")

    page.click("[data-action=start]")
    page.wait_for_selector(ALL_SENT)
    page.wait_for_selector(".term-head.state-running")

    page.click("[data-action=report]")
    _key(page, "12")
    page.click("#dialog [data-field=scrap]")
    _key(page, "2")
    page.click("#qty-ok")
    assert "Scrap needs a reason" in page.inner_text(".dialog-error")
    page.click("#dialog [data-reason=SURFACE]")
    page.click("#qty-ok")
    page.wait_for_function("document.querySelector('#current-good').textContent === '12'")
    page.wait_for_selector(ALL_SENT)

    op = _operation(first)
    assert (op.status, op.good_quantity, op.scrap_quantity) == ("running", 12, 2)
    assert _events(first) == ["start", "report"]

    page.click("[data-action=pause]")
    page.click("#dialog [data-reason=BREAK]")
    page.wait_for_selector(".term-head.state-paused")
    page.wait_for_selector(ALL_SENT)
    op.refresh_from_db()
    assert (op.status, op.state_reason) == ("paused", "BREAK")


def test_outage_queues_on_the_device_and_delivers_once(live_server, page, login, shop):
    login("operator", username="otto")
    _open(page, live_server, shop)
    # The service worker takes control and caches the page and its files for an offline reload.
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller")
    page.wait_for_function(
        """async () => {
            const cache = await caches.open('andon-terminal-v1');
            return (await cache.keys()).length >= 8;
        }"""
    )
    first = shop["orders"][0]
    page.context.set_offline(True)
    page.click("[data-action=start]")
    page.wait_for_selector("#outbox[data-count='1']")
    assert "1 waiting to send" in page.inner_text("#outbox")
    page.click("[data-action=report]")
    _key(page, "7")
    page.click("#qty-ok")
    page.wait_for_selector("#outbox[data-count='2']")
    assert page.inner_text("#current-good") == "7"  # shown at once, before the server knows
    assert "Offline" in page.inner_text("#net")
    assert _events(first) == []

    page.reload()  # still offline: the service worker serves the page, localStorage the queue
    page.wait_for_selector("#outbox[data-count='2']")
    assert page.inner_text("#current-good") == "7"

    page.context.set_offline(False)
    page.wait_for_selector(ALL_SENT, timeout=40_000)
    page.wait_for_selector("#net.online")
    assert sorted(_events(first)) == ["report", "start"]  # each exactly once
    op = _operation(first)
    assert (op.status, op.good_quantity) == ("running", 7)


def test_rejected_event_is_shown_with_what_to_do(live_server, page, login, shop):
    from django.contrib.auth.models import User

    from andon.production import services

    login("operator", username="omar")
    _open(page, live_server, shop)
    first = shop["orders"][0]
    page.context.set_offline(True)
    page.click("[data-action=start]")
    page.wait_for_selector("#outbox[data-count='1']")
    services.cancel(User.objects.get(username="boss-sup"), first, reason="customer cancelled")
    page.context.set_offline(False)
    page.wait_for_selector(".problem", timeout=40_000)
    problem = page.inner_text(".problem")
    assert "Not recorded" in problem
    assert "cancelled" in problem
    assert "Ask your supervisor" in problem
    page.click(".problem [data-dismiss]")
    page.wait_for_selector(".problem", state="detached")
    assert _events(first) == []


def test_scans_select_the_operation_and_clock_on(live_server, page, login, shop):
    login("operator", username="oona")
    _open(page, live_server, shop)
    second = shop["orders"][1]
    page.keyboard.type(f"{second.number}/10", delay=5)
    page.keyboard.press("Enter")
    page.wait_for_function(
        f"document.querySelector('#current-key').textContent === '{second.number}/10'"
    )
    page.keyboard.type("B-777", delay=5)
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-action=clock_off][data-worker=W7]")
    page.wait_for_selector(ALL_SENT)
    assert _events(second) == ["clock_on"]
    # Typing slowly, as a person does, is not a scan.
    page.keyboard.type(f"{shop['orders'][0].number}/10", delay=150)
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert page.inner_text("#current-key") == f"{second.number}/10"


def test_others_are_refused(live_server, page, login, shop):
    login("viewer", username="vic")
    response = page.goto(f"{live_server.url}/production/terminal/")
    assert response is not None
    assert response.status == 403
