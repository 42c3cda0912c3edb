"""`andon export PATH`: write master data and open orders as CSV files or one .xlsx."""

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from andon.transfer import services


class Command(BaseCommand):
    help = (
        "Export master data and open orders: PATH ending in .xlsx writes one workbook, "
        "anything else a folder of CSV files (the format `andon import` reads)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path, help="Folder or .xlsx file to write.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        from tqdm import tqdm

        show = not options["no_progress"] and sys.stderr.isatty()
        with tqdm(total=0, unit="file", disable=not show, file=sys.stderr, leave=False) as bar:

            def tick(label: str, total: int) -> None:
                bar.total = total
                bar.set_description(label)
                bar.update(1)

            written = services.export_path(options["path"], progress=tick)
        where = options["path"]
        self.stdout.write(self.style.SUCCESS(f"Exported {len(written)} file(s) to {where}."))
