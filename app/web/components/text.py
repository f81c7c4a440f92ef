"""User text shown through Streamlit's Markdown (titles, messages, captions) must not become markup."""
from __future__ import annotations

import re

# Characters with a meaning in CommonMark/GFM or Streamlit's Markdown extensions ($ math, : emoji/icons,
# ~ strikethrough, | tables, < autolinks). Each is backslash-escaped, which Markdown renders literally.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^])")


def md_escape(text: object) -> str:
    """`text` as Markdown that displays exactly as written, on one line."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
