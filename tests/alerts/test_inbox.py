"""The inbox as other contexts use it: their entries keep the inbox's rules, and they can take
back or mark read only entries of their own kind and person."""

import pytest

from andon.alerts import inbox
from andon.alerts.models import Alert, Notification
from andon.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(user_with_role):
    return user_with_role("operator", username="ann"), user_with_role("planner", username="bo")


def _tell(users, **changes):
    values = {
        "kind": inbox.Kind.MENTION,
        "event": "mentioned",
        "message": "Cy mentioned you on WO-1: please check",
        "url": "/production/work-orders/1/#comment-4",
        **changes,
    }
    return inbox.tell(users, **values)


def test_each_person_is_told_once_with_a_link_to_the_record(people):
    ann, bo = people
    told = _tell([ann, bo, ann])
    assert sorted(told) == sorted([ann.pk, bo.pk])
    entries = Notification.objects.order_by("user__username")
    assert [(n.user, n.kind, n.read, n.alert) for n in entries] == [
        (ann, "mention", False, None),
        (bo, "mention", False, None),
    ]
    assert told[ann.pk].link == "/production/work-orders/1/#comment-4"


@pytest.mark.parametrize(
    ("changes", "column"),
    [
        ({"kind": "alert"}, "kind"),  # alert entries need an alert: alerts writes those itself
        ({"kind": "gossip"}, "kind"),
        ({"event": " "}, "event"),
        ({"message": ""}, "message"),
        ({"message": "x" * 301}, "message"),
        ({"url": "https://elsewhere.example/"}, "url"),
        ({"url": "/" + "x" * 300}, "url"),
    ],
)
def test_a_bad_entry_is_refused_and_nobody_is_told(people, changes, column):
    with pytest.raises(ValidationFailed) as exc:
        _tell(list(people), **changes)
    assert exc.value.code == "invalid_notification"
    assert [p.column for p in exc.value.problems] == [column]
    assert not Notification.objects.exists()


def test_an_inactive_user_is_not_told_and_neither_is_anyone_else(people):
    ann, bo = people
    bo.is_active = False
    bo.save()
    with pytest.raises(ValidationFailed, match="Only active users"):
        _tell([ann, bo])
    assert not Notification.objects.exists()


def test_withdrawing_keeps_what_was_read_when_asked_and_never_touches_alerts(people, make_rule):
    ann, bo = people
    told = _tell([ann, bo])
    Notification.objects.filter(pk=told[ann.pk].pk).update(read=True)
    at = told[ann.pk].created_at
    alert = Alert.objects.create(
        rule=make_rule("machine_down", parameters={"minutes": 20}),
        subject_key="wc:1",
        severity="warning",
        title="Down",
        raised_at=at,
        updated_at=at,
    )
    about_alert = Notification.objects.create(
        user=ann, alert=alert, event="raised", message="Down", created_at=alert.raised_at
    )
    ids = [told[ann.pk].pk, told[bo.pk].pk, about_alert.pk, None]
    assert inbox.withdraw(ids, unread_only=True) == 1
    assert set(Notification.objects.values_list("pk", flat=True)) == {
        told[ann.pk].pk,
        about_alert.pk,
    }
    assert inbox.withdraw(ids) == 1
    assert list(Notification.objects.all()) == [about_alert]


def test_marking_read_is_for_ones_own_entries_only(people):
    ann, bo = people
    told = _tell([ann, bo])
    both = [told[ann.pk].pk, told[bo.pk].pk]
    assert inbox.mark_read(ann, both) == 1
    assert set(Notification.objects.filter(read=True).values_list("user", flat=True)) == {ann.pk}
    assert inbox.mark_read(ann, Notification.objects.values_list("pk", flat=True)) == 0
