"""Loaders for the master-data files that are plain upserts by code (plus their lists).

Each loader validates its rows into the context's registries and plans its writes; nothing is
written here. Lists in one cell (a calendar's shifts, a worker's skills) replace what the record
had, because a file that says "these are the skills" means exactly these.
"""

from collections import defaultdict
from typing import Any

from andon.catalog.models import Item, UnitOfMeasure
from andon.partners.models import Customer, Supplier, SupplierItem
from andon.people.models import Certification, Skill, Worker, WorkerCertification, WorkerSkill
from andon.plant.models import Calendar, Location, Shift, WorkCenter
from andon.transfer.formats import CellError, FileSpec, parse_date
from andon.transfer.loading import (
    Context,
    Row,
    chunks,
    upsert,
    write_upsert,
)

SIMPLE: dict[str, tuple[type[Any], str]] = {
    "units": (UnitOfMeasure, "units"),
    "shifts": (Shift, "shifts"),
    "work_centers": (WorkCenter, "work_centers"),
    "skills": (Skill, "skills"),
    "certifications": (Certification, "certifications"),
    "items": (Item, "items"),
    "customers": (Customer, "customers"),
    "suppliers": (Supplier, "suppliers"),
}


def load_simple(spec: FileSpec, rows: list[Row], ctx: Context) -> None:
    model, registry = SIMPLE[spec.name]
    plan = upsert(spec, rows, ctx, model, ctx.registry(registry), register=registry)
    ctx.plan(spec.name, lambda: write_upsert(model, plan))


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def load_calendars(spec: FileSpec, rows: list[Row], ctx: Context) -> None:
    plan = upsert(spec, rows, ctx, Calendar, ctx.registry("calendars"), register="calendars")
    shifts: dict[int, tuple[Any, list[Any]]] = {}
    if rows and "shifts" in rows[0].raw:
        registry = ctx.registry("shifts")
        for row, calendar in plan.rows:
            found = []
            for code in _split(row.raw["shifts"]):
                if code not in registry:
                    ctx.problem(spec, row.number, "shifts", f"unknown shift '{code}'")
                else:
                    found.append(registry[code])
            shifts[id(calendar)] = (calendar, found)

    def write() -> None:
        write_upsert(Calendar, plan)
        if not shifts:
            return
        through = Calendar.shifts.through
        ids = [calendar.pk for calendar, _ in shifts.values()]
        for chunk in chunks(ids):
            through.objects.filter(calendar_id__in=chunk).delete()
        links = [
            through(calendar_id=calendar.pk, shift_id=shift.pk)
            for calendar, found in shifts.values()
            for shift in found
        ]
        through.objects.bulk_create(links, batch_size=500)

    ctx.plan(spec.name, write)


def _skill_levels(spec: FileSpec, row: Row, ctx: Context) -> list[tuple[Any, int]]:
    registry = ctx.registry("skills")
    levels: list[tuple[Any, int]] = []
    seen: set[str] = set()
    for part in _split(row.raw["skills"]):
        code, _, level_text = part.partition(":")
        code = code.strip()
        level_text = level_text.strip() or "1"
        if code not in registry:
            ctx.problem(spec, row.number, "skills", f"unknown skill '{code}'")
            continue
        if code in seen:
            ctx.problem(spec, row.number, "skills", f"skill '{code}' is listed twice")
            continue
        seen.add(code)
        if not level_text.isdigit() or not 1 <= int(level_text) <= 5:
            ctx.problem(
                spec, row.number, "skills", f"'{part}': the level must be a whole number 1 to 5"
            )
            continue
        levels.append((registry[code], int(level_text)))
    return levels


