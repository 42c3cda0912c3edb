"""Validating rows into planned writes: the shared machinery of every file's loader.

An import first turns every row into model instances, new or updated in memory, and collects
every problem it finds; only if there are none does it run the planned writes, in one transaction.
References resolve through registries (code -> instance) that hold the database's records plus
the rows already read, so a row may refer to a record created by the same import. Uniqueness
within a file is checked here, with dicts. The records themselves are checked and written by
their owners' loaders (`andon.<app>.loaders`): the import hands each file's records over as a
batch, takes the problems the owner finds into its own list, located on the file's columns,
and plans the owner's write.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from andon.catalog.models import Item, UnitOfMeasure
from andon.core.errors import Problem
from andon.core.loads import Batch, Load
from andon.partners.models import Customer, Supplier
from andon.people.models import Certification, Skill, Worker
from andon.plant.models import Calendar, Location, Shift, WorkCenter
from andon.transfer.formats import LIST, REF, CellError, FileSpec, parse_cell
from andon.transfer.sources import RawTable

# registry name -> (model, key attribute, how a problem names it)
REGISTRIES: dict[str, tuple[type[models.Model], str, str]] = {
    "units": (UnitOfMeasure, "code", "unit"),
    "shifts": (Shift, "code", "shift"),
    "calendars": (Calendar, "code", "calendar"),
    "work_centers": (WorkCenter, "code", "work center"),
    "skills": (Skill, "code", "skill"),
    "certifications": (Certification, "code", "certification"),
    "items": (Item, "sku", "SKU"),
    "workers": (Worker, "code", "worker"),
    "customers": (Customer, "code", "customer"),
    "suppliers": (Supplier, "code", "supplier"),
    "locations": (Location, "code", "location"),
}


@dataclass
class Row:
    """A data row: its spreadsheet number, typed values of the columns present, and raw text."""

    number: int
    values: dict[str, Any]
    raw: dict[str, str]


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
        }


Step = Callable[[], None]


@dataclass
class Context:
    """Everything one import knows while validating, and the writes it plans."""

    today: dt.date
    problems: list[Problem] = field(default_factory=list)
    registries: dict[str, dict[Any, Any]] = field(default_factory=dict)
    steps: list[tuple[str, Step]] = field(default_factory=list)
    counts: dict[str, Counts] = field(default_factory=dict)

    def registry(self, name: str) -> dict[Any, Any]:
        """Code -> instance for a registry, loaded from the database once, on first use."""
        if name not in self.registries:
            model, key, _ = REGISTRIES[name]
            self.registries[name] = {getattr(o, key): o for o in model._default_manager.all()}
        return self.registries[name]

    def problem(self, spec: FileSpec, row: int | None, column: str, message: str) -> None:
        self.problems.append(Problem(message=message, file=spec.filename, row=row, column=column))

    def resolve(self, spec: FileSpec, row: Row, column: str) -> Any:
        """The instance a reference cell names, or None (with a problem) when nobody has it."""
        code = row.raw.get(column, "")
        if not code:
            return None
        registry = spec.by_name[column].ref
        found = self.registry(registry).get(code)
        if found is None:
            label = REGISTRIES[registry][2]
            self.problem(spec, row.number, column, f"unknown {label} '{code}'")
        return found

    def plan(self, label: str, step: Step) -> None:
        self.steps.append((label, step))

    def adopt(self, spec: FileSpec, load: Load, columns: dict[str, str] | None = None) -> Load:
        """Take the owner's problems, named by field, onto the file's columns; plan its write.

        `columns` names the file's column for fields the file spells otherwise.
        """
        names = {c.attr: c.name for c in spec.columns} | (columns or {})
        for p in load.problems:
            self.problem(spec, p.row, names.get(p.column, p.column), p.message)
        self.plan(spec.name, load.write)
        return load


def parse_rows(table: RawTable, spec: FileSpec, ctx: Context) -> list[Row] | None:
    """Typed rows of a file, or None when its header is unusable (then nothing else is read)."""
    header_ok = True
    seen: set[str] = set()
    for position, name in enumerate(table.header, start=1):
        if not name:
            if any(len(cells) >= position and cells[position - 1] for _, cells in table.rows):
                ctx.problem(spec, 1, f"#{position}", "a column without a name holds values")
                header_ok = False
            continue
        if name not in spec.by_name:
            ctx.problem(spec, 1, name, f"unknown column; known columns: {', '.join(spec.header)}")
            header_ok = False
        elif name in seen:
            ctx.problem(spec, 1, name, "the column is given twice")
            header_ok = False
        seen.add(name)
    for column in spec.columns:
        if column.required and column.name not in seen:
            ctx.problem(spec, 1, column.name, "missing required column")
            header_ok = False
    if not header_ok:
        return None
    positions = [(i, spec.by_name[n]) for i, n in enumerate(table.header) if n in spec.by_name]
    rows = []
    for number, cells in table.rows:
        if len(cells) > len(table.header) and any(cells[len(table.header) :]):
            ctx.problem(spec, number, "", "the row has more cells than the header has columns")
        raw: dict[str, str] = {}
        values: dict[str, Any] = {}
        for index, column in positions:
            text = cells[index] if index < len(cells) else ""
            raw[column.name] = text
            if not text:
                values[column.name] = None
                if column.required:
                    ctx.problem(spec, number, column.name, "a value is required")
                continue
            try:
                values[column.name] = parse_cell(column, text)
            except CellError as exc:
                values[column.name] = None
                raw[column.name] = ""
                ctx.problem(spec, number, column.name, str(exc))
        rows.append(Row(number=number, values=values, raw=raw))
    return rows


def field_default(model: type[models.Model], attr: str) -> Any:
    """What a blank cell means for a field: its default, else null, else empty text."""
    f = model._meta.get_field(attr)
    if not isinstance(f, models.Field):
        return None
    if f.has_default():
        return f.get_default()
    return None if f.null else ""


def clean(spec: FileSpec, row: Row, instance: models.Model, ctx: Context) -> None:
    """The model's own validation (field validators and `clean`), located on the file's columns.

    For the lots the stock file names, which the import registers with the ledger itself;
    every other record is checked by its owner's loader. Foreign keys are resolved by the
    registries, and uniqueness is checked across the file with dicts, so neither runs its
    per-row query here.
    """
    exclude = [f.name for f in instance._meta.get_fields() if f.is_relation]
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        columns = {c.attr: c.name for c in spec.columns}
        if hasattr(exc, "error_dict"):
            for name, messages in exc.message_dict.items():
                column = "" if name == "__all__" else columns.get(name, name)
                for message in messages:
                    ctx.problem(spec, row.number, column, message)
        else:
            for message in exc.messages:
                ctx.problem(spec, row.number, "", message)


def snapshot(instance: models.Model, attrs: Iterable[str]) -> list[Any]:
    values = []
    for attr in attrs:
        f = instance._meta.get_field(attr)
        values.append(getattr(instance, f.attname if f.is_relation else attr))  # type: ignore[union-attr]
    return values


@dataclass
class Upsert:
    """The outcome of matching an upsert file: the batch for the owner, and each row's record."""

    batch: Batch[Any] = field(default_factory=Batch)
    rows: list[tuple[Row, Any]] = field(default_factory=list)

    @property
    def creates(self) -> list[Any]:
        return self.batch.creates

    @property
    def updates(self) -> list[Any]:
        return self.batch.updates

    @property
    def fields(self) -> list[str]:
        return self.batch.fields


