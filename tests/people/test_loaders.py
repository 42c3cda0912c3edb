"""People's bulk loader refuses what its services refuse, naming the row, and writes nothing."""

import datetime as dt

from andon.people import loaders
from andon.people.models import Certification, Skill, Worker, WorkerCertification
from tests import loads


def test_a_duplicate_skill_code_is_refused(db):
    batch = loads.batch(
        [Skill(code="weld", name="Welding"), Skill(code="weld", name="Welding too")]
    )
    assert loads.refused(loaders.skills(batch)) == [(3, "code", "duplicate weld (also on row 2)")]
    assert not Skill.objects.exists()


def test_workers_get_exactly_the_skills_and_certificates_listed(db):
    weld = Skill.objects.create(code="weld", name="Welding")
    fork = Certification.objects.create(code="FORK", name="Forklift")
    ana = Worker(code="W1", name="Ana")
    loaders.workers(
        loads.batch([ana]),
        {id(ana): (ana, [(weld, 3)])},
        {id(ana): (ana, [(fork, dt.date(2026, 1, 1), dt.date(2027, 1, 1))])},
    ).write()
    worker = Worker.objects.get(code="W1")
    assert list(worker.skill_levels.values_list("skill__code", "level")) == [("weld", 3)]
    assert WorkerCertification.objects.get(worker=worker).expires_on == dt.date(2027, 1, 1)


def test_a_bad_level_and_a_certificate_expiring_before_issue_are_refused(db):
    weld = Skill.objects.create(code="weld", name="Welding")
    fork = Certification.objects.create(code="FORK", name="Forklift")
    ana, ben = Worker(code="W1", name="Ana"), Worker(code="W2", name="Ben")
    load = loaders.workers(
        loads.batch([ana, ben]),
        {id(ana): (ana, [(weld, 6)])},
        {id(ben): (ben, [(fork, dt.date(2026, 1, 1), dt.date(2025, 1, 1))])},
    )
    assert loads.refused(load) == [
        (2, "skills", "weld: the level must be a whole number 1 to 5"),
        (3, "certifications", "FORK: expires before it is issued"),
    ]
    assert not Worker.objects.exists()
