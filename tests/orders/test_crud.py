"""Forecasts pass the shared API cases (see tests/crud.py); orders, which carry lines and are
cancelled rather than deleted, have their own tests."""

import datetime as dt
from decimal import Decimal

from andon.catalog.models import Item, UnitOfMeasure
from andon.orders.models import Forecast
from tests.crud import ApiCases


class TestForecastApi(ApiCases):
    model = Forecast
    path = "/forecasts"
    create_body = {"item": "PUMP", "date": "2030-01-15", "quantity": "40"}
    change = {"quantity": "55"}
    bad_body = {"item": "PUMP", "date": "someday", "quantity": "40"}

    def prepare(self):
        unit = UnitOfMeasure.objects.create(code="pcs", name="Pieces", dimension="count")
        self.item = Item.objects.create(sku="PUMP", name="Pump", uom=unit, procurement="make")

    def make(self, n):
        return Forecast.objects.create(
            item=self.item, date=dt.date(2030, 1, 1) + dt.timedelta(days=n), quantity=Decimal(n)
        )

    def address(self, record):
        return f"{self.path}/{record.pk}"
