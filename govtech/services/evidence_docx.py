"""Write a document outline (services.document_outline) as an editable Word file (.docx).

Japanese text uses the East Asian font slot (游ゴシック, with MS ゴシック's metrics where it is
missing), so Word shows it in a Japanese font. The KPI chart is a table of bars: per KPI and
figure a row with the value and a bar of full-block characters scaled to the KPI's largest
value, readable in any editor and by screen readers.
"""
from __future__ import annotations

import io

from docx import Document as new_document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from govtech.services.document_outline import (
    Box,
    Chart,
    Document,
    Facts,
    Heading,
    Table,
    Text,
)

JA_FONT = "Yu Gothic"
BAR_WIDTH = 30  # blocks for the largest value
BAR_COLOURS = (RGBColor(0x9A, 0xA5, 0xB1), RGBColor(0x1D, 0x4E, 0xD8),
               RGBColor(0x15, 0x80, 0x3D))


def _fonts(document) -> None:
    for name in ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Table Grid"):
        try:
            style = document.styles[name]
        except KeyError:
            continue
        style.font.name = JA_FONT
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), JA_FONT)
    document.styles["Normal"].font.size = Pt(10)


def _lines(paragraph, text: str) -> None:
    """Text with its line breaks kept."""
    lines = (text or "—").split("\n")
    for index, line in enumerate(lines):
        run = paragraph.add_run(line)
        if index < len(lines) - 1:
            run.add_break()


def _cell(cell, text: str, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    _lines(paragraph, text)
    if bold:
        for run in paragraph.runs:
            run.bold = True


def _styled(paragraph, style_id: str):
    """Set a paragraph's style by its id: python-docx's lookup by name scans every style each
    time, which made a pack take most of a second."""
    paragraph._p.get_or_add_pPr().style = style_id
    return paragraph


def _heading(document, text: str, level: int):
    return _styled(document.add_paragraph(text), "Title" if level == 0 else f"Heading{level}")


def _grid(document, columns: int):
    table = document.add_table(rows=0, cols=columns)
    table._tbl.tblPr.style = "TableGrid"
    return table


def _table(document, header: list[str] | None, rows: list[list[str]]):
    columns = len(header) if header else len(rows[0]) if rows else 1
    table = _grid(document, columns)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if header:
        cells = table.add_row().cells
        for cell, text in zip(cells, header, strict=True):
            _cell(cell, text, bold=True)
    for row in rows:
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, row, strict=True)):
            _cell(cell, text, bold=header is None and index == 0)
    return table


def _chart(document, block: Chart) -> None:
    document.add_paragraph(block.title).runs[0].bold = True
    table = _grid(document, 3)
    for kpi in block.kpis:
        figures = (kpi.baseline, kpi.target, kpi.actual)
        largest = max((abs(v) for v in figures if v is not None), default=0) or 1
        head = table.add_row().cells
        merged = head[0].merge(head[2])
        _cell(merged, kpi.name + (f" ({kpi.unit})" if kpi.unit else ""), bold=True)
        for name, value, colour in zip(block.legend, figures, BAR_COLOURS, strict=True):
            cells = table.add_row().cells
            _cell(cells[0], name)
            _cell(cells[1], kpi.shown(value))
            blocks = round(BAR_WIDTH * abs(value) / largest) if value is not None else 0
            run = cells[2].paragraphs[0].add_run("█" * blocks or "—")
            run.font.color.rgb = colour
            run.font.size = Pt(8)
    for row in table.rows:
        row.cells[0].width, row.cells[1].width, row.cells[2].width = Mm(30), Mm(30), Mm(110)


def render(doc: Document) -> bytes:
    """The outline as .docx bytes."""
    document = new_document()
    _fonts(document)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(18)
    document.core_properties.title = doc.title
    document.core_properties.language = doc.lang
    _heading(document, doc.title, 0)
    document.add_paragraph(doc.subtitle)
    for block in doc.blocks:
        if isinstance(block, Heading):
            _heading(document, block.text, 1)
        elif isinstance(block, Facts):
            _table(document, None, [[label, value] for label, value in block.rows])
        elif isinstance(block, Table):
            _table(document, block.header, block.rows)
        elif isinstance(block, Text):
            _lines(document.add_paragraph(), block.text)
        elif isinstance(block, Chart):
            _chart(document, block)
        elif isinstance(block, Box):
            table = _table(document, None, [[block.caption], [block.text or "\n\n\n\n\n\n"]])
            table.rows[1].height = Mm(50)
        document.add_paragraph()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
