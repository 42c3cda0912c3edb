"""People services: skills with levels, certificates with expiry, all-or-nothing writes."""

import datetime as dt

import pytest

from andon.core.errors import Conflict, ValidationFailed
from andon.core.models import AuditEntry
from andon.people import services
from andon.people.models import Certification, Skill, Worker, WorkerCertification


@pytest.fixture
def weld(db):
    return Skill.objects.create(code="WELD", name="Welding")


@pytest.fixture
def forklift(db):
    return Certification.objects.create(code="FORK", name="Forklift licence", validity_months=12)


@pytest.fixture
def worker(db, day_shift):
    return Worker.objects.create(code="W1", name="Ada Smith", shift=day_shift)


def test_create_worker_with_skills(admin_user, weld, day_shift):
    worker = services.create_worker(
        admin_user, {"code": "W2", "name": "Bo", "shift": "DAY"}, {"WELD": 3}
    )
    assert worker.shift == day_shift
    assert {ws.skill.code: ws.level for ws in worker.skill_levels.all()} == {"WELD": 3}


def test_unknown_skill_changes_nothing(admin_user, worker, weld):
    services.set_worker_skills(admin_user, worker, {"WELD": 2})
    with pytest.raises(ValidationFailed) as exc:
        services.set_worker_skills(admin_user, worker, {"WELD": 4, "PAINT": 1})
    assert exc.value.code == "unknown_skill"
    assert exc.value.problems[0].column == "skills.PAINT"
    assert worker.skill_levels.get().level == 2


def test_unknown_skill_on_create_keeps_no_worker(admin_user):
    with pytest.raises(ValidationFailed):
        services.create_worker(admin_user, {"code": "W9", "name": "X"}, {"NOPE": 1})
    assert not Worker.objects.filter(code="W9").exists()


@pytest.mark.parametrize("level", [0, 6, True])
def test_level_outside_1_to_5_is_refused(admin_user, worker, weld, level):
    with pytest.raises(ValidationFailed, match="1 to 5"):
        services.set_worker_skills(admin_user, worker, {"WELD": level})


def test_skills_are_replaced_and_audited(admin_user, worker, weld):
    Skill.objects.create(code="CNC", name="CNC")
    services.set_worker_skills(admin_user, worker, {"WELD": 2, "CNC": 1})
    services.set_worker_skills(admin_user, worker, {"CNC": 4})
    assert {ws.skill.code: ws.level for ws in worker.skill_levels.all()} == {"CNC": 4}
    entry = AuditEntry.objects.filter(model="people.worker").order_by("pk").last()
    assert entry.changes == {"skills": [{"WELD": 2, "CNC": 1}, {"CNC": 4}]}


def test_certificate_gets_default_validity(admin_user, worker, forklift):
    held = services.add_certification(admin_user, worker, "FORK", dt.date(2025, 1, 31))
    assert held.expires_on == dt.date(2026, 1, 30)


def test_certificate_expiring_before_issue_is_refused(admin_user, worker, forklift):
    with pytest.raises(ValidationFailed) as exc:
        services.add_certification(
            admin_user, worker, forklift, dt.date(2025, 5, 1), dt.date(2025, 4, 1)
        )
    assert exc.value.problems[0].column == "expires_on"
    assert not WorkerCertification.objects.exists()


def test_unknown_certification_is_refused(admin_user, worker):
    with pytest.raises(ValidationFailed) as exc:
        services.add_certification(admin_user, worker, "NOPE", dt.date(2025, 1, 1))
    assert exc.value.code == "unknown_certification"


def test_certificate_status(worker, forklift):
    held = WorkerCertification(
        worker=worker,
        certification=forklift,
        issued_on=dt.date(2025, 1, 1),
        expires_on=dt.date(2025, 6, 30),
    )
    assert held.status_on(dt.date(2024, 12, 31)) == "pending"
    assert held.status_on(dt.date(2025, 3, 1)) == "valid"
    assert held.status_on(dt.date(2025, 6, 1)) == "expiring"
    assert held.status_on(dt.date(2025, 6, 30)) == "expiring"
    assert held.status_on(dt.date(2025, 7, 1)) == "expired"


def test_add_months_clamps_to_month_end():
    assert services.add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert services.add_months(dt.date(2024, 11, 15), 3) == dt.date(2025, 2, 15)


def test_skill_held_by_a_worker_cannot_be_deleted(admin_user, worker, weld):
    services.set_worker_skills(admin_user, worker, {"WELD": 1})
    with pytest.raises(Conflict) as exc:
        services.delete_skill(admin_user, weld)
    assert exc.value.code == "in_use"


def test_duplicate_skill_code_is_refused(admin_user, weld):
    with pytest.raises(ValidationFailed):
        services.create_skill(admin_user, {"code": "WELD", "name": "Again"})


def test_worker_with_unknown_shift_is_refused(admin_user):
    with pytest.raises(ValidationFailed) as exc:
        services.create_worker(admin_user, {"code": "W3", "name": "C", "shift": "NOPE"})
    assert exc.value.code == "unknown_shift"
