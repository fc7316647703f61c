"""Every key goes to the widget that has focus once the keys before it have done their work, however slow the machine.

Why Textual alone does not: the App forwards each key from the terminal to ``app.focused`` the moment the App's queue
reaches it. A Tab, an Enter in an Input, Ctrl+N … are not handled there: the key is queued on the focused widget,
bubbles up through each parent's queue to the App, and only then runs the screen's binding (``focus_next``) or the
Input's ``submit`` whose ``Submitted`` bubbles up again to the form that moves the focus. Keys the terminal delivered
meanwhile (a fast typist, a loaded 2-core PC, a handler doing database work) are already forwarded to the widget that
was focused *before* the Tab: a phone number lands in 身份证号. Keys typed while the database opens, or before a
pushed screen is mounted, go to a screen that has nothing focused and are lost.

``KeyOrder`` (mixed into the App) holds a key from the terminal until the key before it has settled: after a key
that is not plain text, that key has been handled (stopped by a widget, or dispatched by the App's own pump where
its binding runs), the focused widget and its parents have processed their queues (the bubbling key, the
``Submitted`` it caused) and nothing that may move the focus waits in the App's own queue (a bubbled key's binding,
``Widget.focus()``'s deferred ``set_focus`` callback).
Plain text after plain text goes straight through (same widget, order kept). Held keys are delivered in order.
Waiting is bounded (``SETTLE_LIMIT``): a key is never held longer than that, and Ctrl+Q/Ctrl+C are never held.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque

from textual import events
from textual.app import ScreenStackError

SETTLE_LIMIT = 5.0  # seconds (wall clock, a loaded PC included): a key is delivered after this even if something keeps the App busy
START_LIMIT = 30.0  # seconds: keys typed while the office opens or a screen composes are kept this long at most
NEVER_HELD = frozenset({"ctrl+q", "ctrl+c"})


class KeyOrder:
    """App mixin (put it before ``App`` in the bases)."""

    _held_keys: deque | None = None
    _settle_pending = False
    _release_scheduled = False
    _held_since = 0.0
    _in_flight: events.Key | None = None  # the last key that is not plain text, until it has done its work
    _in_flight_done = False
    _was_waiting = False
    _rounds = 0  # how often the held keys were looked at since the last delivery

    def start_key_order(self) -> None:
        """Call from the App's on_mount: a bubbled key is done once the App's own pump has dispatched it."""
        self.message_signal.subscribe(self, self._app_dispatched, immediate=True)  # type: ignore[attr-defined]

    def _app_dispatched(self, message: object) -> None:
        if message is self._in_flight:
            self._in_flight_done = True

    def keys_blocked(self) -> bool:
        """True while keys cannot be delivered yet (the app overrides: the office is still opening)."""
        return False

    # -- Textual's entry point for events from the driver --------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded and event.key not in NEVER_HELD:
            if self._held_keys is None:
                self._held_keys = deque()
            if self._held_keys or not await self._ready_for_key():
                if not self._held_keys:
                    self._held_since = time.monotonic()
                self._held_keys.append(event)
                self._schedule_release()
                return
            await self._deliver(event)
            return
        await super().on_event(event)  # type: ignore[misc]

    async def _deliver(self, event: events.Key) -> None:
        if not event.is_printable:
            self._in_flight, self._in_flight_done = event, False
        await super().on_event(event)  # type: ignore[misc]
        if not event.is_printable:
            self._settle_pending = True
            if not event.is_forwarded:  # a priority binding took it right here
                self._in_flight_done = True

    def _schedule_release(self) -> None:
        if self._release_scheduled:
            return
        self._release_scheduled = True
        if self.keys_blocked():
            self.set_timer(0.02, self._release)  # type: ignore[attr-defined]
        elif self._in_flight is not None:
            self.set_timer(0.005, self._release)  # type: ignore[attr-defined]  (the key is still on its way)
        else:
            self.call_later(self._release)  # type: ignore[attr-defined]  (after what is queued now)

    async def _release(self) -> None:
        self._release_scheduled = False
        held = self._held_keys
        while held:
            if not await self._ready_for_key():
                self._rounds += 1
                self._schedule_release()
                return
            event = held.popleft()
            self._held_since, self._rounds = time.monotonic(), 0
            await self._deliver(event)
            if self._settle_pending:
                self._schedule_release()  # let the key's bubbling and what it starts reach the App first
                return

    # -- when the next key may go -------------------------------------------------------------------------------
    async def _ready_for_key(self) -> bool:
        screen = self._current_screen()
        # the office still opening, or a pushed screen still composing (F2 on a slow PC): its keys wait for it;
        # no screen at all (the first not yet pushed, or the last popped while quitting): they wait, never a traceback
        if self.keys_blocked() or screen is None or not screen.is_mounted:
            self._was_waiting = True
            return self._overdue(START_LIMIT)
        if self._was_waiting:  # the settling below gets its own time, counted from now
            self._was_waiting = False
            self._held_since = time.monotonic()
        key = self._in_flight
        if key is not None:
            # on its way up through the focused widget's parents (a widget may stop it: handled there)
            if not (self._in_flight_done or key._stop_propagation) and not self._overdue():
                return False
            self._in_flight = None
        if not self._settle_pending:
            return True
        await self._settle_focus_chain()
        if self._bubbled_key_waiting() and not self._overdue():
            return False
        self._settle_pending = False
        return True

    def _overdue(self, limit: float = SETTLE_LIMIT) -> bool:
        """Held too long: by the clock *and* after many looks (a loop blocked by slow work makes few looks, and that
        is no reason to let a key go astray; something posting callbacks forever makes many)."""
        return bool(self._held_keys) and time.monotonic() - self._held_since > limit and self._rounds > 100

    async def _settle_focus_chain(self) -> None:
        """Until the focused widget and its parents have worked off their queues (focus may move meanwhile).

        Textual's queues have no join(): this polls, yielding to the widgets' tasks, and wants the chain idle twice
        in a row (a message taken off a queue posts its bubble at the end of its dispatch).
        """
        deadline = time.monotonic() + SETTLE_LIMIT
        quiet = 0
        spins = 0
        while quiet < 2 and time.monotonic() < deadline:
            spins += 1
            await asyncio.sleep(0 if spins < 50 else 0.002)
            quiet = quiet + 1 if not any(_busy(w) for w in self._focus_chain()) else 0

    def _current_screen(self):  # noqa: ANN202
        try:
            return self.screen  # type: ignore[attr-defined]
        except ScreenStackError:
            return None

    def _focus_chain(self) -> list:
        screen = self._current_screen()
        if screen is None:
            return []
        widget = screen.focused or screen
        chain = []
        while widget is not None and widget is not self:
            chain.append(widget)
            if widget is screen:
                break
            widget = widget.parent
        return chain

    def _bubbled_key_waiting(self) -> bool:
        """Work queued on the App that may move the focus: a key that bubbled up and waits for its (non-priority)
        binding (Tab's focus_next, an Input's submit), or a callback — ``Widget.focus()`` itself is one: it does
        ``app.call_later(set_focus)``, so the focus moves only when the App's queue gets there."""
        return any((isinstance(m, events.Key) and m.is_forwarded) or isinstance(m, events.Callback)
                   for m in _queued(self))


def _queued(pump) -> list:  # noqa: ANN001
    """The messages waiting in a message pump's queue (Textual's own Queue keeps them in ``values``)."""
    pending = [pump._pending_message] if getattr(pump, "_pending_message", None) is not None else []
    return pending + list(getattr(pump._message_queue, "values", ()))


def _busy(pump) -> bool:  # noqa: ANN001
    return bool(_queued(pump))
