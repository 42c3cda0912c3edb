"""The catalog's bulk loader refuses what its services refuse, naming the row, and writes nothing."""

from decimal import Decimal

from andon.catalog import loaders
from andon.catalog.models import BomLine, Item, Operation, UnitOfMeasure
from tests import loads


def test_items_are_written_in_bulk(pcs):
    batch = loads.batch(
        [Item(sku=f"P-{n}", name="Part", uom=pcs, procurement="buy") for n in range(3)]
    )
    load = loaders.items(batch)
    assert load.problems == []
    load.write()
    assert sorted(Item.objects.values_list("sku", flat=True)) == ["P-0", "P-1", "P-2"]


def test_a_duplicate_sku_is_refused_naming_both_rows(pcs, make_item):
    make_item("TAKEN")
    batch = loads.batch(
        [
            Item(sku="NEW", name="New", uom=pcs, procurement="buy"),
            Item(sku="NEW", name="New again", uom=pcs, procurement="buy"),
            Item(sku="TAKEN", name="Taken", uom=pcs, procurement="buy"),
        ]
    )
    assert loads.refused(loaders.items(batch)) == [
        (3, "sku", "duplicate NEW (also on row 2)"),
        (4, "sku", "TAKEN exists already"),
    ]
    assert list(Item.objects.values_list("sku", flat=True)) == ["TAKEN"]


def test_an_item_breaking_its_own_rules_is_refused(pcs):
    batch = loads.batch(
        [Item(sku="FIX", name="Fixed", uom=pcs, procurement="buy", lot_size_rule="fixed")]
    )
    problems = loads.refused(loaders.items(batch))
    assert [(row, column) for row, column, _ in problems] == [(2, "lot_size")]
    assert not Item.objects.exists()


def test_a_used_unit_keeps_its_dimension(pcs, make_item):
    make_item("BOLT")
    pcs.dimension = UnitOfMeasure.Dimension.MASS
    assert loads.refused(
        loaders.units(loads.batch(updates=[pcs], fields=["dimension"], first_row=5))
    ) == [(5, "dimension", "unit pcs is used by items; its dimension cannot change")]
    assert UnitOfMeasure.objects.get(code="pcs").dimension == "count"


def test_a_bom_line_that_closes_a_loop_is_refused_naming_its_row(make_item):
    pump, motor, rotor = make_item("PUMP", "make"), make_item("MOTOR", "make"), make_item("ROTOR")
    BomLine.objects.create(parent=pump, component=motor, quantity=1)
    BomLine.objects.create(parent=motor, component=rotor, quantity=1)
    batch = loads.batch(
        [
            BomLine(parent=rotor, component=make_item("WIRE"), quantity=1, position=10),
            BomLine(parent=rotor, component=pump, quantity=1, position=20),
        ]
    )
    [(row, column, message)] = loads.refused(loaders.bills_of_materials(batch))
    assert (row, column) == (3, "component")
    assert message.startswith("the BOM has a cycle: ")
    assert all(f"{sku} -> " in message for sku in ("PUMP", "MOTOR", "ROTOR"))
    assert not BomLine.objects.filter(parent=rotor).exists()


def test_a_bom_replaces_the_lines_of_its_parents_only(make_item):
    pump, motor, bolt = make_item("PUMP", "make"), make_item("MOTOR", "make"), make_item("BOLT")
    BomLine.objects.create(parent=pump, component=motor, quantity=1)
    BomLine.objects.create(parent=motor, component=bolt, quantity=4)
    load = loaders.bills_of_materials(
        loads.batch([BomLine(parent=pump, component=bolt, quantity=Decimal("8"), position=10)])
    )
    assert load.removed == 1
    load.write()
    assert sorted(BomLine.objects.values_list("parent__sku", "component__sku")) == [
        ("MOTOR", "BOLT"),
        ("PUMP", "BOLT"),
    ]


def test_an_item_in_its_own_bom_is_refused(make_item):
    pump = make_item("PUMP", "make")
    assert loads.refused(
        loaders.bills_of_materials(loads.batch([BomLine(parent=pump, component=pump, quantity=1)]))
    ) == [(2, "component", "an item cannot be a component of itself")]


def test_a_step_number_used_twice_is_refused(make_item, work_center):
    pump = make_item("PUMP", "make")
    Operation.objects.create(
        item=pump, sequence=10, work_center=work_center, run_minutes_per_unit=1
    )
    batch = loads.batch(
        [
            Operation(item=pump, sequence=10, work_center=work_center, run_minutes_per_unit=2),
            Operation(item=pump, sequence=20, work_center=work_center, run_minutes_per_unit=0),
        ]
    )
    assert loads.refused(loaders.routings(batch)) == [
        (2, "sequence", "PUMP has a step 10 already"),
        (3, "", "An operation needs a setup time or a run time."),
    ]
    assert Operation.objects.count() == 1


def test_a_routing_may_reuse_the_step_it_removes(make_item, work_center):
    pump = make_item("PUMP", "make")
    old = Operation.objects.create(
        item=pump, sequence=10, work_center=work_center, run_minutes_per_unit=1
    )
    new = Operation(item=pump, sequence=10, work_center=work_center, run_minutes_per_unit=3)
    load = loaders.routings(loads.batch([new]), removed=[old])
    load.write()
    assert list(Operation.objects.values_list("sequence", "run_minutes_per_unit")) == [
        (10, Decimal("3"))
    ]
