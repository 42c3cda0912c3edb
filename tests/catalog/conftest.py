"""Catalog fixtures: a small pump whose explosion and cost are worked out by hand in the tests.

PUMP (make, routing: setup 60 min, run 5 min/unit)
├── 1   MOTOR   scrap 20%  (make, routing: run 3 min/unit)
│   ├── 2   ROTOR          (make, routing: setup 30 min, run 2 min/unit)
│   │   └── 0.5 kg WIRE  scrap 20%   (buy, 8.00 / kg)
│   └── 4   BOLT                       (buy, 0.50)
├── 1   HOUSING             (buy, 30.00)
└── 8   BOLT
All operations run at one work center costing 60 per hour (1 per minute).
"""

from decimal import Decimal

import pytest

from andon.catalog import services


@pytest.fixture
def costed_center(work_center):
    work_center.cost_rate = Decimal("60")
    work_center.save()
    return work_center


@pytest.fixture
def pump(make_item, kg, costed_center, planner):
    """The pump above; returns a dict of its items by SKU."""
    items = {
        "PUMP": make_item("PUMP", "make", standard_cost=Decimal("0")),
        "MOTOR": make_item("MOTOR", "make", standard_cost=Decimal("0")),
        "ROTOR": make_item("ROTOR", "make", standard_cost=Decimal("0")),
        "WIRE": make_item("WIRE", "buy", uom=kg, standard_cost=Decimal("8")),
        "BOLT": make_item("BOLT", "buy", standard_cost=Decimal("0.5")),
        "HOUSING": make_item("HOUSING", "buy", standard_cost=Decimal("30")),
    }
    lines = [
        ("PUMP", "MOTOR", "1", "20"),
        ("PUMP", "HOUSING", "1", "0"),
        ("PUMP", "BOLT", "8", "0"),
        ("MOTOR", "ROTOR", "2", "0"),
        ("MOTOR", "BOLT", "4", "0"),
        ("ROTOR", "WIRE", "0.5", "20"),
    ]
    for parent, component, qty, scrap in lines:
        services.add_bom_line(
            planner,
            parent=items[parent],
            component=items[component],
            quantity=Decimal(qty),
            scrap_percent=Decimal(scrap),
        )
    for sku, setup, run in [("PUMP", "60", "5"), ("MOTOR", "0", "3"), ("ROTOR", "30", "2")]:
        services.create_operation(
            planner,
            {
                "item": items[sku],
                "sequence": 10,
                "name": f"Assemble {sku.lower()}",
                "work_center": costed_center,
                "setup_minutes": Decimal(setup),
                "run_minutes_per_unit": Decimal(run),
            },
        )
    return items
