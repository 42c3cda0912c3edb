"""Show a KPI as a percentage, or as "—" with the reason it is undefined, never a wrong number."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from andon.engines.kpi import KpiValue

register = template.Library()


@register.filter
def pct(value: KpiValue | None) -> str:
    if value is None:
        return mark_safe('<span class="muted" title="no data">—</span>')
    if value.value is None:
        return format_html(
            '<span class="muted undefined" title="{}">— <small>{}</small></span>',
            value.reason,
            value.reason,
        )
    return format_html("{}%", f"{value.value * 100:.1f}")


@register.filter
def kpi(row: object, name: str) -> KpiValue | None:
    """`row|kpi:"oee"`: the KPI of a services.Row, or None when the row is missing."""
    values = getattr(row, "values", None)
    return None if values is None else values.get(name)


@register.filter
def hours(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f} h"
