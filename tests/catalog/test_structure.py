"""Multi-level explosion, where-used and cost roll-up, checked against numbers worked by hand.

The pump is drawn in conftest.py. For 10 pumps:
  MOTOR   10 x 1 / 0.8          = 12.5
  ROTOR   12.5 x 2              = 25
  WIRE    25 x 0.5 / 0.8        = 15.625 kg
  BOLT    12.5 x 4 = 50 (in motors) and 10 x 8 = 80 (in the pump)
  HOUSING 10 x 1                = 10
"""

import datetime as dt
from decimal import Decimal

import pytest

from andon.catalog import services, structure
from andon.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def _rows(explosion):
    return [(r.level, r.item.sku, r.extended_quantity) for r in explosion.rows]


def test_explosion_rolls_up_quantities_with_scrap(pump):
    tree = structure.load_down(pump["PUMP"])
    explosion = structure.explode(tree, pump["PUMP"].pk, Decimal("10"))
    assert _rows(explosion) == [
        (1, "MOTOR", Decimal("12.5")),
        (2, "ROTOR", Decimal("25")),
        (3, "WIRE", Decimal("15.625")),
        (2, "BOLT", Decimal("50")),
        (1, "HOUSING", Decimal("10")),
        (1, "BOLT", Decimal("80")),
    ]
    wire = explosion.rows[2]
    assert wire.item.uom == "kg"
    assert wire.quantity_per == Decimal("0.5")
    assert wire.scrap_percent == Decimal("20")
    assert not wire.has_children
    assert explosion.rows[0].has_children
    # The path says where a row sits, so the page can fold a sub-assembly away.
    assert wire.path.startswith(explosion.rows[1].path + ".")
    assert explosion.depth == 3


def test_gross_requirements_sum_shared_parts(pump):
    tree = structure.load_down(pump["PUMP"])
    required = structure.gross_requirements(tree, pump["PUMP"].pk, Decimal("10"))
    by_sku = {tree.items[i].sku: q for i, q in required.items()}
    assert by_sku["BOLT"] == Decimal("130")
    assert by_sku["WIRE"] == Decimal("15.625")


def test_explosion_of_a_sub_assembly(pump):
    tree = structure.load_down(pump["MOTOR"])
    assert set(tree.items) == {pump[s].pk for s in ("MOTOR", "ROTOR", "WIRE", "BOLT")}
    explosion = structure.explode(tree, pump["MOTOR"].pk, Decimal("1"))
    assert [r.item.sku for r in explosion.rows] == ["ROTOR", "WIRE", "BOLT"]


def test_effective_dates_choose_the_lines(pump, make_item, planner):
    # An engineering change: from 1 July the motor takes a new rotor; the old one stops 30 June.
    new_rotor = make_item("ROTOR-B", "buy")
    services.update_bom_line(
        planner,
        pump["MOTOR"].bom_lines.get(component=pump["ROTOR"]),
        {"valid_to": dt.date(2030, 6, 30)},
    )
    services.add_bom_line(
        planner,
        parent=pump["MOTOR"],
        component=new_rotor,
        quantity=Decimal("2"),
        valid_from=dt.date(2030, 7, 1),
    )
    tree = structure.load_down(pump["PUMP"])

    def skus(on):
        return [r.item.sku for r in structure.explode(tree, pump["PUMP"].pk, on=on).rows]

    assert skus(dt.date(2030, 6, 30)) == ["MOTOR", "ROTOR", "WIRE", "BOLT", "HOUSING", "BOLT"]
    assert skus(dt.date(2030, 7, 1)) == ["MOTOR", "BOLT", "ROTOR-B", "HOUSING", "BOLT"]
    # Without a date, every line shows (the engineering view).
    assert "ROTOR" in skus(None)
    assert "ROTOR-B" in skus(None)


def test_explosion_refuses_a_non_positive_quantity(pump):
    tree = structure.load_down(pump["PUMP"])
    with pytest.raises(ValidationFailed) as err:
        structure.explode(tree, pump["PUMP"].pk, Decimal("0"))
    assert err.value.code == "invalid_quantity"


def test_explosion_can_be_capped(pump):
    tree = structure.load_down(pump["PUMP"])
    capped = structure.explode(tree, pump["PUMP"].pk, max_rows=2)
    assert len(capped.rows) == 2
    assert capped.truncated


def test_where_used_all_levels_and_single_level(pump):
    tree = structure.load_up(pump["BOLT"])
    rows, truncated = structure.where_used(tree, pump["BOLT"].pk)
    assert not truncated
    assert [(r.level, r.item.sku, r.quantity_per, r.is_top) for r in rows] == [
        (1, "MOTOR", Decimal("4"), False),
        (2, "PUMP", Decimal("1"), True),
        (1, "PUMP", Decimal("8"), True),
    ]
    single, _ = structure.where_used(tree, pump["BOLT"].pk, max_level=1)
    assert [r.item.sku for r in single] == ["MOTOR", "PUMP"]
    wire_tree = structure.load_up(pump["WIRE"])
    assert [n.sku for n in structure.top_items(wire_tree, pump["WIRE"].pk)] == ["PUMP"]
    chain, _ = structure.where_used(wire_tree, pump["WIRE"].pk)
    assert [(r.level, r.item.sku) for r in chain] == [(1, "ROTOR"), (2, "MOTOR"), (3, "PUMP")]


def test_top_item_is_used_nowhere(pump):
    tree = structure.load_up(pump["PUMP"])
    assert structure.where_used(tree, pump["PUMP"].pk) == ([], False)
    assert structure.top_items(tree, pump["PUMP"].pk) == []


def test_cost_rollup_by_hand(pump):
    # ROTOR: wire 0.5/0.8 x 8 = 5; setup 30 min x 1/min over the 25 rotors = 1.2; run 2 => 8.2
    # MOTOR: 2 x 8.2 + 4 x 0.5 = 18.4 material; run 3 => 21.4
    # PUMP:  21.4/0.8 + 30 + 8 x 0.5 = 60.75 material; setup 60/10 = 6; run 5 => 71.75
    cost = structure.rolled_up_cost(pump["PUMP"], Decimal("10"))
    assert cost.material == Decimal("60.75")
    assert cost.setup == Decimal("6")
    assert cost.run == Decimal("5")
    assert cost.unit_cost == Decimal("71.75")
    assert cost.total_cost == Decimal("717.5")
    assert [(c.item.sku, c.unit_cost, c.extended_cost) for c in cost.components] == [
        ("MOTOR", Decimal("21.4"), Decimal("26.75")),
        ("HOUSING", Decimal("30"), Decimal("30")),
        ("BOLT", Decimal("0.5"), Decimal("4")),
    ]
    assert [op.sequence for op in cost.operations] == [10]


def test_bought_item_costs_its_standard_cost(pump):
    cost = structure.rolled_up_cost(pump["WIRE"])
    assert cost.unit_cost == Decimal("8")
    assert cost.components == []


def test_structure_loads_in_fixed_queries(pump, django_assert_num_queries):
    with django_assert_num_queries(3):
        structure.rolled_up_cost(pump["PUMP"], Decimal("10"))
    with django_assert_num_queries(2):
        structure.load_up(pump["BOLT"])
