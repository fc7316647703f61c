"""Work done ahead of the keys that will need it, while the desk is idle or the clerk reads.

Each piece takes the UI thread (building a form, adding style sheets) or the GIL (importing modules in a thread) for
tens to hundreds of milliseconds, which a key pressed meanwhile would wait for: the first ``h`` right after a matter
showed took 230 ms while the modules below were still being imported, 81 ms once they were in. So the app's idle
tick (``XfdeskApp.prepare_ahead``: a second without keys, no worker running) does one piece a tick. The screens
themselves are loaded earlier, by the start-up worker while the sign-in box is up (``warm_up_screens``); F3 or a
matter on screen loads them at once if that did not happen.

What is loaded when, for memory at rest (issue 16): the screens a matter's keys open are small (~2 MB) and load at
rest; the document renderer (docxtpl, python-docx, Jinja2, lxml: 9 MB, ~65 ms) only once a document can be asked
for, i.e. after a matter or a reception day has been on screen.
"""

from __future__ import annotations

# What the keys of a matter lead to (h 办理 and its dialogs, b 约访, d 文书): their modules and style sheets. Textual
# adds a screen's sheets at its first push and then re-parses every sheet and restyles every widget (the first b
# paid 116 ms for it on the 3k office). The modules are imported in a thread; the sheets are then added on the UI
# thread, which owns the stylesheet.
NEXT_SCREENS = (("xfdesk.tui.screens.handling", ("HandlingScreen", "ActionFormScreen")),
                ("xfdesk.tui.screens.screening", ("ScreeningDecisionScreen",)),
                ("xfdesk.tui.screens.reception", ("BookMatterScreen", "ReceptionDayScreen")),
                ("xfdesk.tui.screens.documents", ("ChooseDocumentScreen", "DocumentPreviewScreen")))


# F2, F3 and a matter: by module name, as NEXT_SCREENS (the screens import this module; no import back)
FIRST_SCREENS = (("xfdesk.tui.screens.register", "RegisterScreen"), ("xfdesk.tui.screens.search", "SearchScreen"),
                 ("xfdesk.tui.screens.matter", "MatterScreen"))


def import_next_screens() -> list[type]:
    import importlib

    importlib.import_module("xfdesk.services.handling")
    return [getattr(importlib.import_module(module), name) for module, names in NEXT_SCREENS for name in names]


def import_renderer() -> None:
    import xfdesk.documents.render  # noqa: F401

    freeze_modules()


def freeze_modules() -> None:
    """Modules just imported live as long as the desk: frozen (see ``settle_heap``), in the worker that imported
    them. Collected first, so that no garbage of the moment is frozen with them (a process that runs many desks
    one after another, the test suite, grew by hundreds of MB when it was)."""
    import gc

    gc.collect()
    gc.freeze()


def load_next_screens(app) -> bool:  # noqa: ANN001
    """Once per app: see NEXT_SCREENS. True when started by this call."""
    if getattr(app, "_next_screens_started", False):
        return False
    app._next_screens_started = True

    def load() -> None:
        from xfdesk.tui.styles import load_screen_styles

        classes = import_next_screens()
        freeze_modules()
        app.call_from_thread(load_screen_styles, app, classes)

    # ahead-of-time work only: if it fails (the desk quitting meanwhile), the first push loads what it needs
    app.run_worker(load, thread=True, group="ahead", name="next-screens", exit_on_error=False)
    return True


def warm_up_screens(app) -> None:  # noqa: ANN001
    """In the start-up worker, once the office is open (the sign-in box is up, the clerk types a password): the
    screens of the first minutes (F2, F3, a matter) and what a matter's keys open, with their style sheets, so that
    neither the first F3 nor the first h after it waits for them (the desk walk pressed h 185 ms after a matter
    showed while they were still loading). Ahead-of-time work only: a failure is left to the first push."""
    import importlib

    from xfdesk.tui.styles import load_screen_styles

    try:
        app._next_screens_started = True
        classes = [getattr(importlib.import_module(module), name) for module, name in FIRST_SCREENS]
        classes += import_next_screens()
        freeze_modules()
        app.call_from_thread(load_screen_styles, app, classes)
    except Exception:  # noqa: BLE001, S110 — the desk quitting meanwhile, or a screen that will say so when pushed
        pass


def want_documents(app) -> None:  # noqa: ANN001
    """A document can now be asked for (a matter or a reception day is on screen): the idle desk loads the
    renderer, so the first preview or notice does not wait for it."""
    app._documents_wanted = True


def load_renderer(app) -> bool:  # noqa: ANN001
    """Once per app, once wanted (``want_documents``). True when started by this call."""
    if not getattr(app, "_documents_wanted", False) or getattr(app, "_renderer_started", False):
        return False
    app._renderer_started = True
    app.run_worker(import_renderer, thread=True, group="ahead", name="renderer", exit_on_error=False)
    return True


# A full garbage collection scans every object the desk holds (~0.5 million, most of them made at start-up and kept
# for good: modules, style sheets, screens). Left to Python it comes at random moments of work, and the walk of
# issue 9 met eleven of them, 11 → 112 ms each as the heap grew, inside the keys' responses. So the idle desk does
# it itself and then freezes what survived (``gc.freeze``): the collections that still come during work scan only
# what was made since. Before each collection what was frozen is unfrozen, so that objects frozen alive and dropped
# since (a used registration form, a closed screen) are collected, not kept for good.
HEAP_SETTLE_S = 300.0  # at most this often (a full collection takes 50-100 ms), and only after work since


def settle_heap(app) -> bool:  # noqa: ANN001
    """Collect and freeze the heap at an idle moment (see above). True when done by this call."""
    import gc
    import time

    worked = sum(s["collections"] for s in gc.get_stats()[:2])  # young collections: objects were made
    last = getattr(app, "_heap_settled", None)
    if last is not None and (worked == last[1] or time.monotonic() - last[0] < HEAP_SETTLE_S):
        return False
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    app._heap_settled = (time.monotonic(), sum(s["collections"] for s in gc.get_stats()[:2]))
    return True
