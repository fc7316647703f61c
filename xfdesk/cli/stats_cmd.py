"""``xfdesk stats``: the month's figures (及时受理率, 按期办结率, 化解率 …) in total and by group."""

from __future__ import annotations

import dataclasses
import json
from typing import Optional

import typer

from xfdesk.cli.base import CliError, context, signed_in
from xfdesk.cli.output import print_table

# what an office types for --by: the Chinese words, or the English codes of the JSON
GROUPINGS = {"类别": "category", "问题类别": "category", "category": "category",
             "属地": "village", "村": "village", "村居": "village", "village": "village",
             "单位": "unit", "责任单位": "unit", "unit": "unit"}


def register(app: typer.Typer) -> None:
    app.command("stats", help="统计：及时受理率、按期办结率、化解率、一次性化解率、满意率、参评率，可按类别/属地/单位分组")(stats)


def stats(
    month: Optional[str] = typer.Option(None, "--month", help="月份 YYYY-MM，默认本月"),
    by: Optional[str] = typer.Option(None, "--by", help="分组：类别、属地（村）、单位（单位按办结率排名）；"
                                                     "也可写 category、village、unit"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出"),
) -> None:
    from xfdesk.domain.statistics import GROUPING_LABELS, RATE_NAMES, figures, figures_by, rank_units
    from xfdesk.services.statistics import matter_facts, month_range

    ctx = context()
    month = month or ctx.today().strftime("%Y-%m")
    try:
        start, end = month_range(month)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if by is not None:
        wanted = by.strip()
        by = GROUPINGS.get(wanted) or GROUPINGS.get(wanted.lower())
        if by is None:
            raise CliError(f"没有这种分组：{wanted}（可用：类别、属地、单位）")
    signed_in(ctx)  # after the arguments are checked: no password asked for a mistyped command
    facts = matter_facts(ctx, start, end)
    rows = [figures(facts, f"{month} 合计")]
    if by == "unit":
        rows += rank_units(facts)
    elif by:
        rows += figures_by(facts, by)
    if as_json:
        print(json.dumps({"month": month, "by": by, "rows": [dataclasses.asdict(r) for r in rows]},
                         ensure_ascii=False, indent=2))
        return
    title = GROUPING_LABELS.get(by or "", "")
    headers = [title or "", "事项", "办结", *RATE_NAMES, "重复访", "越级访"]
    cells = [[r.label, r.matters, r.finished, *[("—" if r.rates[n] is None else f"{r.rates[n]:.2f}%") for n in RATE_NAMES],
              r.repeats, r.skip_level] for r in rows]
    print_table(headers, cells, title=f"{month} 受理登记事项统计{('（按' + title + '）') if title else ''}",
                right=range(1, len(headers)))
    print("说明：“—”表示该项没有可计算的事项（分母为0）")
