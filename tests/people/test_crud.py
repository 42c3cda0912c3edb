"""People's master data passes the shared API and page cases (see tests/crud.py)."""

import datetime as dt

from andon.people.models import Certification, Skill, Worker, WorkerCertification, WorkerSkill
from tests.crud import ApiCases, PageCases


class Skills:
    model = Skill
    writer = "supervisor"

    def make(self, n):
        return Skill.objects.create(code=f"SK{n}", name="Skill")

    def use(self, record):
        worker = Worker.objects.create(code="USES", name="Uses")
        WorkerSkill.objects.create(worker=worker, skill=record, level=2)
        return True


class TestSkillApi(Skills, ApiCases):
    path = "/skills"
    create_body = {"code": "WELD", "name": "Welding"}
    change = {"name": "Arc welding"}
    bad_body = {"code": "WELD"}


class TestSkillPages(Skills, PageCases):
    url = "people:skill"

    def form(self, n):
        return {"code": f"F{n}", "name": "Form"}

    def edited(self, record):
        return {"code": record.code, "name": "Renamed"}


class Certifications:
    model = Certification
    writer = "supervisor"

    def make(self, n):
        return Certification.objects.create(code=f"CE{n}", name="Certificate")

    def use(self, record):
        worker = Worker.objects.create(code="USES", name="Uses")
        WorkerCertification.objects.create(
            worker=worker, certification=record, issued_on=dt.date(2025, 1, 1)
        )
        return True


class TestCertificationApi(Certifications, ApiCases):
    path = "/certifications"
    create_body = {"code": "FORK", "name": "Forklift", "validity_months": 24}
    change = {"validity_months": 12}
    bad_body = {"code": "FORK", "name": "Forklift", "validity_months": "never"}


class TestCertificationPages(Certifications, PageCases):
    url = "people:certification"

    def form(self, n):
        return {"code": f"F{n}", "name": "Form", "validity_months": 12}

    def edited(self, record):
        return {"code": record.code, "name": "Renamed", "validity_months": 6}


class Workers:
    model = Worker
    writer = "supervisor"

    def make(self, n):
        return Worker.objects.create(code=f"W{n}", name="Worker")


class TestWorkerApi(Workers, ApiCases):
    path = "/workers"
    create_body = {"code": "ANA", "name": "Ana", "skills": {}}
    change = {"badge": "B-7"}
    bad_body = {"code": "ANA", "name": "Ana", "shift": "NOPE"}


class TestWorkerPages(Workers, PageCases):
    url = "people:worker"

    def form(self, n):
        return {"code": f"F{n}", "name": "Form", "active": "on"}

    def edited(self, record):
        return {"code": record.code, "name": "Renamed", "active": "on"}
