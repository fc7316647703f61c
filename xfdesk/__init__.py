"""xfdesk 信访接待台: a keyboard-driven terminal application for a township petition reception desk."""

__version__ = "0.1.0"
