"""Each rule kind on a small hand-made situation, and the raise / keep / clear life cycle."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from andon.alerts import services
from andon.alerts.models import Alert
from andon.core.errors import ValidationFailed
from tests.alerts.conftest import NOW


def test_machine_down_raises_once_and_clears(make_rule, downtime, supervisor):
    make_rule("machine_down", parameters={"minutes": 20})
    downtime("downtime_start", NOW - dt.timedelta(minutes=25))

    first = services.evaluate_rules(NOW)
    again = services.evaluate_rules(NOW + dt.timedelta(minutes=1))

    assert len(first.raised) == 1
    assert again.raised == []
    assert again.updated == 0
    alert = Alert.objects.get()
    assert alert.state == "open"
    assert "CNC1" in alert.title
    assert "JAM" in alert.title
    assert alert.evidence_url.startswith("/plant/")
    assert alert.notifications.get().user == supervisor

    downtime("downtime_end", NOW + dt.timedelta(minutes=2))
    cleared = services.evaluate_rules(NOW + dt.timedelta(minutes=3))
    alert.refresh_from_db()
    assert cleared.resolved == 1
    assert alert.state == "resolved"
    assert alert.cause == "condition cleared"


def test_machine_down_under_threshold_is_quiet(make_rule, downtime):
    make_rule("machine_down", parameters={"minutes": 30})
    downtime("downtime_start", NOW - dt.timedelta(minutes=25))
    assert services.evaluate_rules(NOW).raised == []


def test_a_recurring_condition_raises_a_new_alert_after_resolution(make_rule, downtime):
    make_rule("machine_down", parameters={"minutes": 5})
    downtime("downtime_start", NOW - dt.timedelta(minutes=10))
    alert = services.evaluate_rules(NOW).raised[0]
    services.resolve(None, alert, "reset the jam")
    assert len(services.evaluate_rules(NOW).raised) == 1
    assert Alert.objects.count() == 2


def test_parameters_are_validated_per_kind(make_rule):
    with pytest.raises(ValidationFailed) as error:
        make_rule("machine_down", parameters={"minutes": 0})
    assert error.value.code == "invalid_parameters"
    with pytest.raises(ValidationFailed):
        make_rule("machine_down", name="typo", parameters={"minuets": 5})
    with pytest.raises(ValidationFailed) as unknown:
        make_rule("no_such_kind")
    assert unknown.value.code == "unknown_kind"
    rule = make_rule("scrap_rate")
    assert rule.parameters["percent"] == 5.0  # completed with defaults


def test_certification_expiring(make_rule, db):
    from andon.people.models import Certification, Worker, WorkerCertification

    worker = Worker.objects.create(code="W1", name="Ann")
    forklift = Certification.objects.create(code="FORK", name="Forklift")
    WorkerCertification.objects.create(
        worker=worker, certification=forklift, issued_on=dt.date(2024, 3, 1),
        expires_on=dt.date(2025, 3, 14),
    )  # fmt: skip
    make_rule("certification_expiry", parameters={"days": 30})
    alert = services.evaluate_rules(NOW).raised[0]
    assert "W1 FORK expires 2025-03-14" in alert.title

    # renewed: a later certificate clears the alert
    WorkerCertification.objects.create(
        worker=worker, certification=forklift, issued_on=dt.date(2025, 3, 3),
        expires_on=dt.date(2027, 3, 3),
    )  # fmt: skip
    assert services.evaluate_rules(NOW).resolved == 1


def test_scrap_rate_above_threshold(make_rule, work_center):
    from andon.production.models import ProductionEvent

    def report(good, scrap, minutes_ago):
        ProductionEvent.objects.create(
            client_id=str(uuid.uuid4()), kind="report", work_center=work_center,
            at=NOW - dt.timedelta(minutes=minutes_ago), quantity=Decimal(good),
            scrap_quantity=Decimal(scrap),
        )  # fmt: skip

    report(90, 10, 30)  # 10 % in the window
    report(0, 50, 60 * 12)  # outside the 8 h window
    make_rule("scrap_rate", parameters={"percent": 5, "hours": 8, "min_quantity": 20})
    alert = services.evaluate_rules(NOW).raised[0]
    assert "CNC1 scrap 10.0%" in alert.title

    make_rule("scrap_rate", name="strict volume", parameters={"percent": 5, "min_quantity": 500})
    assert services.evaluate_rules(NOW).raised == []


def test_material_shortage_from_the_plan_in_force(make_rule, make_item):
    from andon.planning.models import CurrentPlan, PlanException, PlanRun

    steel = make_item("STEEL")
    run = PlanRun.objects.create(
        version=1, status="published", started_at=NOW, plan_date=NOW.date(),
        horizon_end=NOW.date() + dt.timedelta(days=60),
    )  # fmt: skip
    CurrentPlan.objects.create(run=run, published_at=NOW)
    PlanException.objects.create(
        run=run, kind="shortage", item=steel, reference="SO-1", date=NOW.date(),
        message="STEEL short 40 kg for SO-1",
    )  # fmt: skip
    PlanException.objects.create(
        run=run, kind="defer", item=steel, reference="PO-9", date=NOW.date(), message="defer"
    )
    make_rule("material_shortage")
    raised = services.evaluate_rules(NOW).raised
    assert [a.subject_key for a in raised] == ["shortage:STEEL:SO-1"]
    assert raised[0].evidence_url.endswith("?q=STEEL")


@pytest.fixture
def scheduled(make_item, work_center, warehouse):
    """A published schedule placing one operation of WO-1 (due 3 March) on 4 March 08:00-12:00."""
    from andon.production.models import WorkOrder, WorkOrderOperation
    from andon.scheduling.models import ScheduledOperation, ScheduleRun

    item = make_item("SHAFT", procurement="make")
    order = WorkOrder.objects.create(
        number="WO-1", item=item, quantity=5, due_date=dt.date(2025, 3, 3),
        supply_location=warehouse, output_location=warehouse, lot_code="L1",
    )  # fmt: skip
    op = WorkOrderOperation.objects.create(work_order=order, sequence=10, work_center=work_center)
    run = ScheduleRun.objects.create(status="published", published_at=NOW)
    placed = ScheduledOperation.objects.create(
        run=run, operation=op, work_center=work_center,
        start=dt.datetime(2025, 3, 4, 8, tzinfo=dt.UTC), end=dt.datetime(2025, 3, 4, 12, tzinfo=dt.UTC),
    )  # fmt: skip
    return placed


def test_order_projected_late(make_rule, scheduled):
    make_rule("late_order")
    alert = services.evaluate_rules(NOW).raised[0]
    assert alert.subject_key == f"work_order:{scheduled.operation.work_order_id}"
    assert "WO-1 projected late" in alert.title


def test_staffing_gap(make_rule, scheduled, day_shift, make_item):
    from andon.catalog.models import Operation
    from andon.people.models import Skill, Worker, WorkerSkill

    weld = Skill.objects.create(code="WELD", name="Welding")
    routing = Operation.objects.create(
        item=scheduled.operation.work_order.item, sequence=10, work_center=scheduled.work_center,
        run_minutes_per_unit=1, skill=weld, skill_level=2, crew_size=2,
    )  # fmt: skip
    scheduled.operation.routing_operation = routing
    scheduled.operation.save()
    able = Worker.objects.create(code="W1", name="Ann", shift=day_shift)
    WorkerSkill.objects.create(worker=able, skill=weld, level=3)
    novice = Worker.objects.create(code="W2", name="Bo", shift=day_shift)
    WorkerSkill.objects.create(worker=novice, skill=weld, level=1)

    make_rule("staffing_gap", parameters={"hours": 24})
    early = NOW - dt.timedelta(hours=3)  # 07:00, the shift runs 06:00-14:00
    alert = services.evaluate_rules(early).raised[0]
    assert "1 of 2 WELD" in alert.title

    WorkerSkill.objects.filter(worker=novice).update(level=2)
    assert services.evaluate_rules(early).resolved == 1


def test_a_failing_rule_does_not_stop_the_others(make_rule, downtime, monkeypatch):
    import dataclasses

    from andon.alerts import rules

    make_rule("machine_down", parameters={"minutes": 5})
    make_rule("certification_expiry")
    downtime("downtime_start", NOW - dt.timedelta(minutes=10))

    def broken(params, now):
        raise RuntimeError("boom")

    broken_kind = dataclasses.replace(rules.get("certification_expiry"), evaluate=broken)
    monkeypatch.setitem(rules.KINDS, "certification_expiry", broken_kind)
    result = services.evaluate_rules(NOW)
    assert len(result.raised) == 1
    assert "certification_expiry" in result.errors
