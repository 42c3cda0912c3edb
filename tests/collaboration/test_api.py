"""The REST API: comments, my mentions, the inbox's mention entries, handover notes."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from andon.collaboration.models import Comment, HandoverNote

JSON = "application/json"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def post(client, path, body):
    return client.post(path, body, content_type=JSON)


def test_comment_mention_and_inbox_through_the_api(anna, ben, work_order):
    answer = post(
        client_for(anna),
        "/api/v1/comments",
        {"on": "work-order", "id": work_order.pk, "text": "@ben @ben start after lunch"},
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["author"] == "anna"
    assert body["mentions"] == ["ben"]
    assert body["url"] == f"/production/work-orders/{work_order.pk}/#comment-{body['id']}"

    bens = client_for(ben)
    assert bens.get("/api/v1/notifications/count").json() == {"unread": 1}
    inbox = bens.get("/api/v1/notifications?kind=mention").json()["items"]
    assert [(n["kind"], n["alert_id"], n["url"]) for n in inbox] == [("mention", None, body["url"])]
    assert bens.get("/api/v1/notifications?kind=alert").json()["items"] == []
    mentions = bens.get("/api/v1/mentions").json()["items"]
    assert [m["id"] for m in mentions] == [body["id"]]
    listed = bens.get(f"/api/v1/comments?on=work-order&id={work_order.pk}").json()["items"]
    assert [c["text"] for c in listed] == ["@ben @ben start after lunch"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"on": "work-order", "text": "   "}, 400, "empty_comment"),
        ({"on": "work-order", "text": "x" * 4001}, 400, "comment_too_long"),
        ({"on": "location", "text": "hi"}, 422, "invalid_request"),
        ({"on": "work-order", "id": 999999, "text": "hi"}, 404, "not_found"),
        ({"on": "work-order", "id": 2**60, "text": "hi"}, 422, "invalid_request"),
    ],
)
def test_bad_comments_get_a_clear_error(anna, work_order, body, status, code):
    body = {"id": work_order.pk, **body}
    answer = post(client_for(anna), "/api/v1/comments", body)
    assert answer.status_code == status
    assert answer.json()["code"] == code
    assert answer.json()["detail"]
    assert not Comment.objects.exists()


def test_viewers_read_but_do_not_comment(viewer, anna, work_center):
    post(
        client_for(anna),
        "/api/v1/comments",
        {"on": "work-center", "id": work_center.pk, "text": "hi"},
    )
    viewer_client = client_for(viewer)
    assert (
        viewer_client.get(f"/api/v1/comments?on=work-center&id={work_center.pk}").status_code == 200
    )
    refused = post(
        viewer_client,
        "/api/v1/comments",
        {"on": "work-center", "id": work_center.pk, "text": "me too"},
    )
    assert refused.status_code == 403
    assert Comment.objects.count() == 1


def test_edit_and_delete_are_the_authors_for_fifteen_minutes(anna, ben, work_center):
    created = post(
        client_for(anna),
        "/api/v1/comments",
        {"on": "work-center", "id": work_center.pk, "text": "oil low"},
    )
    pk = created.json()["id"]
    other = client_for(ben).patch(f"/api/v1/comments/{pk}", {"text": "mine now"}, content_type=JSON)
    assert (other.status_code, other.json()["code"]) == (403, "not_author")
    edited = client_for(anna).patch(
        f"/api/v1/comments/{pk}", {"text": "oil very low"}, content_type=JSON
    )
    assert edited.json()["text"] == "oil very low"
    assert edited.json()["edited_at"]
    Comment.objects.filter(pk=pk).update(created_at=timezone.now() - dt.timedelta(minutes=20))
    late = client_for(anna).delete(f"/api/v1/comments/{pk}")
    assert (late.status_code, late.json()["code"]) == (409, "edit_window_closed")
    assert Comment.objects.filter(pk=pk).exists()


def test_delete_within_the_window(anna, work_center):
    created = post(
        client_for(anna),
        "/api/v1/comments",
        {"on": "work-center", "id": work_center.pk, "text": "typo"},
    )
    assert client_for(anna).delete(f"/api/v1/comments/{created.json()['id']}").status_code == 204
    assert not Comment.objects.exists()


def test_handover_notes_through_the_api(anna, ben, viewer, work_center, day_shift, report):
    now = timezone.now()
    day = timezone.localtime(now).date() - dt.timedelta(days=1)
    report(timezone.make_aware(dt.datetime.combine(day, dt.time(9))), "25", "1")
    note = {
        "line": "Machining",
        "shift": "DAY",
        "shift_date": day.isoformat(),
        "safety": "All fine.",
    }
    assert post(client_for(viewer), "/api/v1/handover-notes", note).status_code == 403
    created = post(client_for(anna), "/api/v1/handover-notes", note)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["output"] == [
        {"work_center": "CNC1", "name": "CNC mill", "good": "25", "scrap": "1", "target": None}
    ]
    assert body["state"] == "open"  # written late: the next shift still gets its 30 minutes
    again = post(client_for(ben), "/api/v1/handover-notes", note)
    assert (again.status_code, again.json()["code"]) == (409, "open_note_exists")
    own = post(client_for(anna), f"/api/v1/handover-notes/{body['id']}/acknowledge", {})
    assert (own.status_code, own.json()["code"]) == (409, "own_note")
    done = post(
        client_for(ben), f"/api/v1/handover-notes/{body['id']}/acknowledge", {"reply": "ok"}
    )
    assert done.status_code == 200
    assert (done.json()["acknowledged_by"], done.json()["reply"]) == ("ben", "ok")
    listed = client_for(viewer).get("/api/v1/handover-notes?line=Machining&state=acknowledged")
    assert [n["id"] for n in listed.json()["items"]] == [body["id"]]
    assert client_for(viewer).get("/api/v1/handover-notes?state=overdue").json()["items"] == []


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"shift": "NOPE"}, 404, "not_found"),
        ({"line": "Painting"}, 400, "unknown_line"),
        ({"shift_date": "2025-02-30"}, 422, "invalid_request"),
        ({"output": [{"work_center": "CNC1", "good": -1}]}, 422, "invalid_request"),
        ({"output": [{"work_center": "XX", "good": 1}]}, 400, "invalid"),
    ],
)
def test_bad_handover_notes_get_a_clear_error(anna, work_center, day_shift, changes, status, code):
    note = {
        "line": "Machining",
        "shift": "DAY",
        "shift_date": "2025-03-04",
        "safety": "ok",
        **changes,
    }
    answer = post(client_for(anna), "/api/v1/handover-notes", note)
    assert answer.status_code == status, answer.content
    assert answer.json()["code"] == code
    assert not HandoverNote.objects.exists()
