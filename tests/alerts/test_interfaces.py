"""The API (401/403/422, respond, inbox count) and the pages (render, viewer reads only)."""

import datetime as dt

import pytest
from django.test import Client

from andon.alerts import services
from tests.alerts.conftest import NOW


@pytest.fixture
def alert(make_rule, downtime, supervisor):
    make_rule("machine_down", parameters={"minutes": 20})
    downtime("downtime_start", NOW - dt.timedelta(minutes=25))
    return services.evaluate_rules(NOW).raised[0]


@pytest.fixture
def sup_client(supervisor):
    client = Client()
    client.force_login(supervisor)
    return client


def test_api_needs_login(db):
    assert Client().get("/api/v1/alerts").status_code == 401


def test_api_viewer_reads_but_cannot_resolve(viewer_client, alert):
    listed = viewer_client.get("/api/v1/alerts?state=open").json()
    assert [a["id"] for a in listed["items"]] == [alert.pk]
    answer = viewer_client.post(
        f"/api/v1/alerts/{alert.pk}/resolve", {"cause": "x"}, content_type="application/json"
    )
    assert answer.status_code == 403
    assert answer.json()["code"] == "forbidden"


def test_api_respond_and_inbox(sup_client, alert, supervisor):
    assert sup_client.get("/api/v1/notifications/count").json() == {"unread": 1}
    ack = sup_client.post(f"/api/v1/alerts/{alert.pk}/acknowledge")
    assert ack.status_code == 200
    assert ack.json()["state"] == "acknowledged"
    assigned = sup_client.post(
        f"/api/v1/alerts/{alert.pk}/assign", {"username": "sup"}, content_type="application/json"
    )
    assert assigned.json()["assigned_to"] == "sup"
    empty = sup_client.post(
        f"/api/v1/alerts/{alert.pk}/resolve", {"cause": ""}, content_type="application/json"
    )
    assert empty.status_code == 422
    done = sup_client.post(
        f"/api/v1/alerts/{alert.pk}/resolve", {"cause": "belt"}, content_type="application/json"
    )
    assert done.json()["state"] == "resolved"
    again = sup_client.post(f"/api/v1/alerts/{alert.pk}/acknowledge")
    assert again.status_code == 409
    read = sup_client.post("/api/v1/notifications/read", {}, content_type="application/json")
    assert read.json() == {"unread": 0}


