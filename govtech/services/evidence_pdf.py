"""Write a document outline (services.document_outline) as a PDF with ReportLab.

The Japanese font is IPAexGothic (IPA Font License), shipped inside the `matplotlib-fontja`
wheel (installed without its matplotlib dependency: only its .ttf is read). It is a TrueType
(glyf) font, which ReportLab embeds as a subset. Where that package is missing, the system's
IPAexGothic (Debian's fonts-ipaexfont-gothic) is tried; with neither, FontMissing is raised
and the page says what to install. The font is registered once per process.

The KPI chart is drawn with ReportLab's own graphics: for each KPI, three horizontal bars
(baseline, target, actual) scaled to that KPI's largest value, since KPIs have different units.
"""
from __future__ import annotations

import importlib.util
import io
import os
from html import escape

from flask_babel import gettext as _
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
)
from reportlab.platypus import (
    Table as RLTable,
)
from reportlab.platypus import (
    TableStyle as RLTableStyle,
)

from govtech import formatting
from govtech.services.document_outline import (
    Box,
    Chart,
    Document,
    Facts,
    Heading,
    Table,
    Text,
)
from govtech.services.errors import DomainError

FONT = "IPAexGothic"
SYSTEM_FONTS = ("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
                "/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf")
BAR_COLOURS = (colors.HexColor("#9aa5b1"), colors.HexColor("#1d4ed8"),
               colors.HexColor("#15803d"))
INK = colors.HexColor("#1f2933")
RULE = colors.HexColor("#cbd2d9")
WIDTH = A4[0] - 36 * mm


class FontMissing(DomainError):
    status = 503


def font_path() -> str | None:
    """The IPAexGothic .ttf: from the matplotlib-fontja wheel (found without importing it,
    which would import matplotlib), else the system's."""
    spec = importlib.util.find_spec("matplotlib_fontja")
    if spec is not None and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            path = os.path.join(folder, "fonts", "ipaexg.ttf")
            if os.path.exists(path):
                return path
    return next((path for path in SYSTEM_FONTS if os.path.exists(path)), None)


def register_font() -> str:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return FONT
    path = font_path()
    if path is None:
        raise FontMissing(_("The Japanese font for PDF files is not installed on this server: "
                            "install the matplotlib-fontja package (pip install --no-deps "
                            "matplotlib-fontja) or Debian's fonts-ipaexfont-gothic."))
    pdfmetrics.registerFont(TTFont(FONT, path))
    return FONT


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=14, textColor=INK,
                          wordWrap="CJK")
    return {
        "body": base,
        "title": ParagraphStyle("title", parent=base, fontSize=17, leading=23, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=10, textColor=colors.grey,
                                   spaceAfter=8),
        "h": ParagraphStyle("h", parent=base, fontSize=12.5, leading=17, spaceBefore=10,
                            spaceAfter=4, textColor=colors.HexColor("#0b3a75")),
        "label": ParagraphStyle("label", parent=base, fontSize=9, textColor=colors.HexColor(
            "#52606d")),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=12),
        "head": ParagraphStyle("head", parent=base, fontSize=8.5, leading=12,
                               textColor=colors.white),
    }


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text or "—").replace("\n", "<br/>"), style)


def _grid(data: list, widths: list[float], header: bool) -> RLTable:
    table = RLTable(data, colWidths=widths, repeatRows=1 if header else 0)
    style = [("GRID", (0, 0), (-1, -1), 0.4, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4)]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#0b3a75")))
    else:
        style.append(("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f0f4f8")))
    table.setStyle(RLTableStyle(style))
    return table


