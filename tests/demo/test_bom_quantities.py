"""The demo's bills of materials ask for plausible quantities, so MRP's dependent demand stays
plausible on every level: a planner looking at a deep part must not see millions."""

import statistics
from collections import defaultdict

import pytest

from andon.demo.generator import generate
from andon.engines.bom import low_level_codes


def _need_per_set(plant):
    """What one of every finished good needs of each item, by low-level code."""
    lines = defaultdict(list)
    for line in plant.bom_lines:
        lines[line.parent].append(line)
    skus = [item.sku for item in plant.items]
    codes = low_level_codes(skus, [(b.parent, b.component) for b in plant.bom_lines])
    need = defaultdict(float, {i.sku: 1.0 for i in plant.items if i.kind == "finished"})
    for sku in sorted(skus, key=codes.__getitem__):
        for line in lines[sku]:
            scrap = float(line.scrap_percent) / 100
            need[line.component] += need[sku] * float(line.quantity) / (1 - scrap)
    by_level = defaultdict(list)
    for item in plant.items:
        if item.procurement == "make":
            by_level[codes[item.sku]].append(need[item.sku])
    return by_level


def _check_made_items(plant, median_limit, worst_limit):
    for level, needs in sorted(_need_per_set(plant).items()):
        assert statistics.median(needs) <= median_limit, (level, statistics.median(needs))
        assert max(needs) <= worst_limit, (level, max(needs))


def test_made_components_go_in_once_per_parent_mostly(small_plant):
    units = {item.sku: item.uom for item in small_plant.items}
    made = [b for b in small_plant.bom_lines if b.component[:2] in {"SA", "MP", "FP"}]
    ones = sum(1 for b in made if b.quantity == 1)
    assert ones >= 0.8 * len(made)
    assert all(b.quantity <= 4 for b in made)
    assert all(units[b.component] == "pcs" for b in made)


def test_bought_quantities_suit_their_unit(small_plant):
    items = {item.sku: item for item in small_plant.items}
    for line in small_plant.bom_lines:
        component = items[line.component]
        if component.family in {"Bolt", "Nut"}:
            assert 4 <= line.quantity <= 12, line
        if component.family in {"Steel bar", "Steel sheet"}:
            assert component.uom == "kg"
            assert line.quantity <= 24, line
        if component.family == "Steel pipe":
            assert component.uom == "m"
            assert line.quantity <= 2.5, line
    fractions = [
        b.quantity
        for b in small_plant.bom_lines
        if items[b.component].uom in {"kg", "m"} and b.quantity != int(b.quantity)
    ]
    assert fractions, "materials come in fractions of a kg or a metre"


def test_crates_and_nameplates_only_go_into_finished_goods(small_plant):
    items = {item.sku: item for item in small_plant.items}
    for line in small_plant.bom_lines:
        if items[line.component].family in {"Crate", "Nameplate", "Motor", "Paint"}:
            assert items[line.parent].kind == "finished", line


def test_dependent_demand_stays_plausible_in_the_small_plant(small_plant):
    _check_made_items(small_plant, median_limit=2, worst_limit=10)


def test_the_same_seed_gives_the_same_bill(small_plant, today):
    again = generate("small", seed=1, today=today)
    assert again.bom_lines == small_plant.bom_lines


@pytest.mark.slow
def test_dependent_demand_stays_plausible_ten_levels_down(today):
    """Before: the median part on level 8 of the large plant needed 17,000 per set."""
    plant = generate("large", seed=1, today=today)
    _check_made_items(plant, median_limit=8, worst_limit=400)