def test_api_rules(admin_user, client):
    client.force_login(admin_user)
    bad = client.post(
        "/api/v1/alert-rules",
        {"name": "r", "kind": "machine_down", "parameters": {"minutes": -1}},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_parameters"
    wrong = client.post(
        "/api/v1/alert-rules", {"name": "r", "severity": "huge"}, content_type="application/json"
    )
    assert wrong.status_code == 422
    made = client.post(
        "/api/v1/alert-rules",
        {"name": "r", "kind": "machine_down", "parameters": {"minutes": 10}},
        content_type="application/json",
    )
    assert made.status_code == 201
    assert client.get("/api/v1/alert-rules").json()["items"][0]["parameters"]["minutes"] == 10


def test_api_rule_create_is_for_managers(viewer_client):
    answer = viewer_client.post(
        "/api/v1/alert-rules",
        {"name": "r", "kind": "machine_down"},
        content_type="application/json",
    )
    assert answer.status_code == 403


def test_pages_render(admin_user, client, alert, http_server):
    client.force_login(admin_user)
    hook = services.create_endpoint(admin_user, {"name": "ops", "url": http_server.url})
    for url in (
        "/alerts/",
        "/alerts/?severity=warning&state=open",
        f"/alerts/{alert.pk}/",
        "/alerts/inbox/",
        "/alerts/rules/",
        "/alerts/rules/new/",
        "/alerts/rules/new/?kind=scrap_rate",
        f"/alerts/rules/{alert.rule_id}/",
        "/alerts/subscriptions/",
        "/alerts/webhooks/",
        "/alerts/webhooks/new/",
        f"/alerts/webhooks/{hook.pk}/",
    ):
        assert client.get(url).status_code == 200, url


def test_rule_form_saves_parameters(admin_user, client):
    client.force_login(admin_user)
    answer = client.post(
        "/alerts/rules/new/?kind=machine_down",
        {"name": "Press down", "severity": "critical", "enabled": "on", "minutes": "15",
         "work_centers": "PRESS1, PRESS2"},
    )  # fmt: skip
    assert answer.status_code == 302
    from andon.alerts.models import AlertRule

    rule = AlertRule.objects.get(name="Press down")
    assert rule.parameters == {"minutes": 15, "work_centers": ["PRESS1", "PRESS2"]}


def test_viewer_reads_pages_but_cannot_resolve(viewer_client, alert):
    page = viewer_client.get(f"/alerts/{alert.pk}/")
    assert page.status_code == 200
    assert b"/resolve/" not in page.content
    answer = viewer_client.post(f"/alerts/{alert.pk}/resolve/", {"cause": "x"})
    assert answer.status_code == 403
    assert viewer_client.get("/alerts/webhooks/").status_code == 403
    alert.refresh_from_db()
    assert alert.state == "open"


def test_supervisor_resolves_on_the_page(sup_client, alert):
    answer = sup_client.post(f"/alerts/{alert.pk}/resolve/", {"cause": "cleared the jam"})
    assert answer.status_code == 302
    alert.refresh_from_db()
    assert alert.state == "resolved"
    assert alert.cause == "cleared the jam"


def test_rule_edit_page_audits_what_it_changed(admin_user, client, make_rule):
    from andon.alerts.models import AlertRule
    from andon.core.models import AuditEntry

    rule = make_rule("machine_down", name="Press down", parameters={"minutes": 20})
    client.force_login(admin_user)
    answer = client.post(
        f"/alerts/rules/{rule.pk}/",
        {"name": "Press down long", "severity": "critical", "enabled": "on", "minutes": "30"},
    )
    assert answer.status_code == 302
    assert answer["Location"] == "/alerts/rules/"
    rule = AlertRule.objects.get(pk=rule.pk)
    assert (rule.name, rule.parameters["minutes"]) == ("Press down long", 30)
    entry = AuditEntry.objects.filter(model="alerts.alertrule", action="update").get()
    assert entry.changes["name"] == ["Press down", "Press down long"]


def test_rule_delete_page_is_for_managers_and_deletes(admin_user, viewer_client, client, alert):
    from andon.alerts.models import Alert, AlertRule

    assert viewer_client.post(f"/alerts/rules/{alert.rule_id}/delete/").status_code == 403
    client.force_login(admin_user)
    page = client.get(f"/alerts/rules/{alert.rule_id}/delete/")
    assert "deleted with it" in page.content.decode()
    answer = client.post(f"/alerts/rules/{alert.rule_id}/delete/")
    assert answer.status_code == 302
    assert answer["Location"] == "/alerts/rules/"
    assert not AlertRule.objects.exists()
    assert not Alert.objects.exists()


def test_webhook_pages_show_the_new_secret_once_and_audit_an_edit(admin_user, client):
    from andon.alerts.models import WebhookEndpoint
    from andon.core.models import AuditEntry

    client.force_login(admin_user)
    made = client.post(
        "/alerts/webhooks/new/", {"name": "ops", "url": "https://ops.example/hook", "active": "on"}
    )
    endpoint = WebhookEndpoint.objects.get()
    assert made["Location"] == f"/alerts/webhooks/{endpoint.pk}/?secret=1"
    edited = client.post(
        f"/alerts/webhooks/{endpoint.pk}/edit/",
        {"name": "ops", "url": "https://ops.example/v2", "active": "on"},
    )
    assert edited["Location"] == f"/alerts/webhooks/{endpoint.pk}/"
    assert WebhookEndpoint.objects.get().secret == endpoint.secret
    entry = AuditEntry.objects.filter(model="alerts.webhookendpoint", action="update").get()
    assert entry.changes["url"] == ["https://ops.example/hook", "https://ops.example/v2"]
