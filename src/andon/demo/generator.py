"""Generate a fictitious plant as plain data, deterministically for a seed and a "today".

The plant is built phase by phase (see `PHASES`). Each phase draws from its own
`random.Random(f"{seed}/{phase}")`, so adding a phase later (production history, when the
production app exists) does not change what the existing phases generate for the same seed. No
phase reads the clock or the global random generator: `today` is a parameter, so tests pin it.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from andon.demo import demand, history, products, vocabulary
from andon.demo.spec import (
    SIZES,
    CalendarSpec,
    DemoPlant,
    LocationSpec,
    PartnerSpec,
    ShiftSpec,
    Size,
    UnitSpec,
    WorkCenterSpec,
    WorkerSpec,
    money,
)
from andon.engines.bom import low_level_codes


@dataclass(frozen=True)
class Context:
    """What every phase may use: the size, the reference date and its own random stream."""

    size: Size
    today: dt.date
    rng: random.Random


Phase = Callable[[DemoPlant, Context], None]


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (clamped to the month's end), for certificate validity."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has a 28th


def easter(year: int) -> dt.date:
    """Easter Sunday (Gregorian calendar, the anonymous algorithm): its holidays move."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return dt.date(year, month, day + 1)


def holidays(year: int) -> list[tuple[dt.date, str]]:
    """The plant's closed days in a year: public holidays and a summer shutdown week."""
    sunday = easter(year)
    days = [
        (dt.date(year, 1, 1), "New Year's Day"),
        (sunday - dt.timedelta(days=2), "Good Friday"),
        (sunday + dt.timedelta(days=1), "Easter Monday"),
        (dt.date(year, 5, 1), "Labour Day"),
        (sunday + dt.timedelta(days=39), "Ascension Day"),
        (sunday + dt.timedelta(days=50), "Whit Monday"),
        (dt.date(year, 12, 24), "Christmas Eve"),
        (dt.date(year, 12, 25), "Christmas Day"),
        (dt.date(year, 12, 26), "Boxing Day"),
        (dt.date(year, 12, 31), "New Year's Eve"),
    ]
    first_monday = dt.date(year, 8, 1) + dt.timedelta(days=(7 - dt.date(year, 8, 1).weekday()) % 7)
    days += [(first_monday + dt.timedelta(days=n), "Summer shutdown") for n in range(5)]
    return sorted(set(days))


def build_plant(plant: DemoPlant, ctx: Context) -> None:
    """Units, shifts and calendars, work centers, and the stock locations."""
    rng = ctx.rng
    D = Decimal
    plant.units = [
        UnitSpec("pcs", "Pieces", "count", D("1"), True),
        UnitSpec("set", "Set", "count", D("1"), True),
        UnitSpec("kg", "Kilogram", "mass", D("1"), False),
        UnitSpec("g", "Gram", "mass", D("0.001"), False),
        UnitSpec("t", "Tonne", "mass", D("1000"), False),
        UnitSpec("m", "Metre", "length", D("1"), False),
        UnitSpec("mm", "Millimetre", "length", D("0.001"), False),
        UnitSpec("m2", "Square metre", "area", D("1"), False),
        UnitSpec("l", "Litre", "volume", D("1"), False),
        UnitSpec("ml", "Millilitre", "volume", D("0.001"), False),
        UnitSpec("h", "Hour", "time", D("1"), False),
        UnitSpec("min", "Minute", "time", D("0.0166666667"), False),
    ]
    weekdays = "12345"
    plant.shifts = [
        ShiftSpec("EARLY", "Early shift", dt.time(6), dt.time(14), weekdays, 30),
        ShiftSpec("LATE", "Late shift", dt.time(14), dt.time(22), weekdays, 30),
        # The week's nights start on Sunday evening and end on Friday morning.
        ShiftSpec("NIGHT", "Night shift", dt.time(22), dt.time(6), "71234", 30),
        ShiftSpec("DAY", "Day shift", dt.time(7, 30), dt.time(16), weekdays, 30),
        ShiftSpec("SAT", "Saturday morning", dt.time(6), dt.time(12), "6", 0),
    ]
    closed = holidays(ctx.today.year) + holidays(ctx.today.year + 1)
    plant.calendars = [
        CalendarSpec("1SHIFT", "One shift, Monday to Friday", ["DAY"], closed),
        CalendarSpec("2SHIFT", "Two shifts, Monday to Friday", ["EARLY", "LATE"], closed),
        CalendarSpec(
            "2SHIFT-SAT", "Two shifts and Saturday mornings", ["EARLY", "LATE", "SAT"], closed
        ),
        CalendarSpec(
            "3SHIFT", "Three shifts, Sunday night to Friday", ["EARLY", "LATE", "NIGHT"], closed
        ),
    ]
    calendar_of = {
        "lathe": "3SHIFT",
        "mc": "3SHIFT",
        "mill": "2SHIFT",
        "drill": "2SHIFT",
        "saw": "1SHIFT",
        "laser": "1SHIFT",
        "weld": "2SHIFT",
        "assy": "2SHIFT-SAT",
        "balance": "1SHIFT",
        "paint": "1SHIFT",
        "test": "1SHIFT",
        "pack": "1SHIFT",
    }
    kinds = {kind.key: kind for kind in vocabulary.WORK_CENTER_KINDS}
    extra_order = (
        "lathe",
        "mill",
        "mc",
        "assy",
        "saw",
        "drill",
        "weld",
        "lathe",
        "mc",
        "assy",
        "test",
        "paint",
        "pack",
        "laser",
        "mill",
        "balance",
    )
    chosen = list(kinds)
    while len(chosen) < ctx.size.work_centers:
        chosen.append(extra_order[len(chosen) % len(extra_order)])
    numbers: dict[str, int] = {}
    for key in chosen[: ctx.size.work_centers]:
        kind = kinds[key]
        numbers[key] = numbers.get(key, 0) + 1
        plant.work_centers.append(
            WorkCenterSpec(
                code=f"{key.upper()}-{numbers[key]:02d}",
                name=f"{kind.name} {numbers[key]}",
                kind=key,
                line=kind.line,
                capacity=rng.randint(2, 4) if key in {"assy", "pack"} else rng.choice((1, 1, 1, 2)),
                calendar=calendar_of[key],
                cost_rate=money(rng.uniform(45, 140)),
                efficiency_percent=Decimal(rng.choice(("85", "90", "95", "100"))),
            )
        )
    _locations(plant, ctx)


