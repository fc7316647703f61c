"""Filling DOCX templates safely: docxtpl inside a sandboxed, autoescaping, strict Jinja2 environment.

Offices edit the templates in Word or WPS, so before anything is filled the template is checked against its kind's
field catalogue: an unknown or misspelt field, a syntax error, full-width ``｛｛`` braces typed by an IME, or any
attempt to call code is reported in Chinese, by name, instead of printing a blank or running it.

Rendering is bounded so a hostile or mistaken template cannot take the clerk's PC down: loops only over the kind's
list fields, no powers, no ``set``; at run time string repetition, ``replace`` and ``join`` are capped, the output
of every part is counted as it is produced (size and time), and the saved file has a size limit. A refused render
raises ``RenderError`` in Chinese before any number is taken.
"""

from __future__ import annotations

import difflib
import io
import re
import time
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from xfdesk.documents.fields import clean_value, field_names, list_fields
from xfdesk.documents.refusals import RenderError, RenderLimit, TemplateProblem
from xfdesk.documents.kinds import DocumentKind

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_W = f"{{{W_NS}}}"

# Filters a template may use: plain text shaping only. Everything else (and any call) is refused at check time.
ALLOWED_FILTERS = frozenset({"upper", "lower", "trim", "length", "join", "replace", "truncate", "first", "last"})
ALLOWED_TESTS = frozenset({"defined", "none", "number", "string", "equalto", "eq", "ne", "sameas"})

_FULL_WIDTH = re.compile(r"[｛｝]{2}|[｛｝][{}%]|[{}%][｛｝]|｛\s*%|%\s*｝")


@dataclass(frozen=True)
class TemplatePart:
    where: str  # 正文 / 页眉 / 页脚
    source: str  # the XML after docxtpl has merged runs, as Jinja sees it


# Bounds of one render. A filled notice's XML is a few hundred KB (a reception day's brief of 60 bookings ~1 MB).
MAX_PART_CHARS = 8_000_000  # the XML of one part (body, a header, a footer) as the template produces it
MAX_VALUE_CHARS = 200_000  # one value made inside the template (repetition, replace, join)
MAX_RENDER_SECONDS = 15.0
MAX_DOCX_BYTES = 10 * 1024 * 1024
MAX_LOOP_DEPTH = 2  # a table row loop, and one inside it at most


def _limited_text(value: Any, what: str) -> Any:
    if isinstance(value, str) and len(value) > MAX_VALUE_CHARS:
        raise RenderLimit(f"模板中的{what}产生了过长的文字（超过{MAX_VALUE_CHARS}字），已停止填写")
    return value


