"""`andon export PATH`: write master data and open orders as CSV files or one .xlsx.

`andon export planned-orders PATH` writes the planned orders of the plan in force as one CSV.
"""

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from andon.transfer import services


class Command(BaseCommand):
    help = (
        "Export master data and open orders: PATH ending in .xlsx writes one workbook, "
        "anything else a folder of CSV files (the format `andon import` reads)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "path", type=Path, help="Folder or .xlsx file to write, or `planned-orders`."
        )
        parser.add_argument(
            "target", nargs="?", type=Path, help="With `planned-orders`: the CSV file to write."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        from tqdm import tqdm

        if str(options["path"]) == "planned-orders":
            self._planned_orders(options["target"])
            return
        if options["target"] is not None:
            raise CommandError("Only `andon export planned-orders PATH` takes a second path.")

        show = not options["no_progress"] and sys.stderr.isatty()
        with tqdm(total=0, unit="file", disable=not show, file=sys.stderr, leave=False) as bar:

            def tick(label: str, total: int) -> None:
                bar.total = total
                bar.set_description(label)
                bar.update(1)

            written = services.export_path(options["path"], progress=tick)
        where = options["path"]
        self.stdout.write(self.style.SUCCESS(f"Exported {len(written)} file(s) to {where}."))

    def _planned_orders(self, target: Path | None) -> None:
        from andon.planning.export import export_planned_orders

        if target is None:
            raise CommandError("Say where to write: andon export planned-orders PATH.csv")
        from andon.core.errors import DomainError

        try:
            count = export_planned_orders(target)
        except DomainError as exc:
            raise CommandError(exc.detail) from None
        self.stdout.write(self.style.SUCCESS(f"{count} planned orders written to {target}."))
