"""``python -m xfdesk``: the same as the ``xfdesk`` command (each browser tab of ``xfdesk serve`` starts one)."""

from xfdesk.cli import main

main()
