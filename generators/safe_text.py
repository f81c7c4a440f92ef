"""Escaping for user text (client and scenario names, notes) written into generated files."""
from __future__ import annotations

import html

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")   # OWASP CSV injection: cells a spreadsheet would evaluate


def csv_cell(value: object) -> object:
    """Neutralise a spreadsheet formula: prefix text starting with = + - @ TAB CR with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def html_text(value: object) -> str:
    """HTML-escape text (quotes included)."""
    return html.escape(str(value), quote=True)
