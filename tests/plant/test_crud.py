"""Plant's master data passes the shared API and page cases (see tests/crud.py)."""

import datetime as dt

from andon.plant.models import Calendar, Location, Shift, WorkCenter
from tests.crud import ApiCases, PageCases


class WorkCenters:
    model = WorkCenter

    def prepare(self):
        self.calendar = Calendar.objects.create(code="CAL", name="Cal")

    def make(self, n):
        return WorkCenter.objects.create(code=f"WC{n}", name="Station", calendar=self.calendar)

    def use(self, record):
        from andon.catalog.models import Item, Operation, UnitOfMeasure

        unit = UnitOfMeasure.objects.create(code="pcs", name="Pieces", dimension="count")
        item = Item.objects.create(sku="GEAR", name="Gear", uom=unit, procurement="make")
        Operation.objects.create(item=item, sequence=10, work_center=record, run_minutes_per_unit=1)
        return True


class TestWorkCenterApi(WorkCenters, ApiCases):
    path = "/work-centers"
    create_body = {"code": "NEW", "name": "New", "calendar": "CAL"}
    change = {"capacity": 3}
    bad_body = {"code": "NEW", "name": "New", "calendar": "NOPE"}


class TestWorkCenterPages(WorkCenters, PageCases):
    url = "plant:workcenter"

    def form(self, n):
        return {"code": f"F{n}", "name": "Form", "calendar": self.calendar.pk, "capacity": 1,
                "cost_rate": "0", "efficiency_percent": "100", "active": "on"}  # fmt: skip

    def edited(self, record):
        return {**self.form(0), "code": record.code, "capacity": 4}


class Shifts:
    model = Shift

    def make(self, n):
        return Shift.objects.create(
            code=f"S{n}", name="Shift", start_time=dt.time(n % 24), end_time=dt.time((n + 8) % 24)
        )

    def use(self, record):
        Calendar.objects.create(code="USES", name="Uses").shifts.add(record)
        return True


class TestShiftApi(Shifts, ApiCases):
    path = "/shifts"
    create_body = {"code": "N", "name": "Night", "start_time": "22:00", "end_time": "06:00"}
    change = {"break_minutes": 30}
    bad_body = {"code": "Z", "name": "Z", "start_time": "06:00", "end_time": "06:00"}


class TestShiftPages(Shifts, PageCases):
    url = "plant:shift"

    def form(self, n):
        return {"code": f"F{n}", "name": "Form", "start_time": "06:00", "end_time": "14:00",
                "weekdays": ["1", "2"], "break_minutes": 0}  # fmt: skip

    def edited(self, record):
        return {**self.form(0), "code": record.code, "break_minutes": 15}


class Calendars:
    model = Calendar

    def make(self, n):
        return Calendar.objects.create(code=f"C{n}", name="Cal")

    def use(self, record):
        WorkCenter.objects.create(code="USES", name="Uses", calendar=record)
        return True


class TestCalendarApi(Calendars, ApiCases):
    path = "/calendars"
    create_body = {"code": "NEW", "name": "New"}
    change = {"name": "Renamed"}
    bad_body = {"code": "NEW", "name": "New", "shifts": ["NOPE"]}


class TestCalendarPages(Calendars, PageCases):
    url = "plant:calendar"

    def form(self, n):
        return {"code": f"F{n}", "name": "Form"}

    def edited(self, record):
        return {"code": record.code, "name": "Renamed"}


class Locations:
    model = Location

    def make(self, n):
        return Location.objects.create(code=f"L{n}", name="Place")

    def use(self, record):
        Location.objects.create(code="INSIDE", name="Inside", parent=record)
        return True


class TestLocationApi(Locations, ApiCases):
    path = "/locations"
    create_body = {"code": "NEW", "name": "New"}
    change = {"name": "Renamed"}
    bad_body = {"code": "NEW", "name": "New", "kind": "attic"}


class TestLocationPages(Locations, PageCases):
    url = "plant:location"

    def form(self, n):
        return {"code": f"F{n}", "name": "Form", "kind": "warehouse", "nettable": "on"}

    def edited(self, record):
        return {**self.form(0), "code": record.code, "name": "Renamed"}
