"""The work order traveller: the paper that goes with the parts through the shop.

One A4 PDF: the order's header with a QR code of its number, the operations each with a QR code a
terminal can scan (`<order>/<sequence>`, the names the events API uses) and sign-off boxes, the
material list with lot fields to fill in, and a final inspection sign-off.
"""

import io
from decimal import Decimal
from typing import Any

import segno
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from andon.production.models import WorkOrder


def _qr(text: str, size_mm: float) -> Image:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=6, border=1)
    buffer.seek(0)
    return Image(buffer, width=size_mm * mm, height=size_mm * mm)


def _n(value: Decimal) -> str:
    return f"{value.normalize():f}"


GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
)


def traveller_pdf(order: WorkOrder, base_url: str = "") -> bytes:
    """The traveller of one work order as PDF bytes."""
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=14 * mm, rightMargin=14 * mm, topMargin=12 * mm,
        bottomMargin=12 * mm, title=f"Traveller {order.number}",
    )  # fmt: skip
    unit = order.item.uom.code
    header = [
        [Paragraph(f"<b>Work order {order.number}</b>", styles["Title"]), ""],
        [f"Item: {order.item.sku} {order.item.name}", ""],
        [f"Quantity: {_n(order.quantity)} {unit}    Due: {order.due_date:%d %b %Y}", ""],
        [f"Output lot: {order.lot_code}    Status: {order.get_status_display()}", ""],
        [
            f"Components from {order.supply_location.code}, "
            f"finished goods to {order.output_location.code}",
            "",
        ],
    ]
    head = Table(header, colWidths=[150 * mm, 32 * mm])
    head._cellvalues[0][1] = _qr(order.number, 30)
    head.setStyle(TableStyle([("SPAN", (1, 0), (1, -1)), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story: list[Any] = [head, Spacer(1, 5 * mm), Paragraph("<b>Operations</b>", styles["Heading3"])]
    rows: list[list[Any]] = [
        ["Scan", "Op", "Work center", "Setup / run", "Good", "Scrap", "Sign / date"]
    ]
    for op in order.operations.select_related("work_center"):
        rows.append(
            [
                _qr(f"{order.number}/{op.sequence}", 16),
                f"{op.sequence}\n{op.name}"[:40],
                op.work_center.code,
                f"{_n(op.setup_minutes)} min\n{_n(op.run_minutes_per_unit)} min/{unit}",
                "",
                "",
                "",
            ]
        )
    ops = Table(
        rows, colWidths=[20 * mm, 36 * mm, 24 * mm, 28 * mm, 18 * mm, 18 * mm, 38 * mm],
        repeatRows=1,
    )  # fmt: skip
    ops.setStyle(GRID)
    story += [ops, Spacer(1, 5 * mm), Paragraph("<b>Material</b>", styles["Heading3"])]
    mats: list[list[Any]] = [["Component", "Name", "Required", "Op", "Issue", "Lot(s) used"]]
    for m in order.materials.select_related("component__uom"):
        mats.append(
            [
                m.component.sku,
                Paragraph(m.component.name, styles["BodyText"]),
                f"{_n(m.required_quantity)} {m.component.uom.code}",
                str(m.operation_sequence or "first"),
                "backflush" if m.backflush else "by hand",
                "",
            ]
        )
    if len(mats) == 1:
        mats.append(["—", "No material", "", "", "", ""])
    table = Table(
        mats, colWidths=[30 * mm, 50 * mm, 26 * mm, 14 * mm, 22 * mm, 40 * mm], repeatRows=1
    )
    table.setStyle(GRID)
    story += [table, Spacer(1, 8 * mm)]
    sign = Table(
        [["Final inspection", "Quantity good", "Inspector", "Date"], ["", "", "", ""]],
        colWidths=[60 * mm, 40 * mm, 42 * mm, 40 * mm],
        rowHeights=[6 * mm, 14 * mm],
    )
    sign.setStyle(GRID)
    story.append(sign)
    if base_url:
        story += [Spacer(1, 4 * mm), Paragraph(f"<font size=7>{base_url}</font>", styles["Normal"])]
    doc.build(story)
    return buffer.getvalue()
