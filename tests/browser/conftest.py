"""Browser tests: a real Chromium (Debian's, at /usr/bin/chromium) driven by Playwright against a
live Andon server on this machine.

Run with `pytest -m browser`. Playwright's own browser download is never used.
"""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the fixtures make are
# still plain synchronous calls made before or after each browser step.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("ANDON_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "browser-pw-1234"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium package")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def login(live_server, page, transactional_db):
    """Log in through the real login form as a new user holding the given roles."""
    from django.contrib.auth.models import Group, User

    def as_user(*roles: str, username: str = "") -> object:
        name = username or ("-".join(roles) or "norole")
        user = User.objects.create_user(username=name, password=PASSWORD, first_name=name.title())
        user.groups.set(Group.objects.filter(name__in=roles))
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", name)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return user

    return as_user


@pytest.fixture
def roles(transactional_db):
    """Role groups come from a data migration, which a transactional test database flushes."""
    from andon.accounts.services import ensure_roles

    ensure_roles()


@pytest.fixture
def reason_codes(transactional_db):
    """The starting reason codes come from a data migration, which a transactional test database
    flushes too."""
    from andon.production.reasons import ensure_starting_codes

    ensure_starting_codes()
