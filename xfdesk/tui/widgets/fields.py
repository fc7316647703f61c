"""Form building blocks: a labelled field (one line, or a text area for paragraphs) with its own error line, and a
choice field typed by pinyin.

User text is never parsed as markup: Input values are literal by nature, and labels/errors are built as ``Content``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.geometry import Region
from textual.suggester import Suggester
from textual.widgets import Input, Static, TextArea


def lit(value: object) -> Text:
    """A table cell / renderable that shows ``value`` exactly as typed (DataTable parses plain str as markup)."""
    return Text("" if value is None else str(value), no_wrap=True, overflow="ellipsis")


def plain(value: object) -> Content:
    """Literal content for Static/Label widgets."""
    return Content("" if value is None else str(value))


class ChoiceSuggester(Suggester):
    """Completes a choice from its Chinese prefix (拼音首字母 are resolved on leaving the field, see ChoiceInput)."""

    def __init__(self, options: Sequence[str]):
        super().__init__(use_cache=False, case_sensitive=True)
        self.options = list(options)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        return next((o for o in self.options if o.startswith(value) and o != value), None)


def resolve_choice(text: str, options: Iterable[str]) -> str | None:
    """The option the clerk meant: exact, unique Chinese prefix, pinyin initials (``cxjs`` → 城乡建设) or the start of
    the full pinyin (``nv`` → 女, ``chengx`` → 城乡建设); None when nothing or more than one option fits."""
    text = (text or "").strip()
    if not text:
        return None
    options = list(options)
    if text in options:
        return text
    prefixed = [o for o in options if o.startswith(text)]
    if len(prefixed) == 1:
        return prefixed[0]
    if not text.isascii():
        return None
    low = text.lower().replace(" ", "")
    for keys in (_initials, _full_pinyin):
        exact = [o for o in options if keys(o) == low]
        if len(exact) == 1:
            return exact[0]
        starts = [o for o in options if keys(o).startswith(low)]
        if len(starts) == 1:
            return starts[0]
    return None


@lru_cache(maxsize=1024)
def _initials(option: str) -> str:
    from xfdesk.domain.names import initials  # a word's initials (解释说明 jssm), not a name's (解缙 xj)

    return initials(option)


def _full_pinyin(option: str) -> str:
    from xfdesk.domain.names import full_pinyin  # single-character readings only (no phrase dictionary in memory)

    return full_pinyin(option)


class FieldInput(Input):
    """A one-line input that remembers which form field it is (``field_path``) for error mapping and drafts."""

    def __init__(self, field_path: str, value: str = "", *, placeholder: str = "", id: str | None = None,
                 max_length: int = 0, restrict: str | None = None, suggester: Suggester | None = None):
        super().__init__(value=value, placeholder=placeholder, id=id, max_length=max_length, restrict=restrict,
                         suggester=suggester, select_on_focus=False)
        self.field_path = field_path

    def on_blur(self) -> None:
        # A long entry left showing its end (``…建房占用我家宅基地`` without the ``反映`` it starts with) reads as a
        # different demand: once focus leaves, the field shows its start. The cursor stays where it was.
        self.scroll_to(x=0, animate=False, immediate=True)

    def on_focus(self) -> None:
        # back in the field, the cursor is on screen again (the view was left at the start on blur)
        offset = getattr(self, "_cursor_offset", None)
        if isinstance(offset, int):
            self.scroll_to_region(Region(offset, 0, width=1, height=1), force=True, animate=False)


class ChoiceInput(FieldInput):
    """A field with a list of allowed values; typing pinyin initials and leaving the field fills in the choice."""

    def __init__(self, field_path: str, options: Sequence[str], value: str = "", *, placeholder: str = "",
                 id: str | None = None):
        super().__init__(field_path, value, placeholder=placeholder, id=id, suggester=ChoiceSuggester(options))
        self.options = list(options)

    def resolve(self) -> None:
        chosen = resolve_choice(self.value, self.options)
        if chosen is not None and chosen != self.value:
            self.value = chosen

    def on_blur(self) -> None:  # runs before FieldInput.on_blur (the MRO's order), which then shows the start
        self.resolve()


class FieldTextArea(TextArea):
    """A multi-line field (详细情况): soft-wrapped, Enter starts a new line, Tab moves on to the next field.

    ``value`` mirrors Input's so the form reads and writes every field the same way.
    """

    BINDINGS = [
        # TextArea takes F6/F7 for selecting; on the desk F6 is the reception days everywhere
        Binding("f6", "app.reception", "接访日", show=False),
    ]

    def __init__(self, field_path: str, value: str = "", *, placeholder: str = "", id: str | None = None):
        super().__init__(value, id=id, soft_wrap=True, tab_behavior="focus", show_line_numbers=False,
                         compact=True, highlight_cursor_line=False, placeholder=placeholder)
        self.field_path = field_path

    @property
    def value(self) -> str:
        return self.text

    @value.setter
    def value(self, text: str) -> None:
        self.load_text(text)


class FormField(Vertical):
    """The one labelled field of every form and dialog: label and input on one row, the field's error message (in
    Chinese) on the row below when there is one.

    The input's look lives here, not in a screen's sheet: a one-line Input is one row without border (Textual's
    default Input is three rows tall; squeezed into one row it shows only its top border and never the text), so
    value, placeholder and cursor show the same in the registration form, the handling dialogs and screening.
    """

    DEFAULT_CSS = """
    FormField { height: auto; }
    FormField > Horizontal { height: auto; }
    FormField .field-label { width: 11; height: 1; padding-left: 1; }
    FormField .field-error { display: none; color: $error; text-style: bold; height: auto; padding-left: 12; }
    FormField.-invalid .field-error { display: block; }
    FormField.-invalid .field-label { color: $error; }
    FormField Input {
        height: 1; border: none; padding: 0 1; width: 1fr;
        background: $panel; color: $foreground;
    }
    FormField Input:focus { border: none; background: #3A3000; color: #FFFFFF; text-style: bold; }
    FormField Input > .input--placeholder { color: #9E9E9E; text-style: not bold; }
    /* 详细情况: a few lines to start with, growing with the text up to a limit, then scrolling inside */
    FormField FieldTextArea {
        height: auto; min-height: 3; max-height: 8; width: 1fr; border: none; padding: 0 1;
        background: $panel; color: $foreground;
    }
    FormField FieldTextArea:focus { border: none; background: #3A3000; color: #FFFFFF; }
    FormField FieldTextArea > .text-area--placeholder { color: #9E9E9E; }
    """

    def __init__(self, label: str, field_input: Input | FieldTextArea, *, id: str | None = None,
                 classes: str | None = None, label_width: int | None = None):
        super().__init__(id=id, classes=classes)
        self.label = label
        self.input = field_input
        self.label_width = label_width

    def compose(self) -> ComposeResult:
        with Horizontal():
            label = Static(plain(self.label), classes="field-label")
            if self.label_width:
                label.styles.width = self.label_width
            yield label
            yield self.input
        error = Static(classes="field-error")
        if self.label_width:
            error.styles.padding = (0, 0, 0, self.label_width + 1)
        yield error

    def set_error(self, message: str | None) -> None:
        self._error = message or ""
        self.set_class(bool(message), "-invalid")
        self.query_one(".field-error", Static).update(plain(message or ""))

    @property
    def error(self) -> str:
        return getattr(self, "_error", "")
