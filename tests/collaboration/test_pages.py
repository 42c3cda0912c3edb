"""The pages: the thread on a record's page (htmx and plain posts), the inbox with mentions,
my mentions, and the handover pages."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from andon.alerts.models import Notification
from andon.collaboration import services
from andon.collaboration.models import Comment, HandoverNote

HTMX = {"HTTP_HX_REQUEST": "true"}


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def add(client, record_key, pk, body, **headers):
    return client.post(
        "/collaboration/comments/", {"on": record_key, "id": pk, "text": body}, **headers
    )


def test_htmx_comment_redraws_the_thread_with_the_mention(anna, ben, work_order):
    answer = add(client_for(anna), "work-order", work_order.pk, "<b>hot</b> @ben\nline 2", **HTMX)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert html.lstrip().startswith('<section class="card comments" id="comments">')
    assert "&lt;b&gt;hot&lt;/b&gt;" in html
    assert '<span class="mention">@ben</span><br>line 2' in html
    assert 'name="text"' in html  # the form is back, empty, for the next comment


def test_a_plain_post_comes_back_to_the_record(anna, work_center):
    answer = add(client_for(anna), "work-center", work_center.pk, "coolant topped up")
    comment = Comment.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/plant/work-centers/{work_center.pk}/#comment-{comment.pk}"


def test_an_empty_comment_shows_the_error_in_the_thread_and_keeps_nothing(anna, work_center):
    answer = add(client_for(anna), "work-center", work_center.pk, "   ", **HTMX)
    assert "A comment needs some text." in answer.content.decode()
    long = add(client_for(anna), "work-center", work_center.pk, "y" * 4001, **HTMX)
    assert "at most 4000 characters" in long.content.decode()
    assert "y" * 4001 in long.content.decode()  # the draft is kept to shorten
    assert not Comment.objects.exists()


def test_unknown_records_are_not_found(anna):
    assert add(client_for(anna), "work-order", 424242, "hi").status_code == 404
    assert add(client_for(anna), "location", 1, "hi").status_code == 404


def test_viewers_read_the_thread_without_a_form(viewer, anna, work_center):
    services.add_comment(anna, work_center, "belt replaced")
    page = client_for(viewer).get(f"/plant/work-centers/{work_center.pk}/").content.decode()
    assert "belt replaced" in page
    assert 'id="comment-text"' not in page
    assert add(client_for(viewer), "work-center", work_center.pk, "hi").status_code == 403


def test_every_detail_page_carries_the_thread(
    anna, work_order, work_center, customer, supplier, make_rule_alert
):
    from andon.orders.models import PurchaseOrder, SalesOrder

    so = SalesOrder.objects.create(number="SO-1", customer=customer, order_date=dt.date(2025, 3, 1))
    po = PurchaseOrder.objects.create(
        number="PO-1", supplier=supplier, order_date=dt.date(2025, 3, 1)
    )
    client = client_for(anna)
    for url in (
        f"/orders/sales-orders/{so.pk}/",
        f"/orders/purchase-orders/{po.pk}/",
        f"/production/work-orders/{work_order.pk}/",
        f"/plant/work-centers/{work_center.pk}/",
        f"/alerts/{make_rule_alert.pk}/",
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert 'id="comment-text"' in page.content.decode(), url


def test_the_thread_costs_the_same_queries_for_many_comments(
    anna, ben, carl, work_center, django_assert_max_num_queries
):
    client = client_for(anna)
    client.get(f"/plant/work-centers/{work_center.pk}/")
    for n in range(12):
        services.add_comment(anna if n % 2 else ben, work_center, f"note {n} @carl @anna")
    with django_assert_max_num_queries(40):
        page = client.get(f"/plant/work-centers/{work_center.pk}/")
    assert page.content.decode().count('class="comment"') == 12


def test_edit_and_delete_in_place(anna, work_center):
    comment = services.add_comment(anna, work_center, "coolant low")
    client = client_for(anna)
    form = client.get(f"/collaboration/comments/{comment.pk}/edit/", **HTMX).content.decode()
    assert "Edit your comment" in form
    assert "coolant low" in form
    saved = client.post(
        f"/collaboration/comments/{comment.pk}/edit/", {"text": "coolant empty"}, **HTMX
    )
    assert "coolant empty" in saved.content.decode()
    assert "edited" in saved.content.decode()
    gone = client.post(f"/collaboration/comments/{comment.pk}/delete/", **HTMX)
    assert "No comments yet." in gone.content.decode()
    assert not Comment.objects.exists()


def test_others_and_late_authors_get_no_edit_link(anna, ben, work_center):
    comment = services.add_comment(anna, work_center, "mine")
    assert (
        "/edit/"
        not in client_for(ben).get(f"/plant/work-centers/{work_center.pk}/").content.decode()
    )
    assert client_for(ben).post(f"/collaboration/comments/{comment.pk}/delete/").status_code == 403
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))
    page = client_for(anna).get(f"/plant/work-centers/{work_center.pk}/").content.decode()
    assert f"/collaboration/comments/{comment.pk}/edit/" not in page
    late = client_for(anna).post(f"/collaboration/comments/{comment.pk}/delete/", **HTMX)
    assert "kept as it is" in late.content.decode()
    assert Comment.objects.exists()


def test_inbox_lists_the_mention_and_opening_the_record_reads_it(anna, ben, work_order):
    comment = services.add_comment(anna, work_order, "@ben material is at the line")
    client = client_for(ben)
    inbox = client.get("/alerts/inbox/?kind=mention").content.decode()
    link = f"/production/work-orders/{work_order.pk}/#comment-{comment.pk}"
    assert f'href="{link}"' in inbox
    assert "Anna mentioned you on Work order WO-1001" in inbox
    assert "Nothing yet" in client.get("/alerts/inbox/?kind=alert").content.decode()
    page = client.get(f"/production/work-orders/{work_order.pk}/").content.decode()
    assert "/collaboration/mentions/seen/" in page  # the page reports it was seen
    seen = client.post("/collaboration/mentions/seen/", {"on": "work-order", "id": work_order.pk})
    assert seen.status_code == 204
    assert not Notification.objects.filter(user=ben, read=False).exists()
    mine = client.get("/collaboration/mentions/").content.decode()
    assert "material is at the line" in mine
    assert link in mine


@pytest.fixture
def yesterday():
    return timezone.localtime(timezone.now()).date() - dt.timedelta(days=1)


def test_handover_write_acknowledge_and_overview(
    anna, ben, work_center, day_shift, report, yesterday
):
    report(timezone.make_aware(dt.datetime.combine(yesterday, dt.time(8))), "31", "2")
    writer = client_for(anna)
    form = writer.get(
        f"/collaboration/handover/write/Machining/?shift={day_shift.pk}&date={yesterday}"
    )
    html = form.content.decode()
    assert 'name="good:CNC1" value="31"' in html
    assert 'name="scrap:CNC1" value="2"' in html
    posted = writer.post(
        "/collaboration/handover/write/Machining/",
        {
            "shift": day_shift.pk,
            "date": yesterday.isoformat(),
            "safety": "Spill at CNC1 cleaned.",
            "work_center": "CNC1",
            "good:CNC1": "31",
            "scrap:CNC1": "2",
            "target:CNC1": "40",
        },
    )
    note = HandoverNote.objects.get()
    assert posted.status_code == 302
    assert posted["Location"] == f"/collaboration/handover/lines/Machining/#note-{note.pk}"
    overview = client_for(ben).get("/collaboration/handover/").content.decode()
    assert "Waiting for acknowledgement" in overview
    assert f"#note-{note.pk}" in overview
    line = client_for(ben).get("/collaboration/handover/lines/Machining/").content.decode()
    assert "Spill at CNC1 cleaned." in line
    assert "Acknowledge" in line
    own = writer.get("/collaboration/handover/lines/Machining/").content.decode()
    assert f"/handover/notes/{note.pk}/acknowledge/" not in own
    client_for(ben).post(
        f"/collaboration/handover/notes/{note.pk}/acknowledge/", {"reply": "Thanks"}
    )
    note.refresh_from_db()
    assert (note.acknowledged_by, note.reply) == (ben, "Thanks")
    assert (
        "Every handover note has been acknowledged."
        in client_for(ben).get("/collaboration/handover/").content.decode()
    )


def test_a_bad_handover_form_says_what_is_wrong(anna, work_center, day_shift):
    answer = client_for(anna).post(
        "/collaboration/handover/write/Machining/",
        {"shift": day_shift.pk, "date": "not-a-date", "work_center": "CNC1", "good:CNC1": "-1"},
    )
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "Give the date the shift started." in html
    assert "zero or more" in html
    assert not HandoverNote.objects.exists()


def test_handover_pages_need_the_capability_to_write(viewer, work_center):
    client = client_for(viewer)
    assert client.get("/collaboration/handover/").status_code == 200
    assert client.get("/collaboration/handover/write/Machining/").status_code == 403
    assert client.get("/collaboration/handover/lines/Nowhere/").status_code == 404
