"""The purchase order as the supplier receives it: one A4 PDF in the house style of the traveller.

It states who buys (plant and buyer), who supplies, the order number and date, and per line the
item, the supplier's part number, the quantity with its unit and the date asked for; then the
confirmation link, printed and as a QR code, for the supplier to answer from a phone.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

import segno
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from andon.correspondence import config
from andon.correspondence.models import Letter

GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (4, 1), (4, -1), "RIGHT"),
        ("ALIGN", (6, 1), (7, -1), "RIGHT"),
    ]
)


def _n(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _qr(text: str, size_mm: float) -> Image:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=6, border=1)
    buffer.seek(0)
    return Image(buffer, width=size_mm * mm, height=size_mm * mm)


def _buyer(letter: Letter) -> str:
    user = letter.created_by
    if user is None:
        return ""
    name = user.get_full_name() or user.get_username()
    return f"{name} <{user.email}>" if user.email else name


def _parties(letter: Letter, styles: Any) -> Table:
    order = letter.purchase_order
    assert order is not None
    supplier = order.supplier
    plant = "\n".join(x for x in (config.plant_name(), config.plant_address()) if x)
    buyer = _buyer(letter)
    ours = plant + (f"\nBuyer: {buyer}" if buyer else "")
    theirs = "\n".join(x for x in (supplier.name, supplier.address, supplier.email) if x)
    small = styles["BodyText"]
    table = Table(
        [["From", "To"], [_p(ours, small), _p(theirs, small)]], colWidths=[91 * mm, 91 * mm]
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, 0), 8),
                ("TEXTCOLOR", (0, 0), (-1, 0), colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _lines(letter: Letter, styles: Any) -> Table:
    rows: list[list[Any]] = [
        [
            "Line",
            "Item",
            "Description",
            "Your part no.",
            "Quantity",
            "Date wanted",
            "Price",
            "Value",
        ]
    ]
    prices = {
        line.line: line.unit_price
        for line in (letter.purchase_order.lines.all() if letter.purchase_order else [])
    }
    small = styles["BodyText"]
    small.fontSize = 8.5
    for line in letter.lines.all():
        price = prices.get(line.line)
        rows.append(
            [
                str(line.line),
                line.item_sku,
                _p(line.item_name, small),
                line.partner_reference or "—",
                f"{_n(line.quantity)} {line.unit}",
                f"{line.date:%d %b %Y}",
                _n(price) if price is not None else "",
                f"{(price * line.quantity):.2f}" if price is not None else "",
            ]
        )
    values = [
        prices[line.line] * line.quantity
        for line in letter.lines.all()
        if prices.get(line.line) is not None
    ]
    if values:
        rows.append(["", "", "", "", "", "", "Total", f"{sum(values):.2f}"])
    table = Table(
        rows,
        colWidths=[10 * mm, 28 * mm, 44 * mm, 24 * mm, 22 * mm, 22 * mm, 14 * mm, 18 * mm],
        repeatRows=1,
    )
    table.setStyle(GRID)
    if values:
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, -1), (5, -1), 0, colors.white),
                    ("FONTNAME", (6, -1), (7, -1), "Helvetica-Bold"),
                ]
            )
        )
    return table


def _answer(link: str, styles: Any) -> Table:
    text = (
        "<b>Please confirm this order.</b> Open the link below (no account needed) and confirm "
        "each line, or tell us another date or quantity. The link works once.<br/><br/>"
        f'<font size=8><link href="{escape(link)}">{escape(link)}</link></font>'
    )
    table = Table(
        [[Paragraph(text, styles["BodyText"]), _qr(link, 32)]], colWidths=[146 * mm, 36 * mm]
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#2563eb")),
                ("BACKGROUND", (0, 0), (0, 0), colors.HexColor("#f5f8ff")),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return table


def _title(styles: Any) -> ParagraphStyle:
    return ParagraphStyle("po-title", parent=styles["Title"], alignment=0, spaceAfter=2)


def purchase_order_pdf(letter: Letter, link: str) -> bytes:
    """The purchase order of `letter` as PDF bytes, with the confirmation `link` if given."""
    order = letter.purchase_order
    assert order is not None
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=14 * mm, rightMargin=14 * mm, topMargin=12 * mm,
        bottomMargin=12 * mm, title=f"Purchase order {order.number}", author=config.plant_name(),
    )  # fmt: skip
    head = Table(
        [
            [Paragraph(f"<b>Purchase order {escape(order.number)}</b>", _title(styles)), ""],
            [f"Order date: {order.order_date:%d %b %Y}", f"Sent: {letter.created_at:%d %b %Y}"],
        ],
        colWidths=[120 * mm, 62 * mm],
    )
    head.setStyle(
        TableStyle(
            [
                ("SPAN", (0, 0), (1, 0)),
                ("ALIGN", (0, 0), (0, 0), "LEFT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("ALIGN", (1, 1), (1, 1), "RIGHT"),
            ]
        )
    )
    story: list[Any] = [
        head,
        Spacer(1, 4 * mm),
        _parties(letter, styles),
        Spacer(1, 6 * mm),
        _lines(letter, styles),
        Spacer(1, 8 * mm),
    ]
    if link:
        story.append(_answer(link, styles))
    story += [
        Spacer(1, 6 * mm),
        Paragraph(
            f"<font size=8 color=grey>Please quote {escape(order.number)} on the delivery note "
            "and the invoice.</font>",
            styles["Normal"],
        ),
    ]
    doc.build(story)
    return buffer.getvalue()
