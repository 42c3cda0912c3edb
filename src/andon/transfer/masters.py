"""Loaders for the master-data files that are plain upserts by code (plus their lists).

Each loader matches its rows to records in the context's registries and hands them, as a batch,
to the owning context's loader (`andon.<app>.loaders`), which checks them by its own rules and
writes them when the import has nothing left to object to; nothing is written here. Lists in one
cell (a calendar's shifts, a worker's skills) replace what the record had, because a file that
says "these are the skills" means exactly these.
"""

from collections.abc import Callable
from typing import Any

from andon.catalog import loaders as catalog
from andon.core.loads import Batch, Load
from andon.partners import loaders as partners
from andon.partners.models import SupplierItem
from andon.people import loaders as people
from andon.plant import loaders as plant
from andon.transfer.formats import CellError, FileSpec, parse_date
from andon.transfer.loading import REGISTRIES, Context, Row, upsert

SIMPLE: dict[str, tuple[Callable[[Batch[Any]], Load], str]] = {
    "units": (catalog.units, "units"),
    "shifts": (plant.shifts, "shifts"),
    "work_centers": (plant.work_centers, "work_centers"),
    "skills": (people.skills, "skills"),
    "certifications": (people.certifications, "certifications"),
    "items": (catalog.items, "items"),
    "customers": (partners.customers, "customers"),
    "suppliers": (partners.suppliers, "suppliers"),
}


def load_simple(spec: FileSpec, rows: list[Row], ctx: Context) -> None:
    owner, registry = SIMPLE[spec.name]
    model = _model(registry)
    plan = upsert(spec, rows, ctx, model, ctx.registry(registry), registry)
    ctx.adopt(spec, owner(plan.batch))


def _model(registry: str) -> Any:
    return REGISTRIES[registry][0]


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def load_calendars(spec: FileSpec, rows: list[Row], ctx: Context) -> None:
    registry = ctx.registry("calendars")
    plan = upsert(spec, rows, ctx, _model("calendars"), registry, "calendars")
    shifts: dict[int, tuple[Any, list[Any]]] = {}
    if rows and "shifts" in rows[0].raw:
        known = ctx.registry("shifts")
        for row, calendar in plan.rows:
            found = []
            for code in _split(row.raw["shifts"]):
                if code not in known:
                    ctx.problem(spec, row.number, "shifts", f"unknown shift '{code}'")
                else:
                    found.append(known[code])
            shifts[id(calendar)] = (calendar, found)
    ctx.adopt(spec, plant.calendars(plan.batch, shifts))


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
    registry = ctx.registry("workers")
    plan = upsert(spec, rows, ctx, _model("workers"), registry, "workers")
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
    ctx.adopt(spec, people.workers(plan.batch, skills, certs))


def load_supplier_items(spec: FileSpec, rows: list[Row], ctx: Context) -> None:
    existing = {
        (s.supplier.code, s.item.sku): s
        for s in SupplierItem.objects.select_related("supplier", "item")
    }
    plan = upsert(spec, rows, ctx, SupplierItem, existing)
    ctx.adopt(spec, partners.supplier_items(plan.batch))


def load_locations(spec: FileSpec, rows: list[Row], ctx: Context) -> None:
    registry = ctx.registry("locations")
    plan = upsert(spec, rows, ctx, _model("locations"), registry, "locations")
    ctx.adopt(spec, plant.locations(plan.batch))
