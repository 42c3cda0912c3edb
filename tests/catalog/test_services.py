"""Catalog writes: conversions, items, BOM lines that must never close a loop, routings."""

import datetime as dt
from decimal import Decimal

import pytest

from andon.catalog import services
from andon.catalog.models import BomLine, Item, Operation, UnitOfMeasure
from andon.core.errors import Conflict, ValidationFailed
from andon.core.models import AuditEntry

pytestmark = pytest.mark.django_db


# --- units --------------------------------------------------------------------------------------


def test_convert_within_a_dimension(kg, planner):
    gram = services.create_unit(
        planner,
        {"code": "g", "name": "Gram", "dimension": "mass", "ratio_to_base": Decimal("0.001")},
    )
    assert services.convert(Decimal("2.5"), kg, gram) == Decimal("2500")
    assert services.convert(Decimal("750"), gram, kg) == Decimal("0.75")
    assert services.convert(Decimal("3"), kg, kg) == Decimal("3")


def test_convert_refuses_across_dimensions(kg, pcs):
    with pytest.raises(ValidationFailed) as err:
        services.convert(Decimal("1"), pcs, kg)
    assert err.value.code == "uom_dimension_mismatch"
    assert "pcs" in err.value.detail
    assert "kg" in err.value.detail


def test_unit_code_must_be_new_and_is_audited(kg, planner):
    with pytest.raises(ValidationFailed, match="already exists"):
        services.create_unit(planner, {"code": "kg", "name": "Again", "dimension": "mass"})
    assert UnitOfMeasure.objects.filter(code="kg").count() == 1
    services.create_unit(planner, {"code": "m", "name": "Metre", "dimension": "length"})
    assert AuditEntry.objects.filter(model="catalog.unitofmeasure", action="create").exists()


def test_unit_in_use_keeps_its_dimension_and_cannot_be_deleted(make_item, pcs, planner):
    make_item("BOLT")
    with pytest.raises(Conflict):
        services.update_unit(planner, pcs, {"dimension": "mass"})
    with pytest.raises(Conflict, match="still used"):
        services.delete_unit(planner, pcs)
    pcs.refresh_from_db()
    assert pcs.dimension == "count"


# --- items --------------------------------------------------------------------------------------


def test_create_item_checks_lot_size_rule(pcs, planner):
    with pytest.raises(ValidationFailed) as err:
        services.create_item(
            planner,
            {
                "sku": "GEAR-1",
                "name": "Gear",
                "uom": pcs,
                "procurement": "buy",
                "lot_size_rule": "fixed",
            },
        )
    assert [p.column for p in err.value.problems] == ["lot_size"]
    assert not Item.objects.filter(sku="GEAR-1").exists()
    item = services.create_item(
        planner,
        {"sku": "GEAR-1", "name": "Gear", "uom": pcs, "procurement": "buy",
         "lot_size_rule": "fixed", "lot_size": Decimal("500")},
    )  # fmt: skip
    assert item.lot_size == Decimal("500")


def test_sku_is_unique(make_item, pcs, planner):
    make_item("GEAR-1")
    with pytest.raises(ValidationFailed, match="SKU"):
        services.create_item(
            planner, {"sku": "GEAR-1", "name": "x", "uom": pcs, "procurement": "buy"}
        )


def test_unknown_field_is_refused(make_item, planner):
    item = make_item("GEAR-1")
    with pytest.raises(ValidationFailed, match="no field colour"):
        services.update_item(planner, item, {"colour": "red"})


def test_update_item_records_only_the_change(make_item, planner):
    item = make_item("GEAR-1")
    services.update_item(planner, item, {"lead_time_days": 12})
    entry = AuditEntry.objects.get(model="catalog.item", action="update")
    assert entry.changes == {"lead_time_days": [0, 12]}


def test_min_max_needs_max_above_min(make_item, planner):
    item = make_item("GEAR-1")
    with pytest.raises(ValidationFailed, match="maximum"):
        services.update_item(
            planner,
            item,
            {"lot_size_rule": "min_max", "min_qty": Decimal("50"), "max_qty": Decimal("10")},
        )
    item.refresh_from_db()
    assert item.lot_size_rule == "lot_for_lot"


def test_item_used_in_a_bom_cannot_be_deleted(pump, planner):
    with pytest.raises(Conflict, match="PUMP"):
        services.delete_item(planner, pump["HOUSING"])
    assert Item.objects.filter(sku="HOUSING").exists()


# --- BOM lines ----------------------------------------------------------------------------------


