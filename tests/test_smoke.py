"""Every page of the shell renders for a logged-in user; nothing is reachable without login."""

import pytest
from django.urls import reverse

from andon.core import registry

PAGES = [
    e.url_name
    for s in registry.navigation()
    for e in s.entries
    if not e.url_name.startswith("admin:")
]


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["overview:home", *PAGES])
def test_page_renders_for_admin(client, admin_user, url_name):
    client.force_login(admin_user)
    response = client.get(reverse(url_name))
    assert response.status_code == 200, response.content[:500]


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["overview:home", *PAGES])
def test_page_needs_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_health_is_open(client):
    assert client.get("/health").json() == {"status": "ok"}


@pytest.mark.django_db
def test_api_without_credentials_is_401_json(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.django_db
def test_nul_character_is_a_clear_400_not_a_server_error(client, admin_user):
    client.force_login(admin_user)
    page = client.get("/catalog/items/", {"q": "bolt\x00"})
    assert page.status_code == 400
    api = client.get("/api/v1/items", {"q": "\x00"})
    assert api.status_code == 400
    assert api.json()["code"] == "invalid_request"
    body = client.post("/api/v1/items", '{"sku": "A\\u0000"}', content_type="application/json")
    assert body.status_code == 400


@pytest.mark.django_db
def test_an_id_beyond_the_database_range_is_a_422(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/api/v1/sales-orders/392417538426556378031063040")
    assert response.status_code in (404, 422)
    assert response.json()["code"] in ("not_found", "invalid_request")
    response = client.post(
        "/api/v1/sales-orders/392417538426556378031063040/lines/1/shipments",
        '{"quantity": "1", "location": "WH"}',
        content_type="application/json",
    )
    assert response.status_code in (404, 422)


@pytest.mark.django_db
def test_control_characters_are_refused_but_line_breaks_are_not(client, admin_user):
    client.force_login(admin_user)
    unit = '{"code": "box", "name": "Box\\u001f", "dimension": "count"}'
    assert client.post("/api/v1/units", unit, content_type="application/json").status_code == 400
    fine = '{"code": "box", "name": "Box\\nof ten", "dimension": "count"}'
    assert client.post("/api/v1/units", fine, content_type="application/json").status_code == 201


def test_worksheet_export_drops_control_characters():
    import io

    import openpyxl

    from andon.transfer.sources import xlsx_bytes

    data = xlsx_bytes([("items", ["sku", "name"], [["A-1", "Bolt\x1f M8"]])])
    sheet = openpyxl.load_workbook(io.BytesIO(data))["items"]
    assert sheet["B2"].value == "Bolt M8"


@pytest.mark.django_db
def test_only_the_deepest_matching_menu_entry_is_active(admin_user):
    from andon.accounts.navigation import menu_for

    menu = menu_for(admin_user, "/scheduling/gantt/")
    active = [e["label"] for s in menu for e in s["entries"] if e["active"]]
    assert active == ["Gantt"]