class _Environment(SandboxedEnvironment):
    """A sandbox that also remembers compiled templates: the same template file compiles once per process."""

    intercepted_binops = frozenset({"*", "**", "+", "//", "%"})

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
        # Nothing but the fields: no range, cycler, joiner, namespace, lipsum, dict.
        self.globals.clear()
        self._compiled: dict[str, Any] = {}
        replace, join = self.filters["replace"], self.filters["join"]

        def safe_replace(eval_ctx, s, old, new, count=None):  # noqa: ANN001, ANN202
            text, old_t, new_t = str(s), str(old), str(new)
            hits = (len(text) + 1) if old_t == "" else text.count(old_t)
            if len(text) + hits * max(len(new_t) - len(old_t), 0) > MAX_VALUE_CHARS:
                raise RenderLimit(f"模板中的“replace”替换会产生过长的文字（超过{MAX_VALUE_CHARS}字），已停止填写")
            return replace(eval_ctx, s, old, new, count)

        def safe_join(eval_ctx, value, d="", attribute=None):  # noqa: ANN001, ANN202
            return _limited_text(join(eval_ctx, value, d, attribute), "“join”")

        for name, fn, original in (("replace", safe_replace, replace), ("join", safe_join, join)):
            fn.jinja_pass_arg = original.jinja_pass_arg  # type: ignore[attr-defined]
            self.filters[name] = fn
        self.concat = self._bounded_concat  # type: ignore[method-assign]

    def call_binop(self, context, operator, left, right):  # noqa: ANN001, ANN201
        if operator == "**":
            raise RenderLimit("模板中不允许乘方运算，已停止填写")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) \
                        and len(seq) * max(times, 0) > MAX_VALUE_CHARS:
                    raise RenderLimit(f"模板中的重复（*）会产生过长的文字（超过{MAX_VALUE_CHARS}字），已停止填写")
            if isinstance(left, int) and isinstance(right, int) and \
                    max(abs(left), abs(right)).bit_length() > 256:
                raise RenderLimit("模板中的乘法数值过大，已停止填写")
        result = super().call_binop(context, operator, left, right)
        return _limited_text(result, "运算") if operator == "+" else result

    @staticmethod
    def _bounded_concat(chunks) -> str:  # noqa: ANN001
        """``"".join`` over the output as Jinja produces it, stopped when it grows too long or takes too long."""
        out: list[str] = []
        size = 0
        started = time.monotonic()
        for i, chunk in enumerate(chunks):
            size += len(chunk)
            if size > MAX_PART_CHARS:
                raise RenderLimit(f"模板填写后的内容过长（超过{MAX_PART_CHARS // 10000}万字符），"
                                  "可能是模板中的循环或替换写错了，已停止填写")
            if i % 64 == 0 and time.monotonic() - started > MAX_RENDER_SECONDS:
                raise RenderLimit(f"模板填写超过{int(MAX_RENDER_SECONDS)}秒仍未完成，已停止填写")
            out.append(chunk)
        return "".join(out)

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002, ANN001, ANN201
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        template = self._compiled.get(source)
        if template is None:
            if len(self._compiled) > 64:
                self._compiled.clear()
            template = self._compiled[source] = super().from_string(source)
        return template


_ENV = _Environment()


def environment() -> SandboxedEnvironment:
    return _ENV


# -- reading a template -------------------------------------------------------------------------------------------

def template_parts(path: Path | str | io.BytesIO) -> list[TemplatePart]:
    """Body, headers and footers as Jinja sees them (runs split by Word already merged by docxtpl)."""
    tpl = DocxTemplate(path)
    tpl.init_docx()
    parts = [TemplatePart("正文", tpl.patch_xml(tpl.get_xml()))]
    for uri, where in ((tpl.HEADER_URI, "页眉"), (tpl.FOOTER_URI, "页脚")):
        for _rel, part in tpl.get_headers_footers(uri):
            parts.append(TemplatePart(where, tpl.patch_xml(tpl.get_part_xml(part))))
    props = tpl.docx.core_properties
    # docxtpl fills these document properties too, so a field there must be checked like any other
    for attr in ("author", "comments", "identifier", "language", "subject", "title"):
        value = getattr(props, attr) or ""
        if "{" in value or "｛" in value:
            parts.append(TemplatePart("文档属性", value))
    return parts


def _visible_text(xml: str) -> str:
    return re.sub(r"<[^>]+>", "", xml)


def _nearby(source: str, lineno: int | None) -> str:
    if not lineno:
        return ""
    lines = source.splitlines()
    text = _visible_text("".join(lines[max(lineno - 2, 0):lineno + 1])).strip()
    return text[:60]


_BLOCK_PAIRS = ("endfor", "endif", "else", "elif", "for ", "if ")


def _paragraphs(source: str) -> list[str]:
    return [_visible_text(p) for p in re.findall(r"<w:p[ >].*?</w:p>", source, flags=re.DOTALL)]


