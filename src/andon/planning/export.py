"""`andon export planned-orders PATH`: the plan in force's planned orders as one CSV file.

For a spreadsheet or an ERP that takes the planned orders over: one row per order, dates in ISO
form, quantities as plain decimals. Read in chunks, so half a million orders stream to disk
without being held in memory.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

from andon.core.errors import ValidationFailed
from andon.planning.models import PlannedOrder
from andon.planning.queries import filter_orders
from andon.planning.services import current_run

COLUMNS = (
    "number",
    "sku",
    "kind",
    "quantity",
    "release_date",
    "due_date",
    "supplier",
    "work_center",
    "firm",
    "firm_reference",
    "exception",
    "converted_ref",
    "plan_version",
)


def export_planned_orders(
    path: Path,
    filters: dict[str, Any] | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the plan in force's planned orders (filtered like the list) to `path`; the count."""
    run = current_run()
    if run is None:
        raise ValidationFailed("There is no published plan to export: run `andon plan` first.")
    rows = (
        filter_orders(run, filters or {})
        .order_by("release_date", "number")
        .values_list(
            "number",
            "item__sku",
            "kind",
            "quantity",
            "release_date",
            "due_date",
            "supplier__code",
            "work_center__code",
            "firm",
            "firm_reference",
            "exception",
            "converted_ref",
        )
    )
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(COLUMNS)
        for (
            n,
            sku,
            kind,
            qty,
            release,
            due,
            supplier,
            center,
            firm,
            ref,
            exc,
            conv,
        ) in rows.iterator(chunk_size=10_000):
            out.writerow(
                (
                    n,
                    sku,
                    kind,
                    f"{qty.normalize():f}",
                    release.isoformat(),
                    due.isoformat(),
                    supplier or "",
                    center or "",
                    "yes" if firm else "no",
                    ref,
                    exc,
                    conv,
                    run.version,
                )
            )
            count += 1
            if progress is not None and count % 10_000 == 0:
                progress(count)
    return count


__all__ = ["COLUMNS", "PlannedOrder", "export_planned_orders"]
