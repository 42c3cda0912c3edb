"""A one-lathe plant on one day shift (06:00-14:00, Monday to Friday), easy to check by hand.

Minute 0 of every run is Monday 7 January 2030, 06:00 plant time: the shift's first minute.
"""

import datetime as dt

import pytest
from django.utils import timezone

MONDAY = dt.date(2030, 1, 7)


@pytest.fixture
def origin():
    return timezone.make_aware(dt.datetime.combine(MONDAY, dt.time(6)))


@pytest.fixture
def lathe(calendar):
    from andon.plant.models import WorkCenter

    return WorkCenter.objects.create(code="LATHE", name="Lathe", calendar=calendar)


@pytest.fixture
def part(make_item, lathe):
    """PART: op 10 on the lathe, 60 minutes a piece."""
    from andon.catalog.models import Operation

    item = make_item("PART", procurement="make")
    Operation.objects.create(item=item, sequence=10, work_center=lathe, run_minutes_per_unit=60)
    return item


@pytest.fixture
def order(part, warehouse, planner):
    """Make work orders of PART: `order(3)` is 180 minutes on the lathe."""
    from andon.production import services

    def make(quantity: int = 3, due: dt.date = MONDAY + dt.timedelta(days=7)):
        return services.create_work_order(
            planner, item=part, quantity=quantity, due_date=due,
            supply_location=warehouse, output_location=warehouse,
        )  # fmt: skip

    return make


@pytest.fixture
def run_now(planner, origin):
    """Run and publish a schedule at the fixture's origin: `run_now()` or `run_now(kind=...)`."""
    from andon.scheduling import services

    def run(**options):
        options.setdefault("time_limit", 2)
        created = services.create_run(planner, **options)
        return services.execute_run(created.pk, origin=origin)

    return run
