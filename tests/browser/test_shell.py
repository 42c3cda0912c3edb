"""The shell as a person meets it: log in, find their way, search a list, be refused politely."""


def test_login_shows_overview_with_navigation(live_server, page, login, roles):
    login("planner", username="pat")
    assert page.locator("h1").first.inner_text() == "Plant overview"
    nav = page.locator(".sidebar nav").inner_text()
    for section in ("PLAN", "RUN", "MASTER DATA"):
        assert section in nav.upper()
    assert "planner" in page.locator(".topbar .user").inner_text()


def test_wrong_password_stays_on_login(live_server, page, transactional_db):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "nobody")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    assert "Wrong username or password" in page.content()


def test_pages_redirect_to_login(live_server, page, transactional_db):
    page.goto(f"{live_server.url}/catalog/items/")
    assert "/accounts/login/" in page.url


def test_search_refreshes_the_table_in_place(live_server, page, login, roles, pcs):
    from andon.catalog.models import Item

    for sku, name in [
        ("PUMP-100", "Centrifugal pump"),
        ("VALVE-20", "Ball valve"),
        ("BOLT-M8", "Bolt M8"),
    ]:
        Item.objects.create(sku=sku, name=name, uom=pcs, procurement="buy")
    login("viewer")
    page.goto(f"{live_server.url}/catalog/items/")
    assert page.locator("#list-table tbody tr").count() == 3
    page.fill("input[name=q]", "valve")
    page.wait_for_function("document.querySelectorAll('#list-table tbody tr').length === 1")
    assert "VALVE-20" in page.locator("#list-table").inner_text()
    assert "q=valve" in page.url  # the search is in the address: shareable, survives reload


def test_logout(live_server, page, login, roles):
    login("viewer")
    page.click("text=Log out")
    page.wait_for_url("**/accounts/login/")