def test_cycle_is_refused_on_create_and_names_the_loop(pump, planner):
    before = BomLine.objects.count()
    audited = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as err:
        services.add_bom_line(
            planner, parent=pump["ROTOR"], component=pump["PUMP"], quantity=Decimal("1")
        )
    assert err.value.code == "bom_cycle"
    assert "ROTOR → PUMP → MOTOR → ROTOR" in err.value.detail
    assert BomLine.objects.count() == before
    assert AuditEntry.objects.count() == audited


def test_cycle_is_refused_on_update(pump, planner):
    line = BomLine.objects.get(parent=pump["PUMP"], component=pump["HOUSING"])
    # Moving the housing line under the rotor is fine; pointing it at the pump is a loop.
    with pytest.raises(ValidationFailed) as err:
        services.update_bom_line(
            planner, line, {"parent": pump["MOTOR"], "component": pump["PUMP"]}
        )
    assert err.value.code == "bom_cycle"
    assert "MOTOR → PUMP → MOTOR" in err.value.detail
    line.refresh_from_db()
    assert (line.parent_id, line.component_id) == (pump["PUMP"].pk, pump["HOUSING"].pk)


def test_self_reference_is_refused(make_item, planner):
    gear = make_item("GEAR-1", "make")
    with pytest.raises(ValidationFailed, match="GEAR-1 → GEAR-1") as err:
        services.add_bom_line(planner, parent=gear, component=gear, quantity=Decimal("1"))
    assert err.value.code == "bom_cycle"
    assert not BomLine.objects.exists()


def test_bom_line_quantity_and_dates_are_checked(pump, planner):
    with pytest.raises(ValidationFailed, match="quantity"):
        services.add_bom_line(
            planner, parent=pump["MOTOR"], component=pump["HOUSING"], quantity=Decimal("0")
        )
    with pytest.raises(ValidationFailed, match="end date"):
        services.add_bom_line(
            planner,
            parent=pump["MOTOR"],
            component=pump["HOUSING"],
            quantity=Decimal("1"),
            valid_from=dt.date(2030, 1, 1),
            valid_to=dt.date(2029, 1, 1),
        )
    assert not BomLine.objects.filter(parent=pump["MOTOR"], component=pump["HOUSING"]).exists()


def test_new_line_goes_after_the_last_position(pump, planner):
    line = services.add_bom_line(
        planner, parent=pump["PUMP"], component=pump["WIRE"], quantity=Decimal("0.1")
    )
    assert line.position == 40


def test_update_and_remove_line_are_audited(pump, planner):
    line = BomLine.objects.get(parent=pump["PUMP"], component=pump["BOLT"])
    services.update_bom_line(planner, line, {"quantity": Decimal("6")})
    line.refresh_from_db()
    assert line.quantity == Decimal("6")
    services.remove_bom_line(planner, line)
    assert not BomLine.objects.filter(pk=line.pk).exists()
    actions = set(
        AuditEntry.objects.filter(model="catalog.bomline").values_list("action", flat=True)
    )
    assert {"create", "update", "delete"} <= actions


# --- routings -----------------------------------------------------------------------------------


def test_operation_sequence_is_unique_per_item(pump, costed_center, planner):
    with pytest.raises(ValidationFailed, match="already exists"):
        services.create_operation(
            planner,
            {"item": pump["PUMP"], "sequence": 10, "work_center": costed_center,
             "run_minutes_per_unit": Decimal("1")},
        )  # fmt: skip
    # The same sequence on another item is fine.
    op = services.create_operation(
        planner,
        {"item": pump["HOUSING"], "sequence": 10, "work_center": costed_center,
         "run_minutes_per_unit": Decimal("1")},
    )  # fmt: skip
    assert op.pk


def test_operation_needs_some_time(pump, costed_center, planner):
    with pytest.raises(ValidationFailed, match="setup time or a run time"):
        services.create_operation(
            planner,
            {"item": pump["PUMP"], "sequence": 20, "work_center": costed_center,
             "run_minutes_per_unit": Decimal("0")},
        )  # fmt: skip
    assert Operation.objects.filter(item=pump["PUMP"]).count() == 1


def test_alternative_work_center(pump, costed_center, calendar, planner):
    from andon.plant.models import WorkCenter

    other = WorkCenter.objects.create(code="CNC2", name="Old mill", calendar=calendar)
    op = Operation.objects.get(item=pump["PUMP"])
    with pytest.raises(ValidationFailed, match="primary"):
        services.add_alternative(planner, op, costed_center)
    alt = services.add_alternative(planner, op, other, Decimal("7"))
    assert list(op.alternatives.all()) == [alt]
    services.remove_alternative(planner, alt)
    assert not op.alternatives.exists()