def upsert(
    spec: FileSpec,
    rows: list[Row],
    ctx: Context,
    model: type[models.Model],
    existing: dict[Any, Any],
    register: str = "",
) -> Upsert:
    """Match each row to an existing record by the file's key, else a new one; set its columns.

    A new record is registered before any reference is resolved, so rows may refer to rows of
    the same file (a location inside another). A duplicate key is a problem on its second row.
    The records are checked by their owner's loader, which sees the whole batch.
    """
    plan = Upsert()
    key_rows: dict[Any, int] = {}
    matched: list[tuple[Row, Any, bool]] = []
    for row in rows:
        parts = []
        for name in spec.key:
            column = spec.by_name[name]
            parts.append(row.raw.get(name) if column.kind == REF else row.values.get(name))
        if any(p in (None, "") for p in parts):
            continue
        key = parts[0] if len(parts) == 1 else tuple(parts)
        if key in key_rows:
            shown = " / ".join(str(p) for p in parts)
            ctx.problem(
                spec, row.number, spec.key[-1], f"duplicate {shown} (also on row {key_rows[key]})"
            )
            continue
        key_rows[key] = row.number
        instance = existing.get(key)
        is_new = instance is None
        if is_new:
            instance = model()
            for name in spec.key:
                if spec.by_name[name].kind != REF:
                    setattr(instance, spec.by_name[name].attr, row.values[name])
            if register:
                ctx.registry(register)[key] = instance
        matched.append((row, instance, is_new))

    present = rows[0].raw if rows else {}
    attrs = [c.attr for c in spec.columns if c.kind != LIST and c.name in present]
    plan.batch.fields = [a for a in attrs if a not in {spec.by_name[k].attr for k in spec.key}]
    plan.batch.fields = plan.batch.fields or attrs
    counts = ctx.counts.setdefault(spec.name, Counts())
    for row, instance, is_new in matched:
        before = None if is_new else snapshot(instance, attrs)
        for column in spec.columns:
            if column.kind == LIST or column.name not in row.raw:
                continue
            if column.kind == REF:
                value = ctx.resolve(spec, row, column.name)
                if value is None and row.raw[column.name]:
                    continue
            else:
                value = row.values[column.name]
                if value is None:
                    if is_new:
                        continue
                    value = field_default(model, column.attr)
            setattr(instance, column.attr, value)
        plan.rows.append((row, instance))
        plan.batch.rows[id(instance)] = row.number
        if is_new:
            plan.batch.creates.append(instance)
            counts.created += 1
        elif snapshot(instance, attrs) != before:
            plan.batch.updates.append(instance)
            counts.updated += 1
        else:
            counts.unchanged += 1
    return plan
