"""Why a document cannot be filled, as the rest of the program catches it: these classes live apart from
``render`` so that code which only refers to them (the services, the CLI) does not load docxtpl, python-docx,
Jinja2 and lxml (9 MB, ~65 ms) before a document is actually filled."""

from __future__ import annotations

from xfdesk.domain.errors import Refused

__all__ = ["RenderError", "RenderLimit", "TemplateProblem"]


class TemplateProblem(Refused):
    """The template cannot be used; ``problems`` lists every reason in Chinese."""

    def __init__(self, template: str, problems: list[str]):
        self.template = template
        self.problems = problems
        super().__init__(f"模板“{template}”有问题：" + "；".join(problems))


class RenderError(Refused):
    """Filling failed (a field without a value, a refused operation); the message is Chinese."""


class RenderLimit(RenderError):
    """A render stopped at one of the bounds (too long, too slow)."""
