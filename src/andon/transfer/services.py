"""Import and export of master data and open transactions: the use cases every interface calls.

An import is one use case and one transaction. It reads every file, validates every row (types,
the models' own rules, references, uniqueness and cycles across rows and files) and writes only
when nothing at all is wrong; otherwise it raises `ValidationFailed` with code `import_rejected`
listing every problem by file, row and column, and the database is untouched. Writes are bulk
inserts and updates in dependency order, audited as one entry with the counts; master data is
checked and written by the loaders of the contexts that own it (`andon.<app>.loaders`).
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from andon.core import audit
from andon.core.errors import Problem, ValidationFailed
from andon.transfer import exporting, masters, structures, transactions
from andon.transfer.formats import FileSpec
from andon.transfer.loading import Context, Row, parse_rows
from andon.transfer.sources import (
    RawTable,
    read_path,
    read_uploads,
    write_folder,
    xlsx_bytes,
    zip_bytes,
)
from andon.transfer.specs import BY_NAME, LOAD_ORDER

# Called with (what was just done, how many steps the whole job has) for a progress bar.
Progress = Callable[[str, int], None]
Loader = Callable[[FileSpec, list[Row], Context, Any], None]


def _loaders() -> dict[str, Loader]:
    simple: Loader = lambda spec, rows, ctx, user: masters.load_simple(spec, rows, ctx)  # noqa: E731
    return {
        **dict.fromkeys(masters.SIMPLE, simple),
        "calendars": lambda s, r, c, u: masters.load_calendars(s, r, c),
        "workers": lambda s, r, c, u: masters.load_workers(s, r, c),
        "supplier_items": lambda s, r, c, u: masters.load_supplier_items(s, r, c),
        "locations": lambda s, r, c, u: masters.load_locations(s, r, c),
        "bom": lambda s, r, c, u: structures.load_bom(s, r, c),
        "routings": lambda s, r, c, u: structures.load_routings(s, r, c),
        "stock": transactions.load_stock,
        "sales_orders": lambda s, r, c, u: transactions.load_orders(s, r, c, transactions.SALES),
        "purchase_orders": lambda s, r, c, u: transactions.load_orders(
            s, r, c, transactions.PURCHASE
        ),
        "forecasts": lambda s, r, c, u: transactions.load_forecasts(s, r, c),
    }


@dataclass
class ImportResult:
    """What an accepted import did, per file: created, updated, unchanged and deleted rows."""

    counts: dict[str, dict[str, int]]
    label: str

    def summary(self) -> str:
        parts = [
            f"{name}: {c['created']} new, {c['updated']} changed"
            + (f", {c['deleted']} removed" if c["deleted"] else "")
            for name, c in self.counts.items()
        ]
        return "; ".join(parts)


def _rejected(problems: list[Problem]) -> ValidationFailed:
    # Files in load order (as found), rows in file order: the list reads like the files do.
    first_seen: dict[str, int] = {}
    for problem in problems:
        first_seen.setdefault(problem.file, len(first_seen))
    problems = sorted(problems, key=lambda p: (first_seen[p.file], p.row or 0))
    count = len(problems)
    noun = "problem" if count == 1 else "problems"
    return ValidationFailed(
        f"The import was rejected with {count} {noun}; nothing was written.",
        problems,
        code="import_rejected",
    )


def import_tables(
    user: Any,
    tables: list[RawTable],
    label: str,
    read_problems: Iterable[Problem] = (),
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> ImportResult:
    """Validate every table, then write them all in one transaction, or raise `import_rejected`.

    `progress` is called after each file is validated and after each is written.
    """
    ctx = Context(today=today or timezone.localdate(), problems=list(read_problems))
    loaders = _loaders()
    ordered = sorted(tables, key=lambda t: LOAD_ORDER[t.name])
    # Checks and writes share one transaction: the records read for validation are the rows
    # updated, and a rejection leaves no trace at all (not even a half-created lot).
    with transaction.atomic():
        for table in ordered:
            spec = BY_NAME[table.name]
            rows = parse_rows(table, spec, ctx)
            if rows is not None:
                loaders[spec.name](spec, rows, ctx, user)
            if progress is not None:
                progress(f"checking {spec.filename}", 2 * len(ordered))
        if ctx.problems:
            raise _rejected(ctx.problems)
        for name, step in ctx.steps:
            step()
            if progress is not None:
                progress(f"writing {name}", 2 * len(ordered))
        counts = {t.name: ctx.counts[t.name].as_dict() for t in ordered if t.name in ctx.counts}
        flat = {f"{name}.{k}": v for name, c in counts.items() for k, v in c.items() if v}
        audit.record_import(user, label, flat)
    return ImportResult(counts=counts, label=label)


def import_path(user: Any, path: Path, progress: Progress | None = None) -> ImportResult:
    """`andon import PATH`: a folder of CSV files, one .csv, a .zip or an .xlsx workbook."""
    read = read_path(path)
    return import_tables(user, read.tables, f"import {path.name}", read.problems, progress)


def import_uploads(user: Any, files: Iterable[tuple[str, bytes]]) -> ImportResult:
    """An upload from the page or the API: one .xlsx, one .zip, or several .csv files."""
    files = list(files)
    read = read_uploads(files)
    label = "upload " + ", ".join(name for name, _ in files)[:150]
    return import_tables(user, read.tables, label, read.problems)


def export_path(path: Path, progress: Progress | None = None) -> list[Path]:
    """`andon export PATH`: an .xlsx workbook when PATH ends in .xlsx, else a folder of CSVs."""
    tables = exporting.export_tables(
        None if progress is None else lambda name: progress(name, len(BY_NAME))
    )
    if path.suffix.lower() == ".xlsx":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(xlsx_bytes(tables))
        return [path]
    return write_folder(path, tables)


def export_bytes(fmt: str) -> tuple[bytes, str, str]:
    """An export to download: (content, file name, content type) for `xlsx` or `zip`."""
    tables = exporting.export_tables()
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return xlsx_bytes(tables), f"andon-export-{stamp}.xlsx", content_type
    if fmt == "zip":
        return zip_bytes(tables), f"andon-export-{stamp}.zip", "application/zip"
    raise ValidationFailed(
        f"Unknown export format '{fmt}'; use xlsx or zip.",
        [Problem(message="use xlsx or zip", column="format")],
        code="invalid_format",
    )