def _culprit(source: str) -> tuple[str, TemplateSyntaxError | None]:
    """The paragraph a syntax error is in: the first whose own text does not parse for a reason other than a
    block ({% if %} … {% endif %}) that opens or closes in another paragraph."""
    for text in _paragraphs(source):
        if "{" not in text and "}" not in text and "%" not in text:
            continue
        try:
            _ENV.parse(text)
        except TemplateSyntaxError as exc:
            raw = (exc.message or "").lower()
            spans = "unexpected end of template" in raw or "unknown tag 'end" in raw or "unknown tag 'el" in raw
            if spans and not re.search(r"\{\{[^}]*$|^[^{]*\}\}", text):
                continue
            return text.strip(), exc
    # a block opened in one paragraph and never closed (or closed without being opened)
    stack: list[tuple[str, str]] = []
    for text in _paragraphs(source):
        for tag in re.findall(r"\{%-?\s*(for|if|endfor|endif)\b", text):
            if tag in ("for", "if"):
                stack.append((tag, text.strip()))
            elif stack and stack[-1][0] == tag[3:]:
                stack.pop()
            else:
                return text.strip(), None
    if stack:
        return stack[-1][1], None
    return "", None


def _syntax_detail(raw: str) -> str:
    low = raw.lower()
    if "unexpected end of template" in low or "missing end of" in low:
        return "缺少结束标记（如 {% endif %}、{% endfor %} 或 }}）"
    if "unexpected char" in low:
        return "有不能识别的字符（字段名只能用汉字、字母、数字和下划线，不能含空格或标点）"
    if "unexpected '}'" in low or "unexpected '%'" in low or "got '{'" in low or "got '}'" in low:
        return "花括号不成对或多了花括号（字段应写成 {{ 字段名 }}，两边各两个半角花括号）"
    if "expected token" in low or "unexpected" in low:
        return "“{{ }}”或“{% %}”里的内容不完整（如缺少字段名、多了符号或花括号没有成对）"
    if "unknown tag" in low or "encountered unknown tag" in low:
        return "有不认识的 {% … %} 标记（只能用 if、for 和对应的 endif、endfor）"
    if "block" in low and "defined twice" in low:
        return "同一个 block 定义了两次"
    return "格式不正确"


def _syntax_message(exc: TemplateSyntaxError, part: TemplatePart) -> str:
    text, own = _culprit(part.source)
    if text:
        snippet = text if len(text) <= 40 else text[:40] + "…"
        where = f"{part.where}段落“{snippet}”"
    else:
        near = _nearby(part.source, exc.lineno)
        where = f"{part.where}“{near}”附近" if near else part.where
    return f"{where}：模板语法错误，{_syntax_detail((own or exc).message or '')}"


def _suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)
    return ("，是否应为" + "或".join(f"“{c}”" for c in close) + "？") if close else ""


