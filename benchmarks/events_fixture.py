"""The database side of `andon bench events`: build the plant before the run, read the ledger after.

Run in its own process with the benchmark's `ANDON_HOME` / `ANDON_DATABASE_URL` (the `andon bench`
process is already bound to another database):

    python -m benchmarks.events_fixture prepare --size small --orders 200 --seed 1
    python -m benchmarks.events_fixture ledger

`prepare` loads the demo plant, creates and releases work orders through the production services,
books ample stock of every component at the orders' supply location (so that backflush never runs
short during the run) and issues an operator's API token; it prints one JSON object: the token
and the operations events may be sent to. `ledger` prints what the database holds afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from decimal import Decimal
from typing import Any

STOCK_PER_COMPONENT = Decimal("10000000")


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "andon.settings")
    import django

    django.setup()


def prepare(size: str, orders: int, seed: int) -> dict[str, Any]:
    """The plant, released orders and stock; returns the token and the operations to use."""
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from andon.accounts.services import create_token
    from andon.catalog.models import Item, Operation
    from andon.demo import generator
    from andon.demo import services as demo
    from andon.inventory import services as inventory
    from andon.plant.models import Location
    from andon.production import services as production
    from andon.production.models import WorkOrder

    call_command("migrate", interactive=False, verbosity=0)
    plant = generator.generate(size=size, seed=seed, today=timezone.localdate())
    demo.load(plant)
    users = {u.username: u for u in demo.create_users(demo.new_password())}
    operator, supervisor = users["operator"], users["supervisor"]
    warehouse = Location.objects.get(code="WH")
    routed = set(Operation.objects.values_list("item_id", flat=True))
    makes = list(
        Item.objects.filter(procurement=Item.Procurement.MAKE, pk__in=routed).order_by("sku")
    )
    due = timezone.localdate() + dt.timedelta(days=14)
    numbers = []
    for n in range(orders):
        item = makes[n % len(makes)]
        order = production.create_work_order(
            supervisor,
            item=item,
            quantity=1000,
            due_date=due,
            supply_location=warehouse,
            output_location=warehouse,
            number=f"BENCH-{n:05d}",
        )
        production.release(supervisor, order, allow_shortage=True)
        numbers.append(order.number)
    components = {
        m.component
        for o in WorkOrder.objects.filter(number__in=numbers).prefetch_related(
            "materials__component__uom"
        )
        for m in o.materials.all()
    }
    with transaction.atomic():
        for item in sorted(components, key=lambda i: i.sku):
            inventory.receive(
                None,
                item=item,
                location=warehouse,
                quantity=STOCK_PER_COMPONENT,
                lot_code="BENCH" if item.lot_tracked else "",
                reference="bench stock",
            )
    operations = [
        {"work_order": number, "operation": seq, "whole": whole}
        for number, seq, whole in WorkOrder.objects.filter(number__in=numbers)
        .order_by("number", "operations__sequence")
        .values_list("number", "operations__sequence", "item__uom__whole_numbers")
    ]
    token = create_token(operator, "bench events").raw_key
    return {"token": token, "operations": operations, "components": len(components)}


def ledger() -> dict[str, Any]:
    """What the ledger and the derived progress hold, for the checks after a run."""
    from django.db.models import Count

    from andon.production.models import ProductionEvent, WorkOrderOperation
    from benchmarks.events_load import ID_PREFIX

    doubled = (
        ProductionEvent.objects.values("client_id").annotate(n=Count("id")).filter(n__gt=1).count()
    )
    ids = list(
        ProductionEvent.objects.filter(client_id__startswith=ID_PREFIX).values_list(
            "client_id", flat=True
        )
    )
    derived = {
        f"{number}/{seq}": [str(good), str(scrap)]
        for number, seq, good, scrap in WorkOrderOperation.objects.filter(
            work_order__number__startswith="BENCH-"
        ).values_list("work_order__number", "sequence", "good_quantity", "scrap_quantity")
    }
    return {"rows": len(ids), "client_ids": ids, "doubled_ids": doubled, "operations": derived}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.events_fixture")
    sub = parser.add_subparsers(dest="command", required=True)
    prep = sub.add_parser("prepare")
    prep.add_argument("--size", default="small")
    prep.add_argument("--orders", type=int, default=200)
    prep.add_argument("--seed", type=int, default=1)
    sub.add_parser("ledger")
    args = parser.parse_args(argv)
    _setup()
    result = prepare(args.size, args.orders, args.seed) if args.command == "prepare" else ledger()
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
