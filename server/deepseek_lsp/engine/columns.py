"""Columns in the negotiated position encoding (UTF-8, UTF-16 or UTF-32) and in code points.

LSP counts a line's characters in the client's encoding; the server's text store counts code
points. These convert one line's columns, touching only its wide characters.
"""

from __future__ import annotations

import re
from typing import Literal

Encoding = Literal["utf-8", "utf-16", "utf-32"]

# Characters wider than one unit in each encoding; the rest count one unit per code point.
_WIDE = {
    "utf-16": re.compile("[\U00010000-\U0010ffff]"),
    "utf-8": re.compile("[^\x00-\x7f]"),
}


def _width(char: str, encoding: Encoding) -> int:
    """Units one code point takes in `encoding`."""
    code = ord(char)
    if encoding == "utf-16":
        return 2 if code > 0xFFFF else 1
    if encoding == "utf-8":
        return 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4
    return 1


def units_to_code_points(content: str, units: int, encoding: Encoding) -> int:
    """Code-point index of a column in `encoding`; mid-character rounds down, too far clamps."""
    units = max(units, 0)
    if encoding == "utf-32" or content.isascii():
        return min(units, len(content))
    extra = 0
    for match in _WIDE[encoding].finditer(content):
        index = match.start()
        start = index + extra
        if start >= units:
            break
        width = _width(match.group(), encoding)
        if units < start + width:
            return index
        extra += width - 1
    return min(units - extra, len(content))


def code_points_to_units(content: str, index: int, encoding: Encoding) -> int:
    """Column in `encoding` for a code-point index (clamped to the line)."""
    index = min(max(index, 0), len(content))
    if encoding == "utf-32" or content.isascii():
        return index
    if encoding == "utf-16":
        return index + len(_WIDE["utf-16"].findall(content, 0, index))
    return len(content[:index].encode("utf-8", "surrogatepass"))
