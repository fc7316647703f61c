"""The pure domain core: rules, deadlines, working-day calendar, validation, numbering, screening, statistics.

No I/O, no textual, no SQL here (a test checks the imports).
"""
