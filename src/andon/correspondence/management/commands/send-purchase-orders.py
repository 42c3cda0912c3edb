"""`andon send-purchase-orders PO-1 PO-2 ...`: email purchase orders to their suppliers in bulk.

`--unsent` sends every open purchase order that has never been emailed. Each order is its own
transaction: one that is refused (no supplier email, nothing open) is reported and the others go.
"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from andon.core.errors import DomainError
from andon.correspondence import services
from andon.correspondence.models import Letter
from andon.orders.models import PurchaseOrder

OPEN = (PurchaseOrder.Status.DRAFT, PurchaseOrder.Status.SENT, PurchaseOrder.Status.CONFIRMED)


class Command(BaseCommand):
    help = "Email purchase orders to their suppliers, each with a PDF and a confirmation link."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("numbers", nargs="*", metavar="NUMBER", help="Purchase order numbers.")
        parser.add_argument(
            "--unsent", action="store_true", help="Every open order never emailed before."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        numbers: list[str] = options["numbers"]
        if options["unsent"]:
            emailed = Letter.objects.exclude(purchase_order=None).values("purchase_order")
            numbers += list(
                PurchaseOrder.objects.filter(status__in=OPEN)
                .exclude(pk__in=emailed)
                .order_by("number")
                .values_list("number", flat=True)
            )
        if not numbers:
            raise CommandError("name purchase order numbers, or use --unsent")
        failed = 0
        for number in numbers:
            order = PurchaseOrder.objects.filter(number=number).first()
            try:
                if order is None:
                    raise DomainError(f"there is no purchase order {number}", code="not_found")
                letter = services.send_purchase_order(None, order)
            except DomainError as exc:
                failed += 1
                self.stderr.write(f"{number}: {exc.detail}")
                continue
            letter.refresh_from_db()
            self.stdout.write(
                f"{number}: {letter.get_state_display().lower()} to {letter.recipient}"
            )
        if failed:
            raise CommandError(f"{failed} of {len(numbers)} purchase order(s) not sent")
