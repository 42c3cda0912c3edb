"""Bulk loads of master data: many records checked by their owner's rules, then written at once.

A context that loads master data in bulk (the import) does not write another context's tables:
it hands the owner a `Batch` of records, new and changed, and the owner's `loaders` module
returns a `Load`. Building the load applies the owner's rules to every record at once (the same
ones a single create or update through its services applies) and lists every problem by the row
it came from; `Load.write` refuses while any problem is open, so a bad batch writes nothing.
Checking when the load is built, not again when it is written, lets a caller collect every
problem of every file before anything is written without paying for the checks twice.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

from andon.core.errors import Problem, ValidationFailed

M = TypeVar("M", bound=models.Model)

# Rows per INSERT or UPDATE statement: large enough to be set-based, small enough for SQLite's
# variable limit on wide tables.
BATCH = 500


@dataclass
class Batch(Generic[M]):
    """Records of one model to write: `creates` are new, `updates` changed in their `fields`.

    `rows` maps a record (by identity) to the input row it came from, so that a problem names
    it; `refused` holds records the caller has already reported (a cell that did not parse):
    they still take part in the checks across records (cycles, duplicates), but their own field
    rules are not reported a second time.
    """

    creates: list[M] = field(default_factory=list)
    updates: list[M] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    rows: dict[int, int] = field(default_factory=dict)
    refused: set[int] = field(default_factory=set)

    def row(self, record: models.Model) -> int | None:
        return self.rows.get(id(record))

    def records(self) -> list[M]:
        """Every record, in the order of the rows they came from."""
        return sorted([*self.creates, *self.updates], key=lambda r: self.rows.get(id(r), 0))


@dataclass
class Load:
    """What the owner found wrong with a batch, and the write to run once nothing is.

    `removed` counts the records the load deletes (lines a replaced BOM or routing drops).
    """

    problems: list[Problem]
    writer: Callable[[], None]
    removed: int = 0

    def write(self) -> None:
        """Write the batch; call inside the caller's transaction, after reading the problems."""
        if self.problems:
            raise rejected(self.problems)
        self.writer()


def rejected(problems: list[Problem]) -> ValidationFailed:
    count = len(problems)
    noun = "problem" if count == 1 else "problems"
    detail = f"The load was refused with {count} {noun}; nothing was written: " + "; ".join(
        str(p) for p in problems[:5]
    )
    return ValidationFailed(detail, problems, code="load_rejected")


def upsert(
    model: type[M],
    batch: Batch[M],
    key: str = "code",
    problems: Sequence[Problem] = (),
    then: Callable[[], None] | None = None,
) -> Load:
    """The usual load of records kept by a code: new codes, the model's rules, then the write.

    For an owner's loader, as `andon.core.services.create` is for its single writes: the owner
    adds `problems` its own further rules found, and `then` writes what hangs off the records
    once they have their keys (a calendar's shifts, a worker's skills).
    """
    found: list[Problem] = []
    unique_codes(batch, model, key, found)
    model_rules(batch, found)
    found.extend(problems)

    def write() -> None:
        model._default_manager.bulk_create(batch.creates, batch_size=BATCH)
        if batch.updates and batch.fields:
            model._default_manager.bulk_update(batch.updates, batch.fields, batch_size=BATCH)
        if then is not None:
            then()

    return Load(found, write)


def model_rules(batch: Batch[Any], problems: list[Problem], skip: Iterable[int] = ()) -> None:
    """The model's own validation of every record (field validators and `clean`), by row.

    Relations are left out (the caller resolved them; a new record may point at another new
    one) and so is uniqueness, which `unique_codes` checks for the whole batch with one query
    instead of one per record.
    """
    skipped = {*batch.refused, *skip}
    relations: dict[type[models.Model], list[str]] = {}
    for record in batch.records():
        if id(record) in skipped:
            continue
        model = type(record)
        if model not in relations:
            relations[model] = [f.name for f in model._meta.get_fields() if f.is_relation]
        exclude = relations[model]
        try:
            record.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            row = batch.row(record)
            if hasattr(exc, "error_dict"):
                for name, messages in exc.message_dict.items():
                    column = "" if name == "__all__" else name
                    problems.extend(Problem(message=m, row=row, column=column) for m in messages)
            else:
                problems.extend(Problem(message=m, row=row) for m in exc.messages)


def unique_codes(
    batch: Batch[Any], model: type[models.Model], key: str, problems: list[Problem]
) -> None:
    """A new record's code must be new: not used twice in the batch, nor by a stored record."""
    first: dict[Any, int | None] = {}
    for record in batch.creates:
        code = getattr(record, key)
        if code in first:
            also = first[code]
            where = f" (also on row {also})" if also is not None else ""
            problems.append(
                Problem(message=f"duplicate {code}{where}", row=batch.row(record), column=key)
            )
        else:
            first[code] = batch.row(record)
    if not first:
        return
    taken: set[Any] = set()
    codes = list(first)
    for chunk in chunks(codes):
        taken.update(
            model._default_manager.filter(**{f"{key}__in": chunk}).values_list(key, flat=True)
        )
    for code in codes:
        if code in taken:
            problems.append(Problem(message=f"{code} exists already", row=first[code], column=key))


def related(record: models.Model, name: str) -> Any:
    """The record a foreign key points at, or None when the caller could not resolve it."""
    descriptor = getattr(type(record), name)
    if descriptor.field.is_cached(record) or getattr(record, descriptor.field.attname) is not None:
        return getattr(record, name)
    return None


def chunks(values: Sequence[Any], size: int = BATCH) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
