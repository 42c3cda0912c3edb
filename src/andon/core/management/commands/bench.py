"""`andon bench NAME ...`: run one of the benchmarks in the `benchmarks` package."""

import importlib
import pkgutil
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError


def _benchmarks() -> dict[str, Any]:
    import benchmarks

    found = {}
    for info in pkgutil.iter_modules(benchmarks.__path__):
        if info.name.startswith("_") or info.name in {"report", "common"}:
            continue
        module = importlib.import_module(f"benchmarks.{info.name}")
        if hasattr(module, "run"):
            found[info.name] = module
    return found


class Command(BaseCommand):
    help = "Run a benchmark and print its figures (a table, or JSON lines with --json)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        subparsers = parser.add_subparsers(dest="benchmark", metavar="NAME")
        subparsers.required = True
        for name, module in sorted(_benchmarks().items()):
            # Module kpi_dashboards is the command `andon bench kpi-dashboards` (either spelling).
            command = name.replace("_", "-")
            aliases = [name] if command != name else []
            sub = subparsers.add_parser(command, aliases=aliases, help=getattr(module, "HELP", ""))
            sub.add_argument("--json", action="store_true", help="One JSON object per line.")
            module.add_arguments(sub)

    def handle(self, *args: Any, **options: Any) -> None:
        from benchmarks.report import emit

        module = _benchmarks().get(options["benchmark"].replace("-", "_"))
        if module is None:
            raise CommandError(f"no benchmark named {options['benchmark']!r}")
        rows = module.run(options, progress=not options["json"] and sys.stderr.isatty())
        emit(rows, self.stdout, options["json"])
