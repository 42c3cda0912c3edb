"""Correspondence on the order pages: the orders app's templates load these tags, so the orders
app itself never imports correspondence (it sits below it)."""

from typing import Any

from django import template

from andon.accounts.roles import can
from andon.correspondence import queries
from andon.correspondence.models import Letter

register = template.Library()
CHANGE = "orders.change"
HISTORY = 10


def _common(context: template.Context, order: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "order": order,
        "csrf_token": context.get("csrf_token"),
        "may_send": can(user, CHANGE) and order.status not in ("cancelled", "received"),
        "path": request.get_full_path() if request else "",
    }


@register.inclusion_tag("correspondence/_send_purchase_order.html", takes_context=True)
def send_purchase_order_button(context: template.Context, order: Any) -> dict[str, Any]:
    result = _common(context, order)
    result["sent_before"] = Letter.objects.filter(purchase_order=order).exists()
    result["email"] = order.supplier.email
    return result


@register.inclusion_tag("correspondence/_purchase_order.html", takes_context=True)
def purchase_order_correspondence(context: template.Context, order: Any) -> dict[str, Any]:
    """The supplier's answer beside what was asked, and the letters sent about the order."""
    result = _common(context, order)
    confirmation = queries.latest_confirmation(order.pk)
    result["confirmation"] = confirmation
    result["lines"] = list(confirmation.letter.lines.all()) if confirmation else []
    expected = {line.line: line for line in order.lines.all()}
    result["rows"] = [(line, expected.get(line.line)) for line in result["lines"]]
    result["letters"] = list(queries.letters().filter(purchase_order=order)[:HISTORY])
    return result


@register.inclusion_tag("correspondence/_send_order_confirmation.html", takes_context=True)
def send_order_confirmation_button(context: template.Context, order: Any) -> dict[str, Any]:
    result = _common(context, order)
    result["may_send"] = result["may_send"] and order.status == "open"
    result["sent_before"] = Letter.objects.filter(
        sales_order=order, kind=Letter.Kind.ORDER_CONFIRMATION
    ).exists()
    result["email"] = order.customer.email
    return result


@register.inclusion_tag("correspondence/_sales_order.html", takes_context=True)
def sales_order_correspondence(context: template.Context, order: Any) -> dict[str, Any]:
    """What the customer was last told per line, and the letters sent about the order."""
    from andon.correspondence.promises import promised_dates
    from andon.correspondence.services import last_told

    result = _common(context, order)
    told = last_told(order)
    lines = list(order.lines.all())
    promised = promised_dates(ln for ln in lines if ln.open_quantity > 0)
    result["rows"] = [(line, told.get(line.pk), promised.get(line.pk)) for line in lines]
    result["told"] = bool(told)
    result["letters"] = list(queries.letters().filter(sales_order=order)[:HISTORY])
    return result
