"""The demo catalog: items on BOM levels, their bills of materials, routings, costs and sources.

Items are generated level by level, top-down, and a BOM line only ever points from a level to a
deeper one, so the structure cannot contain a cycle however large it is. Every made item on a
level below the top is used by at least one parent, so no made item is an orphan.

Dependent demand must stay plausible at every level, also ten levels down: an item's requirement
is its parents' requirement times the quantity per, summed over its parents. So most made
components go in once per parent, and a made item has on average `COMMONALITY` parents (some are
shared across products, most are not); bought parts come by the piece (bolts a few), materials
in fractions of their unit (kg of bar, m of pipe). Finished-goods-only items (crates, nameplates,
paint, motors) are never buried in sub-assemblies.
"""

import random
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from andon.demo import vocabulary
from andon.demo.spec import (
    BomLineSpec,
    DemoPlant,
    ItemSpec,
    OperationSpec,
    SupplierItemSpec,
    money,
)
from andon.demo.vocabulary import FAMILIES, BuyTemplate, Family

if TYPE_CHECKING:
    from andon.demo.generator import Context

SETUP_LOT = 20  # spread setup over a typical batch when rolling up standard costs
COMMONALITY = 1.15  # average number of parents of a made item below the top level
FINISHED_ONLY = frozenset({"Crate", "Nameplate", "Paint", "Motor"})
COST_CAP = Decimal("250000")


def _qty(rng: random.Random, low: float, high: float, places: int) -> Decimal:
    if places == 0:
        return Decimal(rng.randint(int(low), int(high)))
    return Decimal(f"{rng.uniform(low, high):.{places}f}")


def _buy_items(size_count: int, rng: random.Random) -> list[tuple[ItemSpec, BuyTemplate]]:
    """Bought items, one template at a time in turn so that a small plant has every kind."""
    queues: list[tuple[BuyTemplate, list[str]]] = []
    for template in vocabulary.BUY_TEMPLATES:
        first, second = template.params
        # Vary the first parameter fastest, so a few items already cover many shapes or sizes.
        names: list[str] = []
        for shift in range(len(second)):
            block = [
                template.pattern.format(a, second[(n + shift) % len(second)])
                for n, a in enumerate(first)
            ]
            rng.shuffle(block)
            names += block
        queues.append((template, names))
    counters: dict[str, int] = defaultdict(int)
    result: list[tuple[ItemSpec, BuyTemplate]] = []
    taken = [0] * len(queues)
    while len(result) < size_count:
        # Distinct names first; numbered specs only once every template has run out of names.
        all_used = all(taken[n] >= len(names) for n, (_, names) in enumerate(queues))
        for n, (template, names) in enumerate(queues):
            for _ in range(template.weight):
                if len(result) == size_count or (taken[n] >= len(names) and not all_used):
                    break
                base = names[taken[n] % len(names)]
                spec = taken[n] // len(names)
                taken[n] += 1
                result.append(
                    (
                        _bought(
                            rng, template, base + (f", spec {spec + 1}" if spec else ""), counters
                        ),
                        template,
                    )
                )
    return result


def _bought(
    rng: random.Random, template: BuyTemplate, name: str, counters: dict[str, int]
) -> ItemSpec:
    prefix = {"raw": "RM", "component": "PP", "consumable": "CS"}[template.kind]
    counters[prefix] += 1
    lead = {"raw": (10, 30), "component": (5, 25), "consumable": (3, 10)}[template.kind]
    if template.group in {"Casting", "Motor"}:
        lead = (20, 45)
    return ItemSpec(
        sku=f"{prefix}-{counters[prefix]:05d}",
        name=name,
        category=template.category,
        uom=template.uom,
        procurement="buy",
        level=-1,
        family=template.group,
        kind=template.kind,
        lead_time_days=rng.randint(*lead),
        lot_tracked=template.lot_tracked,
        shelf_life_days=template.shelf_life_days,
        standard_cost=money(rng.uniform(*template.price)),
    )


