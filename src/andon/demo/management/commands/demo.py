"""`andon demo`: a complete fictitious plant to explore, with users for every role, served.

A first-time user runs one command and logs in. The command never writes into a database that
already holds data unless told to erase it (`--reset`): a demo must not mix into a real plant.
"""

import sys
import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from andon.accounts.roles import ADMIN, ROLES
from andon.core.management.commands.serve import url_for
from andon.demo import generator, services
from andon.demo.spec import SIZES


def _bar(label: str, total: int) -> tqdm:
    # disable=None: bars on a terminal only, so logs and tests stay clean.
    return tqdm(
        total=total,
        desc=f"{label:<18}",
        unit=" rows",
        file=sys.stderr,
        disable=None,
        dynamic_ncols=True,
    )


class Command(BaseCommand):
    help = "Load a demo plant (items, BOMs, routings, crew, orders, stock) and serve it."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--size",
            choices=list(SIZES),
            default="small",
            help="small (default, ~150 items), medium (~2,000), "
            "large (~20,000 items, 10 BOM levels, for benchmarks).",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Same seed, same plant (default 1)."
        )
        parser.add_argument(
            "--reset", action="store_true", help="Erase everything in the database first."
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="Load the demo and exit instead of serving it."
        )
        parser.add_argument("--addr", default="127.0.0.1", help="Address to serve on.")
        parser.add_argument("--port", type=int, default=8000, help="Port to serve on.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        existing = services.existing_data()
        if existing and not options["reset"]:
            held = ", ".join(f"{count} {name}" for name, count in existing.items())
            raise CommandError(
                f"The database {settings.DATABASES['default']['NAME']} already holds data "
                f"({held}); the demo will not mix into it. Run `andon demo --reset` to erase it "
                "and load the demo, or set ANDON_HOME or ANDON_DATABASE_URL to another database."
            )
        if existing:
            call_command("flush", interactive=False, verbosity=0)

        bar = tqdm(
            total=len(generator.PHASES),
            desc=f"{'Generating':<18}",
            unit=" phases",
            file=sys.stderr,
            disable=None,
        )
        begun: list[str] = []

        def on_phase(name: str) -> None:
            if begun:
                bar.update(1)
            begun.append(name)
            bar.set_postfix_str(name)

        plant = generator.generate(
            size=options["size"],
            seed=options["seed"],
            today=timezone.localdate(),
            on_phase=on_phase,
        )
        bar.update(1)
        bar.close()
        services.load(plant, progress=_bar)
        password = services.new_password()
        services.create_users(password)
        elapsed = time.perf_counter() - started

        counts = plant.counts()
        url = url_for(options["addr"], options["port"])
        others = ", ".join(role for role in ROLES if role != ADMIN)
        self.stdout.write(
            f"\n{plant.company}: demo plant loaded ({options['size']}, seed {options['seed']}, "
            f"{elapsed:.1f} s): {counts['items']} items, {counts['bom_lines']} BOM lines, "
            f"{counts['work_centers']} work centers, {counts['workers']} workers, "
            f"{counts['sales_orders']} open sales orders.\n"
        )
        self.stdout.write(
            self.style.SUCCESS(
                "\n"
                f"    URL:       {url}\n"
                f"    Username:  {ADMIN}\n"
                f"    Password:  {password}\n"
                "\n"
                f"    One user per role with the same password: {others}.\n"
            )
        )
        if options["no_serve"]:
            self.stdout.write("Serve it later with: andon serve\n")
            return
        call_command("serve", addr=options["addr"], port=options["port"])
