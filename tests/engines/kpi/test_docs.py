"""docs/kpis.md and the engine agree: every bold figure of the Press 1 tables is what it computes."""

import re
from pathlib import Path

import pytest

from andon.engines.kpi import Kpi, Period, compute
from tests.engines.kpi.conftest import MINUTE, OFFSET, shift_data

DOCS = Path(__file__).resolve().parents[3] / "docs" / "kpis.md"

# Row label in the docs -> KPI, and the unit the docs show it in.
ROWS = {
    "Availability (A)": (Kpi.AVAILABILITY, 1),
    "Effectiveness (E)": (Kpi.EFFECTIVENESS, 1),
    "Quality ratio (QR)": (Kpi.QUALITY_RATIO, 1),
    "OEE index": (Kpi.OEE_INDEX, 1),
    "NEE (net equipment effectiveness)": (Kpi.NEE, 1),
    "Technical efficiency (TE)": (Kpi.TECHNICAL_EFFICIENCY, 1),
    "Utilisation efficiency (UE)": (Kpi.UTILISATION_EFFICIENCY, 1),
    "Allocation efficiency (AE)": (Kpi.ALLOCATION_EFFICIENCY, 1),
    "Setup rate (SeR)": (Kpi.SETUP_RATE, 1),
    "Throughput rate (Th)": (Kpi.THROUGHPUT_RATE, 1),
    "Worker efficiency (WE)": (Kpi.WORKER_EFFICIENCY, 1),
    "Scrap ratio (SR)": (Kpi.SCRAP_RATIO, 1),
    "Rework ratio (RR)": (Kpi.REWORK_RATIO, 1),
    "First pass yield (FPY)": (Kpi.FIRST_PASS_YIELD, 1),
    "MTBF": (Kpi.MTBF, MINUTE),
    "MTTR": (Kpi.MTTR, MINUTE),
    "OEE availability": (Kpi.OEE_AVAILABILITY, 1),
    "OEE performance": (Kpi.OEE_PERFORMANCE, 1),
    "OEE quality": (Kpi.OEE_QUALITY, 1),
    "OEE": (Kpi.OEE, 1),
    "1. breakdowns": (Kpi.LOSS_BREAKDOWNS, MINUTE),
    "2. setup and adjustments": (Kpi.LOSS_SETUP, MINUTE),
    "3. small stops": (Kpi.LOSS_SMALL_STOPS, MINUTE),
    "4. reduced speed": (Kpi.LOSS_REDUCED_SPEED, MINUTE),
    "5. startup rejects": (Kpi.LOSS_STARTUP_REJECTS, MINUTE),
    "6. production rejects": (Kpi.LOSS_PRODUCTION_REJECTS, MINUTE),
}


def documented() -> dict[str, float]:
    """Label -> the first bold number in the row's last cell, for the Press 1 tables."""
    text = (
        DOCS.read_text().split("## The worked example: Press 1", 1)[1].split("## Splitting", 1)[0]
    )
    found = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        bold = re.search(r"\*\*([\d.,]+)", cells[-1]) if len(cells) > 2 else None
        if bold and cells[0] in ROWS:
            found[cells[0]] = float(bold.group(1).replace(",", ""))
    return found


def test_every_press_1_figure_in_the_docs_is_what_the_engine_computes() -> None:
    figures = documented()
    assert set(figures) == set(ROWS)
    table = compute(shift_data(), (), Period.DAY, OFFSET).table
    for label, number in figures.items():
        kpi, unit = ROWS[label]
        decimals = len(str(number).split(".")[1]) if "." in str(number) else 0
        computed = table.value(kpi, 0).value
        assert computed is not None, label
        assert round(computed / unit, decimals) == pytest.approx(number), label