def _check_ast(tree: nodes.Template, kind: DocumentKind, where: str) -> list[str]:
    """Refuse unknown fields, calls and internal attributes; the sandbox stays as a second line of defence."""
    known = field_names(kind)
    lists = list_fields(kind)
    problems: list[str] = []
    loop_vars: dict[str, str] = {}  # loop variable → list field
    for loop in tree.find_all(nodes.For):
        if isinstance(loop.target, nodes.Name) and isinstance(loop.iter, nodes.Name):
            loop_vars[loop.target.name] = loop.iter.name
    bound = set(loop_vars) | {"loop"}
    for assign in tree.find_all((nodes.Assign, nodes.AssignBlock)):
        targets = [assign.target, *assign.target.find_all(nodes.Name)]
        bound |= {t.name for t in targets if isinstance(t, nodes.Name)}

    for _pow in tree.find_all(nodes.Pow):
        problems.append(f"{where}：模板中不允许乘方运算（已拒绝执行）")
        break
    for mul in tree.find_all(nodes.Mul):
        sides = [n.value for n in (mul.left, mul.right) if isinstance(n, nodes.Const)]
        if any(isinstance(v, int) and not isinstance(v, bool) and abs(v) > 100 for v in sides) or \
                not any(isinstance(n, nodes.Const) for n in (mul.left, mul.right)):
            problems.append(f"{where}：模板中的乘法或重复（*）只能乘以不超过100的数字（已拒绝执行）")
            break
    for _assign in tree.find_all((nodes.Assign, nodes.AssignBlock)):
        problems.append(f"{where}：模板中不允许使用 {{% set %}} 赋值")
        break
    problems.extend(_loop_problems(tree, lists, where))
    for _call in tree.find_all(nodes.Call):
        problems.append(f"{where}：模板中不允许调用函数或方法（已拒绝执行）")
        break
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        attr = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
        if isinstance(attr, str) and attr.startswith("_"):
            problems.append(f"{where}：模板试图访问内部属性“{attr}”，已拒绝")
            continue
        base = node.node
        if isinstance(base, nodes.Name) and base.name in loop_vars and isinstance(attr, str):
            items = lists.get(loop_vars[base.name], set())
            if attr not in items:
                problems.append(f"{where}：未知字段“{base.name}.{attr}”{_suggest(attr, items)}"
                                f"（{loop_vars[base.name]}的每行可用：{'、'.join(sorted(items))}）")
        elif isinstance(base, nodes.Name) and base.name == "loop":
            continue
        else:
            problems.append(f"{where}：字段不能这样取值（“{_describe_node(node)}”）")
    for node in tree.find_all(nodes.Filter):
        if node.name not in ALLOWED_FILTERS:
            problems.append(f"{where}：不允许使用过滤器“{node.name}”")
    for node in tree.find_all(nodes.Test):
        if node.name not in ALLOWED_TESTS:
            problems.append(f"{where}：不允许使用判断“{node.name}”")
    for node in tree.find_all(nodes.Name):
        if node.ctx != "load" or node.name in bound:
            continue
        if node.name not in known:
            problems.append(f"{where}：未知字段“{node.name}”{_suggest(node.name, known)}")
    for node in tree.find_all(nodes.Output):
        for child in node.nodes:
            if isinstance(child, nodes.Name) and child.name in lists:
                problems.append(f"{where}：字段“{child.name}”是多行列表，只能放在 {{%tr for 行 in {child.name} %}} 中使用")
    for node in tree.find_all((nodes.Macro, nodes.Import, nodes.FromImport, nodes.Include, nodes.Extends,
                               nodes.CallBlock)):
        problems.append(f"{where}：模板中不允许使用 {type(node).__name__} 标记")
    return list(dict.fromkeys(problems))


def _loop_problems(tree: nodes.Template, lists: dict[str, set[str]], where: str) -> list[str]:
    """Loops only over the kind's list fields (rows of a table), nested at most ``MAX_LOOP_DEPTH`` deep: a loop
    over a text field (its characters) or loops nested inside each other would run without end on the PC."""
    problems: list[str] = []

    def walk(node: nodes.Node, depth: int) -> None:
        for child in node.iter_child_nodes():
            inner = depth
            if isinstance(child, nodes.For):
                inner = depth + 1
                if not (isinstance(child.iter, nodes.Name) and child.iter.name in lists):
                    what = child.iter.name if isinstance(child.iter, nodes.Name) else _describe_node(child.iter)
                    names = "、".join(sorted(lists)) or "（本文书没有多行列表字段）"
                    problems.append(f"{where}：循环只能用于多行列表字段（{names}），不能对“{what}”循环")
                if inner > MAX_LOOP_DEPTH:
                    problems.append(f"{where}：循环嵌套超过{MAX_LOOP_DEPTH}层，已拒绝")
            walk(child, inner)

    walk(tree, 0)
    return list(dict.fromkeys(problems))


def _describe_node(node: nodes.Node) -> str:
    if isinstance(node, nodes.Getattr):
        return f"{_describe_node(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        return f"{_describe_node(node.node)}[…]"
    if isinstance(node, nodes.Name):
        return node.name
    return type(node).__name__


