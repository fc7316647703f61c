"""The Textual user interface: screens and widgets that call services and never hold rules or SQL."""
