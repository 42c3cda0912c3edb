"""Reason codes offered as big buttons on the terminal.

The events API takes any reason code of up to 40 characters; the terminal offers a short fixed
list so that operators wearing gloves tap instead of typing, and so that KPIs group on a few
stable codes. Downtime reasons carry their class (planned or unplanned), which the event sends
as `downtime_class` and availability losses are split on.
"""

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Reason:
    code: str
    label: str
    downtime_class: str = ""


PAUSE = (
    Reason("BREAK", "Break"),
    Reason("MATERIAL", "Waiting for material"),
    Reason("INSPECTION", "Waiting for inspection"),
    Reason("TOOLING", "Waiting for tooling"),
    Reason("OTHER-JOB", "Called to other work"),
    Reason("OTHER", "Other"),
)

SCRAP = (
    Reason("DIMENSION", "Out of tolerance"),
    Reason("SURFACE", "Surface defect"),
    Reason("MATERIAL-DEFECT", "Material defect"),
    Reason("SETUP-PIECE", "Setup piece"),
    Reason("HANDLING", "Damaged in handling"),
    Reason("OTHER", "Other"),
)

DOWNTIME = (
    Reason("BREAKDOWN", "Machine breakdown", "unplanned"),
    Reason("TOOL-BREAK", "Tool broken", "unplanned"),
    Reason("NO-OPERATOR", "No operator", "unplanned"),
    Reason("NO-MATERIAL", "No material", "unplanned"),
    Reason("QUALITY-STOP", "Quality stop", "unplanned"),
    Reason("UTILITIES", "Air, power or coolant", "unplanned"),
    Reason("PLANNED-MAINT", "Planned maintenance", "planned"),
    Reason("CLEANING", "Cleaning", "planned"),
    Reason("MEETING", "Meeting or training", "planned"),
    Reason("NO-ORDERS", "No orders", "planned"),
)


def as_json() -> dict[str, list[dict[str, Any]]]:
    """The lists as the page's script reads them."""
    return {
        "pause": [asdict(r) for r in PAUSE],
        "scrap": [asdict(r) for r in SCRAP],
        "downtime": [asdict(r) for r in DOWNTIME],
    }