def _full_width_problems(part: TemplatePart) -> list[str]:
    problems = []
    for paragraph in re.findall(r"<w:p[ >].*?</w:p>", part.source, flags=re.DOTALL) or [part.source]:
        text = _visible_text(paragraph)
        m = _FULL_WIDTH.search(text)
        if m:
            snippet = text[max(m.start() - 8, 0):m.end() + 12]
            problems.append(f"{part.where}“{snippet}”：有全角花括号“｛｝”（中文输入法打出的），"
                            "请改为半角“{{ }}”")
    return problems


def check_template(path: Path | str | io.BytesIO, kind: DocumentKind, *, label: str | None = None) -> list[str]:
    """Every problem of the template for ``kind``, in Chinese; an empty list means it can be used."""
    label = label or (Path(path).name if isinstance(path, (str, Path)) else kind.file_name)
    if isinstance(path, (str, Path)) and not Path(path).exists():
        return [f"找不到模板文件 {path}"]
    try:
        parts = template_parts(path)
    except (zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as exc:
        return [f"不是有效的 Word 文档（.docx）：{exc}"]
    except Exception as exc:  # python-docx raises several kinds on a damaged package
        return [f"无法打开模板：{type(exc).__name__}: {exc}"]
    problems: list[str] = []
    for part in parts:
        problems.extend(_full_width_problems(part))
        try:
            tree = _ENV.parse(part.source)
        except TemplateSyntaxError as exc:
            problems.append(_syntax_message(exc, part))
            continue
        problems.extend(_check_ast(tree, kind, part.where))
    return problems


def require_valid(path: Path | str | io.BytesIO, kind: DocumentKind, *, label: str | None = None) -> None:
    problems = check_template(path, kind, label=label)
    if problems:
        raise TemplateProblem(label or kind.file_name, problems)


# -- filling ------------------------------------------------------------------------------------------------------

_checked: dict[tuple[str, float, int, str], None] = {}


def _ensure_checked(path: Path, kind: DocumentKind) -> None:
    stat = path.stat()
    key = (str(path), stat.st_mtime, stat.st_size, kind.key)
    if key not in _checked:
        require_valid(path, kind, label=path.name)
        _checked[key] = None


def render_docx(template: Path | str, kind: DocumentKind, values: Mapping[str, Any],
                target: Path | str | io.BytesIO) -> None:
    """Check the template (once per file version), fill it with ``values`` and save to ``target``."""
    path = Path(template)
    if not path.exists():
        raise TemplateProblem(path.name, [f"找不到模板文件 {path}"])
    _ensure_checked(path, kind)
    missing = sorted(field_names(kind) - set(values))
    if missing:  # a builder bug, not the office's: still never a blank on paper
        raise RenderError(f"缺少字段的值：{'、'.join(missing)}")
    context = {k: clean_value(v) for k, v in values.items()}
    tpl = DocxTemplate(path)
    try:
        tpl.render(context, _ENV, autoescape=True)
    except RenderError:
        raise
    except (MemoryError, RecursionError, OverflowError):
        raise RenderError(f"模板“{path.name}”填写时占用内存或运算过大，已停止填写（请用 xfdesk doc check 检查模板）"
                          ) from None
    except SecurityError as exc:
        raise RenderError(f"模板“{path.name}”试图执行不允许的操作，已拒绝：{exc}") from None
    except UndefinedError as exc:
        raise RenderError(f"模板“{path.name}”使用了没有值的字段：{exc.message}") from None
    except TemplateError as exc:
        raise RenderError(f"模板“{path.name}”无法填写：{exc}") from None
    _issued_properties(tpl.docx, kind, context)
    buffer = io.BytesIO()
    tpl.save(buffer)
    if buffer.tell() > MAX_DOCX_BYTES:
        raise RenderLimit(f"模板“{path.name}”填写后的文件过大（{buffer.tell() // (1024 * 1024)} MB，上限 "
                          f"{MAX_DOCX_BYTES // (1024 * 1024)} MB），已停止，不编号")
    data = buffer.getvalue()
    if isinstance(target, io.BytesIO):
        target.write(data)
    else:
        Path(target).write_bytes(data)


def _issued_properties(document, kind: DocumentKind, values: Mapping[str, Any]) -> None:  # noqa: ANN001
    """An issued file says what it is, not what the template was: no template description, author or dates, no
    "Microsoft Macintosh Word"; the East Asian theme language Chinese (python-docx's default is ja-JP)."""
    from datetime import datetime

    props = document.core_properties
    number = str(values.get("文号", "") or "")
    props.title = f"{kind.name} {number}".strip()
    props.author = str(values.get("机关名称", "") or "")
    props.last_modified_by = str(values.get("经办人", "") or "")
    props.comments = props.subject = props.keywords = props.category = ""
    props.identifier = number
    props.revision = 1
    stamp = datetime.now().replace(microsecond=0)
    props.created = props.modified = stamp
    settings = document.settings.element
    lang = settings.find(f"{_W}themeFontLang")
    if lang is not None:
        lang.set(f"{_W}eastAsia", "zh-CN")
    _rewrite_app_properties(document)


_APP_RELTYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"


def _rewrite_app_properties(document) -> None:  # noqa: ANN001
    """docProps/app.xml names the program that made the template (Microsoft Macintosh Word) and its counts;
    an issued document names this program and nothing else."""
    package = document.part.package
    for rel in package.rels.values():
        if rel.reltype == _APP_RELTYPE and not rel.is_external:
            part = rel.target_part
            part._blob = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                          b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
                          b'extended-properties"><Application>xfdesk</Application><DocSecurity>0</DocSecurity>'
                          b'</Properties>')


