"""Reason codes: the master data behind the terminal's reason buttons and the downtime Pareto.

Writes go through here like every service (validated, audited). Readers ask for what they need:
the terminal the active codes by kind, the events the class of a downtime reason, the KPI pages a
label for a code.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from andon.core import services
from andon.core.records import field_values
from andon.production.models import ReasonCode

FIELDS = ("kind", "code", "label", "downtime_class", "loss", "sequence", "active")
# A new plant's list (migration 0002 holds the same as it was then): kind, code, label, class, loss.
STARTING_CODES = [
    ("pause", "BREAK", "Break", "", ""),
    ("pause", "MATERIAL", "Waiting for material", "", "minor_stop"),
    ("pause", "INSPECTION", "Waiting for inspection", "", "minor_stop"),
    ("pause", "TOOLING", "Waiting for tooling", "", "setup_adjustment"),
    ("pause", "OTHER-JOB", "Called to other work", "", "minor_stop"),
    ("pause", "OTHER", "Other", "", "minor_stop"),
    ("scrap", "DIMENSION", "Out of tolerance", "", "process_defect"),
    ("scrap", "SURFACE", "Surface defect", "", "process_defect"),
    ("scrap", "MATERIAL-DEFECT", "Material defect", "", "process_defect"),
    ("scrap", "SETUP-PIECE", "Setup piece", "", "startup_reject"),
    ("scrap", "HANDLING", "Damaged in handling", "", "process_defect"),
    ("scrap", "OTHER", "Other", "", "process_defect"),
    ("downtime", "BREAKDOWN", "Machine breakdown", "unplanned", "equipment_failure"),
    ("downtime", "TOOL-BREAK", "Tool broken", "unplanned", "equipment_failure"),
    ("downtime", "NO-OPERATOR", "No operator", "unplanned", "minor_stop"),
    ("downtime", "NO-MATERIAL", "No material", "unplanned", "minor_stop"),
    ("downtime", "QUALITY-STOP", "Quality stop", "unplanned", "equipment_failure"),
    ("downtime", "UTILITIES", "Air, power or coolant", "unplanned", "equipment_failure"),
    ("downtime", "PLANNED-MAINT", "Planned maintenance", "planned", ""),
    ("downtime", "CLEANING", "Cleaning", "planned", ""),
    ("downtime", "MEETING", "Meeting or training", "planned", ""),
    ("downtime", "NO-ORDERS", "No orders", "planned", ""),
]
Kind = ReasonCode.Kind


def create_reason(user: Any, data: Mapping[str, Any]) -> ReasonCode:
    with transaction.atomic():
        return services.create(user, ReasonCode(**field_values(ReasonCode, data, FIELDS)))


def update_reason(user: Any, reason: ReasonCode, data: Mapping[str, Any]) -> ReasonCode:
    with transaction.atomic():
        return services.update(user, reason, field_values(ReasonCode, data, FIELDS))


def delete_reason(user: Any, reason: ReasonCode) -> None:
    """Events keep the code they were sent with: deleting a code only drops its label."""
    with transaction.atomic():
        services.delete(user, reason)


def ensure_starting_codes() -> None:
    """Put back the starting list where missing (a database emptied by `andon demo --reset`)."""
    ReasonCode.objects.bulk_create(
        [
            ReasonCode(kind=k, code=c, label=label, downtime_class=dc, loss=loss, sequence=10 * n)
            for n, (k, c, label, dc, loss) in enumerate(STARTING_CODES, start=1)
        ],
        ignore_conflicts=True,
    )


def for_terminal() -> dict[str, list[dict[str, Any]]]:
    """The active codes by kind, in the order the buttons show them (one query)."""
    found: dict[str, list[dict[str, Any]]] = {kind: [] for kind in Kind.values}
    for reason in ReasonCode.objects.filter(active=True):
        found[reason.kind].append(
            {"code": reason.code, "label": reason.label, "downtime_class": reason.downtime_class}
        )
    return found


def downtime_classes(codes: Iterable[str]) -> dict[str, str]:
    """The class of each of `codes` that is a defined downtime reason."""
    wanted = {c for c in codes if c}
    if not wanted:
        return {}
    rows = ReasonCode.objects.filter(kind=Kind.DOWNTIME, code__in=wanted)
    return dict(rows.values_list("code", "downtime_class"))


def labels(codes: Iterable[str]) -> dict[str, str]:
    """Code -> label for the defined ones among `codes`; others are shown as sent.

    Downtime and pause share a Pareto, so a code is looked up whatever its kind (downtime first).
    """
    rows = ReasonCode.objects.filter(code__in=set(codes)).exclude(kind=Kind.SCRAP)
    found: dict[str, str] = {}
    for code, label in rows.order_by("kind").values_list("code", "label"):
        found.setdefault(code, label)
    return found