def _locations(plant: DemoPlant, ctx: Context) -> None:
    locations = [LocationSpec("WH", "Main warehouse", "warehouse", None)]
    zones = (
        ("RM", "Raw materials"),
        ("PP", "Purchased parts"),
        ("WIP", "Semi-finished goods"),
        ("FG", "Finished goods"),
    )
    for code, name in zones:
        zone = f"WH-{code}"
        locations.append(LocationSpec(zone, f"{name} zone", "zone", "WH"))
        for n in range(ctx.size.bins_per_zone):
            aisle, shelf = divmod(n, 10)
            locations.append(
                LocationSpec(
                    f"{zone}-{aisle + 1:02d}-{shelf + 1:02d}",
                    f"{name}, aisle {aisle + 1}, shelf {shelf + 1}",
                    "bin",
                    zone,
                )
            )
    locations += [
        LocationSpec("LS-MACH", "Line-side, machining", "line_side", None),
        LocationSpec("LS-FAB", "Line-side, fabrication", "line_side", None),
        LocationSpec("LS-ASSY", "Line-side, assembly", "line_side", None),
        LocationSpec("QA-HOLD", "Quarantine: held for inspection", "quarantine", None, False),
    ]
    plant.locations = locations


def build_people(plant: DemoPlant, ctx: Context) -> None:
    """Skills, certifications, and workers: some certificates expire soon, one has expired."""
    rng, today = ctx.rng, ctx.today
    plant.skills = list(vocabulary.SKILLS)
    plant.certifications = list(vocabulary.CERTIFICATIONS)
    validity = {code: months for code, _, months in vocabulary.CERTIFICATIONS}
    skill_codes = [code for code, _ in vocabulary.SKILLS]
    names = [
        f"{first} {last}" for first in vocabulary.FIRST_NAMES for last in vocabulary.LAST_NAMES
    ]
    names = rng.sample(names, min(ctx.size.workers, len(names)))
    shifts = ("EARLY", "EARLY", "LATE", "LATE", "NIGHT", "DAY")
    for n in range(ctx.size.workers):
        home = skill_codes[n % len(skill_codes)]  # round robin: every skill has people
        skills = {home: rng.randint(2, 5)}
        for extra in rng.sample(skill_codes, rng.randint(0, 3)):
            skills.setdefault(extra, rng.randint(1, 3))
        wanted = {"WELD": "WELD-ISO9606", "PACK": "FORKLIFT", "TEST": "PRESSURE-TEST"}
        certs = [cert for skill, cert in wanted.items() if skill in skills]
        certs += [c for c, p in (("CRANE", 0.2), ("FIRST-AID", 0.3)) if rng.random() < p]
        certificates: list[tuple[str, dt.date, dt.date | None]] = []
        for cert in certs:
            # Most are valid for months; one in eight runs out within the next four weeks.
            ahead = rng.randint(3, 30) if rng.random() < 0.125 else rng.randint(31, 700)
            expires = today + dt.timedelta(days=ahead)
            issued = add_months(expires, -(validity[cert] or 24))
            certificates.append((cert, issued, expires))
        plant.workers.append(
            WorkerSpec(
                code=f"W{n + 1:04d}",
                name=names[n % len(names)] + ("" if n < len(names) else f" {n // len(names) + 1}"),
                shift=shifts[n % len(shifts)],
                hourly_rate=money(rng.uniform(18, 36)),
                badge=f"B-{10000 + n}",
                skills=sorted(skills.items()),
                certificates=certificates,
            )
        )
    # Exactly one certificate has already run out, so the crew pages have something to flag.
    lapsed = plant.workers[min(3, len(plant.workers) - 1)]
    expired = today - dt.timedelta(days=12)
    lapsed.certificates = [c for c in lapsed.certificates if c[0] != "FORKLIFT"]
    lapsed.certificates.append(("FORKLIFT", add_months(expired, -36), expired))


