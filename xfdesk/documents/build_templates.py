"""Build the shipped template set in ``templates/`` (one DOCX per kind), after GB/T 9704-2012.

Run ``python -m xfdesk.documents.build_templates [FOLDER]`` to rebuild them. Offices copy a template into
``<home>/templates/``, edit it in Word or WPS (their own 机关 name, layout, wording) and that copy wins.

Layout: A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; title 方正小标宋简体 二号 (22 pt); body
仿宋_GB2312 三号 (16 pt) at a fixed 28 pt line pitch on a 28-characters-a-line document grid; headings 黑体; 文号
line; date as 2026年11月21日; the issuing body's name over the date, both four characters from the right margin,
with room for the seal pressed over them (GB/T 9704 7.3.5.1), kept on the page of the last body lines; page number
"— 1 —" in 4号 宋体, right on odd pages and left on even pages, one character in from the margin (7.5). Chinese fonts are set through ``w:eastAsia`` on the document defaults, on every style
and on every run, because python-docx's ``font.name`` only sets the Latin fonts.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from xfdesk.documents.kinds import KINDS_BY_KEY

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
PAGE_NUMBER_FONT = "宋体"
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
TABLE_SIZE = Pt(14)  # 四号: forms keep the long values on few lines
LIST_SIZE = Pt(12)  # 小四: list tables have six columns on a 156 mm line
LINE_PITCH = Pt(28)  # GB/T 9704: 22 lines a page

STYLE_TITLE = "公文标题"
STYLE_NUMBER = "文号"
STYLE_BODY = "公文正文"
STYLE_PLAIN = "顶格正文"
STYLE_SIGNATURE = "落款"
STYLE_TABLE = "表格文字"
STYLE_LIST = "列表表格文字"
STYLE_NOTE = "附注"
STYLE_HEADING = "一级标题"

# -- fonts ---------------------------------------------------------------------------------------------------------

def set_run_fonts(rpr_parent, font: str, size: Pt | None = None, bold: bool | None = None) -> None:  # noqa: ANN001
    """Set Latin and East Asian fonts on a style or run (``rpr_parent`` has ``.font`` and ``.element``)."""
    rpr_parent.font.name = font
    if size is not None:
        rpr_parent.font.size = size
    if bold is not None:
        rpr_parent.font.bold = bold
    rpr = rpr_parent.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)
    for theme_attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme_attr), None)


def _set_doc_defaults(document) -> None:  # noqa: ANN001
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    for child in list(rpr):
        if child.tag in (qn("w:rFonts"), qn("w:lang")):
            rpr.remove(child)
    fonts = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), BODY_FONT)
    rpr.insert(0, fonts)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)


def _paragraph_style(document, name: str, *, font: str, size: Pt, align=None, bold: bool = False,  # noqa: ANN001
                     first_line_chars: float = 0, line: Pt | None = LINE_PITCH, space_before: Pt = Pt(0),
                     space_after: Pt = Pt(0), right_chars: float = 0, keep_with_next: bool = False):
    from docx.enum.style import WD_STYLE_TYPE

    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    set_run_fonts(style, font, size, bold)
    pf = style.paragraph_format
    if align is not None:
        pf.alignment = align
    if line is not None:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = line
    else:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    pf.space_before = space_before
    pf.space_after = space_after
    pf.keep_with_next = keep_with_next
    ppr = style.element.get_or_add_pPr()
    if first_line_chars or right_chars:
        # Indents in characters (w:firstLineChars / w:rightChars, hundredths): they follow the font size.
        ind = OxmlElement("w:ind")
        if first_line_chars:
            ind.set(qn("w:firstLineChars"), str(int(first_line_chars * 100)))
            ind.set(qn("w:firstLine"), str(int(first_line_chars * size.pt * 20)))
        if right_chars:
            ind.set(qn("w:rightChars"), str(int(right_chars * 100)))
            ind.set(qn("w:right"), str(int(right_chars * size.pt * 20)))
        ppr.append(ind)
    return style


CHARS_PER_LINE = 28
TEXT_WIDTH_TWIPS = round((210 - 28 - 26) / 25.4 * 1440)


def _doc_grid(section) -> None:  # noqa: ANN001
    """GB/T 9704: lines on the 28 pt pitch (a line grid, w:docGrid type="lines"). The 28 characters a line come from
    the character spacing of the body styles (``CHAR_SPACING``), not a character grid: LibreOffice gives every 三号
    character two cells of a 28-per-line character grid (15.8 pt < 16 pt), halving the line."""
    sect = section._sectPr
    for old in sect.findall(qn("w:docGrid")):
        sect.remove(old)
    grid = OxmlElement("w:docGrid")
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(int(LINE_PITCH.pt * 20)))
    sect.append(grid)


# 28 三号 characters on the 156 mm line: each 16 pt character 0.25 pt narrower (w:spacing, twentieths of a point)
CHAR_SPACING_TWIPS = -5
assert CHARS_PER_LINE * (BODY_SIZE.pt * 20 + CHAR_SPACING_TWIPS) <= TEXT_WIDTH_TWIPS


def _char_spacing(style) -> None:  # noqa: ANN001
    rpr = style.element.get_or_add_rPr()
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CHAR_SPACING_TWIPS))
    rpr.append(spacing)


def set_chinese_theme_language(document) -> None:  # noqa: ANN001
    """python-docx's default settings say the East Asian theme language is Japanese (ja-JP): Word then picks
    Japanese glyph forms and line-breaking rules; these are Chinese documents."""
    settings = document.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is None:
        lang = OxmlElement("w:themeFontLang")
        settings.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def new_document():  # noqa: ANN201
    """An empty A4 document with the GB/T 9704 page, fonts and the styles the templates use."""
    document = Document()
    set_chinese_theme_language(document)
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(25)
    _doc_grid(section)
    _set_doc_defaults(document)
    normal = document.styles["Normal"]
    set_run_fonts(normal, BODY_FONT, BODY_SIZE)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = LINE_PITCH
    normal.paragraph_format.space_after = Pt(0)
    _char_spacing(normal)
    for name in ("Header", "Footer", "Table Grid"):
        if name in [s.name for s in document.styles]:
            set_run_fonts(document.styles[name], BODY_FONT)

    _paragraph_style(document, STYLE_TITLE, font=TITLE_FONT, size=TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER,
                     line=Pt(36), keep_with_next=True)
    _paragraph_style(document, STYLE_NUMBER, font=BODY_FONT, size=BODY_SIZE, align=WD_ALIGN_PARAGRAPH.RIGHT,
                     space_before=Pt(6), space_after=Pt(14))
    _paragraph_style(document, STYLE_BODY, font=BODY_FONT, size=BODY_SIZE, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                     first_line_chars=2)
    _paragraph_style(document, STYLE_PLAIN, font=BODY_FONT, size=BODY_SIZE, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    _paragraph_style(document, STYLE_HEADING, font=HEADING_FONT, size=BODY_SIZE, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                     first_line_chars=2, keep_with_next=True)
    signature = _paragraph_style(document, STYLE_SIGNATURE, font=BODY_FONT, size=BODY_SIZE,
                                 align=WD_ALIGN_PARAGRAPH.LEFT, keep_with_next=True)
    # GB/T 9704 7.3.5.1: the date four characters from the right margin and the body's name centred over it: both
    # are centred on one tab stop, half a date's width (about 8.5 characters) left of that point
    char = TEXT_WIDTH_TWIPS / CHARS_PER_LINE / 20
    signature.paragraph_format.tab_stops.add_tab_stop(Pt(char * (CHARS_PER_LINE - 4 - 8.5 / 2)),
                                                      WD_TAB_ALIGNMENT.CENTER)
    # tables and notes keep their own line height: off the 28 pt line grid
    for style in (
        _paragraph_style(document, STYLE_TABLE, font=BODY_FONT, size=TABLE_SIZE, align=WD_ALIGN_PARAGRAPH.LEFT,
                         line=None),
        _paragraph_style(document, STYLE_LIST, font=BODY_FONT, size=LIST_SIZE, align=WD_ALIGN_PARAGRAPH.LEFT,
                         line=None),
        _paragraph_style(document, STYLE_NOTE, font=BODY_FONT, size=TABLE_SIZE, align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                         line=Pt(22)),
    ):
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        style.element.get_or_add_pPr().append(snap)
    _page_number_footer(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number_footer(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)
    return document


def _page_number_footer(footer, align) -> None:  # noqa: ANN001
    """GB/T 9704 7.5 page number: 4号 半角 宋体 "— 1 —", one character in from the edge of the text (odd pages on
    the right, even pages on the left)."""
    p = footer.paragraphs[0]
    p.alignment = align
    side = "w:right" if align == WD_ALIGN_PARAGRAPH.RIGHT else "w:left"
    ind = OxmlElement("w:ind")
    ind.set(qn(side + "Chars"), "100")
    ind.set(qn(side), str(int(TABLE_SIZE.pt * 20)))
    p._p.get_or_add_pPr().append(ind)
    _run(p, "— ", PAGE_NUMBER_FONT, TABLE_SIZE)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    inner = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    fonts = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), PAGE_NUMBER_FONT)
    rpr.append(fonts)
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "28")
    rpr.append(size)
    inner.append(rpr)
    text = OxmlElement("w:t")
    text.text = "1"
    inner.append(text)
    field.append(inner)
    p._p.append(field)
    _run(p, " —", PAGE_NUMBER_FONT, TABLE_SIZE)


def _run(paragraph, text: str, font: str, size: Pt, bold: bool | None = None):  # noqa: ANN001, ANN202
    run = paragraph.add_run(text)
    set_run_fonts(run, font, size, bold)
    return run


_STYLE_FONTS = {
    STYLE_TITLE: (TITLE_FONT, TITLE_SIZE),
    STYLE_NUMBER: (BODY_FONT, BODY_SIZE),
    STYLE_BODY: (BODY_FONT, BODY_SIZE),
    STYLE_PLAIN: (BODY_FONT, BODY_SIZE),
    STYLE_HEADING: (HEADING_FONT, BODY_SIZE),
    STYLE_SIGNATURE: (BODY_FONT, BODY_SIZE),
    STYLE_TABLE: (BODY_FONT, TABLE_SIZE),
    STYLE_LIST: (BODY_FONT, LIST_SIZE),
    STYLE_NOTE: (BODY_FONT, TABLE_SIZE),
}


def para(container, text: str, style: str = STYLE_BODY, *, bold: bool | None = None):  # noqa: ANN001, ANN201
    """A paragraph in ``style`` whose one run also carries the style's fonts (so WPS keeps them)."""
    p = container.add_paragraph(style=style)
    font, size = _STYLE_FONTS[style]
    if text:
        _run(p, text, font, size, bold)
    return p


