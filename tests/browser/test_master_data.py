"""Master data as a planner uses it in the browser: fold a BOM, import a file, create an item."""

import pytest


@pytest.fixture
def demo_plant(transactional_db):
    import datetime as dt

    from andon.accounts.services import ensure_roles
    from andon.demo import generator, services

    ensure_roles()
    services.load(generator.generate(size="small", seed=1, today=dt.date(2026, 6, 1)))


def visible_rows(page) -> int:
    return page.locator("table.tree tbody tr:visible").count()


def test_bom_tree_folds_and_unfolds(live_server, page, login, demo_plant):
    from andon.catalog.models import Item

    top = Item.objects.filter(procurement="make", used_in__isnull=True).order_by("sku").first()
    login("planner")
    page.goto(f"{live_server.url}/catalog/items/{top.pk}/bom/")
    everything = visible_rows(page)
    assert everything > 3
    page.click("[data-expand-to='1']")
    first_level = visible_rows(page)
    assert first_level < everything
    assert page.locator("table.tree tbody tr:visible[data-level='2']").count() == 0
    page.click("[data-expand-to='999']")
    assert visible_rows(page) == everything
    page.locator("table.tree tbody tr[data-level='1'] button.toggle").first.click()
    assert visible_rows(page) < everything


def test_import_page_rejects_a_bad_file_and_lists_the_problem(
    live_server, page, login, roles, tmp_path
):
    bad = tmp_path / "items.csv"
    bad.write_text(
        "sku,name,uom,procurement,lead_time_days,lot_size_rule,lot_size,min_qty,max_qty,multiple,safety_stock,standard_cost\n"
        "BOLT-M8,Bolt M8,pcs,buy,-3,lot_for_lot,,,,,0,0.1\n"
    )
    login("planner")
    page.goto(f"{live_server.url}/transfer/")
    page.set_input_files("input[type=file]", str(bad))
    page.click("button:has-text('Import')")
    text = page.locator("main").inner_text()
    assert "items.csv" in text
    assert "lead_time_days" in text
    from andon.catalog.models import Item

    assert not Item.objects.exists()


def test_create_item_through_the_form(live_server, page, login, roles, pcs):
    login("planner")
    page.goto(f"{live_server.url}/catalog/items/new/")
    page.fill("input[name=sku]", "SEAL-KIT-9")
    page.fill("input[name=name]", "Seal kit DN50")
    page.select_option("select[name=uom]", label="pcs")
    page.select_option("select[name=procurement]", "buy")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=SEAL-KIT-9")
    from andon.catalog.models import Item

    assert Item.objects.get(sku="SEAL-KIT-9").name == "Seal kit DN50"
