"""Fixtures of the collaboration tests: people of each role and records to comment on."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest


@pytest.fixture
def person(user_with_role):
    """`person("supervisor", "anna", email=...)`: a user with a name, a role and maybe an address."""

    def make(role: str, username: str, email: str = "", first_name: str = ""):
        user = user_with_role(role, username=username)
        user.email = email
        user.first_name = first_name or username.title()
        user.save()
        return user

    return make


@pytest.fixture
def anna(person):
    return person("supervisor", "anna", email="anna@plant.test", first_name="Anna")


@pytest.fixture
def ben(person):
    return person("operator", "ben", email="ben@plant.test", first_name="Ben")


@pytest.fixture
def carl(person):
    """Maintenance, no e-mail address: told in the inbox only."""
    return person("maintenance", "carl")


@pytest.fixture
def work_order(work_center, make_item, warehouse):
    from andon.production.models import WorkOrder, WorkOrderOperation

    order = WorkOrder.objects.create(
        number="WO-1001",
        item=make_item("PUMP-1", procurement="make"),
        quantity=Decimal("100"),
        due_date=dt.date(2025, 3, 10),
        lot_code="L1001",
        status="released",
        supply_location=warehouse,
        output_location=warehouse,
    )
    WorkOrderOperation.objects.create(
        work_order=order, sequence=10, work_center=work_center, run_minutes_per_unit=Decimal("2")
    )
    return order


@pytest.fixture
def report(work_center):
    """Record a good/scrap report at a work center at a given time."""
    from andon.production.models import ProductionEvent

    def make(at: dt.datetime, good: str, scrap: str = "0", center=None):
        return ProductionEvent.objects.create(
            client_id=str(uuid.uuid4()),
            kind="report",
            at=at,
            work_center=center or work_center,
            quantity=Decimal(good),
            scrap_quantity=Decimal(scrap),
        )

    return make


@pytest.fixture
def make_rule_alert(work_center):
    """An open machine-down alert about the line's work center."""
    from django.utils import timezone

    from andon.alerts import services as alerts
    from andon.alerts.models import Alert

    rule = alerts.create_rule(None, {"name": "down", "kind": "machine_down"})
    now = timezone.now()
    return Alert.objects.create(
        rule=rule,
        subject_key=f"work_center:{work_center.pk}",
        severity="critical",
        title="CNC1 down since 10:05",
        raised_at=now,
        updated_at=now,
    )
