"""Team communication as people meet it: a comment with an @mention posted on a work order's page
without a reload, the mentioned colleague finding it in their inbox and following it back, and a
shift handover note written by one shift and acknowledged by the next."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.browser.conftest import PASSWORD


@pytest.fixture
def work_order(work_center, make_item, warehouse):
    from andon.production.models import WorkOrder

    return WorkOrder.objects.create(
        number="WO-2001",
        item=make_item("PUMP-1", procurement="make"),
        quantity=Decimal("50"),
        due_date=dt.date.today() + dt.timedelta(days=5),
        lot_code="L2001",
        status="released",
        supply_location=warehouse,
        output_location=warehouse,
    )


@pytest.fixture
def colleague(roles):
    """An operator who already has an account, so the @ autocomplete can offer him."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(
        username="ben", password=PASSWORD, first_name="Ben", last_name="Okafor"
    )
    user.groups.set(Group.objects.filter(name="operator"))
    return user


def log_in_as(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def log_out(page):
    page.click("text=Log out")
    page.wait_for_url("**/accounts/login/")


def test_mention_reaches_the_inbox_and_leads_back(live_server, page, login, colleague, work_order):
    from andon.alerts.models import Notification

    login("supervisor", username="anna")
    page.goto(f"{live_server.url}/production/work-orders/{work_order.pk}/")
    page.evaluate("window.samePage = true")
    box = page.locator("#comment-text")
    box.click()
    box.type("Material for op 20 is at the line, @be")
    page.locator(".mention-menu li", has_text="@ben").wait_for()
    page.keyboard.press("Enter")  # picks the suggestion
    box.type("please start.")
    assert box.input_value() == "Material for op 20 is at the line, @ben please start."
    page.click("button:has-text('Comment')")
    page.locator(".comment .mention", has_text="@ben").wait_for()
    assert page.evaluate("window.samePage") is True  # no reload
    assert box.input_value() == ""
    log_out(page)

    log_in_as(page, live_server, "ben")
    page.locator("#inbox-count", has_text="1").wait_for()
    page.click("a.inbox")
    page.click("[role=tablist] >> text=Mentions")  # the inbox's tab, not the menu's "My mentions"
    entry = page.locator("table.data a", has_text="mentioned you on Work order WO-2001")
    entry.click()
    page.wait_for_url(f"**/production/work-orders/{work_order.pk}/#comment-*")
    assert "please start." in page.locator("#comments").inner_text()
    deadline = 50
    while Notification.objects.filter(user=colleague, read=False).exists() and deadline:
        page.wait_for_timeout(100)
        deadline -= 1
    assert not Notification.objects.filter(user=colleague, read=False).exists()


def test_handover_note_is_written_and_acknowledged(
    live_server, page, login, colleague, work_center
):
    from andon.collaboration.models import HandoverNote

    log_in_as(page, live_server, "ben")
    page.goto(f"{live_server.url}/collaboration/handover/")
    page.click("a:has-text('Write note')")
    page.fill("#safety", "Oil on the floor by CNC1, cleaned and signed.")
    page.fill("input[name='target:CNC1']", "60")
    page.click("button:has-text('Hand over')")
    note = page.locator("article.handover").first
    assert "Waiting for acknowledgement" in note.inner_text()
    assert "Oil on the floor by CNC1" in note.inner_text()
    assert note.locator("button:has-text('Acknowledge')").count() == 0  # not the writer's to do
    log_out(page)

    login("supervisor", username="anna")
    page.goto(f"{live_server.url}/collaboration/handover/")
    page.click("table.data a:has-text('Machining')")
    page.fill("textarea[name=reply]", "Read. Maintenance checks the coolant line at 15:00.")
    page.click("button:has-text('Acknowledge')")
    note = page.locator("article.handover").first
    assert "Acknowledged" in note.inner_text()
    assert "Maintenance checks the coolant line" in note.inner_text()
    saved = HandoverNote.objects.get()
    assert (saved.author.username, saved.acknowledged_by.username) == ("ben", "anna")
