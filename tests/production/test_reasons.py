"""Reason codes are master data: the plant edits them, the terminal offers them, events take their
downtime class, and the downtime Pareto shows their labels."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from andon.production.models import ProductionEvent, ReasonCode
from tests.production.conftest import at


@pytest.fixture
def supervisor_client(client, supervisor):
    client.force_login(supervisor)
    return client


def api(client, method, url, body=None):
    return getattr(client, method)(
        f"/api/v1{url}", json.dumps(body) if body is not None else None, "application/json"
    )


def test_a_plant_starts_with_the_codes_operators_know(db):
    downtime = ReasonCode.objects.filter(kind="downtime")
    assert downtime.get(code="BREAKDOWN").downtime_class == "unplanned"
    assert downtime.get(code="PLANNED-MAINT").downtime_class == "planned"
    assert ReasonCode.objects.get(kind="scrap", code="SETUP-PIECE").loss == "startup_reject"


def test_supervisor_adds_a_code_and_the_terminal_offers_it(supervisor_client, work_center):
    response = supervisor_client.post(
        reverse("production:reason-create"),
        {
            "kind": "downtime",
            "code": "HYDRAULICS",
            "label": "Hydraulic leak",
            "downtime_class": "unplanned",
            "loss": "equipment_failure",
            "sequence": 5,
            "active": "on",
        },
    )
    assert response.status_code == 302
    ReasonCode.objects.filter(code="CLEANING").update(active=False)
    state = supervisor_client.get(
        reverse("production:terminal-state", args=[work_center.code])
    ).json()
    offered = [r["code"] for r in state["reasons"]["downtime"]]
    assert offered[0] == "HYDRAULICS"  # sequence 5 comes first
    assert "CLEANING" not in offered


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"kind": "downtime", "code": "X1", "downtime_class": ""}, "planned or unplanned"),
        ({"kind": "scrap", "code": "X2", "downtime_class": "planned"}, "Only downtime"),
        (
            {"kind": "downtime", "code": "X3", "downtime_class": "planned", "loss": "minor_stop"},
            "not a loss",
        ),
        ({"kind": "downtime", "code": "BREAKDOWN", "downtime_class": "unplanned"}, "already"),
        ({"kind": "pause", "code": "has space"}, "no spaces"),
    ],
)
def test_bad_codes_are_refused_with_the_reason(supervisor_client, fields, problem):
    before = ReasonCode.objects.count()
    data = {"label": "Something", "sequence": 10, "loss": "", "downtime_class": "", **fields}
    response = supervisor_client.post(reverse("production:reason-create"), data)
    assert response.status_code == 200
    assert problem in response.content.decode()
    assert ReasonCode.objects.count() == before


def test_reason_codes_over_the_api(supervisor_client, viewer):
    viewer_client = Client()
    viewer_client.force_login(viewer)
    created = api(
        supervisor_client,
        "post",
        "/reason-codes",
        {"kind": "scrap", "code": "BURR", "label": "Burr left", "loss": "process_defect"},
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    listed = api(supervisor_client, "get", "/reason-codes?kind=scrap").json()
    assert "BURR" in [r["code"] for r in listed]
    changed = api(supervisor_client, "patch", f"/reason-codes/{pk}", {"active": False})
    assert changed.json()["active"] is False
    bad = api(supervisor_client, "patch", f"/reason-codes/{pk}", {"downtime_class": "planned"})
    assert bad.status_code == 400
    assert "Only downtime reasons have a class" in bad.json()["detail"]
    assert api(viewer_client, "post", "/reason-codes", {"kind": "scrap"}).status_code in (403, 422)
    assert api(viewer_client, "delete", f"/reason-codes/{pk}").status_code == 403
    assert api(supervisor_client, "delete", f"/reason-codes/{pk}").status_code == 204
    assert not ReasonCode.objects.filter(pk=pk).exists()


def test_a_defined_downtime_reason_gives_the_event_its_class(work_center, report):
    planned = report("downtime_start", when=at(0), work_center="CNC1", reason="CLEANING")
    report("downtime_end", when=at(10), work_center="CNC1")
    unknown = report("downtime_start", when=at(20), work_center="CNC1", reason="E-4711")
    sent = report(
        "downtime_end", when=at(25), work_center="CNC1", downtime_class="planned", reason=""
    )
    assert ProductionEvent.objects.get(pk=planned.event_id).downtime_class == "planned"
    assert ProductionEvent.objects.get(pk=unknown.event_id).downtime_class == "unplanned"
    assert ProductionEvent.objects.get(pk=sent.event_id).downtime_class == "planned"


def test_the_downtime_pareto_shows_labels_and_charts_losses_only(
    supervisor_client, work_center, report
):
    report("downtime_start", when=at(0), work_center="CNC1", reason="TOOL-BREAK")
    report("downtime_end", when=at(45), work_center="CNC1")
    report("downtime_start", when=at(60), work_center="CNC1", reason="CLEANING")
    report("downtime_end", when=at(90), work_center="CNC1")
    # The reference time is four hours ago, so the stops may fall on two days.
    start = timezone.localtime(at(0)).date().isoformat()
    end = timezone.localtime(at(90)).date().isoformat()
    url = reverse("performance:downtime")
    page = supervisor_client.get(url, {"from": start, "to": end})
    chart = page.context["chart"]
    assert "Tool broken" in chart
    assert "Cleaning" not in chart  # planned downtime is not a loss
    assert "Cleaning" in page.content.decode()  # but it is listed
    everything = supervisor_client.get(url, {"from": start, "to": end, "planned": "1"})
    assert "Cleaning" in everything.context["chart"]


def test_reason_code_pages_prefill_offer_delete_and_audit_an_edit(supervisor_client, viewer):
    from andon.core.models import AuditEntry

    new = supervisor_client.get(reverse("production:reason-create") + "?kind=downtime&code=JAM2")
    assert new.context["form"].initial == {"kind": "downtime", "code": "JAM2"}
    reason = ReasonCode.objects.get(kind="scrap", code="SETUP-PIECE")
    edit_url = reverse("production:reason-edit", args=[reason.pk])
    page = supervisor_client.get(edit_url)
    assert reverse("production:reason-delete", args=[reason.pk]) in page.content.decode()
    answer = supervisor_client.post(
        edit_url,
        {"kind": "scrap", "code": "SETUP-PIECE", "label": "First piece", "sequence": 10,
         "loss": "startup_reject", "downtime_class": "", "active": "on"},
    )  # fmt: skip
    assert answer.status_code == 302
    assert answer["Location"] == reverse("production:reason-list")
    entry = AuditEntry.objects.filter(model="production.reasoncode", action="update").get()
    assert entry.changes["label"][1] == "First piece"
    viewer_client = Client()
    viewer_client.force_login(viewer)
    assert viewer_client.get(edit_url).status_code == 403