def _make_items(plant: DemoPlant, ctx: "Context") -> list[list[ItemSpec]]:
    """Made items per level: finished goods, assemblies (several levels when deep), parts."""
    rng, size = ctx.rng, ctx.size
    part_level = size.bom_levels - 2
    levels: list[list[ItemSpec]] = []
    counters: dict[str, int] = defaultdict(int)
    for level, count in enumerate(size.make_per_level):
        items = []
        for n in range(count):
            family = FAMILIES[n % len(FAMILIES)]
            if level == 0:
                rank = n // len(FAMILIES)
                label = family.sizes[rank % len(family.sizes)]
                variant = rank // len(family.sizes)
                name = f"{family.name} {family.code} {label}"
                name += (
                    f", variant {chr(ord('A') + variant % 26)}{variant // 26 or ''}"
                    if variant
                    else ""
                )
                prefix, category, kind, lead = (
                    f"FG-{family.code}",
                    "Finished goods",
                    "finished",
                    (5, 10),
                )
            elif level < part_level:
                template = family.assemblies[(n // len(FAMILIES)) % len(family.assemblies)]
                label = rng.choice(family.sizes)
                name = f"{template} {label}"
                if level > 1:
                    stage = vocabulary.STAGES[(level - 2) % len(vocabulary.STAGES)]
                    name = f"{stage} {level} for {template.lower()} {label}"
                prefix, category, kind, lead = "SA", "Sub-assemblies", "assembly", (3, 8)
            else:
                template = family.parts[(n // len(FAMILIES)) % len(family.parts)]
                label = rng.choice(family.sizes)
                name = f"{template} {label}"
                fabricated = family.code == "PS"
                prefix = "FP" if fabricated else "MP"
                category = "Fabricated parts" if fabricated else "Machined parts"
                kind, lead = "part", (2, 5)
            counters[prefix] += 1
            width = 3 if level == 0 else 5
            items.append(
                ItemSpec(
                    sku=f"{prefix}-{counters[prefix]:0{width}d}",
                    name=name,
                    category=category,
                    uom="pcs",
                    procurement="make",
                    level=level,
                    family=family.code,
                    kind=kind,
                    lead_time_days=rng.randint(*lead),
                )
            )
        levels.append(items)
    return levels


def _raw_group(part_name: str) -> str:
    lowered = part_name.lower()
    for words, group in vocabulary.RAW_FOR_PART:
        if any(word in lowered for word in words):
            return group
    return "Steel bar"


CASTING_WORDS = ("impeller", "volute", "valve body", "bonnet", "cover", "disc", "diffuser")


def _matching_raw(part_name: str, candidates: list[str], name_of: dict[str, str]) -> list[str]:
    """The castings made for this part (an impeller from an impeller casting), if any."""
    lowered = part_name.lower().replace("body half", "valve body").replace("wedge", "disc")
    word = next((w for w in CASTING_WORDS if w in lowered or w.split()[-1] in lowered), "bracket")
    matching = [sku for sku in candidates if word and word in name_of[sku]]
    return matching or candidates


class _Bom:
    """Collects BOM lines, one per (parent, component), numbered 10, 20, 30 ..."""

    def __init__(self, plant: DemoPlant) -> None:
        self.plant = plant
        self.children: dict[str, list[str]] = defaultdict(list)

    def add(
        self,
        parent: str,
        component: str,
        quantity: Decimal,
        scrap: str = "0",
        operation: int | None = None,
    ) -> bool:
        if component in self.children[parent]:
            return False
        self.children[parent].append(component)
        self.plant.bom_lines.append(
            BomLineSpec(
                parent=parent,
                component=component,
                position=10 * len(self.children[parent]),
                quantity=quantity,
                scrap_percent=Decimal(scrap),
                operation_sequence=operation,
            )
        )
        return True


def _routing(
    plant: DemoPlant,
    ctx: "Context",
    item: ItemSpec,
    steps: list[str],
    by_kind: dict[str, list[str]],
) -> dict[str, int]:
    """Operations for `item`, one per work-center kind in `steps`; returns kind -> sequence."""
    rng = ctx.rng
    kinds = {kind.key: kind for kind in vocabulary.WORK_CENTER_KINDS}
    sequences: dict[str, int] = {}
    for key in steps:
        if not by_kind.get(key):
            continue
        kind = kinds[key]
        centers = by_kind[key]
        center = rng.choice(centers)
        run = Decimal(f"{rng.uniform(*kind.run):.2f}")
        if item.kind == "finished" and key == "assy":
            run *= Decimal("1.5")
        alternatives: list[tuple[str, Decimal | None]] = []
        others = [c for c in centers if c != center]
        if others and rng.random() < 0.4:
            alternatives.append((rng.choice(others), None))
        if (
            kind.alternative
            and kind.alternative != key
            and by_kind.get(kind.alternative)
            and rng.random() < 0.3
        ):
            slower = (run * Decimal(f"{rng.uniform(1.1, 1.5):.2f}")).quantize(Decimal("0.01"))
            alternatives.append((rng.choice(by_kind[kind.alternative]), slower))
        sequence = 10 * (len(sequences) + 1)
        sequences[key] = sequence
        plant.operations.append(
            OperationSpec(
                item=item.sku,
                sequence=sequence,
                name=kind.operation,
                work_center=center,
                setup_minutes=Decimal(rng.randint(*kind.setup)),
                run_minutes_per_unit=run,
                setup_family=f"{item.family}-{item.name.split()[-1]}"[:30],
                skill=kind.skill,
                skill_level=rng.randint(2, 3) if item.kind == "finished" else rng.randint(1, 3),
                crew_size=rng.choice((1, 2, 2)) if key == "assy" and item.kind == "finished" else 1,
                certification=kind.certification,
                alternatives=alternatives,
            )
        )
    return sequences


def _part_steps(rng: random.Random, item: ItemSpec, raw: str) -> list[str]:
    if raw == "Casting":
        # A machining center machines a casting complete; after a lathe it goes to the drill.
        first = rng.choice(("mc", "lathe"))
        steps = [first] if first == "mc" else [first, "drill"]
    elif raw == "Steel sheet":
        steps = ["laser", "drill"] if "plate" in item.name.lower() else ["laser", "weld", "paint"]
    elif raw == "Steel pipe":
        steps = ["saw", "weld"]
    else:
        steps = ["saw", "lathe"] + (["mill"] if rng.random() < 0.4 else [])
    if item.name.startswith(("Impeller", "Shaft", "Pump shaft", "Ball")):
        steps.append("balance")
    return steps


def build_catalog(plant: DemoPlant, ctx: "Context") -> None:
    """Items, BOMs and routings; then standard costs rolled up and lot-size rules spread."""
    rng, size = ctx.rng, ctx.size
    bought = _buy_items(size.buy_items, rng)
    levels = _make_items(plant, ctx)
    pool: dict[str, list[str]] = defaultdict(list)
    group_of: dict[str, str] = {}
    name_of = {item.sku: item.name.lower() for item, _ in bought}
    for item, template in bought:
        pool[template.group].append(item.sku)
        group_of[item.sku] = template.group
    # What assemblies are put together with: bearings, seals, fasteners, grease, cable.
    fittings = [
        item.sku
        for item, template in bought
        if item.kind != "raw" and template.group not in FINISHED_ONLY
    ]
    by_kind: dict[str, list[str]] = defaultdict(list)
    for center in plant.work_centers:
        by_kind[center.kind].append(center.code)
    bom = _Bom(plant)
    part_level = size.bom_levels - 2
    families = {family.code: family for family in FAMILIES}
    sequences: dict[str, dict[str, int]] = {}
    for level, items in enumerate(levels):
        for item in items:
            family: Family = families[item.family]
            if level == part_level:
                raw = _raw_group(item.name)
                steps = _part_steps(rng, item, raw)
            elif level == 0:
                steps = ["assy", *family.final_ops]
            else:
                welded = any(w in item.name.lower() for w in ("weldment", "manifold", "pipework"))
                steps = (
                    ["assy"]
                    + (["weld"] if welded else [])
                    + (["test"] if rng.random() < 0.2 else [])
                    + (["paint"] if welded else [])  # weldments are primed before assembly
                )
            sequences[item.sku] = _routing(plant, ctx, item, steps, by_kind)
    for level, items in enumerate(levels):
        deeper = levels[level + 1] if level + 1 < len(levels) else []
        _link_made(
            bom,
            rng,
            items,
            deeper,
            levels[level + 2] if level + 2 < len(levels) else [],
            size.make_children,
            sequences,
        )
        for item in items:
            seq = sequences[item.sku]
            if level == part_level:
                group = _raw_group(item.name)
                low, high, places = vocabulary.BOM_QUANTITY[group]
                scrap = f"{rng.uniform(1, 5):.1f}" if group != "Casting" else "0"
                raw = rng.choice(_matching_raw(item.name, pool[group], name_of))
                bom.add(item.sku, raw, _qty(rng, low, high, places), scrap)
                if rng.random() < 0.3:
                    fitting = rng.choice(fittings)
                    low, high, places = vocabulary.BOM_QUANTITY[group_of[fitting]]
                    bom.add(item.sku, fitting, _qty(rng, low, high, places))
                continue
            if level == 0:
                wanted = (
                    ["Nameplate", "Crate"]
                    + (["Paint"] if "paint" in seq else [])
                    + (["Motor"] if item.family in {"CP", "PS"} else [])
                )
                for group in wanted:
                    low, high, places = vocabulary.BOM_QUANTITY[group]
                    last = "pack" if group == "Crate" else "paint" if group == "Paint" else None
                    bom.add(
                        item.sku,
                        rng.choice(pool[group]),
                        _qty(rng, low, high, places),
                        operation=seq.get(last) if last else None,
                    )
            target = rng.randint(*size.assembly_lines)
            attempts = 0
            while len(bom.children[item.sku]) < target and attempts < 3 * target:
                attempts += 1
                component = rng.choice(fittings)
                low, high, places = vocabulary.BOM_QUANTITY[group_of[component]]
                bom.add(
                    item.sku, component, _qty(rng, low, high, places), operation=seq.get("assy")
                )
    _use_every_bought_item(bom, rng, levels, bought, sequences)
    plant.items = [item for items in levels for item in items] + [item for item, _ in bought]
    _roll_up_costs(plant, levels, [item for item, _ in bought])
    _lot_sizes(rng, plant.items)


def _link_made(
    bom: _Bom,
    rng: random.Random,
    parents: list[ItemSpec],
    children: list[ItemSpec],
    skip_level: list[ItemSpec],
    per_parent: tuple[int, int],
    sequences: dict[str, dict[str, int]],
) -> None:
    """Give every child a parent on the level above (same family first), then top parents up."""
    if not parents or not children:
        return
    by_family: dict[str, list[ItemSpec]] = defaultdict(list)
    for parent in parents:
        by_family[parent.family].append(parent)
    shuffled = children[:]
    rng.shuffle(shuffled)
    for n, child in enumerate(shuffled):
        candidates = by_family.get(child.family) or parents
        parent = candidates[n % len(candidates)]
        bom.add(
            parent.sku, child.sku, _made_quantity(rng), operation=sequences[parent.sku].get("assy")
        )
    children_by_family: dict[str, list[ItemSpec]] = defaultdict(list)
    for child in children:
        children_by_family[child.family].append(child)
    # Shared components beyond one parent per child: a budget, so that the requirement of an
    # item does not multiply by the number of its parents on every level.
    budget = round((COMMONALITY - 1) * len(children))
    order = parents[:]
    rng.shuffle(order)
    for parent in order:
        if budget <= 0:
            break
        target = rng.randint(*per_parent)
        same = children_by_family.get(parent.family) or children
        made = [c for c in bom.children[parent.sku] if c[:2] not in {"RM", "PP", "CS"}]
        attempts = 0
        while len(made) < target and attempts < 4 * target and budget > 0:
            attempts += 1
            # Now and then a component skips a level, as real structures do.
            source = skip_level if skip_level and rng.random() < 0.1 else same
            child = rng.choice(source)
            if bom.add(
                parent.sku,
                child.sku,
                _made_quantity(rng),
                operation=sequences[parent.sku].get("assy"),
            ):
                made.append(child.sku)
                budget -= 1


def _use_every_bought_item(
    bom: _Bom,
    rng: random.Random,
    levels: list[list[ItemSpec]],
    bought: list[tuple[ItemSpec, BuyTemplate]],
    sequences: dict[str, dict[str, int]],
) -> None:
    """A bought item nobody uses would only clutter the demo: give each one a parent."""
    used = {line.component for line in bom.plant.bom_lines}
    parts = levels[-1]
    assemblies = [item for items in levels[:-1] for item in items]
    for item, template in bought:
        if item.sku in used:
            continue
        if template.kind == "raw":
            parent = rng.choice(parts)
        elif template.group in FINISHED_ONLY:
            parent = rng.choice(levels[0])
        else:
            parent = rng.choice(assemblies)
        low, high, places = vocabulary.BOM_QUANTITY[template.group]
        bom.add(
            parent.sku,
            item.sku,
            _qty(rng, low, high, places),
            operation=sequences[parent.sku].get("assy"),
        )


def _made_quantity(rng: random.Random) -> Decimal:
    """Mostly one per parent; now and then a pair (two bearing covers) or four (frame rails)."""
    return Decimal(rng.choices((1, 2, 4), weights=(88, 10, 2))[0])


def _roll_up_costs(plant: DemoPlant, levels: list[list[ItemSpec]], bought: list[ItemSpec]) -> None:
    """Standard cost of made items: components plus labour and machine time, deepest first."""
    cost = {item.sku: item.standard_cost for item in bought}
    rate = {center.code: center.cost_rate for center in plant.work_centers}
    lines: dict[str, list[BomLineSpec]] = defaultdict(list)
    for line in plant.bom_lines:
        lines[line.parent].append(line)
    minutes: dict[str, Decimal] = defaultdict(Decimal)
    for op in plant.operations:
        per_unit = op.setup_minutes / SETUP_LOT + op.run_minutes_per_unit
        minutes[op.item] += per_unit * rate[op.work_center] / 60
    for items in reversed(levels):
        for item in items:
            material = sum(
                (
                    line.quantity * cost[line.component] * 100 / (100 - line.scrap_percent)
                    for line in lines[item.sku]
                ),
                Decimal("0"),
            )
            total = min(material + minutes[item.sku], COST_CAP)
            item.standard_cost = total.quantize(Decimal("0.01"))
            cost[item.sku] = item.standard_cost


def _lot_sizes(rng: random.Random, items: list[ItemSpec]) -> None:
    """Spread the five lot-size rules over the items, each with the parameters it needs."""
    for item in items:
        whole = item.uom in {"pcs", "set"}
        if item.procurement == "make":
            rule = rng.choices(
                ("lot_for_lot", "fixed", "period", "eoq", "min_max"), weights=(35, 20, 20, 15, 10)
            )[0]
        else:
            rule = rng.choices(
                ("lot_for_lot", "fixed", "period", "eoq", "min_max"), weights=(20, 20, 15, 25, 20)
            )[0]
        item.lot_size_rule = rule
        base = Decimal(rng.choice((5, 10, 20, 25, 50, 100) if whole else (25, 50, 100, 200)))
        if item.family in {"Bolt", "Nut", "O-ring"}:
            base *= 10
        if rule == "fixed":
            item.lot_size = base
        elif rule == "period":
            item.lot_size = Decimal(rng.choice((5, 10, 15, 20)))  # days of supply
        elif rule == "min_max":
            item.min_qty = base
            item.max_qty = base * rng.choice((3, 4, 5))
        elif rule == "eoq":
            item.order_cost = Decimal(rng.randint(40, 250))
        if item.family in {"Bolt", "Nut"}:
            item.multiple = Decimal("100")
        elif item.family == "O-ring":
            item.multiple = Decimal("50")
        if item.procurement == "buy" and rng.random() < 0.3:
            item.safety_stock = base if whole else base / 2
        elif item.kind == "finished" and rng.random() < 0.25:
            item.safety_stock = Decimal(rng.randint(1, 5))


def build_sourcing(plant: DemoPlant, ctx: "Context") -> None:
    """One preferred supplier for every bought item, and a second source for some."""
    rng = ctx.rng
    by_word: dict[str, list[str]] = defaultdict(list)
    for supplier in plant.suppliers:
        for word in vocabulary.SUPPLIER_WORDS[0]:
            if supplier.name.startswith(word):
                by_word[word].append(supplier.code)
    everyone = [supplier.code for supplier in plant.suppliers]
    for item in plant.items:
        if item.procurement != "buy":
            continue
        specialists = [
            code
            for word in vocabulary.CATEGORY_SUPPLIERS.get(item.category, ())
            for code in by_word.get(word, [])
        ]
        first = rng.choice(specialists or everyone)
        sources = [first]
        if rng.random() < 0.4 and len(everyone) > 1:
            sources.append(rng.choice([code for code in everyone if code != first]))
        for rank, code in enumerate(sources):
            price = item.standard_cost * Decimal(f"{1 + rank * rng.uniform(0.05, 0.15):.3f}")
            plant.supplier_items.append(
                SupplierItemSpec(
                    supplier=code,
                    item=item.sku,
                    supplier_sku=f"{code[-3:]}-{rng.randint(10000, 99999)}",
                    lead_time_days=max(1, item.lead_time_days + rng.randint(-3, 10) * rank),
                    price=price.quantize(Decimal("0.0001") if price < 1 else Decimal("0.01")),
                    min_order_qty=item.multiple or Decimal(rng.choice((0, 0, 5, 10))),
                    preferred=rank == 0,
                )
            )
