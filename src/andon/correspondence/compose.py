"""The words of each letter: short, plain, in the partner's terms (their order, their part numbers).

Pure formatting of a letter and its lines; delivery and storage are elsewhere. The purchase order
text takes the confirmation link as a parameter so the stored copy can leave the secret out.
"""

from __future__ import annotations

from decimal import Decimal

from andon.correspondence import config
from andon.correspondence.models import Letter, LetterLine

WITHHELD = "(confirmation link: only the supplier holds it)"


def _n(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _day(value: object) -> str:
    return f"{value:%a %d %b %Y}"


def _signature(letter: Letter) -> list[str]:
    user = letter.created_by
    name = (user.get_full_name() or user.get_username()) if user else ""
    lines = ["", "Kind regards,"]
    if name:
        lines.append(name)
    lines.append(config.plant_name())
    if user is not None and user.email:
        lines.append(user.email)
    return lines


def _line(line: LetterLine) -> str:
    part = f" (your part {line.partner_reference})" if line.partner_reference else ""
    return (
        f"  {line.line}. {line.item_sku} {line.item_name}{part}: "
        f"{_n(line.quantity)} {line.unit} by {_day(line.date)}"
    )


def subject(letter: Letter) -> str:
    plant = config.plant_name()
    number = letter.order_number
    if letter.kind == Letter.Kind.PURCHASE_ORDER:
        return f"Purchase order {number} from {plant}"
    reference = letter.sales_order.customer_reference if letter.sales_order else ""
    yours = f" (your reference {reference})" if reference else ""
    return {
        Letter.Kind.ORDER_CONFIRMATION: f"Order confirmation {number}{yours}",
        Letter.Kind.REVISED_DATE: f"Revised delivery date for order {number}{yours}",
        Letter.Kind.SHIPPED: f"Order {number} has shipped{yours}",
    }.get(Letter.Kind(letter.kind), f"Order {number}")[:250]


def purchase_order_body(letter: Letter, lines: list[LetterLine], link: str, expires: str) -> str:
    order = letter.purchase_order
    assert order is not None
    text = [
        f"Dear {order.supplier.name},",
        "",
        f"Please find our purchase order {order.number} attached. We would like:",
        "",
        *(_line(line) for line in lines),
        "",
        "Please confirm each line, or tell us another date or quantity, here (no account needed;",
        f"the link works once and until {expires}):",
        "",
        f"  {link}",
        "",
        f"Please quote {order.number} on the delivery note and the invoice.",
        *_signature(letter),
    ]
    return "\n".join(text)


def sales_order_body(letter: Letter, lines: list[LetterLine]) -> str:
    order = letter.sales_order
    assert order is not None
    greeting = [f"Dear {order.customer.name},", ""]
    if letter.kind == Letter.Kind.ORDER_CONFIRMATION:
        intro = [f"Thank you for your order. We confirm order {order.number} as follows:", ""]
        body = [_line(line) for line in lines]
    elif letter.kind == Letter.Kind.REVISED_DATE:
        intro = [f"The delivery dates of your order {order.number} have changed:", ""]
        body = [_revised(line) for line in lines]
        body += ["", "We are sorry for any inconvenience this causes."]
    else:
        intro = [f"Your order {order.number} has shipped in full:", ""]
        body = [
            f"  {line.line}. {line.item_sku} {line.item_name}: {_n(line.quantity)} {line.unit}"
            for line in lines
        ]
    return "\n".join([*greeting, *intro, *body, *_signature(letter)])


def _revised(line: LetterLine) -> str:
    text = _line(line)
    if line.previous_date and line.previous_date != line.date:
        way = "later" if line.date > line.previous_date else "earlier"
        days = abs(line.days_moved)
        text += f" (was {_day(line.previous_date)}, {days} day{'s' if days != 1 else ''} {way})"
    return text
