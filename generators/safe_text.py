"""Escaping for user text (client and scenario names, notes) written into generated files."""
from __future__ import annotations

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")   # OWASP CSV injection: cells a spreadsheet would evaluate


def csv_cell(value: object) -> object:
    """Neutralise a spreadsheet formula: prefix text starting with = + - @ TAB CR with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value