def _partner(rng: random.Random, code: str, name: str, domain: str) -> PartnerSpec:
    country = rng.choice(vocabulary.COUNTRIES)
    return PartnerSpec(
        code=code,
        name=name,
        email=f"orders@{domain}.example",
        phone=f"+{rng.randint(30, 49)} {rng.randint(100, 999)} {rng.randint(100000, 999999)}",
        address=f"{rng.choice(vocabulary.STREETS)} {rng.randint(1, 180)}\n"
        f"{rng.randint(10000, 99999)} {name.split()[0]}ville",
        country=country,
    )


def _names(rng: random.Random, words: tuple[tuple[str, ...], ...], count: int) -> list[str]:
    """`count` distinct company names: word pairs first, then with a legal form added."""
    pairs = [f"{a} {b}" for a in words[0] for b in words[1]]
    rng.shuffle(pairs)
    forms = ("GmbH", "BV", "Ltd", "S.A.", "AB", "s.r.o.", "SpA")
    names = pairs + [f"{pair} {form}" for form in forms for pair in pairs]
    return names[:count]


def build_partners(plant: DemoPlant, ctx: Context) -> None:
    """Customers with priorities and suppliers named for what they sell."""
    rng = ctx.rng
    for n, name in enumerate(_names(rng, vocabulary.CUSTOMER_WORDS, ctx.size.customers)):
        partner = _partner(rng, f"CUST-{n + 1:03d}", name, name.split()[0].lower())
        partner.priority = rng.choice((1, 1, 1, 2, 2, 3))
        plant.customers.append(partner)
    # The first suppliers are the specialists the vocabulary names, one per first word.
    specialists = [
        f"{w} {s}"
        for w, s in zip(
            vocabulary.SUPPLIER_WORDS[0],
            (
                "Metals",
                "Foundry",
                "Supply",
                "Industrial",
                "Drives",
                "Coatings",
                "Components",
                "Foundry",
                "Trading",
                "Industrial",
                "Supply",
                "Trading",
            ),
            strict=True,
        )
    ]
    names = specialists + [
        n for n in _names(rng, vocabulary.SUPPLIER_WORDS, 10_000) if n not in specialists
    ]
    for n, name in enumerate(names[: ctx.size.suppliers]):
        plant.suppliers.append(
            _partner(rng, f"SUP-{n + 1:03d}", name, name.split()[0].lower().replace(" ", ""))
        )


# The phases, in order. Production history (several weeks of past work orders, reports and
# downtime for the KPI pages) comes last: it needs nothing but the plant and routings above.
PHASES: tuple[tuple[str, Phase], ...] = (
    ("plant", build_plant),
    ("people", build_people),
    ("partners", build_partners),
    ("catalog", products.build_catalog),
    ("sourcing", products.build_sourcing),
    ("stock", demand.build_stock),
    ("demand", demand.build_demand),
    ("supply", demand.build_supply),
    ("production_history", history.build_history),
)


def generate(
    size: str = "small",
    seed: int = 1,
    today: dt.date | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> DemoPlant:
    """Build the demo plant for a size and seed; the same arguments give the same plant.

    `today` defaults to 1 June 2026 only so that calls without one stay deterministic; the
    command passes the plant's local date. The result is checked before it is returned: the
    BOM has no cycle, every make item has a routing and every buy item a preferred source.
    """
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
    day = today or dt.date(2026, 6, 1)
    plant = DemoPlant(company=vocabulary.COMPANY, size=size, seed=seed, today=day)
    for name, phase in PHASES:
        if on_phase is not None:
            on_phase(name)
        phase(plant, Context(size=SIZES[size], today=day, rng=random.Random(f"{seed}/{name}")))
    check(plant)
    return plant


def check(plant: DemoPlant) -> None:
    """Refuse a plant the rest of Andon would reject; a bug here must not reach a database."""
    skus = [item.sku for item in plant.items]
    if len(set(skus)) != len(skus):
        raise ValueError("demo generator produced duplicate SKUs")
    low_level_codes(skus, ((line.parent, line.component) for line in plant.bom_lines))
    routed = {op.item for op in plant.operations}
    preferred = {s.item for s in plant.supplier_items if s.preferred}
    for item in plant.items:
        if item.procurement == "make" and item.sku not in routed:
            raise ValueError(f"demo item {item.sku} is made but has no routing")
        if item.procurement == "buy" and item.sku not in preferred:
            raise ValueError(f"demo item {item.sku} is bought but has no preferred supplier")
