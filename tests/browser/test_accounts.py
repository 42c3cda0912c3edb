"""An administrator manages users in the browser: the new user logs in with the roles given."""

import pytest

NEW_PASSWORD = "Night-shift-2031"


@pytest.fixture
def fresh_context(chromium):
    """A second browser, logged out: the new user logs in there."""
    context = chromium.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_admin_creates_a_user_with_roles_who_then_logs_in(
    live_server, page, login, roles, fresh_context
):
    from django.contrib.auth.models import User

    from andon.accounts.roles import roles_of

    login("admin", username="chief")
    page.goto(f"{live_server.url}/accounts/users/")
    assert "chief" in page.locator("table.data").inner_text()
    page.click("a.button.primary:has-text('New')")
    page.fill("#id_username", "nadia")
    page.fill("#id_first_name", "Nadia")
    page.fill("#id_last_name", "Okafor")
    page.fill("#id_email", "nadia@plant.example")
    page.check("input[name=roles][value=supervisor]")
    page.check("input[name=roles][value=quality]")
    assert page.locator("text=Runs the shop floor").is_visible()
    page.fill("#id_password", NEW_PASSWORD)
    page.fill("#id_confirm", NEW_PASSWORD)
    page.click("button:has-text('Create user')")
    page.wait_for_url(f"{live_server.url}/accounts/users/*/")
    assert "Created user nadia" in page.locator(".messages").inner_text()
    assert page.locator("h1").inner_text() == "Nadia Okafor"
    assert page.locator("input[name=roles][value=supervisor]").is_checked()
    assert not page.locator("input[name=roles][value=planner]").is_checked()
    assert roles_of(User.objects.get(username="nadia")) == {"supervisor", "quality"}

    other = fresh_context
    other.goto(f"{live_server.url}/accounts/login/")
    other.fill("#id_username", "nadia")
    other.fill("#id_password", NEW_PASSWORD)
    other.click("button[type=submit]")
    other.wait_for_url(f"{live_server.url}/")
    header = other.locator("header.topbar").inner_text()
    assert "Nadia Okafor" in header
    assert "supervisor" in header
    assert "quality" in header
    # Not an administrator: the users pages are closed to her.
    assert other.goto(f"{live_server.url}/accounts/users/").status == 403


def test_admin_deactivates_a_user_and_issues_a_token_shown_once(live_server, page, login, roles):
    from django.contrib.auth.models import Group, User

    worker = User.objects.create_user("line7", password=NEW_PASSWORD)
    worker.groups.set(Group.objects.filter(name="operator"))
    login("admin", username="chief")
    page.goto(f"{live_server.url}/accounts/users/{worker.pk}/")
    page.fill("#id_name", "PLC gateway line 7")
    page.click("button:has-text('Create token')")
    assert "shown only once" in page.locator(".message.success").inner_text()
    assert "PLC gateway line 7" in page.locator("table.tokens").inner_text()
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('Deactivate')")
    assert "Deactivated line7" in page.locator(".messages").inner_text()
    assert not User.objects.get(pk=worker.pk).is_active
    assert page.locator("button:has-text('Reactivate')").is_visible()
