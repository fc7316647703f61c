"""The one exception family for refusals a user sees: ``str(error)`` is the Chinese message shown at the field, in
the status line or on stderr. Screens and commands catch ``Refused``; anything else is a bug and is logged as one.
"""

from __future__ import annotations


class Refused(Exception):
    """An action that cannot be done as asked; the message says why, in Chinese, and changes nothing."""