def _certificates(spec: FileSpec, row: Row, ctx: Context) -> list[tuple[Any, Any, Any]]:
    registry = ctx.registry("certifications")
    found: list[tuple[Any, Any, Any]] = []
    for part in _split(row.raw["certifications"]):
        code, _, dates = part.partition(":")
        code = code.strip()
        if code not in registry:
            ctx.problem(spec, row.number, "certifications", f"unknown certification '{code}'")
            continue
        issued_text, slash, expires_text = dates.strip().rpartition("/")
        if not slash:
            issued_text, expires_text = "", dates.strip()
        try:
            issued = parse_date(issued_text.strip()) if issued_text.strip() else ctx.today
            expires = parse_date(expires_text.strip()) if expires_text.strip() else None
        except CellError as exc:
            ctx.problem(spec, row.number, "certifications", f"{code}: {exc}")
            continue
        if expires is not None and expires < issued:
            ctx.problem(spec, row.number, "certifications", f"{code}: expires before it is issued")
            continue
        found.append((registry[code], issued, expires))
    return found


def load_workers(spec: FileSpec, rows: list[Row], ctx: Context) -> None:
    plan = upsert(spec, rows, ctx, Worker, ctx.registry("workers"), register="workers")
    present = rows[0].raw if rows else {}
    skills = (
        {id(w): (w, _skill_levels(spec, r, ctx)) for r, w in plan.rows}
        if "skills" in present
        else {}
    )
    certs = (
        {id(w): (w, _certificates(spec, r, ctx)) for r, w in plan.rows}
        if "certifications" in present
        else {}
    )

    def write() -> None:
        write_upsert(Worker, plan)
        if skills:
            ids = [w.pk for w, _ in skills.values()]
            for chunk in chunks(ids):
                WorkerSkill.objects.filter(worker_id__in=chunk).delete()
            WorkerSkill.objects.bulk_create(
                [
                    WorkerSkill(worker=w, skill=skill, level=level)
                    for w, levels in skills.values()
                    for skill, level in levels
                ],
                batch_size=500,
            )
        if certs:
            ids = [w.pk for w, _ in certs.values()]
            for chunk in chunks(ids):
                WorkerCertification.objects.filter(worker_id__in=chunk).delete()
            WorkerCertification.objects.bulk_create(
                [
                    WorkerCertification(
                        worker=w, certification=cert, issued_on=issued, expires_on=expires
                    )
                    for w, found in certs.values()
                    for cert, issued, expires in found
                ],
                batch_size=500,
            )

    ctx.plan(spec.name, write)


def load_supplier_items(spec: FileSpec, rows: list[Row], ctx: Context) -> None:
    existing = {
        (s.supplier.code, s.item.sku): s
        for s in SupplierItem.objects.select_related("supplier", "item")
    }
    plan = upsert(spec, rows, ctx, SupplierItem, existing)
    ctx.plan(spec.name, lambda: write_upsert(SupplierItem, plan))


def load_locations(spec: FileSpec, rows: list[Row], ctx: Context) -> None:
    def no_loop(row: Row, location: Any) -> bool:
        # Location.clean walks up the parents: a loop must be cut before it runs.
        node, hops = location.parent, 0
        while node is not None and hops <= len(rows) + 1:
            if node is location or (node.pk is not None and node.pk == location.pk):
                ctx.problem(spec, row.number, "parent", "a location cannot be inside itself")
                location.parent = None
                return False
            node, hops = node.parent, hops + 1
        return True

    registry = ctx.registry("locations")
    plan = upsert(spec, rows, ctx, Location, registry, register="locations", pre_clean=no_loop)

    def write() -> None:
        # A new location may sit inside another new one: insert parents before children.
        by_depth: dict[int, list[Any]] = defaultdict(list)
        for location in plan.creates:
            depth, node = 0, location.parent
            while node is not None and node.pk is None and depth < 1000:
                depth, node = depth + 1, node.parent
            by_depth[depth].append(location)
        for depth in sorted(by_depth):
            Location.objects.bulk_create(by_depth[depth], batch_size=500)
        if plan.updates and plan.fields:
            Location.objects.bulk_update(plan.updates, plan.fields, batch_size=500)

    ctx.plan(spec.name, write)