# -- reading the result back --------------------------------------------------------------------------------------

def _paragraph_text(p: etree._Element) -> str:
    out: list[str] = []
    for el in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br"):
        # skip text of nested paragraphs (text boxes) and of the legacy fallback copy of a text box
        owner = next(el.iterancestors(f"{_W}p"), None)
        if owner is not p or any(a.tag == f"{{{MC_NS}}}Fallback" for a in el.iterancestors()):
            continue
        if el.tag == f"{_W}t":
            out.append((el.text or "").replace("\u2011", "-"))
        elif el.tag == f"{_W}tab":
            out.append("\t")
        else:
            out.append("\n")
    return "".join(out)


def _walk(element: etree._Element, lines: list[str]) -> None:
    """Paragraphs in reading order; a table row becomes one line with its cells separated by a wide space."""
    for child in element:
        if child.tag == f"{_W}p":
            lines.append(_paragraph_text(child))
            for box in child.iter(f"{_W}txbxContent"):
                in_fallback = any(a.tag == f"{{{MC_NS}}}Fallback" for a in box.iterancestors())
                if not in_fallback and next(box.iterancestors(f"{_W}p"), None) is child:
                    _walk(box, lines)
        elif child.tag == f"{_W}tbl":
            for tr in child.iterchildren(f"{_W}tr"):
                cells = []
                for tc in tr.iterchildren(f"{_W}tc"):
                    inner: list[str] = []
                    _walk(tc, inner)
                    cells.append(" ".join(t.strip() for t in inner if t.strip()))
                row = "　".join(c for c in cells if c)
                if row:
                    lines.append(row)
        elif len(child):
            _walk(child, lines)


def _part_text(xml: bytes) -> list[str]:
    lines: list[str] = []
    _walk(etree.fromstring(xml), lines)
    return lines


def docx_text(source: Path | str | bytes | io.BytesIO) -> str:
    """The text of a DOCX as printed: headers, body (tables and text boxes included), footers, one line a paragraph."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    with zipfile.ZipFile(source) as z:
        names = z.namelist()
        headers = sorted(n for n in names if re.fullmatch(r"word/header\d*\.xml", n))
        footers = sorted(n for n in names if re.fullmatch(r"word/footer\d*\.xml", n))
        chunks: list[str] = []
        for name in headers + ["word/document.xml"] + footers:
            chunks.extend(_part_text(z.read(name)))
    text = "\n".join(chunks)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")