# -- building blocks -------------------------------------------------------------------------------------------------

def header_block(document, title: str, *, number: bool = True,  # noqa: ANN001
                 authority: str = "{{ 机关名称 }}") -> None:
    """The issuing body and the title in 小标宋 二号, then the 文号 line. The body is the one that signs and seals
    (``signature_block``): head, 文号 and seal never name different bodies."""
    if authority:
        para(document, authority, STYLE_TITLE)
    para(document, title, STYLE_TITLE)
    if number:
        para(document, "{{ 文号 }}", STYLE_NUMBER)
    else:
        para(document, "", STYLE_NUMBER)


def keep_with_next(paragraph, *, lines: bool = True) -> None:  # noqa: ANN001
    ppr = paragraph._p.get_or_add_pPr()
    for tag in ("w:keepNext", "w:keepLines") if lines else ("w:keepNext",):
        if ppr.find(qn(tag)) is None:
            ppr.append(OxmlElement(tag))


def _keep_last_body_lines(document, count: int = 2) -> None:  # noqa: ANN001
    """The signature never starts a page alone: the last body paragraphs go with it. Never a table: LibreOffice
    turns a kept row into "keep the whole table with the next paragraph", which pushes a long table (and the
    paragraph before it) onto a page of its own; a table is followed by a closing line instead."""
    from docx.text.paragraph import Paragraph

    body = document.element.body
    blocks = [el for el in body if el.tag in (qn("w:p"), qn("w:tbl"))]
    for el in reversed(blocks[-count:]):
        if el.tag == qn("w:tbl"):
            break
        keep_with_next(Paragraph(el, document))


