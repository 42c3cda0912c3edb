"""Shift handover notes through the services: prefill, one open note, acknowledgement, overdue."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from andon.collaboration import services, shiftdata
from andon.collaboration.models import HandoverNote
from andon.core.errors import Conflict, ValidationFailed
from andon.core.models import AuditEntry

DAY = dt.date(2025, 3, 4)  # a Tuesday; the day shift runs 06:00-14:00 plant time


def local(hour, minute=0, day=DAY):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def note_input(work_center, day_shift):
    def make(**changes):
        values = {
            "line": "Machining",
            "shift": day_shift,
            "shift_date": DAY,
            "safety": "Guard on CNC1 loose, taped off.",
            "output": [services.OutputInput("CNC1", "40", "2", "50")],
        }
        values.update(changes)
        return services.NoteInput(**values)

    return make


def test_output_is_prefilled_from_the_shifts_reports(work_center, day_shift, report):
    report(local(5, 59), "7")  # before the shift
    report(local(7), "30", "1")
    report(local(13, 30), "12", "2")
    report(local(14, 1), "9")  # the next shift's
    rows = shiftdata.output("Machining", day_shift, DAY, local(15))
    assert [(r.code, r.good, r.scrap) for r in rows] == [("CNC1", Decimal("42"), Decimal("3"))]


def test_the_current_shift_is_the_one_handing_over(work_center, day_shift):
    assert shiftdata.current("Machining", local(13, 50)) == (day_shift, DAY)
    # After the shift ended nobody is on this one-shift line: the day shift still hands over.
    assert shiftdata.current("Machining", local(20)) == (day_shift, DAY)


def test_a_note_is_written_with_its_parts_and_audited(anna, note_input, make_rule_alert):
    note = services.write_note(anna, note_input(), now=local(13, 50))
    assert note.output == [
        {"work_center": "CNC1", "name": "CNC mill", "good": "40", "scrap": "2", "target": "50"}
    ]
    assert [a["title"] for a in note.open_alerts] == [make_rule_alert.title]
    # Due 30 minutes after the shift's end, not after the (early) writing.
    assert note.acknowledge_due_at == local(14, 30)
    assert note.state_at(local(14, 29)) == "open"
    assert note.state_at(local(14, 30)) == "overdue"
    assert AuditEntry.objects.filter(model="collaboration.handovernote", action="create").exists()


def test_the_acknowledgement_time_is_configurable(settings, anna, note_input):
    settings.ANDON_HANDOVER_ACK_MINUTES = 90
    note = services.write_note(anna, note_input(), now=local(14, 10))
    assert note.acknowledge_due_at == local(15, 40)


def test_only_one_open_note_per_line_and_shift_date(anna, ben, note_input):
    first = services.write_note(anna, note_input(), now=local(13, 50))
    with pytest.raises(Conflict, match="already has an unacknowledged handover note") as refused:
        services.write_note(ben, note_input(notes="second"), now=local(13, 55))
    assert refused.value.code == "open_note_exists"
    assert "by Anna" in refused.value.detail
    assert HandoverNote.objects.count() == 1
    services.acknowledge_note(ben, first, now=local(14, 5))
    services.write_note(ben, note_input(notes="after the handover"), now=local(21, 55))
    assert HandoverNote.objects.count() == 2


def test_the_writer_cannot_acknowledge_their_own_note(anna, ben, note_input):
    note = services.write_note(anna, note_input(), now=local(13, 50))
    with pytest.raises(Conflict, match="You wrote this note"):
        services.acknowledge_note(anna, note)
    done = services.acknowledge_note(ben, note, "  Seen, guard fixed at 14:20. ", now=local(14, 5))
    assert (done.acknowledged_by, done.reply) == (ben, "Seen, guard fixed at 14:20.")
    assert done.state_at(local(23)) == "acknowledged"
    with pytest.raises(Conflict, match="already acknowledged"):
        services.acknowledge_note(ben, note)
    change = AuditEntry.objects.get(model="collaboration.handovernote", action="update")
    assert change.user == ben


def test_a_too_long_reply_is_refused_and_nothing_changes(anna, ben, note_input):
    note = services.write_note(anna, note_input(), now=local(13, 50))
    with pytest.raises(ValidationFailed, match="at most 2000"):
        services.acknowledge_note(ben, note, "x" * 2001)
    note.refresh_from_db()
    assert note.acknowledged_at is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"line": "Painting"}, "no production line 'Painting'"),
        ({"shift": None}, "Choose the shift"),
        ({"shift_date": dt.date(2025, 3, 6)}, "is in the future"),
        ({"output": [services.OutputInput("CNC1", "-3", "0")]}, "zero or more"),
        ({"output": [services.OutputInput("CNC1", "lots", "0")]}, "'lots' is not a number"),
        ({"output": [services.OutputInput("PRESS9", "1", "0")]}, "not a work center of line"),
        ({"safety": "x" * 4001}, "At most 4000 characters"),
        ({"safety": " ", "output": [services.OutputInput("CNC1", "0", "0")]}, "at least one part"),
    ],
)
def test_bad_notes_are_refused_and_nothing_is_written(anna, note_input, changes, message):
    with pytest.raises(ValidationFailed, match=message):
        services.write_note(anna, note_input(**changes), now=local(13, 50))
    assert not HandoverNote.objects.exists()


def test_a_shift_the_line_does_not_work_is_refused(anna, note_input):
    from andon.plant.models import Shift

    night = Shift.objects.create(
        code="NIGHT", name="Night", start_time=dt.time(22), end_time=dt.time(6)
    )
    with pytest.raises(ValidationFailed, match="does not work the Night shift"):
        services.write_note(anna, note_input(shift=night), now=local(13, 50))
