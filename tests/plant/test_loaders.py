"""The plant's bulk loader refuses what its services refuse, naming the row, and writes nothing."""

import datetime as dt

from andon.plant import loaders
from andon.plant.models import Calendar, Location, Shift, WorkCenter
from tests import loads


def test_a_duplicate_shift_code_and_a_bad_shift_are_refused(day_shift):
    batch = loads.batch(
        [
            Shift(code="DAY", name="Day again", start_time=dt.time(6), end_time=dt.time(14)),
            Shift(code="NIGHT", name="Night", start_time=dt.time(22), end_time=dt.time(22)),
        ]
    )
    assert loads.refused(loaders.shifts(batch)) == [
        (2, "code", "DAY exists already"),
        (3, "end_time", "A shift must not start and end at the same time."),
    ]
    assert list(Shift.objects.values_list("code", flat=True)) == ["DAY"]


def test_a_calendar_gets_exactly_the_shifts_listed(calendar, day_shift):
    late = Shift.objects.create(
        code="LATE", name="Late", start_time=dt.time(14), end_time=dt.time(22)
    )
    new = Calendar(code="2SHIFT", name="Two shifts")
    batch = loads.batch([new], [calendar], ["name"])
    loaders.calendars(
        batch, {id(calendar): (calendar, [late]), id(new): (new, [day_shift, late])}
    ).write()
    assert list(calendar.shifts.values_list("code", flat=True)) == ["LATE"]
    assert sorted(Calendar.objects.get(code="2SHIFT").shifts.values_list("code", flat=True)) == [
        "DAY",
        "LATE",
    ]


def test_a_work_center_with_a_bad_code_is_refused(calendar):
    batch = loads.batch([WorkCenter(code="no spaces", name="Mill", calendar=calendar)])
    problems = loads.refused(loaders.work_centers(batch))
    assert [(row, column) for row, column, _ in problems] == [(2, "code")]
    assert not WorkCenter.objects.exists()


def test_the_row_that_closes_a_loop_of_locations_is_refused(warehouse):
    a, b = Location(code="A", name="A"), Location(code="B", name="B")
    a.parent, b.parent = b, a
    assert loads.refused(loaders.locations(loads.batch([a, b]))) == [
        (3, "parent", "a location cannot be inside itself")
    ]
    assert list(Location.objects.values_list("code", flat=True)) == ["WH"]


def test_new_locations_inside_new_ones_are_written_parents_first(warehouse):
    bin_, aisle = Location(code="A1", name="Bin"), Location(code="A", name="Aisle")
    bin_.parent, aisle.parent = aisle, warehouse
    loaders.locations(loads.batch([bin_, aisle])).write()
    assert Location.objects.get(code="A1").path() == [warehouse, aisle, bin_]
