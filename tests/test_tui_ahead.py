"""The idle desk's heap: collected at an idle moment and frozen, with what was frozen and dropped since collected."""

from __future__ import annotations

import gc
import weakref

from xfdesk.tui import ahead


class Desk:
    """The attributes ``settle_heap`` keeps on the app."""


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def test_settle_heap_collects_frozen_garbage_then_freezes_what_lives(monkeypatch):
    try:
        cycle = Node()
        cycle.other = Node()
        cycle.other.other = cycle  # garbage only a collection frees
        gone = weakref.ref(cycle)
        gc.freeze()  # frozen while alive, e.g. with a module import
        del cycle
        gc.collect()
        assert gone() is not None  # a frozen cycle is not collected ...

        desk = Desk()
        assert ahead.settle_heap(desk) is True
        assert gone() is None  # ... until the idle desk unfreezes and collects
        assert gc.get_freeze_count() > 0  # what survived is frozen again

        assert ahead.settle_heap(desk) is False  # nothing made since, and too soon: not again
        monkeypatch.setattr(ahead, "HEAP_SETTLE_S", 0.0)
        assert ahead.settle_heap(desk) is False  # not due without work since (no young collection)
        [Node() for _ in range(20_000)]  # work: young collections run
        assert ahead.settle_heap(desk) is True
    finally:
        gc.unfreeze()


def test_freeze_modules_collects_before_it_freezes():
    try:
        gc.unfreeze()
        cycle = Node()
        cycle.other = cycle
        gone = weakref.ref(cycle)
        del cycle
        ahead.freeze_modules()
        assert gone() is None  # the garbage of the moment was collected, not frozen
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
