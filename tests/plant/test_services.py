"""Plant services: every write is validated, audited and all-or-nothing."""

import datetime as dt

import pytest

from andon.core.errors import Conflict, NotFound, ValidationFailed
from andon.core.models import AuditEntry
from andon.core.records import find
from andon.plant import services
from andon.plant.models import Calendar, CalendarException, Location, Shift, WorkCenter


def test_create_work_center_by_calendar_code_is_audited(planner, calendar):
    wc = services.create_work_center(
        planner, {"code": "LATHE1", "name": "Lathe", "calendar": "1SHIFT", "capacity": 3}
    )
    assert wc.calendar == calendar
    entry = AuditEntry.objects.get(model="plant.workcenter", object_id=str(wc.pk))
    assert entry.action == "create"
    assert entry.user == planner


def test_duplicate_code_is_refused(planner, work_center):
    with pytest.raises(ValidationFailed) as exc:
        services.create_work_center(
            planner, {"code": "CNC1", "name": "Another", "calendar": work_center.calendar}
        )
    assert exc.value.problems[0].column == "code"
    assert WorkCenter.objects.count() == 1


def test_zero_capacity_is_refused(planner, work_center):
    with pytest.raises(ValidationFailed) as exc:
        services.update_work_center(planner, work_center, {"capacity": 0})
    assert "capacity" in [p.column for p in exc.value.problems]
    work_center.refresh_from_db()
    assert work_center.capacity == 2


def test_unknown_calendar_and_unknown_field_are_refused(planner):
    with pytest.raises(ValidationFailed) as exc:
        services.create_work_center(planner, {"code": "X", "name": "X", "calendar": "NOPE"})
    assert exc.value.code == "unknown_calendar"
    with pytest.raises(ValidationFailed) as exc:
        services.create_work_center(planner, {"code": "X", "name": "X", "colour": "red"})
    assert exc.value.code == "unknown_field"


def test_update_audits_only_what_changed(planner, work_center):
    services.update_work_center(planner, work_center, {"capacity": 4, "name": work_center.name})
    entry = AuditEntry.objects.get(model="plant.workcenter", action="update")
    assert entry.changes == {"capacity": [2, 4]}


def test_work_center_in_use_by_a_routing_cannot_be_deleted(planner, work_center, make_item):
    from andon.catalog.models import Operation

    item = make_item("SHAFT", procurement="make")
    Operation.objects.create(
        item=item, sequence=10, work_center=work_center, run_minutes_per_unit=2
    )
    with pytest.raises(Conflict) as exc:
        services.delete_work_center(planner, work_center)
    assert exc.value.code == "in_use"
    assert "SHAFT" in exc.value.detail
    assert WorkCenter.objects.filter(pk=work_center.pk).exists()


def test_shift_with_start_equal_to_end_is_refused(planner):
    with pytest.raises(ValidationFailed) as exc:
        services.create_shift(
            planner,
            {"code": "ZERO", "name": "Zero", "start_time": dt.time(6), "end_time": dt.time(6)},
        )
    assert exc.value.problems[0].column == "end_time"
    assert not Shift.objects.filter(code="ZERO").exists()


def test_shift_with_bad_weekdays_is_refused(planner):
    with pytest.raises(ValidationFailed):
        services.create_shift(
            planner,
            {
                "code": "W",
                "name": "W",
                "start_time": dt.time(6),
                "end_time": dt.time(14),
                "weekdays": "118",
            },
        )


def test_shift_used_by_a_calendar_cannot_be_deleted(planner, calendar, day_shift):
    with pytest.raises(Conflict, match="1SHIFT"):
        services.delete_shift(planner, day_shift)
    assert calendar.shifts.filter(pk=day_shift.pk).exists()


def test_calendar_with_shifts_by_code_and_audit_of_the_change(planner, day_shift):
    night = services.create_shift(
        planner,
        {"code": "NIGHT", "name": "Night", "start_time": dt.time(22), "end_time": dt.time(6)},
    )
    cal = services.create_calendar(planner, {"code": "2SHIFT", "name": "Two"}, ["DAY", night])
    assert set(cal.shifts.values_list("code", flat=True)) == {"DAY", "NIGHT"}
    services.update_calendar(planner, cal, {}, ["NIGHT"])
    assert list(cal.shifts.values_list("code", flat=True)) == ["NIGHT"]
    entry = AuditEntry.objects.filter(model="plant.calendar", action="update").order_by("pk").last()
    assert entry.changes == {"shifts": [["DAY", "NIGHT"], ["NIGHT"]]}


def test_calendar_with_an_unknown_shift_keeps_nothing(planner):
    with pytest.raises(ValidationFailed) as exc:
        services.create_calendar(planner, {"code": "C", "name": "C"}, ["NOPE"])
    assert exc.value.code == "unknown_shift"
    assert not Calendar.objects.filter(code="C").exists()


def test_calendar_used_by_a_work_center_cannot_be_deleted(planner, work_center):
    with pytest.raises(Conflict, match="CNC1"):
        services.delete_calendar(planner, work_center.calendar)


def test_calendar_exceptions(planner, calendar):
    day = dt.date(2025, 12, 25)
    services.add_calendar_exception(planner, calendar, {"date": day, "reason": "Christmas"})
    with pytest.raises(ValidationFailed, match="already has a closed"):
        services.add_calendar_exception(
            planner,
            calendar,
            {"date": day, "kind": "working", "start_time": dt.time(8), "end_time": dt.time(12)},
        )
    with pytest.raises(ValidationFailed, match="start and an end"):
        services.add_calendar_exception(
            planner, calendar, {"date": day + dt.timedelta(days=2), "kind": "working"}
        )
    assert CalendarException.objects.count() == 1


def test_location_cannot_be_inside_itself_or_its_child(planner, warehouse):
    zone = services.create_location(
        planner, {"code": "WH-A", "name": "Zone A", "kind": "zone", "parent": "WH"}
    )
    with pytest.raises(ValidationFailed) as exc:
        services.update_location(planner, warehouse, {"parent": warehouse})
    assert exc.value.problems[0].column == "parent"
    with pytest.raises(ValidationFailed):
        services.update_location(planner, find(Location, "WH"), {"parent": "WH-A"})
    warehouse.refresh_from_db()
    assert warehouse.parent is None
    assert [loc.code for loc in zone.path()] == ["WH", "WH-A"]


def test_location_with_children_cannot_be_deleted(planner, warehouse):
    services.create_location(planner, {"code": "WH-A", "name": "Zone A", "parent": warehouse})
    with pytest.raises(Conflict, match="WH-A"):
        services.delete_location(planner, warehouse)


def test_find_unknown_code_is_not_found(db):
    with pytest.raises(NotFound):
        find(WorkCenter, "NOPE")


def test_unsaved_three_level_tree_is_valid_and_a_loop_is_not():
    """An import validates a whole new warehouse → zone → bin tree before any of it is saved."""
    from django.core.exceptions import ValidationError

    from andon.plant.models import Location

    warehouse = Location(code="WH", name="Warehouse")
    zone = Location(code="WH-A", name="Zone A", kind="zone", parent=warehouse)
    bin_ = Location(code="WH-A-01", name="Bin 1", kind="bin", parent=zone)
    bin_.clean()  # no error: three unsaved levels are a tree, not a loop
    warehouse.parent = bin_
    with pytest.raises(ValidationError, match="inside itself"):
        bin_.clean()
