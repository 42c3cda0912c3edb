"""The state of one work center as the terminal's script displays it, as plain JSON data.

Read-only and in a fixed number of queries: the dispatch list, the materials and clock events of
its orders, the machine-level downtime, the workers who can clock on. Quantities go out as
strings so that decimals survive the trip; the page never computes them beyond adding what it
still has waiting to send.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone

from andon.people.models import Worker
from andon.plant.models import WorkCenter
from andon.production import reasons, timeline
from andon.production.models import ProductionEvent, WorkOrderMaterial, WorkOrderOperation
from andon.production.terminal.dispatch import dispatch_list

# Workers offered as buttons for clocking on; a bigger crew scans badges.
WORKER_LIMIT = 200
# Whether the machine is down depends on its last few downtime events, not on its whole history.
RECENT_MACHINE_EVENTS = 20


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _clocked_on(ops: list[WorkOrderOperation]) -> dict[int, list[str]]:
    """Workers clocked on per operation: clock_on without a later clock_off, by timestamp."""
    rows = (
        ProductionEvent.objects.filter(operation__in=ops, kind__in=("clock_on", "clock_off"))
        .select_related("worker")
        .order_by("at", "id")
    )
    on: dict[int, dict[str, None]] = defaultdict(dict)
    for event in rows:
        if event.worker is None or event.operation_id is None:
            continue
        if event.kind == "clock_on":
            on[event.operation_id][event.worker.code] = None
        else:
            on[event.operation_id].pop(event.worker.code, None)
    return {op_id: list(codes) for op_id, codes in on.items()}


def _materials(ops: list[WorkOrderOperation]) -> dict[int, list[WorkOrderMaterial]]:
    rows = WorkOrderMaterial.objects.filter(
        work_order__in={op.work_order_id for op in ops}
    ).select_related("component__uom")
    by_order: dict[int, list[WorkOrderMaterial]] = defaultdict(list)
    for material in rows:
        by_order[material.work_order_id].append(material)
    return by_order


def machine_down(center: WorkCenter) -> dict[str, Any]:
    """Whether a downtime without an order is open on the work center, and why."""
    events = ProductionEvent.objects.filter(
        work_center=center,
        operation__isnull=True,
        kind__in=("downtime_start", "downtime_end"),
    ).order_by("-at", "-id")[:RECENT_MACHINE_EVENTS]
    facts = [timeline.Fact(kind=e.kind, at=e.at, seq=e.pk, reason=e.reason) for e in events]
    down, reason, since = timeline.work_center_down(facts)
    return {"down": down, "reason": reason, "since": _iso(since) if down else None}


def _operation(
    op: WorkOrderOperation,
    materials: list[WorkOrderMaterial],
    clocked: list[str],
    first_sequence: int | None,
    today: dt.date,
) -> dict[str, Any]:
    order = op.work_order
    routing = op.routing_operation
    here = [
        m
        for m in materials
        if m.operation_sequence == op.sequence
        or (m.operation_sequence is None and op.sequence == first_sequence)
    ]
    return {
        "key": f"{order.number}/{op.sequence}",
        "work_order": order.number,
        "sequence": op.sequence,
        "name": op.name or (routing.name if routing else ""),
        "item": order.item.sku,
        "item_name": order.item.name,
        "uom": order.item.uom.code,
        "whole": order.item.uom.whole_numbers,
        "quantity": _number(order.quantity),
        "due_date": order.due_date.isoformat(),
        "late": order.due_date < today,
        "status": op.status,
        "started": op.actual_start is not None,
        "good": _number(op.good_quantity),
        "scrap": _number(op.scrap_quantity),
        "reason": op.state_reason,
        "since": _iso(op.state_since),
        "instructions": routing.instructions if routing else "",
        "documents": [
            {
                "title": d.title,
                "kind": d.get_kind_display(),
                "url": reverse("catalog:document-file", args=[d.pk]),
            }
            for d in (routing.documents.all() if routing else [])
        ],
        "materials": [
            {
                "sku": m.component.sku,
                "name": m.component.name,
                "uom": m.component.uom.code,
                "required": _number(m.required_quantity),
                "issued": _number(m.issued_quantity),
            }
            for m in here
        ],
        "clocked_on": clocked,
    }


def _first_sequences(ops: list[WorkOrderOperation]) -> dict[int, int]:
    rows = WorkOrderOperation.objects.filter(
        work_order__in={op.work_order_id for op in ops}
    ).values_list("work_order_id", "sequence")
    first: dict[int, int] = {}
    for order_id, sequence in rows:
        first[order_id] = min(sequence, first.get(order_id, sequence))
    return first


def center_state(center: WorkCenter) -> dict[str, Any]:
    """Everything the terminal of `center` shows, ready for `JsonResponse`."""
    ops = dispatch_list(center)
    materials = _materials(ops)
    clocked = _clocked_on(ops)
    first = _first_sequences(ops)
    today = timezone.localdate()
    workers = Worker.objects.filter(active=True).order_by("code")[:WORKER_LIMIT]
    return {
        "generated_at": timezone.now().isoformat(),
        "work_center": {"code": center.code, "name": center.name, "line": center.line},
        "machine": machine_down(center),
        "operations": [
            _operation(
                op,
                materials.get(op.work_order_id, []),
                clocked.get(op.pk, []),
                first.get(op.work_order_id),
                today,
            )
            for op in ops
        ],
        "workers": [{"code": w.code, "name": w.name, "badge": w.badge} for w in workers],
        "reasons": reasons.for_terminal(),
    }
