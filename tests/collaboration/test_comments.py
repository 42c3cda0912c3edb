"""Comments and @mentions through the services, against the real database and SMTP server."""

import datetime as dt
import socket

import pytest
from django.utils import timezone

from andon.alerts.models import Notification
from andon.collaboration import services, text
from andon.collaboration.models import Comment, Mention
from andon.core.errors import Conflict, Forbidden, ValidationFailed
from andon.core.models import AuditEntry


def _age(comment, minutes):
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=minutes)
    )
    comment.refresh_from_db()


def test_shown_text_is_escaped_keeps_lines_and_links():
    html = text.render("<script>alert(1)</script>\nsee https://example.com/x?a=1&b=2 @ben", ["ben"])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<br>" in html
    assert 'href="https://example.com/x?a=1&amp;b=2"' in html
    assert '<span class="mention">@ben</span>' in html


def test_mention_parsing_ignores_addresses_and_trailing_dots():
    assert text.mentioned_names("mail ben@plant.test, then @Ben. and @ben again, @carl_2.") == [
        "Ben",
        "carl_2",
    ]


def test_empty_or_too_long_comments_are_refused_and_nothing_is_written(anna, work_center):
    with pytest.raises(ValidationFailed, match="needs some text"):
        services.add_comment(anna, work_center, "  \n ")
    with pytest.raises(ValidationFailed, match="at most 4000 characters; this one has 4006"):
        services.add_comment(anna, work_center, "x" * 4001 + " @ben")
    assert not Comment.objects.exists()
    assert not Notification.objects.exists()


def test_a_record_outside_the_allow_list_takes_no_comments(anna, warehouse):
    with pytest.raises(ValidationFailed, match="not kept on location"):
        services.add_comment(anna, warehouse, "hello")


def test_each_person_mentioned_is_told_once_and_never_the_author(anna, ben, carl, work_order):
    comment = services.add_comment(
        anna, work_order, "@ben @BEN please check, @carl too; @anna noted; @nobody here"
    )
    told = Notification.objects.filter(kind="mention").order_by("user__username")
    assert [n.user.username for n in told] == ["ben", "carl"]
    entry = told[0]
    assert entry.alert is None
    assert entry.url == f"/production/work-orders/{work_order.pk}/#comment-{comment.pk}"
    assert entry.link == entry.url
    assert entry.message.startswith("Anna mentioned you on Work order WO-1001: @ben @BEN")
    assert comment.text.endswith("@nobody here")  # unknown names stay as text
    assert set(comment.mentions.values_list("user__username", flat=True)) == {"ben", "carl"}


def test_mentioned_people_with_an_address_get_an_email(
    smtp_server, anna, ben, carl, work_center, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.add_comment(anna, work_center, "@ben @carl spindle is noisy")
    assert [m.rcpt_tos for m in smtp_server.messages] == [["ben@plant.test"]]
    mail = smtp_server.messages[0].content.decode()
    assert "Subject: [Andon] Anna mentioned you on Work center CNC1" in mail
    assert f"/plant/work-centers/{work_center.pk}/#comment-" in mail


def test_a_dead_mail_server_never_fails_the_comment(
    settings, anna, ben, work_center, django_capture_on_commit_callbacks
):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.add_comment(anna, work_center, "@ben are you there?")
    assert Comment.objects.filter(pk=comment.pk).exists()
    assert Notification.objects.filter(user=ben, kind="mention").count() == 1


def test_the_author_edits_within_the_window_and_the_change_is_audited(anna, ben, carl, work_order):
    comment = services.add_comment(anna, work_order, "@ben check the fixture")
    services.edit_comment(anna, comment, "@carl check the fixture")
    comment.refresh_from_db()
    assert comment.text == "@carl check the fixture"
    assert comment.edited_at is not None
    # carl is newly named and told; ben was dropped before he read it, so his entry goes.
    assert list(Mention.objects.values_list("user__username", flat=True)) == ["carl"]
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["carl"]
    change = AuditEntry.objects.get(model="collaboration.comment", action="update")
    assert change.changes["text"] == ["@ben check the fixture", "@carl check the fixture"]


def test_an_edit_tells_nobody_twice(anna, ben, work_order):
    comment = services.add_comment(anna, work_order, "@ben check")
    services.edit_comment(anna, comment, "@ben check again, @ben")
    assert Notification.objects.filter(user=ben).count() == 1


def test_only_the_author_may_edit_or_delete(anna, ben, work_order):
    comment = services.add_comment(anna, work_order, "mine")
    with pytest.raises(Forbidden):
        services.edit_comment(ben, comment, "hijacked")
    with pytest.raises(Forbidden):
        services.delete_comment(ben, comment)
    comment.refresh_from_db()
    assert comment.text == "mine"


def test_after_fifteen_minutes_a_comment_is_kept_as_written(anna, work_order):
    comment = services.add_comment(anna, work_order, "final words")
    _age(comment, 15)
    with pytest.raises(Conflict, match="15 minutes"):
        services.edit_comment(anna, comment, "changed")
    with pytest.raises(Conflict):
        services.delete_comment(anna, comment)
    comment.refresh_from_db()
    assert comment.text == "final words"


def test_delete_withdraws_the_comment_and_its_inbox_entries(anna, ben, work_order):
    comment = services.add_comment(anna, work_order, "@ben wrong order, sorry")
    _age(comment, 14)
    services.delete_comment(anna, comment)
    assert not Comment.objects.exists()
    assert not Notification.objects.exists()
    gone = AuditEntry.objects.get(model="collaboration.comment", action="delete")
    assert gone.changes["text"] == "@ben wrong order, sorry"


def test_opening_the_record_marks_its_mentions_read(anna, ben, work_order, work_center):
    services.add_comment(anna, work_order, "@ben one")
    services.add_comment(anna, work_center, "@ben two")
    assert services.mark_mentions_read(ben, work_order) == 1
    unread = Notification.objects.filter(user=ben, read=False)
    assert [n.url.split("#")[0] for n in unread] == [f"/plant/work-centers/{work_center.pk}/"]


def test_an_inactive_user_is_not_told(anna, ben, work_order):
    ben.is_active = False
    ben.save()
    services.add_comment(anna, work_order, "@ben left last year")
    assert not Notification.objects.exists()
