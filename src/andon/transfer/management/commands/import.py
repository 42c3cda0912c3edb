"""`andon import PATH`: load master data and open orders from a folder of CSVs or an .xlsx."""

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from andon.core.errors import ValidationFailed
from andon.transfer import services


class Command(BaseCommand):
    help = (
        "Import a folder of CSV files, one .csv, a .zip of CSVs or an .xlsx workbook "
        "(see docs/import-format.md). All or nothing: any problem rejects the whole import."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path, help="Folder, .csv, .zip or .xlsx to import.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        from tqdm import tqdm

        show = not options["no_progress"] and sys.stderr.isatty()
        bar = tqdm(total=0, unit="step", disable=not show, file=sys.stderr, leave=False)

        def tick(label: str, total: int) -> None:
            bar.total = total
            bar.set_description(label)
            bar.update(1)

        try:
            result = services.import_path(None, options["path"], progress=tick)
        except ValidationFailed as exc:
            bar.close()
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(exc.detail) from None
        finally:
            bar.close()
        for name, counts in result.counts.items():
            self.stdout.write(
                f"{name}: {counts['created']} created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged, {counts['deleted']} removed"
            )
        self.stdout.write(self.style.SUCCESS("Import done."))
