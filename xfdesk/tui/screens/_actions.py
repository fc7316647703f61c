"""What the handling and screening screens share: their styles and the notice offered after a step."""

from __future__ import annotations

from xfdesk.tui.screens.documents import notice_after_action

SCREEN_CSS = """
.hd-title { background: $panel; color: $primary; text-style: bold; height: 1; padding: 0 1; }
.hd-info { height: auto; padding: 0 1; }
.hd-message { height: auto; padding: 0 1; color: $warning; text-style: bold; }
.hd-error { height: auto; padding: 0 1; color: $error; text-style: bold; }
.hd-hint { height: auto; padding: 0 1; color: #9E9E9E; }
.hd-row { height: 1; }
#hd-actions { height: auto; max-height: 14; border: none; background: $background; }
#af-box { width: 76; max-width: 100%; height: auto; max-height: 100%; background: $surface;
          border: heavy $primary; padding: 0 1; }
ActionFormScreen { align: center middle; }
"""


def offer_notice(app, ctx, operator, matter_id: int, action: str) -> bool:  # noqa: ANN001
    """After an action that calls for a written notice (受理告知书, 信访处理意见书 …), open its preview
    (documents area: S saves with its 文号, P prints, Esc closes without issuing)."""
    screen = notice_after_action(ctx, operator, matter_id, action)
    if screen is None:
        return False
    app.push_screen(screen)
    return True