def signature_block(document, *, signer: str = "{{ 机关名称 }}", seal: bool = True) -> None:  # noqa: ANN001
    """The signing body over the date, both four characters from the right margin (GB/T 9704 7.3.5.1), with room
    above for the seal pressed over them; kept on the page of the last body lines (keep-with-next)."""
    _keep_last_body_lines(document)
    for _ in range(2 if seal else 1):
        keep_with_next(para(document, "", STYLE_PLAIN))
    para(document, "\t" + signer, STYLE_SIGNATURE)
    date = para(document, "\t{{ 发文日期 }}", STYLE_SIGNATURE)
    date.paragraph_format.keep_with_next = False


def contact_note(document) -> None:  # noqa: ANN001
    """Who to call about the document, under the date and on its page (never a last page of its own)."""
    last = document.paragraphs[-1]
    if "发文日期" in last.text:
        last.paragraph_format.keep_with_next = True
    keep_with_next(para(document, "", STYLE_NOTE))
    keep_with_next(para(document, "经办人：{{ 经办人 }}　　联系电话：{{ 信访部门电话 }}", STYLE_NOTE))
    para(document, "地址：{{ 信访部门地址 }}", STYLE_NOTE)


def receipt_block(document, what: str) -> None:  # noqa: ANN001
    """送达回执 at the foot of a notice to the petitioner."""
    para(document, f"（本{what}一式两份，一份送达信访人，一份存档。）", STYLE_NOTE)
    para(document, "信访人签收：＿＿＿＿＿＿＿　　签收日期：　　　　年　　月　　日", STYLE_NOTE)


def _cell_text(cell, text: str, *, bold: bool = False, align=None, style: str = STYLE_TABLE) -> None:  # noqa: ANN001
    p = cell.paragraphs[0]
    p.style = style
    font, size = _STYLE_FONTS[style]
    if align is not None:
        p.alignment = align
    for i, line in enumerate(text.split("\n")):
        if i:
            p = cell.add_paragraph(style=style)
        if line:
            _run(p, line, font, size, bold or None)