def chart(block: Chart) -> Drawing:
    """Per KPI: its name, then three labelled bars scaled to its largest value."""
    label_w, bar_h, gap = 38 * mm, 9, 3
    row_h = 3 * (bar_h + 2) + 16 + gap
    height = 22 + row_h * len(block.kpis)
    drawing = Drawing(WIDTH, height)
    drawing.add(String(0, height - 11, block.title, fontName=FONT, fontSize=10,
                       fillColor=INK))
    x = 0.0
    for name, colour in zip(block.legend, BAR_COLOURS, strict=True):
        drawing.add(Rect(WIDTH - 150 + x, height - 11, 8, 8, fillColor=colour,
                         strokeColor=None))
        drawing.add(String(WIDTH - 139 + x, height - 10, name, fontName=FONT, fontSize=7.5,
                           fillColor=INK))
        x += 50
    top = height - 26
    span = WIDTH - label_w - 70
    for kpi in block.kpis:
        drawing.add(String(0, top - 9, kpi.name + formatting.aside(kpi.unit), fontName=FONT,
                           fontSize=8.5, fillColor=INK))
        figures = (kpi.baseline, kpi.target, kpi.actual)
        largest = max((abs(v) for v in figures if v is not None), default=0) or 1
        y = top - 16
        for name, value, colour in zip(block.legend, figures, BAR_COLOURS, strict=True):
            y -= bar_h + 2
            drawing.add(String(label_w - 4, y + 1.5, name, fontName=FONT, fontSize=7,
                               fillColor=colors.HexColor("#52606d"), textAnchor="end"))
            if value is not None:
                drawing.add(Rect(label_w, y, max(span * abs(value) / largest, 0.8), bar_h,
                                 fillColor=colour, strokeColor=None))
            drawing.add(String(label_w + (span * abs(value) / largest if value else 0) + 4,
                               y + 1.5, kpi.shown(value), fontName=FONT, fontSize=7.5,
                               fillColor=INK))
        top -= row_h
    return drawing


def _flowables(doc: Document) -> list:
    styles = _styles()
    story: list = [_para(doc.title, styles["title"]), _para(doc.subtitle, styles["subtitle"])]
    pending_heading = None
    for block in doc.blocks:
        flow: list = []
        if isinstance(block, Heading):
            pending_heading = _para(block.text, styles["h"])
            continue
        if isinstance(block, Facts):
            flow.append(_grid([[_para(k, styles["label"]), _para(v, styles["body"])]
                               for k, v in block.rows], [42 * mm, WIDTH - 42 * mm], False))
        elif isinstance(block, Table):
            widths = [WIDTH / len(block.header)] * len(block.header)
            data = [[_para(h, styles["head"]) for h in block.header]]
            data += [[_para(cell, styles["cell"]) for cell in row] for row in block.rows]
            flow.append(_grid(data, widths, True))
        elif isinstance(block, Text):
            flow.append(_para(block.text, styles["body"]))
        elif isinstance(block, Chart):
            flow += [Spacer(1, 6), chart(block)]
        elif isinstance(block, Box):
            box = RLTable([[_para(block.caption, styles["label"])],
                           [_para(block.text, styles["body"]) if block.text else
                            Spacer(1, 38 * mm)]], colWidths=[WIDTH])
            box.setStyle(RLTableStyle([("BOX", (0, 0), (-1, -1), 0.8, INK),
                                       ("LINEBELOW", (0, 0), (-1, 0), 0.4, RULE)]))
            flow.append(box)
        if pending_heading is not None:  # a heading stays with what follows it
            story.append(KeepTogether([pending_heading, flow[0]]))
            story += flow[1:]
            pending_heading = None
        else:
            story += flow
        story.append(Spacer(1, 4))
    return story


def render(doc: Document) -> bytes:
    """The outline as PDF bytes, the Japanese font embedded as a subset."""
    register_font()
    out = io.BytesIO()
    pdf = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=16 * mm, bottomMargin=16 * mm, title=doc.title,
                            author="GovTech Accelerator")

    def footer(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(colors.grey)
        canvas.drawRightString(A4[0] - 18 * mm, 9 * mm, f"{doc.title} · {document.page}")
        canvas.restoreState()

    pdf.build(_flowables(doc), onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
