"""Checks that need the whole problem: unknown references, duplicates, doubtful master data.

Errors stop the run (planning on them would give a wrong plan that looks right); warnings name
data that is planned around and should be fixed. Every message names the item or order, so a
planner can go straight to it.
"""

from __future__ import annotations

from collections import Counter

from andon.engines.mrp.model import MrpProblem, Procurement

MAX_LISTED = 20
"""Beyond this many of one kind of message, the rest are counted, not listed."""


def _listed(messages: list[str], found: list[str], template: str) -> None:
    for value in found[:MAX_LISTED]:
        messages.append(template.format(value))
    if len(found) > MAX_LISTED:
        messages.append(f"... and {len(found) - MAX_LISTED} more like the above")


def check_problem(problem: MrpProblem) -> tuple[list[str], list[str]]:
    """(errors, warnings) for `problem`; cycles are found separately by the level coding."""
    errors: list[str] = []
    warnings: list[str] = []
    known = {i.id for i in problem.items}
    dupes = sorted(k for k, c in Counter(i.id for i in problem.items).items() if c > 1)
    _listed(errors, dupes, "item {} is given more than once")
    unknown_bom = sorted(
        {
            f"{b.parent} <- {b.component}"
            for b in problem.bom_lines
            if b.parent not in known or b.component not in known
        }
    )
    _listed(errors, unknown_bom, "BOM line {} names an unknown item")
    for label, rows in (
        ("sales order", problem.sales_demands),
        ("forecast", problem.forecasts),
        ("scheduled receipt", problem.scheduled_receipts),
        ("firm planned order", problem.firm_planned_orders),
        ("allocation", problem.allocations),
    ):
        bad = sorted(f"{r.id} (item {r.item})" for r in rows if r.item not in known)
        _listed(errors, bad, label + " {} names an unknown item")
        ids = [r.id for r in rows]
        twice = sorted(k for k, c in Counter(ids).items() if c > 1)
        _listed(errors, twice, label + " {} is given more than once")
    parents = {b.parent for b in problem.bom_lines}
    items = sorted(problem.items, key=lambda i: i.id)
    no_bom = [i.id for i in items if i.procurement == Procurement.MAKE and i.id not in parents]
    _listed(warnings, no_bom, "make item {} has no BOM: planned without components")
    bought_bom = [i.id for i in items if i.procurement == Procurement.BUY and i.id in parents]
    _listed(warnings, bought_bom, "buy item {} has a BOM: its components are not planned")
    no_lead = [
        i.id for i in items if i.procurement == Procurement.BUY and i.effective_lead_time == 0
    ]
    _listed(warnings, no_lead, "buy item {} has no lead time and no supplier lead time")
    return errors, warnings