def _cell_margins(table, *, side_mm: float = 1.4, vertical_mm: float = 0.8) -> None:  # noqa: ANN001
    """Room between the text and the cell borders (Word's default is none on top and bottom)."""
    tblpr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for edge, mm in (("top", vertical_mm), ("left", side_mm), ("bottom", vertical_mm), ("right", side_mm)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(round(mm / 25.4 * 1440)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tblpr.append(mar)


def _rows_unsplit(table, rows=None) -> None:  # noqa: ANN001
    """These rows (all by default) are never split across two pages."""
    for row in table.rows if rows is None else rows:
        trpr = row._tr.get_or_add_trPr()
        if trpr.find(qn("w:cantSplit")) is None:
            trpr.insert(0, OxmlElement("w:cantSplit"))


def form_table(document, rows: Sequence[Sequence[str]], widths_mm: Sequence[float], *,  # noqa: ANN001, ANN201
               style: str = STYLE_TABLE, vertical_mm: float = 0.8):
    """A bordered form. Each row lists cells label, value, label, value …; a row shorter than the grid spans its
    last cell to the end (for long values: 诉求, 详细情况). Labels are bold and centred.

    Rows of label/value pairs never split across pages; a spanning row may: a 200-character 诉求 that is not
    allowed to split moves whole to the next page and leaves half of the first one blank."""
    columns = len(widths_mm)
    table = document.add_table(rows=0, cols=columns)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    whole = []
    for spec in rows:
        row = table.add_row()
        cells = row.cells
        if len(spec) == columns:
            whole.append(row)
        if len(spec) < columns:
            merged = cells[len(spec) - 1].merge(cells[columns - 1])
            cells = list(cells[:len(spec) - 1]) + [merged]
        for i, text in enumerate(spec):
            is_label = i % 2 == 0
            _cell_text(cells[i], text, bold=is_label,
                       align=WD_ALIGN_PARAGRAPH.CENTER if is_label else WD_ALIGN_PARAGRAPH.LEFT, style=style)
    _set_widths(table, widths_mm)
    _cell_margins(table, vertical_mm=vertical_mm)
    _rows_unsplit(table, whole)
    return table


def list_table(document, headers: Sequence[str], row_cells: Sequence[str], list_field: str,  # noqa: ANN001, ANN201
               widths_mm: Sequence[float], loop_var: str = "行"):
    """A table with a header row and one row per item of ``list_field`` (docxtpl ``{%tr for %}`` rows)."""
    table = document.add_table(rows=0, cols=len(headers))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    head = table.add_row()
    for cell, text in zip(head.cells, headers):
        _cell_text(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, style=STYLE_LIST)
    _repeat_header(head)
    head._tr.get_or_add_trPr().insert(0, OxmlElement("w:cantSplit"))
    start = table.add_row()
    _cell_text(start.cells[0], f"{{%tr for {loop_var} in {list_field} %}}", style=STYLE_LIST)
    body = table.add_row()
    for cell, text in zip(body.cells, row_cells):
        _cell_text(cell, text, style=STYLE_LIST)
    end = table.add_row()
    _cell_text(end.cells[0], "{%tr endfor %}", style=STYLE_LIST)
    _set_widths(table, widths_mm)
    # rows of a list may split (a 200-character demand in a narrow column would otherwise leave half a page
    # empty before it); only the header row repeats and stays whole
    _cell_margins(table, side_mm=1.2)
    return table


def _repeat_header(row) -> None:  # noqa: ANN001
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _set_widths(table, widths_mm: Sequence[float]) -> None:  # noqa: ANN001
    for row in table.rows:
        for idx, cell in enumerate(row.cells):
            # merged cells repeat: give each grid cell its column width, the merge keeps the sum
            if idx < len(widths_mm):
                cell.width = Mm(widths_mm[idx])
    for idx, col in enumerate(table.columns):
        if idx < len(widths_mm):
            col.width = Mm(widths_mm[idx])


# -- the templates ---------------------------------------------------------------------------------------------------

# label, value, label, value (mm; 156 mm of text width): a label of five characters in 四号 bold fits on a line
FORM_WIDTHS = (28, 54, 28, 46)

MATTER_INTRO = ("{{ 称谓 }}于{{ 来访日期 }}以{{ 来访形式 }}形式提出的信访事项（事项编号：{{ 事项编号 }}）收悉。"
                "{{ 称谓 }}反映的主要问题是：{{ 诉求摘要 }}。")


def build_registration_form(document) -> None:  # noqa: ANN001
    # The petitioner's receipt is signed by both on one page: a one-line head (the body's name in the title) and
    # the form in 小四 with narrow cell margins fit sixteen rows, a 200-character demand and the signature lines
    # on A4 (in 四号 with the head on two lines the signatures went alone onto page 2).
    header_block(document, "{{ 机关名称 }}信访事项登记表", authority="")
    w = (26, 52, 26, 52)  # in 小四 a five-character label fits 26 mm; 登记时间 then fits its line
    form_table(document, [
        ("事项编号", "{{ 事项编号 }}", "登记时间", "{{ 来访时间 }}"),
        ("信访人", "{{ 信访人姓名 }}", "性别", "{{ 信访人性别 }}"),
        # the 18 digits on one line whatever the font's digits are (a half row broke them in LibreOffice)
        ("身份证号", "{{ 信访人身份证号 }}"),
        ("联系电话", "{{ 信访人电话 }}", "来访人数", "{{ 来访人数 }}"),
        ("住址", "{{ 信访人住址 }}"),
        ("所属村", "{{ 所属村 }}", "问题属地", "{{ 问题属地 }}"),
        ("来访形式", "{{ 来访形式 }}", "登记人", "{{ 登记人 }}"),
        ("其他信访人", "{{ 其他信访人 }}", "代表", "{{ 代表 }}"),  # who signs 信访人（代表）确认签名 below
        ("问题类别", "{{ 问题类别 }}", "事项性质", "{{ 事项性质 }}"),
        ("事项标记", "{{ 事项标记 }}"),
        ("诉求摘要", "{{ 诉求摘要 }}"),
        ("事实和理由", "{{ 详细情况 }}"),
        ("既往信访", "{{ 既往信访 }}"),
        ("甄别意见", "{{ 办理状态 }}　{{ 甄别理由 }}"),
        ("责任单位", "{{ 责任单位 }}", "包案领导", "{{ 包案领导 }}"),
        ("填表日期", "{{ 发文日期 }}"),
    ], w, style=STYLE_LIST, vertical_mm=0.4)
    para(document, "", STYLE_NOTE)
    para(document, "信访人（代表）确认签名：＿＿＿＿＿＿　　接待人签名：＿＿＿＿＿＿", STYLE_NOTE)
    para(document, "注：身份证号、联系电话属于个人信息，仅用于办理本信访事项（《中华人民共和国个人信息保护法》）。",
         STYLE_NOTE)


def build_acceptance_notice(document) -> None:  # noqa: ANN001
    header_block(document, "信访事项受理告知书")
    para(document, "{{ 信访人姓名 }}：", STYLE_PLAIN)
    para(document, MATTER_INTRO)
    para(document, "经审查，根据《信访工作条例》第二十二条、第二十三条的规定，该信访事项属于本机关职权范围，"
                   "本机关决定予以受理，受理日期为{{ 受理日期 }}。受理理由：{{ 甄别理由 }}")
    para(document, "{{ 办理期限说明 }}办理结果将以书面形式答复{{ 称谓 }}。")
    para(document, "办理期间，请{{ 称谓 }}依法有序表达诉求，遵守《信访工作条例》第二十六条的规定。"
                   "如需了解办理进展，可凭查询码{{ 查询码 }}向{{ 信访部门 }}电话或当面查询。")
    para(document, "特此告知。")
    signature_block(document)
    contact_note(document)
    receipt_block(document, "告知书")


def build_non_acceptance_notice(document) -> None:  # noqa: ANN001
    header_block(document, "信访事项不予受理告知书")
    para(document, "{{ 信访人姓名 }}：", STYLE_PLAIN)
    para(document, MATTER_INTRO)
    para(document, "经审查，该信访事项属于下列情形：{{ 甄别理由 }}")
    para(document, "依据：{{ 甄别依据 }}")
    para(document, "根据以上规定，本机关决定对该信访事项不予受理。")
    para(document, "{{ 称谓 }}反映的问题，请依照法律、法规规定的途径，向{{ 转送去向 }}提出。法律途径有法定的期限"
                   "（如诉讼时效、申请行政复议的期限），请{{ 称谓 }}及时提出，以免超过期限影响{{ 称谓 }}的权利。")
    para(document, "特此告知。")
    signature_block(document)
    contact_note(document)
    receipt_block(document, "告知书")


def build_non_reacceptance_notice(document) -> None:  # noqa: ANN001
    header_block(document, "信访事项不再受理告知书")
    para(document, "{{ 信访人姓名 }}：", STYLE_PLAIN)
    para(document, MATTER_INTRO)
    para(document, "经审查，该信访事项属于下列情形：{{ 甄别理由 }}")
    para(document, "依据：{{ 甄别依据 }}")
    para(document, "根据上述规定，本机关决定对该信访事项不再受理。")
    para(document, "{{ 称谓 }}如有新的事实和理由，可以另行提出；涉及诉讼权利救济的，请依法向有关政法机关提出。")
    para(document, "特此告知。")
    signature_block(document)
    contact_note(document)
    receipt_block(document, "告知书")


def build_legal_channel_notice(document) -> None:  # noqa: ANN001
    header_block(document, "导入法定途径告知书")
    para(document, "{{ 信访人姓名 }}：", STYLE_PLAIN)
    para(document, MATTER_INTRO)
    para(document, "经审查，{{ 称谓 }}反映的问题应当通过{{ 转送去向 }}的法定途径解决。理由：{{ 甄别理由 }}")
    para(document, "依据：{{ 甄别依据 }}")
    para(document, "根据《信访工作条例》第二十八条第二款、第三十一条的规定，该事项导入相应法定程序处理，"
                   "请{{ 称谓 }}依法向{{ 法定途径机关 }}提出。")
    para(document, "法定途径均有期限：申请行政复议一般应当自知道该行政行为之日起60日内提出，"
                   "向人民法院提起诉讼应当在法律规定的诉讼时效或者起诉期限内提出，申请仲裁应当在仲裁时效内提出。"
                   "请{{ 称谓 }}及时提出，以免超过期限影响{{ 称谓 }}的权利。")
    para(document, "特此告知。")
    signature_block(document)
    contact_note(document)
    receipt_block(document, "告知书")


def build_transfer_form(document) -> None:  # noqa: ANN001
    header_block(document, "信访事项转送（交办）单")
    para(document, "{{ 转送单位 }}：", STYLE_PLAIN)
    para(document, "根据《信访工作条例》第二十二条的规定，现将下列信访事项转送（交办）你单位，请依法依规办理。"
                   "属于你单位职权范围的，请自收到之日起15日内书面告知信访人接收情况以及处理途径和程序；"
                   "不属于你单位职权范围的，请自收到之日起5个工作日内提出异议，并详细说明理由（第二十三条）。")
    form_table(document, [
        ("事项编号", "{{ 事项编号 }}", "交办日期", "{{ 交办日期 }}"),
        ("信访人", "{{ 信访人姓名 }}", "联系电话", "{{ 信访人电话 }}"),
        ("住址", "{{ 信访人住址 }}"),
        ("来访日期", "{{ 来访日期 }}", "来访形式", "{{ 来访形式 }}"),
        ("问题类别", "{{ 问题类别 }}", "问题属地", "{{ 问题属地 }}"),
        ("诉求摘要", "{{ 诉求摘要 }}"),
        ("事实和理由", "{{ 详细情况 }}"),
        ("办结期限", "{{ 办结期限 }}"),
        ("办理要求", "{{ 办理要求 }}"),
    ], FORM_WIDTHS)
    para(document, "", STYLE_NOTE)
    para(document, "注：对检举控告类事项，不得将信访人的检举、揭发材料以及有关情况透露或者转给被检举、揭发的人员"
                   "或者单位（《信访工作条例》第三十条）。", STYLE_NOTE)
    signature_block(document)
    contact_note(document)


def build_transfer_notice(document) -> None:  # noqa: ANN001
    header_block(document, "信访事项转送告知书")
    para(document, "{{ 信访人姓名 }}：", STYLE_PLAIN)
    para(document, MATTER_INTRO)
    para(document, "经审查，该信访事项不属于本机关职权范围，属于{{ 转送去向 }}的职权范围。理由：{{ 甄别理由 }}")
    para(document, "依据：{{ 甄别依据 }}")
    para(document, "根据《信访工作条例》第二十二条、第二十三条的规定，本机关已于{{ 转送日期 }}将该信访事项转送"
                   "{{ 转送去向 }}依法处理。{{ 转送去向 }}将依照规定书面告知{{ 称谓 }}是否受理，"
                   "{{ 称谓 }}也可以直接向{{ 转送去向 }}查询办理情况。")
    para(document, "特此告知。")
    signature_block(document)
    contact_note(document)
    receipt_block(document, "告知书")


def build_extension_notice(document) -> None:  # noqa: ANN001
    header_block(document, "信访事项延期办理告知书")
    para(document, "{{ 信访人姓名 }}：", STYLE_PLAIN)
    para(document, "{{ 称谓 }}反映的“{{ 诉求摘要 }}”信访事项（事项编号：{{ 事项编号 }}），本机关已于{{ 受理日期 }}受理，"
                   "原定办结期限为{{ 原办结期限 }}。")
    para(document, "因{{ 延期理由 }}，该事项不能在原定期限内办结。根据《信访工作条例》第三十四条的规定，经{{ 批准人 }}批准，"
                   "办理期限延长{{ 延期天数 }}日，办结期限延至{{ 办结期限 }}。办理结果将以书面形式答复{{ 称谓 }}。")
    para(document, "特此告知。")
    signature_block(document)
    contact_note(document)
    receipt_block(document, "告知书")


def build_handling_opinion(document) -> None:  # noqa: ANN001
    header_block(document, "信访事项处理意见书")
    para(document, "{{ 信访人姓名 }}：", STYLE_PLAIN)
    para(document, "{{ 称谓 }}于{{ 来访日期 }}提出的信访事项（事项编号：{{ 事项编号 }}），本机关已于{{ 受理日期 }}受理。"
                   "经调查核实，根据《信访工作条例》第三十二条的规定，现将处理意见答复如下：")
    para(document, "一、投诉请求", STYLE_HEADING)
    para(document, "{{ 诉求摘要 }}")
    para(document, "二、事实和理由", STYLE_HEADING)
    para(document, "{{ 事实和理由 }}")
    para(document, "三、处理意见", STYLE_HEADING)
    para(document, "对{{ 称谓 }}的请求，本机关意见为：{{ 处理结果 }}。{{ 处理意见 }}")
    para(document, "四、法律法规依据", STYLE_HEADING)
    para(document, "{{ 处理依据 }}")
    para(document, "如{{ 称谓 }}对本处理意见不服，可以自收到本意见书之日起{{ 复查期限 }}内，向{{ 复查机关 }}书面请求复查"
                   "（{{ 复查依据 }}）。逾期未请求复查的，视为接受本处理意见。")
    signature_block(document)
    contact_note(document)
    receipt_block(document, "意见书")


def build_review_opinion(document) -> None:  # noqa: ANN001
    header_block(document, "信访事项复查意见书", authority="{{ 复查机关 }}")
    para(document, "{{ 信访人姓名 }}：", STYLE_PLAIN)
    para(document, "{{ 称谓 }}不服对信访事项（事项编号：{{ 事项编号 }}，诉求：{{ 诉求摘要 }}）的处理意见，"
                   "于{{ 复查申请日期 }}请求复查。根据《信访工作条例》第三十五条的规定，{{ 复查机关 }}进行了复查，"
                   "现提出复查意见如下：")
    para(document, "复查结论：{{ 复查结论 }}。", STYLE_HEADING)
    para(document, "{{ 复查意见 }}")
    para(document, "如{{ 称谓 }}对本复查意见不服，可以自收到本意见书之日起{{ 复核期限 }}内，向{{ 复核机关 }}书面请求复核"
                   "（{{ 复核依据 }}）。")
    signature_block(document, signer="{{ 复查机关 }}")
    contact_note(document)
    receipt_block(document, "意见书")


def build_re_review_opinion(document) -> None:  # noqa: ANN001
    header_block(document, "信访事项复核意见书", authority="{{ 复核机关 }}")
    para(document, "{{ 信访人姓名 }}：", STYLE_PLAIN)
    para(document, "{{ 称谓 }}不服对信访事项（事项编号：{{ 事项编号 }}，诉求：{{ 诉求摘要 }}）的复查意见，"
                   "于{{ 复核申请日期 }}请求复核。根据《信访工作条例》第三十六条的规定，{{ 复核机关 }}进行了复核，"
                   "现提出复核意见如下：")
    para(document, "复核结论：{{ 复核结论 }}。", STYLE_HEADING)
    para(document, "{{ 复核意见 }}")
    para(document, "本复核意见为信访程序的最终意见。根据《信访工作条例》第三十六条第三款的规定，{{ 称谓 }}对复核意见不服，"
                   "仍然以同一事实和理由提出投诉请求的，各级党委和政府信访部门和其他机关、单位不再受理。")
    signature_block(document, signer="{{ 复核机关 }}")
    contact_note(document)
    receipt_block(document, "意见书")


def build_supervision_letter(document) -> None:  # noqa: ANN001
    header_block(document, "信访事项督办函")
    para(document, "{{ 督办单位 }}：", STYLE_PLAIN)
    para(document, "{{ 交办日期 }}交你单位办理的信访事项（事项编号：{{ 事项编号 }}，信访人：{{ 信访人姓名 }}，"
                   "反映问题：{{ 诉求摘要 }}），办结期限为{{ 办结期限 }}（{{ 期限情况 }}），至今未报送办理结果。")
    para(document, "根据《信访工作条例》第四十条的规定，现予督办。督办要求：{{ 督办要求 }}")
    para(document, "请你单位于{{ 反馈期限 }}前将办理情况和结果书面报送{{ 信访部门 }}。对推诿、敷衍、拖延的，"
                   "将依照《信访工作条例》第四十五条的规定提出追责建议。")
    signature_block(document)
    contact_note(document)


def build_follow_up_record(document) -> None:  # noqa: ANN001
    header_block(document, "信访事项回访记录")
    form_table(document, [
        ("事项编号", "{{ 事项编号 }}", "回访日期", "{{ 回访日期 }}"),
        ("信访人", "{{ 信访人姓名 }}", "联系电话", "{{ 信访人电话 }}"),
        ("诉求摘要", "{{ 诉求摘要 }}"),
        ("责任单位", "{{ 责任单位 }}", "办理状态", "{{ 办理状态 }}"),
        ("回访方式", "{{ 回访方式 }}", "满意程度", "{{ 满意程度 }}"),
        ("回访情况", "{{ 回访情况 }}"),
        ("回访人", "{{ 回访人 }}", "记录日期", "{{ 发文日期 }}"),
    ], FORM_WIDTHS)
    para(document, "", STYLE_NOTE)
    para(document, "注：信访人表示不满意的，可以申请复查（自收到书面答复之日起30日内，《信访工作条例》第三十五条），"
                   "或者由本机关重新办理。", STYLE_NOTE)


def build_leader_reception_notice(document) -> None:  # noqa: ANN001
    header_block(document, "领导接访通知书")
    para(document, "{{ 信访人姓名 }}：", STYLE_PLAIN)
    para(document, "{{ 称谓 }}反映的“{{ 诉求摘要 }}”问题（事项编号：{{ 事项编号 }}），经安排，定于{{ 接访日期 }}（{{ 接访星期 }}）"
                   "{{ 接访时间 }}，由{{ 约见领导 }}在{{ 接访地点 }}接待{{ 称谓 }}。")
    para(document, "请{{ 称谓 }}携带本人身份证件和有关材料准时到达。多人反映共同诉求的，请推选不超过5名代表"
                   "（《信访工作条例》第二十条）。如不能按时到达，请提前与{{ 信访部门 }}联系（电话：{{ 信访部门电话 }}）"
                   "另行约定时间。")
    para(document, "特此通知。")
    signature_block(document)
    receipt_block(document, "通知书")


ROW_HEADERS_UNIT = ("序号", "时间", "事项编号", "信访人", "诉求摘要")
ROW_CELLS_UNIT = ("{{ 行.序号 }}", "{{ 行.接访时间 }}", "{{ 行.事项编号 }}", "{{ 行.信访人 }}", "{{ 行.诉求摘要 }}")


def build_unit_attendance_notice(document) -> None:  # noqa: ANN001
    header_block(document, "参与接访通知书")
    para(document, "{{ 单位名称 }}：", STYLE_PLAIN)
    para(document, "定于{{ 接访日期 }}（{{ 接访星期 }}）在{{ 接访地点 }}举行领导接访日活动，接访领导：{{ 接访领导 }}。"
                   "下列{{ 事项件数 }}件信访事项涉及你单位职责，请你单位负责人携带有关材料准时参加，"
                   "并提前核实情况、提出初步处理意见。")
    list_table(document, ROW_HEADERS_UNIT, ROW_CELLS_UNIT, "事项列表", (12, 18, 33, 24, 69))
    para(document, "", STYLE_NOTE)
    para(document, "注：检举控告类事项不列信访人身份，不得将检举、揭发材料以及有关情况透露或者转给被检举、揭发的人员"
                   "或者单位（《信访工作条例》第三十条）。", STYLE_NOTE)
    signature_block(document)
    contact_note(document)


def build_leader_brief(document) -> None:  # noqa: ANN001
    header_block(document, "接待信访人通知书（接访呈报单）", authority="{{ 信访部门 }}")
    para(document, "{{ 接访领导 }}：", STYLE_PLAIN)
    para(document, "{{ 接访日期 }}（{{ 接访星期 }}）在{{ 接访地点 }}的领导接访日已预约{{ 事项件数 }}件信访事项，"
                   "现将信访人、诉求和既往信访情况呈报如下，请审阅。")
    list_table(document, ("序号", "时间", "信访人", "诉求摘要", "既往信访及标记", "责任单位"),
               ("{{ 行.序号 }}", "{{ 行.接访时间 }}", "{{ 行.信访人 }}\n{{ 行.所属村 }}",
                "{{ 行.事项编号 }}\n{{ 行.诉求摘要 }}", "{{ 行.既往信访 }}\n{{ 行.事项标记 }}", "{{ 行.责任单位 }}"),
               "事项列表", (12, 18, 24, 64, 22, 16))
    para(document, "以上事项，请审阅。")
    signature_block(document, signer="{{ 信访部门 }}", seal=False)
    para(document, "领导批示：", STYLE_PLAIN)
    para(document, "", STYLE_PLAIN)
    para(document, "", STYLE_PLAIN)


def build_supervision_notice(document) -> None:  # noqa: ANN001
    header_block(document, "督办通知书")
    para(document, "{{ 单位名称 }}：", STYLE_PLAIN)
    para(document, "{{ 接访日期 }}，{{ 约见领导 }}在领导接访日接待了信访人{{ 信访人姓名 }}（事项编号：{{ 事项编号 }}），"
                   "信访人反映：{{ 诉求摘要 }}。")
    para(document, "领导批示：{{ 领导批示 }}", STYLE_HEADING)
    para(document, "根据《信访工作条例》第四十条的规定，请你单位按照领导批示抓紧办理，于{{ 办结期限 }}前办结，"
                   "并于{{ 反馈期限 }}前将办理情况和结果书面报送{{ 信访部门 }}。")
    signature_block(document)
    contact_note(document)


def build_reception_schedule(document) -> None:  # noqa: ANN001
    header_block(document, "领导接访安排表", authority="{{ 信访部门 }}")
    para(document, "（{{ 起止日期 }}）", STYLE_NUMBER).alignment = WD_ALIGN_PARAGRAPH.CENTER
    list_table(document, ("日期", "星期", "接访领导", "接访地点", "预约数", "备注"),
               ("{{ 行.日期 }}", "{{ 行.星期 }}", "{{ 行.接访领导 }}", "{{ 行.接访地点 }}", "{{ 行.预约件数 }}",
                "{{ 行.备注 }}"),
               "安排", (42, 16, 30, 30, 16, 22), loop_var="行")
    para(document, "", STYLE_NOTE)
    para(document, "接访日逢法定节假日顺延至其后第一个工作日。来访群众请携带身份证件；联系电话：{{ 信访部门电话 }}。",
         STYLE_NOTE)
    signature_block(document, signer="{{ 信访部门 }}", seal=False)


def build_work_report(document) -> None:  # noqa: ANN001
    header_block(document, "{{ 报告期间 }}信访工作情况报告")
    para(document, "{{ 上一级机关 }}：", STYLE_PLAIN)
    para(document, "现将{{ 报告期间 }}信访工作情况报告如下（统计截至{{ 统计截至 }}）。")
    para(document, "一、总体情况", STYLE_HEADING)
    para(document, "{{ 报告期间 }}共登记信访事项{{ 事项总数 }}件，环比{{ 环比 }}，同比{{ 同比 }}；来信来访{{ 来访批次 }}批"
                   "{{ 来访人次 }}人次，其中集体访{{ 集体访 }}件、越级访{{ 越级访 }}件、重复访{{ 重复访 }}件。"
                   "督办{{ 督办次数 }}次，领导接访接待{{ 领导接待 }}件。")
    para(document, "二、主要指标", STYLE_HEADING)
    para(document, "及时受理率{{ 及时受理率 }}，按期办结率{{ 按期办结率 }}，化解率{{ 化解率 }}，满意率{{ 满意率 }}。")
    list_table(document, ("指标", "分子", "分母", "比率"),
               ("{{ 率.指标 }}", "{{ 率.分子 }}", "{{ 率.分母 }}", "{{ 率.比率 }}"), "比率表", (32, 54, 54, 26), loop_var="率")
    para(document, "三、问题类别", STYLE_HEADING)
    list_table(document, ("问题类别", "件数", "占比"), ("{{ 类.名称 }}", "{{ 类.件数 }}", "{{ 类.占比 }}"), "类别表",
               (80, 40, 46), loop_var="类")
    para(document, "四、责任单位按期办结率排名", STYLE_HEADING)
    list_table(document, ("名次", "责任单位", "到期了结", "按期办结", "按期办结率", "通报"),
               ("{{ 行.名次 }}", "{{ 行.单位 }}", "{{ 行.到期 }}", "{{ 行.按期 }}", "{{ 行.办结率 }}", "{{ 行.通报 }}"),
               "单位排名", (16, 42, 24, 24, 28, 32))
    para(document, "本期通报单位：{{ 通报单位 }}。")
    para(document, "特此报告。")
    signature_block(document)
    para(document, "", STYLE_NOTE)
    para(document, "统计口径：{{ 统计口径 }}", STYLE_NOTE)


def build_rectification_notice(document) -> None:  # noqa: ANN001
    header_block(document, "限期整改督查通知书")
    para(document, "{{ 单位名称 }}：", STYLE_PLAIN)
    para(document, "根据信访工作通报制度，你单位{{ 通报月份 }}连续{{ 连续月数 }}个月按期办结率排名位列后{{ 后几名 }}名"
                   "（本月按期办结率{{ 本月按期办结率 }}，办理超期{{ 超期件数 }}件）。")
    para(document, "现发出限期整改督查通知，请你单位认真查找原因，对超期事项逐件提出办理措施，写出书面整改意见和整改措施，"
                   "于{{ 报送期限 }}前报送{{ 信访部门 }}，由{{ 机关名称 }}主管领导审定。连续3个月被通报为后几名的，"
                   "单位党政主要领导须作出书面检查，并在年终信访工作考核时扣分降等。")
    signature_block(document)
    contact_note(document)


BUILDERS = {
    "registration_form": build_registration_form,
    "acceptance_notice": build_acceptance_notice,
    "non_acceptance_notice": build_non_acceptance_notice,
    "non_reacceptance_notice": build_non_reacceptance_notice,
    "legal_channel_notice": build_legal_channel_notice,
    "transfer_form": build_transfer_form,
    "transfer_notice": build_transfer_notice,
    "extension_notice": build_extension_notice,
    "handling_opinion": build_handling_opinion,
    "review_opinion": build_review_opinion,
    "re_review_opinion": build_re_review_opinion,
    "supervision_letter": build_supervision_letter,
    "follow_up_record": build_follow_up_record,
    "leader_reception_notice": build_leader_reception_notice,
    "unit_attendance_notice": build_unit_attendance_notice,
    "leader_brief": build_leader_brief,
    "supervision_notice": build_supervision_notice,
    "reception_schedule": build_reception_schedule,
    "work_report": build_work_report,
    "rectification_notice": build_rectification_notice,
}


def build_template(key: str):  # noqa: ANN201
    document = new_document()
    BUILDERS[key](document)
    props = document.core_properties
    props.title = KINDS_BY_KEY[key].name
    props.author = "xfdesk"
    props.revision = 1
    props.created = props.modified = dt.datetime(2026, 1, 1)
    props.comments = "xfdesk 文书模板：字段写在双花括号中，可用字段见 xfdesk doc fields"
    return document


def _save_reproducibly(document, path: Path) -> None:  # noqa: ANN001
    """Save with fixed zip timestamps, so rebuilding unchanged templates leaves the files (and git) unchanged."""
    import io
    import zipfile

    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(item.filename))


def build_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for key, kind in KINDS_BY_KEY.items():
        path = folder / kind.file_name
        _save_reproducibly(build_template(key), path)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    from xfdesk.paths import SHIPPED_TEMPLATES_DIR

    argv = sys.argv[1:] if argv is None else argv
    folder = Path(argv[0]) if argv else SHIPPED_TEMPLATES_DIR
    for path in build_all(folder):
        print(f"已生成 {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
